"""Data derived from TOML files (built-in packs and outlet lists, a newsroom's
outlet files), kept as marshal: reading it back is about ten times faster
than parsing TOML again, and a one-file check pays for every millisecond.

Only the command line keeps it on disk (`keep_on_disk()`), in the user's
cache folder (userdirs.py), never beside the source: a configured outlet file
lives in the repository being checked, and nothing is written there. The
Python API writes nothing: it keeps the same marshal copies in memory, for the
life of the process. On disk the cache is keyed by what it was derived from,
written atomically, skipped silently wherever it cannot be written or read
back, and pruned to its newest MAX_FILES files. marshal holds only plain data
here: str, int, bool, tuple, list, dict.
"""
from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Callable

from .userdirs import user_cache_dir


MAX_FILES = 64          # more than any newsroom's packs and outlet files; older ones are removed
_disk = False            # set by the command line only
_memory: dict[Path, bytes] = {}


def keep_on_disk(on: bool = True) -> None:
    """Keep derived data in the user's cache folder across runs (the CLI's choice)."""
    global _disk
    _disk = on


def cache_path(path: Path) -> Path:
    """Where the data derived from `path` is kept: the user's cache folder."""
    import zlib  # deferred: a third of a millisecond, where hashlib's OpenSSL takes three
    key = str(path.resolve()).encode("utf-8", "surrogatepass")
    digest = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"  # names a file; what is in it is checked
    return user_cache_dir() / "toml" / f"{path.name}.{digest}.marshal"


def cached(path: Path, key, compute: Callable[[], object]):
    """compute(), or what it returned last time for the same `key`."""
    store = cache_path(path)
    try:
        blob = _read(store)
        if blob is not None:
            stored_key, data = marshal.loads(blob)
            if stored_key == key:
                return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    data = compute()
    try:
        blob = marshal.dumps((key, data))  # ValueError for what marshal cannot hold (dates)
    except ValueError:
        return data
    if _disk:
        _write(store, blob)
    else:
        _memory[store] = blob
    return data


def _read(store: Path) -> bytes | None:
    if not _disk:
        return _memory.get(store)
    with open(store, "rb") as fh:
        return fh.read()  # marshal.load(fh) reads piecemeal, far slower


def _write(store: Path, blob: bytes) -> None:
    tmp = store.with_name(f"{store.name}.{os.getpid()}.tmp")
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, store)  # atomic: concurrent workers never read half a file
        _prune(store.parent)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _prune(folder: Path) -> None:
    """Keep the newest MAX_FILES files: sources come and go (renamed packs, old checkouts)."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(".marshal") and e.is_file(follow_symlinks=False)]
    if len(entries) <= MAX_FILES:
        return
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    for e in entries[MAX_FILES:]:
        try:
            os.unlink(e.path)
        except OSError:
            pass


_TOML_FORMAT = 1  # of the cache files read_toml keeps


def read_toml(path: Path, cache: bool = False) -> dict:
    """Parse a TOML file; with `cache`, through a marshal copy keyed by the
    file's size and mtime. tomllib is imported only when a file is parsed."""
    def parse():
        import tomllib  # deferred

        from .capped import read_capped  # deferred
        text = read_capped(path).decode("utf-8")
        return tomllib.loads(text.replace("\r\n", "\n").replace("\r", "\n"))  # as read_text() reads it
    if not cache:
        return parse()
    st = path.stat()
    return cached(path, (_TOML_FORMAT, st.st_size, st.st_mtime_ns), parse)


def load_toml(path: Path, where: str, error: type[Exception], what: str, cache: bool = False) -> dict:
    """read_toml, with an unreadable or invalid file raised as `error` in one
    line naming the file: "{where}: cannot read {what}: …" or "not valid TOML"."""
    try:
        return read_toml(path, cache)
    except OSError as exc:
        raise error(f"{where}: cannot read {what}: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError or UnicodeDecodeError
        raise error(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        raise error(f"{where}: cannot read {what}: arrays or inline tables nested too deeply") from None
