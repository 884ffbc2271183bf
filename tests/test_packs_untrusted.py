"""A user's rule pack is untrusted data: whatever it holds, the run ends with a
one-line error naming the pack and the rule (exit 2) or checks normally; a
catastrophic pattern is stopped by the pattern time limit, never a hang; and
nothing in a pack is executed or evaluated.

Every test runs the real CLI in a subprocess with `rule-packs` in a
citelint.toml beside the draft."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from citelint.packs import PATTERN_TIMEOUT

HANG_GUARD = 120  # seconds: a run that takes this long is a hang, not a slow check

GOOD_RULE = textwrap.dedent('''\
    [[rule]]
    code = "HSE101"
    name = "draft-marker"
    severity = "error"
    pattern = '[DRAFT]'
    message = "draft marker `{match}` left in the text"
    fix = "delete"
    summary = "Finds [DRAFT] markers."
    why = "They are notes to editors."
    [[rule.example]]
    bad = "[DRAFT] The text."
    [[rule.trap]]
    text = "The text."
    ''').replace("'[DRAFT]'", "'''\\[DRAFT\\]'''")


def run_with_pack(tmp_path, pack: str | bytes, draft: str = "The [DRAFT] text.\n", *args):
    (tmp_path / "citelint.toml").write_text('rule-packs = ["house.toml"]\n')
    if isinstance(pack, bytes):
        (tmp_path / "house.toml").write_bytes(pack)
    else:
        (tmp_path / "house.toml").write_text(pack, encoding="utf-8")
    (tmp_path / "story.txt").write_text(draft, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "story.txt", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    return proc


def one_line_error(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("citelint: error: "), proc.stderr
    return lines[0]


def test_a_good_pack_works(tmp_path):
    proc = run_with_pack(tmp_path, GOOD_RULE, "The [DRAFT] text.\n", "--fix")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "story.txt").read_text() == "The text.\n"


@pytest.mark.parametrize("pattern, key", [
    ("(unclosed", "pattern"),
    ("[z-a]", "pattern"),
    ("(?P<x>a)(?P<x", "pattern"),
    ("a{2,1}", "pattern"),
    ("\\", "pattern"),
])
def test_a_pattern_that_does_not_compile_names_pack_and_rule(tmp_path, pattern, key):
    pack = GOOD_RULE.replace("'''\\[DRAFT\\]'''", "'''" + pattern + "'''")
    line = one_line_error(run_with_pack(tmp_path, pack))
    assert "house.toml" in line and "HSE101" in line and "does not compile" in line


@pytest.mark.parametrize("key", ["requires", "unless"])
def test_a_condition_that_does_not_compile_names_pack_and_rule(tmp_path, key):
    pack = GOOD_RULE.replace('summary = ', f"{key} = '''(oops'''\nsummary = ")
    line = one_line_error(run_with_pack(tmp_path, pack))
    assert "house.toml" in line and "HSE101" in line and key in line


@pytest.mark.parametrize("where", ["pattern", "requires", "unless"])
def test_a_catastrophic_pattern_is_stopped_by_the_time_limit(tmp_path, where):
    """(a|aa)+$ against a long run of a's ending in b backtracks exponentially.
    The regex time limit stops it: one line naming the pack and rule, exit 2,
    and the other rules and files are not affected."""
    evil = "(a|aa)+$"
    if where == "pattern":
        pack = GOOD_RULE.replace("'''\\[DRAFT\\]'''", f"'''{evil}'''")
    else:
        pack = GOOD_RULE.replace('summary = ', f"{where} = '''{evil}'''\nsummary = ")
    draft = "The [DRAFT] text " + "a" * 80 + "b\n"
    proc = run_with_pack(tmp_path, pack, draft)
    line = one_line_error(proc)
    assert "house.toml" in line and "HSE101" in line and f"{PATTERN_TIMEOUT:g}s" in line
    assert "story.txt" in line  # the draft it ran out of time on


def test_a_catastrophic_pattern_does_not_stop_other_files(tmp_path):
    pack = GOOD_RULE.replace("'''\\[DRAFT\\]'''", "'''(a|aa)+$'''")
    (tmp_path / "clean.txt").write_text("Prices rose [web:1].\n")
    proc = run_with_pack(tmp_path, pack, "x " + "a" * 80 + "b\n", "clean.txt", "--fix")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (tmp_path / "clean.txt").read_text() == "Prices rose.\n"
    assert (tmp_path / "story.txt").read_text() == "x " + "a" * 80 + "b\n"


@pytest.mark.parametrize("change, words", [
    (("code = \"HSE101\"", "code = 101"), "`code` must be a string"),
    (("name = \"draft-marker\"", "name = 5"), "`name` must be a string"),
    (("name = \"draft-marker\"", "name = \"Draft Marker\""), "kebab-case"),
    (("code = \"HSE101\"", "code = \"house1\""), "capitals"),
    (("severity = \"error\"", "severity = \"fatal\""), "fatal"),
    (("severity = \"error\"", "severity = [\"error\"]"), "`severity` must be a string"),
    (("message = \"draft marker `{match}` left in the text\"", "message = 7"), "`message` must be a string"),
    (("fix = \"delete\"", "fix = \"exec\""), "`fix` must be"),
    (("fix = \"delete\"", "fix = \"replace\""), "needs `replacement`"),
    (("fix = \"delete\"", "fix = \"replace\"\nreplacement = '''\\g<nope>'''"), "`replacement`"),
    (("fix = \"delete\"", "fix = \"replace\"\nreplacement = '''\\q'''"), "`replacement`"),
    (("fix = \"delete\"", "fix = \"delete\"\nfix-safety = \"maybe\""), "maybe"),
    (("fix = \"delete\"", "fix = \"delete\"\nquotes = \"sometimes\""), "quotes"),
    (("fix = \"delete\"", "fix = \"delete\"\nscope = \"everything\""), "scope"),
    (("fix = \"delete\"", "fix = \"delete\"\ndefault = \"yes\""), "`default`"),
    (("fix = \"delete\"", "fix = \"delete\"\nprefilter = \"[\""), "prefilter"),
    (("fix = \"delete\"", "fix = \"delete\"\nrun = \"rm -rf /\""), "unknown key"),
    (("[[rule.trap]]\ntext = \"The text.\"", "[[rule.trap]]\ntext = 5"), "`trap`"),
    (("[[rule.example]]", "[[rule.example]]\ngood = 5"), "`example`"),
])
def test_malformed_rules_are_configuration_errors(tmp_path, change, words):
    old, new = change
    assert old in GOOD_RULE
    line = one_line_error(run_with_pack(tmp_path, GOOD_RULE.replace(old, new, 1)))
    assert "house.toml" in line and words in line, line


@pytest.mark.parametrize("pack, words", [
    (b"[[rule]]\ncode = \"HSE101\"\nname = ", "not valid TOML"),
    (b"\xff\xfe not utf-8", "not valid TOML"),
    (b"[pack]\nname = \"x\"\n[extras]\nx = 1\n", "unknown top-level key"),
    (b"rule = 5\n", "house.toml"),
    (b"rule = [5]\n", "must be a table"),
])
def test_malformed_pack_files_are_configuration_errors(tmp_path, pack, words):
    line = one_line_error(run_with_pack(tmp_path, pack))
    assert "house.toml" in line and words in line, line


def test_a_missing_pack_is_a_configuration_error(tmp_path):
    (tmp_path / "citelint.toml").write_text('rule-packs = ["nowhere.toml"]\n')
    (tmp_path / "story.txt").write_text("Text.\n")
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "story.txt"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    line = one_line_error(proc)
    assert "nowhere.toml" in line


def test_a_duplicate_code_is_a_configuration_error(tmp_path):
    line = one_line_error(run_with_pack(tmp_path, GOOD_RULE.replace("HSE101", "AST001")))
    assert "AST001" in line and "already used" in line


@pytest.mark.parametrize("message", [
    "{match.__class__.__init__.__globals__}",
    "{match.__class__.__mro__}",
    "{match[0]}",
    "{0}",
    "{}",
    "{match!r:{match.__class__}}",
    "{match",
])
def test_messages_are_templates_not_expressions(tmp_path, message):
    """A message may name {match} or a group; attribute access, indexing and
    positional fields would walk Python objects, so the pack is refused."""
    pack = GOOD_RULE.replace("draft marker `{match}` left in the text", message)
    line = one_line_error(run_with_pack(tmp_path, pack))
    assert "house.toml" in line and "HSE101" in line and "`message`" in line


def test_nothing_in_a_pack_is_executed(tmp_path):
    """Strings that would run code if anything evaluated them stay text: the
    marker file is never created, and the message is reported verbatim."""
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    pack = textwrap.dedent(f'''\
        [[rule]]
        code = "HSE101"
        name = "draft-marker"
        severity = "error"
        pattern = \'\'\'\\[DRAFT\\](?#{payload.replace(")", "")})\'\'\'
        message = "{payload}"
        fix = "replace"
        replacement = \'\'\'{payload}\'\'\'
        fix-title = "{payload}"
        summary = "{payload}"
        why = "{payload}"
        [[rule.example]]
        bad = "{payload}"
        [[rule.trap]]
        text = "{payload}"
        ''')
    proc = run_with_pack(tmp_path, pack, "The [DRAFT] text.\n", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert payload in proc.stdout
    run_with_pack(tmp_path, pack, "The [DRAFT] text.\n", "--fix", "--unsafe-fixes")
    assert (tmp_path / "story.txt").read_text() == f"The {payload} text.\n"
    subprocess.run([sys.executable, "-m", "citelint", "rules"], cwd=tmp_path, capture_output=True,
                   timeout=HANG_GUARD)
    assert not marker.exists()


@pytest.mark.parametrize("line, says", [
    ('scope = "document"', "`scope` must be one of prose, markup, url, not 'document'"),
    ('scope = "online"', "`scope` must be one of prose, markup, url, not 'online'"),
    ('severity = "fatal"', "`severity` must be one of error, warning, info, not 'fatal'"),
    ('fix-safety = "maybe"', "`fix-safety` must be one of safe, unsafe, not 'maybe'"),
    ('default = "yes"', "`default` must be true or false"),
])
def test_a_value_outside_the_schema_names_pack_and_rule(tmp_path, line, says):
    """A pack rule that would load and never fire (a Python-only scope) is refused."""
    key = line.split(" =")[0]
    pack = GOOD_RULE.replace('severity = "error"\n', "") if key == "severity" else GOOD_RULE
    pack = pack.replace('fix = "delete"\n', 'fix = "delete"\n' + line + "\n")
    msg = one_line_error(run_with_pack(tmp_path, pack))
    assert "house.toml" in msg and "HSE101" in msg and says in msg
