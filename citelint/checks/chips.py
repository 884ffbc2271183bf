"""Source chips (CHP001-CHP005, CHP007): the "Outlet +3" pills a chat assistant
shows after a sentence, pasted as text.

A chip is only deleted when the guard holds: a cluster of two or more chips,
a chip naming a known outlet or a domain, or other assistant debris in the
same draft. A lone `Name +3` that fails the guard (a golfer's score, a TV
channel) is reported as a possible chip and never changed.
"""
from __future__ import annotations

import re

from ..model import Safety, Severity
from ..outlets import normalize
from ..rule import Context, Example, LazyPattern, Rule
from ..rule import lazy_regex as regex
from .common import NAME, UNITSTOP, is_domain, is_stopname, known_outlet, registry

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


def _split_items(items: str) -> list[str]:
    return [i.strip() for i in items.split(",") if i.strip()]


class _Cluster:
    __slots__ = ("start", "end", "chips", "names", "plists", "pluses", "confident", "structural")

    def __init__(self, start):
        self.start, self.end = start, start
        self.chips, self.names, self.plists, self.pluses = 0, [], [], 0
        self.confident = False   # a chip beyond doubt, or chip-shaped in a draft with debris
        self.structural = ""     # the element it fills ("list item", "table cell"…): never a chip alone


def parse_cluster(ctx: Context, text: str, start: int, known=None) -> _Cluster | None:
    """Read chip tokens from `start`; a cluster must end the line or be followed
    by a new sentence, and hold at least one "+N"."""
    known = known or (lambda n: known_outlet(ctx, n))
    c = _Cluster(start)
    pos = start
    last_good = None
    while True:
        pos = _WS.match(text, pos).end()
        m = _CHAIN.match(text, pos)
        if m:
            names = regex.findall(r"(" + NAME + r")\+\d{1,2}", m.group())
            if any(is_stopname(n) for n in names):
                return None
            c.chips += len(names)
            c.names += names
            c.pluses += len(names)
            pos = m.end()
            last_good = pos
            continue
        m = _CHIP.match(text, pos)
        if m and not is_stopname(m.group("name")):
            c.chips += 1
            c.pluses += 1
            c.names.append(m.group("name"))
            if m.group("paren"):
                c.names.append(m.group("paren"))
            pos = m.end()
            last_good = pos
            if m.group("nl"):  # a chip split over lines may continue on the next
                nxt = regex.match(r"\n(?=[ \t]*\*{0,2}" + NAME + r"[ \t]*\n[ \t]*\+)", text, pos=pos)
                if nxt:
                    pos = nxt.end()
            continue
        m = _PLIST.match(text, pos)
        if m:
            items = _split_items(m.group("items"))
            if len(items) < 2 or not all(known(i) and not _platform(ctx, i) for i in items):
                break
            c.plists.append(items)
            c.names += items
            pos = m.end()
            last_good = pos
            continue
        m = _ORPHAN.match(text, pos)
        if m and c.chips + len(c.plists) > 0:
            c.pluses += 1
            pos = m.end()
            last_good = pos
            continue
        m = _SEP.match(text, pos)
        if m and c.chips + len(c.plists) > 0:
            pos = m.end()
            continue
        m = _BARE.match(text, pos)
        if m and c.chips > 0 and known(m.group("name")) and not is_stopname(m.group("name")):
            c.names.append(m.group("name"))
            pos = m.end()
            last_good = pos
            continue
        break
    if last_good is None or c.pluses == 0:
        return None
    end = _END.match(text, last_good)
    if end:
        c.end = end.end()
        dot = text.find(".", last_good, c.end)
        before = text[:start].rstrip(" \t\r\n")
        if dot >= 0 and before and before[-1] not in ".!?\"'\u201d\u2019)\u2026:*":
            c.end = dot  # the full stop ends the sentence the chips interrupted: it stays
    elif regex.match(r"[ \t]+[\p{Lu}\"\u201c(]", text, pos=last_good):
        c.end = last_good  # a new sentence follows on the same line
    else:
        return None
    # A lone "+N" line right after the cluster is part of it.
    lone = regex.match(r"\n[ \t]*\+[ \t]?\d{1,2}[ \t]*(?=\n|$)", text, pos=c.end)
    if lone:
        c.end = lone.end()
        c.pluses += 1
    return c


class ChipCluster(Rule):
    code = "CHP002"
    name = "source-chip-cluster"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the chips"
    origin = "citelint/checks/chips.py"
    prefilter = ("+",)
    summary = ("Finds source chips pasted after a sentence: `Pakistan Today +3 Geo News +3 | Ndtv.com (NDTV) +3`, "
               "`Financial Times + 2`, a chip split over lines (`Reddit⏎+6`), with any outlet list and `, +3` tail.")
    why = ("A chat assistant's search answer ends sentences with source pills; pasted, they become a run of outlet "
           "names and counts that readers see as garbage. The attribution they hint at must be written in words, "
           "if at all. A single chip is deleted only when it names a known outlet or a domain, or the draft has other "
           "assistant debris; otherwise (a golf score `McIlroy +3`, a TV channel `ITV +1`) it is only reported.")
    examples = [
        Example("It came to nothing. Pakistan Today +3 Geo News +3 | Ndtv.com (NDTV) +3 (PA Today, Geo News, Ndtv), +3.\n",
                "It came to nothing.\n"),
        Example("Talks set the framework. Financial Times + 2 *Pakistan Today.\n+2\nThe second round began.\n",
                "Talks set the framework.\nThe second round began.\n"),
        Example("It grew fast. Wikipedia+1 Then it slowed.\n", "It grew fast. Then it slowed.\n"),
        Example("Here is some info\nReddit\n+6\nand more text\n", "Here is some info\nand more text\n"),
        Example("Here is some info\nStack Overflow\n+2\nDEV Community\n+6\nMore text.\n",
                "Here is some info\nMore text.\n"),
        Example("It scaled well. Ignyte+3Microsoft Learn+3Google Cloud+3.\n", "It scaled well.\n"),
        Example("Shares fell as the bank cut its forecast Reuters\n      Reuters +2.\n",
                "Shares fell as the bank cut its forecast.\n"),
        Example("The talks failed. Pakistan\nToday +3 Geo News +3\nNext.\n", "The talks failed.\nNext.\n"),
        Example("- **Sources:** Reddit +1\n- Other item\n", "- **Sources:**\n- Other item\n", "markdown"),
        Example("<p>The rally continued.\n      Reuters +2\n      BBC +1</p>\n", "<p>The rally continued.\n</p>\n",
                "html"),
        Example("Final leaderboard. McIlroy +3\n", None),
        Example("Tune in on Channel 4 +1 at nine. Watch it on ITV +1.\n", trap=True),
        Example("McIlroy is +3 after the front nine. Temperatures rose +3 degrees. Lahore +3°C.\n", trap=True),
        Example("Call +44 20 7946 0958. Markets: KSE +2%. Verstappen +3.2s. Settlement is T+2.\n", trap=True),
        Example("We use C++ and set x = A+1 here. Disney+ 4K. UTC+5 all year.\n", trap=True),
        Example("Scheffler finished -12; Rory +3.\n", trap=True),
        Example("<table><tr><td>Reuters</td><td>+1</td></tr><tr><td>Dawn +2</td></tr></table>\n", trap=True,
                format="html"),
        Example("<ul>\n<li>Clear slides +4</li>\n<li>Pacing +2</li>\n</ul>\n", trap=True, format="html"),
        Example("| Team | Score |\n| --- | --- |\n| Alice | +1 |\n| Reuters +2 | 3 |\n", trap=True, format="markdown"),
        Example("Feedback:\n\n- Clear slides +4\n- More breaks +2\n", trap=True, format="markdown"),
        Example("Prices rose sharply. McIlroy +1\nMore text :contentReference[oaicite:0]{index=0}.\n",
                "Prices rose sharply.\nMore text.\n"),
    ]

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for c in ctx.facts.chips.clusters:
            shown = text[c.start:c.end].strip().replace("\n", "\u23ce")
            if c.structural:
                continue  # `<li>Clear slides +4</li>`, a score in a table: a count, not a chip
            if c.confident:
                yield ctx.finding(self, view, c.start, c.end, f"source chips pasted after the sentence: `{shown}`",
                                  replacement="")
            else:
                yield ctx.finding(self, view, c.start, c.end, f"possible source chip `{shown}`: delete it if it is "
                                  "not part of the story", severity=Severity.INFO)


def _lines_with_plus(text: str):
    """Spans of lines holding a "+N", and of lines just before a lone "+N" line."""
    spans = []
    for m in _HAS_PLUS.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        if ls > 0 and text[ls:m.start()].strip() == "":
            # "+N" opens its line: the chip's name may be on the line before
            ls = text.rfind("\n", 0, ls - 1) + 1
        le = text.find("\n", m.end())
        spans.append((ls, len(text) if le < 0 else le))
    merged = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


class GluedChipChain(Rule):
    code = "CHP001"
    name = "glued-chip-chain"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the chain"
    origin = "citelint/checks/chips.py"
    prefilter = ("+",)
    summary = "Finds chains of two or more glued chips such as `IT Governance+3ISO+3ISO+3` anywhere in a sentence."
    why = ("Glued `Name+N` chains are how source pills paste into plain text. Two or more segments in a row are "
           "never prose, so the chain is deleted; a single glued `Name+1` is left to CHP002's guards.")
    examples = [
        Example("It covers (protection of privacy) IT Governance+3ISO+3ISO+3. It belongs to a family.\n",
                "It covers (protection of privacy). It belongs to a family.\n"),
        Example("Margins fell Wikipedia+15The Economic Times+15website+15 last year.\n", "Margins fell last year.\n"),
        Example("It was launched as the V3 modelbloomberg+2 last year. It cut latencydocs.python+1 in half.\n",
                "It was launched as the V3 model last year. It cut latency in half.\n"),
        Example("We use C++11 and set x+1, A+1 and 5+ here.\n", trap=True),
        Example("Ca2+ and Fe3+ ions; BBC+18 pg 27; 0x14178B8C+1; Excel+1С.\n", trap=True),
        Example("Set x+1 and count+2, then i+1; the jsonpath+1 trick; a slug-bloomberg+2x.\n", trap=True),
        Example("Retrosheet notation B*BBC+1.+1F>X is odd.\n", trap=True),
    ]

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for s, e, start in ctx.facts.chips.chains:
            yield ctx.finding(self, view, s, e, f"glued source chips `{text[start:e]}`", replacement="")


def _chains(text: str):
    """Glued chains, looked for only on lines that hold a "+N": trying the chain
    pattern at every capital letter of a long draft is slow."""
    done = 0
    for plus in _HAS_PLUS.finditer(text):
        if plus.start() < done:
            continue
        line_start = text.rfind("\n", 0, plus.start()) + 1
        line_end = text.find("\n", plus.end())
        line_end = len(text) if line_end < 0 else line_end
        for m in _CHAIN.finditer(text, max(done, line_start), line_end):
            yield m
        done = line_end


def _trim_leading_words(ctx: Context, text: str, start: int, first: str, known) -> int:
    """The chain's first name may have swallowed capitalised words of the
    sentence ("Deputy Minister Reuters+1"): keep only the longest tail that is a
    known outlet, or the last word."""
    words = first.split(" ")
    if len(words) == 1 or known(first):
        return start
    before = text[:start].rstrip(" \t")
    if not before or before[-1] in ".!?)\"'\u201d\n":
        return start  # the chain opens the sentence: all of it is chip
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        if known(tail):
            return start + len(" ".join(words[:i])) + 1
    return start + len(" ".join(words[:-1])) + 1


class LoneChipCount(Rule):
    code = "CHP003"
    name = "lone-chip-count"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the line"
    origin = "citelint/checks/chips.py"
    prefilter = ("+",)
    summary = "Finds a `+2` alone on its line, left where a chip split over lines."
    why = ("Copying a chip-laden answer as plain text puts each chip's count on its own line. It is deleted when "
           "the draft shows other assistant debris. Without debris, two or more such lines each after a line of "
           "prose get an unsafe fix; a single one (a results table typed one item per line) is only information.")
    examples = [
        Example("Prices rose :contentReference[oaicite:1]{index=1}.\n+2\nNext paragraph.\n",
                "Prices rose.\nNext paragraph.\n"),
        Example("The table:\n+2\n", None),
        Example("Prices rose in the spring quarter.\n+2\nExports fell in the same period.\n+3\nEnd.\n",
                "Prices rose in the spring quarter.\nExports fell in the same period.\nEnd.\n"),
        Example("Results:\n+3 degrees\n+44 20 7946 0000\n", trap=True),
    ]
    _LONE = LazyPattern(r"(?m)^[ \t]*\+[ \t]?\d{1,2}[ \t]*$\n?")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if "+" not in text:
            return
        chips = ctx.facts.chips
        lone = []
        for m in self._LONE.finditer(text):
            if chips.overlaps(m.start(), m.end(), ("cluster", "chain")):
                continue  # the count belongs to a chip cluster, which owns it
            src = view.to_source(m.start(), m.end())[0][0]
            if ctx.facts.table_cell(src, src + 1) or ctx.facts.enclosing(src, src + 1, ("li", "td", "th")):
                continue
            lone.append(m)
        # Several lone counts, each after a line of prose, are how a chip-laden answer pastes.
        after_prose = [m for m in lone if _prose_line_before(text, m.start())]
        for m in lone:
            if ctx.facts.debris:
                yield ctx.finding(self, view, m.start(), m.end(), "chip count left on a line of its own",
                                  replacement="")
            elif len(after_prose) >= 2 and m in after_prose:
                yield ctx.finding(self, view, m.start(), m.end(), "chip count left on a line of its own (one of "
                                  f"{len(after_prose)} after lines of prose)", replacement="", safety=Safety.UNSAFE,
                                  severity=Severity.WARNING)
            else:
                yield ctx.finding(self, view, m.start(), m.end(), "possible chip count on a line of its own",
                                  severity=Severity.INFO)


def _prose_line_before(text: str, pos: int) -> bool:
    """Whether the line before `pos` is prose (words, not a number or a list of counts)."""
    end = pos - 1
    if end < 0:
        return False
    start = text.rfind("\n", max(0, end - 2000), end) + 1
    line = text[start:end].strip()
    return len(line.split()) >= 3 and any(c.isalpha() for c in line)


class ChipLink(Rule):
    code = "CHP004"
    name = "chip-link"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Keep the link, drop the chip counts"
    origin = "citelint/checks/chips.py"
    prefilter = ("+",)
    summary = "Finds source chips kept as links: `[AP News+1](https://apnews.com/…)`, `[wiki.archlinux +2]`."
    why = ("Copy-as-Markdown keeps a chip as a link whose text is the chip. The link is the source, so the fix keeps "
           "it and its address and only drops the counts: the text becomes the outlet the link goes to (or the "
           "first chip). A bracketed chip with no link (`[wiki.archlinux +2]`) is deleted like any plain-text chip. "
           "A link text that merely holds a plus (`Rounds 3+4`, `UTC+5:30`) is not a chip.")
    examples = [
        Example("It spread fast. [AP News+1](https://apnews.com/article/69855ab8)\n",
                "It spread fast. [AP News](https://apnews.com/article/69855ab8)\n", "markdown"),
        Example("It spread. [AP News + 1](https://apnews.com/article/abc)\n",
                "It spread. [AP News](https://apnews.com/article/abc)\n", "markdown"),
        Example("It handles 256k tokens [sobot +1](https://www.sobot.io/blog/compare/).\n",
                "It handles 256k tokens [sobot](https://www.sobot.io/blog/compare/).\n", "markdown"),
        Example("Troops moved. [Al Jazeera +2 BBC +2 aljazeera.com +2](https://www.aljazeera.com/news/x)\n",
                "Troops moved. [Al Jazeera](https://www.aljazeera.com/news/x)\n", "markdown"),
        Example("<p>Troops moved. <a href=\"https://www.bbc.com/news/x\">Reuters +1 BBC +2</a></p>\n",
                "<p>Troops moved. <a href=\"https://www.bbc.com/news/x\">BBC</a></p>\n", "html"),
        Example("Arch has a page on it [wiki.archlinux +2].\n", "Arch has a page on it.\n", "markdown"),
        Example("See [the report](https://x.org) and [1](https://x.org/1).\n", trap=True, format="markdown"),
        Example("## [Rounds 3+4](#rounds)\n\nThe times are [UTC+5:30](https://time.is/UTC+5:30).\n",
                trap=True, format="markdown"),
        Example("Try <a href=\"/wiki/Gardening\">reviewing or giving a +1</a> to other CLs.\n", trap=True,
                format="html"),
    ]

    def check(self, ctx: Context):
        chips = ctx.facts.chips
        for link, names, keep in chips.links:
            shown = ctx.doc.source[link.text_start:link.text_end]
            if keep is None:  # an image or markup in the text: nothing to rewrite exactly
                yield ctx.finding(self, ctx.raw, link.text_start, link.text_end,
                                  f"source chip kept as a link `{shown}` (links to {link.url})", url=link.url)
                continue
            yield ctx.finding(self, ctx.raw, link.text_start, link.text_end,
                              f"source chip kept as a link `{shown}`: keep the link as `{keep}`",
                              replacement=keep, url=link.url)
        view = ctx.doc.prose
        for s, e in chips.bracketed:
            yield ctx.finding(self, view, s, e, f"source chip in brackets `{view.text[s:e].strip()}`",
                              replacement="", title="Delete the chip")


def _at_parens(text: str, pattern, before: int, after: int | None):
    """Matches of `pattern` around each opening bracket: brackets are rare, so
    visiting each beats scanning every position of a long article. The window
    is bounded (`after=None`: an anchored match at the bracket or the space
    before it), so a megabyte on one line stays linear."""
    i = text.find("(")
    done = -1
    while i >= 0:
        m = None
        if after is None:
            for j in (i - 1, i):
                if j >= max(done, 0):
                    m = pattern.match(text, j)
                    if m:
                        break
        else:
            line_start = text.rfind("\n", max(0, i - before), i) + 1 or max(0, i - before)
            line_end = text.find("\n", i, i + after)
            m = pattern.search(text, max(done, line_start, i - before),
                               line_end if line_end >= 0 else min(len(text), i + after))
            if m and m.start() > i:
                m = None
        if m:
            yield m
            done = m.end()
            i = text.find("(", done)
        else:
            i = text.find("(", i + 1)


class OutletListParenthesis(Rule):
    code = "CHP005"
    name = "outlet-list-parenthesis"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the outlet list"
    origin = "citelint/checks/chips.py"
    # A bracket closing its line (or its line's chip count): one fast `re` scan.
    prefilter = (re.compile(r"\)[ \t]*[,.;]?[ \t]*(?:\+\d{1,2}[.,]?)?[ \t]*(?:[\r\n]|\Z)"),)
    summary = "Finds a parenthesised list of outlets closing a sentence, `(Reuters, Dawn, Geo News).`, left where linked chips were."
    why = ("ChatGPT cites with `([Reuters](…), [Dawn](…))`; when the links are stripped, a bare list of outlet names "
           "is left. Every item must be a known outlet or a domain; `(Karachi, Lahore, Quetta)` is not touched. "
           "Removing it removes an attribution, so the fix is unsafe.")
    examples = [
        Example("Militants continue to attack (Dawn, Geo News, Reuters).\n", "Militants continue to attack.\n"),
        Example("Three cities (Karachi, Lahore, Quetta) voted. They voted (Karachi, Lahore, Quetta).\n", trap=True),
        Example("ISLAMABAD (Reuters) — The talks resumed.\n", trap=True),
        Example("Complaints arrived on social media (Instagram, TikTok).\nSmall molecules (eg, RNA).\n", trap=True),
    ]
    _PAREN = LazyPattern(r"(?m)[ \t]?\((?P<items>[^()\n]{2,160}?(?:,[ \t]*[^()\n]{2,60}?)+)\)"
                           r"(?=[ \t]*[,.;]?[ \t]*(?:\+\d{1,2}[.,]?)?[ \t]*(?:$|\n))")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for m in _at_parens(text, self._PAREN, 1, None):
            items = _split_items(m.group("items"))
            if len(items) < 2 or not all(known_outlet(ctx, i) and not _platform(ctx, i) for i in items):
                continue  # `(Karachi, Lahore)`; `(Instagram, TikTok)` names platforms, not sources
            if ctx.facts.chips.overlaps(m.start(), m.end()):
                continue  # a chip cluster owns it
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"list of outlets `({m.group('items')})` left where source links were", replacement="")


class DomainNameDuplicate(Rule):
    code = "CHP007"
    name = "domain-name-duplicate"
    severity = Severity.WARNING
    origin = "citelint/checks/chips.py"
    summary = "Finds an outlet given twice, as a domain and a name: `Ndtv.com (NDTV)`."
    why = "Chip labels show a domain and the outlet's name together; in copy, keep one (usually the name)."
    examples = [
        Example("The report was carried by Ndtv.com (NDTV) on Monday.\n"),
        Example("Visit example.com (a test site) for more.\n", trap=True),
    ]
    # One `re` scan for a domain's ending followed by a bracket, not eight substring searches.
    prefilter = (re.compile(r"\.(?:com|in|pk|co\.uk|org|net|tv|news)\b[ \t]*\(", re.I),)
    _DUP = LazyPattern(r"(?i)\b(?P<d>[a-z0-9-]+)\.(?:com|in|pk|co\.uk|org|net|tv|news)\b[ \t]*\((?P<n>[^)\n]{2,40})\)")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for m in _at_parens(text, self._DUP, 60, 48):
            d, n = normalize(m.group("d")), normalize(m.group("n")).replace(" ", "")
            if not n or not d.startswith(n):
                continue  # a domain and some other words in brackets
            if ctx.facts.chips.overlaps(m.start(), m.end()):
                continue  # a chip cluster owns it
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"outlet given as a domain and a name (`{m.group()}`): keep one")


# -- the analysis every chip rule reads (Facts.chips) -------------------------------

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
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def overlaps(self, start: int, end: int, kinds=("cluster", "chain", "link", "bracketed")) -> bool:
        """Whether prose[start:end] overlaps a chip of these kinds."""
        return any(a < end and start < b for k in kinds for a, b in self._spans.get(k, ()))


def analyse(ctx: Context, facts) -> ChipFacts:
    cf = ChipFacts()
    view = ctx.doc.prose
    text = view.text
    if "+" not in text or not _HAS_PLUS.search(text):
        return cf
    reg_known = lambda n: _known(ctx, n, cf.learned)  # noqa: E731
    # Chip links first: their names are chips beyond doubt.
    for link in list(ctx.doc.links) + _text_links(ctx):
        if link.kind not in ("markdown", "html") or link.text_start < 0 or "+" not in link.text:
            continue
        raw = ctx.doc.source[link.text_start:link.text_end]
        names = chip_names(raw) if "<" not in raw and "](" not in raw else chip_names(_strip_images(raw))
        if not names:
            continue
        keep = None if "<" in raw or "](" in raw or "[" in raw else _keep_name(ctx, names, link.url)
        cf.links.append((link, names, keep))
        cf.learned.update(normalize(n) for n in names)
    if "[" in text:
        for m in _BRACKET_CHIP.finditer(text):
            if not chip_names(m.group("label")):
                continue
            src = view.to_source(m.start(), m.end())
            if facts.link_text_at(src[0][0] + 1, src[-1][1] - 1) is not None:
                continue
            cf.bracketed.append((m.start(), m.end()))
    # Clusters after sentences.
    for line in _lines_with_plus(text):
        ls, le = line
        pos = ls
        for b in _BOUNDARY.finditer(text, ls, le):
            if b.start() < pos:
                continue
            c = parse_cluster(ctx, text, b.end(), reg_known)
            if c is None:
                continue
            c.start = _wrapped_name_start(text, b.start(), reg_known, c.names)
            if _in_link_text(view, facts, c.start, c.end) or any(
                    a < c.end and c.start < e for a, e in cf.bracketed):
                continue
            cf.clusters.append(c)
            pos = c.end
    for c in cf.clusters:
        if c.chips >= 2 or c.plists or any(reg_known(n) for n in c.names):
            c.confident = True
            cf.learned.update(normalize(n) for n in c.names)
    # Glued chains not already inside a cluster.
    cspans = [(c.start, c.end) for c in cf.clusters]
    for m in _chains(text):
        if any(a < m.end() and m.start() < b for a, b in cspans):
            continue
        names = regex.findall(r"(" + NAME + r")\+\d{1,2}", m.group())
        if any(is_stopname(n) for n in names):
            continue
        before = text[m.start() - 1:m.start()]
        if before and not before.isspace() and before not in ".!?)]\"'\u201d\ufffe":
            continue  # glued to a word: `B*BBC+1…`, `0x…+1`
        if _in_link_text(view, facts, m.start(), m.end()):
            continue
        start = _trim_leading_words(ctx, text, m.start(), m.group("name"), reg_known)
        s = start - 1 if start > 0 and text[start - 1] in " \t" else start
        cf.chains.append((s, m.end(), start))
        cf.learned.update(normalize(n) for n in names)
    taken = cspans + [(a, b) for a, b, _ in cf.chains]
    for start, end in _glued_slugs(ctx, text):
        if any(a < end and start < b for a, b in taken) or _in_link_text(view, facts, start, end):
            continue
        cf.chains.append((start, end, start))
    cf.chains.sort()
    confident_any = bool(cf.chains or cf.links or cf.bracketed or any(c.confident for c in cf.clusters))
    cf.confident = confident_any
    debris = confident_any or bool(facts.markup_codes)
    for c in cf.clusters:
        src = view.to_source(c.start, c.end)
        a, b = src[0][0], src[-1][1]
        if facts.table_cell(a, b):
            c.structural = "table cell"
        elif not c.confident and (facts.is_list_item(a, b) or facts.is_heading(a, b)):
            c.structural = "list item"
        if not c.confident and debris and not c.structural:
            c.confident = True
    cf._spans = {"cluster": cspans, "chain": [(s, e) for s, e, _ in cf.chains],
                 "bracketed": list(cf.bracketed),
                 "link": [_view_span(view, lk.text_start, lk.text_end) for lk, _, _ in cf.links]}
    return cf


_MD_LINK_IN_TEXT = LazyPattern(r"\[(?P<label>[^\[\]\n]{1,120})\]\((?P<url>https?://[^)\s]+)\)")


def _text_links(ctx: Context) -> list:
    """Markdown-shaped links pasted into a plain-text draft (`[AP News+1](https://…)`)."""
    if ctx.doc.kind != "text" or "](" not in ctx.doc.prose.text:
        return []
    from ..document import Link
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


def _glued_slugs(ctx: Context, text: str):
    """(start, end) of a chip slug glued to the last word: `modelbloomberg+2`,
    `latencydocs.python+1`. The slug is a known outlet's name or host label,
    or a host with a common subdomain; the word before it stays."""
    reg = registry(ctx)
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


def _view_span(view, start: int, end: int) -> tuple[int, int]:
    """Prose offsets of a source span (identity views: the same numbers)."""
    if view.identity:
        return start, end
    # HTML: find the view positions whose source falls in the span
    lo = hi = None
    for vs, ss, vl, sl in view._segs:
        if ss + sl <= start or ss >= end:
            continue
        a = vs + max(0, start - ss) if vl == sl else vs
        b = vs + min(vl, end - ss) if vl == sl else vs + vl
        lo = a if lo is None else min(lo, a)
        hi = b if hi is None else max(hi, b)
    return (lo or 0, hi or 0)


def _in_link_text(view, facts, start: int, end: int) -> bool:
    src = view.to_source(start, end)
    a, b = src[0][0], src[-1][1]
    return facts.link_text_at(a, a) is not None or facts.link_text_at(b, b) is not None


def _keep_name(ctx: Context, names: list[str], url: str) -> str:
    """The chip whose outlet owns the link's domain; else the first."""
    from ..outlets.urls import unwrap
    reg = registry(ctx)
    linked = reg.by_domain(unwrap(url)) if url else None
    if linked is not None:
        for n in names:
            if any(o is linked or reg.related(o, linked) for o in reg.lookup_name(n)):
                return n
            if is_domain(n) and reg.by_domain("https://" + n) is linked:
                return n
    return names[0]


def _platform(ctx: Context, name: str) -> bool:
    """A name that only a platform answers to (`Instagram`, `TikTok`)."""
    found = registry(ctx).lookup_name(name.strip().strip("*").strip())
    return bool(found) and all(o.is_platform for o in found)


def _known(ctx: Context, name: str, learned: set[str]) -> bool:
    n = name.strip().strip("*").strip()
    if not n:
        return False
    reg = registry(ctx)
    return bool(reg.forms(n)) or is_domain(n) or normalize(n) in learned or bool(reg.garbled(n))
