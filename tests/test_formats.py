"""Report formats: golden files for github, rdjson, junit and json-lines, the
SARIF log checked against the SARIF 2.1.0 schema, statistics and -o.

Set CITELINT_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
"""
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from citelint.cli import main

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(monkeypatch, capsys, *args, cwd=GOLDEN):
    monkeypatch.chdir(cwd)
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt, golden", [
    ("github", "github.txt"), ("rdjson", "rdjson.json"), ("junit", "junit.xml"), ("json-lines", "findings.jsonl"),
])
def test_golden(fmt, golden, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "--format", fmt)
    assert code == 1, err
    path = GOLDEN / golden
    if os.environ.get("CITELINT_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8", newline="")
    assert out == path.read_text(encoding="utf-8"), f"{fmt} output changed; see {path}"


def test_golden_files_parse(monkeypatch, capsys):
    rd = json.loads((GOLDEN / "rdjson.json").read_text(encoding="utf-8"))
    assert rd["source"]["name"] == "citelint"
    # reviewdog counts columns in UTF-8 bytes: "Café" and "Zürich" put the marker 2 bytes later.
    marker = next(d for d in rd["diagnostics"] if d["code"]["value"] == "AST001")
    assert marker["location"]["range"]["start"] == {"line": 3, "column": 44}
    assert marker["suggestions"][0]["text"] == ""
    suites = ET.fromstring((GOLDEN / "junit.xml").read_text(encoding="utf-8"))
    assert suites.get("failures") == "6"
    clean = [s for s in suites if s.get("name") == "drafts/clean.txt"]
    assert clean and clean[0].get("failures") == "0" and clean[0].find("testcase") is not None
    lines = (GOLDEN / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["AST007", "AST001", "AST011", "TRK001", "AST014", "AST030"]


def test_github_escapes_and_levels(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, "drafts", "--no-cache", "--format", "github")
    lines = out.splitlines()
    assert lines[0].startswith("::error file=drafts/notes%2C final.txt,line=1,col=38,endLine=1,endColumn=55,title=AST007::")
    assert any(line.startswith("::warning ") and "title=AST011" in line for line in lines)
    assert any(line.startswith("::notice ") and "title=AST014" in line for line in lines)


def _sarif(monkeypatch, capsys, tmp_path, *extra):
    out_file = tmp_path / "citelint.sarif"
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "--format", "sarif", "-o", str(out_file), *extra)
    assert code == 1 and out == "", err
    return json.loads(out_file.read_text(encoding="utf-8"))


def test_sarif_validates_against_schema(monkeypatch, capsys, tmp_path):
    log = _sarif(monkeypatch, capsys, tmp_path)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # The schema really constrains: a misspelt property is refused.
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["lvel"] = "error"
    assert list(validator.iter_errors(bad))


def test_sarif_content_for_code_scanning(monkeypatch, capsys, tmp_path):
    log = _sarif(monkeypatch, capsys, tmp_path)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == ["AST001", "AST007", "AST011", "AST014", "AST030", "TRK001"]  # one per rule in force
    for r in rules:
        assert r["helpUri"] == f"https://citelint.github.io/citelint/rules/{r['id']}/"
        assert r["help"]["text"] and r["help"]["markdown"] and r["shortDescription"]["text"]
    assert run_["columnKind"] == "unicodeCodePoints"
    results = run_["results"]
    assert len(results) == 6
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["AST011"] == "warning" and levels["AST014"] == "note" and levels["AST001"] == "error"
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert r["partialFingerprints"]["citelint/v1"]
    comma = next(r for r in results if r["ruleId"] == "AST007")
    assert comma["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "drafts/notes%2C%20final.txt"
    marker = next(r for r in results if r["ruleId"] == "AST001")
    region = marker["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 42)
    assert region["snippet"]["text"].strip() == ":contentReference[oaicite:0]{index=0}"
    rep = marker["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep["deletedRegion"]["startLine"] == 3 and "insertedContent" not in rep
    offer = next(r for r in results if r["ruleId"] == "AST030")
    assert "unsafe" in offer.get("fixes", [{}])[0].get("description", {}).get("text", "unsafe")


@pytest.mark.parametrize("fmt", ["text", "json", "json-lines"])
def test_statistics_replace_findings(fmt, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "drafts", "--no-cache", "--statistics", "--format", fmt)
    assert code == 1
    if fmt == "text":
        assert "AST001" in out and "drafts/story.md:" not in out and "Found 6 findings" in out
    elif fmt == "json":
        body = json.loads(out)
        assert "findings" not in body
        assert {s["code"]: s["count"] for s in body["statistics"]}["AST011"] == 1
    else:
        rows = [json.loads(line) for line in out.splitlines()]
        assert {r["code"] for r in rows} == {"AST001", "AST007", "AST011", "AST014", "AST030", "TRK001"}
        assert all(set(r) == {"code", "name", "count", "fixable"} for r in rows)


def test_statistics_beside_a_tool_format(monkeypatch, capsys, tmp_path):
    # A SARIF file stays whole; the counts go where a person reads them.
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "--statistics", "--format", "sarif")
    json.loads(out)
    assert "AST001" in err and "Found 6 findings" in err
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "--statistics", "--format", "github",
                         "-o", str(tmp_path / "gh.txt"))
    assert "AST001" in out and (tmp_path / "gh.txt").read_text().startswith("::error ")


def test_output_file_and_unknown_format(monkeypatch, capsys, tmp_path):
    target = tmp_path / "report.json"
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"] == 6
    code, out, err = run(monkeypatch, capsys, "drafts", "--format", "yaml")
    assert code == 2 and "unknown --format 'yaml'" in err and "sarif" in err
    code, out, err = run(monkeypatch, capsys, "drafts", "--no-cache", "-o", str(tmp_path / "missing" / "r.txt"))
    assert code == 2 and "cannot write report" in err and err.count("\n") == 1


def test_every_report_format_is_registered():
    from citelint import reports
    assert reports.DOCS_URL.format(code="AST001").endswith("/rules/AST001/")
    assert {"text", "json", "sarif", "github", "rdjson", "junit", "json-lines", "html"} <= set(reports.FORMATS)


def test_html_groups_overlapping_findings_and_escapes(tmp_path):
    from citelint.model import Edit, Finding, Fix, Severity
    from citelint.reports import Report
    from citelint.reports.html import write
    text = "A <script>alert(1)</script> and [cite: 1] end.\n"
    a = text.index("[cite")
    f1 = Finding("AST011", "gemini-cite-tag", Severity.ERROR, "tag <b>", a, a + 10,
                 Fix((Edit(a - 1, a + 10, ""),)), path="x<y>.txt", line=1, column=a + 1)
    f2 = Finding("HSE001", "house", Severity.WARNING, "overlap", a + 2, a + 12, path="x<y>.txt", line=1,
                 column=a + 3)
    page = write(Report(findings=[f1, f2], files=1, paths=["x<y>.txt"], sources={"x<y>.txt": text}))
    assert page.count('<mark class="hl"') == 1            # one highlight for the overlapping pair
    assert "Findings 1 to 2 of 2" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "tag <b>" not in page and "tag &lt;b&gt;" in page and "x&lt;y&gt;.txt" in page
    assert page.count("<script>") == 1                     # the page's own
    assert "<del>" in page and "Before: " in page
