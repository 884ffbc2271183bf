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
from ..facts.chips import platform, split_items
from ..prefilter import Needs
from .common import CHIPS, DIGIT, known_outlet, outlets_for
from ..patterns import LazyRe


class ChipCluster(Rule):
    code = "CHP002"
    name = "source-chip-cluster"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the chips"
    origin = "citelint/checks/chips.py"
    prefilter_reads = "prose"
    prefilter = (CHIPS,)  # a count: `+` and a digit
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


class GluedChipChain(Rule):
    code = "CHP001"
    name = "glued-chip-chain"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the chain"
    origin = "citelint/checks/chips.py"
    prefilter_reads = "prose"
    prefilter = (CHIPS,)  # a count: `+` and a digit
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


class LoneChipCount(Rule):
    code = "CHP003"
    name = "lone-chip-count"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the line"
    origin = "citelint/checks/chips.py"
    prefilter_reads = "prose"
    prefilter = (CHIPS,)  # a count: `+` and a digit
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
        after_prose = {m.start() for m in lone if _prose_line_before(text, m.start())}
        for m in lone:
            if ctx.facts.debris:
                yield ctx.finding(self, view, m.start(), m.end(), "chip count left on a line of its own",
                                  replacement="")
            elif len(after_prose) >= 2 and m.start() in after_prose:
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
    prefilter_reads = "prose"
    prefilter = (CHIPS,)  # a count: `+` and a digit
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
    prefilter_reads = "prose"
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

    def prefilter_for(self, settings) -> tuple:
        # A bracketed list closing its line (or its line's chip count), every item of
        # which could be an outlet; with chips in the draft, any name could be one.
        outlets = outlets_for(settings)

        def outlet_list(text: str) -> bool:
            for m in _PAREN_LIST.finditer(text):
                items = split_items(m.group(1))
                if len(items) >= 2 and (all(outlets.maybe(i) for i in items) or CHIPS.search(text)):
                    return True
            return False
        return (Needs("(", test=outlet_list),)

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for m in _at_parens(text, self._PAREN, 1, None):
            items = split_items(m.group("items"))
            if len(items) < 2 or not all(known_outlet(ctx, i) and not platform(ctx, i) for i in items):
                continue  # `(Karachi, Lahore)`; `(Instagram, TikTok)` names platforms, not sources
            if ctx.facts.chips.overlaps(m.start(), m.end()):
                continue  # a chip cluster owns it
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"list of outlets `({m.group('items')})` left where source links were", replacement="")


# _PAREN as the source holds it: a bracket with a comma inside, closing its line.
_PAREN_LIST = LazyRe(r"\(([^(),\n]*+,[^()\n]*+)\)[ \t]*+[,.;]?[ \t]*+(?:\+" + DIGIT + r"{1,2}[.,]?)?[ \t]*+(?:[\r\n]|\Z)")


_DOMAIN_ENDS = (".com", ".in", ".pk", ".co.uk", ".org", ".net", ".tv", ".news")


def _domain_then_bracket(text: str) -> bool:
    """Whether a `(` follows, after spaces, one of _DUP's domain endings in any
    case (case-folded, as `(?i)` matches: `ſ` reads as `s`)."""
    i = text.find("(")
    while i >= 0:
        j = i
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if text[max(0, j - 8):j].casefold().endswith(_DOMAIN_ENDS):
            return True
        i = text.find("(", i + 1)
    return False


class DomainNameDuplicate(Rule):
    code = "CHP007"
    name = "domain-name-duplicate"
    severity = Severity.WARNING
    origin = "citelint/checks/chips.py"
    prefilter_reads = "prose"
    summary = "Finds an outlet given twice, as a domain and a name: `Ndtv.com (NDTV)`."
    why = "Chip labels show a domain and the outlet's name together; in copy, keep one (usually the name)."
    examples = [
        Example("The report was carried by Ndtv.com (NDTV) on Monday.\n"),
        Example("Visit example.com (a test site) for more.\n", trap=True),
    ]
    # A domain's ending before a bracket. In plain text brackets are few: each is
    # asked what comes before it. Markdown holds one a link: one `re` scan there.
    prefilter = (Needs("(", test=lambda text: _domain_then_bracket(text), kinds=("text",)),
                 Needs("(", pattern=r"\.(?:com|in|pk|co\.uk|org|net|tv|news)\b[ \t]*\(", flags=re.I,
                       kinds=("markdown", "html")))
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
