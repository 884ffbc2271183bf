"""The draft that started the project: every artefact site is reported, plain
--fix removes only pure debris, and --fix --unsafe-fixes gives the editor's version."""
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
SEED = (DATA / "seed-draft.txt").read_text(encoding="utf-8")
EXPECTED = (DATA / "seed-draft.expected.txt").read_text(encoding="utf-8")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def copy(tmp_path):
    target = tmp_path / "seed-draft.txt"
    shutil.copyfile(DATA / "seed-draft.txt", target)
    return target


def test_reports_every_artefact_site(tmp_path):
    target = copy(tmp_path)
    out = run("check", "--isolated", "--format", "json", str(target))
    import json
    findings = json.loads(out.stdout)["findings"]
    sites = {(f["code"], f["line"]) for f in findings}
    assert ("CHP002", 1) in sites          # Pakistan Today +3 Geo News +3 | … (PA Today, …), +3.
    assert ("CHP002", 3) in sites          # Financial Times + 2 *Pakistan Today.⏎+2
    assert ("CHP009", 5) in sites          # W. Dawn Page
    assert ("CHP006", 7) in sites and ("CHP006", 10) in sites   # [Geo News]
    assert ("SOC005", 11) in sites         # has confirmed this tweet from …
    assert ("SOC004", 11) in sites         # @matthrubhumi / @mathrubhumi
    lines = {f["line"] for f in findings}
    # "At dawn today" (line 6), "According to Pakistan Today" (line 9) and "Dawn reported" (line 13) are prose.
    assert not lines & {6, 9, 13}
    assert out.returncode == 1


def test_safe_fix_keeps_what_needs_judgement(tmp_path):
    target = copy(tmp_path)
    run("check", "--isolated", "--fix", str(target))
    text = target.read_text(encoding="utf-8")
    assert "+3" not in text and "\n+2\n" not in text and "Financial Times + 2" not in text
    assert "@mathrubhumi" in text and "[Geo News]" in text and "W. Dawn Page" in text


def test_unsafe_fixes_give_the_editors_version(tmp_path):
    target = copy(tmp_path)
    out = run("check", "--isolated", "--fix", "--unsafe-fixes", str(target))
    assert target.read_text(encoding="utf-8") == EXPECTED
    assert out.returncode == 0, out.stdout + out.stderr
    again = run("check", "--isolated", "--fix", "--unsafe-fixes", str(target))
    assert target.read_text(encoding="utf-8") == EXPECTED
    assert "All checks passed" in again.stdout


def test_api_matches_cli():
    import citelint
    from citelint.config import Settings
    assert citelint.fix_text(SEED, settings=Settings(), unsafe=True).text == EXPECTED
