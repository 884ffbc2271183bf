"""GitHub Actions workflow commands: each finding becomes an annotation on the
pull request (`::error file=…,line=…::message`)."""
from __future__ import annotations

from .common import Report, escape_chars

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    # The runner unescapes exactly these in the message.
    return escape_chars(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    # ...and these too in property values, where `,` and `:` separate fields.
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, **_) -> str:
    out = []
    for f in report.findings:
        props = (f"file={_prop(f.path)},line={f.line},col={f.column},"
                 f"endLine={f.end_line},endColumn={f.end_column},title={_prop(f.code)}")
        out.append(f"::{_LEVEL.get(f.severity.value, 'error')} {props}::{_data(f.message)}")
    return "".join(line + "\n" for line in out)
