"""Reading the files a run is configured with (configuration, rule packs, outlet
files, baselines) with a size cap: `/dev/zero` or a 3 GB file named as a pack is
one clear line, not a run that reads until memory runs out."""
from __future__ import annotations

import errno
import os

MAX_SETTINGS_BYTES = 16 * 1024 * 1024     # configuration, packs, outlet files: a real one is a few KB
MAX_BASELINE_BYTES = 256 * 1024 * 1024    # a baseline holds a line or so per accepted finding


def read_capped(path: str | os.PathLike, limit: int = MAX_SETTINGS_BYTES) -> bytes:
    """The file's bytes; OSError (EFBIG) if it holds more than `limit`, after
    reading no more than one byte past it."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MiB, the most citelint reads; not read")
    return data
