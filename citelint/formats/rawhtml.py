"""Raw HTML inside Markdown: the tags, what they hide, and the links they make.

CommonMark passes raw HTML through, so a converted post may hold `<pre>`,
`<code>`, `<style>`, tweet-embed blockquotes and `<a href>` links between
paragraphs. Their contents are not prose: `<pre>`/`<code>` are masked like a
fence, and every tag is hidden from the prose view (never from the markup
view, where assistant tags such as `<grok-card>` are found).
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right

from ..document import Document, Link, Tag
from ..view import View

# A complete tag, as CommonMark's raw-HTML rule reads one: a letter after `<`,
# attributes with quoted values, no newline-free limit (tags may wrap lines).
_TAG = re.compile(
    r"<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]{0,30})"
    r"(?P<attrs>(?:\s+[A-Za-z_:][\w.:-]*+(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))?)*+)\s*/?>")
# Elements whose content is never prose (as in the HTML loader).
SKIP = frozenset({"script", "style", "pre", "code", "textarea", "template", "svg", "math",
                  "noscript", "kbd", "samp", "tt"})
_SKIP_SCAN = 20000  # characters to look for a closing tag: an unclosed `<code>` hides only itself


def scan(source: str, masked: list[tuple[int, int]], doc: Document, links: list[Link]) -> tuple[list, list]:
    """Read the raw HTML outside code. Returns (tag spans, hidden element
    contents): both hidden from prose; the contents from the markup view too.
    Adds the tags to `doc.tags`, `<a href>` links with their text to `links`,
    and `<blockquote>` elements to the document's quote blocks."""
    if "<" not in source:
        return [], []
    starts = [a for a, _ in masked]
    state = _Scan(doc, links)
    pos = 0
    while True:
        m = _TAG.search(source, pos)
        if not m:
            break
        pos = m.end()
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and masked[k][1] > m.start():
            continue  # inside code: not a tag
        pos = state.tag(source, m)
    return state.tag_spans, state.hidden


class _Scan:
    """What the scan has read so far: tags, hidden contents, the open link and quotes."""

    def __init__(self, doc: Document, links: list[Link]):
        self.doc, self.links = doc, links
        self.tag_spans: list[tuple[int, int]] = []
        self.hidden: list[tuple[int, int]] = []
        self.open_a: tuple[int, Link] | None = None
        self.quotes: list[int] = []

    def tag(self, source: str, m: re.Match) -> int:
        """Record one tag; returns where to go on scanning."""
        name = m.group("name").lower()
        closing = bool(m.group("close"))
        self.doc.tags.append(Tag(name, m.start(), m.end(), closing, m.group("attrs") or ""))
        self.tag_spans.append((m.start(), m.end()))
        if not closing and name in SKIP and not m.group().endswith("/>"):
            return self._skip(source, m, name)
        if name == "a":
            self._anchor(source, m, closing)
        elif name == "blockquote":
            if closing and self.quotes:
                self.doc.quote_blocks.append((self.quotes.pop(), m.end()))
            elif not closing:
                self.quotes.append(m.start())
        return m.end()

    def _skip(self, source: str, m: re.Match, name: str) -> int:
        """`<pre>`, `<code>`…: hide the content up to the closing tag."""
        close = re.compile(r"</" + name + r"\s*>", re.I).search(source, m.end(), m.end() + _SKIP_SCAN)
        if not close:
            return m.end()
        self.hidden.append((m.end(), close.start()))
        self.doc.tags.append(Tag(name, close.start(), close.end(), True))
        self.tag_spans.append((close.start(), close.end()))
        return close.end()

    def _anchor(self, source: str, m: re.Match, closing: bool) -> None:
        if closing and self.open_a is not None:
            text_start, link = self.open_a
            link.text = source[text_start:m.start()]
            link.text_start, link.text_end = text_start, m.start()
            self.open_a = None
        elif not closing:
            href = _href_span(m)
            if href is not None:
                ds, de = href
                link = Link(html.unescape(source[ds:de]), View(source[ds:de], [(0, ds, de - ds, de - ds)]),
                            ds, de, "html")
                self.links.append(link)
                self.open_a = (m.end(), link)


_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def _href_span(m: re.Match) -> tuple[int, int] | None:
    a = _HREF.search(m.group("attrs") or "")
    if not a:
        return None
    g = next(i for i in (1, 2, 3) if a.group(i) is not None)
    base = m.start("attrs")
    return base + a.start(g), base + a.end(g)
