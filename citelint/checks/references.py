"""References and footnotes (REF): numbered markers and the lists behind them."""
from __future__ import annotations

import re


from ..model import Safety, Severity
from ..rule import Context, Example, LazyPattern, LazyRe, Rule

# A pasted definition line: "[1]: https://… "Title"" (ChatGPT's copy-as-Markdown).
_DEF_LINE = re.compile(
    r"(?m)^[ \t]*\[\d{1,3}\]:[ \t]*https?://\S+(?:[ \t]+(?:\"[^\"\n]*\"|[\u2014-][^\n]*))?[ \t]*\r?$\n?")
_NUMERIC = re.compile(r"\d{1,3}")


class PastedReferenceDefinitions(Rule):
    prefilter = ("]:",)
    code = "REF005"
    name = "pasted-reference-definition"
    severity = Severity.ERROR
    scope = "document"
    fix_safety = Safety.SAFE
    fix_title = "Delete the definition line"
    origin = "citelint/checks/references.py"
    summary = "Finds numbered link-definition lines such as `[1]: https://… \"Title\"` pasted from a chat assistant."
    why = ("A chat assistant's copy-as-Markdown appends one `[n]: url \"title\"` line per source. In a "
           "news draft they print as a block of raw links after the story. In Markdown a definition "
           "that some `[text][n]` link uses is real markup and is left alone.")
    examples = [
        Example("Prices rose.\n[1]: https://example.org/a?utm_source=chatgpt.com \"Prices\"\n",
                "Prices rose.\n"),
        Example("Prices rose.\n\n[2]: https://example.org/b \"B\"\n", "Prices rose.\n", "markdown"),
        Example("See [the report][1].\n\n[1]: https://example.org/r \"R\"\n", None, "markdown", trap=True),
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
            for m in _DEF_LINE.finditer(doc.source):
                inside = [lk for s, lk in lines.items() if m.start() <= s < m.end()]
                if not inside:
                    continue
                label = inside[0].label.strip()
                if label in used:
                    continue  # real Markdown: a `[text][n]` link needs this definition
                # The rule owns the whole line, hidden link target included.
                yield ctx.finding(self, ctx.raw, m.start(), m.end(),
                                  f"pasted reference definition [{label}] points to {inside[0].url}",
                                  replacement="")
            return
        for m in _DEF_LINE.finditer(doc.prose.text):
            yield ctx.finding(self, doc.prose, m.start(), m.end(),
                              "pasted reference definition line: " + m.group().strip()[:80], replacement="")

    @staticmethod
    def _used_labels(text: str) -> set[str]:
        return {m.group(1) or m.group(2) for m in re.finditer(r"\]\[(\d{1,3})\]|\[(\d{1,3})\]\[\]", text)}


_REF_LIST = re.compile(r"(?m)^[ \t]*\[\d{1,3}\][ \t:]+\S")


class BareNumericMarker(Rule):
    code = "REF001"
    name = "bare-numeric-marker"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the marker"
    origin = "citelint/checks/references.py"
    prefilter = ("[",)
    summary = "Finds numbered citation markers `[1][2]` with no reference list behind them."
    why = ("Search assistants number their sources; pasted without the list, the markers point nowhere. When the "
           "draft does have a numbered list, the markers are real: they are then only reported, because news "
           "style attributes in words.")
    examples = [
        Example("The TSA accepts mobile licenses[1][2] at 27 airports.\n",
                "The TSA accepts mobile licenses at 27 airports.\n"),
        Example("Models improved [1][2]. More text.\n", "Models improved. More text.\n"),
        Example("Models improved [1].\n\n[1] Smith, J. (2024). A study.\n", None),
        Example("Use items[1]; the [2024] UKSC 5 ruling; he said [sic]; [citation needed].\n", trap=True),
    ]
    _MARK = LazyPattern(
        r"[ \t]?(?<=[\p{L}\p{N}.,;:)\]\"'\u201d%][ \t]?)(?:\[\d{1,3}(?:[ \t]*[,\u2013-][ \t]*\d{1,3})*\])+"
        r"(?![ \t]*(?:=|\(|;|\[|\.\w|:))")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if "[" not in text:
            return
        has_list = bool(_REF_LIST.search(text)) or any(
            lk.kind == "definition" and _NUMERIC.fullmatch(lk.label.strip()) for lk in ctx.doc.links)
        for m in self._MARK.finditer(text):
            if has_list:
                yield ctx.finding(self, view, m.start(), m.end(),
                                  f"numbered citation `{m.group().strip()}`: news style attributes sources in words",
                                  severity=Severity.WARNING)
            else:
                yield ctx.finding(self, view, m.start(), m.end(),
                                  f"numbered citation `{m.group().strip()}` with no reference list", replacement="")


class UndefinedFootnote(Rule):
    code = "REF002"
    name = "undefined-footnote"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the footnote reference"
    origin = "citelint/checks/references.py"
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
    summary = "Finds superscript citation digits after a word: `some sources⁷⁸, you can…`."
    why = ("Copilot renders sources as superscript numbers that paste as ⁷⁸. They are reported; they are deleted "
           "only when the draft also has Copilot's conversation trailer (AST018), which proves where they came from. "
           "Units and maths (`km²`, `10⁶`, `x²`) are not matched.")
    examples = [
        Example("According to some sources⁷⁸, you can copy the link.\n", None),
        Example("You can try Jupyter in the browser⁹.\nSource: Conversation with Bing, 4/21/2024\n(1) Jupyter. https://jupyter.org/\n",
                "You can try Jupyter in the browser.\n"),
        Example("An area of 500 km², 10⁶ cells, x² + y², 20 m³.\n", trap=True),
    ]
    prefilter = tuple("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079")
    _SUP = LazyPattern(r"(?<!\b(?:km|cm|mm|ft|mi|sq|in|m|s))(?<=\p{L}{2}|[.,;:)\"'\u201d])"
                         r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        bing = "AST018" in ctx.facts.markup_codes
        for m in self._SUP.finditer(text):
            if bing:
                yield ctx.finding(self, view, m.start(), m.end(), f"Copilot citation number `{m.group()}`",
                                  replacement="", severity=Severity.ERROR)
            else:
                yield ctx.finding(self, view, m.start(), m.end(), f"superscript `{m.group()}` looks like a citation number")


class CircledDigitMarker(Rule):
    code = "REF004"
    name = "circled-digit-marker"
    severity = Severity.INFO
    origin = "citelint/checks/references.py"
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


class SourcesTrailer(Rule):
    code = "REF007"
    name = "sources-trailer"
    severity = Severity.WARNING  # an explainer may end with a real reading list
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the sources block"
    origin = "citelint/checks/references.py"
    summary = "Finds a closing `Sources:` / `Citations` / `References` block made only of links, numbers and outlet names."
    why = ("Assistants end answers with a source list; a news story attributes in the text instead. The block is "
           "only matched when everything after the heading, to the end of the draft, is links or list entries, and "
           "deleting it removes the sources, so the fix is unsafe: move what matters into the story first.")
    examples = [
        Example("The TSA changed its rules.\n\nSources\n[1] https://example.com/tsa-announcement\n[2] https://example.org/b\n",
                "The TSA changed its rules.\n"),
        Example("The TSA changed its rules.\n\n### Sources:\n- [TSA](https://tsa.gov/x)\n", "The TSA changed its rules.\n",
                "markdown"),
        Example("Sources said the minister resigned.\nSources close to the talks agreed.\n", trap=True),
        Example("Sources\nThe minister and two aides spoke on condition of anonymity.\n", trap=True),
    ]
    prefilter = ("ources", "OURCES", "itations", "ITATIONS", "eferences", "EFERENCES")
    _HEAD = LazyRe(r"(?mi)^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:sources|citations|references)(?:\*\*)?[ \t]*:?[ \t]*$")
    _ENTRY = LazyPattern(
        r"^[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+|\[\d{1,3}\][ \t:]*|\(\d{1,3}\)[ \t]*)?"
        r"(?:\[[^\]\n]{1,200}\]\((?:https?://)?[^)\s]+\)|<?https?://\S+>?|[^\n]{1,80}?[ \t]+\+\d{1,2})"
        r"(?:[ \t]*[\u2014\u2013:-][^\n]{0,120}|[ \t]+\"[^\"\n]*\")?[ \t]*$")

    def check(self, ctx: Context):
        view = ctx.doc.markup if ctx.doc.kind != "html" else ctx.doc.prose
        text = view.text
        heads = list(self._HEAD.finditer(text))
        if not heads:
            return
        m = heads[-1]
        rest = [ln for ln in text[m.end():].splitlines() if ln.strip()]
        if not rest or not all(self._ENTRY.match(ln) for ln in rest):
            return
        # The block runs to the end of the draft; it owns its links' targets too.
        yield ctx.finding(self, ctx.raw if view.identity else view, m.start(), len(text),
                          "list of sources at the end of the draft: attribute them in the story", replacement="")
