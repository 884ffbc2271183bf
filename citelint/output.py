"""Reports: human text and versioned JSON. Each writer takes the findings and a
Report summary and returns the text to print."""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field

from . import __version__
from .model import Finding, Safety, Severity

JSON_VERSION = "1"
DOCS_URL = "https://citelint.readthedocs.io/rules/{code}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    fixed: int = 0                  # fixes applied (with --fix)
    fix_mode: bool = False
    unsafe: bool = False
    sources: dict = field(default_factory=dict)   # path -> final text, for writers that show it
    rules: dict = field(default_factory=dict)     # code -> Rule, for writers that describe rules


def _applicable(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and (unsafe or f.fix.safety is Safety.SAFE)


def _color(enabled: bool):
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if enabled else text
    return paint


def text(report: Report, color: bool = False, statistics: bool = False) -> str:
    paint = _color(color)
    out = []
    for f in report.findings:
        mark = " [*]" if _applicable(f, report.unsafe) else ""
        sev = "" if f.severity is Severity.ERROR else f" ({f.severity.value})"
        out.append(f"{paint(f.path, '1')}:{f.line}:{f.column}: {paint(f.code, '1;31')}{mark} {f.message}{sev}")
    n = len(report.findings)
    if statistics:
        counts = Counter((f.code, f.name) for f in report.findings)
        fixable = Counter(f.code for f in report.findings if _applicable(f, report.unsafe))
        for (code, name), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"{c:>6}  {code:<7} {'[*]' if fixable[code] else '   '} {name}")
    if n == 0 and not report.fixed:
        out.append("All checks passed!" if report.files else "No drafts found.")
        return "\n".join(out) + "\n"
    sev = Counter(f.severity.value for f in report.findings)
    detail = ", ".join(f"{sev[s]} {s}{'s' if sev[s] != 1 else ''}" for s in ("error", "warning", "info") if sev[s])
    noun = "finding" if n == 1 else "findings"
    if report.fix_mode:
        out.append(f"Found {n + report.fixed} {('finding' if n + report.fixed == 1 else 'findings')} "
                   f"({report.fixed} fixed, {n} remaining{': ' + detail if detail else ''}).")
    else:
        out.append(f"Found {n} {noun} ({detail}).")
    safe = sum(1 for f in report.findings if f.fix and f.fix.safety is Safety.SAFE)
    unsafe = sum(1 for f in report.findings if f.fix and f.fix.safety is Safety.UNSAFE)
    if safe and not report.fix_mode:
        out.append(f"[*] {safe} fixable with `citelint check --fix`.")
    if unsafe and not report.unsafe:
        out.append(f"({unsafe} more fixable with `--fix --unsafe-fixes`: they need an editor's judgement.)")
    elif unsafe and not report.fix_mode:
        out.append(f"[*] {unsafe} more fixable with `--fix --unsafe-fixes`.")
    return "\n".join(out) + "\n"


def finding_dict(f: Finding) -> dict:
    fix = None
    if f.fix is not None:
        fix = {"applicability": f.fix.safety.value, "message": f.fix.title or None,
               "edits": [{"start": e.start, "end": e.end, "content": e.text} for e in f.fix.edits]}
    d = {
        "code": f.code, "name": f.name, "severity": f.severity.value, "message": f.message,
        "path": f.path, "line": f.line, "column": f.column,
        "end_line": f.end_line, "end_column": f.end_column,
        "start_offset": f.start, "end_offset": f.end,
        "fixable": f.fixable, "fix": fix, "url": f.url,
        "docs": DOCS_URL.format(code=f.code),
    }
    return d


def to_json(report: Report, **_) -> str:
    body = {
        "version": JSON_VERSION,
        "tool": {"name": "citelint", "version": __version__},
        "summary": {
            "files": report.files, "findings": len(report.findings), "fixed": report.fixed,
            "by_severity": dict(Counter(f.severity.value for f in report.findings)),
        },
        "findings": [finding_dict(f) for f in report.findings],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def use_color(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


FORMATS = {"text": text, "json": to_json}
