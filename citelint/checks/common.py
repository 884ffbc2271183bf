"""Helpers the Python rules share: the outlet registry for a run, outlet names,
and sentence boundaries. (Evidence about the document is in ../facts/.)"""
from __future__ import annotations

from functools import lru_cache

from ..outlets import normalize
from ..outlets.names import NAME, UNITSTOP, is_domain, is_stopname  # noqa: F401  (shared with the rules)
from ..prefilter import Needs
from ..rule import Context, LazyPattern
from ..patterns import LazyRe

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


# -- what the rules' prefilters ask of a draft's source (prefilter.Needs) --------
#
# A test reads the source where its rule reads a view of it, so it asks only for
# what a finding keeps as it is in the source: the characters a match is made
# of (no masked one among them: a masked character is no letter, digit, space or
# bracket), and the same look-ups in the outlet registry. Its character classes
# are never narrower than the rule's: `regex` may know letters and digits of a
# newer Unicode than the standard library's `re` (new digits are all beyond
# U+FFFF, so DIGIT takes every character there).

DIGIT = r"[\d\U00010000-\U0010ffff]"
_COUNT = LazyRe(r"\+[ \t]?" + DIGIT)


def _chip_count(text: str) -> bool:
    """A chip's count: `+` and a digit, after something a chip's name can end
    with. Every shape of chip (facts/chips.py) has one, and none has a name of
    digits only (`NAME` starts with a capital, a domain has a dot and a suffix,
    a slug follows a letter), so a count after a bare number (`2+2=5`,
    `reading 2 +2`) is no chip's: asked once, at each `+`."""
    for m in _COUNT.finditer(text):
        i = m.start()
        if i and text[i - 1] in " \t":
            i -= 1
        j = i
        while j and text[j - 1].isdigit():
            j -= 1
        if j == i or (j and (text[j - 1].isalpha() or not text[j - 1].isascii())):
            return True  # not after a number, or after one glued to a word (`Channel4 +1`)
    return False


# Every source chip has a count (CHP001-CHP004, and names learned as chips).
CHIPS = Needs("+", test=_chip_count)
_DOMAIN_SHAPE = LazyRe(r"(?i)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")


class Outlets:
    """The outlet registry of one set of outlet files, for prefilter tests:
    its names, normalised once, read from the registry's cache when a test
    first asks (registry.NameIndex; a clean article never asks); the registry
    itself only where a name is found and more must be known of its outlet."""

    def __init__(self, files: tuple[str, ...]):
        self.files = files
        self._registry = self._index = None

    @property
    def registry(self):
        if self._registry is None:
            from ..outlets import load_registry  # deferred
            self._registry = load_registry(self.files)
        return self._registry

    @property
    def index(self):
        if self._index is None:
            from ..outlets.registry import name_index  # deferred
            self._index = name_index(self.files)
        return self._index

    def named(self, name: str) -> bool:
        """Whether `name` is a registered way of writing an outlet."""
        return self.index.knows(name)

    def maybe(self, name: str) -> bool:
        """What known_outlet() needs without the draft's own chips: a
        registered name, a domain's shape, or a garble of a name."""
        n = name.strip().strip("*").strip()
        return bool(n) and (self.named(n) or _DOMAIN_SHAPE.fullmatch(n.strip("*")) is not None
                            or self.index.garbled(n))


@lru_cache(maxsize=16)
def _outlets(files: tuple[str, ...]) -> Outlets:
    return Outlets(files)


def outlets_for(settings) -> Outlets:
    """The prefilter tests' registry for these settings (their outlet files)."""
    return _outlets(tuple(getattr(settings, "outlets", ()) or ()))


def line_span(text: str, pos: int) -> tuple[int, int]:
    """Where the line holding text[pos] starts and where its content ends
    (before its \\n, \\r\\n or lone \\r)."""
    start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    end = len(text)
    for stop in ("\n", "\r"):
        i = text.find(stop, pos, end)
        if i >= 0:
            end = i
    return start, end


def line_at(text: str, pos: int) -> str:
    """The line holding text[pos], without its line end."""
    start, end = line_span(text, pos)
    return text[start:end]
