"""Looking for a pattern only where it can match: on the lines that hold one
of the strings every match must contain. Most articles hold none, so a rule
costs a few substring searches instead of a regular expression over the whole
text. `tests/test_scan.py` checks, over generated texts, that each rule's
scan finds exactly what the full search would."""
from __future__ import annotations


def lines_with(text: str, needles) -> list[tuple[int, int]]:
    """Spans of the lines holding any of `needles` (each with its line end), merged, in order."""
    spans = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            start = text.rfind("\n", 0, i) + 1
            end = text.find("\n", i + len(needle) - 1)
            end = len(text) if end < 0 else end + 1
            spans.append((start, end))
            i = text.find(needle, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def finditer_lines(pattern, text: str, needles):
    """What `pattern.finditer(text)` finds, for a pattern whose every match lies
    on one line (its line end included) and contains one of `needles`."""
    last = 0
    for start, end in lines_with(text, needles):
        for m in pattern.finditer(text, max(start, last), end):
            yield m
            last = m.end()
