"""Apply fixes as exact edits on the source, then re-lint until nothing changes.

Only the bytes a finding owns are edited. Where a deletion leaves debris at its
own site (a space before punctuation, a doubled space or full stop, a line left
empty), that site alone is tidied; the rest of the text is never touched.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_left
from typing import Callable

from .model import AppliedFix, Edit, Finding, Fix, Record, Safety
from .patterns import LazyRe

MAX_ITERATIONS = 10
_CLOSERS = ".,;:!?)\u201d\u2019"  # punctuation a removal must not leave a space before


class FixResult(Record):
    __slots__ = ("text", "applied", "remaining", "converged", "fixes", "refused", "grown")
    _fields = __slots__

    def __init__(self, text: str, applied: int = 0, remaining: list[Finding] | None = None,
                 converged: bool = True, fixes: list[AppliedFix] | None = None, refused: set | None = None,
                 grown: set | None = None):
        self.text = text
        self.applied = applied                # fixes applied over all iterations
        self.remaining = remaining if remaining is not None else []  # findings on the final text
        self.converged = converged
        self.fixes = fixes if fixes is not None else []  # what each applied fix removed, in order
        self.refused = refused if refused is not None else set()  # codes whose fixes had impossible edits
        self.grown = grown if grown is not None else set()  # codes whose fixes would grow the draft too much


def growth_limit(length: int) -> int:
    """The most characters a draft of `length` may have once fixed: twice its
    length or 1 Mi characters more, whichever is larger. Fixes remove debris
    and swap links; a fix that grows a draft past this (a pack replacement
    that matches its own output again, pass after pass) is refused."""
    return max(2 * length, length + GROWTH_MARGIN)


GROWTH_MARGIN = 1 << 20


def fix_loop(text: str, lint: Callable[[str], list[Finding]], unsafe: bool = False) -> FixResult:
    refused: set[str] = set()
    grown: set[str] = set()
    while True:
        result = _passes(text, lint, unsafe, refused, grown, growth_limit(len(text)))
        if result is not None:
            return result
        # A rule's fixes would grow the draft past the limit: start again from the
        # draft without them, so nothing they did in earlier passes remains.


def _passes(text: str, lint, unsafe: bool, refused: set, grown: set, limit: int) -> FixResult | None:
    """Fix until nothing changes; None when a rule's fixes were newly refused for
    growing the draft (`grown`), so that the fixing starts again without them."""
    applied = 0
    log: list[AppliedFix] = []
    for _ in range(MAX_ITERATIONS):
        findings = lint(text)
        fixable = [f for f in findings if f.fix and (unsafe or f.fix.safety is Safety.SAFE)]
        refused.update(f.code for f in fixable if not sane(f.fix, len(text)))
        # A pack rule whose replacements alone would pass the limit built none (packs.py).
        held = {f.code for f in findings if f.extra and f.extra.get("fix-refused") == "grows"}
        fixable = [f for f in fixable if f.code not in refused and f.code not in grown]
        taken = chosen_fixes([f.fix for f in fixable])
        chosen = {id(fx) for fx in taken}
        done = [f for f in fixable if id(f.fix) in chosen]
        held |= _overgrown(len(text), done, limit)
        if held - grown:
            grown |= held
            return None
        new_text, n = _apply(text, taken)
        if n == 0 or new_text == text:
            return FixResult(text, applied, findings, fixes=log, refused=refused, grown=grown)
        log.extend(_applied(f, text) for f in done)
        text, applied = new_text, applied + n
    return FixResult(text, applied, lint(text), converged=False, fixes=log, refused=refused, grown=grown)


def _overgrown(length: int, done: list[Finding], limit: int) -> set[str]:
    """The codes whose fixes, applied to a text of `length`, would take it past
    `limit`: those adding the most, until the rest fit."""
    growth: dict[str, int] = {}
    for f in done:
        growth[f.code] = growth.get(f.code, 0) + sum(len(e.text) - (e.end - e.start) for e in f.fix.edits)
    total = length + sum(growth.values())
    over: set[str] = set()
    for code, added in sorted(growth.items(), key=lambda kv: -kv[1]):
        if total <= limit or added <= 0:
            break
        over.add(code)
        total -= added
    return over


def sane(fix: Fix, length: int) -> bool:
    """Whether a fix's edits can be applied as they say: inside the text, start
    before end, no two overlapping, text a string. A plugin's fix that is not is
    refused, never applied (the draft would be garbled and reported as fixed)."""
    edits = fix.edits
    if not edits or not all(isinstance(e.start, int) and isinstance(e.end, int) and isinstance(e.text, str)
                            and 0 <= e.start <= e.end <= length for e in edits):
        return False
    ordered = sorted(edits)
    return all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))


_URL_CHARS = LazyRe(r"https?://[^\s<>\"'()\[\]]+(?:\([^\s()]*\)[^\s<>\"'()\[\]]*)*")


def _applied(f: Finding, text: str) -> AppliedFix:
    """The log entry of an applied fix: the text it replaced and the link it touched."""
    start, end = f.fix.start, f.fix.end
    removed = text[start:end]
    inserted = "".join(e.text for e in sorted(f.fix.edits))
    url = f.url
    if url is None:
        m = _URL_CHARS.search(removed)
        if m:
            url = m.group()
        else:  # an edit inside a URL (a tracking parameter): the URL around it
            for m in _URL_CHARS.finditer(text, max(0, start - 2000), min(len(text), end + 2000)):
                if m.start() <= start and end <= m.end():
                    url = m.group()
                    break
    return AppliedFix(f.code, f.name, f.message, f.path, f.line, f.column, removed, inserted, url, f.fix.safety)


def chosen_fixes(fixes: list[Fix]) -> list[Fix]:
    """The fixes `accept` takes this pass (the others overlap one it took)."""
    taken: list[Fix] = []
    accepted: list[Edit] = []
    starts: list[int] = []
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        edits = sorted(fix.edits)
        if any(_overlaps(e, accepted, starts) for e in edits):
            continue
        for e in edits:
            i = bisect_left(starts, e.start)
            starts.insert(i, e.start)
            accepted.insert(i, e)
        taken.append(fix)
    return taken


def accept(fixes: list[Fix]) -> tuple[list[Edit], int]:
    """The edits of the fixes that do not overlap an earlier one, sorted, and
    how many fixes they come from. The rest wait for the next pass."""
    taken = chosen_fixes(fixes)
    return sorted(e for f in taken for e in f.edits), len(taken)


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """Apply the fixes that do not overlap an earlier one; tidy their sites."""
    return _apply(text, chosen_fixes(fixes))


def _apply(text: str, taken: list[Fix]) -> tuple[str, int]:
    """Apply fixes already chosen not to overlap; returns the text and how many."""
    accepted, count = sorted(e for f in taken for e in f.edits), len(taken)
    if not accepted:
        return text, 0
    parts: list[str] = []
    sites: list[tuple[int, bool]] = []
    last = 0
    out_len = 0
    for e in accepted:
        parts.append(text[last:e.start])
        out_len += e.start - last
        parts.append(e.text)
        out_len += len(e.text)
        removed = text[e.start:e.end]
        if not e.text and removed.strip():
            sites.append((out_len, removed.endswith(("\n", "\r")), _gap(removed)))
        last = e.end
    parts.append(text[last:])
    return tidy_sites("".join(parts), sites), count


# Characters either side of a site that its tidying is given to read; the window
# widens where a site needs more (a long run of spaces or blank lines).
_WINDOW = 256


def _gap(removed: str) -> str:
    """What a deletion stood for between its neighbours: "space" when it took
    the space before or after it, "visible" when readers saw it, else ""."""
    if removed[0] in " \t" or removed[-1] in " \t":
        return "space"
    return "visible" if any(c.isprintable() and not c.isspace() for c in removed) else ""


def tidy_sites(text: str, sites: list[tuple]) -> str:
    """Tidy each (position, ate_newline[, gap]) site, right to left, each one seeing the
    text as the sites after it left it. Each site reads and rewrites only a
    window around itself, so a draft with many fixes is tidied in time
    proportional to its length, not length times sites."""
    head, cut = text, len(text)   # head[:cut] is still untouched
    mid = ""                      # text tidied so far that the next site may still reach
    done: list[str] = []          # finished text after mid, last piece first
    tail = 0                      # total length of `done`
    floor = len(text)             # where the last site's tidying began to change the text
    for pos, ate_newline, *gap in reversed(sites):
        # A site inside text the last one rewrote (two deletions side by side) is
        # tidied where that rewrite began, not at an offset that now means other text.
        p = min(pos, cut + len(mid) + tail, floor)
        w = _WINDOW
        while True:
            if p + w < cut:  # the window ends in untouched text: what lies beyond is finished
                done += [mid, head[p + w:cut]]
                tail += len(mid) + cut - (p + w)
                mid, cut = "", p + w
            a = min(max(0, p - w), cut)
            while cut + len(mid) < p + w and done:
                piece = done.pop()
                tail -= len(piece)
                mid += piece
            b = min(p + w, cut + len(mid))
            window = head[a:cut] + mid[:b - cut]
            if _reach_ok(window, p - a, a > 0, b < cut + len(mid) or bool(done)):
                break
            w *= 4
        rest = mid[b - cut:]
        if rest:
            done.append(rest)
            tail += len(rest)
        tidied = tidy_site(window, p - a, ate_newline, *gap)
        if tidied != window:
            floor = a + _common_prefix(window, tidied)
        mid, cut = tidied, a
    return head[:cut] + mid + "".join(reversed(done))


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search: each comparison runs in C
        m = (lo + hi + 1) // 2
        if a[:m] == b[:m]:
            lo = m
        else:
            hi = m - 1
    return lo


def _reach_ok(window: str, p: int, more_left: bool, more_right: bool) -> bool:
    """Whether tidying at p can be done within the window. Tidying reads runs of
    spaces and tabs, up to three line breaks and a few punctuation marks from
    its site; it stops at a letter or digit. So a side with more text beyond
    is safe when a letter, a digit or many line breaks lie between p and the
    window's edge, with a margin."""
    return ((not more_left or _barrier(window, p, -1) >= _MARGIN)
            and (not more_right or _barrier(window, p, 1) < len(window) - _MARGIN))


_MARGIN = 4


def _barrier(t: str, p: int, step: int) -> int:
    """Index of the first letter or digit (or the 9th line-break character) from
    p in direction `step`; -1 or len(t) when the window runs out first."""
    i = p - 1 if step < 0 else p
    breaks = 0
    while 0 <= i < len(t):
        c = t[i]
        if c.isalnum():
            return i
        if c in "\r\n":
            breaks += 1
            if breaks > 8:
                return i
        i += step
    return i


def _overlaps(e: Edit, accepted: list[Edit], starts: list[int]) -> bool:
    i = bisect_left(starts, e.start)
    for j in (i - 1, i):
        if 0 <= j < len(accepted):
            a = accepted[j]
            if e.start < a.end and a.start < e.end:
                return True
            if e.start == a.start and (e.start == e.end or a.start == a.end):
                return True  # two insertions, or an insertion at a deletion's edge
    return False


def tidy_site(t: str, p: int, ate_newline: bool, gap: str = "") -> str:
    """Tidy what a deletion left at position p of t. `gap` (see _gap) says
    whether the deletion separated the words either side of it."""
    while True:  # an emptied "( )" is removed and its own site tidied in turn
        t, again = _tidy_once(t, p, ate_newline, gap)
        if again is None:
            return t
        p, ate_newline, gap = again, False, ""


def _tidy_once(t: str, p: int, ate_newline: bool, gap: str = "") -> tuple[str, int | None]:
    """One tidying step: the new text, and a site left to tidy (or None)."""
    n = len(t)
    l = p
    while l > 0 and t[l - 1] in " \t":
        l -= 1
    r = p
    while r < n and t[r] in " \t":
        r += 1
    line_start = l == 0 or t[l - 1] in "\r\n"
    line_end = r == n or t[r] in "\r\n"
    if line_start and line_end:
        return _empty_line(t, l, r, ate_newline), None
    if line_end:
        if r - p >= 2 and t[p:r].strip(" ") == "" and l < r:
            # Two spaces before the line end were the draft's own: a Markdown hard break.
            return t[:l] + t[p:], None
        t, q = t[:l] + t[r:], l
    elif line_start:
        return t, None
    elif t[r] in _CLOSERS and _LINE_MARKER.search(t, max(0, l - 64), l):
        return t[:l] + " " + t[r:], None  # "# ." stays a heading and "- ." a list item: "#." is neither
    elif t[r] in _CLOSERS:
        t, q = t[:l] + t[r:], l
    elif r - l >= 2:
        return t[:l] + " " + t[r:], None
    elif r == l and _joins_words(t, p, gap):
        return t[:p] + " " + t[p:], None  # "slowed【85†L261】in" -> "slowed in", not "slowedin"
    else:
        q = p
    return _tidy_punctuation(t, q)


# A block marker that starts its line and needs the space after it: a heading, bullet, number or quote.
_LINE_MARKER = LazyRe(r"(?:^|[\r\n])[ \t]{0,3}(?:#{1,6}|[*+-]|\d{1,9}[.)]|>[> ]*)\Z")


def _empty_line(t: str, l: int, r: int, ate_newline: bool) -> str:
    """The deletion left line [l, r) empty: remove it with its own line ending
    (unless the deletion took that already), then any doubled blank line."""
    if not ate_newline:
        if r < len(t):
            term = 2 if t.startswith("\r\n", r) else 1
            t = t[:l] + t[r + term:]
        elif l > 0:
            term = 2 if t[max(0, l - 2):l] == "\r\n" else 1
            return t[:l - term]
        else:
            return t[:l]
    return _drop_double_blank(t, l)


_OPENERS = "([{\u201c\u2018\"'"


def _joins_words(t: str, p: int, gap: str) -> bool:
    """Whether a deletion at p, with no space left there, glued two words."""
    a, b = t[p - 1], t[p]
    if not gap or a.isspace() or b.isspace() or a in _OPENERS:
        return False
    if gap == "space":  # it took the only space between them
        # ...or between a list bullet or emphasis run and what follows: `* **Bold**`, not `***Bold**`
        return b.isalnum() or b in _OPENERS or (a in "*_~+-#>|" and b in "*_~`[!<")
    # Something visible stood between two letters or digits; not in scripts
    # written without spaces.
    return a.isalnum() and b.isalnum() and not (_wide(a) or _wide(b))


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def _blank_line_end(t: str, p: int) -> int | None:
    """If the line starting at p is blank, the offset just past its line ending."""
    i = p
    while i < len(t) and t[i] in " \t":
        i += 1
    if i == len(t):
        return i
    if t[i] == "\r":
        return i + 2 if t.startswith("\r\n", i) else i + 1
    return i + 1 if t[i] == "\n" else None


def _drop_double_blank(t: str, p: int) -> str:
    """A removed paragraph must not leave two blank lines (or a blank first or
    last line) where the draft had one: drop the blank line at p."""
    end = _blank_line_end(t, p)
    if end is None:
        return t
    if p == 0:
        return t[end:] if end < len(t) or end > 0 else t
    term = 2 if t[max(0, p - 2):p] == "\r\n" else 1
    i = p - term  # read back over the line before only as far as its last non-blank
    while i > 0 and t[i - 1] in " \t":
        i -= 1
    if i > 0 and t[i - 1] not in "\r\n":
        return t  # the line before is text: one blank line is the paragraph break
    if end == len(t) and p == len(t):
        return t[:p - term]  # a blank last line
    return t[:p] + t[end:]


def _tidy_punctuation(t: str, q: int) -> tuple[str, int | None]:
    if q <= 0 or q >= len(t):
        return t, None
    a, b = t[q - 1], t[q]
    if a in ".!?" and b == "." and t[q + 1:q + 2] != "." and t[q - 2:q - 1] != ".":
        return t[:q] + t[q + 1:], None    # "terrorists.." -> "terrorists."
    if a in ",;:" and b in ".!?,;:":
        return t[:q - 1] + t[q:], None    # "said, ." -> "said."
    if a == "(" and b == ")":
        t = t[:q - 1] + t[q + 1:]         # an emptied "( )": its site is tidied next
        return t, (q - 1 if q - 1 < len(t) else None)
    return t, None
