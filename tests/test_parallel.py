"""Many files: parallel runs, the content cache, progress, and which files a
walk finds (.gitignore and `exclude`)."""
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from citelint import pool as parallel
from citelint import runner
from citelint.cli import main
from citelint.config import Resolver
from citelint.discover import iter_files
from citelint.progress import Progress

MARKER = ":contentReference[oaicite:0]{index=0}"
OFFER = "If you want, I can also create a shorter version. Do you want me to do that next?"


def make_drafts(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = f"Story {i}: the council met on day {i}.\n\n"
        if i % 3 == 0:
            body += f"Rates rose {MARKER}.\n"
        if i % 5 == 0:
            body += f"Rents fell.[web:{i}]\n"
        (folder / f"story{i:03}.md").write_text(body, encoding="utf-8")


def check(capsys, *args):
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITELINT_CACHE_DIR", raising=False)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)  # these drafts are small: run workers anyway
    make_drafts(tmp_path / "drafts", 40)
    return tmp_path


def test_small_runs_stay_in_one_process(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_drafts(tmp_path / "drafts", 40)
    monkeypatch.setattr(parallel, "_parallel", lambda *a: pytest.fail("workers started for 40 small files"))
    assert check(capsys, "drafts", "--no-cache", "--jobs", "2")[0] == 1


def test_parallel_output_matches_serial_and_is_ordered(desk, capsys):
    serial = check(capsys, "drafts", "--no-cache", "--jobs", "1", "--format", "json")
    para = check(capsys, "drafts", "--no-cache", "--jobs", "2", "--format", "json")
    assert serial == para and serial[0] == 1
    paths = [f["path"] for f in json.loads(para[1])["findings"]]
    assert paths == sorted(paths) and len(set(paths)) == 14 + 8 - 3  # every 3rd has a marker, every 5th a tag


def test_parallel_fix(desk, capsys):
    code, out, _ = check(capsys, "drafts", "--no-cache", "--jobs", "2", "--fix")
    assert code == 0 and "(22 fixed, 0 remaining)" in out
    assert not any(MARKER in p.read_text(encoding="utf-8") for p in (desk / "drafts").iterdir())


def _count_runs(monkeypatch):
    calls = []
    real = runner.check_file

    def counting(path, settings, job, online=None):
        calls.append(path)
        return real(path, settings, job, online)
    monkeypatch.setattr(runner, "check_file", counting)
    return calls


def test_cache_skips_unchanged_files(desk, capsys, monkeypatch):
    calls = _count_runs(monkeypatch)
    first = check(capsys, "drafts", "--jobs", "1")
    assert len(calls) == 40
    calls.clear()
    assert check(capsys, "drafts", "--jobs", "1") == first and calls == []
    assert (desk / ".citelint_cache" / "CACHEDIR.TAG").is_file()
    assert (desk / ".citelint_cache" / ".gitignore").read_text().strip().endswith("*")
    (desk / "drafts" / "story001.md").write_text(f"Changed {MARKER}.\n", encoding="utf-8")
    check(capsys, "drafts", "--jobs", "1")
    assert calls == [str(Path("drafts") / "story001.md")]
    calls.clear()
    check(capsys, "drafts", "--jobs", "1", "--no-cache")
    assert len(calls) == 40
    calls.clear()
    check(capsys, "drafts", "--jobs", "1", "--select", "AST001")  # other settings: other entries
    assert len(calls) == 40


def test_cache_never_hides_a_fix(desk, capsys, monkeypatch):
    check(capsys, "drafts", "--jobs", "1")                 # cache holds fixable findings
    code, out, _ = check(capsys, "drafts", "--jobs", "1", "--fix")
    assert code == 0 and "22 fixed" in out
    assert not any(MARKER in p.read_text(encoding="utf-8") for p in (desk / "drafts").iterdir())
    calls = _count_runs(monkeypatch)
    assert check(capsys, "drafts", "--jobs", "1")[0] == 0 and calls == []   # the fixed text was cached


def test_cache_and_unsafe_fixes(desk, capsys, monkeypatch):
    (desk / "drafts" / "offer.md").write_text(f"Sales rose.\n\n{OFFER}\n", encoding="utf-8")
    check(capsys, "drafts/offer.md")
    calls = _count_runs(monkeypatch)
    check(capsys, "drafts/offer.md", "--fix")       # only an unsafe fix: nothing to do, cache is enough
    assert calls == []
    check(capsys, "drafts/offer.md", "--fix", "--unsafe-fixes")
    assert calls and OFFER not in (desk / "drafts" / "offer.md").read_text(encoding="utf-8")


def test_damaged_cache_is_ignored(desk, capsys):
    first = check(capsys, "drafts")
    for bucket in (desk / ".citelint_cache").rglob("*.json"):
        bucket.write_text('{"format": 1, "entries": {"x": [{"bad": 1}]}', encoding="utf-8")
    assert check(capsys, "drafts") == first
    for bucket in (desk / ".citelint_cache").rglob("*.json"):
        key = next(iter(json.loads(bucket.read_text())["entries"]))
        bucket.write_text(json.dumps({"format": 1, "entries": {key: [{"c": "AST001"}]}}))
    assert check(capsys, "drafts") == first


def test_cache_dir_from_environment(desk, capsys, monkeypatch, tmp_path_factory):
    where = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(where))
    check(capsys, "drafts")
    assert list(where.rglob("*.json")) and not (desk / ".citelint_cache").exists()


def test_jobs_must_be_positive(desk, capsys):
    code, _, err = check(capsys, "drafts", "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_progress_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        p = Progress(500, stream)
        for _ in range(500):
            p.step()
        p.close()
    assert "500/500 files" in tty.getvalue() and tty.getvalue().endswith("\r\033[K")
    assert pipe.getvalue() == ""
    short = Tty()
    Progress(3, short).step()
    assert short.getvalue() == ""


# --- which files a walk finds -------------------------------------------------------

GITIGNORE_TREE = {
    ".gitignore": "# drafts we keep out of git\n*.tmp.md\n/scratch/\nbuild\narchive/**/old-*.md\n"
                  "!archive/keep/old-keep.md\nnotes/*.txt\n\\#hash.md\nspaced.md   \n",
    "a.md": "", "b.tmp.md": "", "#hash.md": "", "spaced.md": "",
    "scratch/x.md": "", "sub/scratch/y.md": "", "build/z.md": "", "sub/build/w.md": "",
    "archive/old-1.md": "", "archive/2020/old-2.md": "", "archive/2020/new.md": "",
    "archive/keep/old-keep.md": "",
    "notes/n.txt": "", "notes/deep/n.txt": "", "notes/n.md": "",
    "sub/.gitignore": "*.html\n!keep.html\n/local.md\n", "sub/p.html": "", "sub/keep.html": "",
    "sub/local.md": "", "sub/deeper/local.md": "", "sub/q.md": "",
}


def test_walk_agrees_with_git(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    for rel, text in GITIGNORE_TREE.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    git = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout.split("\n")
    expected = sorted(f for f in git if f and f.endswith((".md", ".txt", ".html")))
    found = sorted(Path(p).relative_to(tmp_path).as_posix()
                   for p, _ in iter_files([str(tmp_path)], Resolver(isolated=True)))
    assert found == expected
    assert "a.md" in found and "archive/keep/old-keep.md" in found and "sub/keep.html" in found
    assert "sub/deeper/local.md" in found and "notes/deep/n.txt" in found


def test_walk_reads_ignore_files_above_the_folder_inside_the_repo(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("drafts/held/\n")
    (tmp_path / "drafts" / "held").mkdir(parents=True)
    (tmp_path / "drafts" / "held" / "x.md").write_text("")
    (tmp_path / "drafts" / "y.md").write_text("")
    found = [Path(p).name for p, _ in iter_files([str(tmp_path / "drafts")], Resolver(isolated=True))]
    assert found == ["y.md"]


def test_respect_gitignore_false(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("*.md\n")
    (tmp_path / "a.md").write_text("")
    assert [p for p, _ in iter_files(["."], Resolver())] == []
    (tmp_path / "citelint.toml").write_text("respect-gitignore = false\n")
    assert [Path(p).name for p, _ in iter_files(["."], Resolver())] == ["a.md"]


def test_exclude_and_force_exclude(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "citelint.toml").write_text('exclude = ["held/*", "*.draft.md"]\n')
    (tmp_path / "held").mkdir()
    for name in ("held/a.md", "b.draft.md", "c.md"):
        (tmp_path / name).write_text(f"x {MARKER}\n")
    assert [p for p, _ in iter_files(["."], Resolver())] == ["c.md"]
    named = ["held/a.md", "b.draft.md", "c.md"]
    assert [p for p, _ in iter_files(named, Resolver())] == named           # named files are checked...
    assert [p for p, _ in iter_files(named, Resolver(), True)] == ["c.md"]  # ...unless --force-exclude
    code, out, _ = check(capsys, "--no-cache", "--force-exclude", *named)
    assert out.count("AST001") == 1


PACK = '''[[rule]]
code = "HSE101"
name = "draft-marker"
severity = "error"
pattern = '(?m)^\\[{word}\\][ \\t]*\\n?'
message = "marker `{{match}}` left in the text"
fix = "delete"
summary = "Finds [{word}] markers."
why = "They are notes to editors."
[[rule.example]]
bad = "[{word}]\\nThe text.\\n"
good = "The text.\\n"
[[rule.trap]]
text = "The {word} law was passed."
'''


def test_a_changed_rule_pack_invalidates_the_cache(desk, capsys, monkeypatch):
    (desk / "citelint.toml").write_text('rule-packs = ["house.toml"]\nextend-select = ["HSE"]\n')
    (desk / "house.toml").write_text(PACK.format(word="DRAFT"))
    (desk / "drafts" / "held.md").write_text("[HOLD]\nCopy.\n")
    assert "HSE101" not in check(capsys, "drafts", "--jobs", "1")[1]
    calls = _count_runs(monkeypatch)
    check(capsys, "drafts", "--jobs", "1")
    assert calls == []
    (desk / "house.toml").write_text(PACK.format(word="HOLD"))
    # A new process would read the pack afresh; this one must forget what it loaded.
    from citelint import ruleset as registry
    registry.user_rules.cache_clear()
    import citelint
    monkeypatch.setattr(citelint, "_linters", {})
    monkeypatch.setattr(runner, "_LAST", [None, None])
    code, out, _ = check(capsys, "drafts", "--jobs", "1")
    assert len(calls) == 41 and "drafts/held.md:1:1: HSE101" in out


def test_findings_json_cannot_hold_are_not_cached(tmp_path):
    from citelint.findings_cache import Bucket
    from citelint.model import Finding, Severity
    b = Bucket(tmp_path / "b.json")
    ok = Finding("AST001", "x", Severity.ERROR, "m", 0, 1, extra={"fingerprint": "k", "n": [1, 2.5, None]})
    odd = Finding("AST001", "x", Severity.ERROR, "m", 0, 1, extra={"obj": object()})
    b.put("a", [ok])
    b.put("b", [ok, odd])
    b.save()
    again = Bucket(tmp_path / "b.json")
    assert again.get("b", "p") is None
    assert again.get("a", "p.md")[0].extra == ok.extra and again.get("a", "p.md")[0].path == "p.md"


def test_a_file_reached_twice_is_checked_once(desk, capsys):
    code, out, _ = check(capsys, "drafts/story000.md", "drafts", "./drafts/story000.md", "--no-cache",
                         "--jobs", "2", "--fix")
    assert code == 0 and "(22 fixed, 0 remaining)" in out


def test_an_unwritable_cache_is_not_an_error(desk, capsys, monkeypatch):
    blocker = desk / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(blocker / "cache"))
    code, out, err = check(capsys, "drafts")
    assert code == 1 and err == "" and "Found 22 findings" in out
