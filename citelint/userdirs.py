"""The user's own cache folder for citelint: where derived data and the
findings cache's key are kept, never inside a repository that is checked.

A few lines rather than the platformdirs package: XDG_CACHE_HOME (an absolute
path) wherever it is set, else ~/.cache on Linux and other Unixes,
~/Library/Caches on macOS and %LOCALAPPDATA% on Windows.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        base = xdg
    elif sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "citelint"
