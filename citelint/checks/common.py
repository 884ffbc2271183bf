"""Helpers the Python rules share: the outlet registry for a run, outlet names,
and sentence boundaries. (Evidence about the document is in ../facts.py.)"""
from __future__ import annotations

from ..outlets import load_registry, normalize
from ..rule import Context, LazyPattern

# A source-chip label: capitalised words, a bare domain, or a chip word.
NAME = (r"(?:[\p{Lu}\p{Lt}][\p{L}\p{N}&'\u2019.\-]*(?:[ ][\p{Lu}\p{Lt}&][\p{L}\p{N}&'\u2019.\-]*){0,4}"
        r"|[a-z0-9-]+(?:\.[a-z0-9-]+)+|website|wikipedia|youtube)")
# What may not follow "+N" in a chip: units, decimals, more digits (scores, odds,
# temperatures, percentages, phone numbers).
UNITSTOP = (r"(?![.,]\d|\d|[%\u00b0\u2032\u2033:]|[ \t]\d|[ \t]?(?:degrees?|points?|pts|goals?|runs?"
            r"|wickets?|seconds?|secs?|s\b|min\b|mm\b|cm\b|kg\b|km\b|dioptres?|diopters?|over par|under par"
            r"|strokes?|shots?|laps?|places?|spots?|seats?|votes?))")
# Names that take "+1" without being chips: time zones, TV time-shift channels, products.
STOPNAMES = frozenset({
    "utc", "gmt", "t", "d", "h", "n", "ca", "fe", "disney", "apple tv", "canal", "google", "channel 4",
    "channel 5", "itv", "itv2", "itv3", "itv4", "e4", "more4", "film4", "bbc one", "bbc two", "dave",
    "cbs reality", "sky one", "sky atlantic", "comedy central", "5star", "5usa", "quest", "alibi",
    "gold", "yesterday", "w", "drama", "really", "pick", "challenge", "c", "a", "b", "x", "v", "n",
    "espn", "paramount", "discovery", "nintendo switch online", "xbox game pass", "google one",
})
_DOMAIN = LazyPattern(r"(?i)^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
SENTENCE_END = LazyPattern(r"(?m)[.!?][\"'\u201d\u2019)\]]*(?=[ \t]|$)")


def registry(ctx: Context):
    if "registry" not in ctx.cache:
        extra = tuple(getattr(ctx.settings, "outlets", ()) or ())
        ctx.cache["registry"] = load_registry(extra)
    return ctx.cache["registry"]


def is_domain(name: str) -> bool:
    """A bare domain with a real public suffix (`ndtv.com`; not `first.count`)."""
    n = name.strip("*")
    if not _DOMAIN.match(n):
        return False
    from ..outlets.urls import _extractor
    r = _extractor()(n.lower())
    return bool(r.suffix and r.domain)


def known_outlet(ctx: Context, name: str) -> bool:
    """A registered outlet, a bare domain, or a name this document used as a chip."""
    n = name.strip().strip("*").strip()
    if not n:
        return False
    reg = registry(ctx)
    if reg.forms(n) or is_domain(n) or reg.garbled(n):
        return True
    return "+" in ctx.doc.prose.text and normalize(n) in ctx.facts.chips.learned


def is_stopname(name: str) -> bool:
    return normalize(name.strip("*")) in STOPNAMES


_SENTENCE_REACH = 2000


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """The sentence around `pos` within its line: after the previous sentence
    end (or the line start) up to its own end (or the line end)."""
    # Bounded on both sides, so a megabyte on one line stays linear.
    line_start = max(text.rfind("\n", 0, pos) + 1, pos - _SENTENCE_REACH)
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
