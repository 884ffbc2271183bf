"""`citelint rules --test PACK…` runs a pack's own examples and traps."""
import subprocess
import sys
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent / "rules"

GOOD = '''
[[rule]]
code = "HSE101"
name = "draft-marker"
severity = "error"
pattern = \'\'\'(?m)^[ \\t]*\\[DRAFT\\][ \\t]*\\n?\'\'\'
prefilter = ["[DRAFT]"]
message = "draft marker left in the text"
fix = "delete"
summary = "Finds [DRAFT] markers."
why = "They are notes to editors."
[[rule.example]]
bad = "[DRAFT]\\nThe text.\\n"
good = "The text.\\n"
[[rule.trap]]
text = "The [DRAFT] law was passed."
'''


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "citelint", "rules", "--isolated", "--test", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_builtin_packs_pass_alone():
    out = run(*sorted(str(p) for p in RULES.glob("*.toml")))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("all pass") == len(list(RULES.glob("*.toml")))


def test_a_good_pack_passes(tmp_path):
    (tmp_path / "house.toml").write_text(GOOD, encoding="utf-8")
    out = run("house.toml", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "house.toml: 1 rules, 2 examples and traps: all pass"


def test_a_wrong_prefilter_is_caught(tmp_path):
    (tmp_path / "house.toml").write_text(GOOD.replace('prefilter = ["[DRAFT]"]', 'prefilter = ["[draft]"]'),
                                         encoding="utf-8")
    out = run("house.toml", cwd=tmp_path)
    assert out.returncode == 1
    assert "HSE101 (draft-marker) example 1 did not fire (its prefilter: none of '[draft]' occurs in it)" in out.stdout


def test_a_firing_trap_and_a_wrong_fix_are_caught(tmp_path):
    bad = GOOD.replace('good = "The text.\\n"', 'good = "The text\\n"').replace(
        'text = "The [DRAFT] law was passed."', 'text = "[DRAFT]\\nagain\\n"')
    (tmp_path / "house.toml").write_text(bad, encoding="utf-8")
    out = run("house.toml", cwd=tmp_path)
    assert out.returncode == 1
    assert "example 1 fixed to 'The text.\\n', not 'The text\\n'" in out.stdout
    assert "trap 2 fired: draft marker left in the text" in out.stdout
    assert out.stdout.strip().endswith("2 problems")


def test_a_broken_pack_is_a_one_line_error(tmp_path):
    (tmp_path / "house.toml").write_text("[[rule]]\ncode = 'X'\n", encoding="utf-8")
    out = run("house.toml", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "house.toml" in out.stderr
