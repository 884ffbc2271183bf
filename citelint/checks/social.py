"""Social-media residue (SOC): embed chrome, stray handles and hashtags,
near-duplicate handles, and sentences that point at an embed that is not there."""
from __future__ import annotations


from ..model import Safety, Severity
from ..prefilter import Needs, debris_possible
from ..rule import Context, Example, LazyPattern, Rule
from ..rule import lazy_regex as regex
from ..scan import finditer_lines
from .common import CHIPS, registry, sentence_span
from ..patterns import LazyRe

_HANDLE = LazyPattern(r"(?<![\w.@/\\])@(?P<h>[A-Za-z0-9_]{2,15})(?![\w@\\]|-\w|\.[A-Za-z]{2,}\b)")
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# Words around a handle that make it a deliberate credit or the subject of the story.
_PLATFORMS = r"(?:twitter|x|instagram|mastodon|github|tiktok|threads|bluesky|facebook|linkedin|youtube|telegram)"
_CREDIT_BEFORE = LazyPattern(
    r"(?i)(?:\b(?:follow(?:ing|ed|s)?(?: us| me| them)?(?: on " + _PLATFORMS + r")?(?: at)?|thanks?(?: to)?|thank you"
    r"|cc|ping|dm|contact|handle|account|username|the|its|his|her|their|our|your|" + _PLATFORMS + r"[ \t]*:?)"
    r"|\()[ \t]*(?:\*\*|\*|_)?$")
_CREDIT_AFTER = LazyPattern(
    r"(?i)(?:\*\*|\*|_)?[ \t]*(?:\)|(?:on|at|via)[ \t]+" + _PLATFORMS + r"\b|(?:'s|\u2019s)?[ \t]*(?:" + _PLATFORMS +
    r"[ \t]+)?(?:account|handle|feed|page|channel|profile)\b|" + _PLATFORMS + r"\b)")


# _HANDLE's start as the source holds it; and what a pasted post leaves (social_residue).
# (No look behind: `re` reads `\w` wider than `regex` does, `¹` is one to it, so
# a look behind for one would turn away a handle the rule reads.)
_HANDLE_START = LazyRe(r"@[A-Za-z0-9_]{2}")
_RESIDUE_NEEDLES = ("pic.twitter.com/", "nstagram", "NSTAGRAM", "(@")


def _paste_or_debris(text: str) -> bool:
    """What makes a handle or hashtag a stray: a pasted post's residue, or assistant debris."""
    return any(n in text for n in _RESIDUE_NEEDLES) or debris_possible(text, CHIPS)





def uncredited_handles(ctx: Context):
    """(match, outlet or None) for each handle that is neither a link's text,
    inside a social embed, nor a credit or the subject of its sentence."""
    text = ctx.doc.prose.text
    reg = None
    for m in deliberate_free_handles(ctx):
        before = text[max(0, m.start() - 40):m.start()]
        if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(text, m.end(), m.end() + 20):
            continue  # "Name (@handle)", "follow @desk on X", "the @post TikTok account"
        reg = reg or registry(ctx)
        yield m, reg.by_handle(m.group("h"))


def deliberate_free_handles(ctx: Context) -> list:
    """Handles outside link text, link labels and social embeds."""
    if "free_handles" not in ctx.cache:
        view = ctx.doc.prose
        text = view.text
        facts = ctx.facts
        out = []
        for m in handles(ctx):
            src = view.to_source(m.start(), m.end())
            a, b = src[0][0], src[-1][1]
            if facts.link_text_at(a, b) is not None or facts.in_embed(a, b) or _in_label(text, m.start(), m.end()):
                continue
            out.append(m)
        ctx.cache["free_handles"] = out
    return ctx.cache["free_handles"]


def _in_label(text: str, start: int, end: int) -> bool:
    """Whether the handle is inside `[…]` that is link syntax (`[@x]: url`, `[@x][]`, `[@x](url)`)."""
    o = text.rfind("[", max(0, start - 200), start)
    if o < 0 or "]" in text[o:start] or "\n" in text[o:start]:
        return False
    c = text.find("]", end, end + 200)
    return c >= 0 and "\n" not in text[end:c] and text[c + 1:c + 2] in ("(", "[", ":")


def handles(ctx: Context) -> list[regex.Match]:
    if "handles" not in ctx.cache:
        text = ctx.doc.prose.text
        ctx.cache["handles"] = list(_HANDLE.finditer(text)) if "@" in text else []
    return ctx.cache["handles"]


_BYLINE_RE = (r"(?m)^[ \t]*(?:[\u2014\u2013-]{1,2}[ \t]*[^\n(]{1,80})?\(@[A-Za-z0-9_]{1,15}\)[ \t]*" + _MONTHS +
              r"[ \t]+\d{1,2},[ \t]*\d{4}[ \t]*$")
_RESIDUE = LazyPattern(r"(?mi)\bpic\.twitter\.com/[A-Za-z0-9]+|^[ \t]*View this post on Instagram[ \t]*$|"
                       + _BYLINE_RE[4:])


def social_residue(ctx: Context) -> bool:
    """Whether a post was pasted as text here: embed chrome or a post's byline
    outside any real embed. (Handles and hashtags count as strays only then.)"""
    if "social_residue" not in ctx.cache:
        view = ctx.doc.prose
        text = view.text
        found = False
        if "pic.twitter.com/" in text or "nstagram" in text or "(@" in text:
            for m in _RESIDUE.finditer(text):
                src = view.to_source(m.start(), m.end())
                if not ctx.facts.in_embed(src[0][0], src[-1][1]):
                    found = True
                    break
        ctx.cache["social_residue"] = found
    return ctx.cache["social_residue"]


class EmbedChrome(Rule):
    code = "SOC001"
    name = "embed-chrome"
    severity = Severity.ERROR
    fix_safety = Safety.SAFE
    fix_title = "Delete the embed chrome"
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    summary = "Finds the text an embedded post leaves when a web page is copied: `pic.twitter.com/…` links and `View this post on Instagram` lines."
    why = ("They are the embed's furniture, not the post; in print they are noise. The post itself needs re-embedding "
           "or quoting. Inside a real embed (an embed blockquote, a shortcode, a Markdown blockquote citing the post) "
           "they are the publisher's markup and are left alone; in a whole tweet pasted flat (followed by its byline) "
           "the fix is unsafe, since the writer chose to keep the post.")
    examples = [
        Example("She forgot to delete the prompt pic.twitter.com/vhn5yGGfjs\n", "She forgot to delete the prompt\n"),
        Example("Intro.\nView this post on Instagram\nMore.\n", "Intro.\nMore.\n"),
        Example("We shipped it! pic.twitter.com/AbC123 \u2014 Desk Team (@desk) May 1, 2020\n",
                "We shipped it! \u2014 Desk Team (@desk) May 1, 2020\n"),
        Example("Twitter's picture host was pic.twitter dot com.\n", trap=True),
        Example('<blockquote class="twitter-tweet"><p>We shipped it! pic.twitter.com/AbC123</p>&mdash; Team '
                '(@team) <a href="https://twitter.com/team/status/1">May 1, 2020</a></blockquote>\n',
                trap=True, format="markdown"),
        Example('{{< tweet user="team" id="1" >}}\n\n> We shipped it! pic.twitter.com/AbC123\n> '
                '\u2014 Team (@team) [May 1, 2020](https://twitter.com/team/status/1)\n', trap=True, format="markdown"),
    ]
    _PIC = LazyPattern(r"[ \t]?\bpic\.twitter\.com/[A-Za-z0-9]+")
    _LINE = LazyPattern(r"(?mi)^[ \t]*(?:View this post on Instagram|A (?:post|photo|video) (?:shared|posted) by "
                        r"[^\n]{1,80}\(@[\w.]{1,30}\)[^\n]{0,40})[ \t]*$\n?")
    prefilter = ("pic.twitter.com/", "nstagram", "NSTAGRAM", "(@")
    _LINE_NEEDLES = ("nstagram", "NSTAGRAM", "(@")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        found = list(self._PIC.finditer(text)) if "pic.twitter.com/" in text else []
        # Instagram chrome is a whole line: read only lines that could be one.
        found.extend(finditer_lines(self._LINE, text, self._LINE_NEEDLES))
        seen = set()
        for m in sorted(found, key=lambda m: m.start()):
            if m.start() in seen:
                continue
            seen.add(m.start())
            src = view.to_source(m.start(), m.end())
            if ctx.facts.in_embed(src[0][0], src[-1][1]):
                continue  # a real embed's own markup: the publisher's choice
            flattened = EmbeddedPostByline._BYLINE.search(text, m.end(), min(len(text), m.end() + 200)) is not None \
                and "\n" not in text[m.end():m.end() + 2]
            # The picture link of a whole tweet pasted flat is the writer's to remove (unsafe).
            yield ctx.finding(self, view, m.start(), m.end(), f"embedded-post chrome `{m.group().strip()}`",
                              replacement="", safety=Safety.UNSAFE if flattened else None)


class EmbeddedPostByline(Rule):
    code = "SOC006"
    name = "embedded-post-byline"
    severity = Severity.WARNING
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    prefilter = ("(@",)
    summary = "Finds a pasted tweet byline such as `— Arfa Khan (@thearfakhan) November 12, 2025`."
    why = "An embedded post was copied as text. Re-embed it, or quote it and attribute it in words."
    examples = [
        Example("The reaction was swift.\n— Arfa Khan (@thearfakhan) November 12, 2025\n"),
        Example("(@ufff_areesha) November 12, 2025\n"),
        Example("> We shipped it!\n> &mdash; Desk (@desk)[](https://twitter.com/desk/status/1)\n", format="markdown"),
        Example("We shipped it! pic.twitter.com/AbC123 \u2014 Desk Team (@desk) May 1, 2020\n"),
        Example("— Reuters\nHe said — quietly — it was over.\n", trap=True),
        Example('<blockquote class="twitter-tweet"><p>We shipped it!</p>&mdash; Desk (@desk) '
                '<a href="https://twitter.com/desk/status/1">May 1, 2020</a></blockquote>\n', trap=True,
                format="markdown"),
    ]
    _BYLINE = LazyPattern(
        r"(?m)(?:^[ \t]*(?:>[ \t]*)*|(?<=pic\.twitter\.com/\w{1,20})[ \t]+)"
        r"(?:(?:[\u2014\u2013-]{1,2}|&mdash;|&#8212;)[ \t]*[^\n(]{1,80})?\(@[A-Za-z0-9_]{1,15}\)[ \t]*"
        r"(?:" + _MONTHS + r"[ \t]+\d{1,2},[ \t]*\d{4}"
        r"|\[[^\]\n]{0,40}\]\(https?://(?:mobile\.|www\.)?(?:twitter|x)\.com/\w+/status/\d+[^)\s]*\))[ \t]*$")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        if "(@" not in view.text:
            return
        for m in self._BYLINE.finditer(view.text):
            src = view.to_source(m.start(), m.end())
            if ctx.facts.in_embed(src[0][0], src[-1][1], markup_only=True):
                continue  # a real embed: its byline is its own
            yield ctx.finding(self, view, m.start(), m.end(),
                              "embedded post pasted as text: re-embed it or quote and attribute it")


class StrayHandle(Rule):
    code = "SOC002"
    name = "stray-handle"
    severity = Severity.INFO
    quotes = "skip"
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    prefilter = (Needs("@", test=lambda text: _HANDLE_START.search(text) is not None and _paste_or_debris(text),
                       late=True),)
    summary = ("Finds social-media handles in body text of a draft that shows a pasted post (embed chrome or a post's "
               "byline outside a real embed) or assistant debris.")
    why = ("News style names people and outlets; a bare handle is often left from a pasted post. It is only "
           "information: a handle can be the story (`@ImranKhanPTI wrote…`). Handles that are a link's text, inside "
           "a real embed, in quotes, or credits (`Name (@handle)`, `follow @desk on X`, `the @desk account`) are "
           "left alone, and so is every handle of a draft with no sign of a paste.")
    examples = [
        Example("The post was shared by @mathrubhumi on Sunday. pic.twitter.com/vhn5yGGfjs\n"),
        Example("The post was shared by @mathrubhumi on Sunday.\n", trap=True),
        Example("Dana Roe ([@danaroe](https://twitter.com/danaroe)) wrote it; follow @desk on X; the @washingtonpost "
                "TikTok account grew. pic.twitter.com/vhn5yGGfjs\n", trap=True, format="markdown"),
        Example("Mail @city\\_desk or @news-team. pic.twitter.com/vhn5yGGfjs\n", trap=True, format="markdown"),
        Example("Write to press@dawn.com. Tickets @ Rs 500. Arfa Khan (@thearfakhan) said so.\n", trap=True),
        Example("He tweeted: \"Thanks @friend for the help.\"\n", trap=True),
    ]

    def check(self, ctx: Context):
        view = ctx.doc.prose
        strays = [m for m, outlet in uncredited_handles(ctx) if outlet is None]  # outlets': ATR003
        if not strays or not (social_residue(ctx) or ctx.facts.debris):
            return  # a human-edited draft's handles are its own
        for m in strays:
            yield ctx.finding(self, view, m.start(), m.end(), f"social handle `{m.group()}` in body text")


class StrayHashtag(Rule):
    code = "SOC003"
    name = "stray-hashtag"
    severity = Severity.INFO
    quotes = "skip"
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    # "#" then a letter (Markdown headings put "# " in nearly every article), in a
    # draft that shows a pasted post or debris.
    prefilter = (Needs("#", test=lambda text: _HASHTAG.search(text) is not None and _paste_or_debris(text),
                       late=True),)
    summary = "Finds hashtags pasted from a post: in a run of hashtags, at the end of a line, or beside a pasted post."
    why = ("Hashtags copied with a post are noise in print. Only a draft that shows a pasted post or assistant "
           "debris is read; a hashtag discussed as a topic (`the #MeToo movement`), a link's text, a real embed, "
           "`#include` and IRC channels are left alone.")
    examples = [
        Example("Readers mocked the paper #DawnGPT\npic.twitter.com/vhn5yGGfjs\n"),
        Example("Backstage photos #vsfs2016 #victoriasecrets appeared. pic.twitter.com/vhn5yGGfjs\n"),
        Example("The #MeToo movement grew. She ranked #1. C# developers. Use &#8211; here.\n", trap=True),
        Example("Join us on #rust-lang or #python\nThe answer was #blessed #grateful\n", trap=True),
        Example("Add #include\n pic.twitter.com/vhn5yGGfjs\n", trap=True),
    ]
    _TAG = LazyPattern(r"(?<![\w&/#])#(?P<t>[\p{L}_][\p{L}\p{N}_]{1,60})")

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if "#" not in text:
            return
        tags = list(self._TAG.finditer(text))
        if not tags or not (social_residue(ctx) or ctx.facts.debris):
            return
        for i, m in enumerate(tags):
            before = text[max(0, m.start() - 5):m.start()].lower()
            if regex.search(r"\b(?:the|a|an|on|in|channel)\s$", before) or m.group("t") in _CODE_WORDS:
                continue
            src = view.to_source(m.start(), m.end())
            if ctx.facts.link_text_at(src[0][0], src[-1][1]) or ctx.facts.in_embed(src[0][0], src[-1][1]):
                continue
            at_line_end = regex.match(r"[ \t]*(?:\n|$)", text, pos=m.end()) is not None
            in_run = _in_run(tags, i)
            near_post = "pic.twitter.com" in text[m.end():m.end() + 40]
            if not (at_line_end or in_run or near_post):
                continue
            yield ctx.finding(self, view, m.start(), m.end(), f"hashtag `{m.group()}` pasted from a post")


_HASHTAG = LazyRe(r"#[^\W\d]\w")


def _in_run(tags: list, i: int) -> bool:
    """Whether tag i has another at most one character away. The tags are in
    order and do not overlap, so only its neighbours can be that close."""
    m = tags[i]
    return (i > 0 and m.start() - tags[i - 1].end() <= 1) or \
        (i + 1 < len(tags) and tags[i + 1].start() - m.end() <= 1)


_CODE_WORDS = frozenset({"include", "define", "ifdef", "ifndef", "endif", "pragma", "import", "undef", "if",
                         "else", "elif", "error", "region", "endregion"})


def _points_at_post(ctx: Context) -> bool:
    """Whether a sentence points at a post that is not there ("confirmed this tweet")."""
    text = ctx.doc.prose.text
    return any(n in text for n in MissingEmbedReference._NOUNS) and \
        next(MissingEmbedReference()._matches(text), None) is not None and not ctx.facts.embeds


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


class NearDuplicateHandle(Rule):
    code = "SOC004"
    name = "near-duplicate-handle"
    severity = Severity.WARNING
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    prefilter = (Needs("@", test=lambda text: _HANDLE_START.search(text) is not None and (
        _paste_or_debris(text) or _POINTER.search(text) or _POINTER_TO_HANDLE.search(text)), late=True),)
    summary = "Finds two handles in one draft that differ by a typo: `@mathrubhumi` and `@matthrubhumi`."
    why = "One of them is probably wrong, and a wrong handle credits a stranger. Either spelling could be the real account, so it is only reported."
    examples = [
        Example("@mathrubhumi has confirmed this tweet from @matthrubhumi\n"),
        Example("@dawn_com and @geonews both ran it.\n", trap=True),
        Example("Activity grew on the @user-zh list; the @dev and @dev1 lists too.\n", trap=True),
    ]

    def check(self, ctx: Context):
        hs = deliberate_free_handles(ctx)
        if len(hs) < 2 or not (social_residue(ctx) or ctx.facts.debris or _points_at_post(ctx)):
            return  # `@user` and `@user1` mailing lists in a human post
        view = ctx.doc.prose
        reg = registry(ctx)
        first: dict[str, regex.Match] = {}
        for m in hs:
            first.setdefault(m.group("h").lower(), m)
        flagged = set()
        for b, partners in near_names(list(first)):
            b_known = reg.by_handle(b)
            for a in partners:
                # Flag the one that is not a known outlet's handle (else the later one), once.
                odd, other = (a, b) if b_known and not reg.by_handle(a) else (b, a)
                if odd not in flagged:
                    flagged.add(odd)
                    m = first[odd]
                    yield ctx.finding(self, view, m.start(), m.end(),
                                      f"`@{m.group('h')}` looks like a typo of `@{first[other].group('h')}`")
                if not b_known:
                    break  # b is the odd one of all its pairs: flagged once is enough


_BUCKET = 16      # names kept per deletion key...
_CANDIDATES = 64  # ...and earlier names compared with each name, at most


def near_names(names: list[str]):
    """(b, partners) for each name b, partners yielding (lazily, in order) the
    earlier names that differ from b by a typo: at most 1 edit for names up to 8
    characters, else 2 (Damerau-Levenshtein). Comparing every pair is quadratic
    (19 KB of distinct handles took 76 s), so a name is only compared with the
    earlier names that share a deletion variant (the name with up to that many
    characters deleted): two names within k edits always share one. Where more
    than _BUCKET names share a variant (a hostile draft), only the first are kept."""
    one: dict[str, list[int]] = {}     # one-deletion variants of every name
    long: dict[str, list[int]] = {}    # up to two deletions, of names of 9 letters or more
    mid: dict[str, list[int]] = {}     # up to two deletions, of names of 7 or 8 letters
    for j, b in enumerate(names):
        found: set[int] = set()
        _look(_deletions(b, 1), one, found, j)
        if len(b) >= 7:  # two edits are allowed when the longer name has 9 letters or more
            deeper = _deletions(b, 2)
            if len(b) >= 9:
                _look(deeper, mid, found)
            _look(deeper, long, found, j if len(b) >= 9 else None)
            if len(b) < 9:
                _look(deeper, mid, None, j)
        yield b, _partners(names, b, sorted(found)[:_CANDIDATES])


def _look(keys, buckets: dict, found: set | None, j: int | None = None) -> None:
    """Gather the names filed under `keys` into `found`; file name j under them."""
    for key in keys:
        bucket = buckets.get(key)
        if bucket is None:
            if j is not None:
                buckets[key] = [j]
            continue
        if found is not None and len(found) < _CANDIDATES:
            found.update(bucket)
        if j is not None and len(bucket) < _BUCKET:
            bucket.append(j)


def _partners(names: list[str], b: str, candidates: list[int]):
    for i in candidates:
        a = names[i]
        limit = 1 if max(len(a), len(b)) <= 8 else 2
        if abs(len(a) - len(b)) <= limit and _within(a, b, limit):
            yield a


def near_pairs(names: list[str]):
    """(a, b) for each two names, a before b, that differ by a typo (see near_names)."""
    for b, partners in near_names(names):
        for a in partners:
            yield a, b


def _within(a: str, b: str, limit: int) -> bool:
    """_distance(a, b) <= limit, measured on what differs: the common start and
    end of two near names are most of them, and cost nothing to compare."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[-1 - j] == b[-1 - j]:
        j += 1
    x, y = a[i:len(a) - j], b[i:len(b) - j]
    if len(x) <= 1 and len(y) <= 1 or (len(x) == len(y) == 2 and x == y[::-1]):
        return True  # one letter put for another, added, dropped or swapped with the next
    if limit == 1 or abs(len(x) - len(y)) > limit:
        return False
    return _distance(x, y) <= limit


def _deletions(word: str, k: int) -> set[str]:
    """`word` with up to k characters deleted."""
    out = {word}
    layer = {word}
    for _ in range(k):
        layer = {w[:i] + w[i + 1:] for w in layer for i in range(len(w))}
        out |= layer
    return out


# _DEICTIC's two shapes as the source holds them: a verb (every one ends in `ed`)
# pointing at a post, or a post "from" a handle.
# (Anchored at the `d`, the rarer letter, looking back for the `e`: a third faster than at `e`.)
_POINTER = Needs(pattern=r"d(?<=ed)\s+(?:this|the following|the above|that)\s+(?:tweet|post|video|reel|story)")
def _points_to_handle(text: str) -> bool:
    """`this tweet from @x`: read back from each `@` after a space (they are
    few), word by word, as _DEICTIC's second shape reads forward."""
    for m in _AT_AFTER_SPACE.finditer(text):
        j = _back_over_space(text, m.start())
        for words in (("from", "by"), ("tweet", "post"), ("this", "This", "the following", "The following")):
            w = next((w for w in words if text.endswith(w, 0, j)), None)
            if w is None:
                break
            j -= len(w)
            if words[0] != "this":
                k = _back_over_space(text, j)
                if k == j:
                    break  # `\s+` needs a space before the word
                j = k
        else:
            return True
    return False


def _back_over_space(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


_AT_AFTER_SPACE = LazyRe(r"@(?<=\s@)")
_POINTER_TO_HANDLE = Needs("@", test=_points_to_handle)


class MissingEmbedReference(Rule):
    code = "SOC005"
    name = "missing-embed-reference"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the sentence"
    origin = "citelint/checks/social.py"
    prefilter_reads = "prose"
    summary = "Finds sentences that point at an embedded post that is not there: `…has confirmed this tweet from @matthrubhumi`."
    why = ("\"This tweet\" refers to an embed that did not survive the paste, so the sentence means nothing to "
           "readers. The fix deletes the whole sentence, which only an editor can decide (unsafe).")
    examples = [
        Example("The Taliban deny it. @mathrubhumi has confirmed this tweet from @matthrubhumi\n",
                "The Taliban deny it.\n"),
        Example("The minister posted a video on Monday. Tweets were deleted.\n", trap=True),
    ]
    # Case-sensitive on purpose (only a leading capital varies): far faster than (?i).
    _DEICTIC = LazyPattern(
        r"\b(?:[Cc]onfirmed|[Ss]hared|[Pp]osted|[Dd]eleted|[Qq]uoted|[Rr]etweeted)\s+(?:this|the following|the above|that)"
        r"\s+(?:tweet|post|video|reel|story)\b|\b(?:[Tt]his|[Tt]he following)\s+(?:tweet|post)\s+(?:from|by)\s+@\w+")
    _NOUNS = ("tweet", "post", "video", "reel", "story")
    _DETERMINERS = ("this", "that", "following", "above", "This")
    prefilter = (_POINTER, _POINTER_TO_HANDLE)

    def _matches(self, text: str):
        """What `_DEICTIC.finditer` finds (where the determiner is within 24
        characters of its noun), searched for only around each noun: the nouns
        are common words, and trying the pattern at every position of an
        article costs far more than a few substring searches."""
        hits = []
        for noun in self._NOUNS:
            i = text.find(noun)
            while i >= 0:
                hits.append(i)
                i = text.find(noun, i + 1)
        done = 0
        for i in sorted(hits):
            if i < done:
                continue
            before = text[max(0, i - 24):i]
            if not any(d in before for d in self._DETERMINERS):
                continue  # "a post", "the story": no pointer at an embed
            # A match ends at its noun or soon after; it starts at most a verb,
            # "the following" and some spaces before it.
            m = self._DEICTIC.search(text, max(done, i - 80), i + 60)
            if m and m.start() <= i:
                done = m.end()
                yield m

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        if ctx.facts.embeds:
            return  # the draft embeds a post: "this tweet" may well be it
        done = -1
        for m in self._matches(text):
            s, e = sentence_span(text, m.start())
            if s < done:
                continue
            done = e
            start = s - 1 if s > 0 and text[s - 1] in " \t" else s
            yield ctx.finding(self, view, start, e, "refers to an embedded post that is not in the text",
                              replacement="")
