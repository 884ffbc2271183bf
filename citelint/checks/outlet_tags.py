"""Outlet tags and credit crumbs after a sentence (CHP006, CHP008, CHP009).

They name a real outlet, so deleting them removes an attribution: the fixes
are unsafe, for an editor to accept or to rewrite as "…, Geo News reported."
"""
from __future__ import annotations

from ..model import Safety, Severity

from ..outlets import normalize
from ..rule import Context, Example, LazyPattern, Rule
from ..rule import lazy_regex as regex
from ..scan import finditer_lines
from ..prefilter import Needs, per_text
from .common import CHIPS, known_outlet, line_span, outlets_for, registry, sentence_span
from ..patterns import LazyRe

_TAG = LazyPattern(r"(?m)[ \t]?\[(?P<o>[\p{Lu}][\p{L}\p{N}&'\u2019. \-]{1,40})\](?![(\[:])"
                     r"(?=[ \t]*[.,;:]?[ \t]*(?:$|\n))")


def _tags(ctx: Context, view, is_outlet):
    """Bracketed outlet tags closing a sentence that no earlier rule claimed and
    that are not Markdown reference links (`[Reuters]` with a definition)."""
    text = view.text
    if "[" not in text:
        return
    defined = {normalize(lk.label) for lk in ctx.doc.links if lk.kind == "definition"}
    for m in _TAG.finditer(text):
        name = m.group("o")
        if normalize(name) in defined or not is_outlet(name) or ctx.facts.chips.overlaps(m.start(), m.end()):
            continue  # a Markdown reference link, or part of a chip cluster
        yield m, name


# _TAG as the source holds it: a bracketed name (a letter first, or any character
# `re` may not know for one; then anything but brackets) closing its line, not a
# link or a link label.
_TAG_SOURCE = LazyRe(
    r"\[((?:[^\W\d_]|[^\x00-\x7f])[^\[\]\n]{1,40})\](?![(\[:])[ \t]*+[.,;:]?[ \t]*+(?:[\r\n]|\Z)")


def _tag_names(text: str) -> tuple:
    """The bracketed names closing a line (one scan for CHP006 and CHP008)."""
    return per_text(_tag_names, text, lambda t: tuple({m.group(1) for m in _TAG_SOURCE.finditer(t)}))


def _tag_needs(known) -> Needs:
    """A bracketed name closing its line that `known(text, name)` accepts."""
    return Needs("[", test=lambda text: any(known(text, name) for name in _tag_names(text)))


def _earlier_mentions(ctx: Context, text: str, start: int, outlet_name: str) -> bool:
    """Whether the sentence the tag follows names the same outlet."""
    p = start
    while p > 0 and text[p - 1] in " \t":
        p -= 1
    s, _ = sentence_span(text, max(0, p - 2))
    before = text[s:start]
    for o in registry(ctx).lookup_name(outlet_name):
        for form in (o.name, *o.aliases, *o.abbreviations):
            if len(form) > 2 and regex.search(r"(?<![\p{L}\p{N}])" + regex.escape(form) + r"(?![\p{L}\p{N}])", before):
                return True
    return False


def _after_sentence(line: str) -> bool:
    """Whether a sentence ends on the line before some space or tab (_CRUMB starts so)."""
    return _SENTENCE_THEN_SPACE.search(line) is not None


_SENTENCE_THEN_SPACE = LazyRe(r"[.!?][\"'\u201d]?[ \t]")


class RepeatedOutletTag(Rule):
    code = "CHP008"
    name = "repeated-outlet-tag"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the repeated tag"
    origin = "citelint/checks/outlet_tags.py"
    prefilter_reads = "prose"
    summary = "Finds an outlet tag after a sentence that already names that outlet: `According to Dawn, … [Dawn].`"
    why = "The sentence already attributes the claim; the trailing tag is a leftover chip and only repeats it."
    examples = [
        Example("According to Pakistan Today, attacks continue. [Pakistan Today].\n",
                "According to Pakistan Today, attacks continue.\n"),
        Example("Attacks continue. [Pakistan Today].\n", trap=True),
    ]

    def prefilter_for(self, settings) -> tuple:
        outlets = outlets_for(settings)
        return (_tag_needs(lambda text, name: outlets.named(name)),)

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for m, name in _tags(ctx, view, lambda n: bool(registry(ctx).forms(n))):
            if not _earlier_mentions(ctx, text, m.start(), name):
                continue
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"outlet tag `[{name}]` repeats the sentence's own attribution", replacement="")


class BracketedOutletTag(Rule):
    code = "CHP006"
    name = "bracketed-outlet-tag"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the tag (or attribute the outlet in words)"
    origin = "citelint/checks/outlet_tags.py"
    prefilter_reads = "prose"
    summary = "Finds a bracketed outlet name closing a sentence: `terrorists. [Geo News].`"
    why = ("A source chip whose link was stripped leaves the outlet's name in brackets. It is not how a news story "
           "attributes, but it does name a source, so deleting it is an editor's call (unsafe fix). Only known outlets "
           "(or names this draft used as chips) count: `[sic]`, `[Updated]` and editorial inserts are left alone.")
    examples = [
        Example("They acted against terrorists. [Geo News].\n", "They acted against terrorists.\n"),
        Example("They closed the crossings. [Geo News]\n", "They closed the crossings.\n"),
        Example("He said it was [sic] final. Story [Updated].\n", trap=True),
        Example("\"[The army] will respond,\" he said. [citation needed]\n", trap=True),
        Example("See [Reuters].\n\n[Reuters]: https://www.reuters.com/\n", trap=True, format="markdown"),
    ]

    def prefilter_for(self, settings) -> tuple:
        outlets = outlets_for(settings)  # with chips in the draft, any name could be one
        return (_tag_needs(lambda text, name: outlets.maybe(name) or CHIPS.search(text)),)

    def check(self, ctx: Context):
        view = ctx.doc.prose
        text = view.text
        for m, name in _tags(ctx, view, lambda n: known_outlet(ctx, n)):
            if registry(ctx).forms(name) and _earlier_mentions(ctx, text, m.start(), name):
                continue  # the sentence names it already: CHP008's case
            yield ctx.finding(self, view, m.start(), m.end(), f"bracketed outlet tag `[{name}]` after the sentence",
                              replacement="")


class TrailingCreditCrumb(Rule):
    code = "CHP009"
    name = "trailing-credit-crumb"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the crumb"
    origin = "citelint/checks/outlet_tags.py"
    prefilter_reads = "prose"
    summary = "Finds garbled credits after a sentence's end: `effectively. W. Dawn Page`, `effectively. via Dawn`."
    why = ("Card and favicon labels (a monogram letter, the outlet, a card type) paste as a crumb after the last "
           "sentence. It names an outlet, so deleting it needs an editor's eye. `Turn to page 3.` and "
           "`via video link` are not crumbs.")
    examples = [
        Example("They will address it effectively. W. Dawn Page\nNext.\n",
                "They will address it effectively.\nNext.\n"),
        Example("They will address it effectively. via Dawn\n", "They will address it effectively.\n"),
        Example("Turn to page 3.\nHe spoke via video link from London.\nHis Facebook Page\n", trap=True),
    ]
    _CRUMB = LazyPattern(
        r"(?m)(?<=[.!?][\"'\u201d]?)[ \t]+(?:[\p{Lu}]\.[ \t]+)?(?P<o>[\p{Lu}][\p{L}&'\u2019.]+(?: [\p{Lu}][\p{L}&'\u2019.]+){0,3})"
        r"[ \t]+(?:Page|page)[ \t]*$|(?<=[.!?][\"'\u201d]?)[ \t]+via[ \t]+(?P<o>[\p{Lu}][\p{L}&'\u2019. ]{1,40}?)[ \t]*$")

    # Where a crumb ends its line: `…Page` at the line's end, or `via` and a name.
    # Where a crumb ends its line: `…Page` at the line's end, or `via` and a name.
    _ENDS = (LazyRe(r"age[ \t]*+(?:[\r\n]|\Z)"), LazyRe(r"via[ \t]++[^\s\d]"))

    def prefilter_for(self, settings) -> tuple:
        outlets = outlets_for(settings)

        def crumb(end, text: str) -> bool:
            """A crumb on the line of some candidate, naming an outlet: the rule's
            own pattern, on that line of the source. Each line is read once, however
            many candidates it holds (a megabyte on one line stays linear)."""
            pos = 0
            while (m := end.search(text, pos)) is not None:
                start, stop = line_span(text, m.start())
                line = text[start:stop]
                if _after_sentence(line) and any(outlets.named(c.group("o").strip())
                                                 for c in self._CRUMB.finditer(line)):
                    return True
                pos = stop + 1
            return False
        # Each shape's own scan is its guard: `age` alone is in most articles.
        return tuple(Needs(test=lambda text, end=end: crumb(end, text)) for end in self._ENDS)

    def check(self, ctx: Context):
        view = ctx.doc.prose
        for m in finditer_lines(self._CRUMB, view.text, ("Page", "page", "via")):
            name = m.group("o").strip()
            if not registry(ctx).forms(name) or ctx.facts.chips.overlaps(m.start(), m.end()):
                continue
            yield ctx.finding(self, view, m.start(), m.end(),
                              f"stray credit crumb `{m.group().strip()}` after the sentence", replacement="")
