"""`citelint check - --stdin-filename PATH`: what editors and CMS hooks call."""
import json
import subprocess
import sys

import pytest

MARKER = ":contentReference[oaicite:0]{index=0}"


def cli(cwd, *args, data: bytes):
    return subprocess.run([sys.executable, "-m", "citelint", "check", *args], input=data, cwd=cwd,
                          capture_output=True, timeout=60)


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "citelint.toml").write_text('ignore = ["AST014"]\nexclude = ["held/*"]\n')
    return tmp_path


def test_reports_under_the_given_path_with_its_config(desk):
    text = f"Prices rose {MARKER}. Rents fell.[web:3]\n".encode()
    r = cli(desk, "-", "--stdin-filename", "wire/story.md", "--no-cache", data=text)
    out = r.stdout.decode()
    assert r.returncode == 1
    assert out.startswith("wire/story.md:1:12: AST001")
    assert "AST014" not in out            # wire/citelint.toml ignores it
    r = cli(desk, "-", "--stdin-filename", "story.md", data=text)  # no config there: AST014 is reported
    assert "AST014" in r.stdout.decode()


def test_kind_comes_from_the_given_path(desk):
    text = b"The tag `[web:3]` is shown in code.\n"
    assert cli(desk, "-", "--stdin-filename", "a.md", data=text).returncode == 0    # a code span: left alone
    r = cli(desk, "-", "--stdin-filename", "a.txt", data=text)                        # plain text: reported
    assert r.returncode == 1 and b"a.txt:1:" in r.stdout
    html = b"<p>Shown: <code>[web:3]</code></p>\n"
    assert cli(desk, "-", "--stdin-filename", "a.html", data=html).returncode == 0
    assert cli(desk, "-", "--stdin-filename", "a.html", "--kind", "text", data=html).returncode == 1


def test_fix_writes_the_fixed_text_to_stdout_and_the_report_to_stderr(desk):
    data = f"\ufeffPrices rose {MARKER}.\r\nRents fell [web:3].\r\n".encode("utf-8")
    r = cli(desk, "-", "--stdin-filename", "wire/story.md", "--fix", data=data)
    # Byte-exact: BOM and CRLF kept; AST014 is ignored by the config so stays.
    assert r.stdout == "\ufeffPrices rose.\r\nRents fell [web:3].\r\n".encode("utf-8")
    assert b"1 fixed, 0 remaining" in r.stderr
    assert r.returncode == 0


def test_fix_with_nothing_to_fix_echoes_the_input(desk):
    data = b"A clean draft.\n"
    r = cli(desk, "-", "--stdin-filename", "wire/a.md", "--fix", data=data)
    assert r.stdout == data and r.returncode == 0


def test_fix_keeps_a_declared_encoding(desk):
    data = f"Caf\u00e9 prices rose {MARKER}.\n".encode("latin-1")
    r = cli(desk, "-", "--stdin-filename", "a.txt", "--fix", "--encoding", "latin-1", data=data)
    assert r.stdout == "Caf\u00e9 prices rose.\n".encode("latin-1")


def test_json_report_goes_to_stderr_with_fix(desk):
    data = f"Prices rose {MARKER}. Also citeturn0search0 here.\n".encode()
    r = cli(desk, "-", "--stdin-filename", "a.txt", "--fix", "--format", "json", data=data)
    assert r.stdout == b"Prices rose. Also here.\n"
    assert json.loads(r.stderr)["summary"]["fixed"] == 2


def test_force_exclude_passes_an_excluded_file_through(desk):
    data = f"Prices rose {MARKER}.\n".encode()
    r = cli(desk, "-", "--stdin-filename", "wire/held/a.md", "--force-exclude", "--fix", data=data)
    assert r.stdout == data and r.returncode == 0
    r = cli(desk, "-", "--stdin-filename", "wire/held/a.md", "--force-exclude", data=data)
    assert r.returncode == 0
    assert cli(desk, "-", "--stdin-filename", "wire/held/a.md", data=data).returncode == 1


def test_bad_input_is_one_line_and_exit_2(desk):
    r = cli(desk, "-", "--stdin-filename", "a.md", data=b"caf\xe9 \xff\xfe bad\n")
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1 and "a.md: not valid utf-8" in r.stderr.decode()
    r = cli(desk, "-", "other.md", data=b"")
    assert r.returncode == 2 and b"cannot be combined" in r.stderr
