"""What every report writer shares: the Report a run fills in, and small helpers."""
from __future__ import annotations

import re
from collections import Counter

from .. import __version__
from ..model import Finding, Safety
from ..ruledoc import SITE_URL, docs_url
from ..patterns import LazyRe

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
    | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a)) | set(range(0xd800, 0xe000))


def printable(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, carriage
    returns, newlines that would forge a finding line) and bidi controls are
    written as escapes, as git and ruff do. JSON and SARIF keep the exact text."""
    if text.isprintable() and not any(ord(c) in _UNSAFE for c in text):
        return text
    return "".join(c if ord(c) not in _UNSAFE else _escaped(c) for c in text)


# How every report writes what it cannot carry: a file name's undecodable bytes
# (Python reads byte 0xff of a name as the lone surrogate U+DCFF) and, in XML and
# HTML, the characters those formats forbid. Each becomes the backslash escape
# Python's "backslashreplace" gives (`\udcff`, `\x01`, `\ufffe`), as `-o` and a
# strict terminal already wrote them, so every report is valid UTF-8 and the same
# name reads the same in every format. (SARIF URIs percent-encode the bytes instead.)
SURROGATES = LazyRe("[\ud800-\udfff]")
XML_ILLEGAL = LazyRe("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # outside XML 1.0's Char
HTML_ILLEGAL = LazyRe("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _escaped(c: str, backslash: str = "\\") -> str:
    n = ord(c)
    return f"{backslash}x{n:02x}" if n < 0x100 else f"{backslash}u{n:04x}"


def escape_chars(text: str, chars: re.Pattern = SURROGATES, backslash: str = "\\") -> str:
    """`text` with each character `chars` matches written as a backslash escape.
    In JSON text the escape's backslash is itself escaped (json_text), so the
    string read back holds the six characters backslash-u-d-c-f-f, never a lone
    surrogate (which many JSON readers refuse)."""
    if chars.search(text) is None:
        return text
    return chars.sub(lambda m: _escaped(m.group(), backslash), text)


_JSON_ODD = LazyRe("[\ud800-\udfff\x85\u2028\u2029]")


def json_text(text: str) -> str:
    """The output of json.dumps(..., ensure_ascii=False) made valid UTF-8: its
    only raw surrogates are inside strings, where each becomes an escaped
    backslash and `udcff`. Line separators that str.splitlines() and older
    JavaScript split on (U+0085, U+2028, U+2029) become JSON escapes, so one
    JSON Lines record stays on one line; their value is unchanged."""
    if _JSON_ODD.search(text) is None:
        return text
    return _JSON_ODD.sub(lambda m: f"\\u{ord(m.group()):04x}" if m.group() in "\x85\u2028\u2029"
                         else _escaped(m.group(), "\\\\"), text)


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
