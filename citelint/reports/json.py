"""Versioned JSON (`--format json`) and one JSON object per line (`--format json-lines`)."""
from __future__ import annotations

import json
from collections import Counter

from .common import (JSON_VERSION, TOOL, VERSION, Report, applied_dict, finding_dict, json_text, stale_dicts,
                     statistics as rule_counts)


def _dump(obj, **kw) -> str:
    return json_text(json.dumps(obj, ensure_ascii=False, **kw))


def write(report: Report, statistics: bool = False, **_) -> str:
    body = {
        "version": JSON_VERSION,
        "tool": {"name": TOOL, "version": VERSION},
        "summary": {
            "files": report.files, "findings": len(report.findings), "fixed": report.fixed,
            "by_severity": dict(Counter(f.severity.value for f in report.findings)),
        },
    }
    if statistics:  # the counts replace the findings, as in ruff
        body["statistics"] = rule_counts(report)
        if report.stale:
            body["stale_baseline"] = stale_dicts(report)
    else:
        body["findings"] = [finding_dict(f) for f in report.findings]
    if report.fix_mode:
        body["applied_fixes"] = [applied_dict(a) for a in report.applied]
    return _dump(body, indent=2) + "\n"


def write_lines(report: Report, statistics: bool = False, **_) -> str:
    """One finding per line (or, with statistics, one rule per line): easy to
    stream, grep and load with `jq -c`."""
    if statistics:
        rows = rule_counts(report) + [{"stale_baseline": d} for d in stale_dicts(report)]
    else:
        rows = [finding_dict(f) for f in report.findings]
    rows += [{"applied_fix": applied_dict(a)} for a in report.applied]
    return "".join(_dump(r) + "\n" for r in rows)
