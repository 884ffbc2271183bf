"""Rules and engine code on hostile drafts (issue 14, items 11, 14 and two of 24).

The speed of every rule is measured in tests/test_scaling.py; here each
rewritten piece is checked against the plain (quadratic) computation it
replaced, over generated inputs, and the built-in patterns are run on
megabyte drafts made to defeat them. Hostile inputs are generated, never stored.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citelint import cli, packs
from citelint.checks.social import _distance, near_pairs
from citelint.config import Settings
from citelint.document import Directive, Document, _QUOTED, _swept_quotes, quoted_spans
from citelint.engine import Linter, suppress
from citelint.facts.chips import SpanIndex
from citelint.formats.common import BlockEnds, next_block_end
from citelint.model import Finding, Severity


@pytest.fixture(scope="module")
def every_rule():
    return Linter(Settings(select=("ALL",)))


# -- item 24: a token glued to a word, an invisible character inside a marker ----

@pytest.mark.parametrize("kind, draft, fixed", [
    ("text", "The minister reportedciteturn0news12 that talks had failed.\n",
     "The minister reported that talks had failed.\n"),
    ("text", "Exports rosefileciteturn1file3 in May.\n", "Exports rose in May.\n"),
    ("text", "Sales fellturn0news1turn2search4.\n", "Sales fell.\n"),
    ("markdown", "The minister **reported**citeturn0news12 it.\n", "The minister **reported** it.\n"),
    ("html", "<p>The minister reportedciteturn0news12 it.</p>\n", "<p>The minister reported it.</p>\n"),
])
def test_a_turn_token_glued_to_a_word_is_deleted_and_the_word_kept(every_rule, kind, draft, fixed):
    assert [f.code for f in every_rule.lint_text(draft, kind)] == ["AST007"]
    assert every_rule.fix_text(draft, kind).text == fixed


@pytest.mark.parametrize("draft", ["Return 0 in turn 3.\n", "It was their turn0 to host.\n",
                                   "Saturn5 rockets; turnout 12news rose.\n"])
def test_words_with_turn_in_them_stay(every_rule, draft):
    assert not [f for f in every_rule.lint_text(draft) if f.code == "AST007"]


@pytest.mark.parametrize("marker", [
    ":contentRe\u200bference[oaicite:0]{index=0}",
    ":\u200bcontentReference[oaicite:0]{index=0}",
    ":content\u00adReference\u200b[oaicite:0]\u2060{index=0}",
    "::\ufeffcontent\u200c\u200dReference[oaicite:0]{index=0}",
])
@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_invisible_characters_inside_a_content_reference_go_with_it(every_rule, marker, kind):
    draft = f"Sial are Rajputs {marker}.\n"
    if kind == "html":
        draft = f"<p>{draft.strip()}</p>\n"
    found = every_rule.lint_text(draft, kind)
    assert [f.code for f in found] == ["AST001"]
    fixed = every_rule.fix_text(draft, kind).text
    assert fixed == ("<p>Sial are Rajputs.</p>\n" if kind == "html" else "Sial are Rajputs.\n")


# -- item 14: built-in patterns on megabyte drafts ----------------------------------

MEGABYTE = 1_000_000
HOSTILE_FOR = {
    "AST002": "[oai_citation:1\u2021a",
    "AST026": "[oai_citation:1\u2021",
    "AST003": " \ue200",
    "AST004": "\ue200entity\ue202[\"people\",\"I",
    "AST007": "navlist turn0news1 ",
    "AST008": "navlist",
    "AST009": "^[She",
    "AST013": "<grok-card ",
    "AST022": "<think>",
    "AST024": "\ue200" + "a" * 200,
}


@pytest.mark.parametrize("code, unit", sorted(HOSTILE_FOR.items()))
def test_a_built_in_pattern_finishes_a_megabyte_made_to_defeat_it(tmp_path, capsys, code, unit):
    """Each of these took seconds to minutes on such a draft, and the draft was
    skipped with "simplify the pattern"; now each is linear and well inside
    its time limit, and the draft is checked."""
    draft = tmp_path / "hostile.txt"
    draft.write_text(unit * (MEGABYTE // len(unit)) + "\nEnd [oaicite:1].\n", encoding="utf-8")
    status = cli.main(["check", "--select", code, "--no-cache", str(draft)])
    err = capsys.readouterr().err
    assert status in (0, 1), err
    assert "time limit" not in err and "simplify" not in err


def test_the_time_limit_grows_with_the_draft():
    assert packs.time_limit(0) == packs.PATTERN_TIMEOUT
    assert packs.time_limit(50 * MEGABYTE) == packs.PATTERN_TIMEOUT + 50 * packs.PATTERN_TIMEOUT_PER_MB


def test_a_draft_too_big_for_a_built_in_pattern_names_the_limit(tmp_path, monkeypatch, capsys):
    """A built-in pattern is linear: when one runs out of time, the draft is too
    big for the time allowed, and the line says so and names the limit."""
    monkeypatch.setattr(packs, "PATTERN_TIMEOUT", 0.0)
    monkeypatch.setattr(packs, "PATTERN_TIMEOUT_PER_MB", 0.0)
    draft = tmp_path / "big.txt"
    draft.write_text("Prices rose [web:1].\n" * 1000, encoding="utf-8")
    status = cli.main(["check", "--select", "AST014", "--no-cache", str(draft)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1
    assert str(draft) in err and "AST014" in err and "too big to check in time" in err
    assert "time limit of 0s (0s plus 0s per MB" in err
    assert "simplify the pattern" not in err


def test_a_user_pack_that_runs_out_of_time_names_the_limit(tmp_path, capsys):
    (tmp_path / "house.toml").write_text(
        '[[rule]]\ncode = "HSE101"\nname = "evil"\npattern = \'\'\'(a|aa)+$\'\'\'\nmessage = "x"\n', encoding="utf-8")
    (tmp_path / ".citelint.toml").write_text('rule-packs = ["house.toml"]\n', encoding="utf-8")
    draft = tmp_path / "story.txt"
    draft.write_text("x " + "a" * 80 + "b\n", encoding="utf-8")
    status = cli.main(["check", "--no-cache", str(draft)])
    err = capsys.readouterr().err
    assert status == 2
    assert "HSE101" in err and "story.txt" in err and "simplify the pattern" in err
    assert f"time limit of {packs.time_limit(len(draft.read_text())):.3g}s (2s plus 1s per MB" in err


# -- item 11: each rewritten piece finds what the quadratic one did ----------------

QUOTE_PIECES = ["\u201c", "\u201d", '"', "\u00ab", "\u00bb", "\n", "a", " ", "a" * 1500]


@given(st.lists(st.sampled_from(QUOTE_PIECES), max_size=40).map("".join))
def test_quote_spans_are_the_patterns(text):
    assert _swept_quotes(text) == [m.span() for m in _QUOTED.finditer(text)]
    assert quoted_spans(text) == [m.span() for m in _QUOTED.finditer(text)]


def test_a_run_of_opening_quotes_is_swept_not_rescanned():
    text = ("\u201c" * 5000 + "\"" * 3 + "\u00ab a") * 3 + "\u201c done\u201d"
    assert quoted_spans(text) == [m.span() for m in _QUOTED.finditer(text)]


def _suppressed_plainly(doc: Document, findings):
    """The rule the engine's suppress keeps: every directive before a finding,
    in order, decides whether its code is off; any ignore block holding it drops it."""
    out = []
    for f in findings:
        all_off, off, on = False, set(), set()
        for d in sorted(doc.directives, key=lambda d: d.start):
            if d.start > f.start or d.action == "ignore":
                continue
            if not d.codes:
                all_off, off, on = d.action == "disable", set(), set()
            elif d.action == "disable":
                off, on = off | set(d.codes), on - set(d.codes)
            else:
                off, on = off - set(d.codes), on | set(d.codes)
        matches = lambda sel: any(f.code.startswith(s) for s in sel)  # noqa: E731
        if (all_off and not matches(on)) or matches(off):
            continue
        if any(d.action == "ignore" and d.start <= f.start < d.end and (not d.codes or matches(d.codes))
               for d in doc.directives):
            continue
        out.append(f)
    return out


SELECTORS = ["AST", "AST0", "AST001", "AST014", "SOC", "SOC004", "REF001", "X"]
directive = st.builds(
    lambda action, codes, start, length: Directive(action, tuple(codes), start,
                                                   start + (length if action == "ignore" else 3)),
    st.sampled_from(["disable", "enable", "ignore"]), st.lists(st.sampled_from(SELECTORS), max_size=2),
    st.integers(0, 99), st.integers(0, 60))
finding = st.builds(lambda code, pos: Finding(code, "n", Severity.ERROR, "m", pos, pos + 1, None, "-"),
                    st.sampled_from(["AST001", "AST014", "SOC004", "REF001"]), st.integers(0, 99))


@given(st.lists(directive, max_size=8), st.lists(finding, max_size=8))
def test_suppression_is_the_plain_rule(directives, findings):
    doc = Document("x" * 100)
    doc.directives = directives
    assert suppress(doc, findings) == _suppressed_plainly(doc, findings)


def test_many_ignore_comments_each_cover_their_block(every_rule):
    blocks = [f"<!-- citelint: ignore=AST014 -->\nA [web:{i}] [citation:{i}].\n" for i in range(300)]
    text = "".join(blocks) + "\nTail [web:1].\n"
    found = every_rule.lint_text(text, "markdown")
    assert sorted({f.code for f in found}) == ["AST014", "AST016"]
    assert sum(f.code == "AST016" for f in found) == 300
    assert [f.line for f in found if f.code == "AST014"] == [602]  # only the tail's block is not ignored


def _lines_with_plus_plainly(text: str):
    """facts.chips._lines_with_plus as it was: each "+N" searched back to its line's start."""
    spans = []
    for m in re.finditer(r"\+[ \t]?\d", text):
        ls = text.rfind("\n", 0, m.start()) + 1
        if ls > 0 and text[ls:m.start()].strip() == "":
            ls = text.rfind("\n", 0, ls - 1) + 1
        le = text.find("\n", m.end())
        spans.append((ls, len(text) if le < 0 else le))
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


@given(st.lists(st.sampled_from(["+1", "+ 2", "+", "\n", "\n\n", " ", "a", "Reuters"]), max_size=30).map("".join))
def test_lines_with_a_chip_count_are_each_read_once(text):
    from citelint.facts.chips import _lines_with_plus
    assert _lines_with_plus(text) == _lines_with_plus_plainly(text)


NOTE_PIECES = ["## Notes\n", "# Intro\n", "**Sources:**\n", "1. a\n", "2) b\n", "text\n", "\n",
               "   ## References ##\n", "#Notes\n", "1. x"]


@given(st.lists(st.sampled_from(NOTE_PIECES), max_size=14).map("".join))
def test_a_numbered_line_follows_a_notes_heading_as_a_fresh_search_says(src):
    """The headings are found once a document, not once a numbered line."""
    from citelint.facts import _MD_HEADING, _NOTE_LINE, NOTES_HEADING, _after_notes_heading, _notes_headings
    headings = _notes_headings(src)
    for m in _NOTE_LINE.finditer(src):
        last = None
        for h in _MD_HEADING.finditer(src, 0, m.start()):
            last = h
        title = "" if last is None else (last.group("a") or last.group("b") or "").strip().strip("*_").strip()
        assert _after_notes_heading(headings, m.start()) == (last is not None and bool(NOTES_HEADING.match(title)))


def _old_block_end(source: str, pos: int, kind: str) -> int:
    n, i = len(source), pos
    while i < n and source[i] in " \t\r\n":
        i += 1
    m = re.compile(r"\n[ \t\r]*\n|\r[ \t]*\r(?!\n)").search(source, i)
    ends = [m.start() if m else n]
    if kind == "html":
        m = re.compile(r"</(?:p|li|div|h[1-6]|blockquote|td|th|tr|table|ul|ol|dl|section|article|figure|pre"
                       r"|aside)\s*>", re.I).search(source, i)
        if m:
            ends.append(m.end())
    return min(ends)


@given(st.lists(st.sampled_from(["\n", " ", "\r", "a", "</p>", "<p>", "\t", "</li >"]), max_size=30).map("".join),
       st.lists(st.integers(0, 200), max_size=6), st.sampled_from(["html", "markdown"]))
def test_block_ends_are_those_of_a_fresh_search(source, positions, kind):
    blocks = BlockEnds(source, kind)
    for pos in sorted(p % (len(source) + 1) for p in positions):
        assert blocks.after(pos) == _old_block_end(source, pos, kind) == next_block_end(source, pos, kind)


names = st.lists(st.text("abc", min_size=2, max_size=15), max_size=12, unique=True)


@given(names)
def test_near_duplicate_handles_are_every_close_pair(ns):
    every = []
    for i, a in enumerate(ns):
        for b in ns[i + 1:]:
            limit = 1 if max(len(a), len(b)) <= 8 else 2
            if abs(len(a) - len(b)) <= limit and _distance(a, b) <= limit:
                every.append((a, b))
    assert sorted(near_pairs(ns)) == sorted(every)


def test_a_handle_with_many_near_duplicates_is_reported_once(every_rule):
    text = "pic.twitter.com/AbC123\n" + " ".join(f"@mathrubhum{c}" for c in "abcdefgh") + "\n"
    found = [f for f in every_rule.lint_text(text) if f.code == "SOC004"]
    assert len(found) == len({(f.start, f.end) for f in found}) == 7  # each later one, once


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 20)), max_size=10),
       st.integers(0, 60), st.integers(0, 10))
def test_span_index_overlaps_as_a_scan_does(spans, start, length):
    spans = [(a, a + w) for a, w in spans]
    end = start + length
    assert SpanIndex(spans).overlaps(start, end) == any(a < end and start < b for a, b in spans)


def test_in_embed_bisects_as_a_scan_does():
    from citelint.formats import load
    from citelint.rule import Context
    embed = '<blockquote class="twitter-tweet"><p>@a #b</p></blockquote>\n'
    text = "".join(embed if i % 3 else f"Text {i}. " for i in range(60)) + '{{< tweet user="x" id="1" >}}\n'
    facts = Context(load(text, "markdown", "-"), Settings()).facts
    for markup_only in (False, True):
        spans = facts.markup_embeds if markup_only else facts.embeds
        assert spans
        for s in range(0, len(text), 7):
            for e in (s, s + 5, s + 80):
                assert facts.in_embed(s, e, markup_only) == any(a <= s and e <= b for a, b in spans)


# -- the rewritten patterns keep their meaning ---------------------------------------

@pytest.mark.parametrize("draft, codes, fixed", [
    # a cut token: one finding, from its U+E200, and nothing deleted
    ("Prices rose.\ue200cite\ue202turn0\n", ["AST024"], "Prices rose.\ue200cite\ue202turn0\n"),
    ("Prices rose \ue200cite\ue202turn0search3\ue201.\n", ["AST003", "AST007"], "Prices rose.\n"),
    # a stray U+E200 before a whole token is reported; the words between them are no longer deleted with it
    ("A \ue200 stray and \ue200cite\ue202turn0search3\ue201 whole.\n", ["AST003", "AST007", "AST024"],
     "A \ue200 stray and whole.\n"),
    ("A lone \ue202 and \ue201 here.\n", ["AST024", "AST024"], "A lone \ue202 and \ue201 here.\n"),
    ("Next, the entity[\"turn0product0\",\"Lenovo IdeaPad 1\"] sold out.\n", ["AST004", "AST007"],
     "Next, the Lenovo IdeaPad 1 sold out.\n"),
    ("Rates held.<grok:render card_id=\"1\"><argument>0</argument></grok:render>\n", ["AST013"], "Rates held.\n"),
    ("<think>a <think>nested</think> b</think>\nThe budget passed.\n", ["AST022"], "The budget passed.\n"),
    # a navlist line is AST008's (here it cites no news, so it stays): its tokens are not AST007's
    ("navlistWichtige Nachrichten turn0search1,turn0search2\nPrices rose.\n", [],
     "navlistWichtige Nachrichten turn0search1,turn0search2\nPrices rose.\n"),
    ("navlistWichtige Nachrichten turn0news1,turn0news2\nPrices rose. citeturn0news3\n", ["AST007", "AST008"],
     "Prices rose.\n"),
    ("Rates held [oai_citation:3\u2021The Hindu](https://www.thehindu.com/x [oai_citation:4\u2021Dawn].\n",
     ["AST026"], "Rates held [oai_citation:3\u2021The Hindu](https://www.thehindu.com/x.\n"),
])
def test_rewritten_patterns_find_what_they_did(every_rule, draft, codes, fixed):
    assert sorted(f.code for f in every_rule.lint_text(draft) if f.code.startswith("AST")) == codes
    assert every_rule.fix_text(draft).text == fixed


def _blank_plainly(fragment: str) -> bool:
    """Whether a reader sees nothing in this HTML: tags and comments removed, entities decoded."""
    import html
    if re.search(r"(?i)<(?:img|br|hr|input|iframe|video|audio|svg|picture|object|embed)\b", fragment):
        return False
    return not html.unescape(re.sub(r"<[^>]*>|<!--.*?-->", "", fragment, flags=re.S)).replace("\u00a0", " ").strip()


HTML_PIECES = ["<p>", "</p>", "<li>", "</li>", "<b>", "</b>", "<div>", "</div>", "<img src=x>", "<br>", "<!-- c -->",
               "&nbsp;", "&amp;", "&#32;", " ", "\n", "word", "[1]"]


@given(st.lists(st.sampled_from(HTML_PIECES), max_size=30).map("".join))
def test_an_element_is_left_empty_as_the_plain_rule_says(source):
    """Facts._empties_element reads each side only to its first visible
    character, and only the innermost element; the plain rule reads every
    enclosing element whole."""
    from citelint.facts import _EMPTYABLE
    from citelint.formats import load
    from citelint.rule import Context
    facts = Context(load(source, "html", "-"), Settings()).facts
    for m in re.finditer(r"\[1\]", source):
        start, end = m.span()
        plain = any(e.inner_end - e.inner_start < 20000 and not _blank_plainly(source[e.inner_start:e.inner_end])
                    and _blank_plainly(source[e.inner_start:start] + source[end:e.inner_end])
                    for e in facts.enclosing(start, end, _EMPTYABLE))
        assert facts._empties_element(start, end) == plain
