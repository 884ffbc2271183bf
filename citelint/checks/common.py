"""Helpers the Python rules share: the outlet registry for a run, outlet names,
and sentence boundaries. (Evidence about the document is in ../facts/.)"""
from __future__ import annotations

from ..outlets import normalize
from ..outlets.names import NAME, UNITSTOP, is_domain, is_stopname  # noqa: F401  (shared with the rules)
from ..rule import Context, LazyPattern

SENTENCE_END = LazyPattern(r"(?m)[.!?][\"'\u201d\u2019)\]]*(?=[ \t]|$)")


def registry(ctx: Context):
    """The outlet registry in force for this document (built-in plus the settings' files)."""
    return ctx.facts.registry


def known_outlet(ctx: Context, name: str) -> bool:
    """A registered outlet, a bare domain, or a name this document used as a chip."""
    n = name.strip().strip("*").strip()
    if not n:
        return False
    reg = registry(ctx)
    if reg.forms(n) or is_domain(n) or reg.garbled(n):
        return True
    return "+" in ctx.doc.prose.text and normalize(n) in ctx.facts.chips.learned


_SENTENCE_REACH = 2000


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """The sentence around `pos` within its line: after the previous sentence
    end (or the line start) up to its own end (or the line end)."""
    # Bounded on both sides, so a megabyte on one line stays linear.
    line_start = max(text.rfind("\n", max(0, pos - _SENTENCE_REACH), pos) + 1, pos - _SENTENCE_REACH)
    line_end = text.find("\n", pos, pos + _SENTENCE_REACH)
    if line_end < 0:
        line_end = min(len(text), pos + _SENTENCE_REACH)
    start = line_start
    for m in SENTENCE_END.finditer(text, line_start, pos):
        start = m.end()
    while start < pos and text[start] in " \t":
        start += 1
    m = SENTENCE_END.search(text, pos, line_end)
    end = m.end() if m else line_end
    return start, end
