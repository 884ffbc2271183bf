"""Archive suggestion: the closest Wayback Machine snapshot of a dead link.

Asks a Wayback-compatible availability endpoint
(`GET <endpoint>?url=<link>` answering
`{"archived_snapshots": {"closest": {"available": true, "status": "200", "url": …}}}`),
through the same guarded, time-boxed engine as every other request. Only a
snapshot of a page that answered 200 is offered, and only as an unsafe fix: an
editor must look at the copy before it replaces the link.
"""
from __future__ import annotations

import json
from urllib.parse import quote, urlsplit, urlunsplit

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


def snapshot_from(body: bytes | None) -> str | None:
    """The closest usable snapshot URL in an availability answer, or None."""
    if not body:
        return None
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    if str(closest.get("status", "200")) != "200":
        return None
    url = closest.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > 4000 \
            or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    parts = urlsplit(url)
    if parts.hostname == "web.archive.org" and parts.scheme == "http":
        url = urlunsplit(parts._replace(scheme="https"))  # the archive serves https; keep readers on it
    return url


def escape_for(kind: str, url: str, link_kind: str) -> str:
    """The snapshot URL as it must be written where the old link stood."""
    if kind == "html" and link_kind == "html":
        return url.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;")
    if kind == "markdown" and link_kind in ("markdown", "image", "definition"):
        return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return url
