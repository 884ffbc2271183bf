"""Attribution (ATR): outlets named in a garbled form, links that go to a
different outlet than the one named, and outlet handles used in place of names."""
from __future__ import annotations


from ..model import Safety, Severity
from ..outlets.registry import garble_variants
from ..prefilter import Needs
from ..rule import Context, Example, Rule
from .common import outlets_for, registry
from .social import uncredited_handles
from ..patterns import LazyRe

def _garble_hits(text: str, forms: dict):
    """(start, end, form) for each whole-word occurrence of a garbled form.
    A handful of substring searches: far cheaper than a regex over every article."""
    for variant, form in forms.items():
        i = text.find(variant)
        while i >= 0:
            j = i + len(variant)
            before = text[i - 1] if i else " "
            after = text[j] if j < len(text) else " "
            if not (before.isalnum() or before in "@#./" or after.isalnum()):
                yield i, j, form
            i = text.find(variant, j)


class NonCanonicalOutletName(Rule):
    code = "ATR001"
    name = "non-canonical-outlet-name"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    fix_title = "Use the outlet's own name"
    quotes = "skip"
    origin = "citelint/checks/attribution.py"
    prefilter_reads = "prose"
    summary = "Finds an outlet credited under a known garbled name, `PA Today` for Pakistan Today, `Ndtv` for NDTV, and suggests its own name."
    why = ("Credits must name the outlet the way it names itself. Only forms credited as a source count (after "
           "\"according to\", before \"reported\", in brackets). Re-cased acronyms such as `Nato` or `Tass` are a "
           "house style, not a garble, so only the forms the registry lists as garbles are reported. "
           "The fix rewrites a credit, so it is unsafe.")
    examples = [
        Example("According to PA Today, attacks continue.\n", "According to Pakistan Today, attacks continue.\n"),
        Example("Ndtv reported the clash on Monday.\n", "NDTV reported the clash on Monday.\n"),
        Example("Boom. The market rose. According to NDTV, it held.\n", trap=True),
        Example("\"Ndtv said it,\" he wrote.\n", trap=True),
    ]

    def prefilter_for(self, settings) -> tuple[str, ...]:
        # The garbles are registry data (a newsroom's outlet files may add some).
        return garble_variants(tuple(getattr(settings, "outlets", ()) or ()))

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        from ..outlets.matcher import has_cue  # deferred
        for start, end, form in sorted(_garble_hits(text, registry(ctx).garble_variants())):
            canonical, seen = form.outlet.name, text[start:end]
            if seen == canonical or not has_cue(text, start, end):
                continue
            if ctx.facts.chips.overlaps(start, end):
                continue
            yield ctx.finding(self, view, start, end, f"`{seen}` is not how {canonical} names itself: "
                              f"write \"{canonical}\"", replacement=canonical)


# A Markdown link's text (with no bracket in it: no outlet's name has one), and
# the text of a raw-HTML anchor (with no tag in it), as the source holds them.
_LINK_TEXT = LazyRe(r"\[([^\[\]]*)\]\(")
_ANCHOR_CLOSE = LazyRe(r"</[aA][\s/>]")


def _names_an_outlet(outlets, texts) -> bool:
    """Whether one of the link texts is, as ATR002 reads it, an outlet's name."""
    for text in texts:
        label = text.strip().strip("*_").strip()
        if label and len(label) <= 60 and outlets.named(label) and \
                any(not o.is_platform for o in outlets.registry.lookup_name(label)):
            return True
    return False


def _anchor_texts(text: str):
    """The text of each raw-HTML anchor that holds no tag: from the `>` before
    its closing tag (found first: they are few) to that tag."""
    last = 0  # where the previous closing tag began: its `<` lies between any earlier `>` and this tag
    for m in _ANCHOR_CLOSE.finditer(text):
        i = m.start()
        opened = text.rfind(">", last, i)  # (searched back no further: `</a </a …` stays linear)
        if opened >= 0 and text.rfind("<", opened, i) < 0:
            yield text[opened + 1:i]
        last = i


class LinkOutletMismatch(Rule):
    code = "ATR002"
    name = "link-outlet-mismatch"
    severity = Severity.WARNING
    origin = "citelint/checks/attribution.py"
    prefilter_reads = "markup"
    summary = "Finds a link whose text names one outlet while the link goes to another: `[Reuters](https://www.dawn.com/…)`."
    why = ("The credit and the source disagree, so one of them is wrong. Archive, AMP and redirect links are "
           "unwrapped first; sister outlets and a paper linking a wire story it carries are not mismatches.")
    examples = [
        Example("As [Reuters](https://www.dawn.com/news/1945000) reported, talks failed.\n", format="markdown"),
        Example("<p>As <a href=\"https://www.dawn.com/news/1\">Reuters</a> reported.</p>\n", format="html"),
        Example("As [Dawn](https://web.archive.org/web/2024/https://www.dawn.com/news/1) reported.\n",
                trap=True, format="markdown"),
        Example("As [Dawn](https://www.reuters.com/world/x) reported, citing Reuters.\n", trap=True, format="markdown"),
        Example("See [the report](https://www.dawn.com/news/1) and [Reuters](https://bit.ly/x).\n",
                trap=True, format="markdown"),
    ]

    def prefilter_for(self, settings) -> tuple:
        # A link whose text names an outlet: in Markdown, looked up before any view is
        # built; an HTML page's anchors are read from its text, tags and entities
        # decoded, so any anchor lets the rule run. (Plain text has no link texts.)
        outlets = outlets_for(settings)
        return (Needs("](", test=lambda text: _names_an_outlet(outlets, (m.group(1) for m in _LINK_TEXT.finditer(text))),
                      kinds=("markdown",)),
                Needs(("</a", "</A"), pattern=r"</[aA][\s/>]", kinds=("html",)),
                Needs(("</a", "</A"), test=lambda text: _names_an_outlet(outlets, _anchor_texts(text)),
                      kinds=("markdown",)))

    def check(self, ctx: Context):
        from ..outlets.urls import is_shortener, unwrap  # deferred
        reg = None
        for link in ctx.doc.links:
            if not link.text or link.kind not in ("markdown", "html"):
                continue
            label = link.text.strip().strip("*_").strip()
            if not label or len(label) > 60:
                continue
            reg = reg or registry(ctx)
            named = [o for o in reg.lookup_name(label) if not o.is_platform]
            if not named:
                continue
            target = unwrap(link.url)
            if is_shortener(target):
                continue
            linked = reg.by_domain(target)
            if linked is None or linked.is_platform:
                continue
            if any(reg.related(n, linked) for n in named):
                continue
            if linked.kind == "agency" and not any(n.kind == "agency" for n in named):
                continue  # a paper credited for wire copy it carries: syndication, not a mismatch
            n = named[0]
            yield ctx.finding(self, ctx.raw, link.text_start, link.text_end,
                              f"link text names {n.name} but the link goes to {linked.name}", url=link.url)


_HANDLE_TEXT = LazyRe(r"@([A-Za-z0-9_]{2,15})")  # social._HANDLE's handle, as the source holds it


class OutletHandle(Rule):
    code = "ATR003"
    name = "outlet-handle"
    severity = Severity.INFO
    fix_safety = Safety.UNSAFE
    fix_title = "Name the outlet"
    quotes = "skip"
    origin = "citelint/checks/attribution.py"
    prefilter_reads = "prose"
    summary = "Finds a known outlet's social handle used in body text, `@dawn_com`, and suggests the outlet's name."
    why = ("News copy credits outlets by name; a handle reads as a pasted post. Credits (`Dawn (@dawn_com)`, "
           "`follow @dawn_com on X`), stories about the account (`the @washingtonpost TikTok account`), link text and "
           "real embeds are left alone.")
    examples = [
        Example("The story was first carried by @dawn_com on Sunday.\n",
                "The story was first carried by Dawn on Sunday.\n"),
        Example("Dawn (@dawn_com) carried it. Mail press@dawn.com.\n", trap=True),
        Example("The @washingtonpost TikTok account grew. Follow @dawn_com on X. "
                "[@dawn_com](https://twitter.com/dawn_com) posted.\n", trap=True, format="markdown"),
    ]

    def prefilter_for(self, settings) -> tuple:
        outlets = outlets_for(settings)  # a registered outlet's handle
        return (Needs("@", test=lambda text: any(outlets.index.by_handle(m.group(1))
                                                 for m in _HANDLE_TEXT.finditer(text))),)

    def check(self, ctx: Context):
        view = ctx.doc.prose
        for m, o in uncredited_handles(ctx):
            if o is None:
                continue
            yield ctx.finding(self, view, m.start(), m.end(), f"`{m.group()}` is {o.name}'s handle: name the outlet",
                              replacement=o.name)
