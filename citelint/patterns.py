"""Patterns compiled on first use, for module-level patterns in rule modules
(`citelint.rule` re-exports them for plugins)."""
from __future__ import annotations

import re as _re


class _LazyRegexModule:
    """The `regex` module, imported when a rule first calls it: a check whose
    drafts give no rule anything to do never loads it."""

    def __getattr__(self, name):
        import regex  # deferred
        return getattr(regex, name)


lazy_regex = _LazyRegexModule()


class LazyPattern:
    """A `regex` pattern compiled on first use, for module-level patterns in
    rule modules. `regex` compiles in Python, slowly, so patterns compiled at
    import would cost every one-file check (benchmarks/README.md); behind
    a prefilter, most runs never need them. Use it as the compiled pattern:
    `_REF = LazyPattern(r"...")` then `_REF.finditer(text)`. What it is
    asked for (`finditer`, `pattern`) is kept on the object, so asking again
    costs a plain attribute look-up."""

    def __init__(self, *args, **kwargs):
        self._args, self._kwargs, self._compiled = args, kwargs, None

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)  # copy and pickle ask for these before __init__ ran
        if self._compiled is None:
            self._compiled = self._compile(*self._args, **self._kwargs)
        value = getattr(self._compiled, name)
        self.__dict__[name] = value
        return value

    @staticmethod
    def _compile(*args, **kwargs):
        import regex  # deferred
        return regex.compile(*args, **kwargs)


class LazyRe(LazyPattern):
    """A LazyPattern compiled with the standard library's `re`: for patterns
    that need nothing `regex` adds, where `re` scans several times faster
    (`(?i)` and `(?m)^` above all)."""

    @staticmethod
    def _compile(*args, **kwargs):
        return _re.compile(*args, **kwargs)
