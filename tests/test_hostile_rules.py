"""Rules and engine code on hostile drafts (issue 14, items 11, 14 and two of 24).

The speed of every rule is measured in tests/test_scaling.py; here each
rewritten piece is checked against the plain (quadratic) computation it
replaced, over generated inputs, and the built-in patterns are run on
megabyte drafts made to defeat them. Hostile inputs are generated, never stored.
"""
from __future__ import annotations

import pytest

from citelint import cli, packs
from citelint.config import Settings
from citelint.engine import Linter


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
    ("Rates held [oai_citation:3\u2021The Hindu](https://www.thehindu.com/x [oai_citation:4\u2021Dawn].\n",
     ["AST026"], "Rates held [oai_citation:3\u2021The Hindu](https://www.thehindu.com/x.\n"),
])
def test_rewritten_patterns_find_what_they_did(every_rule, draft, codes, fixed):
    assert sorted(f.code for f in every_rule.lint_text(draft) if f.code.startswith("AST")) == codes
    assert every_rule.fix_text(draft).text == fixed
