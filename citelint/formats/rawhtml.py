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
    r"(?P<attrs>(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>")
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

    def is_masked(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k >= 0 and masked[k][1] > i

    tag_spans: list[tuple[int, int]] = []
    hidden: list[tuple[int, int]] = []
    open_a: tuple[int, Link] | None = None
    quotes: list[int] = []
    pos = 0
    while True:
        m = _TAG.search(source, pos)
        if not m:
            break
        pos = m.end()
        if is_masked(m.start()):
            continue
        name = m.group("name").lower()
        closing = bool(m.group("close"))
        tag = Tag(name, m.start(), m.end(), closing, m.group("attrs") or "")
        doc.tags.append(tag)
        tag_spans.append((m.start(), m.end()))
        if not closing and name in SKIP and not m.group().endswith("/>"):
            close = re.compile(r"</" + name + r"\s*>", re.I).search(source, m.end(), m.end() + _SKIP_SCAN)
            if close:
                hidden.append((m.end(), close.start()))
                doc.tags.append(Tag(name, close.start(), close.end(), True))
                tag_spans.append((close.start(), close.end()))
                pos = close.end()
            continue
        if name == "a":
            if closing and open_a is not None:
                text_start, link = open_a
                link.text = source[text_start:m.start()]
                link.text_start, link.text_end = text_start, m.start()
                open_a = None
            elif not closing:
                href = _href_span(m)
                if href is not None:
                    ds, de = href
                    url = html.unescape(source[ds:de])
                    link = Link(url, View(source[ds:de], [(0, ds, de - ds, de - ds)]), ds, de, "html")
                    links.append(link)
                    open_a = (m.end(), link)
        elif name == "blockquote":
            if closing and quotes:
                doc.quote_blocks.append((quotes.pop(), m.end()))
            elif not closing:
                quotes.append(m.start())
    return tag_spans, hidden


_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def _href_span(m: re.Match) -> tuple[int, int] | None:
    a = _HREF.search(m.group("attrs") or "")
    if not a:
        return None
    g = next(i for i in (1, 2, 3) if a.group(i) is not None)
    base = m.start("attrs")
    return base + a.start(g), base + a.end(g)
