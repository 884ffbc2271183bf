"""Regression tests for issue 14's file and folder findings: symbolic links
out of the tree (#9), `.gitignore` patterns that backtracked or differed from
git (#12, #24), unreadable folders, binary guessed by magic numbers, an empty
path, hard links (#21), FIFOs and dangling links in a walk (#24), and the
`max-file-size` limit (#15). Every hostile input is made here."""
from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from citelint import cli, files
from citelint.config import ConfigError, Resolver, Settings, parse_size
from citelint.discover import iter_files
from citelint.gitignore import IgnoreFile, parse_line

HANG_GUARD = 300  # seconds: a run this long is a hang, not a slow machine
ART = " [web:1]"
DRAFT = "Prices rose" + ART + ".\n"
FIXED = "Prices rose.\n"


def run(cwd, *args, check=None, stdin=None, report_on_stderr=False):
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", *map(str, args)],
                          cwd=cwd, capture_output=True, timeout=HANG_GUARD, input=stdin)
    proc.out = proc.stdout.decode("utf-8", "replace")
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err and "internal error" not in proc.err, proc.err
    for line in proc.err.splitlines() if not report_on_stderr else ():
        assert re.match(r"citelint: (error|warning|notice): ", line), f"stray stderr line: {line!r}"
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.out, proc.err)
    return proc


def lines(proc, level: str) -> list[str]:
    return [x for x in proc.err.splitlines() if x.startswith(f"citelint: {level}: ")]


# --- #9: symbolic links out of the tree ---------------------------------------------

def test_a_walked_symlink_to_a_file_outside_the_checked_folders_is_skipped(tmp_path):
    outside = tmp_path / "home" / "notes.md"
    outside.parent.mkdir()
    outside.write_text(DRAFT)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.md").symlink_to(outside)
    (repo / "own.md").write_text(DRAFT)
    proc = run(repo, "--fix", ".", check=0)
    assert outside.read_text() == DRAFT  # never edited through the link
    assert (repo / "own.md").read_text() == FIXED
    [notice] = lines(proc, "notice")
    assert "link.md" in notice and "outside the checked folders" in notice and "command line" in notice
    run(repo, ".", check=0)  # nor read into a report
    run(repo, "--fix", "link.md", check=0)  # named on the command line: followed, as documented
    assert outside.read_text() == FIXED and (repo / "link.md").is_symlink()


def test_a_walked_symlink_inside_the_checked_folders_is_followed_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "story.md").write_text(DRAFT)
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "story.md").symlink_to(tmp_path / "real" / "story.md")
    proc = run(tmp_path, ".", check=1)
    assert proc.out.count("AST014") == 1  # one file, reached twice by one name: checked once
    run(tmp_path, "--fix", "links", "real", check=0)  # two named folders: the link stays inside them
    assert (tmp_path / "real" / "story.md").read_text() == FIXED
    assert (tmp_path / "links" / "story.md").is_symlink()


# --- #12 and #24: .gitignore as git matches it ---------------------------------------

HOSTILE = "*a*a*a*a*a*a*a*a*a*a*a*a*c"


def _best_time(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


@pytest.mark.parametrize("pattern, name", [
    (HOSTILE, lambda n: b"a" * n),                                  # the reported hang: no `c` at the end
    ("*[ab]*[ab]*[ab]*[ab]*[ab]*c", lambda n: b"x" * n + b"ab" * 3 + b"c"),  # classes, found after a scan
    ("*b*b*b*b*b*b*c", lambda n: b"a" * n + b"bbbbbbc"),
    ("a/**/b/**/c/**/d", lambda n: b"/".join([b"a"] * (n // 50) + [b"b", b"c", b"x"])),
])
def test_gitignore_matching_time_grows_linearly(pattern, name):
    pat = parse_line(pattern)
    n = 200_000
    small, large = name(n), name(2 * n)
    assert pat.matches(small) == pat.matches(large)
    t1 = _best_time(lambda: [pat.matches(small) for _ in range(20)])
    t2 = _best_time(lambda: [pat.matches(large) for _ in range(20)])
    assert t2 / max(t1, 1e-6) < 3, (t1, t2)


def test_a_hostile_gitignore_line_does_not_hang_the_walk(tmp_path):
    (tmp_path / ".gitignore").write_text(HOSTILE + "\n" + "*" * 200 + "b\n")
    long_name = "a" * 240 + ".md"  # close to the longest name a file system takes
    (tmp_path / long_name).write_text(DRAFT)
    (tmp_path / ("a" * 200 + "c.md")).write_text(DRAFT)  # not ignored: `*c` must end the name
    proc = run(tmp_path, ".", check=1)
    assert proc.out.count("AST014") == 2


# Lines whose meaning is easy to get wrong; each is checked against git itself.
GIT_PATTERNS = [
    "[br.md", "x[a-", "\\[q*", "ab\\", "[!a]*.md", "[]]x", "[]a]*", "[!]]*", "[[:alpha:]]*", "[[:foo:]]*",
    "[[:alpha]", "[[:]x", "[a-c]?", "[c-a]*", "[a\\-c]", "[\\]]*", "[a-]x", "[-a]x", "[!-]x", "[a-\\z]", "[^a]",
    "[[:digit:][:upper:]]*", "[[:space:]]*", "[[:punct:]]*", "*[", "[", "[!", "[]", "[!]", "a\\",
    "**/foo", "a/**/b", "abc/**", "**", "/**", "a/**/**/b", "**/a/**", "x/**/y/**/z", "d/**/", "**/",
    "*.md", "a/*/b", "a/*", "*/b", "a**b", "**a", "a/**b", "a/b**", "a/b/", "/b", "b/", "*", "/*",
    "\\*x", "x\\ ", "y  ", "z\\\\  ", "?.md", "??.md", "\u00e9.md", "a[/]b", "a\\/b", "\\#hash", "\\!bang",
    HOSTILE, "*.[mh]*",
]
GIT_NAMES = [
    "br.md", "[br.md", "b", "r", "x[a-", "xa", "[qz", "ab\\", "ab", "b.md", "a.md", "]x", "ax", "a", "]", "Zebra",
    "9a", "Q", "x", "foo", "a/b", "a/x/b", "a/x/y/b", "abc/x", "abc", "abc/x/y", "a/b/c", "b/c", "aXb", "aab",
    "a/xb", "a/bx", "*x", "x ", "y", "z\\", "\u00e9.md", "e.md", "ab.md", "aaaac", "aXaYaZac", "ac", "a/x", "x/b",
    "-x", "d/e", "d/e/f", "x/y/z", "x/q/y/r/z", "#hash", "!bang", "c.md", "c.html", " a", "_a", "a-", "\\",
    "[", "^", "a" * 40 + "c",
]


def _disagreements_with_git(root, patterns, names) -> list:
    """(pattern, name, what git does) wherever citelint's reading of a
    one-line `.gitignore` differs from `git check-ignore`'s (one git run)."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    paths = []
    for i, pattern in enumerate(patterns):
        (root / f"p{i}").mkdir()
        (root / f"p{i}" / ".gitignore").write_bytes(pattern.encode() + b"\n")
        paths += [f"p{i}/{name}" for name in names]
    out = subprocess.run(["git", "check-ignore", "--no-index", "-z", "--stdin"], cwd=root, check=False,
                         input=("\0".join(paths) + "\0").encode(), capture_output=True).stdout
    by_git = {p.decode() for p in out.split(b"\0") if p}
    wrong = []
    for i, pattern in enumerate(patterns):
        base = root / f"p{i}"
        ignore = IgnoreFile.read(base / ".gitignore", base)
        for name in names:
            parts = name.split("/")
            # as the walk asks: each folder on the way, then the file
            ours = any(ignore is not None and ignore.match(base.joinpath(*parts[:k]), k < len(parts))
                       for k in range(1, len(parts) + 1))
            if ours != (f"p{i}/{name}" in by_git):
                wrong.append((pattern, name, "git ignores it" if not ours else "git keeps it"))
    return wrong


def test_gitignore_lines_match_what_git_check_ignore_says(tmp_path):
    assert not _disagreements_with_git(tmp_path, GIT_PATTERNS, GIT_NAMES)  # `[br.md` first of all


def test_random_gitignore_lines_match_git_too(tmp_path):
    import random
    rng = random.Random(14)
    atoms = ["a", "b", "c", "*", "**", "?", "/", "[", "]", "!", "^", "-", "\\", "[:alpha:]", "[:digit:]", ".", " "]
    patterns = sorted({"".join(rng.choice(atoms) for _ in range(rng.randint(1, 8))) for _ in range(250)}
                      - {""}, key=str)
    patterns = [p for p in patterns if not p.startswith("#")]
    names: set = set()
    while len(names) < 40:
        name = "".join(rng.choice(["a", "b", "c", "-", "/", "[", "]", "!", "\\", "1", " ", "\u00e9"])
                       for _ in range(rng.randint(1, 7)))
        parts = name.split("/")
        if all(p and not p.startswith(".") and not p.endswith(" ") for p in parts):
            names.add(name)
    assert not _disagreements_with_git(tmp_path, patterns, sorted(names))


def test_an_unclosed_bracket_line_is_handled_as_git_handles_it(tmp_path):
    (tmp_path / ".gitignore").write_text("[br.md\n")
    for name in ("[br.md", "br.md", "b.md"):
        (tmp_path / name).write_text(DRAFT)
    proc = run(tmp_path, ".", check=1)
    assert proc.out.count("AST014") == 3  # the line matches nothing, as in git


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_gitignore_that_is_a_fifo_or_a_link_is_not_read(tmp_path):
    fifo = tmp_path / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / ".gitignore")
    (fifo / "a.md").write_text(DRAFT)
    link = tmp_path / "link"
    link.mkdir()
    (link / ".gitignore").symlink_to("/dev/zero")
    (link / "b.md").write_text(DRAFT)
    (tmp_path / "c.md").write_text(DRAFT)
    proc = run(tmp_path, "--fix", ".", check=2)  # neither waits nor reads forever
    errs = lines(proc, "error")
    assert len(errs) == 2
    assert any("fifo/.gitignore: not a regular file" in e for e in errs)
    assert any("link/.gitignore: a symbolic link" in e for e in errs)
    # What such a folder ignores cannot be told, so its drafts are left alone; the rest is fixed.
    assert (fifo / "a.md").read_text() == DRAFT and (link / "b.md").read_text() == DRAFT
    assert (tmp_path / "c.md").read_text() == FIXED


# --- #21: silent misses ------------------------------------------------------------

def test_an_unreadable_folder_is_an_error_naming_it_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.md").write_text(DRAFT)
    (tmp_path / "open.md").write_text(DRAFT)
    locked = tmp_path / "locked"
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any folder: make this one fail as it would for anyone else
        real = os.scandir

        def scandir(path="."):
            if os.path.abspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(["check", "--isolated", "--no-cache", "--fix", "."])
    finally:
        locked.chmod(0o755)
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        "citelint: error: locked: cannot read folder: Permission denied; its drafts were not checked"]
    assert (tmp_path / "open.md").read_text() == FIXED
    assert (locked / "a.md").read_text() == DRAFT


# Text that merely begins like a binary format's header is a draft like any other.
MAGIC_TEXT = {
    "id3.md": b"ID3 tags, explained" + ART.encode() + b".\n",
    "riff.txt": b"RIFF files hold audio" + ART.encode() + b".\n",
    "ogg.md": b"OggS is the capture pattern" + ART.encode() + b".\n",
    "pdf.md": b"%PDF-1.7 is what the printer sent" + ART.encode() + b".\n",
    "png.html": b"<p>\x89PNG images" + ART.encode() + b".</p>\n",
}


def test_drafts_that_begin_like_binary_formats_are_checked_and_fixed(tmp_path):
    for name, data in MAGIC_TEXT.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "png.html").write_bytes(b"<p>PNG images" + ART.encode() + b".</p>\n")
    proc = run(tmp_path, "--fix", ".", check=0)
    assert not lines(proc, "notice")
    for name, data in MAGIC_TEXT.items():
        assert ART.encode() not in (tmp_path / name).read_bytes(), name


def test_a_gzip_header_before_text_is_reported_not_skipped_silently(tmp_path):
    data = b"\x1f\x8b" + DRAFT.encode() * 50
    (tmp_path / "draft.md").write_bytes(data)
    proc = run(tmp_path, "--fix", ".", check=2)
    [err] = lines(proc, "error")
    assert "draft.md: not valid utf-8 (byte 0x8b at offset 1)" in err
    assert (tmp_path / "draft.md").read_bytes() == data


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_drafts_without_a_bom_are_checked_and_written_back_alike(tmp_path, encoding):
    text = "\u201cPrices\u201d rose \u4e2d\u6587" + ART + ".\nSecond line" + ART + ".\n"
    (tmp_path / "draft.md").write_bytes(text.encode(encoding))
    proc = run(tmp_path, ".", check=1)
    assert proc.out.count("AST014") == 2 and not lines(proc, "notice")
    run(tmp_path, "--fix", ".", check=0)
    assert (tmp_path / "draft.md").read_bytes() == text.replace(ART, "").encode(encoding)


def test_real_binaries_are_still_skipped_with_a_notice(tmp_path):
    binaries = {
        "song.md": b"ID3\x04\x00\x00\x00\x00\x0f\x76TIT2\x00\x00\x00\x05\x00\x00\x03Song" + bytes(range(256)) * 8,
        "sound.txt": b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00" + bytes(2000),
        "noise.md": os.urandom(20_000),
        "mostly-nul.txt": b"[web:1] " + bytes(100),
    }
    for name, data in binaries.items():
        (tmp_path / name).write_bytes(data)
    proc = run(tmp_path, "--fix", ".", check=0)
    notices = lines(proc, "notice")
    assert len(notices) == len(binaries)
    for name, data in binaries.items():
        assert any(f"{name}: binary file" in n for n in notices), name
        assert (tmp_path / name).read_bytes() == data


@pytest.mark.parametrize("args", [["--fix", ""], [""], ["--diff", "", "b.md"]])
def test_an_empty_path_is_an_error_not_the_current_folder(tmp_path, args):
    (tmp_path / "a.md").write_text(DRAFT)
    (tmp_path / "b.md").write_text(DRAFT)
    proc = run(tmp_path, *args, check=2)
    assert lines(proc, "error") == ["citelint: error: an empty path names no file or folder; "
                                    "use '.' for the current folder"]
    assert (tmp_path / "a.md").read_text() == DRAFT and (tmp_path / "b.md").read_text() == DRAFT


def test_iter_files_refuses_an_empty_path_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(DRAFT)
    skipped: list = []
    assert list(iter_files([""], Resolver(isolated=True), skipped=skipped)) == []
    assert [s.level for s in skipped] == ["error"]


def test_hard_linked_drafts_are_each_checked_and_fixed(tmp_path):
    first = tmp_path / "a.md"
    first.write_text(DRAFT)
    os.link(first, tmp_path / "b.md")
    proc = run(tmp_path, ".", check=1)
    assert "a.md:1:12: AST014" in proc.out and "b.md:1:12: AST014" in proc.out
    proc = run(tmp_path, "--fix", "--show-fixes", ".", check=0)
    assert "2 fixed" in proc.out  # both names, never one reported clean while it holds the artefact
    assert first.read_text() == FIXED and (tmp_path / "b.md").read_text() == FIXED
    # Named twice, one name is still one file.
    first.write_text(DRAFT)
    assert run(tmp_path, "a.md", "./a.md", ".", check=1).out.count("AST014") == 1


def test_hard_links_are_fixed_under_each_name_in_parallel_runs(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    for k in range(20):
        (folder / f"{k:02d}.md").write_text(DRAFT + "Filler words. " * 5000)
        os.link(folder / f"{k:02d}.md", folder / f"{k:02d}-twin.md")
    run(tmp_path, "--fix", "--jobs", "2", "d", check=0)
    for p in folder.iterdir():
        assert ART not in p.read_text(), p.name


# --- #24: FIFOs and dangling links inside a walked folder -----------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("args", [["--fix"], [], ["--fix", "--jobs", "2"], ["--format", "json"]])
def test_a_fifo_and_a_dangling_link_in_a_walk_are_one_line_each_and_the_run_goes_on(tmp_path, args):
    folder = tmp_path / "d"
    folder.mkdir()
    os.mkfifo(folder / "pipe.md")
    (folder / "dangling.md").symlink_to(folder / "gone.md")
    names = [f"{k:02d}.md" for k in range(20)]
    for name in names:
        (folder / name).write_text(DRAFT + "Filler words. " * 5000)
    proc = run(tmp_path, *args, "d", check=2)
    assert sorted(lines(proc, "error")) == ["citelint: error: d/dangling.md: cannot read: No such file or directory",
                                            "citelint: error: d/pipe.md: not a regular file"]
    for name in names:
        text = (folder / name).read_text()
        assert (ART not in text) if "--fix" in args else (f"d/{name}" in proc.out), name


# --- #15: max-file-size ------------------------------------------------------------

def test_a_draft_over_max_file_size_is_one_line_and_not_read(tmp_path):
    big = tmp_path / "big.md"
    big.write_text(DRAFT + "x" * 2000)
    (tmp_path / "small.md").write_text(DRAFT)
    proc = run(tmp_path, "--fix", "--max-file-size", "1KB", ".", check=2)
    assert lines(proc, "error") == ["citelint: error: big.md: larger than the max-file-size limit of 1,000 "
                                    "bytes; not checked (raise `max-file-size` or exclude the file)"]
    assert big.read_text().startswith(DRAFT) and (tmp_path / "small.md").read_text() == FIXED
    (tmp_path / "citelint.toml").write_text('max-file-size = "1 KiB"\n')
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 2 and "big.md: larger than the max-file-size limit of 1,024 bytes" in proc.stderr
    run(tmp_path, "--max-file-size", "10000", "big.md", check=1)  # under the limit: checked


def test_a_sparse_draft_far_over_the_default_limit_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as fh:  # 3 GB on paper, a few blocks on disk
        fh.write(DRAFT.encode())
        fh.truncate(3_000_000_000)
    proc = run(tmp_path, ".", check=2)
    assert lines(proc, "error") == ["citelint: error: huge.md: larger than the max-file-size limit of 50,000,000 "
                                    "bytes; not checked (raise `max-file-size` or exclude the file)"]


def test_a_file_that_grows_after_its_size_is_taken_is_not_read_past_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "growing.md"
    path.write_bytes(b"x" * 100_000)
    real_fstat, real_read = os.fstat, os.read
    asked = []

    class Small:  # the size taken before the file grew
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    monkeypatch.setattr(os, "read", lambda fd, n: (asked.append(n), real_read(fd, n))[1])
    with pytest.raises(files.InputError, match="larger than the max-file-size limit of 1,000 bytes"):
        files.read_bytes(str(path), limit=1000)
    assert sum(asked) <= 1001


def test_devices_are_refused_not_read(tmp_path):
    proc = run(tmp_path, "/dev/zero", check=2)
    assert lines(proc, "error") == ["citelint: error: /dev/zero: not a regular file"]
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    proc = run(tmp_path, "zero.md", check=2)
    assert lines(proc, "error") == ["citelint: error: zero.md: not a regular file"]


def test_standard_input_over_the_limit_passes_through_unchanged(tmp_path):
    data = (DRAFT * 200).encode()
    proc = run(tmp_path, "--fix", "--max-file-size", "1000", "-", "--stdin-filename", "s.md", check=2, stdin=data,
               report_on_stderr=True)
    assert proc.stdout == data  # with --fix, standard input always comes out: here untouched
    assert lines(proc, "error") == ["citelint: error: s.md: larger than the max-file-size limit of 1,000 bytes; "
                                    "not checked (raise `max-file-size` or exclude the file)"]
    proc = run(tmp_path, "--max-file-size", "100000", "-", check=1, stdin=data)
    assert "AST014" in proc.out


@pytest.mark.parametrize("value, size", [(1, 1), (50_000_000, 50_000_000), ("50MB", 50_000_000),
                                         ("512 KiB", 524_288), ("2gb", 2_000_000_000), ("1_000", 1000),
                                         ("10B", 10), ("7", 7)])
def test_size_values(value, size):
    assert parse_size(value) == size


@pytest.mark.parametrize("value", [0, -5, True, 1.5, "", "MB", "1.5MB", "ten", "5 parsecs", "-1MB", [1]])
def test_bad_max_file_size_is_one_line_naming_the_setting(tmp_path, value):
    from citelint.config import parse
    with pytest.raises(ConfigError, match="max-file-size"):
        parse({"max-file-size": value}, "citelint.toml", tmp_path)
    if isinstance(value, str) or isinstance(value, int):
        proc = subprocess.run([sys.executable, "-m", "citelint", "check", "--max-file-size", str(value), "."],
                              cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--max-file-size" in proc.stderr


def test_max_file_size_default_and_listing():
    assert Settings().max_file_size == files.MAX_FILE_SIZE == 50_000_000
    assert "max-file-size = 50000000" in Settings().as_toml()


def test_a_bom_still_names_the_encoding(tmp_path):
    """(Unchanged by the sniffing above: a BOM wins.)"""
    text = "Prices rose" + ART + ".\n"
    (tmp_path / "draft.md").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    run(tmp_path, "--fix", ".", check=0)
    assert (tmp_path / "draft.md").read_bytes() == codecs.BOM_UTF16_BE + FIXED.encode("utf-16-be")
