"""Quote check: words a sentence quotes must appear on the page it cites.

Both sides are reduced to a plain run of words: Unicode-normalised, case-folded,
soft hyphens and zero-width characters dropped, punctuation (quote marks,
apostrophes, dashes) and whitespace reduced to single spaces, entities already
decoded. So "It’s  time—now" in the draft matches "it's time &mdash; now" on the
page. An ellipsis or an editor's [bracketed insert] splits a quote into
fragments that must each appear.
"""
from __future__ import annotations

import re
import unicodedata
from ..model import Record

_IGNORABLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_WORD = re.compile(r"[^\W_]+")
MIN_WORDS = 2          # shorter quotes are mostly scare quotes ("so-called 'reform'")
MIN_PAGE_WORDS = 40    # a page with fewer words was not read (script-built, an error shell)

# Quotations: curly doubles, guillemets, straight doubles and single quotes that
# open after a space or bracket and close before a space or punctuation.
_QUOTE = re.compile(
    r"\u201c(?P<a>[^\u201c\u201d\n]{1,2000})\u201d"
    r"|\u00ab\s?(?P<b>[^\u00ab\u00bb\n]{1,2000}?)\s?\u00bb"
    r"|(?:(?<=^)|(?<=[\s(\[\u2014\u2013:]))\"(?P<c>[^\"\n]{1,2000}?)\"(?=$|[\s.,;:!?)\]\u2014\u2013])"
    r"|(?:(?<=^)|(?<=[\s(\[\u2014\u2013:]))\u2018(?P<d>[^\u2018\n]{1,2000}?)\u2019(?=$|[\s.,;:!?)\]\u2014\u2013])"
    r"|(?:(?<=^)|(?<=[\s(\[\u2014\u2013:]))'(?P<e>[^'\n]{1,2000}?)'(?=$|[\s.,;:!?)\]\u2014\u2013])",
    re.M,
)
_SPLIT = re.compile(r"\.\s?\.\s?\.|\u2026|\[[^\]\n]{0,80}\]")


class Quote(Record):
    _fields = ('start', 'end', 'inner')
    __slots__ = _fields
    start: int          # view offsets of the whole quotation, marks included
    end: int
    inner: str          # the quoted words as written


def normalise(text: str) -> str:
    """The words of `text`, folded, as ' w1 w2 … ' (spaces at both ends for whole-word search)."""
    t = unicodedata.normalize("NFKC", text).translate(_IGNORABLE).casefold()
    return " " + " ".join(_WORD.findall(t)) + " "


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations in text[start:end] worth checking (at least MIN_WORDS words)."""
    out: list[Quote] = []
    for m in _QUOTE.finditer(text, start, end):
        inner = next(g for g in m.groups() if g is not None)
        if len(_WORD.findall(inner)) < MIN_WORDS:
            continue
        if out and m.start() < out[-1].end:
            continue
        out.append(Quote(m.start(), m.end(), inner))
    return out


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Every quotation span in text[start:end], short ones too (for sentence splitting)."""
    spans: list[tuple[int, int]] = []
    for m in _QUOTE.finditer(text, start, end):
        if not spans or m.start() >= spans[-1][1]:
            spans.append(m.span())
    return spans


def fragments(inner: str) -> list[str]:
    """The parts of a quote an editor did not cut or insert, normalised."""
    return [f for f in (normalise(p) for p in _SPLIT.split(inner)) if f.strip()]


def found_in(page_words: str, inner: str) -> bool:
    """Whether every fragment of the quote appears, in order, in the page's words."""
    pos = 0
    for frag in fragments(inner):
        i = page_words.find(frag, pos)
        if i < 0:
            return False
        pos = i + len(frag) - 1
    return True
