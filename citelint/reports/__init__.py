"""Report writers, one module per format. Each takes a Report and returns the
text to print or write with -o."""
from __future__ import annotations

import os

from . import github, junit, rdjson, sarif, text
from . import json as json_report
from .common import DOCS_URL, Report, applicable, finding_dict, statistics

JSON_VERSION = json_report.JSON_VERSION


def _html(report, **kw):
    from . import html  # the page's template is only read when asked for
    return html.write(report, **kw)


FORMATS = {
    "text": text.write,
    "json": json_report.write,
    "json-lines": json_report.write_lines,
    "sarif": sarif.write,
    "github": github.write,
    "rdjson": rdjson.write,
    "junit": junit.write,
    "html": _html,
}
# With --statistics these print the counts instead of the findings (as ruff does);
# the others are read by other tools, so they stay whole and the counts go beside them.
STATISTICS_FORMATS = frozenset({"text", "json", "json-lines"})
# These show the draft's text or positions only it can give (byte columns, fix regions).
NEEDS_SOURCES = frozenset({"html", "rdjson", "sarif"})


def use_color(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


__all__ = ["DOCS_URL", "FORMATS", "JSON_VERSION", "NEEDS_SOURCES", "STATISTICS_FORMATS", "Report",
           "applicable", "finding_dict", "statistics", "use_color"]
