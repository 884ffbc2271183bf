"""Every rule's time grows in proportion to a hostile draft (issue 14, item 11).

For each rule of the rule set, and for generic hostile shapes (triggers
repeated with no closers, long single lines, thousands of handles, hashtags,
numbered markers, definitions, `ignore` comments), a draft of n characters and
one of 2n are checked, and the second must take less than three times as long
as the first: a quadratic rule takes four times as long. n is chosen for each
case so a run takes about 30 ms, with the garbage collector paused. Times are
processor times, so other processes on the machine do not count. A case that
looks bad is measured again (the fastest of a few runs of each size, in turn;
if it still looks bad, at 2n and 4n too), so a busy moment on a loaded machine
does not fail it, and the whole file stays near a minute. Nothing here is an
absolute time.
"""
from __future__ import annotations

import gc
import time

import pytest

from citelint.config import Settings
from citelint.engine import Linter
from citelint.ruleset import all_rules

RATIO = 3.0          # time(2n) / time(n) must stay under this
SUSPECT = 2.4        # a quick measure above this is measured again, carefully
TARGET = 0.03        # seconds one measured run of n characters aims at
FLOOR = 0.008        # runs faster than this are too quick to say anything
MAX_CHARS = 1_200_000
# Assistant debris and a pasted post: most rules read more of a draft that shows them.
DEBRIS = "Readers mocked it pic.twitter.com/AbC123 :contentReference[oaicite:1]{index=1}.\n"


def _timed(run, text: str) -> float:
    """The processor time one run takes: other processes on a loaded machine
    delay a run, but do not add to its processor time."""
    gc.disable()
    try:
        start = time.process_time()
        run(text)
        return time.process_time() - start
    finally:
        gc.enable()


def growth(run, make, target: float = TARGET) -> tuple[float, int, float, float]:
    """(time(2n) / time(n), n, time(n), time(2n)) for `run` over `make(n)`,
    n chosen so a run takes about `target` seconds."""
    run(make(1000))  # patterns compile on first use
    n, t = 4000, _timed(run, make(4000))
    while t < target / 8 and n < MAX_CHARS // 4:
        n *= 4
        t = _timed(run, make(n))
    n = int(min(MAX_CHARS // 2, max(n, n * target / max(t, 1e-4))))
    small, large = make(n), make(2 * n)
    gc.collect()
    t1, t2 = _timed(run, small), _timed(run, large)
    if t2 < FLOOR or t2 / t1 < SUSPECT:
        return t2 / max(t1, 1e-6), n, t1, t2
    t1, t2 = _fastest(run, small, large, t1, t2)
    if t2 / t1 < RATIO:
        return t2 / t1, n, t1, t2
    # Still slow: a quadratic step is slow at every size, a busy moment only at one.
    t3, t4 = _fastest(run, large, make(4 * n), t2, float("inf"))
    return (t4 / t3, 2 * n, t3, t4) if t4 / t3 < t2 / t1 else (t2 / t1, n, t1, t2)


def _fastest(run, small: str, large: str, t1: float, t2: float) -> tuple[float, float]:
    """The fastest of three more runs of each, the two sizes in turn."""
    for _ in range(3):
        gc.collect()
        t1, t2 = min(t1, _timed(run, small)), min(t2, _timed(run, large))
    return t1, t2


def assert_linear(run, make, what: str, target: float = TARGET) -> None:
    ratio, n, t1, t2 = growth(run, make, target)
    assert t2 < FLOOR or ratio < RATIO, (
        f"{what}: {t1 * 1000:.0f} ms for {n} characters, {t2 * 1000:.0f} ms for {2 * n} (x{ratio:.1f})")


# -- hostile drafts --------------------------------------------------------------

def repeated(unit: str, prefix: str = ""):
    return lambda n: prefix + unit * max(1, n // len(unit))


def numbered(piece, prefix: str = ""):
    """`piece(i)` for i = 0, 1, 2… until the draft has n characters."""
    def make(n: int) -> str:
        parts, size, i = [prefix], len(prefix), 0
        while size < n:
            parts.append(piece(i))
            size += len(parts[-1])
            i += 1
        return "".join(parts)
    return make


def word(i: int, length: int = 8) -> str:
    """A distinct lower-case word for each i: many differ from another by one letter."""
    letters = []
    for _ in range(length):
        i, r = divmod(i, 26)
        letters.append(chr(97 + r))
    return "".join(reversed(letters))


# Shapes that broke or could break a rule: one character or token repeated with
# nothing to close it, on one long line, and a few multi-line ones.
ONE_LINE = [
    "\u201c", "\u201c ", '"', "\u00ab", "<!--", "+1", "+1 ", "Aa +1. ", "[a +1 ", "\u3010", "\u3010a\u2020", "\u3016",
    "[", "[^", "[1]", "a[1] ", "[1][2]", "(", "(a, ", "(Dawn, Geo News) ", "#", "#a", "@", "@ab ", "(@ab) ", "\ue200",
    "\ue200cite", "\ue201", "\ue202", "\ue203", "entity[\"a\",\"", "entity[\"a\",\"b\"", "<grok-card ", "<grok:render>",
    "<think>", "<thinking>", "navlist turn0news1 ", "citeturn0news1", "turn0", ":", " :", "contentReference[",
    "[oai_citation:1", "[oai_citation:1\u2021", "oai_citation", "^[a", "^", "[cite", "[cite:", "(^1^)", "[^1^]",
    "(cite index=\"1\">", "If you want, I can ", ". If you want, I can", "Reuters+1", "Reuters+1 ", "Ndtv.com (",
    "Ndtv.com (NDTV) ", "[Dawn] ", "Dawn Page", ". via Dawn", "confirmed this tweet ", "this tweet from @ab ",
    "a\u00b2", "a\u2460", "](", "[a](http://x.org/a) ", "<a href=x>", "<a href=\"https://x.org/?utm_source=chatgpt.com\">",
    "https://x.org/?utm_source=chatgpt.com ", "\u21a9 ", "&", "&#", "`", "*", "_", "\\", "|", "<", "{{<", "\u200b",
    "According to PA Today, ", "Ndtv ", "@dawn_com ", "sandbox:/mnt/data/", "[web:1]", "\uea01",
]
MULTI_LINE = [
    "Reuters +1\n", "+2\n", "Prices rose in spring.\n+2\n", "Reuters\n", "| a | b |\n", "- a +1\n", "# a +1\n", "> a\n",
    "Sources\n", "[1] https://x.org/a\n", ":::\n", "You said:\n", "\n", "a\n", "View this post on Instagram\n",
    "\u2014 Ann (@ab) May 1, 2020\n", "[1]: https://x.org/a \"T\"\n", "navlist\n", "Source: Conversation with Bing, x\n",
    "<!-- citelint: ignore -->\n", "<!-- citelint: disable -->\n", "[^1]: note\n",
]
NUMBERED = {
    "distinct handles": lambda i: f"@{word(i)} ",
    "near-duplicate handles": lambda i: f"@{word(i)}x @{word(i)}y ",
    "long handles": lambda i: f"@{word(i, 13)} ",
    "hashtags, spaced": lambda i: f"#{word(i)} ",
    "hashtags, glued": lambda i: f"#{word(i)}",
    "numbered markers": lambda i: f"It rose{i % 999 + 1}[{i % 999 + 1}] ",
    "reference definitions": lambda i: f"See [it][{i}].\n\n[{i}]: https://x.org/{i} \"T\"\n",
    "unused definitions": lambda i: f"[{i % 999 + 1}]: https://x.org/{i} \"T\"\n",
    "footnotes": lambda i: f"A note[^{i}] and[^x{i}].\n\n[^{i}]: The note.\n\n",
    "embeds and handles": lambda i: (f"<blockquote class=\"twitter-tweet\"><p>@{word(i)} #{word(i)}</p></blockquote>\n"
                                     f"@{word(i + 7)} #{word(i + 7)} pic.twitter.com/a{i}\n"),
    "links to other outlets": lambda i: f"[Reuters](https://www.dawn.com/{i}) [Dawn +{i % 9 + 1}](https://x.org/{i}) ",
    "chips": lambda i: f"It grew. {word(i).title()} +{i % 9 + 1} Geo News +2\n",
    "glued chips": lambda i: f"It fell {word(i).title()}+{i % 9 + 1}Reuters+2 now. ",
    "outlet lists": lambda i: f"It rose (Dawn, {word(i).title()}).\n",
    "numbered lists under headings": lambda i: f"## Part {i}\n\n1. It rose [1].\n2. It fell [2].\n",
    "quotes": lambda i: f"\u201c{word(i)} \u201c{word(i)}\u201d \"{word(i)}",
    "ignore comments, one block": lambda i: f"<!-- citelint: ignore=AST014 -->\nA [web:{i}] [citation:{i}].\n",
    "ignore comments, many blocks": lambda i: f"<!-- citelint: ignore -->\nA [web:{i}].\n\n",
    "disable and enable": lambda i: (f"<!-- citelint: disable=AST014,X{i} -->\nA [web:{i}] [citation:{i}].\n"
                                     f"<!-- citelint: enable=AST014 -->\n"),
}
GENERIC = ([(f"{u!r} on one line", "text", repeated(u, DEBRIS)) for u in ONE_LINE]
           + [(f"{u!r} on one line", "markdown", repeated(u, DEBRIS)) for u in ONE_LINE[:24]]
           + [(f"{u!r} on one line, no debris", "text", repeated(u)) for u in ONE_LINE[:12]]
           + [(f"{u!r} on lines", "markdown", repeated(u, DEBRIS)) for u in MULTI_LINE]
           + [(f"{u!r} on lines, no debris", "text", repeated(u)) for u in MULTI_LINE[:6]]
           + [(name, "markdown", numbered(piece, DEBRIS)) for name, piece in NUMBERED.items()]
           + [(name + " (HTML)", "html", numbered(piece, DEBRIS)) for name, piece in list(NUMBERED.items())[:8]])

RULES = list(all_rules())


@pytest.fixture(scope="module")
def every_rule():
    return Linter(Settings(select=("ALL",)))


@pytest.mark.parametrize("name, kind, make", GENERIC, ids=[f"{k}-{n}" for n, k, _ in GENERIC])
def test_generic_hostile_drafts_are_linear(every_rule, name, kind, make):
    assert_linear(lambda text: every_rule.lint_text(text, kind), make, f"{name} ({kind})")


def segments(units: list[str], prefix: str = ""):
    """Each unit repeated on one long line, for an equal share of n, the lines
    a blank line apart: one draft holds all of a rule's hostile shapes."""
    def make(n: int) -> str:
        share = max(1, n // len(units))
        return prefix + "\n\n".join(u * max(1, share // len(u)) for u in units) + "\n"
    return make


def rule_drafts(rule):
    """Hostile drafts from the rule's own documented examples and traps, in
    each format they are written in: every example on one line, repeated (with
    assistant debris before it, which most rules weigh), and the first half of
    each (a trigger with no closer) repeated."""
    drafts = []
    for kind in ("text", "markdown", "html"):
        whole = [e.text.replace("\n", " ") for e in rule.examples if e.format == kind]
        if whole:
            drafts.append((kind, "examples on one line, after debris", segments(whole, DEBRIS)))
            drafts.append((kind, "first halves of the examples", segments([w[: max(1, len(w) // 2)] for w in whole])))
    return drafts


def _online_run(rule):
    """A NET rule's check, given an online verdict of its own kind for every link."""
    from citelint.formats import load
    from citelint.online.verdicts import Verdict
    from citelint.online.verify import LinkResult, OnlineState

    linter = Linter(Settings(select=(rule.code,)))

    def run(text, kind):
        doc = load(text, kind, "-")
        results = {lk.url: LinkResult(Verdict(getattr(rule, "verdict", "") or "ok", lk.url)) for lk in doc.links}
        return linter.lint(doc, OnlineState(results, None))
    return run


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_linear_on_its_own_examples(rule):
    run = _online_run(rule) if rule.scope == "online" else Linter(Settings(select=(rule.code,))).lint_text
    drafts = rule_drafts(rule)
    assert drafts, f"{rule.code} documents no example"
    for kind, what, make in drafts:
        assert_linear(lambda text: run(text, kind), make, f"{rule.code}, {what} ({kind})")


# -- the engine's own work, alone (so a fast quadratic step is not hidden by the rules') --

def _many_directives(n: int):
    from citelint.document import Directive, Document
    from citelint.model import Finding, Severity
    k = max(1, n // 40)
    doc = Document("x" * n)
    doc.directives = [Directive(("ignore", "disable", "enable")[i % 3], ("AST014", f"X{i}") if i % 2 else (),
                                i * 40, i * 40 + 400) for i in range(k)]
    findings = [Finding(("AST014", "AST016", "SOC004")[i % 3], "n", Severity.ERROR, "m", i * 13, i * 13 + 5, None, "-")
                for i in range(n // 13)]
    return doc, findings


def _helpers():
    from citelint.checks.social import near_pairs
    from citelint.document import quoted_spans
    from citelint.engine import suppress
    from citelint.facts.chips import SpanIndex, _lines_with_plus
    from citelint.formats.common import BlockEnds
    from citelint.scan import lines_with

    def block_ends(text):
        blocks = BlockEnds(text, "html")
        for i in range(0, len(text), 7):
            blocks.after(i)

    def spans(n):
        index = SpanIndex((i, i + 5) for i in range(0, n, 3))
        for i in range(0, n, 2):
            index.overlaps(i, i + 1)

    return [
        ("a line of +1", lambda t: _lines_with_plus(t), repeated("+1")),
        ("a line of +1 after a name", lambda t: _lines_with_plus(t), repeated("Aa +1. ")),
        ("lines of +1", lambda t: _lines_with_plus(t), repeated("a +1\n+2\n")),
        ("opening quotes", quoted_spans, repeated("\u201c")),
        ("straight quotes", quoted_spans, repeated('"')),
        ("quotes that close", quoted_spans, repeated("\u201ca \u201cb\u201d \u00ab")),
        ("a line of needles", lambda t: lines_with(t, ("+", "[", "@")), repeated("a+[@")),
        ("ignore blocks with no blank line", block_ends, repeated("<p>a</p> ")),
        ("near handles", lambda names: list(near_pairs(names)), lambda n: [word(i) for i in range(n // 9)]),
        ("suppression comments and findings", lambda df: suppress(*df), _many_directives),
        ("chip spans", spans, lambda n: n),
    ]


@pytest.mark.parametrize("name, run, make", _helpers(), ids=[h[0] for h in _helpers()])
def test_engine_helpers_are_linear(name, run, make):
    """Each alone, on drafts large enough that a quadratic step running at C
    speed (a search back to the line's start for each match) shows."""
    assert_linear(run, make, name, target=0.15)


FIX_DRAFTS = [
    ("artefacts of every kind, on one line", "text",
     repeated("Prices rose [web:1] :contentReference[oaicite:2]{index=2} citeturn0news1 [1][2] \u30104\u2020x\u3011. ")),
    ("a chip after each sentence", "text", repeated("It grew. Reuters +2 Geo News +1\n")),
    ("chips and quotes", "markdown", repeated("\u201cIt grew [web:1],\u201d she said. Dawn +1 ")),
    ("emptied brackets", "text", repeated("A ( [web:1] ) b. ")),
    ("ignore comments between artefacts", "markdown",
     numbered(lambda i: f"<!-- citelint: ignore=AST014 -->\nA [web:{i}] [citation:{i}].\n\n")),
    ("HTML paragraphs of markers", "html", repeated("<p>It grew [1].</p><p>[2]</p>")),
]


@pytest.mark.parametrize("name, kind, make", FIX_DRAFTS, ids=[d[0] for d in FIX_DRAFTS])
def test_the_fix_loop_is_linear(every_rule, name, kind, make):
    assert_linear(lambda text: every_rule.fix_text(text, kind, unsafe=True), make, f"fixing {name} ({kind})")


def test_ignore_comments_are_linear(every_rule):
    """Many `ignore` comments in one long block, each holding findings: every
    comment's block is searched for once, each finding looked up by bisection."""
    make = numbered(lambda i: f"<!-- citelint: ignore=AST016 -->\nA [web:{i}] [citation:{i}] (^{i}^).\n")
    assert_linear(lambda text: every_rule.lint_text(text, "markdown"), make, "ignore comments")
