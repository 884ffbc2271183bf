"""Where rules come from: the built-in packs in `rules/`, the built-in code
rules in `citelint/checks/`, plugins under the entry-point group
`citelint.rules`, and packs a user names in configuration."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from .datadir import rules_dir
from .packs import PackError, load_pack
from .rule import Rule, validate_rule

ENTRY_POINT_GROUP = "citelint.rules"


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    base = rules_dir()
    for path in sorted(base.glob("*.toml")):
        rules.extend(load_pack(path, f"rules/{path.name}", builtin=True))
    from .checks import BUILTIN_CHECKS  # deferred
    for cls in BUILTIN_CHECKS:
        rule = cls()
        validate_rule(rule, rule.origin or cls.__module__)
        rules.append(rule)
    return tuple(rules)


def _may_have_plugins() -> bool:
    """Whether any installed distribution could declare a `citelint.rules` entry
    point. Importing importlib.metadata and asking it is a large part of a
    one-file check (benchmarks/README.md), so first look at each distribution's entry_points.txt
    ourselves; where we cannot tell (zipped paths, custom finders), say yes."""
    from importlib.machinery import PathFinder  # deferred
    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except NotADirectoryError:
            return True  # a zip or egg: let importlib.metadata read it
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(entry or ".", name, "entry_points.txt"), "rb") as fh:
                        if ENTRY_POINT_GROUP.encode() in fh.read():
                            return True
                except OSError:
                    continue
    return False


# Rule code -> the plugin that defines it, so a failure can name the plugin.
PLUGIN_OF: dict[str, str] = {}


def _cause(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:300]
    return type(exc).__name__ + (f": {detail}" if detail else "")


@lru_cache(maxsize=1)
def plugin_rules() -> tuple[Rule, ...]:
    """Every plugin's rules. A plugin that fails to load, whose factory raises
    (or calls sys.exit()), or that gives something other than valid Rules stops
    the run with one line naming the plugin: its rules would otherwise be
    silently missing."""
    if not _may_have_plugins():
        return ()
    from importlib.metadata import entry_points  # deferred

    rules: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        where = f"plugin {ep.name} ({ep.value})"
        try:
            items = _plugin_items(ep, where)
        except PackError:
            raise
        except (Exception, SystemExit) as exc:  # a broken plugin must not take the run down unexplained
            raise PackError(f"{where}: failed to load: {_cause(exc)}") from None
        for rule in items:
            PLUGIN_OF[rule.code] = where
        rules.extend(items)
    return tuple(rules)


def _plugin_items(ep, where: str) -> list[Rule]:
    obj = ep.load()
    items = obj() if callable(obj) and not isinstance(obj, type) else obj
    if isinstance(items, type):
        items = [items()]
    elif isinstance(items, Rule):
        items = [items]
    out = []
    for item in items:
        rule = item() if isinstance(item, type) else item
        if not isinstance(rule, Rule):
            raise PackError(f"{where}: {_short_repr(rule)} is not a citelint Rule")
        rule.origin = rule.origin or where
        try:
            validate_rule(rule, where)
        except (ValueError, TypeError) as exc:
            raise PackError(f"{where}: {exc}" if not str(exc).startswith(where) else str(exc)) from None
        out.append(rule)
    return out


def _short_repr(obj) -> str:
    try:
        text = repr(obj)
    except Exception:  # a plugin's own __repr__ may fail too
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= 80 else text[:79] + "\u2026"


@lru_cache(maxsize=64)
def user_rules(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for p in paths:
        rules.extend(load_pack(Path(p), p))
    return tuple(rules)


def all_rules(user_packs: tuple[str, ...] = (), plugins: bool = True) -> tuple[Rule, ...]:
    """Every known rule, in run order, with duplicate codes refused."""
    rules = list(builtin_rules())
    if plugins:
        rules.extend(plugin_rules())
    rules.extend(user_rules(tuple(user_packs)))
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.code in seen:
            raise PackError(f"{r.origin}: rule code {r.code} is already used by {seen[r.code].origin}")
        seen[r.code] = r
    return tuple(rules)
