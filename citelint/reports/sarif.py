"""SARIF 2.1.0, the format GitHub code scanning and most security dashboards read.

One `reportingDescriptor` per rule in force (with its help text and docs link),
one result per finding with its region, and the finding's fix as a SARIF fix.
Columns count Unicode code points, as citelint's do (`columnKind`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from ..view import line_col, line_starts
from .common import INFO_URL, TOOL, VERSION, Report, docs_url, json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM = {"error": "error", "warning": "warning", "info": "recommendation"}
_FIX = {"safe": "Safe fix: `citelint check --fix` applies it.",
        "unsafe": "Unsafe fix: applied only with `citelint check --fix --unsafe-fixes`, "
                  "because it needs an editor's judgement."}


def _uri(path: str) -> tuple[str, str | None]:
    """A URI for a reported path: relative ones against %SRCROOT% (the folder
    citelint ran in, which in CI is the checkout). The name's own bytes are
    percent-encoded, so a name that is not UTF-8 gives its exact URI."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri(), None
    return quote(os.fsencode(Path(os.path.normpath(path)).as_posix())), "%SRCROOT%"


def _location(path: str) -> dict:
    uri, base = _uri(path)
    loc = {"uri": uri}
    if base:
        loc["uriBaseId"] = base
    return loc


def descriptor(rule) -> dict:
    fix = _FIX.get(rule.fix_safety.value if rule.fix_safety else "", "No fix: an editor decides.")
    url = docs_url(rule.code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.why or rule.summary or rule.name},
        "help": {"text": f"{rule.summary}\n\n{rule.why}\n\n{fix}\n\nDocumentation: {url}",
                 "markdown": f"**{rule.summary}**\n\n{rule.why}\n\n{fix}\n\n[Documentation]({url})"},
        "helpUri": url,
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity.value, "warning")},
        "properties": {"tags": ["citations", rule.code[:3].rstrip("0123456789")],
                       "precision": "high", "problem.severity": _PROBLEM.get(rule.severity.value, "warning")},
    }


def _region(starts, text, start: int, end: int) -> dict:
    sl, sc = line_col(starts, start)
    el, ec = line_col(starts, end)
    return {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec,
            "charOffset": start, "charLength": end - start}


def result(f, index: int | None, text: str | None, starts) -> dict:
    region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
              "endColumn": f.end_column, "charOffset": f.start, "charLength": f.end - f.start}
    if text is not None:
        region["snippet"] = {"text": text[f.start:f.end]}
    r = {"ruleId": f.code, "level": _LEVEL.get(f.severity.value, "warning"),
         "message": {"text": f.message},
         "locations": [{"physicalLocation": {"artifactLocation": _location(f.path), "region": region}}]}
    if index is not None:
        r["ruleIndex"] = index
    key = f.extra.get("fingerprint") if f.extra else None
    if key:
        r["partialFingerprints"] = {"citelint/v1": key}
    if f.fix is not None:
        replacements = []
        for e in f.fix.edits:
            deleted = (_region(starts, text, e.start, e.end) if text is not None
                       else {"charOffset": e.start, "charLength": e.end - e.start})
            rep = {"deletedRegion": deleted}
            if e.text:
                rep["insertedContent"] = {"text": e.text}
            replacements.append(rep)
        desc = f.fix.title or "Apply the fix"
        if f.fix.safety.value == "unsafe":
            desc += " (unsafe: needs an editor's judgement)"
        r["fixes"] = [{"description": {"text": desc},
                       "artifactChanges": [{"artifactLocation": _location(f.path), "replacements": replacements}]}]
    return r


def write(report: Report, **_) -> str:
    rules = dict(report.rules)
    index = {code: i for i, code in enumerate(rules)}
    results = []
    starts_for: dict[str, list[int]] = {}
    for f in report.findings:
        text = report.sources.get(f.path)
        if text is not None and f.path not in starts_for:
            starts_for[f.path] = line_starts(text)
        results.append(result(f, index.get(f.code), text, starts_for.get(f.path)))
    run = {
        "tool": {"driver": {"name": TOOL, "version": VERSION, "semanticVersion": VERSION,
                            "informationUri": INFO_URL,
                            "rules": [descriptor(r) for r in rules.values()]}},
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"
