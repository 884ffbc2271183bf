"""A content-hash cache of findings, so unchanged drafts are not linted again.

Entries are keyed by the draft's path and exact bytes; each bucket (one JSON
file in `.citelint_cache/`) belongs to one combination of citelint version and
code, settings, and rule set, so changing any of them starts a fresh bucket.
A fully cached run loads no rules at all: that is what makes it fast.
JSON, not pickle: a cache folder checked out from someone else's repository
must never be able to run code.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from . import __version__
from .model import Edit, Finding, Fix, Safety, Severity

CACHE_DIR = ".citelint_cache"
MAX_ENTRIES = 20_000    # per bucket; the least recently used go first
_FORMAT = 1


def file_key(path: str, digest: str) -> str:
    """The key of a draft at `path` whose bytes hash (SHA-256) to `digest`."""
    return hashlib.sha256(f"{path}\0{digest}".encode("utf-8", "surrogateescape")).hexdigest()


@lru_cache(maxsize=1)
def _code_signature() -> str:
    """citelint's own code and built-in packs: a development checkout changes
    them without changing the version number."""
    from .datadir import rules_dir  # deferred
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for folder, pattern in ((here, "**/*.py"), (rules_dir(), "**/*.toml")):
        for p in sorted(folder.glob(pattern)):
            st = p.stat()
            h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _stat_line(path: str) -> str:
    try:
        st = os.stat(path)
        return f"{path}:{st.st_size}:{st.st_mtime_ns}\n"
    except OSError:
        return f"{path}:missing\n"


_PLUGINS: str | None = None


def _plugin_signature() -> str:
    """Installed rule plugins, by name, version and code file, without importing them."""
    global _PLUGINS
    from .ruleset import _may_have_plugins  # deferred
    if _PLUGINS is None and not _may_have_plugins():
        _PLUGINS = ""  # no distribution declares the entry point: importlib.metadata need not load
    if _PLUGINS is None:
        import importlib.util  # deferred
        from importlib.metadata import entry_points  # deferred

        from .ruleset import ENTRY_POINT_GROUP  # deferred
        h = hashlib.sha256()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
            dist = getattr(ep, "dist", None)
            h.update(f"{ep.name}={ep.value} {getattr(dist, 'name', '')} {getattr(dist, 'version', '')}\n".encode())
            try:
                spec = importlib.util.find_spec(ep.value.split(":")[0].split(".")[0])
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.origin:
                h.update(_stat_line(spec.origin).encode())
        _PLUGINS = h.hexdigest()
    return _PLUGINS


def ruleset_signature(settings) -> str:
    """What decides the rule set, found without loading a single rule: citelint's
    own code and packs, the packs and outlet lists the settings name, and the
    installed plugins. (A plugin whose code is edited in place without a new
    version or file size is the one change this can miss: use --no-cache.)"""
    h = hashlib.sha256(_code_signature().encode())
    for p in (*settings.rule_packs, *getattr(settings, "outlets", ())):
        h.update(_stat_line(p).encode())
    h.update(_plugin_signature().encode())
    return h.hexdigest()


def _jsonable(v) -> bool:
    if v is None or isinstance(v, (str, bool, int, float)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_jsonable(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _jsonable(x) for k, x in v.items())
    return False


def finding_to_json(f: Finding) -> dict:
    d = {"c": f.code, "n": f.name, "s": f.severity.value, "m": f.message, "o": [f.start, f.end],
         "p": [f.line, f.column, f.end_line, f.end_column]}
    if f.fix is not None:
        d["f"] = [f.fix.safety.value, f.fix.title, [[e.start, e.end, e.text] for e in f.fix.edits]]
    if f.url is not None:
        d["u"] = f.url
    if f.extra:
        d["x"] = f.extra
    return d


_SEVERITIES = {s.value: s for s in Severity}  # a dict look-up, not Enum.__call__: a warm run
_SAFETIES = {s.value: s for s in Safety}      # rebuilds every finding it reports


def finding_from_json(d: dict, path: str) -> Finding:
    fix = None
    if "f" in d:
        safety, title, edits = d["f"]
        fix = Fix(tuple(Edit(a, b, t) for a, b, t in edits), _SAFETIES[safety], title)
    line, col, end_line, end_col = d["p"]
    return Finding(d["c"], d["n"], _SEVERITIES[d["s"]], d["m"], d["o"][0], d["o"][1], fix, path,
                   line, col, end_line, end_col, d.get("u"), dict(d.get("x") or {}))


class Bucket:
    """The cached findings for one settings/rules combination."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            import json  # deferred
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == _FORMAT and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError, AttributeError):
            pass  # missing or damaged: start empty, it is only a cache

    def get(self, key: str, path: str) -> list[Finding] | None:
        found = self.entries.pop(key, None)
        if found is None:
            return None
        self.entries[key] = found  # most recently used last (saved with the next change)
        try:
            return [finding_from_json(d, path) for d in found]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, findings: list[Finding]) -> None:
        if not all(_jsonable(f.extra) for f in findings):
            return  # a plugin's `extra` that JSON cannot hold: not cached
        rows = [finding_to_json(f) for f in findings]
        self.entries.pop(key, None)
        self.entries[key] = rows
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        while len(self.entries) > MAX_ENTRIES:
            self.entries.pop(next(iter(self.entries)))
        import json  # deferred
        import tempfile  # deferred
        body = json.dumps({"format": _FORMAT, "entries": self.entries}, separators=(",", ":"))
        self.dirty = False
        tmp = None
        try:  # a cache that cannot be written (read-only checkout, full disk) is simply not kept
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".bucket-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(body)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would lock out colleagues sharing the checkout
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


class Cache:
    """`.citelint_cache/` in the folder citelint runs from (or $CITELINT_CACHE_DIR)."""

    def __init__(self, folder: str | None = None):
        self.root = Path(folder or os.environ.get("CITELINT_CACHE_DIR") or CACHE_DIR)
        self._buckets: dict[tuple, Bucket] = {}
        self._by_id: dict[int, tuple] = {}   # id(settings) -> (settings, options, bucket): no re-hashing per file

    def has_symlink(self) -> bool:
        """Whether the cache folder is, or holds, a symbolic link. A repository
        can ship one (`.citelint_cache/.gitignore` -> a file of the user's) so
        that writing the cache overwrites something else: such a cache is not used."""
        try:
            for folder in (self.root, self.root / __version__):
                if folder.is_symlink():
                    return True
                if folder.is_dir():
                    with os.scandir(folder) as entries:
                        if any(e.is_symlink() for e in entries):
                            return True
        except OSError:
            return True
        return False

    def bucket(self, settings, options: tuple = ()) -> Bucket:
        hit = self._by_id.get(id(settings))
        if hit is not None and hit[0] is settings and hit[1] == options:
            return hit[2]
        k = (settings, options)
        if k not in self._buckets:
            name = hashlib.sha256(repr((ruleset_signature(settings), settings, options)).encode()).hexdigest()[:24]
            self._buckets[k] = Bucket(self.root / __version__ / f"{name}.json")
        self._by_id[id(settings)] = (settings, options, self._buckets[k])
        return self._buckets[k]

    def save(self) -> None:
        if not any(b.dirty for b in self._buckets.values()):
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tag = self.root / "CACHEDIR.TAG"
            if not tag.exists():  # backup tools skip folders carrying this tag
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# This file marks citelint's cache; see https://bford.info/cachedir/\n")
                (self.root / ".gitignore").write_text("# Created by citelint automatically.\n*\n")
        except OSError:
            return
        for b in self._buckets.values():
            b.save()

