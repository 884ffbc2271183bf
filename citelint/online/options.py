"""The tuning options of `--online`, in lychee's syntax where it has one:
accepted status codes (`--accept`), link patterns to skip or keep
(`--exclude-link`, `--include-link`), the verdict cache's age
(`--cache-max-age`) and the limits on retries and concurrency.

Parsing only: no network code, and nothing from citelint.config (which calls
these to validate a configuration file), so either side may import it.
"""
from __future__ import annotations

import math
import re

# lychee's default: informational answers and every 2xx. Redirects are followed,
# so a 3xx is only ever the final answer when it has nowhere to send us.
DEFAULT_ACCEPT = "100..=103,200..=299"
MAX_CONCURRENCY = 256      # threads: a configuration cannot ask for thousands
MAX_HOST_CONCURRENCY = 16  # politeness: no site gets more than this from one run
PATTERN_TIMEOUT = 1.0      # seconds one link pattern may spend on one address

_RANGE = re.compile(r"^(\d{1,3})?\s*\.\.(=?)\s*(\d{1,3})?$")


def parse_accept(value) -> frozenset[int]:
    """The status codes `value` accepts: lychee's syntax, comma-separated codes
    and ranges (`200`, `200..=204` inclusive, `200..205` exclusive, `..300`,
    `500..`), given as a string or a list of codes and range strings. Raises
    ValueError naming the part it cannot read."""
    parts = _accept_parts(value)
    codes: set[int] = set()
    for part in parts:
        codes |= _accept_range(part)
    if not codes:
        raise ValueError("names no status code")
    return frozenset(codes)


def _accept_parts(value) -> list[str]:
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value):
        parts = [str(v) for v in value]
    else:
        raise ValueError("must be a string such as \"200..=299, 403\" or a list of codes and ranges")
    parts = [p.strip() for p in parts]
    if not parts or not all(parts):
        raise ValueError("has an empty entry")
    return parts


def _accept_range(part: str) -> set[int]:
    if part.isdigit():
        lo = hi = _code(part)
    else:
        m = _RANGE.match(part)
        if not m:
            raise ValueError(f"{part!r} is not a status code or a range such as 200..=299")
        if m.group(2) and not m.group(3):
            raise ValueError(f"{part!r}: an inclusive range (..=) needs its end")
        lo = _code(m.group(1)) if m.group(1) else 100
        hi = _code(m.group(3)) if m.group(3) else 599
        if m.group(3) and not m.group(2):
            hi -= 1  # `a..b` leaves b out, as in lychee (and Rust)
    if lo > hi:
        raise ValueError(f"{part!r} is an empty range")
    return set(range(lo, hi + 1))


def _code(text: str) -> int:
    n = int(text)
    if not 100 <= n <= 599:
        raise ValueError(f"{n} is not an HTTP status code (100 to 599)")
    return n


def accept_text(value) -> str:
    """The accept setting as one canonical string (what `citelint config` shows)."""
    return ", ".join(str(v).strip() for v in value) if isinstance(value, list) else value.strip()


_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(value) -> float:
    """Seconds from a number of seconds or a string such as "1d", "12h", "90m",
    "1h30m", "45s" or "3600" (w, d, h, m, s: weeks to seconds). Zero is allowed
    (nothing cached is reused). Raises ValueError."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            pos, seconds = 0, 0.0
            for m in _DURATION.finditer(text):
                if m.start() != pos:
                    break
                seconds += float(m.group(1)) * _UNIT[m.group(2)]
                pos = m.end()
            if not text or pos != len(text):
                raise ValueError(f"{value!r} is not a duration such as 1d, 12h, 30m or a number of seconds") from None
    else:
        raise ValueError("must be a number of seconds or a duration such as \"1d\"")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{value!r} is not a duration of zero or more seconds")
    return seconds


def parse_count(value, low: int, high: int | None = None) -> int:
    """A whole number in [low, high]. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise ValueError("must be a whole number")
    if value < low or (high is not None and value > high):
        top = f" and at most {high}" if high is not None else ""
        raise ValueError(f"{value} is out of range: at least {low}{top}")
    return value


def compile_pattern(pattern: str):
    """A link pattern, compiled (the `regex` module, for its time limit). Raises ValueError."""
    import regex  # deferred
    if not isinstance(pattern, str) or not pattern:
        raise ValueError("a link pattern must be a non-empty string")
    try:
        return regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None


class LinkFilter:
    """Which links are checked, as lychee decides it: a link matching an
    include pattern is checked (includes win over excludes); else one matching
    an exclude pattern is skipped; with include patterns and no exclude
    pattern, every link that matches none of them is skipped. Patterns are
    searched anywhere in the address (a regular-expression search). A pattern
    that runs past its time limit on an address raises `error`."""

    def __init__(self, include=(), exclude=(), error: type[Exception] = ValueError):
        self.error = error
        self.include_src, self.exclude_src = tuple(include), tuple(exclude)
        self.include = [compile_pattern(p) for p in self.include_src]
        self.exclude = [compile_pattern(p) for p in self.exclude_src]
        self._seen: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def excluded(self, url: str) -> bool:
        if not self:
            return False
        hit = self._seen.get(url)
        if hit is None:
            hit = self._seen[url] = self._decide(url)
        return hit

    def _decide(self, url: str) -> bool:
        if self._any(self.include, self.include_src, url, "include"):
            return False
        if self._any(self.exclude, self.exclude_src, url, "exclude"):
            return True
        return bool(self.include) and not self.exclude

    def _any(self, patterns, sources, url: str, which: str) -> bool:
        for pat, src in zip(patterns, sources):
            try:
                if pat.search(url, timeout=PATTERN_TIMEOUT):
                    return True
            except TimeoutError:
                raise self.error(f"{which}-links: the pattern {src!r} took longer than {PATTERN_TIMEOUT:g} s "
                                     f"on one link; simplify it") from None
        return False
