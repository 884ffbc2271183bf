"""JUnit XML, for CI dashboards: one test suite per draft, one failing test case
per finding, and one passing case for a draft with none."""
from __future__ import annotations

from collections import defaultdict

from .common import TOOL, XML_ILLEGAL, Report, escape_chars


def _clean(s: str) -> str:
    """XML 1.0 cannot carry most control characters, U+FFFE, U+FFFF or a lone
    surrogate (a file name's undecodable byte), even as references: they are
    written as backslash escapes, as the text report writes them."""
    return escape_chars(s, XML_ILLEGAL)


def _attr(s) -> str:
    from xml.sax.saxutils import quoteattr  # imported here: it loads urllib.request
    return quoteattr(_clean(str(s)))


def write(report: Report, **_) -> str:
    from xml.sax.saxutils import escape  # deferred
    by_path: dict[str, list] = defaultdict(list)
    for f in report.findings:
        by_path[f.path].append(f)
    paths = list(report.paths)
    paths += [p for p in by_path if p not in set(paths)]
    n = len(report.findings)
    tests = sum(len(by_path.get(p, ())) or 1 for p in paths)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="{TOOL}" tests="{tests}" failures="{n}" errors="0">']
    for path in paths:
        found = by_path.get(path, [])
        out.append(f'  <testsuite name={_attr(path)} tests="{len(found) or 1}" failures="{len(found)}" '
                   f'errors="0" skipped="0">')
        if not found:
            out.append(f'    <testcase name="no findings" classname={_attr(path)}/>')
        for f in found:
            out.append(f'    <testcase name={_attr(f"{f.code} at {f.line}:{f.column}")} '
                       f'classname={_attr(path)} file={_attr(path)} line="{f.line}">')
            out.append(f'      <failure message={_attr(f.message)} type={_attr(f.code)}>'
                       f'{escape(_clean(f"{path}:{f.line}:{f.column}: {f.code} {f.message} ({f.severity.value})"))}'
                       f'</failure>')
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return "\n".join(out) + "\n"
