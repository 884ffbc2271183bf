"""reviewdog's Diagnostic Format (rdjson). Columns are UTF-8 byte counts, as
reviewdog reads them, so a finding after an accented letter lands in place."""
from __future__ import annotations

import json

from ..view import line_col, line_starts
from .common import INFO_URL, TOOL, Report, docs_url, json_text

_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


class _Positions:
    """Source offsets to reviewdog positions for one file."""

    def __init__(self, text: str | None):
        self.text = text
        self.starts = line_starts(text) if text is not None else None

    def at(self, offset: int, line: int, column: int) -> dict:
        if self.text is None:  # no source to hand: characters are the best we have
            return {"line": line, "column": column}
        start = self.starts[line - 1]
        return {"line": line, "column": len(self.text[start:offset].encode("utf-8")) + 1}


def _range(pos: _Positions, start: int, end: int, lc_start, lc_end) -> dict:
    return {"start": pos.at(start, *lc_start), "end": pos.at(end, *lc_end)}


def write(report: Report, **_) -> str:
    positions: dict[str, _Positions] = {}
    diagnostics = []
    for f in report.findings:
        pos = positions.get(f.path) or positions.setdefault(f.path, _Positions(report.sources.get(f.path)))
        d = {
            "message": f.message,
            "location": {"path": f.path,
                         "range": _range(pos, f.start, f.end, (f.line, f.column), (f.end_line, f.end_column))},
            "severity": _SEVERITY.get(f.severity.value, "ERROR"),
            "code": {"value": f.code, "url": docs_url(f.code)},
        }
        if f.fix is not None and pos.text is not None:
            d["suggestions"] = [
                {"range": _range(pos, e.start, e.end, line_col(pos.starts, e.start), line_col(pos.starts, e.end)),
                 "text": e.text}
                for e in f.fix.edits]
        diagnostics.append(d)
    body = {"source": {"name": TOOL, "url": INFO_URL}, "diagnostics": diagnostics}
    return json_text(json.dumps(body, ensure_ascii=False, indent=2)) + "\n"
