"""Data derived from shipped files, kept as marshal beside them, as Python keeps
.pyc files beside modules: reading it back is about ten times faster than
parsing TOML again, and a one-file check pays for every millisecond.

The cache sits in __pycache__ next to the source (under PYTHONDONTWRITEBYTECODE,
in the user's cache folder instead), is keyed by what it was derived from, is
written atomically, and is skipped silently wherever it cannot be written or
read back. marshal holds only plain data here: str, int, bool, tuple, list, dict.
"""
from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Callable


def cache_path(path: Path) -> Path:
    """Where the data derived from `path` is kept."""
    if not sys.dont_write_bytecode:
        return path.parent / "__pycache__" / (path.name + ".marshal")
    import hashlib  # deferred
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Path(base) / "citelint" / "toml" / f"{path.name}.{digest}.marshal"


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
