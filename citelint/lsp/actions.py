"""Code actions: each finding's fix, "fix all" for the document, and a
suppression comment that disables a rule for one paragraph.

Every edit is computed on the text the findings were found in and sent with
that text's version, so an editor that has moved on refuses it rather than
applying it in the wrong place.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from difflib import SequenceMatcher

from lsprotocol import types as lsp

from ..fixer import apply_fixes, sane
from ..formats import load
from ..model import Finding, Safety
from .diagnostics import diagnostic, lsp_range
from .positions import LineIndex

FIX_ALL = "source.fixAll.citelint"
QUICKFIX = lsp.CodeActionKind.QuickFix.value
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_EOL = re.compile(r"\r\n|\r|\n")
_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*")  # indentation and blockquote markers
_LIST_ITEM = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
# Lines a comment must not end: setext underlines, thematic breaks, table rows.
_NOT_AFTER = re.compile(r"[-=*_ \t>]+|.*\|")
_IGNORE = re.compile(r"(<!--\s*citelint\s*:\s*ignore\s*=\s*)([A-Za-z0-9_,\s]*?)(\s*-->)")


def wanted(kind: str, only) -> bool:
    """Whether the client asked for actions of this kind (kinds nest by dots)."""
    return not only or any(kind == o or kind.startswith(f"{o}.") for o in map(str, only))


class Target:
    """The document the actions edit: its URI, version, text and kind."""
    __slots__ = ("uri", "version", "index", "kind", "document_changes")

    def __init__(self, uri: str, version, index: LineIndex, kind: str, document_changes: bool = True):
        self.uri, self.version, self.index, self.kind = uri, version, index, kind
        self.document_changes = document_changes

    def edit(self, edits: list[tuple[int, int, str]]) -> lsp.WorkspaceEdit:
        text_edits = [lsp.TextEdit(range=lsp_range(self.index, a, b), new_text=t) for a, b, t in edits]
        if not self.document_changes:
            return lsp.WorkspaceEdit(changes={self.uri: text_edits})
        doc = lsp.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=doc, edits=text_edits)])


def quick_fix(target: Target, f: Finding) -> lsp.CodeAction | None:
    """The finding's fix as `--fix` applies it: its edits, and the tidying of
    their site (the space or doubled full stop a deletion leaves)."""
    text = target.index.text
    if not sane(f.fix, len(text)):
        return None  # a plugin's impossible edits: refused, as --fix refuses them
    fixed, _ = apply_fixes(text, [f.fix])
    if fixed == text:
        return None
    unsafe = f.fix.safety is Safety.UNSAFE
    title = f"{f.code}: {f.fix.title or 'Apply the fix'}"
    if unsafe:
        title += " (unsafe fix: check the result)"
    return lsp.CodeAction(title=title, kind=QUICKFIX, diagnostics=[diagnostic(f, target.index)],
                          is_preferred=not unsafe, edit=target.edit(diff_edits(text, fixed)))


def fix_all(target: Target, fixed: str, unsafe: bool) -> lsp.CodeAction | None:
    """The edit from the text to `fixed` (every fix applied, as --fix does)."""
    text = target.index.text
    if fixed == text:
        return None
    title = "citelint: fix all (unsafe fixes included)" if unsafe else "citelint: fix all safe fixes"
    return lsp.CodeAction(title=title, kind=FIX_ALL, edit=target.edit(diff_edits(text, fixed)))


def diff_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """Small edits from `old` to `new`: changed lines, trimmed to the changed characters."""
    a, b = _LINES.findall(old), _LINES.findall(new)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start, end, text = starts[i1], starts[i2], "".join(b[j1:j2])
        was = old[start:end]
        p = 0
        while p < min(len(was), len(text)) and was[p] == text[p]:
            p += 1
        s = 0
        while s < min(len(was), len(text)) - p and was[-1 - s] == text[-1 - s]:
            s += 1
        out.append((start + p, end - s, text[p:len(text) - s]))
    return out


def disable_here(target: Target, f: Finding, path: str) -> lsp.CodeAction | None:
    """Insert `<!-- citelint: ignore=CODE -->` so the rule is off for the
    paragraph holding the finding (Markdown and HTML; plain text has no comments)."""
    if target.kind == "markdown":
        edit = _markdown_ignore(target.index, f, path)
    elif target.kind == "html":
        edit = _html_ignore(target.index.text, f, path)
    else:
        return None
    if edit is None:
        return None
    return lsp.CodeAction(title=f"{f.code}: disable here (an ignore comment for this paragraph)", kind=QUICKFIX,
                          diagnostics=[diagnostic(f, target.index)], edit=target.edit([edit]))


def _comment(code: str) -> str:
    return f"<!-- citelint: ignore={code} -->"


def _html_ignore(text: str, f: Finding, path: str):
    """Right before the finding (an ignore comment in HTML covers up to the end
    of the block), or before the tag the finding is in."""
    pos = f.start
    for tag in load(text, "html", path).tags:
        if tag.start < pos < tag.end:
            pos = tag.start
            break
    return pos, pos, _comment(f.code)


def _masked(masked: list, starts: list, a: int, b: int) -> bool:
    """Whether text[a:b] lies in one masked span (code, front matter, a comment)."""
    k = bisect_right(starts, a) - 1
    return k >= 0 and masked[k][1] >= b


def _markdown_ignore(index: LineIndex, f: Finding, path: str):
    """On its own line above the paragraph, where an editor writes one by hand
    (a comment line inside a paragraph would split it in two); for a list item
    after a blank line, at the end of the line before, so the list stays one
    list. An ignore comment already in that place gains the code."""
    text = index.text
    masked = load(text, "markdown", path).prose.masked
    mstarts = [m[0] for m in masked]

    def content(n: int) -> tuple[int, int]:  # a line's content, blanks around it trimmed
        a, b = index.starts[n], index.line_end(n)
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        return a, b

    def blank(n: int) -> bool:  # a blank line, in a blockquote too
        return not text[slice(*content(n))].strip(" \t>")

    def boundary(n: int) -> bool:  # where a paragraph cannot continue: blank, code, front matter, a comment
        return blank(n) or _masked(masked, mstarts, *content(n))

    line = index.position(f.start)[0]
    while line > 0 and not boundary(line - 1):
        line -= 1
    first = text[index.starts[line]:index.line_end(line)]
    prev = line - 1
    while prev >= 0 and blank(prev):
        prev -= 1
    after = None  # the end of the line the comment may follow
    if prev >= 0 and _LIST_ITEM.match(first) and prev < line - 1 and not boundary(prev):
        a, b = content(prev)
        if not _NOT_AFTER.fullmatch(text, a, b):
            after = b
    anchor = content(prev if after is not None else line - 1) if line > 0 else (0, 0)
    m = _IGNORE.search(text, *anchor)
    if m is not None and m.end() == anchor[1]:
        codes = [c.strip() for c in m.group(2).split(",") if c.strip()]
        return m.start(2), m.end(2), ",".join(codes + [f.code])
    if after is not None:
        return after, after, _comment(f.code)
    eol = _EOL.search(text)
    pos = index.starts[line]
    return pos, pos, _PREFIX.match(first).group() + _comment(f.code) + (eol.group() if eol else "\n")
