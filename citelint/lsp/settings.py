"""The editor's settings for the server: what `initializationOptions` and
`workspace/didChangeConfiguration` may set, checked like a configuration file.

They act as the command line does on `citelint check`: `select` replaces the
configured selection, `extendSelect` and `ignore` add to it, `unsafeFixes`
switches unsafe fixes on, `config` names one configuration file for every
draft and `isolated` reads none. `debounce` is how long (ms) a burst of
changes must pause before the draft is linted again (a change to a quiet
draft is linted at once). `allowHosts` and `archiveEndpoint` act as
`--allow-host` and `--archive-endpoint` for `citelint.verifySources`: the
editor's settings are the user's own, so they are trusted with the address
guard, as a configuration file found beside the drafts is not. Keys may be written camelCase (the editors'
habit) or as in citelint.toml (`extend-select`), at the top level or under a
`citelint` section.
"""
from __future__ import annotations

import math

from ..config import ConfigError
from ..model import Record

_KEYS = {"select": "select", "extendSelect": "extend_select", "extend-select": "extend_select",
         "ignore": "ignore", "unsafeFixes": "unsafe_fixes", "unsafe-fixes": "unsafe_fixes",
         "config": "config", "isolated": "isolated", "debounce": "debounce",
         "allowHosts": "allow_hosts", "allow-hosts": "allow_hosts",
         "archiveEndpoint": "archive_endpoint", "archive-endpoint": "archive_endpoint"}


class ClientSettings(Record):
    """The editor's settings in force (the defaults change nothing)."""
    __slots__ = ("select", "extend_select", "ignore", "unsafe_fixes", "config", "isolated", "debounce",
                 "allow_hosts", "archive_endpoint")
    _fields = __slots__
    _defaults = {"select": None, "extend_select": (), "ignore": (), "unsafe_fixes": False,
                 "config": None, "isolated": False, "debounce": 50.0, "allow_hosts": (), "archive_endpoint": None}

    def overrides(self) -> dict:
        """What config.Resolver takes from a command line."""
        return {"select": list(self.select) if self.select is not None else None,
                "extend_select": list(self.extend_select), "ignore": list(self.ignore),
                "unsafe_fixes": self.unsafe_fixes, "allow_hosts": list(self.allow_hosts),
                "archive_endpoint": self.archive_endpoint}


def _codes(key: str, value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise ConfigError(f"editor settings: `{key}` must be a list of rule codes or prefixes (none empty)")
    return tuple(c.strip().upper() for c in value)


def _value(key: str, field: str, value):
    if field in ("select", "extend_select", "ignore"):
        return None if value is None and field == "select" else _codes(key, value)
    if field in ("unsafe_fixes", "isolated"):
        if not isinstance(value, bool):
            raise ConfigError(f"editor settings: `{key}` must be true or false")
        return value
    if field == "allow_hosts":
        if not isinstance(value, list) or not all(isinstance(h, str) and h.strip() for h in value):
            raise ConfigError(f"editor settings: `{key}` must be a list of host names or host:port")
        return tuple(h.strip() for h in value)
    if field in ("config", "archive_endpoint"):
        if field == "archive_endpoint" and not (value is None or (isinstance(value, str) and value.strip())):
            raise ConfigError(f"editor settings: `{key}` must be a URL, or \"off\"")
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ConfigError(f"editor settings: `{key}` must be the path of a configuration file")
        return value or None
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 10_000
    if not ok:
        raise ConfigError(f"editor settings: `{key}` must be a number of milliseconds from 0 to 10000")
    return float(value)


def parse(raw) -> ClientSettings:
    """ClientSettings from what the editor sent; ConfigError names a bad key."""
    if raw is None:
        return ClientSettings()
    if not isinstance(raw, dict):
        raise ConfigError("editor settings: expected an object of citelint settings")
    if isinstance(raw.get("citelint"), dict) or ("citelint" in raw and raw["citelint"] is None):
        raw = raw["citelint"] or {}
    unknown = sorted(k for k in raw if k not in _KEYS)
    if unknown:
        raise ConfigError(f"editor settings: unknown key(s): {', '.join(unknown)}")
    return ClientSettings(**{_KEYS[k]: _value(k, _KEYS[k], v) for k, v in raw.items()})
