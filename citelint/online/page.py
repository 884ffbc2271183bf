"""What citelint keeps of a fetched page: its title, its own publisher claims and
(only when a quote must be checked) its words. Bodies are dropped as soon as
these are read, so memory stays flat however many links a draft has."""
from __future__ import annotations

import html
import json
import re
import time
from ..model import Record

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_LANG = re.compile(r"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z-]{2,20})", re.I)


class PageFacts(Record):
    _fields = ('title', 'lang', 'site_name', 'twitter_site', 'publishers', 'credits', 'text', 'words', 'cut')
    __slots__ = _fields
    _defaults = {'title': "", 'lang': "", 'site_name': "", 'twitter_site': "", 'publishers': list(), 'credits': list(),
                 'text': None, 'words': 0, 'cut': False}
    title: str
    lang: str
    site_name: str  # og:site_name
    twitter_site: str  # twitter:site, without the @
    publishers: list[tuple[str, str]]  # JSON-LD (name, url)
    credits: list[str]  # JSON-LD author/sourceOrganization, meta author
    text: str | None  # normalised words of the page, when asked for
    words: int  # how many words the page has (for "too little to check")
    cut: bool  # the link's deadline passed while the page was read: the facts are partial

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


def read_page(text: str, content_type: str, want_meta: bool, want_text: bool,
              deadline: float | None = None) -> PageFacts:
    """Facts from a decoded body, in one forward pass over the page (linear time:
    a hostile page of a million unclosed `<!--` or `<script>` costs what any
    megabyte costs). The words come from a plain tag strip, since quote matching
    drops everything but words anyway. Past `deadline` (time.monotonic()) reading
    stops and the facts say `cut`."""
    facts = PageFacts()
    if content_type in ("text/plain",):
        if want_text:
            from .quotes import normalise  # deferred
            facts.text = normalise(text)
            facts.words = facts.text.count(" ")
        return facts
    m = _LANG.search(text[:5000])
    if m:
        facts.lang = m.group(1).lower()
    scan = _Scan(text, want_meta, want_text, deadline)
    scan.run()
    if scan.title is not None:
        facts.title = " ".join(html.unescape(scan.title).split())
    extra_text: list[str] = []
    if want_meta:
        _read_metas(scan.metas, facts, extra_text)
    if want_meta or want_text:
        for body in scan.scripts:
            if scan.late():
                break
            _read_json_ld(html.unescape(body) if "&quot;" in body[:200] else body, facts, extra_text)
    if want_text and not scan.late():
        from .quotes import normalise  # deferred
        words = normalise(html.unescape(" ".join(scan.chunks)) + " " + " ".join(extra_text))
        facts.text = words
        facts.words = words.count(" ")
    facts.cut = scan.cut
    return facts


_LT = re.compile(r"<(?:[A-Za-z!?]|/[A-Za-z])")  # a "<" that can open a tag or comment
_OPEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]{0,40})")
# Elements whose content is not the page's words; the content runs to the first closing tag.
_HIDDEN = ("script", "style", "noscript", "template", "svg", "title")
_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in _HIDDEN}
_LD_TYPE = re.compile(r"\btype\s*=\s*[\"']?application/ld\+json", re.I)
HEAD_LIMIT = 256 * 1024     # where the <head>'s meta tags are looked for, when it never ends
MAX_META = 8192             # a longer <meta> tag is no publisher claim
MAX_LD = 500_000            # a longer JSON-LD script is not read


class _Scan:
    """One forward pass over a page: every `<` is looked at once and every
    search (for `>`, `-->` or a closing tag) starts where the last one ended and
    either moves past what it found or ends the pass, so the pass is linear in
    the page's size whatever the page holds. Keeps the first title, the head's
    meta tags, the JSON-LD scripts and (when wanted) the visible text."""

    def __init__(self, text: str, want_meta: bool, want_text: bool, deadline: float | None):
        self.text = text
        self.want_meta, self.want_text, self.deadline = want_meta, want_text, deadline
        self.title: str | None = None
        self.metas: list[str] = []      # the attributes of each <meta> tag in the head
        self.scripts: list[str] = []    # JSON-LD bodies
        self.chunks: list[str] = []     # visible text
        self.in_head = self.head_done = self.cut = False

    def late(self) -> bool:
        if self.deadline is not None and not self.cut and time.monotonic() > self.deadline:
            self.cut = True
        return self.cut

    def run(self) -> None:
        text = self.text
        pos = start = steps = 0
        while True:
            m = _LT.search(text, pos)
            if m is None:
                self._words(start, len(text))
                return
            i = m.start()
            steps += 1
            if steps % 512 == 0 and self.late():
                return
            after = self._construct(i)
            if after is None:  # a "<" that opens nothing is text
                pos = i + 1
                continue
            self._words(start, i)
            if after < 0:  # an unclosed comment, tag or element runs to the end
                return
            pos = start = after

    def _words(self, a: int, b: int) -> None:
        if self.want_text and not self.in_head and b > a:
            self.chunks.append(self.text[a:b])

    def _construct(self, i: int) -> int | None:
        """Where the comment, tag or element at `i` ends (-1: it runs to the end),
        or None when the `<` opens none."""
        text = self.text
        if text.startswith("<!--", i):
            j = text.find("-->", i + 4)
            return -1 if j < 0 else j + 3
        if text.startswith(("<!", "<?"), i):  # doctype, CDATA, processing instruction
            j = text.find(">", i + 2)
            return -1 if j < 0 else j + 1
        m = _OPEN.match(text, i)
        if m is None:
            return None
        k = text.find(">", m.end())
        if k < 0:
            return -1
        name = m.group(2).lower()
        if m.group(1):
            if name == "head":
                self.in_head, self.head_done = False, True
            return k + 1
        return self._start_tag(name, i, m.end(), k)

    def _start_tag(self, name: str, i: int, attrs: int, k: int) -> int:
        text = self.text
        if name == "head" and not self.head_done:
            self.in_head = True
        elif name == "body":
            self.in_head, self.head_done = False, True
        elif name == "meta":
            if self.want_meta and not self.head_done and i < HEAD_LIMIT and k - attrs <= MAX_META:
                self.metas.append(text[attrs:k])
        elif name in _CLOSE and not (name == "svg" and text[k - 1] == "/"):
            close = _CLOSE[name].search(text, k + 1)
            end = close.start() if close else len(text)
            self._hidden(name, text[attrs:k], k + 1, end)
            return close.end() if close else -1
        return k + 1

    def _hidden(self, name: str, attrs: str, a: int, b: int) -> None:
        if name == "title":
            if self.title is None and b - a <= 2000:
                self.title = self.text[a:b]
        elif name == "script" and (self.want_meta or self.want_text) and b - a < MAX_LD \
                and _LD_TYPE.search(attrs):
            self.scripts.append(self.text[a:b])


_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _attributes(attrs: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(attrs):
        value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4)
        out.setdefault(m.group(1).lower(), html.unescape(value or ""))
    return out


def _read_metas(metas: list[str], facts: PageFacts, extra_text: list[str]) -> None:
    for attrs in metas:
        meta = _attributes(attrs)
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = " ".join(meta.get("content", "").split())
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
    if len(facts.publishers) >= 20:  # a page naming more is not telling us anything (and each add scans the list)
        return
    if isinstance(p, dict):
        name, url = p.get("name"), p.get("url")
        if isinstance(name, str) or isinstance(url, str):
            entry = (" ".join(name.split()) if isinstance(name, str) else "", url if isinstance(url, str) else "")
            if entry not in facts.publishers:
                facts.publishers.append(entry)
    elif isinstance(p, str) and p.strip():
        facts.publishers.append((p.strip(), ""))
