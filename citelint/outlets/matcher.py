"""Find outlet mentions in text in one pass.

Every registered form of every outlet (names, aliases, abbreviations, garbles)
goes into one `regex` named list, so a single scan finds them all; domains and
handles are found by their own shape and looked up. A name that is also an
ordinary word ("Dawn", "Mint", "Express", "AP") counts only with a cue: a
credit phrase ("according to", "reported"), a bracket, a chip count or a link.
"""
from __future__ import annotations

import regex

from ..model import Value
from ..patterns import LazyPattern

from .registry import Form, Outlet, Registry

# Words around a name that show it is credited as a source.
_CUE_BEFORE = LazyPattern(r"(?i)(?:according to|reported by|told|quoted by|cited by|via|said|carried by"
                            r"|\(|\[)[ \t]*$")
_CUE_AFTER = LazyPattern(r"(?i)^(?:[ \t]*(?:reported|reports|said|says|quoted|cited|noted|wrote|added|published"
                           r"|\)|\])|[ \t]?\+[ \t]?\d)")
_DOMAIN = LazyPattern(r"(?<![\w@./-])(?:[A-Za-z0-9-]+\.)+(?:com|org|net|tv|news|co\.uk|in|pk|af|bd|lk|np|ae|qa"
                        r"|sa|com\.pk|com\.au|co\.in|info)(?![\w.-]|\.\w)", regex.I)
_HANDLE = LazyPattern(r"(?<![\w.@/\\])@(?P<h>[A-Za-z0-9_]{2,15})(?![\w@]|\.[A-Za-z]{2,}\b)")


class Mention(Value):
    __slots__ = ("start", "end", "text", "outlets", "method", "cued")
    _fields = __slots__

    def __init__(self, start: int, end: int, text: str, outlets: tuple[Outlet, ...], method: str, cued: bool):
        self.start, self.end, self.text, self.outlets = start, end, text, outlets
        self.method = method  # name, alias, abbreviation, ambiguous, garble, domain, handle
        self.cued = cued      # credited as a source by the words around it


def has_cue(text: str, start: int, end: int) -> bool:
    return bool(_CUE_BEFORE.search(text, max(0, start - 24), start) or _CUE_AFTER.match(text[end:end + 16]))


# A run of capitalised words, with the small words names use inside them
# ("Times of India", "Voice of America"). Mentions are looked up among its n-grams.
_RUN = LazyPattern(r"[\p{Lu}0-9][\p{L}\p{N}&'\u2019.\-]*(?:[ ](?:(?:of|and|the|de|du|la|le|al|el|for|on|in|at)[ ])*"
                     r"[\p{Lu}0-9&][\p{L}\p{N}&'\u2019.\-]*)*")
_WORD = LazyPattern(r"\S+")
_MAX_WORDS = 7


class Matcher:
    """Outlet mentions by n-gram look-up over runs of capitalised words: one
    regex pass and dictionary probes, far faster than a 3,000-way alternation."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._forms: dict[str, list[Form]] = {}
        for f in registry.all_forms():
            if len(f.text) < 2 or not (f.text[0].isupper() or f.text[0].isdigit()):
                continue  # lower-case forms are domains, found by their own shape
            for variant in {f.text, f.text.upper(), f.text.title()} if f.kind == "garble" else {f.text}:
                self._forms.setdefault(variant, []).append(f)

    def find(self, text: str, *, domains: bool = True, handles: bool = True) -> list[Mention]:
        out: list[Mention] = []
        for run in _RUN.finditer(text):
            out.extend(self._names_in_run(text, run))
        if domains and "." in text:
            for m in _DOMAIN.finditer(text):
                o = self.registry.by_domain(m.group())
                if o is not None:
                    out.append(Mention(m.start(), m.end(), m.group(), (o,), "domain", has_cue(text, m.start(), m.end())))
        if handles and "@" in text:
            for m in _HANDLE.finditer(text):
                o = self.registry.by_handle(m.group("h"))
                if o is not None:
                    out.append(Mention(m.start(), m.end(), m.group(), (o,), "handle", has_cue(text, m.start(), m.end())))
        out.sort(key=lambda x: x.start)
        return out

    def _names_in_run(self, text: str, run) -> list[Mention]:
        """Outlet names in a run of capitalised words, longest match first."""
        forms = self._forms
        out = []
        words = [(w.start(), w.end()) for w in _WORD.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(words):
            hit = self._longest(text, words, i)
            if hit is None:
                i += 1
                continue
            s, e, key, i = hit
            mention = self._mention(text, s, e, forms[key])
            if mention:
                out.append(mention)
        return out

    def _longest(self, text: str, words, i: int):
        """(start, end, form, next word) of the longest form starting at word i, or None."""
        forms = self._forms
        for j in range(min(len(words), i + _MAX_WORDS), i, -1):
            s, e = words[i][0], words[j - 1][1]
            cand = text[s:e]
            key = cand if cand in forms else cand.rstrip(".,;:'\u2019s")
            if key in forms:
                return s, s + len(key), key, j
        return None

    def _mention(self, text: str, start: int, end: int, forms: list[Form]) -> Mention | None:
        outlets = tuple({f.outlet.id: f.outlet for f in forms}.values())
        kind = min((f.kind for f in forms), key=("name", "alias", "abbreviation", "garble", "ambiguous").index)
        cued = has_cue(text, start, end)
        if (kind in ("ambiguous", "garble") or any(o.common_word for o in outlets)) and not cued:
            return None  # "At dawn today" is not Dawn
        return Mention(start, end, text[start:end], outlets, kind, cued)


def matcher_for(registry: Registry) -> Matcher:
    """One matcher per registry, built on first use."""
    m = getattr(registry, "_matcher", None)
    if m is None:
        m = registry._matcher = Matcher(registry)
    return m
