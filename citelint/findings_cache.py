"""A content-hash cache of findings, so unchanged drafts are not linted again.

Each bucket (a folder in `.citelint_cache/<version>/`) belongs to one
combination of citelint version and code, settings, and rule set, so
changing any of them starts a fresh bucket. A bucket holds one entry per
draft path (the draft's bytes' hash and its findings), spread over up to 256
shard files by the path's hash: a look-up reads one small shard, a run that
changes a few drafts rewrites a few shards, and no cap on entries makes a
large tree evict its own entries run after run. The cache as a whole is held
under MAX_BYTES by removing the least recently used buckets.
A fully cached run loads no rules at all: that is what makes it fast.

A cache folder can come from someone else's repository, so nothing read from
it is trusted: JSON, not pickle (it must never run code), and every shard
carries a keyed hash (BLAKE2b) made with a key kept in the user's own cache
folder (userdirs.py). A shard that does not verify (shipped, edited, or
another user's) is ignored, so a crafted `.citelint_cache` cannot claim a
draft is clean. Bucket folder names come from the same key.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from . import __version__
from .model import Edit, Finding, Fix, Safety, Severity

CACHE_DIR = ".citelint_cache"
MAX_BYTES = 256 << 20  # the whole cache; the least recently used buckets go first
_FORMAT = 2
_SHARD_CHARS = 2       # hex characters of the path's hash that name its shard: 256 shards
KEY_FILE = "findings-cache.key"


def file_key(path: str, digest: str) -> str:
    """The key of a draft at `path` whose bytes hash (SHA-256) to `digest`:
    the path's hash (its entry, and by its first characters its shard), then
    the bytes' hash the entry must hold."""
    return f"{_path_id(path)}:{digest}"


def _path_id(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@lru_cache(maxsize=1)
def user_key() -> bytes | None:
    """The user's secret key for the cache's keyed hashes, made on first use
    (32 random bytes, readable by the user alone); None where it cannot be
    kept, and then no findings cache is read or written."""
    from .userdirs import user_cache_dir  # deferred
    path = user_cache_dir() / KEY_FILE
    for _ in range(2):
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
            return key if len(key) == 32 else None
        except FileNotFoundError:
            _make_key(path)
        except (OSError, ValueError):
            return None
    return None


def _make_key(path: Path) -> None:
    """Write a new key whole, or leave one another process wrote first."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(os.urandom(32).hex() + "\n")
        os.link(tmp, path)  # fails if another process made one: theirs is kept
    except OSError:
        pass
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _seal(key: bytes, label: str, body: bytes) -> str:
    """The keyed hash of a shard's entries and of where they belong."""
    return hashlib.blake2b(label.encode("utf-8", "surrogateescape") + b"\n" + body, key=key,
                           digest_size=32).hexdigest()


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


_HEAD = b'{"format":%d,"seal":"' % _FORMAT
_MID = b'","entries":'
_SEAL_LEN = 64


class Bucket:
    """One shard file: entries {path hash: [bytes hash, findings]}, sealed
    with the user's key (see the module's docstring)."""

    def __init__(self, path: Path, key: bytes | None = None):
        self.path = path
        self.key = key if key is not None else user_key()
        self.label = f"{path.parent.name}/{path.name}"  # a sealed shard is valid only where it was written
        self.entries: dict[str, list] = self._read()
        self.changed: dict[str, list] = {}

    def _read(self) -> dict:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}  # missing: start empty, it is only a cache
        body = data[len(_HEAD) + _SEAL_LEN + len(_MID):-1]
        if (self.key is None or not data.startswith(_HEAD) or not data.endswith(b"}")
                or data[len(_HEAD) + _SEAL_LEN:len(_HEAD) + _SEAL_LEN + len(_MID)] != _MID):
            return {}
        import hmac  # deferred
        seal = data[len(_HEAD):len(_HEAD) + _SEAL_LEN].decode("ascii", "replace")
        if not hmac.compare_digest(seal, _seal(self.key, self.label, body)):
            return {}  # not written by this user here: shipped, edited or damaged
        try:
            import json  # deferred
            entries = json.loads(body)
        except ValueError:
            return {}
        return entries if isinstance(entries, dict) else {}

    @property
    def dirty(self) -> bool:
        return bool(self.changed)

    def get(self, key: str, path: str) -> list[Finding] | None:
        slot, _, digest = key.partition(":")
        found = self.entries.get(slot)
        if not isinstance(found, list) or len(found) != 2 or found[0] != digest:
            return None
        try:
            return [finding_from_json(d, path) for d in found[1]]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, findings: list[Finding]) -> None:
        if not all(_jsonable(f.extra) for f in findings):
            return  # a plugin's `extra` that JSON cannot hold: not cached
        slot, _, digest = key.partition(":")
        self.entries[slot] = self.changed[slot] = [digest, [finding_to_json(f) for f in findings]]

    def save(self) -> None:
        if not self.changed or self.key is None:
            return
        import json  # deferred
        import tempfile  # deferred
        entries = self._read()  # what another run may have saved since: kept, with ours over it
        entries.update(self.changed)
        self.changed = {}
        body = json.dumps(entries, separators=(",", ":")).encode("utf-8")
        blob = _HEAD + _seal(self.key, self.label, body).encode("ascii") + _MID + body + b"}"
        tmp = None
        try:  # a cache that cannot be written (read-only checkout, full disk) is simply not kept
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".bucket-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would lock out colleagues sharing the checkout
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


class Shards:
    """A bucket: its folder of shard files, each read on first use."""

    def __init__(self, folder: Path, key: bytes | None):
        self.folder, self.key = folder, key
        self.shards: dict[str, Bucket] = {}
        try:
            self.present = {n[:-5] for n in os.listdir(folder) if n.endswith(".json")} if key else set()
            _touch(folder)
        except OSError:
            self.present = set()  # a cold cache

    def may_hold(self, path: str) -> bool:
        """Whether an entry for `path` may exist (without reading the draft to hash it)."""
        return _path_id(path)[:_SHARD_CHARS] in self.present

    def _shard(self, key: str) -> Bucket:
        name = key[:_SHARD_CHARS]
        if name not in self.shards:
            self.shards[name] = Bucket(self.folder / f"{name}.json", self.key)
        return self.shards[name]

    def get(self, key: str, path: str) -> list[Finding] | None:
        return self._shard(key).get(key, path) if key[:_SHARD_CHARS] in self.present else None

    def put(self, key: str, findings: list[Finding]) -> None:
        if self.key is not None:
            self._shard(key).put(key, findings)

    @property
    def dirty(self) -> bool:
        return any(b.dirty for b in self.shards.values())

    def save(self) -> None:
        for b in self.shards.values():
            b.save()


def _touch(folder: Path) -> None:
    """Mark a bucket as used (at most once an hour): eviction goes by this time."""
    import time  # deferred
    if time.time() - os.stat(folder).st_mtime > 3600:
        os.utime(folder)


def _evict(root: Path, keep: set[Path], limit: int) -> None:
    """Remove the least recently used buckets (never those of this run) until
    the cache is under `limit` bytes. Only regular files named as citelint
    names them are removed, and no symbolic link is followed."""
    try:
        buckets = [b for v in _entries(root) if v.is_dir(follow_symlinks=False) for b in _buckets_in(v.path)]
    except OSError:
        return
    total = sum(size for _, _, _, size in buckets)
    for _, folder, files, size in sorted(buckets, key=lambda b: b[0]):
        if total <= limit:
            break
        if folder in keep:
            continue
        try:
            for name in files:
                os.unlink(name)
            if folder.is_dir():
                os.rmdir(folder)
        except OSError:
            pass
        total -= size


def _entries(folder) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return list(it)


def _buckets_in(version: str) -> list[tuple]:
    """(last used, folder, its files, their size) for each bucket of one
    version: a folder of shards, or one file of the earlier format."""
    out = []
    for b in _entries(version):
        if b.is_dir(follow_symlinks=False):
            files = [e for e in _entries(b.path) if e.is_file(follow_symlinks=False)
                     and e.name.endswith((".json", ".tmp"))]
            out.append((b.stat(follow_symlinks=False).st_mtime, Path(b.path), [e.path for e in files],
                        sum(e.stat(follow_symlinks=False).st_size for e in files)))
        elif b.is_file(follow_symlinks=False) and b.name.endswith(".json"):
            st = b.stat(follow_symlinks=False)
            out.append((st.st_mtime, Path(b.path), [b.path], st.st_size))
    return out


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

    def bucket(self, settings, options: tuple = ()) -> Shards:
        hit = self._by_id.get(id(settings))
        if hit is not None and hit[0] is settings and hit[1] == options:
            return hit[2]
        k = (settings, options)
        if k not in self._buckets:
            key = user_key()
            what = repr((ruleset_signature(settings), settings, options)).encode()
            name = hashlib.blake2b(what, key=key or b"", digest_size=12).hexdigest()
            self._buckets[k] = Shards(self.root / __version__ / name, key)
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
        new = [b for b in self._buckets.values() if b.dirty and not b.folder.exists()]
        for b in self._buckets.values():
            b.save()
        if new:  # a new bucket is what grows the cache: keep it under its size
            _evict(self.root, {b.folder for b in self._buckets.values()}, MAX_BYTES)
