"""Check one draft: read it, lint or fix it, write it back once. The unit of
work a run hands to this process or to a worker (pool.py)."""
from __future__ import annotations

import os

from .engine import Linter
from .files import BinaryFile, InputError, encode, read_source, sha256_hex, write_source
from .fixer import GROWTH_MARGIN, MAX_ITERATIONS
from .model import Finding, Record, Value


class Job(Value):
    """What to do with every file of a run."""
    __slots__ = ("fix", "diff", "unsafe", "kind", "encoding", "keep_source", "cached")
    _fields = __slots__

    def __init__(self, fix: bool = False, diff: bool = False, unsafe: bool = False, kind: str | None = None,
                 encoding: str | None = None, keep_source: bool = False, cached: bool = True):
        self.fix = fix              # apply fixes (also with --diff, which writes nothing)
        self.diff = diff
        self.unsafe = unsafe        # --unsafe-fixes on the command line
        self.kind, self.encoding = kind, encoding
        self.keep_source = keep_source  # return the final text (for reports that show it)
        self.cached = cached        # results go to a findings cache (so each needs its bytes' key)

    def unsafe_for(self, settings) -> bool:
        return self.unsafe or settings.unsafe_fixes


class FileResult(Record):
    __slots__ = ("path", "findings", "fixed", "diff", "source", "error", "notice", "warning", "cache_key", "applied")
    _fields = __slots__

    def __init__(self, path: str, findings: list[Finding] | None = None, fixed: int = 0, diff: str = "",
                 source: str | None = None, error: str | None = None, notice: str | None = None,
                 warning: str | None = None, cache_key: str | None = None):
        self.path = path
        self.findings = findings if findings is not None else []
        self.fixed, self.diff, self.source = fixed, diff, source
        self.error = error            # one line: the file could not be checked or written
        self.notice = notice          # one line: skipped (binary)
        self.warning = warning        # one line: fixes did not settle
        self.cache_key = cache_key    # the final bytes' key, when the findings may be cached
        self.applied: list = []       # AppliedFix for each fix --fix applied (what it removed)


_LAST: list = [None, None]  # the last (settings, linter): runs pass the same object for a whole folder


def linter_for(settings) -> Linter:
    """The process's Linter for these settings: the API's own cache (citelint.linter),
    filled before forking, so workers inherit it."""
    if _LAST[0] is settings:
        return _LAST[1]
    from . import linter  # deferred
    _LAST[:] = [settings, linter(settings)]
    return _LAST[1]


def fingerprint(findings: list[Finding], text: str) -> None:
    if not findings:
        return
    from .baseline import content_key  # deferred
    for f in findings:  # what a baseline needs: the text is not at hand later
        f.extra["fingerprint"] = content_key(f, text)
        f.extra["matched"] = text[f.start:f.end][:200]


def check_text(text: str, name: str, settings, job: Job, online=None) -> tuple[FileResult, str]:
    """Lint or fix one text; returns the result and the final text. `online`
    is the online pass's results, when there was one (the NET rules run too)."""
    linter = linter_for(settings)
    res = FileResult(name)
    if not job.fix:
        res.findings = linter.lint_text(text, job.kind, name, online)
        fingerprint(res.findings, text)
        return res, text
    result = linter.fix_text(text, job.kind, name, unsafe=job.unsafe_for(settings), online=online)
    if not result.converged:
        res.warning = (f"{name}: fixes did not settle after {MAX_ITERATIONS} passes; "
                       f"please report this")
    if job.diff and result.text != text:
        import difflib  # deferred
        res.diff = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), result.text.splitlines(keepends=True),
            _diff_name("a/", name), _diff_name("b/", name)))
    if result.refused:
        res.warning = (f"{name}: fixes from {', '.join(sorted(result.refused))} were refused: their edits fall "
                       f"outside the text or overlap (a plugin's bug); nothing of theirs was applied")
    if result.grown:
        res.warning = (f"{name}: fixes from {', '.join(sorted(result.grown))} were refused: they would grow the "
                       f"draft past twice its length (or {GROWTH_MARGIN:,} characters more); nothing of theirs "
                       f"was applied")
    res.fixed = result.applied
    res.applied = result.fixes
    res.findings = result.remaining
    fingerprint(res.findings, result.text)
    return res, result.text


def _diff_name(prefix: str, name: str) -> str:
    """A diff header's file name, quoted as git quotes one holding a quote, a
    backslash or a control character (a newline there would forge a header)."""
    path = prefix + name
    if not any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7f for c in path):
        return path
    escaped = path.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if ord(c) >= 0x20 and ord(c) != 0x7f else f"\\{ord(c):03o}" for c in escaped)
    return f'"{escaped}"'


def check_file(path: str, settings, job: Job, online=None) -> FileResult:
    """Read, check, and with --fix write back one draft (once). Runs in workers."""
    try:
        sf = read_source(path, job.encoding, digest=job.fix or job.cached, limit=settings.max_file_size)
        res, final = check_text(sf.text, path, settings, job, online)
        written = final != sf.text and not job.diff
        if written:
            write_source(sf, final)
        if job.cached and (written or final == sf.text):  # the key of the bytes now on disk
            from .findings_cache import file_key  # deferred
            res.cache_key = file_key(path, sha256_hex(encode(sf, final)) if written else sf.digest)
        if job.keep_source:
            res.source = final if not job.diff else sf.text
        return res
    except BinaryFile as exc:
        return FileResult(path, notice=str(exc))
    except InputError as exc:
        return FileResult(path, error=str(exc))
    except Exception as exc:  # one bad file must not end the run or show a traceback
        return FileResult(path, error=failure_message(path, exc))


def failure_message(path: str, exc: Exception) -> str:
    """One line for an unexpected error on one file (CITELINT_DEBUG=1 re-raises it).
    A plugin's rule that raises is the plugin's failure, named as such: that
    file is reported as not checked (and not fixed), and the run goes on."""
    if os.environ.get("CITELINT_DEBUG"):
        raise exc
    from .baseline import BaselineError  # deferred
    from .config import ConfigError  # deferred
    from .outlets import RegistryError  # deferred
    from .packs import PackError, PatternTimeout  # deferred
    from .rule import RuleError  # deferred
    from .ruleset import PLUGIN_OF, _cause  # deferred
    if isinstance(exc, (PatternTimeout, ConfigError, PackError, BaselineError, RegistryError)):
        return str(exc)  # each names its file, pack or setting already
    if isinstance(exc, RuleError):
        code = getattr(exc.rule, "code", "?")
        plugin = PLUGIN_OF.get(code)
        if plugin:
            return f"{path}: {plugin}: rule {code} failed: {_cause(exc.cause)}; the file was not checked"
        return f"{path}: internal error in rule {code}: {_cause(exc.cause)}; please report this"
    return f"{path}: internal error: {_cause(exc)}; please report this"
