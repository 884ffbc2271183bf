"""References and footnotes (REF): numbered markers and the lists behind them."""
from __future__ import annotations

import re

from ..model import Safety, Severity
from ..rule import Context, Example, Rule

# A pasted definition line: "[1]: https://… "Title"" (ChatGPT's copy-as-Markdown).
_DEF_LINE = re.compile(
    r"(?m)^[ \t]*\[\d{1,3}\]:[ \t]*https?://\S+(?:[ \t]+(?:\"[^\"\n]*\"|[\u2014-][^\n]*))?[ \t]*\r?$\n?")
_NUMERIC = re.compile(r"\d{1,3}")


class PastedReferenceDefinitions(Rule):
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
        Example("Prices rose.\n\n[2]: https://example.org/b \"B\"\n", "Prices rose.\n\n", "markdown"),
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
                f = ctx.finding(self, ctx.raw, m.start(), m.end(),
                                f"pasted reference definition [{label}] points to {inside[0].url}",
                                replacement="")
                if f:
                    yield f
            return
        for m in _DEF_LINE.finditer(doc.prose.text):
            f = ctx.finding(self, doc.prose, m.start(), m.end(),
                            "pasted reference definition line: " + m.group().strip()[:80], replacement="")
            if f:
                yield f

    @staticmethod
    def _used_labels(text: str) -> set[str]:
        return {m.group(1) or m.group(2) for m in re.finditer(r"\]\[(\d{1,3})\]|\[(\d{1,3})\]\[\]", text)}
