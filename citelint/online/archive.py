"""Archive suggestion: the closest Wayback Machine snapshot of a dead link.

Asks a Wayback-compatible availability endpoint
(`GET <endpoint>?url=<link>` answering
`{"archived_snapshots": {"closest": {"available": true, "status": "200",
"timestamp": "20240101000000", "url": …}}}`), through the same guarded,
time-boxed engine as every other request. Only a snapshot of a page that
answered 2xx or 3xx when it was archived is offered, and only as an unsafe
fix: an editor must look at the copy before it replaces the link. The endpoint
is not trusted either: its answer must say the archived status and carry a
14-digit timestamp, and its URL must be a clean http(s) URL of a snapshot,
taken at that timestamp, of the very link asked about; it is escaped for where
it is written.
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
    The endpoint is not trusted: only an answer that says the copy's archived
    status (2xx or 3xx) and its 14-digit timestamp, with a clean, absolute
    http(s) URL of the form `…/<timestamp>/<original>` whose timestamp is that
    one and whose original is the link asked about, is kept."""
    if not body:
        return None
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    stamp = closest.get("timestamp")
    if not archived_ok(closest.get("status")) or not isinstance(stamp, str) or not _STAMP.fullmatch(stamp):
        return None
    url = clean_url(closest.get("url"))
    taken = snapshot_parts(url) if url else None
    if taken is None or taken[0] != stamp or not same_page(taken[1], original):
        return None
    parts = urlsplit(url)
    if parts.hostname == "web.archive.org" and parts.scheme == "http":
        url = urlunsplit(parts._replace(scheme="https"))  # the archive serves https; keep readers on it
    return url


_STAMP = re.compile(r"[0-9]{14}")  # YYYYMMDDhhmmss, as Wayback writes it


def archived_ok(status) -> bool:
    """The status the page answered when it was archived (a string, as Wayback
    writes it, or a number) is 2xx or 3xx: a copy of a 404 page is no copy."""
    if isinstance(status, bool) or not isinstance(status, (str, int)):
        return False
    text = str(status).strip()
    return len(text) == 3 and text.isdigit() and text[0] in "23"


# RFC 3986's characters and `%`: no quotes, angle brackets, backslashes, spaces or controls.
_URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&()*+,;=%")
# `https://host[/collection…]/<timestamp>[im_]/<original>`: Wayback, pywb, archive.today.
_SNAPSHOT = re.compile(r"(?:/[A-Za-z0-9._~-]+)*?/(\d{4,14})(?:[a-z]{2}_)?/(?=https?://)", re.I)


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


def snapshot_parts(url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a snapshot URL, or None when it is not one."""
    parts = urlsplit(url)
    rest = url[len(parts.scheme) + 3 + len(parts.netloc):]
    m = _SNAPSHOT.match(rest)
    return (m.group(1), rest[m.end():]) if m else None



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
