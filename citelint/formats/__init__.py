"""Loaders: a draft's source in, a Document with the views its rules read out.
Plain text here; Markdown and HTML in their own modules."""
from __future__ import annotations

from ..document import Document, kind_for_path
from .common import add_bare_links, identity_view


def load_text(source: str, path: str = "-") -> Document:
    doc = Document(source, "text", path)
    doc.prose = doc.markup = identity_view(source, [])
    add_bare_links(doc, doc.prose, doc.links)
    doc.prose.set_soft([(lk.start, lk.end) for lk in doc.links])
    return doc


def load(source: str, kind: str | None = None, path: str = "-") -> Document:
    kind = kind or kind_for_path(path)
    if kind == "markdown":
        from .markdown import load_markdown  # deferred
        return load_markdown(source, path)
    if kind == "html":
        from .html import load_html  # deferred
        return load_html(source, path)
    if kind != "text":
        raise ValueError(f"unknown document kind {kind!r}")
    return load_text(source, path)
