"""References and footnotes (REF): numbered markers and the lists behind them."""
from __future__ import annotations

import re
from bisect import bisect_left

from ..model import Safety, Severity
from ..prefilter import Needs, debris_possible
from ..rule import Context, Example, LazyPattern, Rule
from .common import CHIPS, DIGIT
from ..rule import lazy_regex as regex
from ..patterns import LazyRe

# A pasted definition line: "[1]: https://… "Title"" (ChatGPT's copy-as-Markdown).
_DEF_LINE = LazyRe(
    r"(?m)^[ \t]*\[\d{1,3}\]:[ \t]*https?://\S+(?:[ \t]+(?:\"[^\"\n]*\"|[\u2014-][^\n]*))?[ \t]*\r?$\n?")
_NUMERIC = LazyRe(r"\d{1,3}")


class PastedReferenceDefinitions(Rule):
    prefilter = (Needs("[", pattern=r"\[\d{1,3}\]:[ \t]*+https?://"),)  # a numbered definition (_DEF_LINE)
    code = "REF005"
    name = "pasted-reference-definition"
    severity = Severity.WARNING
    scope = "document"
    origin = "citelint/checks/references.py"
    prefilter_reads = "prose"
    summary = "Finds numbered link-definition lines such as `[1]: https://… \"Title\"` pasted from a chat assistant."
    why = ("A chat assistant's copy-as-Markdown appends one `[n]: url \"title\"` line per source. In a "
           "plain-text draft they print as a block of raw links after the story; each holds a source, so it is "
           "reported and kept (TRK001 strips a tracking parameter), never deleted. In Markdown a definition "
           "that some `[text][n]` link uses is real markup and is left alone; one no link uses does not render, and "
           "it holds a source, so it is reported (information, or a warning beside assistant debris), never deleted.")
    examples = [
        Example("Prices rose.\n[1]: https://example.org/a?utm_source=chatgpt.com \"Prices\"\n", None),
        Example("Prices rose.\n\n[2]: https://example.org/b \"B\"\n", None, "markdown"),
        Example("See [the report][1].\n\n[1]: https://example.org/r \"R\"\n", None, "markdown", trap=True),
        Example("A [\"joint work\"] [4] and [the law] [5]; see [6].\n\n  [4]: https://example.org/a \"A\"\n"
                "  [5]: https://example.org/b\n  [6]: https://example.org/c\n", None, "markdown", trap=True),
        Example("[2024] UKSC 5 was decided.\n", None, trap=True),
    ]

    def check(self, ctx: Context):
        doc = ctx.doc
        if doc.kind == "markdown":
            used = self._used_labels(doc.prose.text)
            lines = {}
            for link in doc.links:
                if link.kind == "definition" and _NUMERIC.fullmatch(link.label.strip()):
                    lines[link.start] = link
            starts = sorted(lines)  # bisected: a draft of many definitions is not definitions squared
            for m in _DEF_LINE.finditer(doc.source):
                i = bisect_left(starts, m.start())
                if i == len(starts) or starts[i] >= m.end():
                    continue
                defn = lines[starts[i]]
                label = defn.label.strip()
                if label in used:
                    continue  # real Markdown: a `[text][n]` link needs this definition
                # An unused definition does not render, and it holds a source: report, never delete.
                yield ctx.finding(self, ctx.raw, m.start(), m.end(),
                                  f"reference definition [{label}] is used by no link (it points to {defn.url})",
                                  severity=Severity.WARNING if ctx.facts.debris else Severity.INFO)
            return
        for m in _DEF_LINE.finditer(doc.prose.text):
            yield ctx.finding(self, doc.prose, m.start(), m.end(),
                              "pasted reference definition line: " + m.group().strip()[:80] +
                              ": attribute the source in the story")

    @staticmethod
    def _used_labels(text: str) -> set[str]:
        # `[text][1]`, `[text] [1]` (Markdown.pl and kramdown allow the space), `[1][]`, `[1]`
        return {m.group(1) or m.group(2) or m.group(3)
                for m in re.finditer(r"\][ \t]?\[(\d{1,3})\]|\[(\d{1,3})\]\[\]|\[(\d{1,3})\](?![:(\[])", text)}


_REF_LIST = LazyRe(r"(?m)^[ \t]*\[\d{1,3}\][ \t:]+\S")


# BareNumericMarker._MARK as the source holds it (what comes before the run is not asked).
_ONE_MARKER = r"\[D{1,3}(?:[ \t]*[,\u2013-][ \t]*D{1,3})*\]".replace("D", DIGIT)
# In what may not follow, word characters as narrow as both `re` and `regex` read them.
_MARKER_RUN = _ONE_MARKER + "(?:" + _ONE_MARKER + r")*(?![ \t]*(?:=|\(|;|\[|\.[A-Za-z0-9_]|:|\))|[A-Za-z0-9_])"
_MARKER_RUN_RE = LazyRe(_MARKER_RUN)


def _marker_run_in_markdown(text: str) -> bool:
    """A run of markers in Markdown that is not a reference link's label:
    `[text][1]` is a link (BareNumericMarker._reference_link)."""
    for m in _MARKER_RUN_RE.finditer(text):
        if m.start() == 0 or text[m.start() - 1] != "]":
            return True
    return False


class BareNumericMarker(Rule):
    code = "REF001"
    name = "bare-numeric-marker"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the marker"
    origin = "citelint/checks/references.py"
    prefilter_reads = "prose"
    quotes = "skip"  # "index out of range [3]" quoted from an error message
    summary = "Finds numbered citation markers `[1][2]` that nothing in the draft could point to."
    why = ("Search assistants number their sources; pasted without the list, the markers point nowhere. A marker "
           "is dangling only when no notes list, anchor, link definition or footnote in the document could be its "
           "target: then it is deleted. A Markdown reference link (`[text][1]`, `[1]` with a `[1]: url` line) is a "
           "link, not a marker; code (`argv[1]`, `rows[0]`, `python3.[89]`) and intervals (`[0, 255]`) are not "
           "markers. When the draft has a notes list and other assistant debris, the markers are reported, never fixed.")
    examples = [
        Example("The TSA accepts mobile licenses[1][2] at 27 airports.\n",
                "The TSA accepts mobile licenses at 27 airports.\n"),
        Example("Models improved [1][2]. More text.\n", "Models improved. More text.\n"),
        Example("Models improved [1] and fell :contentReference[oaicite:0]{index=0}.\n\n[1] Smith, J. (2024). A study.\n", None),
        Example("Mobile licenses[1][2] are accepted.\n\nSources\n[1] https://www.tsa.gov/x\n[2] https://example.org/b\n",
                None),
        Example("Use items[1]; the [2024] UKSC 5 ruling; he said [sic]; [citation needed].\n", trap=True),
        Example("Models improved [1].\n\n[1] Smith, J. (2024). A study.\n", trap=True),
        Example("Contact [Jane Roe][1] or [the desk][2], or see [1][].\n\n[1]: mailto:jane@example.org\n"
                "[2]: https://example.org/desk\n", trap=True, format="markdown"),
        Example("The advisory[1] covers it.\n\n[1]: https://example.org/advisory\n", trap=True, format="markdown"),
        Example("Run argv[0] and len(rows)/len(rows[0]); install python3.[89] or v2.[01]; ZX81[ab].\n", trap=True),
        Example("Inputs [3,3] and [0] give [0, 255]; rescale each to [0,1] first.\n", trap=True),
        Example("The look of [3]int differs. A byte[20] in Java, a[2] in C. It said \"out of range [3] with length 1\".\n",
                trap=True),
        Example("<p>The documentation [1] is incomplete; see [2].</p><p><strong>Related material:</strong></p>"
                "<ol><li><a href=\"https://example.org/a\">A</a></li><li><a href=\"https://example.org/b\">B</a></li>"
                "</ol>\n", trap=True, format="html"),
        Example("<p>As shown<a href=\"#fn1\">[1]</a>.</p><ol><li id=\"fn1\">The study.</li></ol>\n",
                trap=True, format="html"),
        Example("<p>It grew.<sup><a href=\"#1\">1</a></sup> It fell [2].</p>\n<ol><li id=\"1\">A.</li>"
                "<li id=\"2\">B.</li></ol>\n", trap=True, format="html"),
        Example("<p>It grew [3].</p><ol><li id=\"footnote-3\">The study.</li></ol>\n", trap=True, format="html"),
        Example("It grew [1] and fell [2].\n\n## Notes\n\n1. The first study.\n2. The second.\n",
                trap=True, format="markdown"),
        Example("It grew [1].\n\n[1][ https://example.org/a](https://example.org/a)\n", trap=True,
                format="markdown"),
    ]
    prefilter = (Needs("[", pattern=_MARKER_RUN, kinds=("text", "html")),
                 Needs("[", test=lambda text: _marker_run_in_markdown(text), kinds=("markdown",)))
    _MARK = LazyPattern(
        r"[ \t]?(?<=[\p{L}\p{N}.,;:)\]\"'\u201d%][ \t]?)(?:\[\d{1,3}(?:[ \t]*[,\u2013-][ \t]*\d{1,3})*\])+"
        r"(?![ \t]*(?:=|\(|;|\[|\.\w|:|\))|\w)")
    _NUM = LazyRe(r"\d+")
    _GLUED = LazyRe(r"[^\s\ufffe]*$")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if "[" not in text:
            return
        facts = ctx.facts
        for m in self._MARK.finditer(text):
            run = m.group().strip(" \t")
            if self._not_a_marker(text, m, run):
                continue
            src = view.to_source(m.start(), m.end())
            a, b = src[0][0], src[-1][1]
            if facts.link_text_at(a + (m.group()[0] in " \t"), b) is not None:
                continue  # `<a href="#fn1">[1]</a>`: a link, to a note or elsewhere
            if ctx.doc.kind == "markdown" and self._reference_link(ctx, a, b, run):
                continue
            notes = facts.notes
            nums = self._NUM.findall(run)
            if notes.lists or any(notes.has(n) for n in nums):
                if facts.debris or facts.sources_trailer is not None:
                    yield ctx.finding(self, view, m.start(), m.end(), f"numbered citation `{run}` with a notes "
                                      "list: news style attributes sources in words", severity=Severity.WARNING)
                continue  # a real note: the draft's own apparatus
            if "," in run or "-" in run or "\u2013" in run:
                if facts.debris:  # `[1, 2]` could be an interval: report, never fix
                    yield ctx.finding(self, view, m.start(), m.end(), f"numbered citation `{run}` with no "
                                      "reference list", severity=Severity.WARNING)
                continue
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"numbered citation `{run}` with no reference list", replacement="")

    def _not_a_marker(self, text: str, m, run: str) -> bool:
        """Code, versions and intervals: brackets that cite nothing."""
        groups = [self._NUM.findall(g) for g in re.findall(r"\[([^\]]*)\]", run)]
        for g in groups:
            if any(n.startswith("0") for n in g):
                return True  # `[0]`, `[01]`: indices and globs; notes count from 1
            if len(g) > 1 and any(int(x) >= int(y) for x, y in zip(g, g[1:])):
                return True  # `[3,3]`, `[5, 2]`: not a list of notes
        start = m.start() + (1 if m.group()[0] in " \t" else 0)
        if start == m.start():  # glued: the word before must be a plain word
            token = self._GLUED.search(text, max(0, start - 80), start).group()
            word = token.rstrip(".,;:)\"'\u201d%*_")
            if not word or not word.isalpha() or (word[1:] != word[1:].lower() and not word.isupper()):
                return True  # `argv`, `rows[`, `python3.`, `x.y`, `camelCase`
            if token == word and (len(word) <= 2 or word.lower() in _CODE_NAMES):
                return True  # `a[1]`, `byte[20]`, `char[20]`: an array, not a note
            if token != word and token[len(word):] not in (".", ",", ";", ":", ")", "\"", "\u201d", "'", "\u2019"):
                return True
            if "(" in text[max(0, start - len(token) - 1):start - len(token)]:
                return True  # `len(rows[1])`
        return False

    @staticmethod
    def _reference_link(ctx: Context, a: int, b: int, run: str) -> bool:
        """Whether the brackets are Markdown reference-link syntax: `[text][1]`,
        `[1][]`, `[1][label]`, or `[1]` with a `[1]:` definition."""
        src = ctx.doc.source
        labels = ctx.facts.notes.link_labels
        s = a + (1 if src[a] in " \t" else 0)
        if s > 0 and src[s - 1] == "]":
            return True  # `[text][1]`: the second bracket is a label, never a marker
        if src[b:b + 2] == "[]" or src[b:b + 1] == "[":
            return True
        return any(n in labels for n in re.findall(r"\[([^\]]*)\]", run))


# Names glued to `[N]` that make it an array or an index in code.
_CODE_NAMES = frozenset({
    "byte", "bytes", "char", "chars", "int", "uint", "float", "double", "long", "short", "bool", "string", "str",
    "array", "list", "argv", "args", "arg", "arr", "buf", "buffer", "data", "items", "item", "rows", "row", "cols",
    "col", "matrix", "vec", "vector", "slice", "map", "dict", "table", "key", "keys", "values", "value", "len",
    "size", "elem", "elements", "element", "param", "params", "index", "idx", "result", "results", "res", "out",
    "input", "output", "line", "lines", "words", "tab", "foo", "bar", "baz", "tuple", "field", "fields", "self",
    "this", "obj", "object", "node", "nodes", "entry", "entries", "env", "cell", "cells", "grid", "board", "stack",
    "queue", "heap", "hash", "set", "bits", "mask", "word", "uint8", "rune", "runes", "xs", "ys", "df",
})


class UndefinedFootnote(Rule):
    code = "REF002"
    name = "undefined-footnote"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the footnote reference"
    origin = "citelint/checks/references.py"
    prefilter_reads = "prose"
    prefilter = ("[^",)
    summary = "Finds Markdown footnote references `[^3]` that have no `[^3]:` definition."
    why = "A footnote reference with nothing behind it prints as `[^3]`: the note was lost in the paste."
    examples = [
        Example("The figure was disputed[^3].\n", "The figure was disputed.\n", "markdown"),
        Example("A real note[^1].\n\n[^1]: The source.\n", trap=True, format="markdown"),
    ]
    _REF = LazyPattern(r"[ \t]?\[\^(?P<id>[^\]\s^]+)\](?!:)")
    _DEF = LazyPattern(r"(?m)^[ \t]*\[\^(?P<id>[^\]\s^]+)\]:")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if "[^" not in text:
            return
        defined = {m.group("id") for m in self._DEF.finditer(text)}
        for m in self._REF.finditer(text):
            if m.group("id") in defined:
                continue
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"footnote reference `[^{m.group('id')}]` has no definition", replacement="")


class SuperscriptCitation(Rule):
    code = "REF003"
    name = "superscript-citation"
    severity = Severity.WARNING
    fix_safety = Safety.SAFE
    fix_title = "Delete the superscript number"
    origin = "citelint/checks/references.py"
    prefilter_reads = "prose"
    summary = "Finds superscript citation digits after a word: `some sources⁷⁸, you can…`."
    why = ("Copilot renders sources as superscript numbers that paste as ⁷⁸. A superscript on a capitalised name "
           "(`Studio³`) is a name's typography unless the draft shows assistant debris. They are reported; deleted "
           "only when the draft also has Copilot's conversation trailer (AST018), which proves where they came from. "
           "Units and maths (`km²`, `10⁶`, `x²`) are not matched.")
    examples = [
        Example("According to some sources⁷⁸, you can copy the link.\n", None),
        Example("The band Studio³ played at Garden² last night.\n", trap=True),
        Example("You can try Jupyter in the browser⁹.\nSource: Conversation with Bing, 4/21/2024\n(1) Jupyter. https://jupyter.org/\n",
                "You can try Jupyter in the browser.\n(1) Jupyter. https://jupyter.org/\n"),
        Example("An area of 500 km², 10⁶ cells, x² + y², 20 m³.\n", trap=True),
    ]
    prefilter = tuple("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079")
    _SUP = LazyPattern(r"(?<!\b(?:km|cm|mm|ft|mi|sq|in|m|s))(?<=\p{L}{2}|[.,;:)\u201d])"
                         r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        bing = "AST018" in ctx.facts.markup_codes
        debris = ctx.facts.debris
        for m in self._SUP.finditer(text):
            word = regex.search(r"\p{L}+$", text[max(0, m.start() - 40):m.start()])
            if not debris and word and word.group()[:1].isupper():
                continue  # `Studio³`, `Garden²`: a name written with a superscript
            if bing:
                yield ctx.finding(self, view, m.start(), m.end(), f"Copilot citation number `{m.group()}`",
                                  replacement="", severity=Severity.ERROR)
            else:  # a footnote style of its own in a draft with no assistant debris: information only
                yield ctx.finding(self, view, m.start(), m.end(), f"superscript `{m.group()}` looks like a citation number",
                                  severity=None if debris else Severity.INFO)


class CircledDigitMarker(Rule):
    code = "REF004"
    name = "circled-digit-marker"
    severity = Severity.INFO
    origin = "citelint/checks/references.py"
    prefilter_reads = "prose"
    prefilter = tuple(map(chr, range(0x2460, 0x2474))) + tuple(map(chr, range(0x2776, 0x2780)))
    summary = "Finds circled citation digits ①②③ glued to a word."
    why = "Some assistants cite with circled numbers; they are also ordinary list numbering, so this is only information."
    examples = [
        Example("Sales rose sharply③ in October.\n"),
        Example("① Mix the flour.\n② Add water.\n", trap=True),
    ]
    _CIRCLED = LazyPattern(r"(?<=[\p{L}\p{N}.,;:)])[\u2460-\u2473\u2776-\u277f]+")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        for m in self._CIRCLED.finditer(view.text):
            yield ctx.finding(self, view, m.start(), m.end(), f"circled digit `{m.group()}` looks like a citation marker")


# facts/sources.py's _HEAD: a heading line of its own. Asked at the text's start
# and after each line end (one pass, where the words were six), in any case as
# `(?i)` reads it (the standard library's `re` matches `ſ` for `s` as `regex` does).
_HEAD_WORDS = r"[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?i:(sources|citations|references))(?:\*\*)?[ \t]*:?[ \t]*"
_FIRST_HEAD = LazyRe(_HEAD_WORDS + r"(?=[\r\n]|\Z)")  # matched at the text's start only
_HEADS = (LazyRe(r"\n" + _HEAD_WORDS + r"(?=[\r\n]|\Z)"), LazyRe(r"\r" + _HEAD_WORDS + r"(?=[\r\n]|\Z)"))


def _sources_heading(text: str) -> bool:
    """Whether a line of `text` is a sources, citations or references heading
    (a references one only beside debris)."""
    first = _FIRST_HEAD.match(text)
    heads = {first.group(1).casefold()} if first else set()
    for head, end in zip(_HEADS, "\n\r"):
        if end in text:
            heads.update(m.group(1).casefold() for m in head.finditer(text))
    if heads - {"references"}:
        return True
    return bool(heads) and debris_possible(text, CHIPS)


class SourcesTrailer(Rule):
    code = "REF007"
    name = "sources-trailer"
    severity = Severity.WARNING  # an explainer may end with a real reading list
    origin = "citelint/checks/references.py"
    prefilter_reads = "markup"
    summary = "Finds a closing `Sources:` / `Citations` / `References` block made only of links, numbers and outlet names."
    why = ("Assistants end answers with a source list; a news story attributes in the text instead. The block is "
           "only matched when everything after the heading, to the end of the draft, is links or list entries. It "
           "holds the sources, so it is reported and never deleted: move what matters into the story.")
    examples = [
        Example("The TSA changed its rules.\n\nSources\n[1] https://example.com/tsa-announcement\n[2] https://example.org/b\n",
                None),
        Example("The TSA changed its rules.\n\n### Sources:\n- [TSA](https://tsa.gov/x)\n", None, "markdown"),
        Example("Sources said the minister resigned.\nSources close to the talks agreed.\n", trap=True),
        Example("Sources\nThe minister and two aides spoke on condition of anonymity.\n", trap=True),
        Example("We measured it.\n\n# References\n\n* [ FLIP-158 ](https://cwiki.apache.org/x)\n", trap=True,
                format="markdown"),
    ]
    # A heading line of its own (facts/sources.py's _HEAD); a `References` one
    # counts only beside assistant debris.
    prefilter = (Needs(test=lambda text: _sources_heading(text), late=True),)

    def check(self, ctx: Context):
        block = ctx.facts.sources_trailer
        if block is None:
            return
        view, start, head = block
        if "references" in head.lower() and not ctx.facts.debris:
            return  # a references section is a human post's own; only an assistant paste makes it debris
        # The block runs to the end of the draft; it owns its links' targets too.
        yield ctx.finding(self, ctx.raw if view.identity else view, start, len(view.text),
                          "list of sources at the end of the draft: attribute them in the story")
