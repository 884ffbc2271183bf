"""Report writers, one module per format. Each takes a Report and returns the
text to print or write with -o."""
from __future__ import annotations

import os
from importlib import import_module

from .common import DOCS_URL, JSON_VERSION, Report, applicable, finding_dict, statistics


def _writer(module: str, name: str = "write"):
    """A format's writer, imported when a report is written in that format: a
    one-file check loads one writer, not eight (and not their json, xml, html)."""
    def write(report, **kw):
        return getattr(import_module(f".{module}", __name__), name)(report, **kw)
    return write


FORMATS = {
    "text": _writer("text"),
    "json": _writer("json"),
    "json-lines": _writer("json", "write_lines"),
    "sarif": _writer("sarif"),
    "github": _writer("github"),
    "rdjson": _writer("rdjson"),
    "junit": _writer("junit"),
    "html": _writer("html"),
    "links": _writer("links"),
    "links-json": _writer("links", "write_json"),
}
# Reports of the links an --online run checked, not of the findings.
LINK_FORMATS = frozenset({"links", "links-json"})
# With --statistics these print the counts instead of the findings (as ruff does);
# the others are read by other tools, so they stay whole and the counts go beside them.
STATISTICS_FORMATS = frozenset({"text", "json", "json-lines"})
# These show the draft's text or positions only it can give (byte columns, fix regions).
NEEDS_SOURCES = frozenset({"html", "rdjson", "sarif"})


def use_color(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


__all__ = ["DOCS_URL", "FORMATS", "JSON_VERSION", "LINK_FORMATS", "NEEDS_SOURCES", "STATISTICS_FORMATS", "Report",
           "applicable", "finding_dict", "statistics", "use_color"]
