"""Data derived from TOML files (built-in packs and outlet lists, a newsroom's
outlet files), kept as marshal: reading it back is about ten times faster
than parsing TOML again, and a one-file check pays for every millisecond.

The cache sits in the user's cache folder (userdirs.py), never beside the
source: a configured outlet file lives in the repository being checked, and
nothing is written there. It is keyed by what it was derived from, written
atomically, and skipped silently wherever it cannot be written or read back.
marshal holds only plain data here: str, int, bool, tuple, list, dict.
"""
from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Callable

from .userdirs import user_cache_dir


def cache_path(path: Path) -> Path:
    """Where the data derived from `path` is kept: the user's cache folder."""
    import hashlib  # deferred
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return user_cache_dir() / "toml" / f"{path.name}.{digest}.marshal"


def cached(path: Path, key, compute: Callable[[], object]):
    """compute(), or what it returned last time for the same `key`."""
    store = cache_path(path)
    try:
        with open(store, "rb") as fh:
            stored_key, data = marshal.loads(fh.read())  # load(fh) reads piecemeal, far slower
        if stored_key == key:
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    data = compute()
    tmp = store.with_name(f"{store.name}.{os.getpid()}.tmp")
    try:
        blob = marshal.dumps((key, data))  # ValueError for what marshal cannot hold (dates)
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, store)  # atomic: concurrent workers never read half a file
    except (OSError, ValueError):
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return data


_TOML_FORMAT = 1  # of the cache files read_toml keeps


def read_toml(path: Path, cache: bool = False) -> dict:
    """Parse a TOML file; with `cache`, through a marshal copy keyed by the
    file's size and mtime. tomllib is imported only when a file is parsed."""
    def parse():
        import tomllib  # deferred
        return tomllib.loads(path.read_text(encoding="utf-8"))
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
