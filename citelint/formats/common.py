"""What every loader shares: the identity view (the source with parts masked),
bare URLs in prose, and suppression comments."""
from __future__ import annotations

import re
from bisect import bisect_right

from ..document import Directive, Document, Link
from ..view import MASK, View, ViewBuilder
from ..patterns import LazyRe

_DIRECTIVE = LazyRe(
    r"<!--\s*citelint\s*:\s*(disable|enable|ignore)\s*(?:=\s*([A-Za-z0-9_,\s]*?))?\s*-->"
)
_BARE_URL = LazyRe(r"https?://[^\s<>\"'\u201c\u201d\u2018\u2019\]\[()]+(?:\([^\s()]*\)[^\s<>\"'()\]\[]*)*")
_URL_TRAIL = ".,;:!?*_~'\u2019"


def bare_url_end(text: str, start: int, end: int) -> int:
    """Trim punctuation that ends a sentence rather than the URL."""
    while end > start and text[end - 1] in _URL_TRAIL:
        end -= 1
    return end


def add_bare_links(doc: Document, view: View, links: list[Link]) -> None:
    """Add URLs written out in the prose, except those already inside a link."""
    text = view.text
    taken = sorted((lk.start, lk.end) for lk in links)
    starts = [a for a, _ in taken]
    for m in _BARE_URL.finditer(text):
        end = bare_url_end(text, m.start(), m.end())
        spans = view.to_source(m.start(), end)
        k = bisect_right(starts, spans[0][0]) - 1
        if k >= 0 and taken[k][1] > spans[0][0]:
            continue
        links.append(Link(text[m.start():end], view.slice(m.start(), end),
                          spans[0][0], spans[-1][1], "bare"))


def parse_directives(comment: str, start: int, end: int, source: str, kind: str,
                     blocks: "BlockEnds | None" = None) -> Directive | None:
    """The suppression comment `comment` (at source[start:end]) says, if any.
    A loader reading many comments passes one BlockEnds for the document."""
    m = _DIRECTIVE.fullmatch(comment)
    if not m:
        return None
    codes = tuple(c.strip().upper() for c in (m.group(2) or "").split(",") if c.strip())
    if m.group(1) == "ignore":
        return Directive("ignore", codes, end, (blocks or BlockEnds(source, kind)).after(end))
    return Directive(m.group(1), codes, start, end)


_BLOCK_END_HTML = LazyRe(
    r"</(?:p|li|div|h[1-6]|blockquote|td|th|tr|table|ul|ol|dl|section|article|figure|pre|aside)\s*>",
    re.I)
_BLANK_LINE = LazyRe(r"\n[ \t\r]*\n|\r[ \t]*\r(?!\n)")


_SPACE = LazyRe(r"[ \t\r\n]*")


def next_block_end(source: str, pos: int, kind: str) -> int:
    """End of the block after `pos`: a blank line, or in HTML a closing block tag."""
    return BlockEnds(source, kind).after(pos)


class BlockEnds:
    """next_block_end for one document, asked at increasing positions (its
    `ignore` comments in order). A search's result is kept while it still lies
    ahead: a thousand `ignore` comments in one long block would otherwise each
    search to the block's end."""
    __slots__ = ("source", "kind", "_blank", "_tag")

    def __init__(self, source: str, kind: str):
        self.source, self.kind = source, kind
        self._blank = self._tag = _NOT_SEARCHED

    def after(self, pos: int) -> int:
        source, n = self.source, len(self.source)
        i = _SPACE.match(source, pos).end()
        self._blank = _search_from(self._blank, _BLANK_LINE, source, i)
        end = self._blank[1].start() if self._blank[1] else n
        if self.kind == "html":
            self._tag = _search_from(self._tag, _BLOCK_END_HTML, source, i)
            if self._tag[1]:
                end = min(end, self._tag[1].end())
        return end


_NOT_SEARCHED = (float("inf"), None)


def _search_from(memo, pattern, source: str, i: int):
    """(i, pattern.search(source, i)), reusing `memo` (an earlier search's) when
    it answers this one too: made from at or before `i`, and its match (if any)
    starts at or after `i`. (Neither pattern looks behind, so a match does not
    depend on where the search began.)"""
    searched, m = memo
    if searched <= i and (m is None or m.start() >= i):
        return memo
    return i, pattern.search(source, i)


_NOT_NEWLINE = LazyRe(r"[^\r\n]+")


def identity_view(source: str, masked: list[tuple[int, int]]) -> View:
    """The source with masked ranges blanked; CRLF reads as LF for the rules."""
    if masked:
        parts, last = [], 0
        for a, b in masked:
            parts.append(source[last:a])
            chunk = source[a:b]
            if "\r" in chunk:
                parts.append(_NOT_NEWLINE.sub(lambda m: MASK * len(m.group()), chunk))
            elif "\n" in chunk:  # a code block: each line masked, its line ends kept
                parts.append("\n".join(MASK * len(line) for line in chunk.split("\n")))
            else:  # most masked spans (tags, code spans) hold no line end
                parts.append(MASK * (b - a))
            last = b
        parts.append(source[last:])
        text = "".join(parts)
    else:
        text = source
    if "\r" not in text:
        return View(text, None, masked)
    if "\r\n" not in text:
        return View(text.replace("\r", "\n"), None, masked)
    # CRLF: each "\r\n" reads as one "\n" that maps to both characters.
    vb = ViewBuilder()
    pos = 0
    for chunk in text.split("\r\n"):
        vb.copy(chunk.replace("\r", "\n"), pos)
        pos += len(chunk)
        if pos < len(text):
            vb.atom("\n", pos, 2)
            pos += 2
    return vb.build(masked)
