"""Reading the files a run is configured with (configuration, rule packs, outlet
files, baselines) with a size cap: `/dev/zero` or a 3 GB file named as a pack is
one clear line, not a run that reads until memory runs out."""
from __future__ import annotations

import errno
import os
import stat

MAX_SETTINGS_BYTES = 16 * 1024 * 1024     # configuration, packs, outlet files: a real one is a few KB
MAX_BASELINE_BYTES = 256 * 1024 * 1024    # a baseline holds a line or so per accepted finding


def read_capped(path: str | os.PathLike, limit: int = MAX_SETTINGS_BYTES) -> bytes:
    """The file's bytes; OSError (EFBIG) if it holds more than `limit`, after
    reading no more than one byte past it. A FIFO or socket is refused
    (ENXIO) without waiting for a writer: opening is non-blocking."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise OSError(errno.ENXIO, "a pipe, not a file; not read")
        if not stat.S_ISREG(mode) and not stat.S_ISCHR(mode):
            raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.ENXIO, "not a regular file; not read")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MiB, the most citelint reads; not read")
    return data
