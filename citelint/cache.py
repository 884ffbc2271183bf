"""A content-hash cache of findings, so unchanged drafts are not linted again.

Entries are keyed by the draft's path and exact bytes; each bucket (one JSON
file in `.citelint_cache/`) belongs to one combination of citelint version and
code, settings, and rule set, so changing any of them starts a fresh bucket.
JSON, not pickle: a cache folder checked out from someone else's repository
must never be able to run code.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from . import __version__
from .model import Edit, Finding, Fix, Safety, Severity

CACHE_DIR = ".citelint_cache"
MAX_ENTRIES = 20_000    # per bucket; the least recently used go first
_FORMAT = 1


def file_key(path: str, digest: str) -> str:
    """The key of a draft at `path` whose bytes hash (SHA-256) to `digest`."""
    return hashlib.sha256(f"{path}\0{digest}".encode("utf-8", "surrogateescape")).hexdigest()


def _code_signature() -> str:
    """citelint's own code and built-in packs: a development checkout changes
    them without changing the version number."""
    from .registry import rules_dir
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for folder, pattern in ((here, "**/*.py"), (rules_dir(), "**/*.toml")):
        for p in sorted(folder.glob(pattern)):
            st = p.stat()
            h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _plain(value):
    """The parts of a rule's state that can change its findings, without
    anything whose repr holds a memory address."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    pattern = getattr(value, "pattern", None)
    if isinstance(pattern, (str, bytes)):
        return repr(pattern)
    return type(value).__name__


def rules_signature(rules) -> str:
    h = hashlib.sha256()
    files = set()
    for r in rules:
        public = {k: v for k, v in vars(r).items() if not k.startswith("_")}  # `_x`: caches filled by use
        h.update(json.dumps(_plain(public), sort_keys=True, default=str).encode())
        h.update(f"{type(r).__module__}.{type(r).__qualname__}\n".encode())
        mod = sys.modules.get(type(r).__module__)
        f = getattr(mod, "__file__", None)
        if f:
            files.add(f)
    for f in sorted(files):  # plugin code, which has no version we can trust
        try:
            st = os.stat(f)
            h.update(f"{f}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError:
            pass
    return h.hexdigest()


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


def finding_from_json(d: dict, path: str) -> Finding:
    fix = None
    if "f" in d:
        safety, title, edits = d["f"]
        fix = Fix(tuple(Edit(a, b, t) for a, b, t in edits), Safety(safety), title)
    line, col, end_line, end_col = d["p"]
    return Finding(d["c"], d["n"], Severity(d["s"]), d["m"], d["o"][0], d["o"][1], fix, path,
                   line, col, end_line, end_col, d.get("u"), dict(d.get("x") or {}))


class Bucket:
    """The cached findings for one settings/rules combination."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
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
        try:
            rows = [finding_to_json(f) for f in findings]
            json.dumps(rows)  # a plugin's `extra` that JSON cannot hold is not cached
        except (TypeError, ValueError):
            return
        self.entries.pop(key, None)
        self.entries[key] = rows
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        while len(self.entries) > MAX_ENTRIES:
            self.entries.pop(next(iter(self.entries)))
        body = json.dumps({"format": _FORMAT, "entries": self.entries}, separators=(",", ":"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".bucket-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(body)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would lock out colleagues sharing the checkout
            os.replace(tmp, self.path)
        except OSError:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.dirty = False


class Cache:
    """`.citelint_cache/` in the folder citelint runs from (or $CITELINT_CACHE_DIR)."""

    def __init__(self, folder: str | None = None):
        self.root = Path(folder or os.environ.get("CITELINT_CACHE_DIR") or CACHE_DIR)
        self._code = None
        self._buckets: dict[tuple, Bucket] = {}
        self._rules: dict[int, str] = {}

    def bucket(self, settings, linter, options: tuple) -> Bucket:
        k = (settings, id(linter), options)
        if k not in self._buckets:
            if self._code is None:
                self._code = _code_signature()
            sig = self._rules.get(id(linter))
            if sig is None:
                sig = self._rules[id(linter)] = rules_signature(linter.known)
            name = hashlib.sha256(repr((self._code, sig, settings, options)).encode()).hexdigest()[:24]
            self._buckets[k] = Bucket(self.root / __version__ / f"{name}.json")
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

