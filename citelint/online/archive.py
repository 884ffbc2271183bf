"""Archive suggestion: the closest Wayback Machine snapshot of a dead link.

Asks a Wayback-compatible availability endpoint
(`GET <endpoint>?url=<link>` answering
`{"archived_snapshots": {"closest": {"available": true, "status": "200", "url": …}}}`),
through the same guarded, time-boxed engine as every other request. Only a
snapshot of a page that answered 200 is offered, and only as an unsafe fix: an
editor must look at the copy before it replaces the link. The endpoint is not
trusted either: its answer must be a clean http(s) URL of a snapshot of the very
link asked about, and it is escaped for where it is written.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

DEFAULT_ENDPOINT = "https://archive.org/wayback/available"
OFF = ("", "off", "none", "false", "no")
MAX_BYTES = 64 * 1024


def endpoint_or_none(value: str | None) -> str | None:
    """The endpoint to ask (the default when unset), or None when switched off."""
    if value is None:
        return DEFAULT_ENDPOINT
    if value.strip().lower() in OFF:
        return None
    return value.strip()


def query_url(endpoint: str, url: str) -> str:
    sep = "&" if urlsplit(endpoint).query else "?"
    return f"{endpoint}{sep}url={quote(url, safe='')}"


def snapshot_from(body: bytes | None, original: str) -> str | None:
    """The closest usable snapshot of `original` in an availability answer, or None.
    The endpoint is not trusted: only a clean, absolute http(s) URL of the form
    `…/<timestamp>/<original>` whose original is the link asked about is kept."""
    if not body:
        return None
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    if str(closest.get("status", "200")) != "200":
        return None
    url = clean_url(closest.get("url"))
    if url is None or not same_page(snapshot_of(url), original):
        return None
    parts = urlsplit(url)
    if parts.hostname == "web.archive.org" and parts.scheme == "http":
        url = urlunsplit(parts._replace(scheme="https"))  # the archive serves https; keep readers on it
    return url


# RFC 3986's characters and `%`: no quotes, angle brackets, backslashes, spaces or controls.
_URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&()*+,;=%")
# `https://host[/collection…]/<timestamp>[im_]/<original>`: Wayback, pywb, archive.today.
_SNAPSHOT = re.compile(r"(?:/[A-Za-z0-9._~-]+)*?/\d{4,14}(?:[a-z]{2}_)?/(?=https?://)", re.I)


def clean_url(url) -> str | None:
    """`url` when it is an absolute http(s) URL of plain URL characters (letters
    beyond ASCII percent-encoded), with a host and no password; else None."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")) or len(url) > 4000:
        return None
    if not url.isascii():
        url = quote(url, safe="".join(sorted(_URL_CHARS)))
    if not set(url) <= _URL_CHARS:
        return None
    try:
        parts = urlsplit(url)
        if not parts.hostname or "@" in parts.netloc or parts.port == 0:  # .port raises on a bad port
            return None
    except ValueError:
        return None
    return url


def snapshot_of(url: str) -> str | None:
    """The original URL a snapshot URL is a copy of, or None when it has none."""
    parts = urlsplit(url)
    rest = url[len(parts.scheme) + 3 + len(parts.netloc):]
    m = _SNAPSHOT.match(rest)
    return rest[m.end():] if m else None


def _page_key(url: str):
    """What two addresses of one page share: the archive may write the original
    with the other scheme, with or without `www.`, a default port, a trailing
    slash or percent-encoding, and without its fragment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    port = parts.port if parts.port not in (80, 443) else None
    return (host.removeprefix("www."), port, unquote(parts.path).rstrip("/"), unquote(parts.query))


def same_page(snapshot_original: str | None, original: str) -> bool:
    if not snapshot_original:
        return False
    try:
        return _page_key(snapshot_original) == _page_key(original)
    except ValueError:
        return False


def escape_for(kind: str, url: str, link_kind: str) -> str:
    """The snapshot URL as it must be written where the old link stood: entity-
    escaped in HTML (an attribute or text, and HTML inside Markdown), with
    Markdown's delimiters percent-encoded in a Markdown link."""
    if kind == "html" or link_kind == "html":
        return html.escape(url, quote=True)
    if kind == "markdown":
        return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return url
