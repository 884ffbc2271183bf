"""A one-line progress bar on stderr, only for long runs on a terminal."""
from __future__ import annotations

import time

MIN_FILES = 200      # below this a run is over before a bar helps
_INTERVAL = 0.1      # seconds between redraws


class Progress:
    def __init__(self, total: int, stream, enabled: bool | None = None):
        if enabled is None:
            enabled = total >= MIN_FILES and hasattr(stream, "isatty") and stream.isatty()
        self.total, self.stream, self.enabled = total, stream, enabled
        self.done = 0
        self._last = 0.0

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _INTERVAL and self.done < self.total:
            return
        self._last = now
        width = 30
        filled = width * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")  # leave the line clean for the report
            self.stream.flush()
