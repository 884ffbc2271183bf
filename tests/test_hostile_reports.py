"""Regression tests for issue 14's reports and error paths: every report is
valid for any file name and any text (item 17); errors whose cause is known
are one line naming it, never "internal error" (item 20); empty and spaced rule
codes are refused (item 21, select/ignore). Hostile inputs are made here."""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from citelint import reports
from citelint.model import Edit, Finding, Fix, Safety, Severity

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ART = " :contentReference[oaicite:0]{index=0}"
HOSTILE = "\ufffe \uffff \x01 \x0c \x1b[31m \x7f \x85 \ufdd0"  # XML/HTML-illegal, controls, noncharacters
NAME = b"bad\xff name.md"                                        # not UTF-8
LINK = "http://127.0.0.1:9/private"  # refused by the guard, never fetched: --online stays offline here
SHOWN = "drafts/bad\\udcff name.md"                              # how every report writes it
PACK = """[[rule]]
code = "HOS001"
name = "hostile-echo"
pattern = "ECHO[^\\\\n]*"
message = "echoed: {match}"
"""


def cli(*args, cwd, env=None, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    kw.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "citelint", *args], cwd=cwd, env=env, timeout=120, **kw)


def one_line(stderr: str | bytes) -> str:
    """The run's only stderr line, checked to be a plain error, not a crash."""
    text = stderr.decode("utf-8") if isinstance(stderr, bytes) else stderr
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("citelint: error: ") and "internal error" not in text and "Traceback" not in text
    return lines[0]


# --- item 17: every report valid for any file name and any text ------------------------------

@pytest.fixture
def hostile_folder(tmp_path):
    """A draft whose name is not UTF-8 and a draft full of characters XML, HTML
    and terminals cannot carry, echoed into findings by a pack rule."""
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    with open(os.path.join(os.fsencode(drafts), NAME), "wb") as fh:
        fh.write(f"Prices rose{ART}.\nSee {LINK} for more.\n".encode())
    (drafts / "weird.md").write_text(f"Prices rose{ART}.\nECHO {HOSTILE} end\n", encoding="utf-8")
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "citelint.toml").write_text('rule-packs = ["pack.toml"]\n', encoding="utf-8")
    return tmp_path


_URI = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")  # RFC 3986 characters only
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HTML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _sarif(text: str) -> None:
    log = json.loads(text)
    validator = jsonschema.Draft7Validator(SCHEMA)
    errors = list(validator.iter_errors(log))
    assert not errors, [e.message for e in errors]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"] for loc in r["locations"]]
    assert "drafts/bad%FF%20name.md" in uris  # the name's own bytes, percent-encoded
    assert all(_URI.match(u) for u in uris)
    texts = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert any(HOSTILE in t for t in texts)  # JSON carries the draft's text exactly


def _json(text: str) -> None:
    findings = json.loads(text)["findings"]
    assert SHOWN in {f["path"] for f in findings}
    assert any(HOSTILE in f["message"] for f in findings)


def _json_lines(text: str) -> None:
    rows = [json.loads(line) for line in text.splitlines()]
    assert SHOWN in {r["path"] for r in rows}


def _rdjson(text: str) -> None:
    paths = {d["location"]["path"] for d in json.loads(text)["diagnostics"]}
    assert SHOWN in paths


def _junit(text: str) -> None:
    assert not _XML_ILLEGAL.search(text)
    suites = ET.fromstring(text.encode("utf-8"))
    assert SHOWN in {s.get("name") for s in suites}
    messages = [f.get("message") for f in suites.iter("failure")]
    assert any("\\ufffe \\uffff \\x01 \\x0c" in m for m in messages)


def _html(text: str) -> None:
    assert not _HTML_ILLEGAL.search(text)
    assert SHOWN in text and "\\ufffe \\uffff \\x01" in text


def _text(text: str) -> None:
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)  # nothing but newlines from the controls
    assert f"{SHOWN}:1:12: AST001" in text


def _github(text: str) -> None:
    assert f"file={SHOWN}," in text


def _links(text: str) -> None:
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
    assert f"{LINK}  ({SHOWN}:2)" in text


def _links_json(text: str) -> None:
    (link,) = json.loads(text)["links"]
    assert link["url"] == LINK and link["verdict"] == "blocked"
    assert link["cited"] == [{"file": SHOWN, "line": 2}]


CHECKS = {"sarif": _sarif, "json": _json, "json-lines": _json_lines, "rdjson": _rdjson, "junit": _junit,
          "html": _html, "text": _text, "github": _github, "links": _links, "links-json": _links_json}
ONLINE = {"links", "links-json"}  # the link reports list what --online found


def test_every_format_is_checked_here():
    assert set(CHECKS) == set(reports.FORMATS)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
@pytest.mark.parametrize("fmt", sorted(CHECKS))
def test_every_report_is_valid_utf8_for_a_name_that_is_not_and_hostile_text(hostile_folder, fmt):
    # surrogateescape: what a C.UTF-8 locale gives, where undecodable bytes went out raw
    online = ["--online"] if fmt in ONLINE else []
    out = cli("check", "--no-cache", *online, "--format", fmt, "drafts", cwd=hostile_folder,
              env={"PYTHONIOENCODING": "utf-8:surrogateescape"})
    assert out.returncode == 1, out.stderr
    assert out.stderr == b""
    CHECKS[fmt](out.stdout.decode("utf-8"))  # strict: raw bytes would fail here


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
@pytest.mark.parametrize("fmt", ["sarif", "junit", "json"])
def test_a_report_file_is_the_same_valid_report(hostile_folder, fmt):
    out = cli("check", "--no-cache", "--format", fmt, "-o", "report.out", "drafts", cwd=hostile_folder)
    assert out.returncode == 1 and out.stdout == b"", out.stderr
    CHECKS[fmt]((hostile_folder / "report.out").read_bytes().decode("utf-8"))


def _plugin_finding(path: str, message: str) -> Finding:
    fix = Fix((Edit(0, 3, "\udcfe\ufffe"),), Safety.SAFE, "Fix \x01")
    f = Finding("HOS002", "hostile-plugin", Severity.WARNING, message, 0, 3, fix)
    f.path, f.line, f.column, f.end_line, f.end_column = path, 1, 1, 1, 4
    return f


@pytest.mark.parametrize("fmt", sorted(CHECKS))
def test_writers_escape_any_text_a_plugin_gives(fmt):
    """A plugin's message, fix and path may hold anything: lone surrogates
    included. Every writer still gives valid UTF-8 its readers parse."""
    path = "p\udcff\x1b.md"
    text = "abc\udcfd\ufffe\x00 rest\n"
    report = reports.Report([_plugin_finding(path, "m\udcff \ufffe \x00 \x1b end")], files=1,
                            sources={path: text}, paths=[path])
    body = reports.FORMATS[fmt](report)
    body.encode("utf-8")  # strict
    if fmt in ("json", "rdjson", "sarif"):
        loaded = json.loads(body)
        assert "\\udcff" in json.dumps(loaded, ensure_ascii=False)  # the six characters, no lone surrogate
        if fmt == "sarif":
            assert not list(jsonschema.Draft7Validator(SCHEMA).iter_errors(loaded))
    elif fmt == "json-lines":
        assert [json.loads(line)["path"] for line in body.splitlines()] == ["p\\udcff\x1b.md"]
    elif fmt == "junit":
        assert not _XML_ILLEGAL.search(body)
        ET.fromstring(body.encode("utf-8"))
    elif fmt == "html":
        assert not _HTML_ILLEGAL.search(body)


# --- item 20: known causes are one line, exit 2 ------------------------------------------------

@pytest.fixture
def story(tmp_path):
    (tmp_path / "story.md").write_text(f"Prices rose{ART}.\n")
    return tmp_path


def test_tool_that_is_not_a_table_in_pyproject(story):
    (story / "pyproject.toml").write_text('tool = "x"\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 2
    assert "pyproject.toml: `tool` must be a table" in one_line(out.stderr)


@pytest.mark.parametrize("nested", [
    "a = " + "[" * 10_000 + "]" * 10_000,
    "a = " + "{b = " * 10_000 + "1" + "}" * 10_000,
])
@pytest.mark.parametrize("as_what", ["config", "pack"])
def test_toml_nested_ten_thousand_deep(story, nested, as_what):
    if as_what == "config":
        (story / "citelint.toml").write_text(nested + "\n")
    else:
        (story / "deep.toml").write_text(nested + "\n")
        (story / "citelint.toml").write_text('rule-packs = ["deep.toml"]\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "nested too deeply" in line and ("citelint.toml" if as_what == "config" else "deep.toml") in line


def test_a_baseline_nested_ten_thousand_deep(story):
    (story / "base.json").write_text("[" * 100_000 + "]" * 100_000)
    out = cli("check", "--no-cache", "--baseline", "base.json", "story.md", cwd=story, text=True)
    assert out.returncode == 2 and "base.json: not a citelint baseline" in one_line(out.stderr)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("setting", ["rule-packs", "outlets", "baseline"])
def test_dev_zero_as_a_pack_outlets_or_baseline_is_refused_after_a_bounded_read(story, setting):
    if setting == "baseline":
        args = ["--isolated", "--baseline", "/dev/zero"]
    else:
        (story / "citelint.toml").write_text(f'{setting} = ["/dev/zero"]\n')
        args = []
    out = cli("check", "--no-cache", *args, "story.md", cwd=story, text=True)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "/dev/zero: cannot read" in line and "MiB" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("setting", ["rule-packs", "outlets", "baseline"])
def test_a_fifo_as_a_pack_outlets_or_baseline_is_refused_not_waited_on(story, setting):
    os.mkfifo(story / "pipe.toml")
    if setting == "baseline":
        args = ["--isolated", "--baseline", "pipe.toml"]
    else:
        (story / "citelint.toml").write_text(f'{setting} = ["pipe.toml"]\n')
        args = []
    out = cli("check", "--no-cache", *args, "story.md", cwd=story, text=True)  # would block forever on open()
    assert out.returncode == 2
    assert "pipe.toml: cannot read" in one_line(out.stderr) and "pipe" in out.stderr


def test_an_oversized_regular_file_as_a_pack_is_refused(story):
    with open(story / "huge.toml", "wb") as fh:
        fh.truncate(17 * 1024 * 1024)  # sparse: nothing written, 17 MiB read
    (story / "citelint.toml").write_text('rule-packs = ["huge.toml"]\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 2 and "huge.toml: cannot read rule pack: larger than 16 MiB" in one_line(out.stderr)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_stdout_closed(story, fmt):
    out = cli("check", "--isolated", "--no-cache", "--format", fmt, "story.md", cwd=story,
              capture_output=False, stdout=None, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert out.returncode == 2
    assert "standard output is closed" in one_line(out.stderr)


def test_stdout_closed_is_no_error_when_the_report_goes_to_a_file(story):
    out = cli("check", "--isolated", "--no-cache", "-o", "r.txt", "story.md", cwd=story,
              capture_output=False, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert out.returncode == 1 and out.stderr == b""
    assert "AST001" in (story / "r.txt").read_text()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ("check", "--isolated", "--no-cache", "story.md"),
    ("check", "--isolated", "--no-cache", "--format", "sarif", "story.md"),
    ("rules",),
    ("config",),
])
def test_stdout_full(story, args):
    with open("/dev/full", "w") as full:
        out = cli(*args, cwd=story, capture_output=False, stdout=full, stderr=subprocess.PIPE)
    assert out.returncode == 2
    assert one_line(out.stderr) == "citelint: error: cannot write to standard output: No space left on device"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_full_with_fixed_standard_input(story):
    with open("/dev/full", "w") as full:
        out = cli("check", "--isolated", "--no-cache", "--fix", "-", cwd=story, input=b"Prices rose" + ART.encode(),
                  capture_output=False, stdout=full, stderr=subprocess.PIPE)
    assert out.returncode == 2 and "No space left on device" in one_line(out.stderr)


@pytest.mark.parametrize("message, why", [
    ("{match:d}", "does not suit text"),
    ("{match:,}", "does not suit text"),
    ("{match:=10}", "does not suit text"),
    ("{match:>500000000}", "more than 200 characters"),
    ("{match:.99999999999999999999999}", "more than 200 characters"),
    ("{match:" + "9" * 5000 + "}", "more than 200 characters"),
])
def test_a_message_template_that_would_fail_or_fill_memory_is_refused_at_load(story, message, why):
    (story / "pack.toml").write_text(PACK.replace("echoed: {match}", message))
    (story / "citelint.toml").write_text('rule-packs = ["pack.toml"]\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "pack.toml: rule HOS001: `message`" in line and why in line


def test_a_message_template_with_a_sensible_width_works(story):
    (story / "story.md").write_text("ECHO here\n")
    (story / "pack.toml").write_text(PACK.replace("echoed: {match}", "[{match:>12.6}]"))
    (story / "citelint.toml").write_text('rule-packs = ["pack.toml"]\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 0 and "[      ECHO h] (warning)" in out.stdout, out.stderr


def test_an_unknown_select_code_with_standard_input(story):
    out = cli("check", "--isolated", "--no-cache", "--select", "XYZ", "-", cwd=story, input="Clean.\n", text=True)
    assert out.returncode == 2
    assert one_line(out.stderr) == "citelint: error: command line: unknown rule code or prefix 'XYZ' in `select`"


# Unsearchable folders: root ignores permissions, so as root the run drops the two
# capabilities that let it (setpriv), as an ordinary user would be.

@lru_cache(maxsize=1)
def _unprivileged_prefix() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0
    except OSError:
        ok = False
    return prefix if ok else None


@pytest.fixture
def locked(tmp_path):
    prefix = _unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions are not enforced")
    (tmp_path / "locked" / "inner").mkdir(parents=True)
    (tmp_path / "locked" / "inner" / "a.md").write_text("Clean.\n")
    (tmp_path / "b.md").write_text("Clean.\n")
    (tmp_path / "locked").chmod(0)
    yield tmp_path, prefix
    (tmp_path / "locked").chmod(0o755)


@pytest.mark.parametrize("args", [
    ("check", "--no-cache", "locked/inner/a.md"),
    ("check", "--no-cache", "b.md", "locked"),
    ("check", "--no-cache", "--stdin-filename", "locked/inner/a.md", "-"),
    ("check", "--no-cache", "--config", "locked/citelint.toml", "b.md"),
    ("config", "locked/inner"),
])
def test_an_unsearchable_folder_is_one_line_naming_it(locked, args):
    cwd, prefix = locked
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([*prefix, sys.executable, "-m", "citelint", *args], cwd=cwd, env=env, input="Clean.\n",
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "locked" in line and "Permission denied" in line


# Plugins: a real distribution on the path (a dist-info folder with its entry
# point), failing in each way a plugin can.

PLUGIN = '''
import os
import sys

from citelint.model import Severity
from citelint.rule import Rule


class Fragile(Rule):
    code, name, severity, scope = "HOS009", "fragile", Severity.ERROR, "prose"
    summary, why = "Fails on purpose.", "Tests."

    def check(self, ctx):
        if "BOOM" in ctx.doc.source:
            raise ValueError("kaboom")
        if "EXIT" in ctx.doc.source:
            sys.exit(7)
        return []


def rules():
    how = os.environ.get("HOSTILE_PLUGIN", "")
    if how == "factory-raises":
        raise RuntimeError("the factory broke")
    if how == "factory-exits":
        sys.exit(7)
    if how == "not-a-rule":
        return [42]
    if how == "bad-code":
        class Bad(Fragile):
            code = 17
        return [Bad]
    return [Fragile]
'''


@pytest.fixture
def plugin_site(tmp_path):
    site = tmp_path / "site"
    (site / "hostile_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "hostile_plugin.py").write_text(PLUGIN)
    (site / "hostile_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hostile-plugin\nVersion: 1.0\n")
    (site / "hostile_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[citelint.rules]\nhostile = hostile_plugin:rules\n")
    work = tmp_path / "work"
    work.mkdir()
    return site, work


def run_with_plugin(plugin_site, *args, how=""):
    site, work = plugin_site
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "HOSTILE_PLUGIN": how}
    return subprocess.run([sys.executable, "-m", "citelint", *args], cwd=work, env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("how, cause", [
    ("factory-raises", "RuntimeError: the factory broke"),
    ("factory-exits", "SystemExit: 7"),
    ("not-a-rule", "42 is not a citelint Rule"),
    ("bad-code", "rule code 17"),
])
def test_a_plugin_that_fails_to_load_is_named(plugin_site, how, cause):
    (plugin_site[1] / "a.md").write_text("Clean.\n")
    for args in (("check", "--isolated", "--no-cache", "a.md"), ("rules",)):
        out = run_with_plugin(plugin_site, *args, how=how)
        assert out.returncode == 2
        line = one_line(out.stderr)
        assert "plugin hostile (hostile_plugin:rules)" in line and cause in line


@pytest.mark.parametrize("trigger, cause", [("BOOM", "ValueError: kaboom"), ("EXIT", "SystemExit: 7")])
@pytest.mark.parametrize("fix", [False, True])
def test_a_plugin_rule_that_raises_or_exits_is_named_and_the_run_goes_on(plugin_site, trigger, cause, fix):
    work = plugin_site[1]
    bad = f"Prices rose{ART}. {trigger}\n"
    (work / "a.md").write_text(bad)
    (work / "b.md").write_text(f"Prices rose{ART}.\n")
    out = run_with_plugin(plugin_site, "check", "--isolated", "--no-cache", *(["--fix"] if fix else []),
                          "--jobs", "1", "a.md", "b.md")
    assert out.returncode == 2  # not 7: the plugin does not decide how citelint ends
    line = one_line(out.stderr)
    assert line == (f"citelint: error: a.md: plugin hostile (hostile_plugin:rules): rule HOS009 failed: "
                    f"{cause}; the file was not checked")
    assert (work / "a.md").read_text() == bad  # nothing of it written
    if fix:
        assert (work / "b.md").read_text() == "Prices rose.\n"
    else:
        assert "b.md:1:12: AST001" in out.stdout


def test_a_plugin_rule_that_raises_in_a_worker_is_named(plugin_site):
    work = plugin_site[1]
    for i in range(8):
        (work / f"d{i}.md").write_text("BOOM\n" if i == 3 else "Clean.\n")
    out = run_with_plugin(plugin_site, "check", "--isolated", "--no-cache", "--jobs", "2", ".")
    assert out.returncode == 2
    assert "d3.md: plugin hostile (hostile_plugin:rules): rule HOS009 failed" in one_line(out.stderr)


# --- item 21: empty, blank and spaced rule codes -------------------------------------------------

@pytest.mark.parametrize("line", [
    'ignore = ["\\t"]', 'select = ["  "]', 'extend-select = [" "]', 'ignore = ["\\u00a0"]',
    'ignore = ["AST 001"]', 'select = ["A S T"]', 'ignore = ["\\u200b"]',
    '[severity]\n" " = "error"', '[severity]\n"AST 001" = "error"',
    '[per-file-ignores]\n"*.md" = ["\\t"]', '[per-file-ignores]\n"*.md" = ["AST 001"]',
])
@pytest.mark.parametrize("where", ["citelint.toml", "pyproject.toml"])
def test_blank_and_spaced_codes_in_configuration_are_refused(story, line, where):
    body = line if where == "citelint.toml" else "[tool.citelint]\n" + line.replace("[severity]", "[tool.citelint.severity]").replace(
        "[per-file-ignores]", "[tool.citelint.per-file-ignores]")
    (story / where).write_text(body + "\n")
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 2 and where in one_line(out.stderr)


@pytest.mark.parametrize("arg", [
    "--ignore= ", "--select=\t", "--extend-select=,", "--ignore=AST001,,TRK001", "--select=AST 001",
    "--ignore=A S T", "--extend-select=\u00a0",
])
@pytest.mark.parametrize("stdin", [False, True])
def test_blank_and_spaced_codes_on_the_command_line_are_refused(story, arg, stdin):
    out = cli("check", "--isolated", "--no-cache", arg, "-" if stdin else "story.md", cwd=story,
              input="Clean.\n", text=True)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "rule codes" in line or "unknown rule code" in line


def test_spaces_around_codes_are_only_trimmed(story):
    out = cli("check", "--isolated", "--no-cache", "--ignore", " AST001 , TRK001", "story.md", cwd=story, text=True)
    assert out.returncode == 0 and out.stderr == ""
    (story / "citelint.toml").write_text('ignore = [" AST001 "]\n')
    out = cli("check", "--no-cache", "story.md", cwd=story, text=True)
    assert out.returncode == 0 and out.stderr == ""
