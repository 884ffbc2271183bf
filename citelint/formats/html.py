"""HTML: the prose view is the decoded text between tags, mapped back to the
source, so edits land on the exact bytes even where entities were decoded.

A flat tokenizer, not a tree builder: it gives exact offsets, never rewrites
markup, and cannot be driven into deep recursion by hostile nesting.
"""
from __future__ import annotations

import html
import re

from ..document import Document, Link, Tag
from .common import BlockEnds, add_bare_links, identity_view, parse_directives
from ..view import MASK, View, ViewBuilder

_NOT_TAGS = (
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<[!?][^>]*>?"
    r"|&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
# A tag always matches, running to the end of the text if nothing closes it (as
# in a browser): a tag that could fail would be retried from every later "<",
# and a file of unclosed tags would take quadratic time. Its attributes are read
# as runs of plain characters between quoted values, with possessive repeats:
# a repeat of single characters in an alternation keeps state for each
# character, and `<a a=1 b=2 …>` took 190 times its size in memory.
_TOKEN = re.compile(
    r"<(?P<close>/)?(?P<name>[A-Za-z][^\s/>]*)"
    r"[^>\"']*+(?:(?:\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))[^>\"']*+)*+(?P<gt>>|\Z)|" + _NOT_TAGS, re.S)
_TOKEN_NO_TAGS = re.compile(_NOT_TAGS, re.S)  # once no ">" is left, no tag can close
# Elements whose content is not prose.
SKIP = frozenset({"script", "style", "pre", "code", "textarea", "template", "svg", "math",
                  "noscript", "kbd", "samp", "tt"})
# Elements that end a line of prose; rules see a newline there.
BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "td", "th", "table", "thead", "tbody", "blockquote", "section", "article", "header",
    "footer", "aside", "nav", "main", "figure", "figcaption", "hr", "title", "body", "html",
    "head", "form", "fieldset", "address", "details", "summary", "caption",
})
QUOTE = frozenset({"blockquote", "q"})
_ATTR = re.compile(r"""(?P<name>href|src)\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s"'=<>`]+))""", re.I)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")


def _decoded_view(raw: str, at: int) -> View:
    """A view of an attribute value with entities decoded."""
    if "&" not in raw:
        return View(raw, [(0, at, len(raw), len(raw))])
    vb = ViewBuilder()
    last = 0
    for m in _ENTITY.finditer(raw):
        vb.copy(raw[last:m.start()], at + last)
        dec = html.unescape(m.group())
        if dec == m.group():
            vb.copy(dec, at + m.start())
        else:
            vb.atom(dec, at + m.start(), m.end() - m.start())
        last = m.end()
    vb.copy(raw[last:], at + last)
    return vb.build()


def load_html(source: str, path: str = "-") -> Document:
    return _Loader(source, path).load()


class _Loader:
    """One pass of the flat tokenizer over the source, building the prose view,
    the masked ranges, the links and the tags as it goes."""

    def __init__(self, source: str, path: str):
        self.source, self.doc = source, Document(source, "html", path)
        self.vb = ViewBuilder()
        self.blocks = BlockEnds(source, "html")  # where each `ignore` comment's block ends
        self.masked: list[tuple[int, int]] = []
        self.links: list[Link] = []
        self.open_quotes: list[int] = []
        self.anchor: tuple[int, int] | None = None     # (view index, index into links)
        self.anchors: list[tuple[int, int, int]] = []  # (index into links, view start, view end)

    def load(self) -> Document:
        source, vb = self.source, self.vb
        pos, n = 0, len(source)
        token = _TOKEN
        while pos < n:
            m = token.search(source, pos)
            if not m:
                vb.copy(source[pos:], pos)
                break
            if m.start() > pos:
                vb.copy(source[pos:m.start()], pos)
            if token is _TOKEN and m.group("name") and not m.group("gt"):
                # Nothing closes this tag. Inside an open quoted value, the rest of the
                # file is in the tag, as a browser reads it; with no quote, there is no
                # ">" left at all, so this "<" is text and no later tag can close.
                if '"' in m.group() or "'" in m.group():
                    self.masked.append((m.start(), n))
                    vb.atom(MASK, m.start(), 0)
                    break
                vb.copy("<", m.start())
                token, pos = _TOKEN_NO_TAGS, m.start() + 1
                continue
            pos = self._token(m, token is _TOKEN)
        return self._finish()

    def _token(self, m: re.Match, tags: bool) -> int:
        """Read one token; returns where the next one may start."""
        tok, end = m.group(), m.end()
        if tok.startswith("&"):
            dec = html.unescape(tok)
            if dec == tok:
                self.vb.copy(tok, m.start())
            else:
                self.vb.atom(dec, m.start(), len(tok))
        elif tok.startswith("<!--"):
            self.masked.append((m.start(), end))
            d = parse_directives(tok, m.start(), end, self.source, "html", self.blocks)
            if d:
                self.doc.directives.append(d)
        elif tags and m.group("name"):
            return self._tag(m)
        else:
            self.masked.append((m.start(), end))
        return end

    def _tag(self, m: re.Match) -> int:
        source, vb, end = self.source, self.vb, m.end()
        name = m.group("name").lower()
        closing = bool(m.group("close"))
        attrs_at = m.start("name") + len(m.group("name"))
        self.doc.tags.append(Tag(name, m.start(), end, closing, source[attrs_at:end - 1] if not closing else ""))
        if not closing:
            self._attributes(m, name)
        if not closing and name in SKIP and not m.group().endswith("/>"):
            end = self._skip(m, name)
        elif name in BLOCK:
            vb.atom("\n", m.start(), 0)
        if name in QUOTE:
            if closing and self.open_quotes:
                self.doc.quote_blocks.append((self.open_quotes.pop(), vb.length))
            elif not closing:
                self.open_quotes.append(vb.length)
        if closing and name == "a" and self.anchor is not None:
            self.anchors.append((self.anchor[1], self.anchor[0], vb.length))
            self.anchor = None
        return end

    def _attributes(self, m: re.Match, name: str) -> None:
        """href and src values as links (entities decoded); an anchor's text is read to its close."""
        for a in _ATTR.finditer(m.group()):
            g = "d" if a.group("d") is not None else "s" if a.group("s") is not None else "u"
            vs = m.start() + a.start(g)
            raw = a.group(g)
            view = _decoded_view(raw, vs)
            self.links.append(Link(view.text, view, vs, vs + len(raw), "html"))
            if name == "a" and a.group("name").lower() == "href":
                self.anchor = (self.vb.length, len(self.links) - 1)

    def _skip(self, m: re.Match, name: str) -> int:
        """`<pre>`, `<script>`…: masked up to the closing tag (or the end)."""
        source, n = self.source, len(self.source)
        close = re.compile(r"</" + re.escape(name) + r"\s*>", re.I).search(source, m.end())
        self.masked.append((m.end(), close.start() if close else n))
        self.vb.atom(MASK, m.start(), 0)
        if close:
            self.doc.tags.append(Tag(name, close.start(), close.end(), True))
        return close.end() if close else n

    def _finish(self) -> Document:
        doc, links = self.doc, self.links
        doc.prose = self.vb.build(self.masked)
        for li, v0, v1 in self.anchors:
            src = doc.prose.to_source(v0, v1)
            links[li].text = doc.prose.text[v0:v1]
            links[li].text_start, links[li].text_end = src[0][0], src[-1][1]
        doc.markup = identity_view(self.source, self.masked)
        doc.links = links
        add_bare_links(doc, doc.prose, doc.links)
        doc.links.sort(key=lambda lk: lk.start)
        spans = [(lk.start, lk.end) for lk in doc.links]
        doc.prose.set_soft(spans)
        doc.markup.set_soft(spans)
        return doc
