"""Hostile and odd files: whatever is on an editor's disk, citelint ends each
file with a result or one line naming it (exit 2), never a traceback, and
`--fix` changes nothing but the artefacts' bytes.

The CLI runs in a subprocess (the real exit status and stderr); a few checks
drive citelint.files directly where a race must be staged exactly."""
from __future__ import annotations

import codecs
import os
import re
import stat
import subprocess
import sys
import time

import pytest

import citelint
from citelint import cli, files
from citelint.engine import Linter

HANG_GUARD = 600  # seconds: a run this long is a hang (a 20 MB fix takes well under a minute)
ART = " [web:1]"  # an artefact whose removal before "." needs no tidying beyond itself


def citelint_run(cwd, *args, check=None):
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", *map(str, args)],
                          cwd=cwd, capture_output=True, timeout=HANG_GUARD)
    proc.out = proc.stdout.decode("utf-8", "replace")
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    for line in proc.err.splitlines():
        assert re.match(r"citelint: (error|warning|notice|interrupted)", line), f"stray stderr line: {line!r}"
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.out, proc.err)
    return proc


def errors(proc) -> list[str]:
    return [line for line in proc.err.splitlines() if line.startswith("citelint: error: ")]


# --- encodings ---------------------------------------------------------------------

def test_not_utf8_is_one_line_error_naming_the_file_and_untouched(tmp_path):
    bad = tmp_path / "cafe.txt"
    bad.write_bytes(b"Caf\xe9 prices rose" + ART.encode() + b".\n")
    good = tmp_path / "good.txt"
    good.write_text("Prices rose" + ART + ".\n")
    proc = citelint_run(tmp_path, "--fix", "cafe.txt", "good.txt", check=2)
    [line] = errors(proc)
    assert line.startswith("citelint: error: cafe.txt: not valid utf-8") and "--encoding" in line
    assert bad.read_bytes() == b"Caf\xe9 prices rose" + ART.encode() + b".\n"
    assert good.read_text() == "Prices rose.\n"  # the other file is still fixed


@pytest.mark.parametrize("encoding, text", [
    ("cp1252", "\u201cCaf\u00e9\u201d prices rose \u20ac4" + ART + ".\r\nThe end.\r\n"),
    ("latin-1", "Caf\u00e9 na\u00efve \u00bd" + ART + ".\nSecond line" + ART + ".\n"),
    ("utf-16-le", "Prices rose" + ART + ".\n\u4e2d\u6587" + ART + ".\n"),
    ("iso-2022-jp", "\u4e9c prices rose" + ART + ".\n"),
])
def test_encoding_option_fixes_and_writes_back_in_the_same_encoding(tmp_path, encoding, text):
    draft = tmp_path / "draft.txt"
    draft.write_bytes(text.encode(encoding))
    citelint_run(tmp_path, "--fix", "--encoding", encoding, "draft.txt", check=0)
    assert draft.read_bytes() == text.replace(ART, "").encode(encoding)


def test_without_encoding_a_cp1252_draft_is_refused_untouched(tmp_path):
    draft = tmp_path / "draft.txt"
    data = "\u201cQuote\u201d" .encode("cp1252") + ART.encode() + b".\n"
    draft.write_bytes(data)
    [line] = errors(citelint_run(tmp_path, "--fix", "draft.txt", check=2))
    assert "draft.txt" in line and "0x93" in line
    assert draft.read_bytes() == data


def test_an_encoding_that_would_rewrite_other_bytes_is_refused(tmp_path):
    """ISO-2022-JP text with a redundant escape sequence decodes fine, but
    encoding it again drops the escape: writing the fix would change bytes no
    fix touched, so the file is left alone."""
    data = b"abc \x1b$B0!\x1b(B\x1b(B def" + ART.encode() + b".\n"
    draft = tmp_path / "draft.txt"
    draft.write_bytes(data)
    [line] = errors(citelint_run(tmp_path, "--fix", "--encoding", "iso-2022-jp", "draft.txt", check=2))
    assert "draft.txt" in line and "not fixed" in line
    assert draft.read_bytes() == data


def test_unknown_encoding_is_one_line(tmp_path):
    (tmp_path / "draft.txt").write_text("x\n")
    [line] = errors(citelint_run(tmp_path, "--encoding", "no-such-codec", "draft.txt", check=2))
    assert "draft.txt" in line and "no-such-codec" in line


# --- binary, empty, blank ------------------------------------------------------------

BINARIES = {
    "photo.md": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "program.txt": b"\x7fELF\x02\x01\x01" + bytes(200) + b"[web:1]",
    "archive.html": b"\x1f\x8b\x08\x00" + os.urandom(300),
    "dump.txt": bytes(range(32)) * 40 + b" [web:1].",
    # Binary by content, not by its "%PDF" (a draft may begin so): a stream of raw bytes.
    "doc.md": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 256 >>\nstream\n" + bytes(range(256))
              + b"\nendstream\nendobj\n" + b"[web:1] " * 20,
}


def test_binary_files_are_skipped_with_a_notice_never_fixed(tmp_path):
    for name, data in BINARIES.items():
        (tmp_path / name).write_bytes(data)
    proc = citelint_run(tmp_path, "--fix", ".", check=0)
    notices = [line for line in proc.err.splitlines() if line.startswith("citelint: notice: ")]
    assert len(notices) == len(BINARIES)
    for name, data in BINARIES.items():
        assert any(name in n and "binary" in n for n in notices), name
        assert (tmp_path / name).read_bytes() == data


@pytest.mark.parametrize("data", [b"", b"   ", b"\n", b"\r\n\r\n", b" \t \n\t\r\n \x0c\n",
                                  "\u2028\u2029\u00a0\n".encode(), codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html"])
def test_empty_and_whitespace_only_files(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    citelint_run(tmp_path, name, check=0)
    citelint_run(tmp_path, "--fix", name, check=0)
    assert path.read_bytes() == data


# --- size ------------------------------------------------------------------------------

def _prose_block() -> tuple[str, str]:
    """A paragraph-rich block with artefacts, and the same block fixed."""
    lines = []
    for i in range(60):
        art = (" [web:1]", " citeturn0search1", " :contentReference[oaicite:0]{index=0}",
               " \u30104:0\u2020source\u3011", "")[i % 5]
        lines.append(f"Officials said on Monday that budget line {i} would rise by four percent{art}. "
                     f"The council voted to approve it after a long debate about roads and schools.")
    block = "\n\n".join(lines) + "\n\n"
    return block, citelint.fix_text(block).text


def test_a_20_mb_draft_is_checked_and_fixed(tmp_path):
    block, fixed = _prose_block()
    assert fixed != block and "[web:1]" not in fixed
    n = 20_000_000 // len(block) + 1
    draft = tmp_path / "big.txt"
    draft.write_text(block * n)
    proc = citelint_run(tmp_path, "big.txt", check=1)
    assert f"Found {4 * 12 * n} findings" in proc.out
    citelint_run(tmp_path, "--fix", "big.txt", check=0)
    assert draft.read_text() == fixed * n


def test_a_single_5_mb_line(tmp_path):
    block, _ = _prose_block()
    line = block.replace("\n\n", " ")
    n = 5_000_000 // len(line) + 1
    draft = tmp_path / "line.md"
    draft.write_text(line * n + "\n")
    citelint_run(tmp_path, "--fix", "line.md", check=0)
    out = draft.read_text()
    assert out.count("\n") == 1 and "[web:1]" not in out and "citeturn" not in out
    assert out == citelint.fix_text(line * n + "\n", kind="markdown").text


def test_20000_deep_nested_html(tmp_path):
    depth = 20_000
    doc = "<div>" * depth + "<p>Rates rose" + ART + ".</p>" + "</div>" * depth + "\n"
    html_file = tmp_path / "deep.html"
    html_file.write_text(doc)
    citelint_run(tmp_path, "--fix", "deep.html", check=0)
    assert html_file.read_text() == doc.replace(ART, "")
    md = "> " * 5000 + "Quoted" + ART + ".\n" + "- " * 5000 + "Listed" + ART + ".\n" + "[" * 20000 + "x"
    (tmp_path / "deep.md").write_text(md)
    citelint_run(tmp_path, "--fix", "deep.md")  # quoted: reported, not fixed; the rest is fixed


MALFORMED = {
    "unclosed-tags.html": ("<p>Rates rose" + ART + ".<b><i><div <p class='x>more", "html"),
    "stray.html": ("</p></div>Rates rose" + ART + ".<p><p></li>&amp &#99999999; &#x110000; &bogus; <", "html"),
    "comments.html": ("<!-- never closed <p>Hidden" + ART + ". <p>more", "html"),
    "cdata.html": ("<![CDATA[ x" + ART + ". <p>Seen" + ART + ".</p>", "html"),
    "attrs.html": ("<p title=\"a>b\" data-x='<p>'>Rates rose" + ART + ".</p><a href=>x</a><a href", "html"),
    "script.html": ("<script>var s = '[web:1]';<p>x</p>", "html"),
    "fence.md": ("```\ncode [web:1].\n\nNever closed" + ART + ".\n", "markdown"),
    "links.md": ("[a](b [c](d) [e]( <f> ](g) ![h](i \"j) Rates rose" + ART + ".\n[x]: \n", "markdown"),
    "ticks.md": ("`` ` ``` Rates rose" + ART + ". ` x" + ART + ".\n", "markdown"),
    "front.md": ("---\ntitle: x" + ART + ".\nRates rose" + ART + ".\n", "markdown"),
    "comment.md": ("<!-- citelint: disable=\nRates rose" + ART + ".\n", "markdown"),
    "mixed.md": ("<div>\n<p>Rates rose" + ART + ".\n\n# Head" + ART + ".\n> quote\n    code" + ART + ".\n", "markdown"),
}


def test_malformed_html_and_markdown(tmp_path):
    for name, (doc, _) in MALFORMED.items():
        (tmp_path / name).write_text(doc)
    citelint_run(tmp_path, ".")
    citelint_run(tmp_path, "--fix", ".")
    for name, (doc, kind) in MALFORMED.items():
        out = (tmp_path / name).read_text()
        assert out == citelint.fix_text(doc, kind=kind).text, name
        # Only artefacts went: the file is the original with some of them removed.
        assert out in {doc.replace(ART, "", k) for k in range(doc.count(ART) + 1)} or \
            re.sub(re.escape(ART), "", out) == re.sub(re.escape(ART), "", doc), name


def test_memory_is_a_small_multiple_of_the_draft():
    """Structural, not timed: the peak of Python allocations while a 1 MB draft
    is checked and fixed stays within a generous multiple of its size (about
    ten times is typical: the views, the findings and the fixed copy)."""
    import tracemalloc

    block, _ = _prose_block()
    text = block * (1_000_000 // len(block) + 1)
    docs = {"text": text, "markdown": text, "html": "".join(f"<p>{p}</p>\n" for p in text.split("\n\n"))}
    linter = Linter()
    linter.lint_text(block, "text")  # rules compiled outside the measurement
    for kind, doc in docs.items():
        tracemalloc.start()
        try:
            linter.fix_text(doc, kind)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 40 * len(doc), (kind, peak / len(doc))


def test_memory_stays_flat_over_many_files(tmp_path):
    """A run keeps one draft's text at a time: over 600 drafts of about 8 KB
    (5 MB in all) the peak stays a fraction of the total, the results holding
    only a few hundred bytes a clean file."""
    import tracemalloc

    from citelint import pool, runner
    from citelint.config import Settings

    body = "The council voted on Monday to approve the budget for roads and schools. " * 110
    paths = []
    for i in range(600):
        path = tmp_path / f"story{i:04}.txt"
        path.write_text(f"Story {i}. " + body)
        paths.append((str(path), Settings()))
    job = runner.Job(fix=True)
    pool.run(paths[:3], job, 1)  # rules compiled outside the measurement
    tracemalloc.start()
    try:
        results = pool.run(paths, job, 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    total = sum(os.path.getsize(p) for p, _ in paths)
    assert all(r.error is None for r in results)
    assert peak < total / 4, (peak, total)


# --- line endings, BOMs and separators are kept byte for byte ---------------------------

SEPARATORS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "u2028": "\u2028", "u2029": "\u2029",
              "nel": "\u0085", "vt": "\x0b", "ff": "\x0c"}


def _lines_doc(kind: str, seps: list[str]) -> str:
    lines = [f"Line {i} says prices rose{ART if i % 2 else ''}." for i in range(len(seps))]
    if kind == "html":
        lines = [f"<p>{line}</p>" for line in lines]
    elif kind == "markdown":
        lines = ["# Head" + ART + "."] + lines[1:]
    return "".join(line + sep for line, sep in zip(lines, seps))


@pytest.mark.parametrize("kind, ext", [("text", "txt"), ("markdown", "md"), ("html", "html")])
@pytest.mark.parametrize("sep", [*SEPARATORS, "mixed"])
def test_line_endings_and_separators_are_kept_exactly(tmp_path, kind, ext, sep):
    seps = list(SEPARATORS.values()) * 2 if sep == "mixed" else [SEPARATORS[sep]] * 6
    text = _lines_doc(kind, seps)
    path = tmp_path / f"draft.{ext}"
    path.write_bytes(text.encode("utf-8"))
    citelint_run(tmp_path, "--fix", path.name, check=0)
    assert path.read_bytes() == text.replace(ART, "").encode("utf-8")


@pytest.mark.parametrize("bom, encoding", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
])
def test_a_bom_and_its_encoding_are_kept(tmp_path, bom, encoding):
    text = _lines_doc("markdown", ["\r\n", "\n", "\r", "\u2028", "\n"])
    path = tmp_path / "draft.md"
    path.write_bytes(bom + text.encode(encoding))
    citelint_run(tmp_path, "--fix", "draft.md", check=0)
    assert path.read_bytes() == bom + text.replace(ART, "").encode(encoding)


def test_nul_bytes_are_kept(tmp_path):
    text = "Prices\x00 rose" + ART + ".\nA NUL\x00 here and there\x00" + ART + ".\n" + "More text. " * 40
    path = tmp_path / "nul.txt"
    path.write_bytes(text.encode())
    citelint_run(tmp_path, "--fix", "nul.txt", check=0)
    assert path.read_bytes() == text.replace(ART, "").encode()


# --- files on disk: permissions, races, links, names ----------------------------------

def test_a_read_only_file_is_an_error_and_untouched(tmp_path):
    path = tmp_path / "ro.txt"
    data = ("Prices rose" + ART + ".\n").encode()
    path.write_bytes(data)
    path.chmod(0o444)
    other = tmp_path / "rw.txt"
    other.write_bytes(data)
    proc = citelint_run(tmp_path, "--fix", "ro.txt", "rw.txt", check=2)
    [line] = errors(proc)
    assert line == "citelint: error: ro.txt: read-only; not fixed"
    assert path.read_bytes() == data and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert other.read_text() == "Prices rose.\n"
    citelint_run(tmp_path, "ro.txt", check=1)  # checking without --fix is fine


def test_a_missing_file_is_an_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "here.txt").write_text("Prices rose" + ART + ".\n")
    proc = citelint_run(tmp_path, "--fix", "gone.txt", "here.txt", check=2)
    [line] = errors(proc)
    assert line.startswith("citelint: error: gone.txt: cannot read")
    assert (tmp_path / "here.txt").read_text() == "Prices rose.\n"


def test_a_file_changed_after_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("Prices rose" + ART + ".\n")
    sf = files.read_source(str(path))
    fixed = citelint.fix_text(sf.text).text
    # Another program saves the draft: same length, same second, different words.
    edited = "Prices fell" + ART + ".\n"
    path.write_text(edited)
    with pytest.raises(files.InputError, match="changed since it was read; not overwritten"):
        files.write_source(sf, fixed)
    assert path.read_text() == edited
    assert not list(tmp_path.glob(".citelint-*"))


def test_a_file_deleted_after_it_was_read_is_not_recreated(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("Prices rose" + ART + ".\n")
    sf = files.read_source(str(path))
    path.unlink()
    with pytest.raises(files.InputError, match="draft.txt: cannot write"):
        files.write_source(sf, "Prices rose.\n")
    assert not path.exists() and not list(tmp_path.iterdir())


def test_a_file_saved_by_an_editor_during_a_real_run_is_never_overwritten(tmp_path):
    """A real race: the CLI (in a thread of this process) reads, fixes and
    writes the draft while an editor keeps saving new versions (atomically, as
    editors do). When both have finished, the file must be the editor's last
    version or the fix of exactly that version: never a fix of an older one
    written over a newer save."""
    import random
    import threading

    path = tmp_path / "draft.txt"
    rng = random.Random(6)
    for round_ in range(60):
        versions = [f"Round {round_} version {i} of the story{ART}.\n" for i in range(rng.randint(1, 4))]
        path.write_text(versions[0])
        run = threading.Thread(target=cli.main, args=(
            ["check", "--isolated", "--no-cache", "--fix", "--exit-zero", "--fix-only", str(path)],))
        run.start()
        for v in versions[1:]:
            time.sleep(rng.random() / 200)  # saves land before, during and after the run's read and write
            tmp = tmp_path / "editor.swp"
            tmp.write_text(v)
            os.replace(tmp, path)
        run.join()
        assert path.read_text() in (versions[-1], versions[-1].replace(ART, "")), round_
    assert not list(tmp_path.glob(".citelint-*"))


def test_symlinks_fix_the_target_and_stay_links(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "story.md"
    target.write_text("Prices rose" + ART + ".\n")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    link = drafts / "link.md"
    link.symlink_to(os.path.relpath(target, drafts))
    citelint_run(tmp_path, "--fix", "drafts/link.md", check=0)
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, drafts)
    assert target.read_text() == "Prices rose.\n"
    target.write_text("Again" + ART + ".\n")
    citelint_run(tmp_path, "--fix", ".", check=0)  # found by walking a folder that holds the target too
    assert link.is_symlink() and target.read_text() == "Again.\n"
    # (walking `drafts` alone, the link leads outside it: skipped, see test_hostile_files.py)
    assert not list(drafts.glob(".citelint-*")) and not list(real.glob(".citelint-*"))


def test_dangling_and_looping_symlinks_are_errors(tmp_path):
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    proc = citelint_run(tmp_path, "--fix", ".", check=2)
    lines = errors(proc)
    assert len(lines) == 2
    assert any("dangling.md: cannot read" in x for x in lines) and any("loop.md: cannot read" in x for x in lines)


def test_paths_with_spaces_and_non_ascii_names(tmp_path):
    folder = tmp_path / "my drafts" / "\u00e9t\u00e9 \u4e2d\u6587"
    folder.mkdir(parents=True)
    names = ["story with spaces.md", "\u00fcn\u00efc\u00f6d\u00e9 story.txt", "\U0001f4f0 news.html"]
    for name in names:
        (folder / name).write_text("Prices rose" + ART + ".\n")
    proc = citelint_run(tmp_path, "my drafts", check=1)
    for name in names:
        assert name in proc.out
    citelint_run(tmp_path, "--fix", "my drafts", check=0)
    for name in names:
        assert (folder / name).read_text() == "Prices rose.\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_a_file_name_that_is_not_utf8(tmp_path):
    name = b"bad\xffname.txt"
    path = os.path.join(os.fsencode(tmp_path), name)
    with open(path, "wb") as fh:
        fh.write(b"Prices rose" + ART.encode() + b".\n")
    proc = citelint_run(tmp_path, ".", check=1)
    assert "AST014" in proc.out
    env = dict(os.environ, PYTHONIOENCODING="utf-8")  # a strict stdout
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "."],
                          cwd=tmp_path, capture_output=True, env=env, timeout=HANG_GUARD)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert b"bad\\udcffname.txt" in proc.stdout
    citelint_run(tmp_path, "--fix", ".", "-o", "report.txt", check=0)
    with open(path, "rb") as fh:
        assert fh.read() == b"Prices rose.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_draft_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "ok.md").write_text("Prices rose" + ART + ".\n")
    for args in ([], ["--fix"]):
        proc = citelint_run(tmp_path, *args, ".", check=2)
        assert errors(proc) == ["citelint: error: pipe.md: not a regular file"]
    for _ in range(2):  # with the cache: the second run reads from a warm one
        proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "."], cwd=tmp_path,
                              capture_output=True, text=True, timeout=HANG_GUARD,
                              env=dict(os.environ, CITELINT_CACHE_DIR=str(tmp_path / ".cache")))
        assert proc.returncode == 2 and "pipe.md: not a regular file" in proc.stderr


def test_stale_temporary_files_are_swept(tmp_path):
    """A run killed between writing its temporary file and renaming it leaves a
    hidden .citelint-*.tmp; the next fix in that folder removes ones older than
    files.STALE_TEMP_AGE and leaves young ones (another run may own them)."""
    stale = tmp_path / ".citelint-dead1234.tmp"
    young = tmp_path / ".citelint-live5678.tmp"
    for p in (stale, young):
        p.write_text("half a draft")
    old = time.time() - files.STALE_TEMP_AGE - 60
    os.utime(stale, (old, old))
    (tmp_path / "draft.txt").write_text("Prices rose" + ART + ".\n")
    citelint_run(tmp_path, "--fix", "draft.txt", check=0)
    assert not stale.exists() and young.exists()
    proc = citelint_run(tmp_path, ".", check=0)
    assert ".citelint" not in proc.out  # never checked as drafts


# --- no traceback, whatever the input ----------------------------------------------------

def test_an_unexpected_error_on_one_file_is_one_line_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    boom = tmp_path / "boom.txt"
    boom.write_text("Anything [1].\n")  # a "[" lets the reference rules run, so _run is reached
    ok = tmp_path / "ok.txt"
    ok.write_text("Prices rose" + ART + ".\n")
    real_run = Linter._run

    def run(self, doc, rules):  # a rule with a bug, on one file
        if doc.path.endswith("boom.txt"):
            raise RuntimeError("a rule fell over\non two lines")
        return real_run(self, doc, rules)

    monkeypatch.setattr(Linter, "_run", run)
    assert cli.main(["check", "--isolated", "--no-cache", "--fix", str(boom), str(ok)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"citelint: error: {boom}: internal error: RuntimeError: a rule fell over on two lines; "
                   f"please report this"]
    assert ok.read_text() == "Prices rose.\n" and boom.read_text() == "Anything [1].\n"


def test_a_save_between_the_last_check_and_the_rename_is_kept(tmp_path, monkeypatch):
    """The last instant before the rename: the check has passed, then an editor
    saves. Where the system can swap two files atomically, the fix is swapped
    in, the swapped-out file is compared with what was read, and the editor's
    save is swapped back."""
    import citelint.files as files
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is Linux's")
    path = tmp_path / "draft.txt"
    path.write_text("Prices rose" + ART + ".\n")
    sf = files.read_source(str(path))
    real_check = files._check_unchanged
    calls = []

    def check_then_editor_saves(sf_, target):
        real_check(sf_, target)
        calls.append(target)
        if len(calls) == 2:  # the check just before the rename
            (tmp_path / "editor.swp").write_text("The editor's version.\n")
            os.replace(tmp_path / "editor.swp", path)

    monkeypatch.setattr(files, "_check_unchanged", check_then_editor_saves)
    with pytest.raises(files.InputError, match="changed since it was read"):
        files.write_source(sf, "Prices rose.\n")
    assert path.read_text() == "The editor's version.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.txt"]  # no temporary file left


def _hostile_folder(root):
    """Every kind of odd file above, in one folder (with enough files for the
    parallel path)."""
    root.mkdir()
    (root / "not-utf8.txt").write_bytes(b"Caf\xe9" + ART.encode() + b".\n")
    for name, data in BINARIES.items():
        (root / name).write_bytes(data)
    (root / "empty.md").write_bytes(b"")
    (root / "blank.txt").write_bytes(b" \n\t\r\n")
    for name, (doc, _) in MALFORMED.items():
        (root / name).write_text(doc)
    for key, sep in SEPARATORS.items():
        (root / f"sep-{key}.md").write_text(_lines_doc("markdown", [sep] * 3))
    (root / "bom16.txt").write_bytes(codecs.BOM_UTF16_LE + ("x" + ART + ".\n").encode("utf-16-le"))
    (root / "nul.txt").write_bytes(b"a\x00b" + ART.encode() + b"." + b" words" * 30)
    (root / "deep.html").write_text("<div>" * 5000 + "x" + ART + "." + "</div>" * 5000)
    ro = root / "read-only.txt"
    ro.write_text("x" + ART + ".\n")
    ro.chmod(0o444)
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.md")
    (root / "sp ace \u00e9t\u00e9.md").write_text("x" + ART + ".\n")
    os.close(os.open(os.path.join(os.fsencode(root), b"bad\xffname.txt"), os.O_CREAT | os.O_WRONLY))


@pytest.mark.parametrize("args", [[], ["--fix"], ["--diff"], ["--format", "json"], ["--fix", "--jobs", "2"],
                                  ["--format", "sarif", "-o", "report.sarif"]])
def test_a_folder_of_hostile_files_gives_one_line_errors_and_exit_2(tmp_path, args):
    _hostile_folder(tmp_path / "hostile")
    proc = citelint_run(tmp_path, *args, "hostile", check=2)  # every stderr line is "citelint: ..."
    lines = errors(proc)
    expected = ["not-utf8.txt", "read-only.txt", "dangling.md", "loop.md"] + (["pipe.md"] if hasattr(os, "mkfifo") else [])
    if "--fix" not in args:
        expected.remove("read-only.txt")
    for name in expected:
        assert sum(name in line for line in lines) == 1, (name, lines)
    assert len(lines) == len(expected), lines
