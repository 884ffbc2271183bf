"""The value types the fetcher and its scheduler share: the fetch settings,
a URL to fetch, and what happened to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .. import __version__

USER_AGENT = f"citelint/{__version__} (+https://github.com/citelint/citelint)"
DEFAULT_TOTAL_TIMEOUT = 300.0


@dataclass
class FetchConfig:
    workers: int = 32
    host_concurrency: int = 2
    host_interval: float = 0.05     # seconds between request starts on one host (lychee: 50 ms)
    connect_timeout: float = 5.0
    read_timeout: float = 10.0      # per socket read
    link_timeout: float = 15.0      # wall clock per link: redirects and retries included
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT  # wall clock for the whole run
    max_bytes: int = 1 << 20        # body bytes read (after decoding), then cut
    max_redirects: int = 5
    retries: int = 2
    retry_after_cap: float = 3.0
    host_failures: int = 2          # timeouts on a host before its other links are skipped
    trust_env: bool = False
    allow: tuple[str, ...] = ()
    user_agent: str = USER_AGENT


@dataclass
class Hop:
    url: str
    status: int


@dataclass
class Fetched:
    """What happened to one URL: the redirect chain, the final response or the error."""
    url: str
    chain: list[Hop] = field(default_factory=list)   # redirects, in order
    final_url: str = ""
    status: int | None = None
    headers: dict = field(default_factory=dict)      # lower-cased names
    body: bytes | None = None
    truncated: bool = False
    error: str | None = None   # blocked, dns, timeout, refused, reset, tls, loop, redirects, broken, skipped, invalid
    detail: str = ""
    attempts: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class FetchJob:
    url: str
    want_body: bool = True
    max_bytes: int | None = None
    attempts: int = 0
    not_before: float = 0.0
    deadline: float = 0.0
    host: str = ""


def host_key(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""
