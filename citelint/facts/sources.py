"""A closing block of sources, as an assistant appends one: a `Sources`,
`Citations` or `References` heading followed, to the end of the draft, only by
links and list entries (ctx.facts.sources_trailer; REF007 reports it)."""
from __future__ import annotations

from ..patterns import LazyPattern, LazyRe

_HEAD = LazyRe(r"(?mi)^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:sources|citations|references)(?:\*\*)?[ \t]*:?[ \t]*$")
_ENTRY = LazyPattern(
    r"^[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+|\[\d{1,3}\][ \t:]*|\(\d{1,3}\)[ \t]*)?"
    r"(?:\[[^\]\n]{1,200}\]\((?:https?://)?[^)\s]+\)|<?https?://\S+>?|[^\n]{1,80}?[ \t]+\+\d{1,2})"
    r"(?:[ \t]*[\u2014\u2013:-][^\n]{0,120}|[ \t]+\"[^\"\n]*\")?[ \t]*$")


def sources_trailer(doc):
    """(view, start, heading) of a closing `Sources`/`Citations`/`References`
    block made only of links and list entries, or None (ctx.facts.sources_trailer)."""
    view = doc.markup if doc.kind != "html" else doc.prose
    text = view.text
    low = text.lower()
    if "ources" not in low and "itations" not in low and "eferences" not in low:
        return None
    heads = list(_HEAD.finditer(text))
    if not heads:
        return None
    m = heads[-1]
    rest = [ln for ln in text[m.end():].splitlines() if ln.strip()]
    if not rest or not all(_ENTRY.match(ln) for ln in rest):
        return None
    return view, m.start(), m.group()
