"""Regression tests for issue 14's first security findings: a symlinked cache
file, escaped HTML turned into markup by a replacement, impossible edits from a
plugin, and non-finite numbers in configuration."""
import os
import subprocess
import sys

import pytest

import citelint
from citelint.engine import Linter
from citelint.model import Edit, Finding, Fix, Safety, Severity
from citelint.rule import Example, Rule


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.mark.parametrize("name", [".gitignore", "CACHEDIR.TAG"])
def test_a_symlink_in_the_cache_folder_is_never_written_through(tmp_path, name):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own file\n")
    cache = tmp_path / "repo" / ".citelint_cache"
    cache.mkdir(parents=True)
    os.symlink(victim, cache / name)  # shipped by a hostile repository
    (tmp_path / "repo" / "story.md").write_text("Prices rose :contentReference[oaicite:0]{index=0}.\n")
    out = cli("check", "--isolated", "story.md", cwd=tmp_path / "repo")
    assert victim.read_text() == "the user's own file\n"
    assert out.returncode == 1 and "symbolic link; the findings cache is not used" in out.stderr
    assert "AST004" not in out.stdout and "AST001" in out.stdout


def test_a_replacement_never_turns_escaped_text_into_markup():
    draft = '<p>The minister entity["people","&lt;script&gt;alert(1)&lt;/script&gt;"] spoke.</p>\n'
    fixed = citelint.fix_text(draft, kind="html").text
    assert "<script>" not in fixed
    assert fixed == "<p>The minister &lt;script&gt;alert(1)&lt;/script&gt; spoke.</p>\n"


class _Garbler(Rule):
    code, name, severity, scope = "HSE001", "garbler", Severity.ERROR, "prose"
    summary, why, fix_safety, origin = "A plugin with a bug.", "Tests.", Safety.SAFE, "tests"
    examples = [Example("x")]

    def __init__(self, edits):
        self.edits = edits

    def check(self, ctx):
        yield Finding(self.code, self.name, self.severity, "bad fix", 0, 1, Fix(tuple(self.edits), Safety.SAFE))


@pytest.mark.parametrize("edits", [
    [Edit(0, 10_000, "")],                 # past the end
    [Edit(-3, 2, "")],                     # negative
    [Edit(5, 2, "x" * 1000)],              # reversed
    [Edit(0, 4, ""), Edit(2, 6, "zz")],    # overlapping
])
def test_impossible_edits_are_refused_and_the_text_is_untouched(edits):
    draft = "A fifty-six byte draft that a buggy plugin tries to fix.\n"
    result = Linter(rules=(_Garbler(edits),)).fix_text(draft, "text")
    assert result.text == draft and result.applied == 0 and result.refused == {"HSE001"}
    assert [f.code for f in result.remaining] == ["HSE001"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_online_timeout_must_be_a_finite_positive_number(tmp_path, value):
    (tmp_path / "citelint.toml").write_text(f"online-timeout = {value}\n")
    (tmp_path / "story.md").write_text("Clean.\n")
    out = cli("check", "story.md", cwd=tmp_path)
    assert out.returncode == 2 and "online-timeout" in out.stderr and out.stderr.count("\n") == 1


def test_control_characters_never_reach_the_terminal_raw(tmp_path):
    name = "evil\x1b]0;pwned\x07\rstory.md"
    (tmp_path / name).write_text("Prices rose :contentReference[oaicite:0]{index=0}.\n")
    out = cli("check", "--isolated", "--no-cache", name, cwd=tmp_path)
    assert "\x1b" not in out.stdout and "\r" not in out.stdout and "\x07" not in out.stdout
    assert "evil\\x1b]0;pwned\\x07\\x0dstory.md:1:12: AST001" in out.stdout
    js = cli("check", "--isolated", "--no-cache", "--format", "json", name, cwd=tmp_path)
    import json
    assert json.loads(js.stdout)["findings"][0]["path"] == name  # machine formats keep the exact name


def test_diff_headers_quote_a_name_with_a_newline(tmp_path):
    name = "x\n+++ evil.md"
    (tmp_path / name).write_text("Prices rose :contentReference[oaicite:0]{index=0}.\n")
    out = cli("check", "--isolated", "--no-cache", "--diff", name, cwd=tmp_path)
    assert out.returncode == 1
    assert '--- "a/x\\012+++ evil.md"' in out.stdout and "\n+++ evil.md\n" not in out.stdout


@pytest.mark.parametrize("line", ['ignore = [" "]', 'select = [""]', '[per-file-ignores]\n"*.md" = [""]'])
def test_an_empty_rule_code_is_refused(tmp_path, line):
    (tmp_path / "citelint.toml").write_text(line + "\n")
    (tmp_path / "story.md").write_text("Clean.\n")
    out = cli("check", "story.md", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "citelint.toml" in out.stderr


def test_an_empty_code_on_the_command_line_is_refused(tmp_path):
    (tmp_path / "story.md").write_text("Clean.\n")
    out = cli("check", "--isolated", "--select", "", "story.md", cwd=tmp_path)
    assert out.returncode == 2 and "rule codes" in out.stderr


def test_the_stray_wrapper_message_does_not_print_the_invisible_character():
    found = [f for f in citelint.check_text("A stray \ue200 wrapper.\n") if f.code == "AST024"]
    assert found and "\ue200" not in found[0].message


def test_links_with_schemes_that_are_never_fetched_get_net005():
    from citelint.config import Settings
    from citelint.formats import load
    from citelint.online.verify import OnlineState
    linter = Linter(Settings(select=("NET",)))
    doc = load("See [a](file:///etc/passwd), [b](gopher://x.example/1), [c](ftp://x.example/f), "
               '<a href="data:text/html,x">d</a> and ![e](data:image/png;base64,AA).\n', "markdown", "x.md")
    found = linter.lint(doc, OnlineState({}, None))
    assert [f.message.split("`")[1] for f in found] == ["file:", "gopher:", "ftp:", "data:"]
    assert linter.lint(doc) == []  # without --online, nothing
