"""Every rule's documented examples and traps run as tests (ruff-style)."""
import pytest

from citelint.model import Safety
from citelint.ruleset import all_rules

CASES = [(r, i, e) for r in all_rules() if r.scope != "online" for i, e in enumerate(r.examples)]  # online: tests/test_online_rules.py


def _id(case):
    rule, i, ex = case
    return f"{rule.code}-{'trap' if ex.trap else 'example'}{i}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_example(case, linter):
    rule, _, ex = case
    found = [f for f in linter.lint_text(ex.text, ex.format) if f.code == rule.code]
    if ex.trap:
        assert not found, f"{rule.code} fired on a trap: {[f.message for f in found]}"
        return
    assert found, f"{rule.code} did not fire on its example"
    if ex.fixed is None:
        assert all(f.fix is None for f in found), "a report-only example must offer no fix"
        return
    # A rule may give one finding an unsafe fix where its others are safe (CHP003 without debris).
    unsafe = rule.fix_safety is Safety.UNSAFE or any(f.fix and f.fix.safety is Safety.UNSAFE for f in found)
    result = linter.fix_text(ex.text, ex.format, unsafe=unsafe)
    assert result.text == ex.fixed
    assert result.converged
    again = linter.fix_text(result.text, ex.format, unsafe=unsafe)
    assert again.text == result.text, "fixing is not idempotent"
    assert not [f for f in again.remaining if f.code == rule.code]


def test_every_rule_is_documented():
    for r in all_rules():
        assert r.summary and r.why, r.code
        if r.scope == "online":
            continue  # examples need the network; tests/test_online_rules.py runs them on loopback
        assert any(not e.trap for e in r.examples), f"{r.code} has no example"
        assert any(e.trap for e in r.examples), f"{r.code} has no trap"
        if r.fix_safety is not None:
            assert any(e.fixed is not None for e in r.examples), f"{r.code} has no fixed example"
