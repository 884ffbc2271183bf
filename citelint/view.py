"""A view is the text a rule reads, with a map back to exact source offsets.

Plain text and Markdown views are the source itself with non-prose masked, so
offsets map one to one. HTML views drop tags and decode entities, so they carry
a piecewise map: each segment says where a run of view characters came from.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Stands in for masked characters (code, comments, URLs hidden from prose). It is
# not a letter, digit, space or punctuation, so patterns neither match it nor
# mistake it for a word boundary they could delete.
MASK = "\ufffe"


class View:
    __slots__ = ("text", "_vstarts", "_segs", "masked", "_mstarts", "_soft", "_sstarts", "_soft_from")

    def __init__(self, text: str, segs: list[tuple[int, int, int, int]] | None = None,
                 masked: list[tuple[int, int]] | None = None, soft: list[tuple[int, int]] | None = None):
        """`segs` is None for an identity view, else a sorted list of
        (view_start, source_start, view_len, source_len) covering the view.
        A segment whose two lengths differ is atomic (an entity, a synthetic
        break): it maps as a whole. `masked` lists source ranges no edit may touch
        (code, comments). `soft` lists source ranges (link targets) that an edit
        may remove whole but never cut into, and in which prose rules do not report.
        """
        self.text = text
        self._segs = segs
        self._vstarts = [s[0] for s in segs] if segs is not None else None
        self.masked = sorted(masked or [])
        self._mstarts = [a for a, _ in self.masked]
        self._soft = _merge(soft or [])
        self._sstarts = [a for a, _ in self._soft]
        self._soft_from = None  # a function giving the soft spans, called on first use (defer_soft)

    @property
    def soft(self) -> list[tuple[int, int]]:
        if self._soft_from is not None:
            self.set_soft(self._soft_from())
        return self._soft

    @property
    def identity(self) -> bool:
        return self._segs is None

    def to_source(self, start: int, end: int) -> list[tuple[int, int]]:
        """Source ranges covered by view[start:end], in order, contiguous ones merged."""
        if self._segs is None:
            return [(start, end)]
        out: list[tuple[int, int]] = []
        segs = self._segs
        i = max(0, bisect_right(self._vstarts, start) - 1)
        while i < len(segs):
            vs, ss, vl, sl = segs[i]
            if vs >= end:
                break
            lo, hi = max(start, vs), min(end, vs + vl)
            if hi > lo:
                # A copy segment maps exactly; an atom (entity) maps whole.
                a, b = (ss + lo - vs, ss + hi - vs) if vl == sl else (ss, ss + sl)
                if out and out[-1][1] == a:
                    out[-1] = (out[-1][0], b)
                elif b > a:
                    out.append((a, b))
            i += 1
        if not out:
            pos = self.source_pos(start)
            out.append((pos, pos))
        return out

    def slice(self, start: int, end: int) -> "View":
        """A view of text[start:end] that still maps to the same source."""
        text = self.text[start:end]
        if self._segs is None:
            return View(text, [(0, start, end - start, end - start)])
        segs = []
        i = max(0, bisect_right(self._vstarts, start) - 1)
        while i < len(self._segs):
            vs, ss, vl, sl = self._segs[i]
            if vs >= end:
                break
            lo, hi = max(start, vs), min(end, vs + vl)
            if hi > lo:
                if vl == sl:
                    segs.append((lo - start, ss + lo - vs, hi - lo, hi - lo))
                else:
                    segs.append((lo - start, ss, hi - lo, sl))
            i += 1
        return View(text, segs)

    def source_pos(self, index: int) -> int:
        if self._segs is None:
            return index
        i = max(0, bisect_right(self._vstarts, index) - 1)
        if not self._segs:
            return 0
        vs, ss, vl, sl = self._segs[i]
        if vl == sl:
            return ss + min(index - vs, vl)
        return ss if index <= vs else ss + sl

    def index_of(self, source_pos: int) -> int:
        """The first view offset at or after a source offset (views map monotonically)."""
        if self._segs is None:
            return source_pos
        lo, hi = 0, len(self.text)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.source_pos(mid) < source_pos:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def touches_mask(self, start: int, end: int) -> bool:
        """Whether an edit of source[start:end] would touch code or cut into a link."""
        i = bisect_left(self._mstarts, max(end, start + 1))
        if i > 0 and self.masked[i - 1][1] > start:
            return True
        soft = self.soft
        j = bisect_left(self._sstarts, max(end, start + 1))
        while j > 0:
            a, b = soft[j - 1]
            if b <= start:
                break
            if not (start <= a and b <= end):
                return True  # overlaps a link target without owning all of it
            j -= 1
        return False

    def set_soft(self, spans) -> None:
        self._soft_from = None
        self._soft = _merge(spans)
        self._sstarts = [a for a, _ in self._soft]

    def defer_soft(self, spans_from) -> None:
        """Soft spans that `spans_from()` gives when they are first needed (the
        document's links, which a rule that finds nothing never asks for)."""
        self._soft_from = spans_from

    def inside_soft(self, start: int, end: int) -> bool:
        """Whether source[start:end] lies within one link target."""
        soft = self.soft
        j = bisect_right(self._sstarts, start)
        return j > 0 and soft[j - 1][1] >= end


class ViewBuilder:
    """Builds a mapped view piece by piece (used by the HTML loader)."""

    def __init__(self):
        self.parts: list[str] = []
        self.segs: list[tuple[int, int, int, int]] = []
        self.length = 0

    def copy(self, text: str, source_start: int) -> None:
        if not text:
            return
        self._push(text, source_start, len(text))

    def atom(self, text: str, source_start: int, source_len: int) -> None:
        self._push(text, source_start, source_len)

    def _push(self, text: str, ss: int, sl: int) -> None:
        vl = len(text)
        segs = self.segs
        if segs and vl == sl:
            pvs, pss, pvl, psl = segs[-1]
            if pvl == psl and pss + psl == ss:  # extend a contiguous copy run
                segs[-1] = (pvs, pss, pvl + vl, psl + sl)
                self.parts.append(text)
                self.length += vl
                return
        segs.append((self.length, ss, vl, sl))
        self.parts.append(text)
        self.length += vl

    def build(self, masked=None, soft=None) -> View:
        return View("".join(self.parts), self.segs, masked, soft)


def _merge(spans) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


_NEWLINE = re.compile(r"\r\n|\n|\r")


def line_starts(source: str) -> list[int]:
    """Offsets where lines start; \\n, \\r\\n and a lone \\r end a line."""
    return [0] + [m.end() for m in _NEWLINE.finditer(source)]


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a source offset."""
    i = bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1
