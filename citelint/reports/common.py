"""What every report writer shares: the Report a run fills in, and small helpers."""
from __future__ import annotations

from collections import Counter

from .. import __version__
from ..model import Finding, Safety
from ..ruledoc import SITE_URL, docs_url

JSON_VERSION = "1"  # of --format json; see README.md
DOCS_URL = SITE_URL + "rules/{code}/"
INFO_URL = SITE_URL
TOOL = "citelint"
VERSION = __version__


class Report:
    """What a run found, filled in as files are checked and handed to a writer."""

    def __init__(self, findings: list[Finding] | None = None, files: int = 0, fixed: int = 0,
                 fix_mode: bool = False, unsafe: bool = False, sources: dict | None = None,
                 rules: dict | None = None, paths: list[str] | None = None, stale: list | None = None):
        self.findings = findings if findings is not None else []
        self.files = files
        self.fixed = fixed                # fixes applied (with --fix)
        self.fix_mode, self.unsafe = fix_mode, unsafe
        self.sources = sources if sources is not None else {}  # path -> final text, for writers that show it
        self.rules = rules if rules is not None else {}        # code -> Rule, for writers that describe rules
        self.paths = paths if paths is not None else []        # every file checked, in order
        self.stale = stale if stale is not None else []        # baseline entries gone (with --baseline)
        self.applied: list = []          # AppliedFix for every fix applied (with --fix)
        self.show_fixes = False          # list them in the text report (--show-fixes)
        self.links: list[dict] | None = None  # every link an --online run checked (--format links)


_UNSAFE = {c for c in range(0x20)} | {0x7f} | set(range(0x80, 0xa0)) | {0x200e, 0x200f, 0x061c} \
    | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))


def printable(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, carriage
    returns, newlines that would forge a finding line) and bidi controls are
    written as escapes, as git and ruff do. JSON and SARIF keep the exact text."""
    if text.isprintable() and not any(ord(c) in _UNSAFE for c in text):
        return text
    return "".join(c if ord(c) not in _UNSAFE else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   for c in text)


def applicable(f: Finding, unsafe: bool) -> bool:
    """Would this run's --fix apply the finding's fix?"""
    return f.fix is not None and (unsafe or f.fix.safety is Safety.SAFE)


def statistics(report: Report) -> list[dict]:
    """Findings per rule, most frequent first (ruff's --statistics)."""
    counts = Counter((f.code, f.name) for f in report.findings)
    fixable = Counter(f.code for f in report.findings if applicable(f, report.unsafe))
    return [{"code": code, "name": name, "count": n, "fixable": fixable[code]}
            for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def finding_dict(f: Finding) -> dict:
    fix = None
    if f.fix is not None:
        fix = {"applicability": f.fix.safety.value, "message": f.fix.title or None,
               "edits": [{"start": e.start, "end": e.end, "content": e.text} for e in f.fix.edits]}
    return {
        "code": f.code, "name": f.name, "severity": f.severity.value, "message": f.message,
        "path": f.path, "line": f.line, "column": f.column,
        "end_line": f.end_line, "end_column": f.end_column,
        "start_offset": f.start, "end_offset": f.end,
        "fixable": f.fixable, "fix": fix, "url": f.url,
        "docs": docs_url(f.code),
    }


def applied_dict(a) -> dict:
    """An applied fix as the JSON reports give it: what it removed, what it put
    in its place, and the link it touched (so no source is lost from the log)."""
    return {"code": a.code, "name": a.name, "message": a.message, "path": a.path,
            "line": a.line, "column": a.column, "applicability": a.safety.value,
            "removed": a.removed, "inserted": a.inserted, "url": a.url}


def stale_dicts(report: Report) -> list[dict]:
    return [{"code": e.code, "path": e.path, "text": e.text, "count": n} for e, n in report.stale]
