"""Evidence about one document that several rules weigh: computed once, on
first use, from the document alone.

A rule never reads another rule's findings. Whether a draft carries assistant
debris, which numbered notes it has, where its social embeds and elements
are: these are facts of the document, so selecting or ignoring one rule can
never change another's verdict.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property

from ..document import Document
from ..patterns import LazyRe

# A heading that opens a list of notes ("Notes", "References", "Footnotes"…).
NOTES_HEADING = LazyRe(
    r"(?i)^(?:notes?|references?|footnotes?|endnotes?|sources?|citations?|bibliography|works cited"
    r"|further reading|(?:related |useful |further )?(?:links|material|materials|resources|reading)|see also"
    r"|remarques|r[ée]f[ée]rences|notas|referencias)\s*:?\s*$")
_LINK_ITEM = LazyRe(r"(?m)^ {0,3}\d{1,3}[.)][ \t]+(?:\[[^\]\n]*\]\(|<?https?://)")
_MD_HEADING = LazyRe(r"(?m)^ {0,3}(?:#{1,6}[ \t]+(?P<a>[^\n]*?)[ \t#]*$|(?:\*\*|__)(?P<b>[^\n*_]{1,40})(?:\*\*|__)[ \t]*:?[ \t]*$)")
_NOTE_LINE = LazyRe(r"(?m)^[ \t]*(?:[-*+][ \t]+)?(?:\[\^?(?P<a>\d{1,3})\^?\]|\((?P<b>\d{1,3})\)|(?P<c>\d{1,3})[.)]|\^(?P<d>\d{1,3}))(?:[ \t:\[]|$)")
_FOOTNOTE_DEF = LazyRe(r"(?m)^[ \t]*\[\^(?P<id>[^\]\s]+?)\^?\]:")
_ID_NUMBER = LazyRe(r"(?i)^(?:[a-z_-]*?)(?P<n>\d{1,3})$")
EMBED_CLASSES = LazyRe(r"(?i)\b(?:twitter-tweet|twitter-video|twitter-timeline|instagram-media|tiktok-embed"
                           r"|fb-post|fb-video|bluesky-embed|mastodon-embed|reddit-card|threads-post)\b")
_SHORTCODE = LazyRe(
    r"\{\{[<%]\s*(?:tweet|twitter|x|instagram|tiktok|youtube|vimeo|gist|mastodon|bluesky)\b[^\n]*?[>%]\}\}"
    r"|\{%\s*(?:tweet|twitter|instagram|oembed|embed)\b[^\n]*?%\}", re.I)
_STATUS_LINK = LazyRe(r"https?://(?:mobile\.|www\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+", re.I)
_TABLE_LINE = LazyRe(r"^[ \t]*\|.*\|[ \t]*$|^[^\n|]*\|[^\n|]*\|")
_TABLE_RULE = LazyRe(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$")
_LIST_LINE = LazyRe(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+")
_MD_HEADING_LINE = LazyRe(r"^ {0,3}#{1,6}(?:[ \t]|$)")


class Element:
    """An HTML element's source span: open tag start to close tag end."""
    __slots__ = ("name", "start", "inner_start", "inner_end", "end", "tag")

    def __init__(self, name, start, inner_start, inner_end, end, tag):
        self.name, self.start, self.inner_start, self.inner_end, self.end, self.tag = \
            name, start, inner_start, inner_end, end, tag


class Facts:
    """Lazily computed evidence about one document; see the module docstring."""

    def __init__(self, doc: Document, settings=None, ctx=None, evidence=None):
        self.doc, self.settings, self._ctx = doc, settings, ctx
        # The built-in assistant-markup and tracking rules, with their prefilter plan
        # (engine.evidence_plan): run whatever is selected, so selection changes no verdict.
        self._evidence = evidence

    @cached_property
    def registry(self):
        """The outlet registry in force: the built-in one plus the settings' outlet files."""
        from ..outlets import load_registry  # deferred
        return load_registry(tuple(getattr(self.settings, "outlets", ()) or ()))

    # -- assistant debris -------------------------------------------------
    @cached_property
    def markup_codes(self) -> frozenset:
        """Codes of the built-in assistant-markup (AST) and tracking (TRK) rules
        that find something in this document."""
        if self._evidence is None:
            return frozenset()
        doc = self.doc
        texts = (doc.source,) if doc.kind != "html" else (doc.source, doc.prose.text,
                                                          "\n".join(lk.url for lk in doc.links))
        codes = set()
        for rule in self._evidence.select(texts):
            if any(f is not None for f in rule.check(self._ctx)):
                codes.add(rule.code)
        return frozenset(codes)

    @cached_property
    def chips(self):
        """The chip analysis (facts/chips.py): chains, clusters, chip links."""
        from .chips import analyse  # deferred
        return analyse(self._ctx, self)

    @property
    def debris(self) -> bool:
        """Whether the draft shows chat-assistant debris: markup, a tracking
        parameter, or source chips that are chips beyond doubt."""
        return bool(self.markup_codes) or self.chips.confident

    # -- structure ----------------------------------------------------------
    @cached_property
    def elements(self) -> list[Element]:
        """HTML elements with both tags (raw HTML in Markdown too), by start."""
        out, stack = [], []
        for t in self.doc.tags:
            if not t.closing:
                stack.append(t)
                continue
            for i in range(len(stack) - 1, max(-1, len(stack) - 40), -1):
                if stack[i].name == t.name:
                    o = stack[i]
                    out.append(Element(t.name, o.start, o.end, t.start, t.end, o))
                    del stack[i:]
                    break
        out.sort(key=lambda e: e.start)
        return out

    @cached_property
    def _element_starts(self) -> list[int]:
        return [e.inner_start for e in self.elements]

    def enclosing(self, start: int, end: int, names=None) -> list[Element]:
        """Elements (named in `names`, or any) whose content holds source[start:end].
        Looks back over the nearest 200 elements only: linear on huge pages."""
        els = self.elements
        i = bisect_right(self._element_starts, start)
        out = []
        for e in els[max(0, i - 200):i][::-1]:
            if end <= e.inner_end and (names is None or e.name in names):
                out.append(e)
        return out

    @cached_property
    def embeds(self) -> list[tuple[int, int]]:
        """Source spans of deliberate social embeds: embed blockquotes (by
        class), shortcodes, and Markdown blockquotes that cite a post's URL."""
        spans = list(self.markup_embeds)
        src = self.doc.source
        if self.doc.kind == "markdown" and ">" in src:
            for a, b in _md_quote_blocks(src):
                if _STATUS_LINK.search(src, a, b) or "pic.twitter.com" in src[a:b]:
                    spans.append((a, b))
        return sorted(spans)

    @cached_property
    def markup_embeds(self) -> list[tuple[int, int]]:
        """Embeds made by the publisher's markup: embed blockquotes and shortcodes."""
        spans = []
        for e in self.elements:
            if e.name == "blockquote" and EMBED_CLASSES.search(e.tag.attrs or ""):
                spans.append((e.start, e.end))
        src = self.doc.source
        if "{{" in src or "{%" in src:
            spans.extend(m.span() for m in _SHORTCODE.finditer(src))
        return sorted(spans)

    def in_embed(self, start: int, end: int | None = None, markup_only: bool = False) -> bool:
        """Whether source[start:end] lies inside one embed (bisection: a draft of
        many embeds and many handles is not embeds x handles)."""
        end = start if end is None else end
        starts, reach = self._markup_embed_reach if markup_only else self._embed_reach
        i = bisect_right(starts, start)
        return i > 0 and reach[i - 1] >= end

    @cached_property
    def _embed_reach(self) -> tuple[list[int], list[int]]:
        return _reach(self.embeds)

    @cached_property
    def _markup_embed_reach(self) -> tuple[list[int], list[int]]:
        return _reach(self.markup_embeds)

    @cached_property
    def anchor_ids(self) -> frozenset:
        """Every `id`/`name` an internal link could point at."""
        ids = set()
        for t in self.doc.tags:
            if not t.closing:
                for key in ("id", "name"):
                    v = t.attr(key)
                    if v:
                        ids.add(v)
        return frozenset(ids)

    @cached_property
    def sources_trailer(self):
        """A closing block of sources, as an assistant appends one (REF007's
        shape): (view, start, heading) or None."""
        from .sources import sources_trailer  # deferred
        return sources_trailer(self.doc)

    @cached_property
    def notes(self) -> "Notes":
        return Notes(self)

    def table_cell(self, start: int, end: int) -> bool:
        """Whether source[start:end] is in a table cell (HTML or a Markdown table row)."""
        if self.enclosing(start, end, ("td", "th")):
            return True
        return self._has_md_table and self._line_is(_TABLE_LINE, start)

    @cached_property
    def _has_md_table(self) -> bool:
        """Whether the Markdown holds a table's delimiter row (searched once per document)."""
        return self.doc.kind == "markdown" and "|" in self.doc.source and bool(_TABLE_RULE.search(self.doc.source))

    def is_list_item(self, start: int, end: int) -> bool:
        return bool(self.enclosing(start, end, ("li", "dt", "dd"))) or (
            self.doc.kind != "html" and self._line_is(_LIST_LINE, start))

    def is_heading(self, start: int, end: int) -> bool:
        return bool(self.enclosing(start, end, ("h1", "h2", "h3", "h4", "h5", "h6"))) or (
            self.doc.kind == "markdown" and self._line_is(_MD_HEADING_LINE, start))

    def _line_is(self, pattern, pos: int) -> bool:
        """Whether the line holding source[pos] matches `pattern`. Each line is
        read once per pattern: a megabyte line with many chips is not read once a chip."""
        starts = self._newline_starts
        i = bisect_right(starts, pos) - 1
        key = (pattern.pattern, starts[i])
        if key not in self._lines_read:
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(self.doc.source)
            self._lines_read[key] = bool(pattern.match(self.doc.source[starts[i]:end].rstrip("\r")))
        return self._lines_read[key]

    @cached_property
    def _newline_starts(self) -> list[int]:
        return [0] + [m.end() for m in _NEWLINE.finditer(self.doc.source)]

    @cached_property
    def _lines_read(self) -> dict:
        return {}

    def leaves_empty(self, start: int, end: int) -> bool:
        """Whether deleting source[start:end] would leave an element empty: a
        link's text, an `<li>`, a heading, a list bullet, a `: note` line, an
        emphasis span."""
        if self.doc.tags and self._empties_element(start, end):
            return True
        src = self.doc.source
        lk = self.link_text_at(start, end)
        if lk is not None and lk.text_end > lk.text_start and not _NON_SPACE.search(src, lk.text_start, start) \
                and not _NON_SPACE.search(src, end, lk.text_end):  # a search stops at the first: no slices
            return True
        return self.doc.kind != "html" and (self._empties_line(start, end) or _empties_emphasis(src, start, end))

    def _empties_element(self, start: int, end: int) -> bool:
        """Whether the innermost element around source[start:end] shows nothing
        else. Only the innermost decides: whatever it keeps, every element around
        it keeps too. Each side is read up to its first visible character, not
        whole: a long paragraph with many findings is not read once a finding."""
        src = self.doc.source
        for e in self.enclosing(start, end, _EMPTYABLE):
            if e.inner_end - e.inner_start >= 20000:
                return False
            return (_first_visible(src, e.inner_start, start) == start
                    and _first_visible(src, end, e.inner_end) == e.inner_end
                    and _first_visible(src, start, end) < end)  # it deleted what the element showed
        return False

    def _empties_line(self, start: int, end: int) -> bool:
        """"- [1]" -> "- ", "## Reuters +1" -> "## ", "[^1]: The note" -> ": The note"."""
        src = self.doc.source
        # Only a short line can be a bare bullet or heading: look 4 KB around, no further.
        ls = src.rfind("\n", max(0, start - 4096), start) + 1
        le = src.find("\n", start, end + 4096)
        if le < 0 and end + 4096 >= len(src):
            le = len(src)  # the last line, with no newline after it
        if not ((ls > 0 or start <= 4096) and le >= 0 and end <= le):
            return False
        line = src[ls:le].rstrip("\r")
        rest = (src[ls:start] + src[end:le]).rstrip("\r")
        if line.strip() and rest.strip() and _BARE_MARKER.fullmatch(rest.strip()):
            return True
        return start - ls <= len(line) - len(line.lstrip()) and rest.lstrip().startswith(":")

    @cached_property
    def _texts(self) -> tuple[list[int], list]:
        links = sorted((lk for lk in self.doc.links if lk.text_start >= 0), key=lambda lk: lk.text_start)
        return [lk.text_start for lk in links], links

    def link_text_at(self, start: int, end: int):
        """The link whose visible text holds source[start:end], if any."""
        starts, links = self._texts
        i = bisect_right(starts, start)
        for lk in links[max(0, i - 8):i][::-1]:  # link texts do not nest deeper than this
            if end <= lk.text_end:
                return lk
        return None


_EMPTYABLE = frozenset({"a", "li", "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "span",
                        "sup", "sub", "td", "th", "dt", "dd", "figcaption", "caption", "q", "cite", "small", "u",
                        "mark", "blockquote", "code", "abbr", "del", "ins", "s"})
_CONTENT_TAGS = "img|br|hr|input|iframe|video|audio|svg|picture|object|embed"  # a reader sees these
# A line left holding only its marker: "- ", "## ", and "## ." or "1.." too (punctuation is not content).
_BARE_MARKER = LazyRe(r"(?:[*+-]|\d{1,9}[.)]|#{1,6}|>[> ]*|\|[ |]*)[\s.,;:!?\u2026]*")


def _empties_emphasis(src: str, start: int, end: int) -> bool:
    """`**token**` -> `****`: the token was all the emphasis held."""
    a = start + len(src[start:end]) - len(src[start:end].lstrip())
    for k in (2, 1):
        left, right = src[max(0, a - k):a], src[end:end + k]
        if len(left) == k and left == right and left.strip("*_~") == "":
            return True
    return False


# What a reader does not see: white space, comments, and tags other than the content tags.
_UNSEEN = LazyRe(r"(?:\s+|<(?!(?i:" + _CONTENT_TAGS + r")\b)[^>]*>|<!--.*?-->)+", re.S)
_ENTITY = LazyRe(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_NON_SPACE = LazyRe(r"\S")
_NEWLINE = LazyRe(r"\n")


def _first_visible(src: str, a: int, b: int) -> int:
    """Where in src[a:b] the first thing a reader sees is (text, an image or
    another content tag), or b: read from a only as far as that."""
    i = a
    while i < b:
        m = _UNSEEN.match(src, i, b)
        if m:
            i = m.end()
            continue
        if src[i] == "&":
            e = _ENTITY.match(src, i, b)
            if e:
                import html as _html  # deferred
                if not _html.unescape(e.group()).replace("\u00a0", " ").strip():
                    i = e.end()  # `&nbsp;`: white space too
                    continue
        return i
    return b


def _notes_headings(src: str) -> tuple[list[int], list[bool]]:
    """Where each Markdown heading ends, and whether it opens a list of notes
    (found once a document, not once a numbered line)."""
    ends, notes = [], []
    for m in _MD_HEADING.finditer(src):
        title = (m.group("a") or m.group("b") or "").strip().strip("*_").strip()
        ends.append(m.end())
        notes.append(bool(NOTES_HEADING.match(title)))
    return ends, notes


def _after_notes_heading(headings: tuple[list[int], list[bool]], pos: int) -> bool:
    """Whether the last heading before the line at `pos` is a notes heading."""
    ends, notes = headings
    i = bisect_right(ends, pos) - 1
    return i >= 0 and notes[i]


def _reach(spans) -> tuple[list[int], list[int]]:
    """Sorted spans' starts, and the furthest end among the spans up to each one."""
    starts, reach, far = [], [], -1
    for a, b in spans:
        far = max(far, b)
        starts.append(a)
        reach.append(far)
    return starts, reach


def _md_quote_blocks(source: str):
    """Spans of consecutive `>` lines."""
    start = None
    pos = 0
    for line in source.splitlines(keepends=True):
        quoted = line.lstrip(" ")[:1] == ">" and len(line) - len(line.lstrip(" ")) < 4
        if quoted and start is None:
            start = pos
        elif not quoted and start is not None:
            yield start, pos
            start = None
        pos += len(line)
    if start is not None:
        yield start, pos


class Notes:
    """The numbered notes a `[1]`-style marker could point at."""

    def __init__(self, facts: Facts):
        self.numbers: set[str] = set()      # numbers some list, anchor or definition could give
        self.lists = False                  # a notes list of any shape
        self.link_labels: set[str] = set()  # Markdown link-reference labels, lower-cased
        self._definitions(facts)
        self._anchors(facts)
        self._note_lines(facts)
        if self._html_notes(facts):
            self.lists = True

    def _definitions(self, facts: Facts) -> None:
        """Link definitions `[1]: url` and footnotes `[^1]: …`."""
        src = facts.doc.source
        for lk in facts.doc.links:
            if lk.kind == "definition":
                self.link_labels.add(" ".join(lk.label.lower().split()))
        self.numbers.update(str(int(label)) for label in self.link_labels if label.isdigit())
        for m in _FOOTNOTE_DEF.finditer(src) if "[^" in src else ():
            self.lists = True
            if m.group("id").isdigit():
                self.numbers.add(str(int(m.group("id"))))

    def _anchors(self, facts: Facts) -> None:
        """Ids a note may carry (`fn1`, `footnote-3`), and internal links to them."""
        for ident in facts.anchor_ids:
            m = _ID_NUMBER.match(ident)
            if m:
                self.numbers.add(str(int(m.group("n"))))
        for lk in facts.doc.links:
            if lk.url.startswith("#") and lk.url[1:] in facts.anchor_ids and _ID_NUMBER.match(lk.url[1:]):
                self.lists = True

    def _note_lines(self, facts: Facts) -> None:
        """`[1] …`, `(1) …`, `^1 …` lines; `1. …` after a notes heading; lists of links."""
        src = facts.doc.source
        headings = None
        for m in _NOTE_LINE.finditer(src):
            n = next(g for g in m.groups() if g is not None)
            if m.group("c") is not None and headings is None:
                headings = _notes_headings(src)
            if m.group("c") is None or _after_notes_heading(headings, m.start()):
                self.numbers.add(str(int(n)))
                self.lists = True
        if facts.doc.kind != "html" and len(_LINK_ITEM.findall(src)) >= 2:
            self.lists = True  # "1. [Title](url)" lines: an ordered list of sources

    def _html_notes(self, facts: Facts) -> bool:
        """An `<ol>` after a notes heading, whose items carry ids, or whose items are mostly links."""
        src = facts.doc.source
        items = [e for e in facts.elements if e.name == "li"]
        starts = [e.start for e in items]
        heading_end = None
        for e in facts.elements:
            if e.name in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b"):
                if e.inner_end - e.inner_start < 200 and \
                        NOTES_HEADING.match(re.sub(r"<[^>]*>", "", src[e.inner_start:e.inner_end]).strip()):
                    heading_end = e.end
            elif e.name == "ol":
                mine = items[bisect_left(starts, e.inner_start):bisect_left(starts, e.inner_end)]
                linked = sum(1 for x in mine if "<a " in src[x.inner_start:x.inner_end]
                             or "http" in src[x.inner_start:x.inner_end])
                if (heading_end is not None and heading_end <= e.start) or any(x.tag.attr("id") for x in mine) \
                        or (mine and 2 * linked > len(mine)):  # an ordered list of links: sources
                    first = e.tag.attr("start") or "1"
                    first_n = int(first) if first.isdigit() else 1
                    self.numbers.update(str(first_n + i) for i in range(len(mine)))
                    return True
        return False

    def has(self, number: str) -> bool:
        return str(int(number)) in self.numbers if number.isdigit() else False
