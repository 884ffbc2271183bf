"""Findings as LSP diagnostics and hovers."""
from __future__ import annotations

import re

from lsprotocol import types as lsp

from ..model import Finding, Severity
from ..ruledoc import docs_url, rule_doc
from .positions import LineIndex

SOURCE = "citelint"
_SEVERITY = {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning,
             Severity.INFO: lsp.DiagnosticSeverity.Information}


def lsp_range(index: LineIndex, start: int, end: int) -> lsp.Range:
    a, b = index.position(start), index.position(end)
    return lsp.Range(start=lsp.Position(line=a[0], character=a[1]), end=lsp.Position(line=b[0], character=b[1]))


def diagnostic(f: Finding, index: LineIndex) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp_range(index, f.start, f.end), message=f.message, severity=_SEVERITY[f.severity],
        code=f.code, code_description=lsp.CodeDescription(href=docs_url(f.code)), source=SOURCE,
        data={"name": f.name, "fixable": f.fixable, "url": f.url})


def diagnostics(findings: list[Finding], index: LineIndex) -> list[lsp.Diagnostic]:
    return [diagnostic(f, index) for f in findings]


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+!|~&-])")


def plain(text: str) -> str:
    """Text from a draft, shown as it is in Markdown: a message quotes the
    draft, and a draft must not put links or markup in the editor's hover."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def at(findings: list[Finding], offset: int) -> list[Finding]:
    """The findings whose span holds `offset` (its ends included: the cursor
    just after a marker is still on it)."""
    return [f for f in findings if f.start <= offset <= f.end]


def hover(found: list[Finding], rules: dict, index: LineIndex) -> lsp.Hover | None:
    """The rule's documentation for each finding under the cursor."""
    if not found:
        return None
    parts = []
    for f in found:
        head = f"**{f.code}** ({f.name}): {plain(f.message)}"
        rule = rules.get(f.code)
        parts.append(head + ("\n\n" + rule_doc(rule) if rule is not None else f"\n\n{docs_url(f.code)}"))
    first = min(found, key=lambda f: f.start)
    last = max(found, key=lambda f: f.end)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                     range=lsp_range(index, first.start, last.end))
