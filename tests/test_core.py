"""Issue 2's core: document views and positions, configuration, suppression,
the fix engine's edits and tidying, and the CLI's contract."""
import json
import os
import subprocess
import sys

import pytest

from citelint.config import ConfigError, Resolver, Settings
from citelint.formats import load
from citelint.engine import Linter
from citelint.fixer import tidy_site


def cli(*args, cwd=None, input=None):
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True,
                          cwd=cwd, input=input, timeout=120)


# -- documents and positions ------------------------------------------------------

@pytest.mark.parametrize("kind,text,line,col", [
    ("text", "First line.\nSecond :contentReference[oaicite:1]{index=1}.\n", 2, 7),
    ("text", "First line.\r\nSecond :contentReference[oaicite:1]{index=1}.\r\n", 2, 7),
    ("markdown", "# T\n\n> quote\n\nSecond :contentReference[oaicite:1]{index=1}.\n", 5, 7),
    ("html", "<html><body>\n<p>First &amp; line.</p>\n<p>Second :contentReference[oaicite:1]{index=1}.</p>\n", 3, 10),
    ("text", "\u00e9t\u00e9 \U0001f600 :contentReference[oaicite:1]{index=1}.", 1, 6),
])
def test_line_and_column_in_every_format(kind, text, line, col, linter):
    (f,) = [f for f in linter.lint_text(text, kind) if f.code == "AST001"]
    assert (f.line, f.column) == (line, col)
    assert f.end_line == line and f.end_column == col + len(" :contentReference[oaicite:1]{index=1}")


def test_markdown_non_prose_is_masked():
    src = ("---\ntitle: x [web:1]\n---\nText `[web:2]` here.\n\n```\n[web:3]\n```\n\n    [web:4]\n\n"
           "<!-- [web:5] -->\n[a](https://x.org/[web:6]) ok [web:7]\n")
    doc = load(src, "markdown")
    visible = [n for n in range(1, 8) if f"[web:{n}]" in doc.prose.text]
    assert visible == [6, 7]          # 6 is a link target: visible, but prose rules skip it
    linter = Linter(Settings(select=("AST014",)))
    assert [src[f.start:f.end].strip() for f in linter.lint(doc)] == ["[web:7]"]


def test_html_entities_map_back_to_source():
    src = '<p>A&nbsp;claim [web:1] &amp; more</p><script>"[web:2]"</script><a href="https://x.org/?a=1&amp;utm_source=openai">x</a>'
    linter = Linter(Settings(select=("AST014", "TRK001")))
    fixed = linter.fix_text(src, "html").text
    assert fixed == '<p>A&nbsp;claim &amp; more</p><script>"[web:2]"</script><a href="https://x.org/?a=1">x</a>'


# -- configuration ---------------------------------------------------------------

def test_selection_prefixes_all_and_specificity():
    from citelint.config import enabled
    from citelint.ruleset import all_rules
    rules = all_rules()
    codes = lambda s: {r.code for r in enabled(s, rules)}
    assert codes(Settings(select=("AST001",))) == {"AST001"}
    ast = codes(Settings(select=("AST",)))
    assert ast and all(c.startswith("AST") for c in ast)
    assert codes(Settings(select=("AST",), ignore=("AST01",))) == {c for c in ast if not c.startswith("AST01")}
    assert "AST001" in codes(Settings(select=("ALL",), ignore=("AST",), extend_select=("AST001",)))
    assert "AST002" not in codes(Settings(select=("ALL",), ignore=("AST",), extend_select=("AST001",)))


def test_nearest_config_wins_and_unknown_keys_fail(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.citelint]\nignore = ["AST001"]\n')
    sub = tmp_path / "desk"
    sub.mkdir()
    (sub / ".citelint.toml").write_text('select = ["TRK"]\n')
    assert Resolver().for_path(sub / "a.md").select == ("TRK",)
    assert Resolver().for_path(tmp_path / "a.md").ignore == ("AST001",)
    (sub / ".citelint.toml").write_text('selct = ["TRK"]\n')
    with pytest.raises(ConfigError, match="selct"):
        Resolver().for_path(sub / "a.md")


def test_unknown_rule_code_exits_2_with_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Hello.\n")
    (tmp_path / "citelint.toml").write_text('ignore = ["XYZ999"]\n')
    run = cli("check", "a.txt", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "XYZ999" in run.stderr and "citelint.toml" in run.stderr
    run = cli("check", "--select", "NOPE1", "a.txt", "--isolated", cwd=tmp_path)
    assert run.returncode == 2 and "NOPE1" in run.stderr


def test_per_file_ignores_and_config_command(tmp_path):
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "a.txt").write_text("See https://x.org/?utm_source=openai now.\n")
    (tmp_path / "citelint.toml").write_text('[per-file-ignores]\n"wire/*.txt" = ["TRK"]\n')
    assert cli("check", "wire/a.txt", cwd=tmp_path).returncode == 0
    shown = cli("config", "wire/a.txt", cwd=tmp_path)
    assert '"wire/*.txt" = ["TRK"]' in shown.stdout and "citelint.toml" in shown.stdout


# -- suppression -----------------------------------------------------------------

def test_disable_enable_and_ignore_comments(linter):
    md = ("A [web:1].\n\n<!-- citelint: disable=AST014 -->\nB [web:2] [citation:1].\n"
          "<!-- citelint: enable=AST014 -->\nC [web:3].\n\n<!-- citelint: ignore=AST016 -->\n"
          "D [citation:2] [web:4].\n\nE [citation:3].\n")
    found = [(f.code, md[f.start:f.end].strip()) for f in linter.lint_text(md, "markdown")]
    assert found == [("AST014", "[web:1]"), ("AST016", "[citation:1]"), ("AST014", "[web:3]"),
                     ("AST014", "[web:4]"), ("AST016", "[citation:3]")]
    html = "<!-- citelint: disable -->\n<p>A [web:1]</p>\n<!-- citelint: enable -->\n<p>B [web:2]</p>\n"
    assert [html[f.start:f.end].strip() for f in linter.lint_text(html, "html")] == ["[web:2]"]


# -- fixing ----------------------------------------------------------------------

@pytest.mark.parametrize("text,pos,ate,expected", [
    ("terrorists..", 11, False, "terrorists."),
    ("the deal  now", 9, False, "the deal now"),
    ("rose .", 5, False, "rose."),
    ("said, .", 6, False, "said."),
    ("Wait...", 6, False, "Wait..."),
    ("line end   \nnext", 11, False, "line end\nnext"),
    ("keep\n\nnext", 5, False, "keep\nnext"),
    ("keep\r\n   \r\nnext", 9, False, "keep\r\nnext"),
    ("Para.\n\n\nNext", 7, True, "Para.\n\nNext"),
    ("(the ) list", 5, False, "(the) list"),
])
def test_tidy_only_the_site(text, pos, ate, expected):
    assert tidy_site(text, pos, ate) == expected


def test_fix_keeps_bom_line_endings_and_writes_nothing_with_diff(tmp_path):
    raw = "\ufeffOne :contentReference[oaicite:1]{index=1}.\r\nTwo [web:1].\r\nThree\r\n"
    path = tmp_path / "draft.txt"
    path.write_bytes(raw.encode("utf-8"))
    before = path.read_bytes()
    diff = cli("check", "--isolated", "--diff", str(path))
    assert diff.returncode == 1 and "-One :contentReference" in diff.stdout
    assert path.read_bytes() == before
    fix = cli("check", "--isolated", "--fix", str(path))
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert path.read_bytes() == "\ufeffOne.\r\nTwo.\r\nThree\r\n".encode("utf-8")
    again = cli("check", "--isolated", "--fix", str(path))
    assert path.read_bytes() == "\ufeffOne.\r\nTwo.\r\nThree\r\n".encode("utf-8")
    assert again.returncode == 0


def test_fix_keeps_permissions(tmp_path):
    path = tmp_path / "draft.md"
    path.write_text("Two [web:1].\n")
    os.chmod(path, 0o640)
    cli("check", "--isolated", "--fix", str(path))
    assert path.read_text() == "Two.\n" and (os.stat(path).st_mode & 0o777) == 0o640


def test_json_shape_and_exit_codes(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("Prices rose [web:2].\n")
    run = cli("check", "--isolated", "--format", "json", str(path))
    assert run.returncode == 1
    body = json.loads(run.stdout)
    assert body["version"] == "1"
    (f,) = body["findings"]
    for key in ("code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "fixable"):
        assert key in f
    assert (f["code"], f["name"], f["fixable"], f["line"], f["column"]) == ("AST014", "perplexity-citation-tag", "safe", 1, 12)
    assert cli("check", "--isolated", "--exit-zero", str(path)).returncode == 0
    assert cli("check", "--isolated", str(tmp_path / "missing.md")).returncode == 2


def test_rules_and_rule_commands():
    listing = cli("rules")
    assert listing.returncode == 0 and "AST001" in listing.stdout and "CHP002" in listing.stdout
    doc = cli("rule", "AST001")
    for heading in ("# oaicite-marker (AST001)", "## What it finds", "## Why it matters", "## Fix safety", "## Examples"):
        assert heading in doc.stdout
    assert cli("rule", "NOPE999").returncode == 2


def test_settings_and_overrides_follow_the_schema():
    from citelint import config
    fields = {k.replace("-", "_") for k in config.CONFIG_FIELDS}
    assert set(config.Settings._fields) == fields | {"root", "source", "ignored"}
    assert set(config.OVERRIDES) <= fields
    listing = config.Settings().as_toml()
    assert all(f"{k} =" in listing for k, (kind, default) in config.CONFIG_FIELDS.items()
               if kind in ("codes", "paths", "strings", "bool"))
