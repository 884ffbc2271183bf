"""Which files a run checks: walk folders for drafts, skipping what is excluded
(the `exclude` settings, and what `.gitignore` files ignore unless
`respect-gitignore = false`). What the walk cannot read, or will not follow,
becomes one line for the report (a Skipped record), never a silent gap."""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath

from .document import EXTENSIONS
from .gitignore import IgnoreFile, IgnoreFileError, ancestors, ignored_in
from .model import Record

# Never descend into these: tool caches, VCS data, virtual environments.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                       ".citelint_cache", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


class Skipped(Record):
    """A path the walk did not check: `level` is "error" (it could not: the
    run ends with exit status 2) or "notice" (it would not)."""
    __slots__ = ("path", "level", "message")
    _fields = __slots__

    def __init__(self, path: str, level: str, message: str):
        self.path, self.level, self.message = path, level, message


def is_excluded(path: Path, settings) -> bool:
    patterns = settings.exclude + settings.extend_exclude
    if not patterns:
        return False
    try:
        rel = PurePosixPath(path.absolute().relative_to(settings.root)).as_posix()
    except ValueError:
        rel = path.as_posix()
    for pat in patterns:
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(rel, pat.rstrip("/") + "/*"):
            return True
    return False


def iter_files(paths, resolver, force_exclude: bool = False, skipped: list | None = None):
    """Yield (path, settings) for each draft; named files are always checked
    unless `force_exclude` (pre-commit passes files by name). What is not
    checked, and why, goes to `skipped` (Skipped records).

    A file reached twice by the same name (named twice, named and inside a
    named folder, or through a symbolic link) is checked once: two workers
    fixing one file would trip over each other. Hard links are names of their
    own: each is checked, and fixed, under its own name."""
    skipped = [] if skipped is None else skipped
    seen: dict = {}
    for path, settings in _targets(paths, resolver, force_exclude, skipped):
        try:
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)  # one stat, where realpath costs one per path component
        except OSError:
            key = os.path.realpath(path)  # missing: reported when it is read
        names = seen.get(key)
        if names is None:
            seen[key] = [path]
        elif isinstance(key, tuple) and _another_name(path, names):
            names.append(path)
        else:
            continue
        yield path, settings


def _another_name(path: str, names: list) -> bool:
    """Whether `path` is a name of its own for a file already reached by
    `names` (a hard link), not one of them again through a symbolic link."""
    real = os.path.realpath(path)
    return all(os.path.realpath(n) != real for n in names)


def _targets(paths, resolver, force_exclude: bool, skipped: list):
    roots = _roots(paths)
    for arg in paths:
        if not os.fspath(arg):
            skipped.append(Skipped("", "error", "an empty path names no file or folder; use '.' for this folder"))
            continue
        p = Path(arg)
        try:
            if p.is_dir():
                yield from _walk(p, resolver, roots, skipped)
                continue
            settings = resolver.for_path(arg, is_dir=False)
        except OSError as exc:  # a folder on the way that cannot be searched
            skipped.append(Skipped(str(arg), "error", f"{arg}: cannot read: {exc.strerror or exc}"))
            continue
        if force_exclude and is_excluded(p, settings):
            continue
        yield str(p), settings


def _roots(paths) -> list[str]:
    """The folders named on the command line, resolved: a symbolic link met
    while walking is followed only to a file inside one of them."""
    out = []
    for arg in paths:
        try:
            if os.fspath(arg) and os.path.isdir(arg):
                out.append(os.path.join(os.path.realpath(arg), ""))
        except (OSError, ValueError):
            continue
    return out


def _inside(path: str, roots: list[str]) -> bool:
    real = os.path.realpath(path)
    return any(real.startswith(root) for root in roots)


def _walk(top: Path, resolver, roots: list[str], skipped: list):
    """Folders depth first, each one's files (sorted) before its subfolders
    (sorted), as os.walk gives them; symbolic links to folders are not entered."""
    pending: list = [(top, None)]
    while pending:
        here, stack = pending.pop()
        found = _folder(here, stack, resolver, skipped)
        if found is None:
            continue
        settings, stack, dirs, files = found
        prefix = "" if str(here) == "." else str(here) + os.sep  # str(here / name), without a Path per file
        for name, is_link in files:
            path = prefix + name
            if is_link and not _inside(path, roots):
                skipped.append(Skipped(path, "notice", f"{path}: a symbolic link to a file outside the checked "
                                       f"folders; skipped (name it on the command line to check it)"))
                continue
            yield path, settings  # a file's settings are its folder's
        pending.extend((here / d, stack) for d in reversed(dirs))


def _folder(here: Path, stack, resolver, skipped: list):
    """One folder of the walk: (settings, ignore files in force, subfolders to
    enter, (file name, is a symbolic link) to check), or None when it cannot
    be read (one error line: its drafts go unchecked, and the run says so)."""
    try:
        entries = _entries(here)
        settings = resolver.for_path(here / "_")
    except OSError as exc:
        skipped.append(Skipped(str(here), "error", f"{here}: cannot read folder: {exc.strerror or exc}; "
                                                  f"its drafts were not checked"))
        return None
    try:
        stack = _ignore_stack(here, stack, settings, entries)
    except IgnoreFileError as exc:
        skipped.append(Skipped(str(here), "error", f"{exc}; the folder's drafts were not checked"))
        return None
    ignored = ignored_in(stack, here) if stack else None
    excluding = bool(settings.exclude or settings.extend_exclude)
    dirs, files = [], []
    for name, is_dir, is_link in entries:
        if name.startswith(".") or (excluding and is_excluded(here / name, settings)):
            continue
        if is_dir:
            if not is_link and name not in SKIP_DIRS and not (ignored and ignored(name, True)):
                dirs.append(name)
        elif name.lower().endswith(EXTENSIONS) and not (ignored and ignored(name, False)):
            files.append((name, is_link))
    return settings, stack, dirs, files


def _entries(here: Path) -> list[tuple[str, bool, bool]]:
    """(name, is a folder (following links), is a symbolic link) for each
    entry of a folder, sorted by name."""
    out = []
    with os.scandir(here) as it:
        for entry in it:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False  # as os.walk: what cannot be looked at is listed as a file
            out.append((entry.name, is_dir, entry.is_symlink()))
    out.sort()
    return out


def _ignore_stack(here: Path, stack, settings, entries) -> list:
    """The ignore files in force in `here`: its parent's (those above the
    walk's top folder, for the top), plus its own `.gitignore`."""
    if not settings.respect_gitignore:
        return []
    limit = settings.max_file_size
    if stack is None:
        stack = ancestors(here.absolute(), limit)
    if any(name == ".gitignore" and not is_dir for name, is_dir, _ in entries):
        own = IgnoreFile.read(here / ".gitignore", here.absolute(), limit)
        if own:
            stack = stack + [own]
    return stack
