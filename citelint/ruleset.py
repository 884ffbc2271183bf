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


@lru_cache(maxsize=1)
def plugin_rules() -> tuple[Rule, ...]:
    if not _may_have_plugins():
        return ()
    from importlib.metadata import entry_points  # deferred

    rules: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        where = f"plugin {ep.name} ({ep.value})"
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not take the run down silently
            raise PackError(f"{where}: cannot be loaded: {exc}") from None
        items = obj() if callable(obj) and not isinstance(obj, type) else obj
        if isinstance(items, type):
            items = [items()]
        elif isinstance(items, Rule):
            items = [items]
        for item in items:
            rule = item() if isinstance(item, type) else item
            if not isinstance(rule, Rule):
                raise PackError(f"{where}: {rule!r} is not a citelint Rule")
            rule.origin = rule.origin or where
            try:
                validate_rule(rule, where)
            except ValueError as exc:
                raise PackError(str(exc)) from None
            rules.append(rule)
    return tuple(rules)


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
