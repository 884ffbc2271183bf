"""Which rules may find anything in a text: one shared pass over every rule's
`prefilter` strings, before any view is built or any pattern runs.

Most articles hold no citation debris at all, so most of a run's time would go
on asking each rule "could you match here?". A plan asks once per distinct
string, and first asks about one character of it: a string is guarded by its
least common character (`[`, `+`, `@`, a private-use character), and a
character absent from the text settles every string it guards with one
`memchr`-speed test. Strings of common letters only are searched for directly.
A text that is all ASCII skips every string with a non-ASCII character.
Strings that differ only in case (`ources`, `OURCES`) are searched for once,
lower-cased, in the lower-cased text: if a string occurs in a text, its lower
case occurs in the text's lower case, so the test can only let more rules run.

A Python rule may also give a compiled `re` pattern, for what no string says
(`#` followed by a letter, where Markdown headings put `#` in every article);
a pattern that starts with a plain character is guarded by that character.
"""
from __future__ import annotations

import re
from typing import Sequence

# ASCII characters from most to least common in English news copy (letters,
# then capitals and digits, then punctuation news rarely uses). A character
# absent from this list (any non-ASCII one) counts as the rarest.
_BY_FREQUENCY = (
    " etaoinsrhldcumfwygpb,.vk\n\"TSAMIBCWHPNRDEGLFO'-0125:J()x34968U7KVYj;zq?!Z/XQ&%$"
    "\t\r*#[]+@_=<>|^~`{}\\"
)
_RANK = {c: i for i, c in enumerate(_BY_FREQUENCY)}


def guard(s: str | re.Pattern) -> str:
    """The least common character of `s`; for a pattern, its first character
    if that is a plain one, else "" (no guard: the pattern is always tried)."""
    if isinstance(s, re.Pattern):
        p = s.pattern
        if s.flags & re.VERBOSE or _top_level_alternation(p):
            return ""
        if p[:1] == "\\" and p[1:2] and not p[1].isalnum():
            first, rest = p[1], p[2:]  # an escaped character: `\)` is guarded by ")"
        elif p[:1] and p[0] not in ".^$*+?{}[]|()\\":
            first, rest = p[0], p[1:]
        else:
            return ""
        if rest[:1] in ("*", "?", "{") or (s.flags & re.IGNORECASE and first.isalpha()):
            return ""  # the first character may be missing, or in either case
        return first
    return max(s, key=lambda c: _RANK.get(c, len(_BY_FREQUENCY)))


def _top_level_alternation(p: str) -> bool:
    depth, i, in_class = 0, 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]" or p[i - 1] == "["
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _grouped(tests: dict[tuple, set[int]]) -> list[tuple]:
    """(guard, lower-cased?, entries) for each guard, rare guards first (their
    cheap misses come first). An entry is (the string to search for, or None
    when the guard is the whole string; the rules it lets run; a pattern's search)."""
    groups: dict[tuple[str, bool], list[tuple]] = {}
    for (s, low), idx in tests.items():
        g = guard(s)
        entry = (None, frozenset(idx), s.search) if isinstance(s, re.Pattern) else \
            (None if s == g else s, frozenset(idx), None)
        groups.setdefault((g, low), []).append(entry)
    return [(g, low, groups[g, low]) for g, low in sorted(groups, key=lambda k: (-_rank(k[0]), k))]


def _rank(g: str) -> int:
    return _RANK.get(g, len(_BY_FREQUENCY)) if g else -1


class Plan:
    """For a fixed list of rules: which of them a text lets run.

    A rule with no prefilter always runs; one with prefilter strings runs when
    at least one of them occurs in one of the texts it is given. The rules come
    back in their own order, since later rules read what earlier ones found."""

    def __init__(self, rules: Sequence, prefilters: Sequence[tuple] | None = None):
        self.rules = list(rules)
        prefilters = prefilters if prefilters is not None else [r.prefilter for r in self.rules]
        self.always = {i for i, p in enumerate(prefilters) if not p}
        wanted: dict[str, set[int]] = {}
        for i, strings in enumerate(prefilters):
            for s in strings:
                wanted.setdefault(s, set()).add(i)
        variants: dict[str, int] = {}
        for s in wanted:
            if isinstance(s, str) and s.isascii():
                variants[s.lower()] = variants.get(s.lower(), 0) + 1
        folded: dict[tuple, set[int]] = {}  # (string or pattern, lower-cased?) -> rules
        for s, idx in wanted.items():
            fold = isinstance(s, str) and s.isascii() and variants[s.lower()] > 1
            folded.setdefault((s.lower(), True) if fold else (s, False), set()).update(idx)
        # ASCII texts: case variants searched for once, in the lower-cased text. Other
        # texts: every string as written, since str.lower() of a non-ASCII text first
        # allocates twelve bytes a character (a 10 MB draft would briefly take 140 MB).
        self._ascii_groups = [g for g in _grouped(folded) if g[0].isascii()]
        self._groups = _grouped({(s, False): idx for s, idx in wanted.items()})
        self.everything = len(self.always) == len(self.rules)

    def select(self, texts: Sequence[str]) -> list:
        """The rules that may match in any of `texts`, in their order."""
        if self.everything:
            return self.rules
        hit = set(self.always)
        for text in texts:
            lowered = None
            for g, low, entries in (self._ascii_groups if text.isascii() else self._groups):
                if low:
                    if lowered is None:
                        lowered = text.lower()
                    t = lowered
                else:
                    t = text
                if g not in t:  # ("" is in every text)
                    continue
                for s, idx, search in entries:
                    if idx <= hit:
                        continue
                    if search is not None:
                        if search(t):
                            hit |= idx
                    elif s is None or s in t:
                        hit |= idx
        rules = self.rules
        return [rules[i] for i in sorted(hit)]
