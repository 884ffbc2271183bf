"""Documents: the source text of a draft and the views rules read from it."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property

from .record import Record
from .view import MASK, View, ViewBuilder, line_col, line_starts

KINDS = ("text", "markdown", "html")
_EXT = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
}
EXTENSIONS = tuple(_EXT)


def kind_for_path(path: str) -> str:
    return _EXT.get(path[path.rfind("."):].lower(), "text") if "." in path else "text"


class Link(Record):
    __slots__ = ("url", "view", "start", "end", "kind", "text", "text_start", "text_end", "label")
    _fields = __slots__

    def __init__(self, url: str, view: View, start: int, end: int, kind: str, text: str = "",
                 text_start: int = -1, text_end: int = -1, label: str = ""):
        self.url = url            # decoded destination
        self.view = view          # maps url offsets to source offsets
        self.start, self.end = start, end  # source span of the destination
        self.kind = kind          # markdown, image, definition, autolink, bare, html
        self.text = text          # anchor text, if any
        self.text_start, self.text_end = text_start, text_end
        self.label = label        # reference-definition label


class Tag(Record):
    """An HTML tag in the source (HTML files, and raw HTML inside Markdown)."""
    __slots__ = ("name", "start", "end", "closing", "attrs")
    _fields = __slots__

    def __init__(self, name: str, start: int, end: int, closing: bool, attrs: str = ""):
        self.name, self.start, self.end = name, start, end  # lower-case name, source span
        self.closing, self.attrs = closing, attrs            # attrs: the raw attribute text

    def attr(self, key: str) -> str | None:
        """An attribute's raw value (entities not decoded), or None."""
        m = re.search(r"(?:^|\s)" + re.escape(key) + r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                      self.attrs, re.I)
        if not m:
            return None
        return next(g for g in m.groups() if g is not None)


class Directive(Record):
    """A suppression comment: disable/enable from `start`, or ignore up to `end`."""
    __slots__ = ("action", "codes", "start", "end")
    _fields = __slots__

    def __init__(self, action: str, codes: tuple[str, ...], start: int, end: int):
        self.action, self.codes, self.start, self.end = action, codes, start, end


class Document:
    """A draft's source and the views its rules read."""

    def __init__(self, source: str, kind: str = "text", path: str = "-"):
        self.source, self.kind, self.path = source, kind, path
        self.prose: View = None
        self.markup: View = None
        self.links: list[Link] = []
        self.directives: list[Directive] = []
        self.quote_blocks: list[tuple[int, int]] = []  # prose-view spans
        self.tags: list[Tag] = []  # HTML tags, in source order (raw HTML in Markdown too)

    @cached_property
    def line_starts(self) -> list[int]:
        return line_starts(self.source)

    def line_col(self, offset: int) -> tuple[int, int]:
        return line_col(self.line_starts, offset)

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        """Prose-view spans of quoted speech and blockquotes, sorted."""
        spans = [m.span() for m in _QUOTED.finditer(self.prose.text)]
        spans.extend(self.quote_blocks)
        spans.sort()
        return spans

    @cached_property
    def _quote_index(self) -> tuple[list[int], list[int]]:
        """Quote starts, and the furthest end among the quotes up to each one."""
        starts, reach, far = [], [], -1
        for a, b in self.quotes:
            far = max(far, b)
            starts.append(a)
            reach.append(far)
        return starts, reach

    def in_quote(self, start: int, end: int) -> bool:
        """Whether view[start:end] lies inside one quote (bisect: O(log n) a finding)."""
        starts, reach = self._quote_index
        i = bisect_right(starts, start)
        return i > 0 and reach[i - 1] >= end


# Quoted speech: curly or straight double quotes, or guillemets, within one line.
_QUOTED = re.compile(r"\u201c[^\u201d\n]{1,3000}\u201d|\"[^\"\n]{1,3000}\"|\u00ab[^\u00bb\n]{1,3000}\u00bb")

_DIRECTIVE = re.compile(
    r"<!--\s*citelint\s*:\s*(disable|enable|ignore)\s*(?:=\s*([A-Za-z0-9_,\s]*?))?\s*-->"
)
_BARE_URL = re.compile(r"https?://[^\s<>\"'\u201c\u201d\u2018\u2019\]\[()]+(?:\([^\s()]*\)[^\s<>\"'()\]\[]*)*")
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


def parse_directives(comment: str, start: int, end: int, source: str, kind: str) -> Directive | None:
    m = _DIRECTIVE.fullmatch(comment)
    if not m:
        return None
    codes = tuple(c.strip().upper() for c in (m.group(2) or "").split(",") if c.strip())
    if m.group(1) == "ignore":
        return Directive("ignore", codes, end, next_block_end(source, end, kind))
    return Directive(m.group(1), codes, start, end)


_BLOCK_END_HTML = re.compile(
    r"</(?:p|li|div|h[1-6]|blockquote|td|th|tr|table|ul|ol|dl|section|article|figure|pre|aside)\s*>",
    re.I)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n|\r[ \t]*\r(?!\n)")


def next_block_end(source: str, pos: int, kind: str) -> int:
    """End of the block after `pos`: a blank line, or in HTML a closing block tag."""
    n = len(source)
    i = pos
    while i < n and source[i] in " \t\r\n":
        i += 1
    ends = []
    m = _BLANK_LINE.search(source, i)
    ends.append(m.start() if m else n)
    if kind == "html":
        m = _BLOCK_END_HTML.search(source, i)
        if m:
            ends.append(m.end())
    return min(ends)


_NOT_NEWLINE = re.compile(r"[^\r\n]+")


def identity_view(source: str, masked: list[tuple[int, int]]) -> View:
    """The source with masked ranges blanked; CRLF reads as LF for the rules."""
    if masked:
        parts, last = [], 0
        for a, b in masked:
            parts.append(source[last:a])
            chunk = source[a:b]
            if "\n" in chunk or "\r" in chunk:
                parts.append(_NOT_NEWLINE.sub(lambda m: MASK * len(m.group()), chunk))
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


def load_text(source: str, path: str = "-") -> Document:
    doc = Document(source, "text", path)
    doc.prose = doc.markup = identity_view(source, [])
    add_bare_links(doc, doc.prose, doc.links)
    doc.prose.set_soft([(lk.start, lk.end) for lk in doc.links])
    return doc


def load(source: str, kind: str | None = None, path: str = "-") -> Document:
    kind = kind or kind_for_path(path)
    if kind == "markdown":
        from .formats.markdown import load_markdown
        return load_markdown(source, path)
    if kind == "html":
        from .formats.html import load_html
        return load_html(source, path)
    if kind != "text":
        raise ValueError(f"unknown document kind {kind!r}")
    return load_text(source, path)
