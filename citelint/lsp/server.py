"""`citelint lsp`: a language server on standard input and output (pygls).

Drafts are linted off the message loop, in one worker thread, so the server
keeps reading while a lint runs. A change to a quiet draft is linted at once
(a keystroke's diagnostics come in milliseconds); changes that arrive while a
lint runs are a burst, and the draft is linted again, once, when they pause
for `debounce` ms (50 by default). Diagnostics are published only for the
text the editor still has.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import (FeatureRequestError, JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest,
                              JsonRpcParseError)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from .. import __version__
from ..config import ConfigError
from ..outlets import RegistryError
from ..packs import PackError, PatternTimeout
from . import actions
from . import diagnostics as diag
from .online import verify as verify_links
from .positions import LineIndex, apply_change
from .settings import parse as parse_settings
from .workspace import OpenDocument, Workspace, is_config_file, uri_to_path

VERIFY = "citelint.verifySources"
CONFIG_GLOB = "**/{.citelint.toml,citelint.toml,pyproject.toml}"
KNOWN_ERRORS = (ConfigError, PackError, PatternTimeout, RegistryError)
log = logging.getLogger("citelint.lsp")


class _Answered:
    """A request already answered with an error; pygls passes over a message
    that is not JSON-RPC 2.0."""
    jsonrpc = "answered"


def _error_reply(protocol, msg_id, error: JsonRpcException) -> None:
    """An error response; one to no request in particular carries "id": null,
    which pygls would leave out."""
    if msg_id is None:
        protocol._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": error.code, "message": error.message}})
    else:
        protocol._send_response(msg_id, None, error.to_response_error())


def _id(message) -> int | str | None:
    msg_id = message.get("id") if isinstance(message, dict) else None
    return msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None


class Protocol(LanguageServerProtocol):
    """pygls's protocol, answering what it would only log: a request whose
    params do not fit its method (-32602), and a message that is not a JSON-RPC
    request at all (-32600)."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException:
            if isinstance(data, dict) and "method" in data and "id" in data:
                error = JsonRpcInvalidParams(f"invalid params for {str(data['method'])[:100]}")
                _error_reply(self, _id(data), error)
                return _Answered()
            raise

    def handle_message(self, message):
        if not hasattr(message, "jsonrpc"):  # JSON, but no "jsonrpc" member (or not an object)
            _error_reply(self, _id(message), JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
            return
        super().handle_message(message)


class CitelintServer(LanguageServer):
    def __init__(self):
        super().__init__("citelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=Protocol)
        self.drafts = Workspace()
        self.document_changes = False   # whether the client takes versioned edits
        self.lint_pool = ThreadPoolExecutor(1, thread_name_prefix="citelint-lint")
        self.online_pool = ThreadPoolExecutor(1, thread_name_prefix="citelint-online")
        self._shown: set[str] = set()
        self._tasks: set = set()
        self.epoch = 0   # counts settings changes

    # -- messages to the editor ------------------------------------------------------------------

    def report_server_error(self, error: Exception, source) -> None:
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
            # The body was not JSON (or not UTF-8): JSON-RPC answers a parse error, id null.
            _error_reply(self.protocol, None, JsonRpcParseError(f"parse error: {error}"))
            return
        if source is FeatureRequestError:
            return  # the request was answered with the error
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"citelint lsp: {error}"))

    def show_error(self, message: str) -> None:
        """One line for the writer, shown once until the settings change."""
        if message not in self._shown:
            self._shown.add(message)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"citelint: {message}"))

    def publish(self, doc: OpenDocument, version, items: list) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=doc.uri, version=version, diagnostics=items))

    # -- linting ------------------------------------------------------------------------------------

    def lint(self, doc: OpenDocument, text: str, online):
        """(findings, settings) for one text of a draft; raises KNOWN_ERRORS."""
        settings = self.drafts.settings_for(doc)
        if settings is None:
            return [], None
        linter = self.drafts.linter(settings)
        return linter.lint_text(text, doc.kind, self.drafts.name_of(doc), online), settings

    def _diagnose(self, doc: OpenDocument, text: str, index, online):
        """In the worker: (findings, diagnostics, error message)."""
        try:
            findings, _ = self.lint(doc, text, online)
            return findings, diag.diagnostics(findings, index), None
        except KNOWN_ERRORS as exc:
            return [], [], str(exc)
        except Exception as exc:  # a bug: the writer hears of it, and the server stays up
            log.exception("internal error while checking %s", doc.uri)
            return [], [], f"internal error: {type(exc).__name__}: {exc}; please report this"

    def schedule(self, doc: OpenDocument) -> None:
        if doc.kind is None or doc.linting:
            return  # not a draft, or the running lint picks the new text up when it ends
        doc.linting = True
        task = asyncio.ensure_future(self._lint_until_current(doc))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _lint_until_current(self, doc: OpenDocument) -> None:
        """Lint the draft now; if it changed during the lint (a burst of
        changes), wait until the changes pause for `debounce` ms and lint the
        newest text. Diagnostics go out only for the text the editor still has."""
        loop = asyncio.get_running_loop()
        try:
            while not doc.closed:
                version, text, index, online, epoch = doc.version, doc.text, doc.index, doc.online, self.epoch
                findings, items, error = await loop.run_in_executor(
                    self.lint_pool, self._diagnose, doc, text, index, online)
                if doc.closed:
                    return
                if doc.text is text and doc.version == version and epoch == self.epoch:
                    doc.findings, doc.linted = findings, version
                    if error:
                        self.show_error(error)
                    self.publish(doc, version, items)
                    return
                while (wait := self.drafts.client.debounce / 1000 - (time.monotonic() - doc.changed)) > 0:
                    await asyncio.sleep(wait)
        finally:
            doc.linting = False

    def current(self, doc: OpenDocument):
        """(findings, settings) of the draft's text as it is now, linting it
        here if the worker has not yet."""
        if doc.linted is not None and doc.linted == doc.version:
            return doc.findings, self.drafts.settings_for(doc)
        findings, settings = self.lint(doc, doc.text, doc.online)
        doc.findings, doc.linted = findings, doc.version
        return findings, settings

    def relint_all(self) -> None:
        """The settings changed: every draft again (a lint under the old ones publishes nothing)."""
        self.epoch += 1
        self._shown.clear()
        for doc in self.drafts.docs.values():
            doc.linted = None
            self.schedule(doc)

    def apply_settings(self, raw) -> bool:
        """The editor's settings; a bad one is shown and the old ones stay."""
        try:
            new = parse_settings(raw)
            self.drafts.check_client(new)
        except ConfigError as exc:
            self._shown.discard(str(exc))
            self.show_error(str(exc))
            return False
        self.drafts.client = new
        self.drafts.forget_settings()
        self.relint_all()
        return True


def _open_doc(ls: CitelintServer, uri: str) -> OpenDocument:
    doc = ls.drafts.docs.get(uri)
    if doc is None:
        raise JsonRpcInvalidParams(f"{uri} is not open")
    return doc


def did_open(ls: CitelintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.schedule(ls.drafts.open(item.uri, item.text, item.version, item.language_id))


def did_change(ls: CitelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    doc = ls.drafts.docs.get(params.text_document.uri)
    if doc is None:
        return
    text, index = doc.text, doc.index
    for change in params.content_changes:
        if isinstance(change, lsp.TextDocumentContentChangePartial):
            r = change.range
            text = apply_change(index, (r.start.line, r.start.character), (r.end.line, r.end.character), change.text)
        else:
            text = change.text
        index = LineIndex(text, ls.drafts.encoding)
    doc.text, doc.version, doc.index = text, params.text_document.version, index
    doc.changed = time.monotonic()
    ls.schedule(doc)


def did_save(ls: CitelintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if is_config_file(uri_to_path(uri)):
        ls.drafts.forget_settings()
        ls.relint_all()
    elif uri in ls.drafts.docs:
        ls.schedule(ls.drafts.docs[uri])


def did_close(ls: CitelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    doc = ls.drafts.docs.get(params.text_document.uri)
    ls.drafts.close(params.text_document.uri)
    if doc is not None and doc.kind is not None:
        ls.publish(doc, None, [])  # its findings leave the problems list with it


def did_change_watched_files(ls: CitelintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    if any(is_config_file(uri_to_path(c.uri)) for c in params.changes):
        ls.drafts.forget_settings()
        ls.relint_all()


def did_change_folders(ls: CitelintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
    gone = {uri_to_path(f.uri) for f in params.event.removed}
    ls.drafts.folders = [f for f in ls.drafts.folders if f not in gone]
    ls.drafts.folders += [p for p in (uri_to_path(f.uri) for f in params.event.added) if p]
    ls.drafts.forget_settings()
    ls.relint_all()


async def did_change_configuration(ls: CitelintServer, params: lsp.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if not settings and _can_pull(ls):  # a bare notification: the settings are to be asked for
        settings = await _pull(ls)
    if settings:  # none at all: those in force stay (the initialization options among them)
        ls.apply_settings(settings)


def _can_pull(ls: CitelintServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.configuration)


async def _pull(ls: CitelintServer):
    """The `citelint` section of the editor's settings, asked for (None: it has none)."""
    try:
        got = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="citelint")]))
    except Exception as exc:  # the editor could not say: keep what is in force
        log.warning("workspace/configuration failed: %s", exc)
        return None
    return got[0] if got and got[0] else None


def initialize(ls: CitelintServer, params: lsp.InitializeParams) -> None:
    caps = params.capabilities
    encoding = ServerCapabilitiesBuilder.choose_position_encoding(caps)
    ls.drafts.encoding = str(getattr(encoding, "value", encoding))
    ws = caps.workspace
    ls.document_changes = bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)
    folders = [uri_to_path(f.uri) for f in params.workspace_folders or ()]
    if not folders and params.root_uri:
        folders = [uri_to_path(params.root_uri)]
    elif not folders and params.root_path:
        folders = [params.root_path]
    ls.drafts.folders = [f for f in folders if f]
    if params.initialization_options is not None:
        ls.apply_settings(params.initialization_options)


async def initialized(ls: CitelintServer, params: lsp.InitializedParams) -> None:
    ws = ls.client_capabilities.workspace
    watched = ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration
    if watched:  # configuration files changed outside the editor are read again
        options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[lsp.FileSystemWatcher(glob_pattern=CONFIG_GLOB)])
        ls.client_register_capability(lsp.RegistrationParams(registrations=[lsp.Registration(
            id="citelint-config-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
    if _can_pull(ls):
        settings = await _pull(ls)
        if settings is not None:
            ls.apply_settings(settings)


def hover(ls: CitelintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc = _open_doc(ls, params.text_document.uri)
    if doc.kind is None:
        return None
    try:
        findings, settings = ls.current(doc)
    except KNOWN_ERRORS:
        return None  # shown with the diagnostics
    offset = doc.index.offset(params.position.line, params.position.character)
    rules = {r.code: r for r in ls.drafts.linter(settings).known} if settings is not None else {}
    return diag.hover(diag.at(findings, offset), rules, doc.index)


def code_action(ls: CitelintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    doc = _open_doc(ls, params.text_document.uri)
    if doc.kind is None:
        return None
    try:
        findings, settings = ls.current(doc)
    except KNOWN_ERRORS:
        return None
    if settings is None:
        return []
    target = actions.Target(doc.uri, doc.version, doc.index, doc.kind, ls.document_changes)
    r, only = params.range, params.context.only
    a = doc.index.offset(r.start.line, r.start.character)
    b = doc.index.offset(r.end.line, r.end.character)
    out: list[lsp.CodeAction] = []
    name = ls.drafts.name_of(doc)
    if actions.wanted(actions.QUICKFIX, only):
        here = [f for f in findings if f.start <= b and f.end >= a]
        out += [act for act in (actions.quick_fix(target, f) for f in here if f.fix is not None) if act is not None]
        for f in {f.code: f for f in reversed(here)}.values():
            act = actions.disable_here(target, f, name)
            if act is not None:
                out.append(act)
    if actions.wanted(actions.FIX_ALL, only) and any(f.fix is not None for f in findings):
        unsafe = bool(settings.unsafe_fixes)
        fixed = ls.drafts.linter(settings).fix_text(doc.text, doc.kind, name, unsafe=unsafe, online=doc.online).text
        act = actions.fix_all(target, fixed, unsafe)
        if act is not None:
            out.append(act)
    return out


async def verify_sources(ls: CitelintServer, *args):
    """Run the online checks for one draft (argument: its URI, or {"uri": …})
    and publish its diagnostics with the NET findings among them."""
    arg = args[0] if len(args) == 1 else None
    uri = arg.get("uri") if isinstance(arg, dict) else arg
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams(f"{VERIFY} takes one argument: the URI of an open document")
    doc = _open_doc(ls, uri)
    if doc.kind is None:
        raise JsonRpcInvalidParams(f"{uri} is not a draft citelint reads")
    loop = asyncio.get_running_loop()
    try:
        settings = ls.drafts.settings_for(doc)
        if settings is None:
            return {"uri": uri, "links": 0, "findings": 0}
        text, version, index, epoch = doc.text, doc.version, doc.index, ls.epoch
        state = await loop.run_in_executor(ls.online_pool, verify_links, ls.drafts.name_of(doc), settings, text,
                                           doc.kind)
    except KNOWN_ERRORS as exc:
        raise JsonRpcException(str(exc), code=lsp.LSPErrorCodes.RequestFailed.value) from None
    doc.online = state
    findings, items, error = await loop.run_in_executor(ls.lint_pool, ls._diagnose, doc, text, index, state)
    if doc.version == version and epoch == ls.epoch and not doc.closed:
        doc.findings, doc.linted = findings, version
        if error:
            ls.show_error(error)
        ls.publish(doc, version, items)
    else:
        ls.schedule(doc)
    net = [f for f in findings if f.code.startswith("NET")]
    return {"uri": uri, "links": len(state.results) if state is not None else 0, "findings": len(net)}


def build() -> CitelintServer:
    ls = CitelintServer()
    ls.feature(lsp.INITIALIZE)(initialize)
    ls.feature(lsp.INITIALIZED)(initialized)
    ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)(did_save)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
    ls.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
    ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, actions.FIX_ALL]))(code_action)
    ls.command(VERIFY)(verify_sources)
    return ls


class _OneLine(logging.Filter):
    """pygls logs a bad message with its traceback; the editor's log gets one
    line (the client was answered), unless CITELINT_DEBUG asks for more."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("pygls"):
            lines = record.getMessage().splitlines()
            record.msg, record.args, record.exc_info, record.exc_text = lines[0] if lines else "", (), None, None
        return True


def serve() -> int:
    """Run the server on standard input and output until the editor exits it."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="citelint lsp: %(levelname)s: %(message)s")
    if not os.environ.get("CITELINT_DEBUG"):
        for handler in logging.getLogger().handlers:
            handler.addFilter(_OneLine())
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # the protocol owns standard output: a stray print must not corrupt it
    server = build()
    try:
        server.start_io(stdin, stdout)
    finally:
        server.lint_pool.shutdown(wait=False, cancel_futures=True)
        server.online_pool.shutdown(wait=False, cancel_futures=True)
    # As the protocol asks: 0 after a `shutdown` request, 1 when the editor just went away.
    return 0 if server.protocol._shutdown else 1
