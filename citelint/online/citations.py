"""What a draft says beside each link: the sentence that cites it, the words that
sentence quotes, and the outlet it names (the anchor text of a link, or an
outlet named in the same sentence as a bare URL)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from urllib.parse import urlsplit, urlunsplit

from ..document import Document, Link
from ..model import Record
from ..view import MASK
from .quotes import Quote, find_quotes, quote_spans

CHECKED_KINDS = ("markdown", "image", "definition", "autolink", "bare", "html")
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col", "sen", "rep", "gov", "no",
           "vs", "etc", "inc", "ltd", "co", "jr", "sr", "capt", "sgt", "maj", "rev", "mt", "ft"}
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_PARA = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+][ \t]|\d{1,3}[.)][ \t]|#{1,6}[ \t]|>))")
# Capitalised runs ("The Express Tribune", "BBC Urdu", "Dawn.com") for bare-URL sentences.
_SPAN = re.compile(r"\b[A-Z][\w&'.-]*(?:\s+(?:(?:of|the|and|for|de|al|&)\s+)*[A-Z0-9][\w&'.-]*){0,5}")
_CUE = re.compile(r"(?i)\b(?:according to|reported|reports|reporting|told|said|says|wrote|writes|"
                  r"published|quoted|cited|citing|via|in an? (?:interview|report|article|editorial) (?:with|in|by))\b")


class Citation(Record):
    _fields = ('link', 'url', 'pos', 'sentence', 'quotes', 'named', 'named_as')
    __slots__ = _fields
    _defaults = {'quotes': list(), 'named': list(), 'named_as': ""}
    link: Link
    url: str                       # what is fetched: the link without its #fragment
    pos: int                       # where the link sits in the prose view
    sentence: tuple[int, int]      # prose-view span of the sentence citing it
    quotes: list[Quote]
    named: list  # outlets the draft names beside the link
    named_as: str  # the words that named them


def fetch_url(url: str) -> str | None:
    """The URL to fetch for a link, or None for links that are not http(s)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit(parts._replace(fragment=""))


def sentences(text: str, kind: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end]; a quotation is never split."""
    out = []
    para_re = re.compile(r"\n") if kind == "html" else _PARA
    pos = start
    for m in list(para_re.finditer(text, start, end)) + [None]:
        stop = m.start() if m else end
        if stop > pos:
            out.extend(_split_sentences(text, pos, stop))
        pos = m.end() if m else end
    return out


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    quoted = quote_spans(text, start, end)  # in order, none overlapping: bisected, not scanned
    opens = [a for a, _ in quoted]
    out, pos = [], start
    for m in _END.finditer(text, start, end):
        cut = m.end()
        i = bisect_left(opens, m.start()) - 1
        if i >= 0 and m.end() < quoted[i][1]:
            continue  # inside a quotation (a quotation's own closing stop still ends the sentence)
        word = re.search(r"([A-Za-z]+)\.$", text[max(start, m.start() - 12):m.start() + 1])
        if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
            continue  # "Mr. Khan", "J. Smith"
        nxt = text[cut:cut + 3].lstrip()
        if nxt and nxt[0].islower():
            continue
        out.append((pos, cut))
        pos = cut
    if pos < end:
        out.append((pos, end))
    return out


def link_position(doc: Document, link: Link) -> int:
    at = link.text_start if link.text_start >= 0 else link.start
    return doc.prose.index_of(at)


def citations(doc: Document, registry=None, want_outlets: bool = True) -> list[Citation]:
    """One Citation per http(s) link of the document, in order."""
    text = doc.prose.text
    blanked = _blank_links(doc, text)
    out: list[Citation] = []
    spans = starts = None
    quotes: dict[tuple[int, int], list[Quote]] = {}  # per sentence: many links may cite one
    for link in doc.links:
        if link.kind not in CHECKED_KINDS:
            continue
        url = fetch_url(link.url)
        if url is None:
            continue
        if spans is None:
            spans = sentences(blanked, doc.kind, 0, len(blanked))
            starts = [a for a, _ in spans]
        pos = min(link_position(doc, link), max(0, len(text) - 1))
        i = bisect_right(starts, pos) - 1  # the sentences are in order and do not overlap
        sent = spans[i] if i >= 0 and pos < spans[i][1] else (pos, pos)
        if sent not in quotes:
            quotes[sent] = find_quotes(blanked, *sent)
        c = Citation(link, url, pos, sent, quotes[sent])
        if want_outlets and registry is not None:
            c.named, c.named_as = named_outlets(registry, link, blanked[sent[0]:sent[1]])
        out.append(c)
    return out


def _blank_links(doc: Document, text: str) -> str:
    """The prose with link targets blanked, so a URL's dots and quotes mean nothing.
    In HTML a line break in the source is only a space; block tags stay breaks."""
    chars = None
    if doc.kind == "html" and "\n" in text:
        chars = list(text)
        src = doc.source
        for i, ch in enumerate(chars):
            if ch == "\n" and src[doc.prose.source_pos(i):doc.prose.source_pos(i) + 1] in ("\n", "\r"):
                chars[i] = " "
    for link in doc.links:
        if link.kind == "html" and link.text_start >= 0:
            continue  # an href is not in the prose
        a, b = doc.prose.index_of(link.start), doc.prose.index_of(link.end)
        if b > a and doc.prose.source_pos(a) >= link.start:
            if chars is None:
                chars = list(text)
            chars[a:b] = " " * (b - a)
    return "".join(chars).replace(MASK, " ") if chars is not None else text.replace(MASK, " ")


def named_outlets(registry, link: Link, sentence: str) -> tuple[list, str]:
    """Outlets the draft names beside a link: its anchor text first, else (for a
    bare URL) an outlet named in the sentence, with the same care for ordinary
    words ("Dawn", "Mint") as the offline rules."""
    anchor = " ".join((link.text or "").split()).strip(" *_`'\"\u201c\u201d")
    if anchor and not anchor.lower().startswith(("http://", "https://", "www.")):
        found = _lookup(registry, anchor)
        if found:
            return found, anchor
        for m in _SPAN.finditer(anchor):
            found = _lookup(registry, m.group().rstrip(".'"), strict=True)
            if found:
                return found, m.group()
        return [], ""
    if link.kind not in ("bare", "autolink"):
        return [], ""
    hits: list[tuple[list, str]] = []
    cue = bool(_CUE.search(sentence))
    for m in _SPAN.finditer(sentence):
        words = m.group().rstrip(".'")
        found = _lookup(registry, words, strict=not cue)
        if not found:
            # "The Express Tribune said" also names "Express Tribune"; try the tail.
            parts = words.split()
            for i in range(1, len(parts)):
                found = _lookup(registry, " ".join(parts[i:]), strict=not cue)
                if found:
                    words = " ".join(parts[i:])
                    break
        if found:
            hits.append((found, words))
    ids = {o.id for found, _ in hits for o in found}
    if len(hits) != 1 and len(ids) != 1:
        return [], ""  # none, or several outlets: which one the link stands for is unclear
    return hits[0]


def _lookup(registry, words: str, strict: bool = False) -> list:
    """Outlets written as `words`. `strict` (no cue word, not anchor text) drops
    ordinary-word names, ambiguous abbreviations and garbles."""
    if len(words) < 2:
        return []
    try:
        forms = registry.forms(words)
    except Exception:  # a registry problem must not stop the link checks
        return []
    out, seen = [], set()
    for f in forms:
        if strict and (f.kind in ("ambiguous", "garble") or f.outlet.common_word):
            continue
        if f.outlet.id not in seen:
            seen.add(f.outlet.id)
            out.append(f.outlet)
    return out
