"""Documents: the source text of a draft and the views rules read from it."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property

from .model import Record
from .view import View, line_col, line_starts
from .patterns import LazyRe

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


class _Part:
    """A part of a document its loader builds when a rule first reads it
    (formats/): the views, the links, the tags… A rule that asks only for the
    prose view never has the links found; a draft no rule runs on builds
    nothing. Once built (or assigned), a part is a plain attribute."""

    def __init__(self, empty):
        self.empty = empty  # the part of a document no loader builds (Document(source))

    def __set_name__(self, owner, name: str):
        self.name = name

    def __get__(self, doc, owner=None):
        if doc is None:
            return self
        parts = doc.__dict__.get("_parts")
        if parts is None:
            value = doc.__dict__[self.name] = self.empty()
            return value
        parts.build(self.name)  # sets this part (and the others it builds on the way)
        return doc.__dict__[self.name]


class Document:
    """A draft's source and the views its rules read. A loader (formats/)
    gives it `_parts`, which builds each part on first use."""

    prose: View = _Part(lambda: None)
    markup: View = _Part(lambda: None)
    links: list[Link] = _Part(list)
    directives: list[Directive] = _Part(list)
    quote_blocks: list[tuple[int, int]] = _Part(list)  # prose-view spans
    tags: list[Tag] = _Part(list)  # HTML tags, in source order (raw HTML in Markdown too)

    def __init__(self, source: str, kind: str = "text", path: str = "-", parts=None):
        self.source, self.kind, self.path = source, kind, path
        self._parts = parts

    @cached_property
    def line_starts(self) -> list[int]:
        return line_starts(self.source)

    def line_col(self, offset: int) -> tuple[int, int]:
        return line_col(self.line_starts, offset)

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        """Prose-view spans of quoted speech and blockquotes, sorted."""
        spans = quoted_spans(self.prose.text)
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
_QUOTED = LazyRe(r"\u201c[^\u201d\n]{1,3000}\u201d|\"[^\"\n]{1,3000}\"|\u00ab[^\u00bb\n]{1,3000}\u00bb")
_QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb"))
_QUOTE_REACH = 3000


_FEW_QUOTES = 4096  # this many opening quotes cost the pattern at most a few milliseconds


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The spans `_QUOTED.finditer(text)` finds, in linear time. The pattern
    tries every opening quote and reads on to its closer or the line's end, so
    a line of a million `\u201c` would cost a million scans of that line (10 s
    a megabyte). Where openers are many, an opening quote that cannot close
    rules out every one of its kind before the same stop, and each stop is
    searched for once."""
    if sum(text.count(opener) for opener, _ in _QUOTE_PAIRS) <= _FEW_QUOTES:
        return [m.span() for m in _QUOTED.finditer(text)]
    return _swept_quotes(text)


def _swept_quotes(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    nxt = [-2] * len(_QUOTE_PAIRS)   # the next opener of each kind at or after `pos` (-1: none)
    skip = [0] * len(_QUOTE_PAIRS)   # openers of each kind before this cannot close
    while True:
        best = -1
        for k, (opener, _) in enumerate(_QUOTE_PAIRS):
            if nxt[k] != -1 and nxt[k] < max(pos, skip[k]):
                nxt[k] = text.find(opener, max(pos, skip[k]))
            if nxt[k] >= 0 and (best < 0 or nxt[k] < nxt[best]):
                best = k
        if best < 0:
            return spans
        p, closer = nxt[best], _QUOTE_PAIRS[best][1]
        q = _stop(text, closer, p + 1)
        if q < len(text) and text[q] == closer and 1 <= q - p - 1 <= _QUOTE_REACH:
            spans.append((p, q + 1))
            pos = q + 1
        elif q < len(text) and text[q] == closer and q - p - 1 > _QUOTE_REACH:
            skip[best] = q - 1 - _QUOTE_REACH  # the first opener close enough to the closer
        else:
            skip[best] = q  # `""` or a line's end: no opener before it closes
        if skip[best] <= p:
            skip[best] = p + 1


def _stop(text: str, closer: str, start: int) -> int:
    """The first closer or line end at or after `start` (len(text) if none)."""
    a = text.find(closer, start)
    b = text.find("\n", start, a if a >= 0 else len(text))
    if b >= 0:
        return b
    return a if a >= 0 else len(text)
