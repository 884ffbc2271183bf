"""Selection only switches rules on and off: it never changes what a rule that
stays on reports.

For every offline rule C and every document (each rule's examples and traps,
the seed draft, and the editorial documents in tests/data/editorial/), the
findings of C under `select = ["C"]` must be exactly its findings under
`select = ["ALL"]`: same code, span, severity, message, fix edits and fix
safety. In the other direction, ignoring a whole family (with `ignore` or with
`per-file-ignores`) must leave every other family's findings exactly as they
were.

A rule that reads what other rules found (`ctx.findings`) breaks this: its
findings then depend on which other rules happen to be selected.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

import citelint
from citelint.config import Settings
from citelint.ruleset import all_rules

DATA = Path(__file__).parent / "data"
EDITORIAL = DATA / "editorial"   # twelve clean documents; sources and licences in its README.md
KINDS = {".md": "markdown", ".html": "html"}

ALL = Settings(select=("ALL",))
KNOWN = all_rules(())
# NET rules run only in the online pass (`--online`), never in check_text:
# tests/test_online_*.py cover them.
RULES = [r for r in KNOWN if r.scope != "online"]
CODES = [r.code for r in RULES]
FAMILIES = sorted({re.match(r"[A-Z]+", code).group() for code in CODES})


def _documents() -> list[tuple[str, str, str]]:
    """(name, text, kind) for every document the tests run on."""
    docs = []
    for rule in KNOWN:
        for i, ex in enumerate(rule.examples):
            docs.append((f"{rule.code} {'trap' if ex.trap else 'example'} #{i} ({ex.format})", ex.text, ex.format))
    # Bytes decoded as they are: read_text would turn CRLF into LF.
    seed = (DATA / "seed-draft.txt").read_bytes().decode("utf-8")
    docs.append(("seed-draft.txt (text)", seed, "text"))
    docs.append(("seed-draft.txt (markdown)", seed, "markdown"))
    for p in sorted(EDITORIAL.rglob("*")):
        rel = p.relative_to(EDITORIAL)
        if p.is_file() and p.suffix in KINDS and len(rel.parts) > 1 and rel.parts[0] != "LICENSES":
            docs.append((f"editorial/{rel.as_posix()}", p.read_bytes().decode("utf-8"), KINDS[p.suffix]))
    return docs


DOCS = _documents()


@lru_cache(maxsize=None)
def baseline(i: int) -> tuple:
    """The findings of every rule on DOCS[i] (computed once per document)."""
    _, text, kind = DOCS[i]
    return tuple(citelint.check_text(text, kind=kind, settings=ALL))


def key(f) -> tuple:
    fix = None
    if f.fix is not None:
        fix = (tuple((e.start, e.end, e.text) for e in f.fix.edits), f.fix.safety.value)
    return (f.code, f.start, f.end, f.severity.value, f.message, fix)


def _show(k: tuple, text: str) -> str:
    code, start, end, severity, message, fix = k

    def lc(offset):
        line = text.count("\n", 0, offset) + 1
        return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"

    where = f"{lc(start)}-{lc(end)}"
    if fix is None:
        fixed = "no fix"
    else:
        edits, safety = fix
        fixed = f"{safety} fix " + ", ".join(f"[{s}:{e}]->{t!r}" for s, e, t in edits)
    return f"{code} {where} [{start}:{end}] {text[start:end]!r} {severity}: {message} ({fixed})"


def _compare(doc: int, want: list, got: list, want_name: str, got_name: str) -> str | None:
    """None when the two lists of findings are the same; else what differs."""
    cw, cg = Counter(map(key, want)), Counter(map(key, got))
    if cw == cg:
        return None
    name, text, _ = DOCS[doc]
    lines = [f"  {name}:"]
    for k in sorted((cw - cg).elements(), key=lambda k: (k[1], k[2], k[0])):
        lines.append(f"    only with {want_name}: {_show(k, text)}")
    for k in sorted((cg - cw).elements(), key=lambda k: (k[1], k[2], k[0])):
        lines.append(f"    only with {got_name}: {_show(k, text)}")
    return "\n".join(lines)


def _report(what: str, problems: list[str]) -> str:
    shown = problems[:6]
    more = f"\n  … and {len(problems) - len(shown)} more document(s)" if len(problems) > len(shown) else ""
    return f"{what} in {len(problems)} of {len(DOCS)} document(s):\n" + "\n".join(shown) + more


def test_the_documents_are_there():
    names = [name for name, _, _ in DOCS]
    assert sum(n.startswith("editorial/") for n in names) == 12
    assert any(n.endswith(".html") for n in names)
    assert "seed-draft.txt (text)" in names
    assert FAMILIES and {"AST", "TRK", "CHP", "REF", "SOC", "ATR"} <= set(FAMILIES)


def test_all_selects_every_rule():
    """ALL is the baseline, so it must switch on every rule, default or not."""
    assert {r.code for r in citelint.linter(ALL).rules} == {r.code for r in KNOWN}


@pytest.mark.parametrize("code", CODES)
def test_select_one_rule_keeps_its_findings(code):
    only = Settings(select=(code,))
    problems = []
    for i, (_, text, kind) in enumerate(DOCS):
        got = citelint.check_text(text, kind=kind, settings=only)
        assert {f.code for f in got} <= {code}, f"--select {code} reported other rules"
        want = [f for f in baseline(i) if f.code == code]
        diff = _compare(i, want, got, "select=ALL", f"select={code}")
        if diff:
            problems.append(diff)
    if problems:
        pytest.fail(_report(f"--select {code} changed {code}'s findings", problems), pytrace=False)


def _ignoring(family: str, how: str) -> tuple[Settings, str]:
    if how == "ignore":
        return Settings(select=("ALL",), ignore=(family,)), "-"
    # As in the README: `"wire/*.txt" = [FAMILY]`, relative to the settings' root.
    return (Settings(select=("ALL",), per_file_ignores=(("wire/*.txt", (family,)),), root=str(Path.cwd())),
            "wire/story.txt")


@pytest.mark.parametrize("how", ["ignore", "per-file-ignores"])
@pytest.mark.parametrize("family", FAMILIES)
def test_ignoring_a_family_keeps_the_others(family, how):
    settings, path = _ignoring(family, how)
    problems = []
    for i, (_, text, kind) in enumerate(DOCS):
        got = citelint.check_text(text, kind=kind, path=path, settings=settings)
        assert not [f for f in got if f.code.startswith(family)], f"{how} {family} left {family} findings"
        want = [f for f in baseline(i) if not f.code.startswith(family)]
        diff = _compare(i, want, got, "select=ALL", f"{how} {family}")
        if diff:
            problems.append(diff)
    if problems:
        pytest.fail(_report(f"{how} {family} changed other families' findings", problems), pytrace=False)
