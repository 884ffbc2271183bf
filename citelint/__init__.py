"""citelint: find and fix citation debris in news drafts.

The Python API takes text and settings and returns findings or fixed text. It
touches no file system and no network, so it runs anywhere a string does: a
CMS hook, a notebook, or worker processes linting an archive
(examples/dask_archive.py):

    >>> import citelint
    >>> [f.code for f in citelint.check_text("Prices rose :contentReference[oaicite:0]{index=0}.")]
    ['AST001']
    >>> citelint.fix_text("Prices rose :contentReference[oaicite:0]{index=0}.").text
    'Prices rose.'

Building a Linter (loading and validating every rule) costs milliseconds;
linting a 3 KB article costs far less. `check_text` and `fix_text` therefore
keep one Linter per Settings per process and reuse it. Code that lints many
texts may also hold its own `citelint.Linter(settings)` and call its
`lint_text` and `fix_text` directly.
"""
__version__ = "0.2.0"

__all__ = ["__version__", "Linter", "Settings", "check_text", "fix_text", "linter"]

_linters: dict = {}


def __getattr__(name: str):
    # `import citelint` stays cheap (the CLI needs only __version__ first):
    # the engine is imported when the API is used.
    if name == "Linter":
        from .engine import Linter  # deferred
        return Linter
    if name == "Settings":
        from .config import Settings  # deferred
        return Settings
    raise AttributeError(f"module 'citelint' has no attribute {name!r}")


def linter(settings=None):
    """The Linter for `settings` (a citelint.config.Settings; None means the
    defaults: every default rule, no configuration file), built on first use in
    this process and reused after. Settings are frozen and hashable, so they key
    the cache; a bad setting raises ConfigError here, before any text is read."""
    if settings not in _linters:
        from .engine import Linter  # deferred
        if len(_linters) >= 32:  # a caller minting settings per call must not grow memory
            _linters.clear()
        _linters[settings] = Linter(settings)
    return _linters[settings]


def check_text(text: str, *, kind: str | None = None, path: str = "-", settings=None) -> list:
    """The findings in one draft, sorted by position.

    `text` is the decoded draft. `kind` is "text", "markdown" or "html"; by
    default it follows `path`'s extension, else text. `path` names the draft in
    findings and selects `per-file-ignores`; nothing is read from it.
    `settings` is a citelint.config.Settings (None: the defaults).

    Returns a list of citelint.model.Finding: `.code`, `.name`, `.severity`,
    `.message`, `.line`, `.column`, `.end_line`, `.end_column`, character
    offsets `.start` and `.end` into `text`, and `.fix` (None when there is no
    fix) with its exact edits.
    """
    return linter(settings).lint_text(text, kind, path)


def fix_text(text: str, *, kind: str | None = None, path: str = "-", settings=None,
             unsafe: bool = False):
    """Apply every fix (safe ones; unsafe ones too with `unsafe=True` or
    `unsafe-fixes` in the settings) until nothing changes.

    Returns a citelint.fixer.FixResult: `.text` (the fixed draft; byte for byte
    the input where nothing was fixed), `.applied` (how many fixes), `.remaining`
    (findings on the fixed text) and `.converged`. Arguments are as for check_text.
    """
    return linter(settings).fix_text(text, kind, path, unsafe=unsafe or bool(settings and settings.unsafe_fixes))
