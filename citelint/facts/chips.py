"""The chip analysis every chip rule reads (ctx.facts.chips): each chip-shaped
thing in a draft, found once, and which of them are chips beyond doubt.

Chips are found in four shapes: links whose text is chips (`[AP News+1](url)`),
bracketed chips with no link, clusters after a sentence (`Pakistan Today +3
Geo News +3`), and chips glued to words (`Ignyte+3ISO+3`, `modelbloomberg+2`).
A cluster is beyond doubt with two chips, an outlet list, or a known outlet or
domain; otherwise only when the draft shows other debris, and never when it
fills a table cell, a list item or a heading of its own.
"""
from __future__ import annotations

from bisect import bisect_left

from ..outlets import normalize
from ..outlets.names import NAME, UNITSTOP, is_domain, is_stopname
from ..patterns import LazyPattern
from ..patterns import lazy_regex as regex
from ..scan import finditer_lines

_PLUS = r"\+[ \t]?(?P<n>\d{1,2})" + UNITSTOP
_NL_PLUS = r"\.?[ \t]*\n[ \t]*\+[ \t]?\d{1,2}(?=[ \t]*(?:\n|$))"
# Tokens of a trailing chip cluster, tried in this order at each position.
_CHAIN = LazyPattern(r"(?P<name>" + NAME + r")\+\d{1,2}(?:[ ]?" + NAME + r"\+\d{1,2})+(?:" + NAME + r")?(?![\p{L}\p{N}])")
_CHIP = LazyPattern(r"\*{0,2}(?P<name>" + NAME + r")\*{0,2}(?:[ \t]*\((?P<paren>[^()\n]{1,40})\))?"
                      r"(?:[ \t]?" + _PLUS + r"|(?P<nl>" + _NL_PLUS + r"))")
_PLIST = LazyPattern(r"\((?P<items>[^()\n]{2,160})\)")
_SEP = LazyPattern(r"[|,;]")
_ORPHAN = LazyPattern(_PLUS)
_BARE = LazyPattern(r"\*{0,2}(?P<name>" + NAME + r")\*{0,2}")
_END = LazyPattern(r"[ \t]*\.?[ \t]*(?=\n|$)")
_WS = LazyPattern(r"[ \t]*")
_HAS_PLUS = LazyPattern(r"\+[ \t]?\d")
# After a sentence, a line start, or a label (`- **Sources:** Reddit +1`).
_BOUNDARY = LazyPattern(r"(?m)(?:(?<=[.!?\u201d\"')\]]|:\*\*|:)[ \t]+|^[ \t]*)(?=\*{0,2}[\p{Lu}\p{Lt}a-z0-9])")


def split_items(items: str) -> list[str]:
    return [i.strip() for i in items.split(",") if i.strip()]


class _Cluster:
    __slots__ = ("start", "end", "chips", "names", "plists", "pluses", "confident", "structural")

    def __init__(self, start):
        self.start, self.end = start, start
        self.chips, self.names, self.plists, self.pluses = 0, [], [], 0
        self.confident = False   # a chip beyond doubt, or chip-shaped in a draft with debris
        self.structural = ""     # the element it fills ("list item", "table cell"…): never a chip alone


def parse_cluster(ctx, text: str, start: int, known) -> _Cluster | None:
    """Read chip tokens from `start`; a cluster must end the line or be followed
    by a new sentence, and hold at least one "+N"."""
    c = _Cluster(start)
    pos, last_good = start, None
    while True:
        pos = _WS.match(text, pos).end()
        step = _read_token(ctx, text, pos, c, known)
        if step is _ABORT:
            return None
        if step is None:
            break
        pos, good = step
        if good:
            last_good = pos
    if last_good is None or c.pluses == 0:
        return None
    return _close_cluster(text, start, c, last_good)


_ABORT = object()  # a token that proves the run is no cluster (a TV channel's "+1")


def _read_token(ctx, text: str, pos: int, c: _Cluster, known):
    """One token of a cluster at `pos`: (where it ends, whether a cluster may end
    there), None at the first thing that is not a chip token, or _ABORT."""
    m = _CHAIN.match(text, pos)
    if m:
        names = regex.findall(r"(" + NAME + r")\+\d{1,2}", m.group())
        if any(is_stopname(n) for n in names):
            return _ABORT
        c.chips += len(names)
        c.pluses += len(names)
        c.names += names
        return m.end(), True
    m = _CHIP.match(text, pos)
    if m and not is_stopname(m.group("name")):
        return _read_chip(text, m, c), True
    m = _PLIST.match(text, pos)
    if m:
        items = split_items(m.group("items"))
        if len(items) < 2 or not all(known(i) and not platform(ctx, i) for i in items):
            return None
        c.plists.append(items)
        c.names += items
        return m.end(), True
    started = c.chips + len(c.plists) > 0
    m = _ORPHAN.match(text, pos)
    if m and started:
        c.pluses += 1
        return m.end(), True
    m = _SEP.match(text, pos)
    if m and started:
        return m.end(), False
    m = _BARE.match(text, pos)
    if m and c.chips > 0 and known(m.group("name")) and not is_stopname(m.group("name")):
        c.names.append(m.group("name"))
        return m.end(), True
    return None


def _read_chip(text: str, m, c: _Cluster) -> int:
    c.chips += 1
    c.pluses += 1
    c.names.append(m.group("name"))
    if m.group("paren"):
        c.names.append(m.group("paren"))
    if m.group("nl"):  # a chip split over lines may continue on the next
        nxt = regex.match(r"\n(?=[ \t]*\*{0,2}" + NAME + r"[ \t]*\n[ \t]*\+)", text, pos=m.end())
        if nxt:
            return nxt.end()
    return m.end()


def _close_cluster(text: str, start: int, c: _Cluster, last_good: int) -> _Cluster | None:
    """Where the cluster ends: the line's end (its full stop kept when the chips
    interrupted a sentence), or before a new sentence; a lone "+N" line after it joins it."""
    end = _END.match(text, last_good)
    if end:
        c.end = end.end()
        dot = text.find(".", last_good, c.end)
        before = _char_before(text, start, " \t\r\n")
        if dot >= 0 and before and before not in ".!?\"'\u201d\u2019)\u2026:*":
            c.end = dot  # the full stop ends the sentence the chips interrupted: it stays
    elif regex.match(r"[ \t]+[\p{Lu}\"\u201c(]", text, pos=last_good):
        c.end = last_good  # a new sentence follows on the same line
    else:
        return None
    lone = regex.match(r"\n[ \t]*\+[ \t]?\d{1,2}[ \t]*(?=\n|$)", text, pos=c.end)
    if lone:
        c.end = lone.end()
        c.pluses += 1
    return c


def _char_before(text: str, pos: int, blanks: str) -> str:
    """The last character before `pos` that is not one of `blanks` ("" if none),
    found without copying the text before it (a copy per chip is quadratic)."""
    while pos > 0 and text[pos - 1] in blanks:
        pos -= 1
    return text[pos - 1] if pos > 0 else ""


def _lines_with_plus(text: str):
    """Spans of lines holding a "+N", and of lines just before a lone "+N" line.
    Each line is read once, however many "+N" it holds (a megabyte line of
    "+1" would otherwise be searched end to end for each of them)."""
    spans = []
    line_end = -1  # where the line of the last "+N" ends
    for m in _HAS_PLUS.finditer(text):
        if m.start() <= line_end:
            continue  # on a line already taken
        ls = text.rfind("\n", max(0, line_end), m.start()) + 1
        if ls > 0 and not text[ls:m.start()].strip():
            # "+N" opens its line: the chip's name may be on the line before
            ls = text.rfind("\n", 0, ls - 1) + 1
        le = text.find("\n", m.end())
        line_end = len(text) if le < 0 else le
        spans.append((ls, line_end))
    merged = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _chains(text: str):
    """Glued chains, looked for only on lines that hold a "+": trying the chain
    pattern at every capital letter of a long draft is slow."""
    return finditer_lines(_CHAIN, text, ("+",))


def _trim_leading_words(ctx, text: str, start: int, first: str, known) -> int:
    """The chain's first name may have swallowed capitalised words of the
    sentence ("Deputy Minister Reuters+1"): keep only the longest tail that is a
    known outlet, or the last word."""
    words = first.split(" ")
    if len(words) == 1 or known(first):
        return start
    before = _char_before(text, start, " \t")
    if not before or before in ".!?)\"'\u201d\n":
        return start  # the chain opens the sentence: all of it is chip
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        if known(tail):
            return start + len(" ".join(words[:i])) + 1
    return start + len(" ".join(words[:-1])) + 1


_CHIP_TOKEN = LazyPattern(r"(?P<name>[^+\]\[]*?)[ ]?\+[ ]?(?P<n>\d{1,2})(?![\d:.,%\u00b0])")
_BRACKET_CHIP = LazyPattern(r"[ \t]?\[(?P<label>[a-z0-9][\w.-]{1,60}[ ]?\+[ ]?\d{1,2})\](?![(\[:])")


def chip_names(label: str) -> list[str] | None:
    """The outlet names of a link text made only of chips (`AP News+1`,
    `Al Jazeera +2 BBC +2`), or None when it is anything else."""
    names, pos = [], 0
    label = label.strip()
    for m in _CHIP_TOKEN.finditer(label):
        if m.start() != pos:
            return None
        name = m.group("name").strip(" \t*_|,;")
        if not name or is_stopname(name) or not (name[-1].isalpha() or is_domain(name)) or len(name) > 60:
            return None
        if regex.search(r"\d", name) and not is_domain(name):
            return None  # `Rounds 3+4`, `Windows 10 +2`: numbers, not chips
        if " " in name and not is_domain(name) and not all(w[:1].isupper() or not w[:1].isalpha() or len(w) <= 3
                                                          for w in name.split()):
            return None  # `reviewing or giving a +1`: words, not an outlet's name
        names.append(name)
        pos = m.end()
    return names if names and not label[pos:].strip(" \t|,;.") else None


class ChipFacts:
    """What the chip rules share: every chip-shaped thing in the draft, found once."""

    def __init__(self):
        self.clusters: list[_Cluster] = []
        self.chains: list[tuple[int, int, int]] = []   # (start, end, start of the chip text), prose offsets
        self.links: list[tuple] = []                   # (link, names, text to keep or None)
        self.bracketed: list[tuple[int, int]] = []     # `[site +2]` with no link, prose offsets
        self.learned: set[str] = set()                 # names used as chips beyond doubt
        self.confident = False                         # some chip is one beyond doubt
        self._spans: dict[str, SpanIndex] = {}

    def overlaps(self, start: int, end: int, kinds=("cluster", "chain", "link", "bracketed")) -> bool:
        """Whether prose[start:end] overlaps a chip of these kinds."""
        return any(k in self._spans and self._spans[k].overlaps(start, end) for k in kinds)


class SpanIndex:
    """Spans, asked whether any overlaps a range: by bisection, so a draft of
    many chips and many candidates is not chips x candidates."""
    __slots__ = ("starts", "reach")

    def __init__(self, spans):
        self.starts: list[int] = []
        self.reach: list[int] = []   # the furthest end among the spans up to each one
        far = -1
        for a, b in sorted(spans):
            far = max(far, b)
            self.starts.append(a)
            self.reach.append(far)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span (a, b) has a < end and start < b."""
        i = bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start


def analyse(ctx, facts) -> ChipFacts:
    cf = ChipFacts()
    text = ctx.doc.prose.text
    if "+" not in text or not _HAS_PLUS.search(text):
        return cf
    known = lambda n: _known(ctx, n, cf.learned)  # noqa: E731  (names learned so far count)
    _find_links(ctx, facts, cf)        # first: their names are chips beyond doubt
    _find_clusters(ctx, facts, cf, known)
    _find_chains(ctx, facts, cf, known)
    _judge(ctx, facts, cf)
    return cf


def _find_links(ctx, facts, cf: ChipFacts) -> None:
    """Links whose text is chips, and bracketed chips with no link."""
    for link in list(ctx.doc.links) + _text_links(ctx):
        if link.kind not in ("markdown", "html") or link.text_start < 0 or "+" not in link.text:
            continue
        raw = ctx.doc.source[link.text_start:link.text_end]
        markup = "<" in raw or "](" in raw or "[" in raw
        names = chip_names(_strip_images(raw) if markup else raw)
        if not names:
            continue
        keep = None if markup else _keep_name(ctx, names, link.url)  # markup in the text: no exact rewrite
        cf.links.append((link, names, keep))
        cf.learned.update(normalize(n) for n in names)
    view = ctx.doc.prose
    if "[" not in view.text:
        return
    for m in _BRACKET_CHIP.finditer(view.text):
        if not chip_names(m.group("label")):
            continue
        src = view.to_source(m.start(), m.end())
        if facts.link_text_at(src[0][0] + 1, src[-1][1] - 1) is None:
            cf.bracketed.append((m.start(), m.end()))


def _find_clusters(ctx, facts, cf: ChipFacts, known) -> None:
    """Chip clusters after a sentence, a line start or a label."""
    view = ctx.doc.prose
    text = view.text
    bracketed = SpanIndex(cf.bracketed)
    for ls, le in _lines_with_plus(text):
        pos = ls
        for b in _BOUNDARY.finditer(text, ls, le):
            if b.start() < pos:
                continue
            c = parse_cluster(ctx, text, b.end(), known)
            if c is None:
                continue
            c.start = _wrapped_name_start(text, b.start(), known, c.names)
            if _in_link_text(view, facts, c.start, c.end) or bracketed.overlaps(c.start, c.end):
                continue
            cf.clusters.append(c)
            pos = c.end
    for c in cf.clusters:
        if c.chips >= 2 or c.plists or any(known(n) for n in c.names):
            c.confident = True
            cf.learned.update(normalize(n) for n in c.names)


def _find_chains(ctx, facts, cf: ChipFacts, known) -> None:
    """Glued chains (`Ignyte+3ISO+3`) and slugs glued to a word, outside clusters."""
    view = ctx.doc.prose
    text = view.text
    taken = [(c.start, c.end) for c in cf.clusters]
    clusters = SpanIndex(taken)
    for m in _chains(text):
        if clusters.overlaps(m.start(), m.end()):
            continue
        names = regex.findall(r"(" + NAME + r")\+\d{1,2}", m.group())
        before = text[m.start() - 1:m.start()]
        if any(is_stopname(n) for n in names) or (before and not before.isspace()
                                                   and before not in ".!?)]\"'\u201d\ufffe"):
            continue  # a channel name, or glued to a word: `B*BBC+1…`, `0x…+1`
        if _in_link_text(view, facts, m.start(), m.end()):
            continue
        start = _trim_leading_words(ctx, text, m.start(), m.group("name"), known)
        s = start - 1 if start > 0 and text[start - 1] in " \t" else start
        cf.chains.append((s, m.end(), start))
        cf.learned.update(normalize(n) for n in names)
    taken = SpanIndex(taken + [(a, b) for a, b, _ in cf.chains])
    for start, end in _glued_slugs(ctx, text):
        if not taken.overlaps(start, end) and not _in_link_text(view, facts, start, end):
            cf.chains.append((start, end, start))
    cf.chains.sort()


def _judge(ctx, facts, cf: ChipFacts) -> None:
    """Which clusters are chips beyond doubt, given the rest of the draft;
    which fill an element of their own (never chips alone)."""
    view = ctx.doc.prose
    cf.confident = bool(cf.chains or cf.links or cf.bracketed or any(c.confident for c in cf.clusters))
    debris = cf.confident or bool(facts.markup_codes)
    for c in cf.clusters:
        src = view.to_source(c.start, c.end)
        a, b = src[0][0], src[-1][1]
        if facts.table_cell(a, b):
            c.structural = "table cell"
        elif not c.confident and (facts.is_list_item(a, b) or facts.is_heading(a, b)):
            c.structural = "list item"
        if not c.confident and debris and not c.structural:
            c.confident = True
    cf._spans = {"cluster": SpanIndex((c.start, c.end) for c in cf.clusters),
                 "chain": SpanIndex((s, e) for s, e, _ in cf.chains),
                 "bracketed": SpanIndex(cf.bracketed),
                 "link": SpanIndex((view.index_of(lk.text_start), view.index_of(lk.text_end)) for lk, _, _ in cf.links)}


_MD_LINK_IN_TEXT = LazyPattern(r"\[(?P<label>[^\[\]\n]{1,120})\]\((?P<url>https?://[^)\s]+)\)")


def _text_links(ctx) -> list:
    """Markdown-shaped links pasted into a plain-text draft (`[AP News+1](https://…)`)."""
    if ctx.doc.kind != "text" or "](" not in ctx.doc.prose.text:
        return []
    from ..document import Link  # deferred
    view = ctx.doc.prose
    out = []
    for m in _MD_LINK_IN_TEXT.finditer(view.text):
        (ts, te), (us, ue) = view.to_source(*m.span("label"))[0], view.to_source(*m.span("url"))[0]
        out.append(Link(m.group("url"), None, us, ue, "markdown", m.group("label"), ts, te))
    return out


_GLUED_SLUG = LazyPattern(r"(?<=\p{Ll})(?P<tok>[a-z][a-z0-9.-]{2,40})\+\d{1,2}(?![\d.,%:\u00b0\w])")
_GLUED_WORD = LazyPattern(r"[\p{L}\p{N}.-]*$")
# Subdomains a chip's host label keeps (`docs.python`, `en.wikipedia`).
_SUBDOMAINS = ("docs", "www", "en", "news", "blog", "blogs", "support", "developer", "developers", "learn",
               "help", "api", "wiki", "forum", "community", "edition", "m", "mobile")


def _glued_slugs(ctx, text: str):
    """(start, end) of a chip slug glued to the last word: `modelbloomberg+2`,
    `latencydocs.python+1`. The slug is a known outlet's name or host label,
    or a host with a common subdomain; the word before it stays."""
    reg = ctx.facts.registry
    for plus in _HAS_PLUS.finditer(text):
        m = _GLUED_SLUG.search(text, max(0, plus.start() - 42), plus.end() + 3)
        if not m or m.end("tok") != plus.start():
            continue
        word_start = plus.start() - len(_GLUED_WORD.search(text, max(0, plus.start() - 60), plus.start()).group())
        word = text[word_start:plus.start()]
        cut = _slug_cut(word, reg)
        if cut > 0:
            yield word_start + cut, m.end()


def _slug_cut(word: str, reg) -> int:
    """Where the glued slug begins in `word` (0: no slug found)."""
    if "." in word:
        first = word.split(".", 1)[0]
        for sub in _SUBDOMAINS:
            if first.endswith(sub) and len(first) > len(sub) + 2:
                return len(first) - len(sub)
        return 0
    low = word.lower()
    for i in range(2, len(low) - 3):
        tail = low[i:]
        if reg.forms(tail) or reg.by_domain("https://" + tail + ".com") is not None:
            return i
    return 0


def _wrapped_name_start(text: str, start: int, known, names) -> int:
    """A chip wrapped over lines (`…its forecast Reuters⏎      Reuters +2.`):
    when the cluster opens a line and the line before ends, mid-sentence, with
    an outlet the cluster names, that name is part of the chips."""
    if start == 0 or text[start - 1] != "\n":
        return start
    prev_end = start - 1
    prev_start = text.rfind("\n", max(0, prev_end - 300), prev_end) + 1
    line = text[prev_start:prev_end].rstrip(" \t\r")
    if not line or line[-1] in ".!?\"'\u201d)":
        return start
    words = line.split(" ")
    first = names[0] if names else ""
    for k in range(min(4, len(words) - 1), 0, -1):
        tail = " ".join(words[-k:])
        if known(tail) and normalize(tail) in {normalize(n) for n in names}:
            return prev_start + len(" ".join(words[:-k]))
        if first and known(tail + " " + first) and not known(first):
            return prev_start + len(" ".join(words[:-k]))  # `Pakistan⏎Today +3`: a name cut by the wrap
    return start


def _strip_images(raw: str) -> str:
    return regex.sub(r"!\[[^\]]*\]\([^)]*\)", "", raw)


def _in_link_text(view, facts, start: int, end: int) -> bool:
    src = view.to_source(start, end)
    a, b = src[0][0], src[-1][1]
    return facts.link_text_at(a, a) is not None or facts.link_text_at(b, b) is not None


def _keep_name(ctx, names: list[str], url: str) -> str:
    """The chip whose outlet owns the link's domain; else the first."""
    from ..outlets.urls import unwrap  # deferred
    reg = ctx.facts.registry
    linked = reg.by_domain(unwrap(url)) if url else None
    if linked is not None:
        for n in names:
            if any(o is linked or reg.related(o, linked) for o in reg.lookup_name(n)):
                return n
            if is_domain(n) and reg.by_domain("https://" + n) is linked:
                return n
    return names[0]


def platform(ctx, name: str) -> bool:
    """A name that only a platform answers to (`Instagram`, `TikTok`)."""
    found = ctx.facts.registry.lookup_name(name.strip().strip("*").strip())
    return bool(found) and all(o.is_platform for o in found)


def _known(ctx, name: str, learned: set[str]) -> bool:
    n = name.strip().strip("*").strip()
    if not n:
        return False
    reg = ctx.facts.registry
    return bool(reg.forms(n)) or is_domain(n) or normalize(n) in learned or bool(reg.garbled(n))
