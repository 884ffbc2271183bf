"""Configuration: discovery, parsing, validation and rule selection.

Like ruff: the closest config file to a checked path wins (no merging);
`.citelint.toml`, then `citelint.toml`, then `pyproject.toml` with a
`[tool.citelint]` table. Unknown keys and unknown rule codes are errors.
"""
from __future__ import annotations

import fnmatch
import math
import os
from pathlib import Path, PurePosixPath

from .model import Value

CONFIG_NAMES = (".citelint.toml", "citelint.toml", "pyproject.toml")
_SEVERITIES = ("error", "warning", "info")
# The configuration schema, declared once: each key, the kind of value it
# takes and its default. Parsing, validation, the Settings fields (the key with
# underscores) and `citelint config`'s listing all follow it.
CONFIG_FIELDS = {
    "select": ("codes", None),          # None: the default rules
    "extend-select": ("codes", ()), "ignore": ("codes", ()),
    "per-file-ignores": ("globs-to-codes", ()),
    "rule-packs": ("paths", ()), "outlets": ("paths", ()),
    "exclude": ("strings", ()), "extend-exclude": ("strings", ()),
    "severity": ("codes-to-severity", ()),
    "unsafe-fixes": ("bool", False),
    "allow-hosts": ("strings", ()),
    "archive-endpoint": ("string", None), "online-timeout": ("seconds", None),
    # --online tuning (online/options.py); None: the built-in default. They narrow
    # or tune what is fetched, never the link guard, so any configuration may set them.
    "accept": ("status-codes", None),   # status codes that count as alive, lychee's syntax
    "exclude-links": ("patterns", ()), "include-links": ("patterns", ()),  # `exclude` is for files
    "max-retries": ("count", None), "max-concurrency": ("concurrency", None),
    "host-concurrency": ("host-concurrency", None), "cache-max-age": ("duration", None),
    "respect-gitignore": ("bool", True),
    "max-file-size": ("bytes", 50_000_000),  # files.MAX_FILE_SIZE: larger drafts are not read
}


# What each command-line option does to the setting of the same name: replace
# it, extend it, or switch it on (`--select`, `--extend-select`, `--unsafe-fixes`…).
OVERRIDES = {"select": "replace", "extend_select": "extend", "ignore": "extend", "unsafe_fixes": "on",
             "allow_hosts": "extend", "archive_endpoint": "replace", "online_timeout": "replace",
             "max_file_size": "replace", "accept": "replace", "exclude_links": "extend",
             "include_links": "extend", "max_retries": "replace", "max_concurrency": "replace",
             "host_concurrency": "replace", "cache_max_age": "replace"}


# Keys that relax the link guard of `--online`: admitted internal hosts, and the
# archive endpoint (whose host is admitted, and which learns every dead link).
# Only the command line and a file named with `--config` may set them; a
# configuration found beside the drafts travels with the drafts and is not
# trusted with them (it may still switch archive look-ups off).
GUARD_KEYS = ("allow-hosts", "archive-endpoint")
GUARD_NOTE = "only the command line or a file named with --config may relax the link guard"


class ConfigError(ValueError):
    """A configuration problem; the message names the file."""


class Settings(Value):
    """The settings in force for a file: hashable (they key per-settings caches)
    and never changed in place (`replace` returns new settings). One field per
    CONFIG_FIELDS key, plus `root` (the folder relative globs and paths are read
    from), `source` (the file these settings came from) and `ignored` (the
    GUARD_KEYS that file set and was not trusted with)."""
    _fields = tuple(k.replace("-", "_") for k in CONFIG_FIELDS) + ("root", "source", "ignored")
    __slots__ = _fields
    _defaults = {**{k.replace("-", "_"): d for k, (_, d) in CONFIG_FIELDS.items()}, "root": ".", "source": None,
                 "ignored": ()}

    def as_toml(self) -> str:
        """The settings in force, as a `[tool.citelint]`-style listing."""
        lines = [f"# from {self.source or 'defaults (no configuration file)'}", f"# root = {self.root}"]
        if self.ignored:
            lines.append(f"# ignored: {', '.join(self.ignored)} ({GUARD_NOTE})")
        tables = []
        for key, (kind, _) in CONFIG_FIELDS.items():
            value = getattr(self, key.replace("-", "_"))
            if kind in ("codes", "paths", "strings", "patterns"):
                shown = "(default rules)" if value is None else _toml_list(value)
                lines.append(f"{key} = {shown}")
            elif kind == "bool":
                lines.append(f"{key} = {str(value).lower()}")
            elif kind == "string" and value:
                lines.append(f'{key} = "{value}"')
            elif kind in ("seconds", "count", "concurrency", "host-concurrency", "duration") and value is not None:
                lines.append(f"{key} = {value}")
            elif kind == "status-codes" and value is not None:
                lines.append(f'{key} = "{value}"')
            elif kind == "bytes":
                lines.append(f"{key} = {value}")
            elif kind == "globs-to-codes" and value:
                tables += [f"[{key}]"] + [f'"{g}" = {_toml_list(c)}' for g, c in value]
            elif kind == "codes-to-severity" and value:
                tables += [f"[{key}]"] + [f'{c} = "{v}"' for c, v in value]
        return "\n".join(lines + tables) + "\n"


def _toml_list(items) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def parse(table: dict, source: str, root: Path, trusted: bool = True) -> Settings:
    """Settings from a configuration table. An untrusted one (found beside the
    drafts, not named on the command line) has its GUARD_KEYS left out and listed
    in `ignored`."""
    unknown = set(table) - set(CONFIG_FIELDS)
    if unknown:
        raise ConfigError(f"{source}: unknown configuration key(s): {', '.join(sorted(unknown))}")
    kw: dict = {"source": source, "root": str(root)}
    ignored = []
    for key, value in table.items():
        kind = CONFIG_FIELDS[key][0]
        if kind in _ONLINE_KINDS:
            try:
                kw[key.replace("-", "_")] = _online_value(kind, value)
            except ValueError as exc:
                raise ConfigError(f"{source}: `{key}` {exc}") from None
            continue
        if not _VALID[kind](value):
            raise ConfigError(f"{source}: `{key}` {_EXPECTED[kind]}")
        if not trusted and _relaxes_guard(key, value):
            ignored.append(key)
            continue
        kw[key.replace("-", "_")] = _convert(kind, value, root)
    return Settings(**kw, ignored=tuple(ignored))


def _relaxes_guard(key: str, value) -> bool:
    if key not in GUARD_KEYS or not value:
        return False
    if key == "archive-endpoint":
        from .online.archive import endpoint_or_none  # deferred
        return endpoint_or_none(value) is not None  # "off" only narrows what is fetched
    return True


_ONLINE_KINDS = ("status-codes", "patterns", "count", "concurrency", "host-concurrency", "duration")


def _online_value(kind: str, value):
    """An --online tuning value, checked and converted (ValueError says what is wrong)."""
    from .online import options  # deferred
    if kind == "status-codes":
        options.parse_accept(value)
        return options.accept_text(value)
    if kind == "patterns":
        if not _strings(value):
            raise ValueError("must be a list of regular expressions")
        for p in value:
            options.compile_pattern(p)
        return tuple(value)
    if kind == "duration":
        return options.parse_duration(value)
    if isinstance(value, str):
        raise ValueError("must be a whole number")  # TOML has numbers: "4" is a mistake worth saying
    high = {"count": None, "concurrency": options.MAX_CONCURRENCY,
            "host-concurrency": options.MAX_HOST_CONCURRENCY}[kind]
    return options.parse_count(value, 0 if kind == "count" else 1, high)


def _strings(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _codes(v) -> bool:
    return _strings(v) and all(c.strip() for c in v)  # `ignore = [" "]` must not mean every rule


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_size(value) -> int | None:
    """A size in bytes: a whole number, or a string such as "50MB" or "512 KiB"
    (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024). None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace("_", "")
    digits = len(text) - len(text.lstrip("0123456789"))
    number, unit = text[:digits], text[digits:].strip()
    if not number or unit not in _UNITS:
        return None
    size = int(number) * _UNITS[unit]
    return size if size > 0 else None


_VALID = {
    "codes": _codes, "paths": lambda v: _strings(v) and all(v), "strings": _strings,
    "globs-to-codes": lambda v: isinstance(v, dict) and all(_codes(c) for c in v.values()),
    "codes-to-severity": lambda v: isinstance(v, dict) and all(s in _SEVERITIES for s in v.values()),
    "bool": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "seconds": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0,
    "bytes": lambda v: parse_size(v) is not None,
}
_EXPECTED = {
    "codes": "must be a list of rule codes or prefixes (none empty)",
    "paths": "must be a list of file paths (none empty)", "strings": "must be a list of strings",
    "globs-to-codes": "maps globs to lists of codes",
    "codes-to-severity": f"maps codes to one of {', '.join(_SEVERITIES)}",
    "bool": "must be true or false", "string": "must be a URL string",
    "seconds": "must be a positive, finite number of seconds",
    "bytes": 'must be a positive whole number of bytes, or a size such as "50MB"',
}


def _convert(kind: str, value, root: Path):
    if kind == "codes":
        return tuple(v.strip().upper() for v in value)
    if kind == "paths":
        return tuple(str((root / v).resolve()) for v in value)
    if kind == "strings":
        return tuple(value)
    if kind == "globs-to-codes":
        return tuple((g, tuple(c.strip().upper() for c in v)) for g, v in value.items())
    if kind == "codes-to-severity":
        return tuple((c.upper(), v) for c, v in value.items())
    if kind == "seconds":
        return float(value)
    if kind == "bytes":
        return parse_size(value)
    return value


def read_file(path: Path, trusted: bool = True) -> Settings | None:
    """Settings from one config file, or None for a pyproject.toml without our table.
    `trusted`: named by the user (--config), not found beside the drafts."""
    from .tomlcache import load_toml  # deferred
    data = load_toml(path, str(path), ConfigError, "configuration")
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):  # `tool = "x"`: not ours to judge, but it holds no citelint table
            raise ConfigError(f"{path}: `tool` must be a table, so it cannot hold [tool.citelint]")
        table = tool.get("citelint")
        if table is None:
            return None
    else:
        table = data  # citelint.toml / .citelint.toml hold the keys at the top level
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: the citelint table must be a table")
    return parse(table, str(path), path.parent.resolve(), trusted)


class Resolver:
    """Finds the settings for each checked path, caching per folder."""

    def __init__(self, config: str | None = None, isolated: bool = False, overrides: dict | None = None):
        self.overrides = overrides or {}
        self._cache: dict[Path, Settings] = {}
        self._applied: dict[tuple, Settings] = {}  # one overridden copy per settings object
        self._by_folder: dict[str, Settings] = {}  # a file's folder, as written -> its settings
        self._fixed: Settings | None = None
        if isolated:
            self._fixed = Settings(root=str(Path.cwd()))
        elif config:
            p = Path(config)
            if not _is_file(p):
                raise ConfigError(f"{config}: configuration file not found")
            self._fixed = read_file(p) or Settings(root=str(p.parent.resolve()), source=str(p))

    def for_path(self, path: str | Path, is_dir: bool | None = None) -> Settings:
        """The settings for `path`; `is_dir=False` (the caller knows it names a
        file) saves a stat and a Path per file, which a 500-file run notices."""
        if self._fixed is not None:
            return self._apply(self._fixed)
        if is_dir is False:
            folder = os.path.dirname(os.fspath(path))
            found = self._by_folder.get(folder)
            if found is None:
                found = self._by_folder[folder] = self._find(Path(folder or ".").absolute())
            return self._apply(found)
        p = Path(path).absolute()
        folder = p if _is_dir(p) else p.parent
        return self._apply(self._find(folder))

    def _find(self, folder: Path) -> Settings:
        if folder in self._cache:
            return self._cache[folder]
        found = None
        for name in CONFIG_NAMES:
            candidate = folder / name
            if _is_file(candidate):
                found = read_file(candidate, trusted=False)
                if found is not None:
                    break
        if found is None:
            parent = folder.parent
            found = self._find(parent) if parent != folder else Settings(root=str(Path.cwd()))
        self._cache[folder] = found
        return found

    def _apply(self, s: Settings) -> Settings:
        o = self.overrides
        if not o:
            return s
        changes = {}
        for attr, how in OVERRIDES.items():
            value = o.get(attr)
            if value is None or (how != "replace" and not value):
                continue
            if how == "extend":
                changes[attr] = getattr(s, attr) + tuple(value)
            elif how == "on":
                changes[attr] = True
            else:
                changes[attr] = tuple(value) if isinstance(value, list) else value
        if not changes:
            return s  # the same object: caches keyed on settings stay hits
        key = (s, tuple(sorted(changes.items())))  # settings are hashable: never key on id(), which is reused
        if key not in self._applied:
            self._applied[key] = s.replace(**changes)
        return self._applied[key]


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError as exc:  # a folder on the way that cannot be searched (no x permission)
        raise ConfigError(f"{p}: cannot search for configuration: {exc.strerror or exc}") from None


def _is_file(candidate: Path) -> bool:
    """Whether a configuration file is there; a folder that cannot be searched
    is one line naming it (the settings for the files in it cannot be known)."""
    try:
        return candidate.is_file()
    except OSError as exc:
        raise ConfigError(f"{candidate.parent}: cannot search for configuration: {exc.strerror or exc}") from None


def _best(code: str, selectors) -> int:
    best = -1
    for sel in selectors:
        if sel == "ALL":
            best = max(best, 0)
        elif code.startswith(sel):
            best = max(best, len(sel))
    return best


def check_selectors(settings: Settings, codes: set[str]) -> None:
    """Every selector must name a rule code, a prefix of one, or ALL."""
    groups = [("select", settings.select or ()), ("extend-select", settings.extend_select),
              ("ignore", settings.ignore), ("severity", [c for c, _ in settings.severity])]
    groups += [(f"per-file-ignores[{g!r}]", c) for g, c in settings.per_file_ignores]
    for key, sels in groups:
        for sel in sels:
            if sel == "ALL" and key != "severity":
                continue
            if not any(code.startswith(sel) for code in codes) or (key == "severity" and sel not in codes):
                where = settings.source or "command line"
                raise ConfigError(f"{where}: unknown rule code or prefix {sel!r} in `{key}`")


def enabled(settings: Settings, rules) -> list:
    """The rules switched on by select / extend-select / ignore (most specific wins)."""
    out = []
    for r in rules:
        sel = _best(r.code, settings.select) if settings.select is not None else (0 if r.default else -1)
        sel = max(sel, _best(r.code, settings.extend_select))
        if sel >= 0 and sel > _best(r.code, settings.ignore):
            out.append(r)
    return out


def ignored_for(settings: Settings, path: str) -> set[str]:
    """Selectors from per-file-ignores whose glob matches `path`."""
    if not settings.per_file_ignores or path == "-":
        return set()
    p = Path(path).absolute()
    try:
        rel = PurePosixPath(p.relative_to(settings.root)).as_posix()
    except ValueError:
        rel = PurePosixPath(p).as_posix()
    out: set[str] = set()
    for glob, codes in settings.per_file_ignores:
        if fnmatch.fnmatch(rel, glob) or ("/" not in glob and fnmatch.fnmatch(p.name, glob)):
            out.update(codes)
    return out
