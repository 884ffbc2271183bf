"""`.gitignore` rules, matched as git matches them (its wildmatch, with
WM_PATHNAME): comments, `!` negation, `/` anchoring, trailing `/` for folders
only, `*`, `?`, `[...]` (ranges, `!`/`^`, `[:alpha:]` classes) and `**`. The
last matching line wins, and a deeper file's lines beat a shallower file's.
(Not read: the global `core.excludesFile`.)

Matching never backtracks more than once per `*`: a pattern is cut at its
stars into fixed-width pieces, and each piece is taken at the first place it
fits (`**` does the same over whole folder names). So a hostile line such as
`*a*a*a*a*a*a*a*a*c` costs time in proportion to the name's length, where
a regular expression took exponential time. Names are matched as bytes, as
git matches them (`?` is one byte). Like git, a pattern with an unclosed `[`
or an unknown `[:class:]` matches nothing."""
from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .model import Record, Value

_STAR, _STARSTAR, _SLASH = "*", "**", "/"
_ASCII = range(128)
_CLASSES = {  # git's character classes: ASCII only, whatever the locale
    b"alnum": {c for c in _ASCII if chr(c).isalnum()}, b"alpha": {c for c in _ASCII if chr(c).isalpha()},
    b"blank": {9, 32}, b"cntrl": set(range(32)) | {127}, b"digit": set(range(48, 58)),
    b"graph": set(range(33, 127)), b"lower": set(range(97, 123)), b"print": set(range(32, 127)),
    b"punct": {c for c in range(33, 127) if not chr(c).isalnum()}, b"space": {9, 10, 11, 12, 13, 32},
    b"upper": set(range(65, 91)), b"xdigit": {c for c in _ASCII if chr(c) in "0123456789abcdefABCDEF"},
}


class Malformed(Exception):
    """A pattern git's wildmatch gives up on (it then matches nothing)."""


def _bracket(pat: bytes, i: int) -> tuple[frozenset, int]:
    """The bytes a `[...]` class at i matches (never `/`), and the index after
    it; as git's dowild reads it: a `]` first is literal, `\\` escapes."""
    n, j = len(pat), i + 1
    negated = j < n and pat[j] in b"!^"
    j += negated
    members: set[int] = set()
    prev = 0
    first = True
    while True:
        if j >= n:
            raise Malformed
        c = pat[j]
        if c == 0x5D and not first:  # `]`
            break
        first = False
        if c == 0x5C:  # `\`
            j += 1
            if j >= n:
                raise Malformed
            c = pat[j]
            members.add(c)
        elif c == 0x2D and prev and j + 1 < n and pat[j + 1] != 0x5D:  # a range `a-z`
            j += 1
            hi = pat[j]
            if hi == 0x5C:
                j += 1
                if j >= n:
                    raise Malformed
                hi = pat[j]
            members.update(range(prev, hi + 1))
            c = 0
        elif c == 0x5B and j + 1 < n and pat[j + 1] == 0x3A:  # `[:name:]`
            c, j = _named_class(pat, j, members)
        else:
            members.add(c)
        prev = c
        j += 1
    if negated:
        members = set(range(256)) - members
    members.discard(0x2F)  # with WM_PATHNAME a class never matches `/`
    return frozenset(members), j + 1


def _named_class(pat: bytes, j: int, members: set) -> tuple[int, int]:
    """`[:name:]` at j: adds its bytes; returns (the byte to remember as the
    previous one, 0 after a class; the index of the class's last character).
    Without the closing `:]` the `[` is an ordinary member, as in git."""
    end = pat.find(b"]", j + 2)
    if end < 0:
        raise Malformed
    if end - (j + 2) < 1 or pat[end - 1] != 0x3A:
        members.add(0x5B)
        return 0x5B, j
    name = pat[j + 2:end - 1]
    if name not in _CLASSES:
        raise Malformed
    members.update(_CLASSES[name])
    return 0, end


def _tokens(pat: bytes) -> list:
    """The pattern as tokens: a byte value (literal), a frozenset (one byte
    from a class; `?` is every byte but `/`), _STAR, _STARSTAR (a `**` that
    spans folders: alone between slashes or at an end) and _SLASH."""
    out: list = []
    i, n = 0, len(pat)
    anybyte = frozenset(range(256)) - {0x2F}
    while i < n:
        c = pat[i]
        if c == 0x2A:  # `*`
            j = i
            while j < n and pat[j] == 0x2A:
                j += 1
            alone = (i == 0 or pat[i - 1] == 0x2F) and (j == n or pat[j] == 0x2F or pat[j:j + 2] == b"\\/")
            out.append(_STARSTAR if j - i >= 2 and alone else _STAR)
            i = j
            continue
        if c == 0x3F:  # `?`
            out.append(anybyte)
        elif c == 0x5B:  # `[`
            members, i = _bracket(pat, i)
            out.append(members)
            continue
        elif c == 0x5C:  # `\`: the next byte is literal; a trailing one matches nothing
            i += 1
            if i >= n:
                raise Malformed
            out.append(_SLASH if pat[i] == 0x2F else pat[i])
        else:
            out.append(_SLASH if c == 0x2F else c)
        i += 1
    return out


class _Piece:
    """A run of tokens with no star: matches exactly len(tokens) bytes."""
    __slots__ = ("width", "literal", "regex")

    def __init__(self, toks: list):
        self.width = len(toks)
        if all(isinstance(t, int) for t in toks):
            self.literal, self.regex = bytes(toks), None
        else:
            self.literal = None
            self.regex = re.compile(b"".join(_byte_class(t) for t in toks), re.S)

    def at(self, text: bytes, pos: int) -> bool:
        if self.literal is not None:
            return text.startswith(self.literal, pos)
        return self.regex.match(text, pos) is not None

    def find(self, text: bytes, pos: int, end: int) -> int:
        """The first place at or after pos where the piece fits, ending by end; -1 if none."""
        if self.literal is not None:
            return text.find(self.literal, pos, end)
        m = self.regex.search(text, pos, end)
        return m.start() if m else -1


def _byte_class(t) -> bytes:
    if isinstance(t, int):
        return re.escape(bytes([t]))
    if not t:
        return b"(?!)"
    return b"[" + b"".join(b"\\x%02x" % c for c in sorted(t)) + b"]"


class _Name:
    """One file or folder name's pattern: fixed-width pieces between stars."""
    __slots__ = ("first", "middle", "last")

    def __init__(self, toks: list):
        pieces, run = [], []
        for t in toks:
            if t is _STAR or t is _STARSTAR:  # a `**` inside a name is a `*`
                pieces.append(_Piece(run))
                run = []
            else:
                run.append(t)
        pieces.append(_Piece(run))
        self.first = pieces[0]
        self.middle = pieces[1:-1]
        self.last = pieces[-1] if len(pieces) > 1 else None  # None: no star at all

    def match(self, name: bytes) -> bool:
        first, last, n = self.first, self.last, len(name)
        if last is None:
            return n == first.width and first.at(name, 0)
        end = n - last.width
        if end < first.width or not first.at(name, 0) or not last.at(name, end):
            return False
        pos = first.width
        for piece in self.middle:  # each at the first place it fits: what it leaves is all the later ones need
            found = piece.find(name, pos, end)
            if found < 0:
                return False
            pos = found + piece.width
        return True


def _groups(names: list) -> tuple:
    """Names split at each `**`: (runs of names that must sit side by side)."""
    groups, run = [], []
    for item in names:
        if item is _STARSTAR:
            groups.append(tuple(run))
            run = []
        else:
            run.append(item)
    groups.append(tuple(run))
    return tuple(groups)


def _path_match(groups: tuple, parts: list) -> bool:
    """A path's parts against runs of names between `**`: the method _Name
    uses one level up, each run taken at the first place it fits."""
    n = len(parts)
    first = groups[0]
    if len(groups) == 1:
        return n == len(first) and _run_at(first, parts, 0)
    last = groups[-1]
    end = n - len(last)
    if end < len(first) or not _run_at(first, parts, 0) or not _run_at(last, parts, end):
        return False
    pos = len(first)
    for group in groups[1:-1]:
        while pos + len(group) <= end and not _run_at(group, parts, pos):
            pos += 1
        if pos + len(group) > end:
            return False
        pos += len(group)
    return True


def _run_at(group: list, parts: list, pos: int) -> bool:
    return all(m.match(parts[pos + k]) for k, m in enumerate(group))


def _trim(line: bytes) -> bytes:
    """Trailing spaces dropped unless escaped, as git's trim_trailing_spaces does."""
    last_space, i, n = None, 0, len(line)
    while i < n:
        c = line[i]
        if c == 0x20:
            if last_space is None:
                last_space = i
        elif c == 0x5C:
            i += 1
            if i >= n:
                return line
            last_space = None
        else:
            last_space = None
        i += 1
    return line if last_space is None else line[:last_space]


class Pattern(Value):
    __slots__ = ("names", "negate", "dir_only", "basename", "line")
    _fields = __slots__

    def __init__(self, names, negate: bool, dir_only: bool, basename: bool, line: bytes = b""):
        self.names = names        # runs of _Name between `**` (see _groups); None: the line matches nothing
        self.negate, self.dir_only = negate, dir_only
        self.basename = basename  # no `/` in the line: it matches the last name, at any depth
        self.line = line

    def matches(self, rel: bytes) -> bool:
        """Whether the pattern matches `rel` (a path relative to its file's folder, `/`-separated)."""
        if self.names is None:
            return False
        if self.basename:
            return self.names[0][0].match(rel[rel.rfind(b"/") + 1:])
        return _path_match(self.names, rel.split(b"/"))


def parse_line(line: bytes | str) -> Pattern | None:
    """One line of a `.gitignore` file, as git's add_pattern reads it; None for
    a blank line or a comment."""
    if isinstance(line, str):
        line = os.fsencode(line)
    if line.endswith(b"\n"):
        line = line[:-1]
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line or line.startswith(b"#"):
        return None
    line = _trim(line)
    negate = line.startswith(b"!")
    if negate:
        line = line[1:]
    dir_only = line.endswith(b"/")  # git drops one trailing slash
    if dir_only:
        line = line[:-1]
    if not line:
        return None
    basename = b"/" not in line
    body = line[1:] if line.startswith(b"/") else line
    try:
        toks = _tokens(body)
    except Malformed:
        return Pattern(None, negate, dir_only, basename, line)
    return Pattern(((_Name(toks),),) if basename else _compile(toks), negate, dir_only, basename, line)


def _compile(toks: list) -> tuple:
    """A pattern with a `/` in it: its names, grouped between `**` (_groups)."""
    names: list = []
    run: list = []
    for t in toks + [_SLASH]:
        if t is _SLASH:
            names.append(_STARSTAR if run == [_STARSTAR] else _Name(run))
            run = []
        else:
            run.append(t)
    if len(names) > 1 and names[-1] is _STARSTAR:
        names[-1:] = [_Name([_STAR]), _STARSTAR]  # a trailing `/**`: everything inside, not the folder itself
    return _groups(names)


class IgnoreFileError(Exception):
    """A `.gitignore` file that cannot be read; str() is one line naming it."""


class IgnoreFile(Record):
    __slots__ = ("base", "patterns")
    _fields = __slots__

    def __init__(self, base: Path, patterns: list[Pattern]):
        self.base = base  # the folder its patterns are relative to
        self.patterns = patterns

    @classmethod
    def read(cls, path: Path, base: Path, limit: int | None = None, follow: bool = False) -> "IgnoreFile | None":
        """The file's patterns (None: no such file, or no pattern in it).
        IgnoreFileError for one that is a symbolic link (git does not follow
        those either, unless `follow`), not a regular file, unreadable, or
        over `limit` bytes. Never waits on a FIFO."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            return None
        except OSError as exc:
            what = "a symbolic link, not read" if exc.errno == errno.ELOOP and not follow else \
                f"cannot read: {exc.strerror or exc}"
            raise IgnoreFileError(f"{path}: {what}") from None
        try:
            data = _read_regular(fd, path, limit)
        finally:
            os.close(fd)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        pats = [p for p in (parse_line(line) for line in data.split(b"\n")) if p]
        return cls(base, pats) if pats else None

    def match(self, path: Path, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by `!`) or None (no line matched)."""
        try:
            rel = os.fsencode(path.relative_to(self.base).as_posix())
        except ValueError:
            return None
        return self.match_relative(rel, is_dir)

    def match_relative(self, rel: bytes, is_dir: bool) -> bool | None:
        """match() of a path given relative to this file's folder, `/`-separated."""
        for p in reversed(self.patterns):  # the last line that matches decides
            if p.dir_only and not is_dir:
                continue
            if p.matches(rel):
                return not p.negate
        return None


def _read_regular(fd: int, path: Path, limit: int | None) -> bytes:
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IgnoreFileError(f"{path}: not a regular file, not read")
        if limit is not None and st.st_size > limit:
            raise IgnoreFileError(f"{path}: larger than the {limit}-byte limit (max-file-size), not read")
        chunks, left = [], st.st_size  # never more than its size when opened: a growing file cannot run on
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise IgnoreFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def ignored_in(stack: list[IgnoreFile], folder: Path):
    """is_ignored() for the entries of one folder, as a function of an entry's
    name and whether it is a folder: each ignore file's way to the folder is
    worked out once, not once an entry (a walk asks for every file)."""
    absolute = folder.absolute()
    prefixes = []
    for f in stack:
        try:
            rel = absolute.relative_to(f.base).as_posix()
        except ValueError:
            prefixes.append(None)  # not below this file's folder: it has no opinion
            continue
        prefixes.append(b"" if rel == "." else os.fsencode(rel) + b"/")
    pairs = [(f, p) for f, p in zip(stack, prefixes) if p is not None][::-1]  # the deepest first

    def ignored(name: str, is_dir: bool) -> bool:
        n = os.fsencode(name)
        for f, prefix in pairs:
            v = f.match_relative(prefix + n, is_dir)
            if v is not None:
                return v
        return False
    return ignored


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


def ancestors(top: Path, limit: int | None = None) -> list[IgnoreFile]:
    """The ignore files that apply above `top`, inside its repository (none
    outside one). IgnoreFileError for one that cannot be read."""
    root = repo_root(top)
    if root is None:
        return []
    out = []
    info = IgnoreFile.read(root / ".git" / "info" / "exclude", root, limit, follow=True) \
        if (root / ".git").is_dir() else None
    if info:
        out.append(info)
    chain = [top.parent] if top != root else []
    while chain and chain[-1] != root and root in chain[-1].parents:
        chain.append(chain[-1].parent)
    for folder in reversed(chain):
        f = IgnoreFile.read(folder / ".gitignore", folder, limit)
        if f:
            out.append(f)
    return out
