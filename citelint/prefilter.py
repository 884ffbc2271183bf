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

A text that is not all ASCII is read once as UTF-8 bytes: the ASCII strings are
searched for there (an ASCII string occurs in the text exactly where its bytes
occur in the encoding), which is faster than in a text of two-byte characters,
and the bytes left once every ASCII byte is deleted say which of the rare
characters (superscripts, circled digits, private-use characters) the text
holds, all at once.

A Python rule may also give a compiled `re` pattern, for what no string says
(`#` followed by a letter, where Markdown headings put `#` in every article);
a pattern that starts with a plain character is guarded by that character. Or
it gives `Needs(guard, pattern or test)`: what its own debris needs (a link
whose text names an outlet, `+` followed by a digit outside a table), asked
only where the guard string occurs, and optionally only for some kinds of
document. Every test must hold wherever the rule could find something: a test
that is wrong loses findings, which the rules' examples and
tests/test_lazy_views.py catch.
"""
from __future__ import annotations

import re
import threading
from typing import Sequence

# ASCII characters from most to least common in English news copy (letters,
# then capitals and digits, then punctuation news rarely uses). A character
# absent from this list (any non-ASCII one) counts as the rarest.
_BY_FREQUENCY = (
    " etaoinsrhldcumfwygpb,.vk\n\"TSAMIBCWHPNRDEGLFO'-0125:J()x34968U7KVYj;zq?!Z/XQ&%$"
    "\t\r*#[]+@_=<>|^~`{}\\"
)
_RANK = {c: i for i, c in enumerate(_BY_FREQUENCY)}
_ASCII_BYTES = bytes(range(128))
_COPY_LIMIT = 1 << 20  # characters: a larger text is not encoded (the copy would cost memory, not time)


class Needs:
    """What a rule's debris needs, where a string cannot say it: `guard`, a
    string every match holds (or a tuple of strings, one of which it holds),
    searched for first like prefilter strings ("" for none), then `pattern`
    (standard-library `re`, compiled on first use) or `test`, a function of
    the text, asked once a text however many guards it holds. `kinds` limits
    it to those kinds of document (None: every kind); a rule none of whose
    tests applies to a kind never runs on it. `flags` are the pattern's.
    `late`: asked after every other test of a plan (a test that asks
    debris_possible(): by then a plan holding the evidence rules knows)."""
    __slots__ = ("guards", "kinds", "late", "_pattern", "_flags", "_test")

    def __init__(self, guard: str | tuple[str, ...] = "", pattern: str | None = None, test=None, *,
                 flags: int = 0, kinds: tuple[str, ...] | None = None, late: bool = False):
        if (pattern is None) == (test is None):
            raise ValueError("Needs takes a pattern or a test")
        self.guards = (guard,) if isinstance(guard, str) else tuple(guard)
        self.kinds, self.late = kinds, late
        self._pattern, self._flags, self._test = pattern, flags, test

    def search(self, text: str) -> bool:
        memo = _memo()  # (per_text(), written out: a plan asks this for every text)
        hit = memo.get(self)
        if hit is not None and hit[0] is text:
            return hit[1]
        if self._test is None:
            self._test = re.compile(self._pattern, self._flags).search
        found = bool(self._test(text))
        if memo.depth > 0:
            memo[self] = (text, found)
        return found

    def __repr__(self) -> str:
        guards = self.guards[0] if len(self.guards) == 1 else self.guards
        return f"Needs({guards!r}, {self._pattern or getattr(self._test, '__name__', self._test)!r})"


class _Guarded:
    """One guard string of a Needs, as a plan asks it."""
    __slots__ = ("needs", "guard")

    def __init__(self, needs: Needs, guard: str):
        self.needs, self.guard = needs, guard

    def __eq__(self, other) -> bool:
        return isinstance(other, _Guarded) and other.needs is self.needs and other.guard == self.guard

    def __hash__(self) -> int:
        return hash((id(self.needs), self.guard))


_EVIDENCE: list = []  # the evidence plan (engine.evidence_plan) the last Linter uses
class _Memo(dict):
    """What tests found in the text being asked about (key -> (text, value)),
    forgotten when the outermost Plan.select returns: a test asked by several
    rules (or by debris_possible, from inside another rule's test) reads the
    text once, and no text is kept alive after. One a thread: Linters are
    shared by threads (the language server, `citelint serve`)."""
    depth = 0  # Plan.select calls under way in this thread (a test may ask another plan)


_LOCAL = threading.local()


def _memo() -> _Memo:
    try:
        return _LOCAL.memo
    except AttributeError:
        _LOCAL.memo = _Memo()
        return _LOCAL.memo


def per_text(key, text: str, compute):
    """compute(text), once per text while a plan selects (see _Memo)."""
    memo = _memo()
    hit = memo.get(key)
    if hit is not None and hit[0] is text:
        return hit[1]
    value = compute(text)
    if memo.depth > 0:
        memo[key] = (text, value)
    return value


def use_evidence(plan: "Plan") -> None:
    """The plan of the rules whose findings are assistant debris (the engine's
    evidence plan): debris_possible() asks it."""
    _EVIDENCE[:] = [plan]


def debris_possible(text: str, chips: "Needs | None" = None) -> bool:
    """Whether a draft holding `text` could show assistant debris (facts.debris):
    some assistant-markup or tracking rule may fire on it, or (with `chips`, the
    test every source chip needs) it may hold source chips. Without an evidence
    plan (no Linter made yet), yes."""
    if not _EVIDENCE:
        return True
    if chips is not None and chips.search(text):
        return True
    source = _memo().get(("source", id(text)))  # a view, standing for its source (Plan.select)
    if source is not None and source[0] is text:
        text = source[1]
    return per_text("debris", text, lambda t: bool(_EVIDENCE[0].select((t,))))


def guard(s) -> str:
    """The least common character of `s`; for a pattern, its first character
    if that is a plain one, else "" (no guard: the pattern is always tried);
    for one guard of a Needs, the least common character of it."""
    if isinstance(s, _Guarded):
        return guard(s.guard) if s.guard else ""
    if isinstance(s, re.Pattern):
        return pattern_guard(s.pattern, bool(s.flags & re.IGNORECASE), bool(s.flags & re.VERBOSE))
    return max(s, key=lambda c: _RANK.get(c, len(_BY_FREQUENCY)))


def pattern_guard(p: str, ignorecase: bool = False, verbose: bool = False) -> str:
    """A pattern's first character if every match starts with it (a plain
    character, or an escaped punctuation mark), else ""."""
    if verbose or _top_level_alternation(p) or "(?" in p and _inline_flags(p):
        return ""
    if p[:1] == "\\" and p[1:2] and not p[1].isalnum():
        first, rest = p[1], p[2:]  # an escaped character: `\)` is guarded by ")"
    elif p[:1] and p[0] not in ".^$*+?{}[]|()\\":
        first, rest = p[0], p[1:]
    else:
        return ""
    if rest[:1] in ("*", "?", "{") or (ignorecase and first.isalpha()):
        return ""  # the first character may be missing, or in either case
    return first


def _inline_flags(p: str) -> bool:
    """Whether the pattern sets flags inline for all of it (`(?i)`, `(?x)`…) somewhere."""
    return re.search(r"\(\?[A-Za-z0-9]+\)", p) is not None


def literal_prefix(p: str) -> str:
    """The plain characters every match of pattern `p` starts with: searched for
    as a string before the pattern is asked (`Thought for ` before `Thought for
    (?:\\d+m )?\\d+s`). "" where flags for the whole pattern (`(?i)`) change
    what its characters match, or where it has alternatives at the top."""
    if "(?" in p and _inline_flags(p) or _top_level_alternation(p):
        return ""
    i = 0
    while i < len(p) and p[i] not in "\\.^$*+?{}[]|()":
        i += 1
    if i < len(p) and p[i] in "*?{":
        i -= 1  # the last character may repeat or be missing
    return p[:i]


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


def _foldable(s) -> str | None:
    """The lower case of a string (or of a Needs' guard) that could be searched
    for folded, in an ASCII text; None for what cannot (or has no case)."""
    if isinstance(s, _Guarded):
        s = s.guard if len(s.guard) > 1 else ""
    return s.lower() if isinstance(s, str) and s and s.isascii() and s.lower() != s.upper() else None


def _entry(s, idx: frozenset, low: bool = False) -> list:
    """[the string to search for, or None when the guard is the whole of it or
    there is none; its UTF-8 bytes if it is ASCII, else None; the rules it lets
    run; a test to pass after it, given the text as it is, or None; its place
    among the strings of its group's _Finder, or -1]. `low`: the string is
    searched for lower-cased, in the lower-cased text."""
    if isinstance(s, _Guarded):
        string, search = (s.guard if len(s.guard) > 1 else None), s.needs.search
    elif isinstance(s, re.Pattern):
        string, search = None, s.search
    else:
        string, search = (None if s == guard(s) else s), None
    return [string, string.encode() if string is not None and string.isascii() else None, idx, search, -1]


def _grouped(tests: dict[tuple, set[int]], ascii_only: bool) -> list[tuple]:
    """(guard, lower-cased?, late?, entries, finder or None) for each guard, rare
    guards first (their cheap misses come first), the late tests last. A group
    of several strings at an uncommon guard gets a _Finder (for `ascii_only`,
    of ASCII strings only, searched for in a text's UTF-8 bytes)."""
    groups: dict[tuple[str, bool, bool], list[list]] = {}
    for (s, low), idx in tests.items():
        late = isinstance(s, _Guarded) and s.needs.late
        g = guard(s)
        if g.isascii() and g.isalpha():
            g = ""  # a letter is in every article: no test for it, and one group for all such strings
        groups.setdefault((g, low, late), []).append(_entry(s, frozenset(idx), low))
    out = []
    for k in sorted(groups, key=lambda k: (k[2], -_rank(k[0]), k)):
        g, low, _ = k
        entries = groups[k]
        finder = None
        if _uncommon(g) and not low and (g.isascii() or not ascii_only):
            strings = [e for e in entries if e[0] is not None]
            if len(strings) >= 2:
                for place, e in enumerate(strings):
                    e[4] = place
                finder = _Finder(g, [e[0] for e in strings], as_bytes=ascii_only)
        out.append((*k, entries, finder))
    return out


def _uncommon(g: str) -> bool:
    """A guard a _Finder anchors at: not a letter, a digit or a space."""
    return bool(g) and not (g.isascii() and (g.isalnum() or g.isspace()))


class _Finder:
    """The strings one uncommon character guards (`[` guards `[cite`, `[web:`,
    `entity[` and four more), searched for at once: a pattern that starts with
    that character, found at memchr speed, and asks where it occurs whether
    one of the strings is there. A text holding none of them (most texts)
    costs one pass instead of one a string. Where one matches, every string
    of the group is asked at that place; a text that repeats one string many
    times has the others searched for one by one."""
    __slots__ = ("strings", "_tests", "_source", "_pattern", "_bytes")

    def __init__(self, g: str, strings: list[str], as_bytes: bool):
        self.strings = [s.encode() for s in strings] if as_bytes else strings
        self._bytes = as_bytes
        alts, self._tests = [], []
        for s in strings:
            k = s.index(g)
            before = "(?<=" + re.escape(s[:k + 1]) + ")" if k else ""
            alts.append(before + re.escape(s[k + 1:]))
            self._tests.append(len(s[:k].encode()) if as_bytes else k)  # where the guard is in the string
        self._source = re.escape(g) + "(?:" + "|".join(alts) + ")"
        self._pattern = None

    def found(self, hay) -> set[int]:
        """The places of the strings `hay` holds."""
        if self._pattern is None:
            self._pattern = re.compile(self._source.encode() if self._bytes else self._source)
        found: set[int] = set()
        search, strings, offsets, pos, again = self._pattern.search, self.strings, self._tests, 0, 0
        while True:
            m = search(hay, pos)
            if m is None:
                return found
            p = m.start()
            before = len(found)
            for j, s in enumerate(strings):
                if j not in found and p >= offsets[j] and hay.startswith(s, p - offsets[j]):
                    found.add(j)
            if len(found) == len(strings):
                return found
            again = 0 if len(found) > before else again + 1
            if again > 16:  # one string over and over: ask for the others one by one
                found.update(j for j, s in enumerate(strings) if j not in found and s in hay)
                return found
            pos = p + 1


def _rank(g: str) -> int:
    return _RANK.get(g, len(_BY_FREQUENCY)) if g else -1


def _applies(s, kind: str | None) -> bool:
    return kind is None or not isinstance(s, Needs) or s.kinds is None or kind in s.kinds


class Plan:
    """For a fixed list of rules: which of them a text lets run.

    A rule with no prefilter always runs; one with prefilter strings runs when
    at least one of them occurs in one of the texts it is given. The rules come
    back in their own order, since later rules read what earlier ones found.
    `kind` is the kind of document the texts come from (None: any), for the
    Needs that hold only for some kinds."""

    def __init__(self, rules: Sequence, prefilters: Sequence[tuple] | None = None, kind: str | None = None):
        self.rules = list(rules)
        prefilters = prefilters if prefilters is not None else [r.prefilter for r in self.rules]
        self.always = {i for i, p in enumerate(prefilters) if not p}
        wanted: dict = {}  # string, pattern or guard of a Needs -> the rules it lets run
        for i, strings in enumerate(prefilters):
            for s in strings:
                if not _applies(s, kind):
                    continue
                if isinstance(s, Needs):
                    for g in s.guards:
                        wanted.setdefault(_Guarded(s, g), set()).add(i)
                else:
                    wanted.setdefault(s, set()).add(i)
        variants: dict[str, int] = {}
        for s in wanted:
            k = _foldable(s)
            if k is not None:
                variants[k] = variants.get(k, 0) + 1
        folded: dict[tuple, set[int]] = {}  # (string, pattern or Needs; lower-cased?) -> rules
        for s, idx in wanted.items():
            k = _foldable(s)
            fold = k is not None and variants[k] > 1
            if fold:
                s = _Guarded(s.needs, k) if isinstance(s, _Guarded) else k
            folded.setdefault((s, fold), set()).update(idx)
        # ASCII texts: case variants searched for once, in the lower-cased text.
        self._ascii_groups = [g for g in _grouped(folded, ascii_only=False) if g[0].isascii()]
        # Other texts: ASCII guards tested on the UTF-8 bytes (case variants in the bytes
        # lower-cased: bytes.lower() changes ASCII letters only), the rest against the set
        # of non-ASCII characters the text holds. (bytes guard, str guard, lower-cased?,
        # late?, entries, finder)
        self._other_groups = [(g.encode() if g.isascii() else None, g, low, late, entries, finder)
                              for g, low, late, entries, finder in _grouped(folded, ascii_only=True)]
        # A large draft is not copied: every string as written, since str.lower() of a
        # non-ASCII text first allocates twelve bytes a character (10 MB would take 140).
        self._large_groups = [(g, late, entries) for g, _, late, entries, _ in
                              _grouped({(s, False): idx for s, idx in wanted.items()}, ascii_only=True)]
        self.everything = len(self.always) == len(self.rules)
        self._evidence = None  # the indices of the evidence rules, when the plan holds them all

    def debris_in(self, selected: list) -> bool | None:
        """What debris_possible() says of the texts that let `selected` (this
        plan's answer) run, where this plan holds every evidence rule; else None."""
        self._evidence_places()
        if -1 in self._evidence:
            return None
        rules = self.rules
        return any(rules[i] in selected for i in self._evidence)

    def _evidence_places(self) -> None:
        if self._evidence is None:
            evidence = _EVIDENCE[0].rules if _EVIDENCE else None
            mine = {id(r): i for i, r in enumerate(self.rules)}
            found = [mine.get(id(r)) for r in evidence] if evidence else [None]
            self._evidence = frozenset(found) if None not in found else frozenset({-1})

    def _debris_known(self, text: str, hit: set) -> None:
        """Before the late tests: where this plan holds every evidence rule, whether
        one of them may fire is known already (the evidence plan need not be asked)."""
        self._evidence_places()
        if -1 not in self._evidence:
            _memo()["debris"] = (text, not self._evidence.isdisjoint(hit))

    def select(self, texts: Sequence[str], source: str | None = None, debris: bool | None = None) -> list:
        """The rules that may match in any of `texts`, in their order. `source`:
        the draft the texts are views of, where tests ask about the whole draft
        (debris_possible), and `debris` what debris_possible() says of it, where
        that is known already (Plan.debris_in)."""
        if self.everything:
            return self.rules
        hit = set(self.always)
        memo = _memo()
        memo.depth += 1
        try:
            if source is not None:
                for text in texts:
                    memo[("source", id(text))] = (text, source)
                if debris is not None:
                    memo["debris"] = (source, debris)
            for text in texts:
                if text.isascii():
                    self._select_ascii(text, hit)
                else:
                    self._select_other(text, hit)
        finally:
            memo.depth -= 1
            if memo.depth <= 0:  # never keep a text alive past the call
                memo.depth = 0
                memo.clear()
        rules = self.rules
        return [rules[i] for i in sorted(hit)]

    def _select_ascii(self, text: str, hit: set) -> None:
        lowered, late_known = None, False
        for g, low, late, entries, finder in self._ascii_groups:
            if late and not late_known:
                self._debris_known(text, hit)
                late_known = True
            if low:
                if lowered is None:
                    lowered = text.lower()
                t = lowered
            else:
                t = text
            if g not in t:  # ("" is in every text)
                continue
            _entries(entries, finder and finder.found(t), t, t, text, hit)

    def _select_other(self, text: str, hit: set) -> None:
        if len(text) > _COPY_LIMIT:  # a large draft: no copy, every guard searched for in the text
            self._select_large(text, hit)
            return
        data = text.encode("utf-8", "surrogatepass")
        rare = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
        lowered, late_known = None, False
        for bg, g, low, late, entries, finder in self._other_groups:
            if late and not late_known:
                self._debris_known(text, hit)
                late_known = True
            if bg is None:
                if g not in rare:
                    continue
                hay = text
            else:
                if low:
                    if lowered is None:
                        lowered = data.lower()
                    hay = lowered
                else:
                    hay = data
                if bg not in hay:
                    continue
            _entries(entries, finder and finder.found(hay), text, hay, text, hit)

    def _select_large(self, text: str, hit: set) -> None:
        late_known = False
        for g, late, entries in self._large_groups:
            if late and not late_known:
                self._debris_known(text, hit)
                late_known = True
            if g in text:
                _entries(entries, None, text, text, text, hit)


def _entries(entries, found, text: str, data, original: str, hit: set) -> None:
    """Let the entries of one guard's group run. A string the group's finder
    looked for is there if `found` holds its place (None: no finder); others
    are searched for in `text` (lower-cased for a folded group) or, for a text
    that is not all ASCII, in its UTF-8 bytes `data` where the string is ASCII.
    Tests are given the `original` text."""
    for s, sb, idx, search, place in entries:
        if idx <= hit:
            continue
        if s is not None:
            if place >= 0 and found is not None:
                if place not in found:
                    continue
            elif data is text or sb is None:
                if s not in text:
                    continue
            elif sb not in data:
                continue
        if search is None or search(original):
            hit |= idx
