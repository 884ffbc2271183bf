"""citelint: find and fix citation debris in news drafts.

The Python API needs no file system and is safe to call from worker processes:

    >>> import citelint
    >>> [f.code for f in citelint.check_text("Prices rose :contentReference[oaicite:0]{index=0}.")]
    ['AST001']
    >>> citelint.fix_text("Prices rose :contentReference[oaicite:0]{index=0}.").text
    'Prices rose.'
"""
__version__ = "0.1.0"

__all__ = ["__version__", "check_text", "fix_text"]


def _linter(settings):
    from .engine import Linter
    return Linter(settings)


def check_text(text: str, *, kind: str | None = None, path: str = "-", settings=None):
    """Findings for one draft. `kind` is "text", "markdown" or "html" (default: from
    `path`'s extension, else text). `settings` is a citelint.config.Settings."""
    return _linter(settings).lint_text(text, kind, path)


def fix_text(text: str, *, kind: str | None = None, path: str = "-", settings=None,
             unsafe: bool = False):
    """Apply fixes; returns a FixResult with `.text`, `.applied` and `.remaining`."""
    return _linter(settings).fix_text(text, kind, path, unsafe=unsafe or bool(settings and settings.unsafe_fixes))
