"""`citelint rules --test PACK…`: run a rule pack's own examples and traps, as
citelint's suite runs the built-in ones, so a newsroom tests its rules before
it relies on them (a wrong `prefilter` otherwise loses findings silently)."""
from __future__ import annotations

from pathlib import Path

from .model import Safety


def check_rule(rule, linter) -> list[str]:
    """What is wrong with one rule's examples and traps (empty: all pass)."""
    problems = []
    if not any(not e.trap for e in rule.examples):
        problems.append("has no [[rule.example]]: add one that must fire")
    for i, ex in enumerate(rule.examples, 1):
        what = f"{'trap' if ex.trap else 'example'} {i}"
        found = [f for f in linter.lint_text(ex.text, ex.format) if f.code == rule.code]
        if ex.trap:
            if found:
                problems.append(f"{what} fired: {found[0].message}")
            continue
        if not found:
            hidden = _prefilter_hides(rule, ex.text)
            problems.append(f"{what} did not fire" + (f" (its prefilter: none of {hidden} occurs in it)"
                                                      if hidden else ""))
            continue
        if ex.fixed is None:
            if any(f.fix for f in found):
                problems.append(f"{what} has no `good` text but the rule offers a fix")
            continue
        unsafe = any(f.fix and f.fix.safety is Safety.UNSAFE for f in found)
        result = linter.fix_text(ex.text, ex.format, unsafe=unsafe)
        if result.text != ex.fixed:
            problems.append(f"{what} fixed to {result.text!r}, not {ex.fixed!r}")
        elif linter.fix_text(result.text, ex.format, unsafe=unsafe).text != result.text:
            problems.append(f"{what}: fixing again changes the text (not idempotent)")
    return problems


def _prefilter_hides(rule, text: str) -> str:
    strings = [s for s in (rule.prefilter or ()) if isinstance(s, str)]
    if strings and not any(s in text for s in strings):
        return ", ".join(repr(s) for s in strings)
    return ""


def run(paths: list[str], settings) -> tuple[list[str], bool]:
    """Report lines for each pack and whether every example and trap passed.
    Each pack is tested alone (its rules only), so a built-in rule can neither
    hide nor stand in for one of its findings."""
    from .engine import Linter  # deferred
    from .packs import load_pack  # deferred
    lines, ok = [], True
    for p in paths:
        rules = load_pack(Path(p), p)
        linter = Linter(settings, rules=tuple(rules))
        cases = sum(len(r.examples) for r in rules)
        failed = 0
        for rule in rules:
            for problem in check_rule(rule, linter):
                lines.append(f"{p}: {rule.code} ({rule.name}) {problem}")
                failed += 1
        ok = ok and not failed
        lines.append(f"{p}: {len(rules)} rules, {cases} examples and traps: "
                     + ("all pass" if not failed else f"{failed} problems"))
    return lines, ok
