"""LSP positions and citelint offsets, both ways.

citelint's offsets are Python string indices (code points). An LSP position is
a line and a character counted in the code units the client and server agreed
on at initialization: UTF-16 unless the client offers UTF-8 or UTF-32. An
emoji or a mathematical letter (𝒳) is one code point and two UTF-16 units.

LSP lines end at "\\n", "\\r\\n" or "\\r" only; str.splitlines also breaks at
form feeds, "\\x85" and U+2028, which would put every later line out by one.
"""
from __future__ import annotations

import re
from bisect import bisect_right

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_EOL = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each


class LineIndex:
    """Where each line of one text starts, for converting positions."""
    __slots__ = ("text", "starts", "encoding", "_plain")

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.starts = [0]
        self.starts.extend(m.end() for m in _EOL.finditer(text))
        self.encoding = encoding
        # Code units are code points everywhere: the common case, converted by subtraction.
        if encoding == UTF8:
            self._plain = text.isascii()
        else:
            self._plain = encoding == UTF32 or _ASTRAL.search(text) is None

    def line_end(self, line: int) -> int:
        """The offset where a line's content ends (before its line break)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        return end - 2 if end - 2 >= self.starts[line] and self.text[end - 2:end] == "\r\n" else end - 1

    def units(self, s: str) -> int:
        """How many code units `s` takes in the agreed encoding."""
        if self.encoding == UTF16:
            return len(s) + len(_ASTRAL.findall(s))
        if self.encoding == UTF8:
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, character) of a string offset; one inside a line break counts
        as the end of the line's content."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.line_end(line))
        if self._plain:
            return line, offset - start
        return line, self.units(self.text[start:offset])

    def offset(self, line: int, character: int) -> int:
        """The string offset of a position. As the protocol says, a character
        past the end of its line means the line's end and a line past the last
        means the end of the text; a position inside a character (half of a
        surrogate pair) means the end of that character."""
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.line_end(line)
        if self._plain:
            return min(start + character, end)
        count, text = 0, self.text
        for i in range(start, end):
            if count >= character:
                return i
            c = text[i]
            count += 1 if c < "\x80" else self.units(c)
        return end


def apply_change(index: LineIndex, start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    """The text with the range from `start` to `end` (LSP positions) replaced by `new`."""
    a = index.offset(*start)
    b = max(a, index.offset(*end))
    return index.text[:a] + new + index.text[b:]
