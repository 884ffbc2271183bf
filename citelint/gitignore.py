"""The common subset of `.gitignore` rules, enough to skip what a repository
ignores while walking folders: comments, `!` negation, `/` anchoring, trailing
`/` for folders only, `*`, `?`, `[...]` and `**`. The last matching line wins,
and a deeper file's lines beat a shallower file's. (Not read: the global
`core.excludesFile`.)"""
from __future__ import annotations

import re
from pathlib import Path

from .model import Record, Value


class Pattern(Value):
    __slots__ = ("regex", "negate", "dir_only")
    _fields = __slots__

    def __init__(self, regex: re.Pattern, negate: bool, dir_only: bool):
        self.regex, self.negate, self.dir_only = regex, negate, dir_only


def _translate(pat: str) -> str:
    out, i, n = [], 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            piece, i = _stars(pat, i)
            out.append(piece)
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            piece, i = _bracket(pat, i)
            out.append(piece)
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pat[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _stars(pat: str, i: int) -> tuple[str, int]:
    """A run of stars at i: `**/` (zero or more folders), a trailing `/**`
    (everything inside), else a plain `*`. Returns the regex and where to go on."""
    n = len(pat)
    if pat.startswith("**", i):
        at_start = i == 0 or pat[i - 1] == "/"
        j = i + 2
        if at_start and j == n:
            return ".*", j
        if at_start and pat[j] == "/":
            return "(?:.*/)?", j + 1
        while i < n and pat[i] == "*":
            i += 1
        return "[^/]*", i
    return "[^/]*", i + 1


def _bracket(pat: str, i: int) -> tuple[str, int]:
    """A `[...]` class at i (a literal `[` when unclosed). Returns the regex and
    the index of its last character."""
    n = len(pat)
    j = i + 1
    if j < n and pat[j] in "!^":
        j += 1
    if j < n and pat[j] == "]":
        j += 1
    while j < n and pat[j] != "]":
        j += 1
    if j >= n:
        return re.escape("["), i
    body = pat[i + 1:j]
    neg = body[:1] in ("!", "^")
    body = body[1:] if neg else body
    body = body.replace("\\", "\\\\").replace("^", "\\^")
    return (f"(?!/)[^{body}]" if neg else f"[{body}]"), j


def parse_line(line: str) -> Pattern | None:
    line = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    body = _translate(line)
    regex = body if anchored else f"(?:.*/)?{body}"
    return Pattern(re.compile(regex, re.S), negate, dir_only)


class IgnoreFile(Record):
    __slots__ = ("base", "patterns")
    _fields = __slots__

    def __init__(self, base: Path, patterns: list[Pattern]):
        self.base = base  # the folder its patterns are relative to
        self.patterns = patterns

    @classmethod
    def read(cls, path: Path, base: Path) -> "IgnoreFile | None":
        try:
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return None
        pats = [p for p in (parse_line(line) for line in text.splitlines()) if p]
        return cls(base, pats) if pats else None

    def match(self, path: Path, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by `!`) or None (no line matched)."""
        try:
            rel = path.relative_to(self.base).as_posix()
        except ValueError:
            return None
        verdict = None
        for p in self.patterns:
            if p.dir_only and not is_dir:
                continue
            if p.regex.fullmatch(rel):
                verdict = not p.negate
        return verdict


def is_ignored(stack: list[IgnoreFile], path: Path, is_dir: bool) -> bool:
    for f in reversed(stack):  # the deepest file that has an opinion decides
        v = f.match(path, is_dir)
        if v is not None:
            return v
    return False


def repo_root(folder: Path) -> Path | None:
    for p in (folder, *folder.parents):
        if (p / ".git").exists():
            return p
    return None


def ancestors(top: Path) -> list[IgnoreFile]:
    """The ignore files that apply above `top`, inside its repository (none outside one)."""
    root = repo_root(top)
    if root is None:
        return []
    out = []
    info = IgnoreFile.read(root / ".git" / "info" / "exclude", root) if (root / ".git").is_dir() else None
    if info:
        out.append(info)
    chain = [top.parent] if top != root else []
    while chain and chain[-1] != root and root in chain[-1].parents:
        chain.append(chain[-1].parent)
    for folder in reversed(chain):
        f = IgnoreFile.read(folder / ".gitignore", folder)
        if f:
            out.append(f)
    return out
