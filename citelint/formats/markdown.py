"""Markdown: find what is not prose (code, front matter, comments, link
destinations) and mask it, keeping every offset equal to the source's.

This is a scanner for the parts a linter must not read, not a full CommonMark
parser: the prose itself is never re-serialised, so it need not build a tree.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..document import Document, Link
from .common import BlockEnds, add_bare_links, identity_view, parse_directives
from ..view import View, _merge
from . import rawhtml

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_FRONT = {"---": ("---", "..."), "+++": ("+++",)}
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
# `+|<!--, written to start with a character set so `re` can skip ahead quickly.
_INLINE = re.compile(r"[`<](?:(?<=`)`*|(?<=<)!--)")
_COMMENT_END = re.compile(r"-->")
# ](destination "title")  -- destination may be <...> or a run with balanced parens
_INLINE_LINK = re.compile(
    r"\]\([ \t]*(?:\r?\n[ \t]*)?(?P<dest><[^<>\n]*>|(?:[^\s()<]|\((?:[^\s()])*\))+)?"
    r"(?:[ \t]*(?:\r?\n[ \t]*)?(?P<title>\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*\)")
_REF_DEF = re.compile(
    r"^ {0,3}\[(?P<label>[^\]\n]{1,999})\]:[ \t]*(?:\r?\n[ \t]*)?(?P<dest><[^<>\n]*>|\S+)"
    r"(?:[ \t]+(?P<title>\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$", re.M)
_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s<>]*)>")
# A line that could start indented code.
_INDENTED = re.compile(r"(?:^|[\r\n])(?: {4}| {0,3}\t)")
_FIRST_LINE = re.compile(r"[^\r\n]*")
_QUOTE_LINE = re.compile(r"(?:^|(?<=[\r\n])) {0,3}>[^\r\n]*")


def _plain(source: str) -> bool:
    """Whether no line could open front matter, a fence or indented code, and
    nothing could be a code span or comment: then the block and inline passes
    would mask nothing, and only blockquotes need finding. Most news copy is
    like this, and it is checked with a few substring scans."""
    if "`" in source or "~~~" in source or "<!--" in source:
        return False
    if ("    " in source or "\t" in source) and _INDENTED.search(source):
        return False
    return _FIRST_LINE.match(source).group().rstrip() not in _FRONT


def _lines(source: str) -> list[tuple[int, int, int]]:
    """(start, end_of_content, next_start) for each line."""
    out = []
    pos, n = 0, len(source)
    if "\r" in source:
        for m in _NEWLINE.finditer(source):
            out.append((pos, m.start(), m.end()))
            pos = m.end()
        if pos < n or n == 0:
            out.append((pos, n, n))
        return out
    parts = source.split("\n")  # no CR: one split, far faster than a match per line
    last = len(parts) - 1
    for i, part in enumerate(parts):
        end = pos + len(part)
        if i < last:
            out.append((pos, end, end + 1))
        elif part or not source:  # the last line has no newline (or the source is empty)
            out.append((pos, end, end))
        pos = end + 1
    return out


_NEWLINE = re.compile(r"\r\n|\n|\r")
# What a line must start with to open a fence, a list item or a blockquote: asked
# before the pattern, which most lines would fail.
_FENCE_STARTS = tuple(" " * k + f for k in range(4) for f in ("```", "~~~"))
_ITEM_FIRST = frozenset("*+- 0123456789")
_QUOTE_STARTS = tuple(" " * k + ">" for k in range(4))


def load_markdown(source: str, path: str = "-") -> Document:
    """A Markdown draft, its parts built when a rule first reads them (_Parts)."""
    doc = Document(source, "markdown", path)
    doc._parts = _Parts(doc)
    return doc


class _Parts:
    """The parts of a Markdown document, in the order each needs the last:
    what is not prose (code, comments, front matter; the suppression comments),
    then the raw HTML (tags, what they hide, their links, blockquotes), then the
    views, then the links. Each step runs once, when a rule first reads one of
    its parts; a rule that reads only the prose view never has links found."""
    __slots__ = ("doc", "source", "done", "masked", "quotes", "tag_spans", "hidden", "html_links")
    _STEP = {"directives": 1, "tags": 2, "quote_blocks": 2, "prose": 3, "markup": 3, "links": 4}

    def __init__(self, doc: Document):
        self.doc, self.source, self.done = doc, doc.source, 0

    def build(self, name: str) -> None:
        step = self._STEP[name]
        while self.done < step:
            (self._masks, self._html, self._views, self._links)[self.done]()
            self.done += 1

    def _masks(self) -> None:
        source, d = self.source, self.doc.__dict__
        masked: list[tuple[int, int]] = []
        d["directives"] = directives = []
        self.quotes = quotes = []
        if _plain(source):
            if ">" in source:
                quotes.extend(m.span() for m in _QUOTE_LINE.finditer(source))
        else:
            block_spans = _block_pass(source, masked, quotes)
            masked.sort()
            inline_masked = _inline_pass(source, masked, block_spans, directives)
            masked = _merge(masked + inline_masked)
        self.masked = masked

    def _html(self) -> None:
        found = _Found()
        self.html_links = []
        self.tag_spans, hidden = rawhtml.scan(self.source, self.masked, found, self.html_links)
        if hidden:
            self.masked = _merge(self.masked + hidden)
        d = self.doc.__dict__
        d["tags"] = found.tags
        d["quote_blocks"] = self.quotes + found.quote_blocks

    def _views(self) -> None:
        d, source, masked = self.doc.__dict__, self.source, self.masked
        d["markup"] = markup = identity_view(source, masked)
        # Tags are markup, not prose: hidden from prose rules, still seen by markup ones.
        d["prose"] = prose = identity_view(source, _merge(masked + self.tag_spans)) if self.tag_spans else markup
        spans = lambda: [(lk.start, lk.end) for lk in self.doc.links]  # noqa: E731
        prose.defer_soft(spans)
        if markup is not prose:
            markup.defer_soft(spans)

    def _links(self) -> None:
        doc = self.doc
        links = _links(self.source, self.masked) + self.html_links
        add_bare_links(doc, doc.prose, links)
        links.sort(key=lambda lk: lk.start)
        doc.__dict__["links"] = links


class _Found:
    """What rawhtml.scan() finds besides the tag spans: the tags and blockquotes."""
    __slots__ = ("tags", "quote_blocks")

    def __init__(self):
        self.tags, self.quote_blocks = [], []


def _block_pass(source: str, masked: list, quotes: list) -> list[tuple[int, int]]:
    """Mask front matter, fenced and indented code; return the prose line spans."""
    lines = _lines(source)
    prose: list[tuple[int, int]] = []
    i, n = _front_matter(source, lines, masked), len(lines)
    prev_blank, in_list = True, False
    while i < n:
        s, e, _ = lines[i]
        line = source[s:e]
        m = _FENCE_OPEN.match(line) if line.startswith(_FENCE_STARTS) else None
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            if prev_blank and not line.startswith((" ", "\t")):
                in_list = False  # a fence at the margin after a blank line ends the list
            i, prev_blank = _fence(source, lines, i, m, masked), False
            continue
        blank = not line or line.isspace()
        indented = line.startswith(("    ", "\t")) or line.startswith((" \t", "  \t", "   \t"))
        if indented and prev_blank and not in_list and not blank:
            i, prev_blank = _indented_code(source, lines, i, masked), False
            continue
        if not blank:
            if (line[0] in _ITEM_FIRST or line[0] > "\x7f") and _LIST_ITEM.match(line):  # \d: any digit
                in_list = True
            elif not line.startswith((" ", "\t")) and prev_blank:
                in_list = False
            if line.startswith(_QUOTE_STARTS):
                quotes.append((s, e))
            prose.append((s, e))
        prev_blank = blank
        i += 1
    return prose


def _front_matter(source: str, lines: list, masked: list) -> int:
    """Mask front matter (`---`/`+++` to its closer); returns the first line after it."""
    if not lines or source[lines[0][0]:lines[0][1]].rstrip() not in _FRONT:
        return 0
    closers = _FRONT[source[lines[0][0]:lines[0][1]].rstrip()]
    for j in range(1, len(lines)):
        if source[lines[j][0]:lines[j][1]].rstrip() in closers:
            masked.append((0, lines[j][1]))
            return j + 1
    return 0


def _fence(source: str, lines: list, i: int, m: re.Match, masked: list) -> int:
    """Mask a fenced block opened on line i; returns the line after its close."""
    n = len(lines)
    char, size = m.group(2)[0], len(m.group(2))
    close = re.compile(r"^ {0,3}" + re.escape(char) + "{" + str(size) + r",}[ \t]*$")
    j = i + 1
    while j < n and not close.match(source[lines[j][0]:lines[j][1]]):
        j += 1
    masked.append((lines[i][0], lines[min(j, n - 1)][1]))
    return j + 1


def _indented_code(source: str, lines: list, i: int, masked: list) -> int:
    """Mask an indented code block starting on line i; returns the line after it."""
    j = last = i
    while j < len(lines):
        text = source[lines[j][0]:lines[j][1]]
        if text.strip():
            if not (text.startswith(("    ", "\t")) or text.lstrip(" ").startswith("\t")):
                break
            last = j
        j += 1
    masked.append((lines[i][0], lines[last][1]))
    return last + 1


def _inline_pass(source: str, masked: list, prose_lines: list, directives: list) -> list:
    """Mask code spans and HTML comments in prose; read suppression comments."""
    out: list[tuple[int, int]] = []
    # Work paragraph by paragraph: code spans and comments do not cross blank lines
    # (a comment may, so it gets the rest of the document as its limit).
    paragraphs: list[tuple[int, int]] = []
    for s, e in prose_lines:
        gap = s - paragraphs[-1][1] if paragraphs else 0  # one line end between: the same paragraph
        if (gap == 1 and source[s - 1] in "\n\r") or (gap == 2 and source[s - 2:s] == "\r\n"):
            paragraphs[-1] = (paragraphs[-1][0], e)
        else:
            paragraphs.append((s, e))
    kind = "markdown"
    blocks = BlockEnds(source, kind)  # where each `ignore` comment's block ends
    skip_until = 0
    runs = None  # (paragraph start, backtick runs by length), built when first needed
    for ps, pe in paragraphs:
        pos = max(ps, skip_until)
        if pos < pe and source.find("`", pos, pe) < 0 and source.find("<!--", pos, pe) < 0:
            continue  # most paragraphs: nothing to mask (two memchr-speed searches, not a pattern)
        while pos < pe:
            m = _INLINE.search(source, pos, pe)
            if not m:
                break
            if m.group() == "<!--":
                c = _COMMENT_END.search(source, m.end())
                end = c.end() if c else len(source)
                out.append((m.start(), end))
                d = parse_directives(source[m.start():end], m.start(), end, source, kind, blocks)
                if d:
                    directives.append(d)
                pos = end
                skip_until = end
                continue
            ticks = m.group()
            if m.start() > 0 and source[m.start() - 1] == "\\":
                pos = m.end()
                continue
            if runs is None or runs[0] != ps:
                runs = (ps, _tick_runs(source, ps, pe))
            same = runs[1].get(len(ticks), ())
            k = bisect_left(same, m.end())
            if k < len(same):  # the next run of exactly as many backticks closes the span
                end = same[k] + len(ticks)
                out.append((m.start(), end))
                pos = end
            else:
                pos = m.end()
    return out


_TICKS = re.compile(r"`+")


def _tick_runs(source: str, start: int, end: int) -> dict[int, list[int]]:
    """Where each run of backticks in source[start:end] begins, by its length.
    Looking a closing run up here keeps a paragraph of unclosed runs of many
    lengths linear (a search per opener was quadratic)."""
    runs: dict[int, list[int]] = {}
    for m in _TICKS.finditer(source, start, end):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    return runs


def _links(source: str, masked: list) -> list[Link]:
    starts = [a for a, _ in masked]

    def is_masked(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k >= 0 and masked[k][1] > i

    # Each pattern needs a literal; skip the scan when it is absent.
    links = _inline_links(source, is_masked) if "](" in source else []
    for m in _REF_DEF.finditer(source) if "]:" in source else ():
        if not is_masked(m.start()):
            links.append(_link(source, *m.span("dest"), "definition", label=m.group("label")))
    for m in _AUTOLINK.finditer(source) if "<http" in source else ():
        if not is_masked(m.start()):
            links.append(_link(source, *m.span("url"), "autolink"))
    return links


def _inline_links(source: str, is_masked) -> list[Link]:
    links: list[Link] = []
    opens: dict[int, int] | None = None
    for m in _INLINE_LINK.finditer(source):
        if m.group("dest") is None or is_masked(m.start()):
            continue
        ds, de = m.span("dest")
        if source[ds] == "{":
            continue  # `({"attribution":…})` is assistant debris, not a link
        if opens is None:
            opens = _bracket_opens(source)
        open_at = opens.get(m.start(), -1)
        if open_at < 0:
            continue
        image = open_at > 0 and source[open_at - 1] == "!"
        links.append(_link(source, ds, de, "image" if image else "markdown", source[open_at + 1:m.start()],
                           open_at + 1, m.start()))
    return links


def _link(source: str, ds: int, de: int, kind: str, text: str = "", text_start: int = -1, text_end: int = -1,
          label: str = "") -> Link:
    """A link whose destination is source[ds:de] (an `<…>` destination without its brackets)."""
    if source[ds] == "<" and kind != "autolink":
        ds, de = ds + 1, de - 1
    url = source[ds:de]
    return Link(url, View(url, [(0, ds, de - ds, de - ds)]), ds, de, kind, text, text_start, text_end, label)


_BRACKET = re.compile(r"[\[\]]|\n(?=\n)")
_LINK_TEXT_MAX = 2000  # characters a link's text may span


def _bracket_opens(source: str) -> dict[int, int]:
    """For each ']' that closes link text, the index of its '[': the nearest one
    before it with balanced brackets between, not escaped, in the same
    paragraph and at most _LINK_TEXT_MAX characters back. One pass over the
    text for all links (a scan back from each link was quadratic in effect)."""
    opens: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACKET.finditer(source):
        i = m.start()
        ch = m.group()
        if ch == "\n":
            stack.clear()  # a blank line ends the paragraph
        elif i > 0 and source[i - 1] == "\\":  # escaped: no bracket, though "\](" still ends text
            if ch == "]" and stack and i - stack[-1] <= _LINK_TEXT_MAX:
                opens[i] = stack[-1]
        elif ch == "[":
            stack.append(i)
        elif stack:
            o = stack.pop()
            if i - o <= _LINK_TEXT_MAX:
                opens[i] = o
    return opens
