"""Every applied fix is recorded with what it removed and the link it touched:
`--show-fixes` in the text report, `applied_fixes` in JSON, `applied_fix` rows in JSON lines."""
import json
import subprocess
import sys

import citelint

DRAFT = ("Rates held [oai_citation:3\u2021The Hindu](https://www.thehindu.com/news/x.ece?utm_source=chatgpt.com)"
         " :contentReference[oaicite:0]{index=0}.\n")
FIXED = "Rates held [The Hindu](https://www.thehindu.com/news/x.ece).\n"


def run(tmp_path, *args):
    draft = tmp_path / "story.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "--fix", *args,
                          str(draft)], capture_output=True, text=True, timeout=120)
    assert draft.read_text(encoding="utf-8") == FIXED
    return out


def test_api_records_each_applied_fix():
    result = citelint.fix_text(DRAFT, kind="markdown")
    assert result.text == FIXED
    by_code = {a.code: a for a in result.fixes}
    assert set(by_code) == {"AST001", "AST002", "TRK001"} and result.applied == 3
    assert by_code["AST001"].removed == " :contentReference[oaicite:0]{index=0}" and by_code["AST001"].url is None
    assert by_code["AST002"].inserted.startswith("[The Hindu](https://www.thehindu.com/news/x.ece")
    assert by_code["TRK001"].removed == "?utm_source=chatgpt.com"
    assert by_code["TRK001"].url == "https://www.thehindu.com/news/x.ece?utm_source=chatgpt.com"


def test_show_fixes_lists_what_was_removed(tmp_path):
    out = run(tmp_path, "--show-fixes")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Fixed 3 findings:"
    assert any("AST001 removed `:contentReference[oaicite:0]{index=0}`" in ln for ln in lines)
    assert any("TRK001 removed `?utm_source=chatgpt.com` (link: https://www.thehindu.com/news/x.ece"
               in ln for ln in lines)
    assert "3 fixed, 0 remaining" in out.stdout


def test_without_show_fixes_the_text_report_is_unchanged(tmp_path):
    out = run(tmp_path)
    assert "Fixed 3" not in out.stdout and "3 fixed, 0 remaining" in out.stdout


def test_json_reports_applied_fixes(tmp_path):
    body = json.loads(run(tmp_path, "--format", "json").stdout)
    fixes = body["applied_fixes"]
    assert [f["code"] for f in fixes].count("AST002") == 1 and body["summary"]["fixed"] == 3
    trk = next(f for f in fixes if f["code"] == "TRK001")
    assert trk["removed"] == "?utm_source=chatgpt.com" and trk["applicability"] == "safe"
    assert trk["url"].startswith("https://www.thehindu.com/news/x.ece")


def test_json_lines_reports_applied_fixes(tmp_path):
    rows = [json.loads(ln) for ln in run(tmp_path, "--format", "json-lines").stdout.splitlines()]
    applied = [r["applied_fix"] for r in rows if "applied_fix" in r]
    assert {a["code"] for a in applied} == {"AST001", "AST002", "TRK001"}


def test_a_check_without_fix_has_no_applied_fixes_key(tmp_path):
    draft = tmp_path / "story.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "--format", "json",
                          str(draft)], capture_output=True, text=True, timeout=120)
    assert "applied_fixes" not in json.loads(out.stdout)
