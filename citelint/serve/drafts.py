"""A draft as the page holds it: its kind guessed from its text, the bytes of a
dropped file decoded (as `citelint check` decodes files), and the text encoded
back in the encoding, byte-order mark and line endings it came in.

A browser's text box holds line feeds only, so the page works on LF text and
the draft's own line endings are put back on the way out."""
from __future__ import annotations

import re

from ..document import kind_for_path

KINDS = ("text", "markdown", "html")
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}

# Whole-document signals; a draft that shows none is plain text, as `check` reads a .txt.
_HTML = re.compile(r"(?i)<(?:p|div|h[1-6]|ul|ol|li|article|section|blockquote|table|br|body|html|figure)\b[^>]*>"
                   r"|<a\s+href=")
_MARKDOWN = re.compile(r"(?m)^#{1,6}[ \t]+\S|\[[^\]\n]+\]\([^)\s]+[^)]*\)|^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+\S"
                       r"|\*\*[^*\n]+\*\*|^[ \t]{0,3}(?:```|~~~)|^>[ \t]|^\[[^\]\n]+\]:[ \t]*\S")


def guess_kind(text: str, path: str = "-") -> str:
    """The kind a draft is read as: from `path`'s extension when it has a known
    one, else from the text. HTML when it opens with markup or shows two or
    more block tags; Markdown when it shows Markdown's own syntax; else text."""
    if path and path != "-" and "." in path.rsplit("/", 1)[-1]:
        ext = path.rsplit(".", 1)[-1].lower()
        if ext in ("md", "markdown", "html", "htm", "txt"):
            return kind_for_path(path)
    head = text[:200_000]
    stripped = head.lstrip()
    if stripped.startswith(("<!DOCTYPE", "<!doctype", "<html", "<HTML")) or (
            stripped.startswith("<") and _HTML.match(stripped)):
        return "html"
    tags = 0
    for _ in _HTML.finditer(head):
        tags += 1
        if tags >= 2:
            return "html"
    return "markdown" if _MARKDOWN.search(head) else "text"


def newline_of(text: str) -> tuple[str, bool]:
    """The draft's line ending ("lf", "crlf" or "cr", the most common one) and
    whether it mixes several."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    counts = {"crlf": crlf, "lf": lf, "cr": cr}
    used = [k for k, n in counts.items() if n]
    if not used:
        return "lf", False
    return max(used, key=lambda k: (counts[k], k == "lf")), len(used) > 1


def to_lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decoded(data: bytes, name: str, encoding: str | None = None) -> dict:
    """A dropped file's bytes as the page takes them (InputError when they are
    not text): the text with LF line endings, and what is needed to write it back."""
    from ..files import decode  # deferred
    text, enc, bom = decode(data, name, encoding)
    newline, mixed = newline_of(text)
    return {"text": to_lf(text), "encoding": enc, "bom": bool(bom), "newline": newline, "mixed_newlines": mixed,
            "kind": guess_kind(text, name), "path": name}


def encoded(text: str, encoding: str, bom: bool, newline: str) -> bytes:
    """The page's LF text in the draft's own encoding, BOM and line endings
    (UnicodeEncodeError when a character has no place in that encoding)."""
    import codecs  # deferred
    from ..files import _BOMS  # deferred
    name = codecs.lookup(encoding).name
    out = to_lf(text)
    if newline != "lf":
        out = out.replace("\n", NEWLINES[newline])
    mark = b""
    if bom:
        mark = next((m for m, n in _BOMS if codecs.lookup(n).name == name), b"")
    return mark + out.encode(name)
