"""Loaders: a draft's source in, a Document with the views its rules read out.
Plain text here; Markdown and HTML in their own modules."""
from __future__ import annotations

from ..document import Document, kind_for_path
from .common import add_bare_links, identity_view


def load_text(source: str, path: str = "-") -> Document:
    doc = Document(source, "text", path)
    doc._parts = _TextParts(doc)
    return doc


class _TextParts:
    """A plain-text draft's parts: its one view, then (when first read) the
    URLs written out in it, which are also the view's soft spans."""
    __slots__ = ("doc",)

    def __init__(self, doc: Document):
        self.doc = doc

    def build(self, name: str) -> None:
        doc, d = self.doc, self.doc.__dict__
        if "prose" not in d:
            d["prose"] = d["markup"] = view = identity_view(doc.source, [])
            view.defer_soft(lambda: [(lk.start, lk.end) for lk in doc.links])
            d["directives"], d["quote_blocks"], d["tags"] = [], [], []
        if name == "links" and "links" not in d:
            links: list = []
            add_bare_links(doc, d["prose"], links)
            d["links"] = links


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
