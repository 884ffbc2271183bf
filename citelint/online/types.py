"""The value types the fetcher and its scheduler share: the fetch settings,
a URL to fetch, and what happened to it."""
from __future__ import annotations

from urllib.parse import urlsplit

from .. import __version__
from ..model import Record

USER_AGENT = f"citelint/{__version__} (+https://github.com/citelint/citelint)"
DEFAULT_TOTAL_TIMEOUT = 300.0


class FetchConfig(Record):
    _fields = ('workers', 'host_concurrency', 'host_interval', 'connect_timeout', 'read_timeout', 'link_timeout',
               'total_timeout', 'max_bytes', 'max_redirects', 'retries', 'retry_after_cap', 'host_failures', 'trust_env',
               'allow', 'user_agent', 'accept')
    __slots__ = _fields
    _defaults = {'workers': 32, 'host_concurrency': 2, 'host_interval': 0.05, 'connect_timeout': 5.0, 'read_timeout': 10.0,
                 'link_timeout': 15.0, 'total_timeout': DEFAULT_TOTAL_TIMEOUT, 'max_bytes': 1 << 20, 'max_redirects': 5,
                 'retries': 2, 'retry_after_cap': None, 'host_failures': 2, 'trust_env': False, 'allow': (), 'user_agent':
                 USER_AGENT, 'accept': frozenset()}
    workers: int
    host_concurrency: int
    host_interval: float  # seconds between request starts on one host (lychee: 50 ms)
    connect_timeout: float
    read_timeout: float  # per socket read
    link_timeout: float  # wall clock per link: redirects and retries included
    total_timeout: float | None  # wall clock for the whole run
    max_bytes: int  # body bytes read (after decoding), then cut
    max_redirects: int
    retries: int
    retry_after_cap: float | None  # None: a Retry-After is bounded by the link's deadline alone
    host_failures: int  # timeouts on a host before its other links are skipped
    trust_env: bool
    allow: tuple[str, ...]
    user_agent: str
    accept: frozenset[int]  # statuses the user accepts as alive (--accept): never worth a retry


class Hop(Record):
    _fields = ('url', 'status')
    __slots__ = _fields
    url: str
    status: int


class Fetched(Record):
    """What happened to one URL: the redirect chain, the final response or the error."""
    _fields = ('url', 'chain', 'final_url', 'status', 'headers', 'body', 'truncated', 'error', 'detail', 'attempts',
               'deadline')
    __slots__ = _fields
    _defaults = {'chain': list(), 'final_url': "", 'status': None, 'headers': dict(), 'body': None, 'truncated': False,
                 'error': None, 'detail': "", 'attempts': 0, 'deadline': None}
    url: str
    chain: list[Hop]  # redirects, in order
    final_url: str
    status: int | None
    headers: dict  # lower-cased names
    body: bytes | None
    truncated: bool
    error: str | None  # blocked, bad-host, dns, timeout, refused, reset, tls, loop, redirects, broken, skipped, invalid
    detail: str
    attempts: int
    deadline: float | None  # the link's deadline (time.monotonic()): reading the body must end by then too

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class FetchJob(Record):
    _fields = ('url', 'want_body', 'max_bytes', 'attempts', 'not_before', 'deadline', 'host')
    __slots__ = _fields
    _defaults = {'want_body': True, 'max_bytes': None, 'attempts': 0, 'not_before': 0.0, 'deadline': 0.0, 'host': ""}
    url: str
    want_body: bool
    max_bytes: int | None
    attempts: int
    not_before: float
    deadline: float
    host: str


def host_key(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""

