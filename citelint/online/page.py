"""What citelint keeps of a fetched page: its title, its own publisher claims and
(only when a quote must be checked) its words. Bodies are dropped as soon as
these are read, so memory stays flat however many links a draft has."""
from __future__ import annotations

import html
import json
import re
from ..model import Record

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_TITLE = re.compile(r"<title\b[^>]{0,300}>(.{0,2000}?)</title\s*>", re.I | re.S)
_LANG = re.compile(r"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z-]{2,20})", re.I)


class PageFacts(Record):
    _fields = ('title', 'lang', 'site_name', 'twitter_site', 'publishers', 'credits', 'text', 'words')
    __slots__ = _fields
    _defaults = {'title': "", 'lang': "", 'site_name': "", 'twitter_site': "", 'publishers': list(), 'credits': list(),
                 'text': None, 'words': 0}
    title: str
    lang: str
    site_name: str  # og:site_name
    twitter_site: str  # twitter:site, without the @
    publishers: list[tuple[str, str]]  # JSON-LD (name, url)
    credits: list[str]  # JSON-LD author/sourceOrganization, meta author
    text: str | None  # normalised words of the page, when asked for
    words: int  # how many words the page has (for "too little to check")

    def to_json(self) -> dict:
        return {"title": self.title, "lang": self.lang, "site_name": self.site_name,
                "twitter_site": self.twitter_site, "publishers": [list(p) for p in self.publishers],
                "credits": self.credits}

    @classmethod
    def from_json(cls, d: dict) -> "PageFacts":
        return cls(d.get("title", ""), d.get("lang", ""), d.get("site_name", ""), d.get("twitter_site", ""),
                   [tuple(p) for p in d.get("publishers", []) if isinstance(p, list) and len(p) == 2],
                   [c for c in d.get("credits", []) if isinstance(c, str)])


def decode_body(body: bytes, content_type_header: str) -> str:
    charset = None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type_header or "", re.I)
    if m:
        charset = m.group(1)
    else:
        m = _CHARSET.search(body[:4096])
        if m:
            charset = m.group(1).decode("ascii", "replace")
    for enc in (charset, "utf-8"):
        if not enc:
            continue
        try:
            return body.decode(enc, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")


def read_page(text: str, content_type: str, want_meta: bool, want_text: bool) -> PageFacts:
    """Facts from a decoded body. The title comes from a cheap scan; BeautifulSoup
    reads the page's <head> only when the publisher is wanted (meta tags can be
    written any which way); the words come from a plain tag strip, since quote
    matching drops everything but words anyway."""
    facts = PageFacts()
    if content_type in ("text/plain",):
        if want_text:
            from .quotes import normalise  # deferred
            facts.text = normalise(text)
            facts.words = facts.text.count(" ")
        return facts
    m = _TITLE.search(text)
    if m:
        facts.title = " ".join(html.unescape(m.group(1)).split())
    m = _LANG.search(text[:5000])
    if m:
        facts.lang = m.group(1).lower()
    if not (want_meta or want_text):
        return facts
    extra_text: list[str] = []
    if want_meta:
        _read_head(text, facts, extra_text)
    for m in _LD_SCRIPT.finditer(text):
        if len(m.group(1)) < 500_000:
            _read_json_ld(html.unescape(m.group(1)) if "&quot;" in m.group(1)[:200] else m.group(1),
                          facts, extra_text)
    if want_text:
        from .quotes import normalise  # deferred
        body = _INVISIBLE.sub(" ", text)
        body = _TAG.sub(" ", body)
        words = normalise(html.unescape(body) + " " + " ".join(extra_text))
        facts.text = words
        facts.words = words.count(" ")
    return facts


_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
_LD_SCRIPT = re.compile(r"<script\b[^>]{0,300}?type\s*=\s*[\"']?application/ld\+json[\"']?[^>]{0,300}>(.*?)</script\s*>",
                        re.I | re.S)
_INVISIBLE = re.compile(r"<!--.*?-->|<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_META = re.compile(r"<meta\b[^>]*>", re.I)


def _read_head(text: str, facts: PageFacts, extra_text: list[str]) -> None:
    from bs4 import BeautifulSoup, SoupStrainer  # deferred

    m = _HEAD_END.search(text)
    head = text[:m.start()] if m else text[:256 * 1024]
    # A news site's <head> is mostly scripts and styles: hand the parser its meta tags only.
    metas = "".join(_META.findall(head))
    soup = BeautifulSoup(metas, "html.parser", parse_only=SoupStrainer("meta"))
    for meta in soup.find_all("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if not value:
            continue
        if key == "og:site_name" and not facts.site_name:
            facts.site_name = value
        elif key == "twitter:site" and not facts.twitter_site:
            facts.twitter_site = value.lstrip("@").strip()
        elif key in ("author", "article:author", "dc.creator", "dc.source") and len(facts.credits) < 20:
            facts.credits.append(value)
        elif key in ("description", "og:description", "twitter:description"):
            extra_text.append(value)


def _read_json_ld(body: str, facts: PageFacts, extra_text: list[str]) -> None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return
    nodes = _json_ld_nodes(data)
    # Graphs (Yoast and the like) name the publisher once and refer to it by @id.
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}

    def resolve(ref):
        if isinstance(ref, dict) and set(ref) <= {"@id", "@type"} and ref.get("@id") in by_id:
            return by_id[ref["@id"]]
        return ref

    for item in nodes:
        pub = item.get("publisher")
        for p in pub if isinstance(pub, list) else [pub]:
            _add_publisher(resolve(p), facts)
        for key in ("author", "creator", "sourceOrganization", "provider"):
            for a in item.get(key) if isinstance(item.get(key), list) else [item.get(key)]:
                a = resolve(a)
                name = a.get("name") if isinstance(a, dict) else a
                if isinstance(name, str) and name.strip() and len(facts.credits) < 20:
                    facts.credits.append(" ".join(name.split()))
        body_text = item.get("articleBody")
        if isinstance(body_text, str):
            extra_text.append(body_text)


def _json_ld_nodes(data) -> list[dict]:
    """The JSON-LD objects, graphs and nested entities flattened (2,000 at most)."""
    nodes: list[dict] = []
    stack = [data]
    while stack and len(nodes) < 2000:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            nodes.append(item)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if isinstance(item.get(key), (list, dict)):
                    stack.append(item[key])
    return nodes


def _add_publisher(p, facts: PageFacts) -> None:
    if isinstance(p, dict):
        name, url = p.get("name"), p.get("url")
        if isinstance(name, str) or isinstance(url, str):
            entry = (" ".join(name.split()) if isinstance(name, str) else "", url if isinstance(url, str) else "")
            if entry not in facts.publishers:
                facts.publishers.append(entry)
    elif isinstance(p, str) and p.strip():
        facts.publishers.append((p.strip(), ""))
