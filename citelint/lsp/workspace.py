"""The drafts open in the editor, and the settings and Linter for each: those a
`citelint check` of the same file would use, with the editor's settings on top."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import linter as linter_for
from ..config import CONFIG_NAMES, ConfigError, Resolver
from ..discover import is_excluded
from ..document import EXTENSIONS, kind_for_path
from ..model import Record
from ..ruleset import all_rules
from .positions import UTF16, LineIndex
from .settings import ClientSettings

# An editor's language id, for a draft whose name does not say its kind.
LANGUAGES = {"markdown": "markdown", "html": "html", "plaintext": "text", "text": "text"}


def uri_to_path(uri: str) -> str | None:
    """The file a `file:` URI names; None for an unsaved buffer (`untitled:`) and other schemes."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]  # file:///C:/drafts -> C:/drafts
    return path


def kind_for(path: str | None, language_id: str | None) -> str | None:
    """text, markdown or html; None for a document citelint does not read (code, say)."""
    if path and os.path.splitext(path)[1].lower() in EXTENSIONS:
        return kind_for_path(path)
    return LANGUAGES.get((language_id or "").lower())


class OpenDocument(Record):
    """One open draft. `findings` are those of the text at version `linted`."""
    __slots__ = ("uri", "path", "kind", "text", "version", "index", "findings", "linted", "online", "linting",
                 "closed", "changed")
    _fields = __slots__
    _defaults = {"findings": [], "linted": None, "online": None, "linting": False, "closed": False, "changed": 0.0}

    def set_text(self, text: str, version: int | None, encoding: str) -> None:
        self.text, self.version = text, version
        self.index = LineIndex(text, encoding)


class Workspace:
    """Open drafts by URI, the workspace folders and the settings in force."""

    def __init__(self):
        self.docs: dict[str, OpenDocument] = {}
        self.folders: list[str] = []
        self.client = ClientSettings()
        self.encoding = UTF16
        self._resolver: Resolver | None = None

    def open(self, uri: str, text: str, version: int | None, language_id: str | None) -> OpenDocument:
        self.close(uri)  # opened again: a lint of the old text must not publish
        path = uri_to_path(uri)
        doc = OpenDocument(uri, path, kind_for(path, language_id), text, version, None)
        doc.set_text(text, version, self.encoding)
        self.docs[uri] = doc
        return doc

    def close(self, uri: str) -> None:
        doc = self.docs.pop(uri, None)
        if doc is not None:
            doc.closed = True

    def forget_settings(self) -> None:
        """Configuration files or the editor's settings changed: find them again."""
        self._resolver = None

    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = self._make_resolver(self.client)
        return self._resolver

    def _make_resolver(self, c: ClientSettings) -> Resolver:
        config = c.config
        if config and not os.path.isabs(config) and self.folders:
            config = os.path.join(self.folders[0], config)  # relative to the (first) workspace folder
        return Resolver(config, c.isolated, c.overrides())

    def _folder(self) -> str:
        return self.folders[0] if self.folders else os.getcwd()

    def settings_for(self, doc: OpenDocument):
        """The settings for a draft (ConfigError for a bad configuration), or
        None when its configuration excludes it, as `--force-exclude` would."""
        if doc.path is None:  # an unsaved buffer: the settings of the workspace folder
            return self.resolver().for_path(self._folder())
        settings = self.resolver().for_path(doc.path, is_dir=False)
        return None if is_excluded(Path(doc.path), settings) else settings

    def check_client(self, client: ClientSettings) -> None:
        """ConfigError, naming the editor's settings, when they select a rule
        that neither citelint nor the rule packs of the open drafts define."""
        groups = (("select", client.select or ()), ("extendSelect", client.extend_select), ("ignore", client.ignore))
        if not any(sels for _, sels in groups):
            return
        resolver = self._make_resolver(client)
        packs: set[str] = set()
        for doc in self.docs.values():
            try:
                packs.update(resolver.for_path(doc.path or self._folder()).rule_packs)
            except ConfigError:
                continue  # a bad configuration file is reported when its draft is checked
        try:
            codes = {r.code for r in all_rules(tuple(sorted(packs)))}
        except ValueError:  # a bad rule pack: reported when its draft is checked
            codes = {r.code for r in all_rules()}
        for key, sels in groups:
            for sel in sels:
                if sel != "ALL" and not any(code.startswith(sel) for code in codes):
                    raise ConfigError(f"editor settings: unknown rule code or prefix {sel!r} in `{key}`")

    def linter(self, settings):
        return linter_for(settings)

    def name_of(self, doc: OpenDocument) -> str:
        """The path findings are reported under and per-file-ignores match."""
        return doc.path or "-"


def is_config_file(path: str | None) -> bool:
    return bool(path) and os.path.basename(path) in CONFIG_NAMES
