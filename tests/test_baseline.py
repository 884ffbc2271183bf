"""Baselines: --write-baseline records findings, --baseline hides them, and an
entry survives its lines moving but not its text changing."""
import json

import pytest

from citelint.cli import main

MARKER = ":contentReference[oaicite:0]{index=0}"


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.md").write_text(
        f"# Port\n\nShips queued {MARKER}.\n\nRents fell.[web:3]\n\nRates held.[web:3]\n", encoding="utf-8")
    (tmp_path / "drafts" / "b.txt").write_text("Clean copy.\n", encoding="utf-8")
    return tmp_path


def check(capsys, *args):
    code = main(["check", "drafts", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_write_then_nothing_new(desk, capsys):
    code, out, err = check(capsys, "--write-baseline", "citelint-baseline.json")
    assert code == 0 and "recorded 3 findings in citelint-baseline.json" in err
    data = json.loads((desk / "citelint-baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert {(e["path"], e["code"]) for e in data["findings"]} == {("drafts/a.md", "AST001"), ("drafts/a.md", "AST014")}
    assert all("line" not in e for e in data["findings"])
    code, out, err = check(capsys, "--baseline", "citelint-baseline.json")
    assert code == 0 and "All checks passed!" in out


def test_survives_lines_moving_and_reports_only_new(desk, capsys):
    check(capsys, "--write-baseline", "base.json")
    a = desk / "drafts" / "a.md"
    a.write_text("Intro added above.\n\nAnother paragraph.\n\n" + a.read_text(encoding="utf-8")
                 + "\nNew trouble citeturn0search0 here.\n", encoding="utf-8")
    code, out, err = check(capsys, "--baseline", "base.json")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("drafts/")]
    assert len(lines) == 1 and "AST007" in lines[0]


def test_a_second_copy_is_new(desk, capsys):
    check(capsys, "--write-baseline", "base.json")
    a = desk / "drafts" / "a.md"
    a.write_text(a.read_text(encoding="utf-8") + f"\nShips queued {MARKER}.\n", encoding="utf-8")
    code, out, _ = check(capsys, "--baseline", "base.json")
    assert code == 1 and out.count("AST001") == 1


def test_changed_context_is_new(desk, capsys):
    check(capsys, "--write-baseline", "base.json")
    a = desk / "drafts" / "a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("Ships queued", "Lorries queued"), encoding="utf-8")
    code, out, _ = check(capsys, "--baseline", "base.json")
    assert code == 1 and "AST001" in out


def test_stale_entries_with_statistics(desk, capsys):
    check(capsys, "--write-baseline", "base.json")
    a = desk / "drafts" / "a.md"
    a.write_text(a.read_text(encoding="utf-8").replace(f" {MARKER}", ""), encoding="utf-8")
    code, out, _ = check(capsys, "--baseline", "base.json", "--statistics")
    assert code == 0
    assert "1 baseline entry no longer found" in out and "drafts/a.md: AST001" in out
    code, out, _ = check(capsys, "--baseline", "base.json", "--statistics", "--format", "json")
    stale = json.loads(out)["stale_baseline"]
    assert stale == [{"code": "AST001", "path": "drafts/a.md", "text": MARKER, "count": 1}]
    code, out, _ = check(capsys, "--baseline", "base.json")  # without --statistics: quiet
    assert "baseline" not in out
    code = main(["check", "drafts/b.txt", "--no-cache", "--baseline", "base.json", "--statistics"])
    out, _ = capsys.readouterr()
    assert code == 0 and "no longer found" not in out  # a run over b.txt says nothing about a.md


def test_paths_are_relative_to_the_baseline_file(desk, capsys, monkeypatch):
    check(capsys, "--write-baseline", "base.json")
    monkeypatch.chdir(desk / "drafts")
    code = main(["check", ".", "--no-cache", "--baseline", "../base.json"])
    out, _ = capsys.readouterr()
    assert code == 0, out


def test_with_fix_mode_findings_left_are_filtered(desk, capsys):
    check(capsys, "--write-baseline", "base.json")
    code, out, _ = check(capsys, "--baseline", "base.json", "--fix")
    assert code == 0
    assert MARKER not in (desk / "drafts" / "a.md").read_text(encoding="utf-8")


def test_bad_baselines_are_one_line_errors(desk, capsys):
    (desk / "bad.json").write_text("{not json", encoding="utf-8")
    for args in (["--baseline", "bad.json"], ["--baseline", "missing.json"],
                 ["--baseline", "bad.json", "--write-baseline", "x.json"]):
        code, out, err = check(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and err.startswith("citelint: error:"), err
    (desk / "other.json").write_text('{"version": 9, "findings": []}', encoding="utf-8")
    code, _, err = check(capsys, "--baseline", "other.json")
    assert code == 2 and "not a citelint baseline" in err


def test_findings_without_a_fingerprint_get_one(tmp_path):
    from citelint.baseline import Baseline
    from citelint.model import Finding, Severity
    f = Finding("NET001", "dead-link", Severity.WARNING, "link is dead", 0, 5, path="a.md",
                url="https://example.org/x")
    b = Baseline.from_findings(str(tmp_path / "b.json"), [f])
    b.write()
    again = Baseline.load(str(tmp_path / "b.json"))
    new, stale = again.filter([f])
    assert new == [] and stale == []
