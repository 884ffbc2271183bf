"""Hosts and registered domains, offline. Archive, AMP and redirector links are
unwrapped to the address they stand for before an outlet is looked up."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

_extract = None


def _extractor():
    # tldextract must never fetch the public suffix list: use its bundled snapshot.
    global _extract
    if _extract is None:
        import tldextract  # deferred
        _extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return _extract


def host_of(value: str) -> str:
    """The lower-case host of a URL, or the value itself when it is a bare host."""
    v = value.strip()
    if "//" not in v:
        v = "//" + v
    try:
        host = urlsplit(v).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """`news.bbc.co.uk` -> `bbc.co.uk`, from the bundled public suffix list."""
    h = host_of(host)
    if not h:
        return ""
    r = _extractor()(h)
    if not r.suffix or not r.domain:
        return h
    return f"{r.domain}.{r.suffix}"


_ARCHIVE = re.compile(r"^https?://(?:web\.)?archive\.org/web/[0-9a-z_*]+/(?P<url>.+)$", re.I)
_ARCHIVE_TODAY = re.compile(r"^https?://archive\.(?:ph|is|today|li|vn|md|fo)/(?:o/\w+/|\d{14}/)(?P<url>https?://.+)$", re.I)
_AMP_CACHE = re.compile(r"^https?://[^/]+\.cdn\.ampproject\.org/[a-z]/(?P<s>s/)?(?P<rest>.+)$", re.I)
_GOOGLE_AMP = re.compile(r"^https?://(?:www\.)?google\.[a-z.]+/amp/(?P<s>s/)?(?P<rest>.+)$", re.I)
_REDIRECT_PARAMS = ("url", "u", "q", "target", "dest", "destination", "redirect", "link")
_REDIRECTORS = {"google.com", "l.facebook.com", "lm.facebook.com", "out.reddit.com",
                "href.li", "l.instagram.com"}
SHORTENERS = frozenset({"bit.ly", "t.co", "ow.ly", "dlvr.it", "tinyurl.com", "buff.ly", "is.gd",
                        "goo.gl", "lnkd.in", "cutt.ly", "rebrand.ly", "tiny.cc", "shorturl.at", "trib.al"})


def unwrap(url: str) -> str:
    """The address an archive copy, AMP cache or redirector link stands for."""
    for _ in range(3):  # wrappers can nest (an archived AMP page)
        m = _ARCHIVE.match(url) or _ARCHIVE_TODAY.match(url)
        if m:
            inner = m.group("url")
            url = inner if "://" in inner else "http://" + inner
            continue
        m = _AMP_CACHE.match(url) or _GOOGLE_AMP.match(url)
        if m:
            url = ("https://" if m.group("s") else "http://") + m.group("rest")
            continue
        host = host_of(url)
        if host in _REDIRECTORS or host.endswith(".google.com") and "/url" in url:
            qs = parse_qs(urlsplit(url).query)
            target = next((qs[k][0] for k in _REDIRECT_PARAMS if k in qs), None)
            if target and target.startswith(("http://", "https://")):
                url = unquote(target) if "%2F" in target else target
                continue
        break
    return url


def is_shortener(url: str) -> bool:
    host = host_of(url)
    return host in SHORTENERS or host.removeprefix("www.") in SHORTENERS


def without_credentials(url: str) -> str:
    """The URL without a `user:password@` part: what may be sent to an archive,
    kept in the verdict cache or printed in a report."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
