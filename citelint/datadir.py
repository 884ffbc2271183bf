"""Where citelint's built-in data lives: the rule packs and the outlet registry."""
from __future__ import annotations

from pathlib import Path


def rules_dir() -> Path:
    """The built-in rule packs and outlet registry.

    Installed, they live in the package as `citelint/rules`; in a source checkout
    they are the top-level `rules/` folder beside `citelint/`.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "assistant-markup.toml").is_file():
            return candidate
    raise RuntimeError("citelint's built-in rules are missing; reinstall citelint")
