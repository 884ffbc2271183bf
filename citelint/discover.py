"""Which files a run checks: walk folders for drafts, skipping what is excluded
(the `exclude` settings, and what `.gitignore` files ignore unless
`respect-gitignore = false`)."""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath

from .document import EXTENSIONS
from .gitignore import IgnoreFile, ancestors, is_ignored

# Never descend into these: tool caches, VCS data, virtual environments.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                       ".citelint_cache", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


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


def iter_files(paths, resolver, force_exclude: bool = False):
    """Yield (path, settings) for each draft; named files are always checked
    unless `force_exclude` (pre-commit passes files by name). A file reached
    twice (named twice, or named and inside a named folder) is checked once:
    two workers fixing one file would trip over each other."""
    seen: set = set()
    for path, settings in _targets(paths, resolver, force_exclude):
        try:
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)  # one stat, where realpath costs one per path component
        except OSError:
            key = os.path.realpath(path)  # missing: reported when it is read
        if key not in seen:
            seen.add(key)
            yield path, settings


def _targets(paths, resolver, force_exclude: bool):
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            yield from _walk(p, resolver)
        else:
            settings = resolver.for_path(arg, is_dir=False)
            if force_exclude and is_excluded(p, settings):
                continue
            yield str(p), settings


def _walk(top: Path, resolver):
    top_abs = top.absolute()
    stacks = {top_abs: ancestors(top_abs)}   # folder -> the ignore files in force there
    for folder, dirs, names in os.walk(top):
        here = Path(folder)
        settings = resolver.for_path(here / "_")
        stack = stacks.pop(here.absolute(), [])
        if settings.respect_gitignore:
            own = IgnoreFile.read(here / ".gitignore", here.absolute()) if ".gitignore" in names else None
            if own:
                stack = stack + [own]
        else:
            stack = []

        def ignored(name: str, is_dir: bool) -> bool:
            return bool(stack) and is_ignored(stack, here.absolute() / name, is_dir)

        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and not is_excluded(here / d, settings) and not ignored(d, True))
        for d in dirs:
            stacks[(here / d).absolute()] = stack
        excluding = bool(settings.exclude or settings.extend_exclude)
        prefix = "" if str(here) == "." else str(here) + os.sep  # str(here / name), without a Path per file
        for name in sorted(names):
            if name.lower().endswith(EXTENSIONS) and not name.startswith("."):
                if (excluding and is_excluded(here / name, settings)) or ignored(name, False):
                    continue
                yield prefix + name, settings  # a file's settings are its folder's
