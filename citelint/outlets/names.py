"""Outlet names as they appear in pasted chips: the shape of a chip's label,
what may not follow its count, and names that take a "+1" without being chips."""
from __future__ import annotations

from ..patterns import LazyPattern
from .registry import normalize

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


def is_domain(name: str) -> bool:
    """A bare domain with a real public suffix (`ndtv.com`; not `first.count`)."""
    n = name.strip("*")
    if not _DOMAIN.match(n):
        return False
    from .urls import _extractor  # deferred
    r = _extractor()(n.lower())
    return bool(r.suffix and r.domain)



def is_stopname(name: str) -> bool:
    return normalize(name.strip("*")) in STOPNAMES
