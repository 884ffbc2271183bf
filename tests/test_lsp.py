"""`citelint lsp`: the real server in a subprocess, driven by a small real LSP
client over stdio (JSON-RPC with Content-Length framing). The client keeps its
own copy of each document and converts positions with its own UTF-16 code, so
the server's ranges are checked against an independent implementation."""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="citelint lsp needs pygls: pip install '.[lsp]' (the test extra has it)")

import citelint  # noqa: E402
from citelint.config import Settings  # noqa: E402
from citelint.lsp.positions import UTF8, UTF32, LineIndex, apply_change  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SEED = (DATA / "seed-draft.txt").read_text(encoding="utf-8")
EXPECTED = (DATA / "seed-draft.expected.txt").read_text(encoding="utf-8")
MARKER = ":contentReference[oaicite:0]{index=0}"
TIMEOUT = 60


# -- the client's own position arithmetic (independent of citelint.lsp.positions) ---------------

def lines_of(text: str) -> list[str]:
    """Lines with their breaks, as LSP counts them (\\n, \\r\\n, \\r only)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text) or [""]


def to_pos(text: str, offset: int) -> dict:
    before = text[:offset]
    lines = lines_of(before) if before else [""]
    if before.endswith(("\n", "\r")):
        lines.append("")
    last = lines[-1]
    return {"line": len(lines) - 1, "character": len(last.encode("utf-16-le")) // 2}


def to_offset(text: str, pos: dict) -> int:
    lines = lines_of(text)
    if text.endswith(("\n", "\r")):
        lines.append("")
    if pos["line"] >= len(lines):
        return len(text)
    start = sum(len(x) for x in lines[:pos["line"]])
    content = lines[pos["line"]].rstrip("\r\n")
    units = content.encode("utf-16-le")[:pos["character"] * 2]
    return start + len(units.decode("utf-16-le", "ignore"))


def apply_edits(text: str, edits: list[dict]) -> str:
    spans = sorted(((to_offset(text, e["range"]["start"]), to_offset(text, e["range"]["end"]), e["newText"])
                    for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


# -- the client ------------------------------------------------------------------------------------

class Client:
    """A minimal editor: framed JSON-RPC over the server's stdin and stdout,
    answers to the server's own requests, and a copy of each open document."""

    def __init__(self, cwd: Path, env: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "citelint", "lsp"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
        self.next_id = 0
        self.responses: dict = {}
        self.null_responses: list[dict] = []
        self.notes: list[dict] = []        # notifications from the server, in order
        self.server_requests: list[dict] = []
        self.settings: dict = {}           # what workspace/configuration answers
        self.docs: dict[str, list] = {}    # uri -> [text, version]
        self.cond = threading.Condition()
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        self.stderr = self.proc.stderr.read()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            msg = json.loads(out.read(length))
            if "method" in msg and "id" in msg:
                self._answer(msg)
            with self.cond:
                if "method" in msg and "id" in msg:
                    self.server_requests.append(msg)
                elif msg.get("id", 0) is None:
                    self.null_responses.append(msg)  # an error answering no request in particular
                elif "id" in msg:
                    self.responses[msg["id"]] = msg
                else:
                    self.notes.append(msg)
                self.cond.notify_all()

    def _answer(self, msg):
        result = None
        if msg["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section")) for item in msg["params"]["items"]]
        try:
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
        except (OSError, ValueError):
            pass  # the test closed the server's input

    def send_bytes(self, body: bytes):
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send(self, msg: dict):
        self.send_bytes(json.dumps(msg).encode("utf-8"))

    def request(self, method: str, params=None) -> dict:
        """The whole response: {"result": …} or {"error": …}."""
        self.next_id += 1
        msg_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.wait_response(msg_id)

    def wait_response(self, msg_id):
        with self.cond:
            assert self.cond.wait_for(lambda: msg_id in self.responses, TIMEOUT), f"no answer to {msg_id}"
            return self.responses.pop(msg_id)

    def notify(self, method: str, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_note(self, method: str, pred=lambda p: True, after: int = 0) -> dict:
        """The first notification `method` (from index `after` on) whose params pass `pred`."""
        def find():
            return next((n["params"] for n in self.notes[after:] if n["method"] == method and pred(n["params"])),
                        None)
        with self.cond:
            assert self.cond.wait_for(lambda: find() is not None, TIMEOUT), (method, self.notes[-5:])
            return find()

    def wait_server_request(self, method: str) -> dict:
        with self.cond:
            assert self.cond.wait_for(lambda: any(r["method"] == method for r in self.server_requests), TIMEOUT)
            return next(r for r in self.server_requests if r["method"] == method)

    # -- an editor's moves --

    def initialize(self, root: Path | None = None, options=None, capabilities=None) -> dict:
        caps = capabilities if capabilities is not None else {
            "workspace": {"workspaceEdit": {"documentChanges": True}, "configuration": True,
                          "didChangeWatchedFiles": {"dynamicRegistration": True}},
            "textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        params = {"processId": os.getpid(), "capabilities": caps, "initializationOptions": options,
                  "rootUri": root.as_uri() if root else None,
                  "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}] if root else None}
        result = self.request("initialize", params)["result"]
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language: str = "plaintext") -> dict:
        self.docs[uri] = [text, 1]
        mark = len(self.notes)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                                                              "text": text}})
        return self.diagnostics(uri, 1, mark)

    def diagnostics(self, uri: str, version: int, after: int = 0) -> list[dict]:
        return self.wait_note("textDocument/publishDiagnostics",
                              lambda p: p["uri"] == uri and p.get("version") == version, after)["diagnostics"]

    def change(self, uri: str, edits: list[tuple[int, int, str]]) -> list[dict]:
        """Replace text[a:b] with each new text (offsets into the current text,
        applied right to left) as one incremental didChange; the new diagnostics."""
        text, version = self.docs[uri]
        changes = []
        for a, b, new in sorted(edits, reverse=True):
            changes.append({"range": {"start": to_pos(text, a), "end": to_pos(text, b)}, "text": new})
            text = text[:a] + new + text[b:]
        return self._changed(uri, text, changes)

    def _changed(self, uri, text, changes):
        version = self.docs[uri][1] + 1
        self.docs[uri] = [text, version]
        mark = len(self.notes)
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": changes})
        return self.diagnostics(uri, version, mark)

    def apply(self, edit: dict) -> list[dict]:
        """Apply a WorkspaceEdit as an editor does, then tell the server (incremental changes)."""
        (uri, edits), = ([(dc["textDocument"]["uri"], dc["edits"]) for dc in edit["documentChanges"]]
                         if "documentChanges" in edit else edit["changes"].items())
        if "documentChanges" in edit:
            assert edit["documentChanges"][0]["textDocument"]["version"] == self.docs[uri][1]
        text = self.docs[uri][0]
        changes = [{"range": e["range"], "text": e["newText"]}
                   for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                                   reverse=True)]
        return self._changed(uri, apply_edits(text, edits), changes)

    def actions(self, uri: str, start: int = 0, end: int | None = None, only=None) -> list[dict]:
        text = self.docs[uri][0]
        end = len(text) if end is None else end
        params = {"textDocument": {"uri": uri}, "range": {"start": to_pos(text, start), "end": to_pos(text, end)},
                  "context": {"diagnostics": [], **({"only": only} if only else {})}}
        return self.request("textDocument/codeAction", params)["result"]

    def close(self) -> int:
        if self.proc.poll() is None:
            self.request("shutdown")
            self.notify("exit")
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                stream.close()


@pytest.fixture
def client(tmp_path):
    c = Client(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    yield c
    if c.proc.poll() is None:
        c.proc.kill()
        c.proc.wait()


def expected_ranges(text: str, findings) -> list[tuple]:
    return sorted((f.code, to_pos(text, f.start)["line"], to_pos(text, f.start)["character"],
                   to_pos(text, f.end)["line"], to_pos(text, f.end)["character"]) for f in findings)


def got_ranges(diags: list[dict]) -> list[tuple]:
    return sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
                   d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in diags)


# -- positions ------------------------------------------------------------------------------------

def test_line_index_counts_utf16_units_and_lsp_line_breaks():
    text = "a😀b\r\n𝒳 x\rc\u2028d\n\n"
    idx = LineIndex(text)
    assert idx.starts == [0, 5, 9, 13, 14]     # \r\n, a lone \r and \n break lines; U+2028 does not
    assert idx.position(text.index("b")) == (0, 3)      # 😀 is two UTF-16 units
    assert idx.position(text.index("x")) == (1, 3)      # 𝒳 too
    assert idx.position(text.index("d")) == (2, 2)      # U+2028 is one unit inside line 2
    assert idx.position(len(text)) == (4, 0)
    assert idx.position(text.index("\r")) == (0, 4) == idx.position(text.index("\n"))  # inside CRLF: line end
    assert idx.offset(0, 3) == text.index("b")
    assert idx.offset(0, 2) == text.index("😀") + 1     # half a surrogate pair: the end of that character
    assert idx.offset(0, 99) == text.index("\r")        # past the line's end: its end
    assert idx.offset(99, 0) == len(text)               # past the last line: the text's end
    assert LineIndex(text, UTF32).position(text.index("b")) == (0, 2)
    assert LineIndex(text, UTF8).position(text.index("b")) == (0, 5)
    assert LineIndex(text, UTF8).offset(1, 4) == text.index(" x")      # 𝒳 is four UTF-8 bytes


def test_line_index_round_trips_against_the_clients_own_arithmetic():
    rng = random.Random(17)
    alphabet = ["a", " ", "\n", "\r\n", "\r", "é", "’", "😀", "𝒳", "\u2028", "\x0c", "中"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        idx = LineIndex(text)
        for offset in range(len(text) + 1):
            if text[offset - 1:offset + 1] == "\r\n":
                continue  # inside a line break: not a position
            line, char = idx.position(offset)
            assert {"line": line, "character": char} == to_pos(text, offset), (text, offset)
            assert idx.offset(line, char) == offset == to_offset(text, {"line": line, "character": char})


def test_apply_change_replaces_a_range_given_in_utf16_positions():
    text = "😀 one\r\ntwo 𝒳 three"
    idx = LineIndex(text)
    assert apply_change(idx, (0, 3), (1, 3), "ONE\r\nTWO") == "😀 ONE\r\nTWO 𝒳 three"
    assert apply_change(idx, (1, 6), (1, 7), "") == "😀 one\r\ntwo 𝒳three"
    assert apply_change(idx, (5, 0), (5, 0), "!") == text + "!"


# -- diagnostics ----------------------------------------------------------------------------------

def test_initialize_advertises_incremental_sync_actions_hover_and_the_command(client, tmp_path):
    caps = client.initialize(tmp_path)["capabilities"]
    assert caps["textDocumentSync"]["change"] == 2          # incremental
    assert caps["hoverProvider"]
    assert set(caps["codeActionProvider"]["codeActionKinds"]) == {"quickfix", "source.fixAll.citelint"}
    assert caps["executeCommandProvider"]["commands"] == ["citelint.verifySources"]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"
    assert caps["textDocumentSync"]["openClose"] and "save" in caps["textDocumentSync"]
    assert client.close() == 0


def test_utf8_positions_when_the_editor_offers_them(client, tmp_path):
    caps = client.initialize(tmp_path, capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
    assert caps["capabilities"]["positionEncoding"] == "utf-8"
    text = f"Le 𝒳 café{MARKER}.\n"
    (d,) = client.open((tmp_path / "utf8.md").as_uri(), text, "markdown")
    start = len(text[:text.index(MARKER)].encode("utf-8"))       # 𝒳 is four bytes, é two
    assert d["range"] == {"start": {"line": 0, "character": start}, "end": {"line": 0, "character": start + 37}}


def test_seed_draft_diagnostics_match_the_cli(client, tmp_path):
    client.initialize(tmp_path, options={"isolated": True})
    path = tmp_path / "seed-draft.txt"
    path.write_text(SEED, encoding="utf-8")
    diags = client.open(path.as_uri(), SEED)
    findings = citelint.check_text(SEED, path=str(path))
    assert got_ranges(diags) == expected_ranges(SEED, findings)
    codes = {(d["code"], d["range"]["start"]["line"] + 1) for d in diags}
    assert {("CHP002", 1), ("CHP002", 3), ("CHP009", 5), ("CHP006", 7), ("SOC005", 11)} <= codes
    d = diags[0]
    assert d["source"] == "citelint" and d["severity"] in (1, 2, 3)
    assert d["codeDescription"]["href"] == f"https://citelint.github.io/citelint/rules/{d['code']}/"
    assert client.close() == 0


def test_ranges_count_utf16_units_with_astral_characters_and_crlf(client, tmp_path):
    client.initialize(tmp_path)
    text = f"# Title 😀\r\n\r\nThe 𝒳 index 🎉 rose{MARKER}.\r\nNext line 👍🏽 too{MARKER}\r\n"
    uri = (tmp_path / "emoji.md").as_uri()
    diags = client.open(uri, text, "markdown")
    ast = sorted((d for d in diags if d["code"] == "AST001"), key=lambda d: d["range"]["start"]["line"])
    assert len(ast) == 2
    # "The 𝒳 index 🎉 rose": 18 code points, 20 UTF-16 units; the marker is 37 long.
    assert ast[0]["range"] == {"start": {"line": 2, "character": 20}, "end": {"line": 2, "character": 57}}
    # "Next line 👍🏽 too": the thumb and its skin tone are two astral characters (4 units).
    assert ast[1]["range"] == {"start": {"line": 3, "character": 18}, "end": {"line": 3, "character": 55}}
    assert got_ranges(diags) == expected_ranges(text, citelint.check_text(text, kind="markdown"))


def test_incremental_changes_update_the_diagnostics(client, tmp_path):
    client.initialize(tmp_path)
    uri = (tmp_path / "story.md").as_uri()
    text = f"Prices rose 😀 sharply{MARKER}.\r\n\r\nWages fell.\r\n"
    diags = client.open(uri, text, "markdown")
    assert [d["code"] for d in diags] == ["AST001"]
    # Typing before the marker moves it: 𝒳 is two units more on the same line.
    diags = client.change(uri, [(0, 0, "𝒳 ")])
    text = client.docs[uri][0]
    assert got_ranges(diags) == expected_ranges(text, citelint.check_text(text, kind="markdown"))
    assert diags[0]["range"]["start"]["character"] == 25    # "𝒳 Prices rose 😀 sharply": 23 code points
    # Debris pasted into the second paragraph, and the first marker deleted, in one message.
    at = text.index("Wages fell") + len("Wages fell")
    start = text.index(MARKER)
    diags = client.change(uri, [(at, at, " citeturn0search0"), (start, start + len(MARKER), "")])
    text = client.docs[uri][0]
    assert MARKER not in text and "citeturn0search0" in text
    assert [d["range"]["start"]["line"] for d in diags] == [2]
    assert got_ranges(diags) == expected_ranges(text, citelint.check_text(text, kind="markdown"))
    # A full-text change (no range) is taken too.
    version = client.docs[uri][1] + 1
    client.docs[uri] = ["Clean now.\n", version]
    mark = len(client.notes)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": "Clean now.\n"}]})
    assert client.diagnostics(uri, version, mark) == []


def test_a_burst_of_changes_ends_with_the_diagnostics_of_the_last_text(client, tmp_path):
    client.initialize(tmp_path)
    uri = (tmp_path / "burst.txt").as_uri()
    client.open(uri, "Start.\n")
    text, version = client.docs[uri]
    mark = len(client.notes)
    for i in range(40):  # sent without waiting, as a fast typist's editor does
        version += 1
        new = f" word{i}" + (MARKER if i % 2 else "")
        pos = text.index(".")
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": to_pos(text, pos), "end": to_pos(text, pos)}, "text": new}]})
        text = text[:pos] + new + text[pos:]
    client.docs[uri] = [text, version]
    diags = client.diagnostics(uri, version, mark)
    assert len(diags) == 20 and got_ranges(diags) == expected_ranges(text, citelint.check_text(text))
    published = [n["params"]["version"] for n in client.notes[mark:] if n["method"] == "textDocument/publishDiagnostics"]
    assert published == sorted(published) and len(published) <= 40   # never an older text after a newer one


# -- code actions ---------------------------------------------------------------------------------

def open_seed(client, tmp_path, options=None):
    client.initialize(tmp_path, options={"isolated": True, **(options or {})})
    uri = (tmp_path / "seed-draft.txt").as_uri()
    client.open(uri, SEED)
    return uri


def test_quick_fixes_one_by_one_give_the_editors_version(client, tmp_path):
    uri = open_seed(client, tmp_path)
    applied = []
    for _ in range(30):
        found = [a for a in client.actions(uri, only=["quickfix"]) if "edit" in a]
        if not found:
            break
        act = found[0]
        assert act["kind"] == "quickfix" and act["diagnostics"][0]["code"] in act["title"]
        safe = act.get("isPreferred", False)
        assert safe == ("unsafe" not in act["title"])
        applied.append((act["diagnostics"][0]["code"], safe))
        client.apply(act["edit"])
    assert client.docs[uri][0] == EXPECTED
    assert ("CHP002", True) in applied and ("CHP006", False) in applied and ("SOC005", False) in applied
    assert client.close() == 0


def test_quick_fixes_are_offered_for_the_findings_in_the_range_only(client, tmp_path):
    uri = open_seed(client, tmp_path)
    line5 = SEED.index("W. Dawn Page")
    acts = client.actions(uri, line5, line5)
    fixes = [a for a in acts if a["kind"] == "quickfix"]
    assert [a["diagnostics"][0]["code"] for a in fixes] == ["CHP009"]
    assert "unsafe" in fixes[0]["title"] and not fixes[0].get("isPreferred")
    assert not [a for a in acts if a["kind"] == "quickfix" and "disable" in a["title"]]  # plain text: no comments


def test_fix_all_applies_safe_fixes_and_unsafe_ones_once_the_settings_allow(client, tmp_path):
    uri = open_seed(client, tmp_path)
    (act,) = client.actions(uri, only=["source.fixAll"])
    assert act["kind"] == "source.fixAll.citelint" and "safe" in act["title"]
    client.apply(act["edit"])
    assert client.docs[uri][0] == citelint.fix_text(SEED, settings=Settings()).text != SEED
    # workspace/didChangeConfiguration: unsafe fixes on (the section as VS Code sends it).
    mark = len(client.notes)
    client.notify("workspace/didChangeConfiguration", {"settings": {"citelint": {"unsafeFixes": True}}})
    client.diagnostics(uri, client.docs[uri][1], mark)
    (act,) = client.actions(uri, only=["source.fixAll.citelint"])
    assert "unsafe" in act["title"]
    diags = client.apply(act["edit"])
    assert client.docs[uri][0] == EXPECTED
    assert not [d for d in diags if d["data"]["fixable"]]
    assert client.actions(uri, only=["source.fixAll"]) == []     # nothing left to fix


def test_fix_all_edits_only_the_changed_lines(client, tmp_path):
    uri = open_seed(client, tmp_path)
    (act,) = client.actions(uri, only=["source"])
    edits = act["edit"]["documentChanges"][0]["edits"]
    assert len(edits) == 2                      # the chips on lines 1 and 3 (and the "+2" line)
    assert all(len(e["newText"]) < 5 for e in edits)


def test_edits_go_as_plain_changes_to_a_client_without_versioned_edits(client, tmp_path):
    client.initialize(tmp_path, capabilities={})
    uri = (tmp_path / "plain.md").as_uri()
    client.open(uri, f"Prices rose{MARKER}.\n", "markdown")
    (act,) = [a for a in client.actions(uri) if a["kind"] == "quickfix" and "edit" in a and "disable" not in a["title"]]
    assert set(act["edit"]) == {"changes"}
    client.apply(act["edit"])
    assert client.docs[uri][0] == "Prices rose.\n"


def disable_action(client, uri, offset, code):
    acts = client.actions(uri, offset, offset, only=["quickfix"])
    (act,) = [a for a in acts if "disable" in a["title"] and a["diagnostics"][0]["code"] == code]
    return act


def rendered(markdown_text: str) -> str:
    """The Markdown as HTML (markdown-it-py, CommonMark), comments left out."""
    from markdown_it import MarkdownIt
    return re.sub(r"<!--.*?-->\n?", "", MarkdownIt("commonmark").render(markdown_text))


def test_disable_here_puts_an_ignore_comment_above_the_paragraph(client, tmp_path):
    client.initialize(tmp_path)
    uri = (tmp_path / "story.md").as_uri()
    text = (f"# Budget\n\nPrices rose{MARKER} and more.\nA second line.\n\n> Quoted{MARKER}\n\n- one\n\n"
            f"- two{MARKER}\n\nLast{MARKER} with [link](https://example.com/a?utm_source=chatgpt.com).\n")
    diags = client.open(uri, text, "markdown")
    assert len(diags) == 5
    # A paragraph: a comment line above it, as an editor writes one by hand.
    act = disable_action(client, uri, text.index(MARKER), "AST001")
    diags = client.apply(act["edit"])
    new = client.docs[uri][0]
    assert "\n\n<!-- citelint: ignore=AST001 -->\nPrices rose" in new
    assert len(diags) == 4 and rendered(new) == rendered(text)
    # In a blockquote: the comment inside it.
    act = disable_action(client, uri, new.index(MARKER, new.index("Quoted")), "AST001")
    diags = client.apply(act["edit"])
    assert "\n\n> <!-- citelint: ignore=AST001 -->\n> Quoted" in client.docs[uri][0]
    # A list item after a blank line: at the end of the item before, so the list stays one list.
    new = client.docs[uri][0]
    act = disable_action(client, uri, new.index(MARKER, new.index("two")), "AST001")
    diags = client.apply(act["edit"])
    new = client.docs[uri][0]
    assert "- one<!-- citelint: ignore=AST001 -->\n\n- two" in new
    assert len(diags) == 2 and rendered(new) == rendered(text)
    # A second rule in the same paragraph joins the comment already there.
    act = disable_action(client, uri, new.index(MARKER, new.index("Last")), "AST001")
    client.apply(act["edit"])
    new = client.docs[uri][0]
    act = disable_action(client, uri, new.index("utm_source"), "TRK001")
    diags = client.apply(act["edit"])
    new = client.docs[uri][0]
    assert "<!-- citelint: ignore=AST001,TRK001 -->\nLast" in new
    assert diags == [] and rendered(new) == rendered(text)


def test_disable_here_in_html_goes_before_the_finding_or_its_tag(client, tmp_path):
    client.initialize(tmp_path)
    uri = (tmp_path / "page.html").as_uri()
    text = (f"<html><body><p>One{MARKER}.</p><p>Two{MARKER}.</p>\n"
            f"<p>See <a href=\"https://x.example/a?utm_source=chatgpt.com\">x</a>.</p></body></html>\n")
    assert len(client.open(uri, text, "html")) == 3
    act = disable_action(client, uri, text.index(MARKER), "AST001")
    diags = client.apply(act["edit"])
    assert f"<p>One<!-- citelint: ignore=AST001 -->{MARKER}.</p><p>Two{MARKER}" in client.docs[uri][0]
    assert sorted(d["code"] for d in diags) == ["AST001", "TRK001"]
    new = client.docs[uri][0]
    act = disable_action(client, uri, new.index("utm_source"), "TRK001")
    diags = client.apply(act["edit"])
    assert '<p>See <!-- citelint: ignore=TRK001 --><a href="https://x.example' in client.docs[uri][0]
    assert [d["code"] for d in diags] == ["AST001"]


# -- hover, settings, configuration ---------------------------------------------------------------

def test_hover_shows_the_rules_documentation(client, tmp_path):
    uri = open_seed(client, tmp_path)
    at = SEED.index("W. Dawn Page") + 3
    result = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": to_pos(SEED, at)})
    hover = result["result"]
    assert hover["contents"]["kind"] == "markdown"
    value = hover["contents"]["value"]
    assert value.startswith("**CHP009**") and "## What it finds" in value and "## Fix safety" in value
    assert "\\`W. Dawn Page\\`" in value                  # the draft's words, escaped for Markdown
    (crumb,) = [f for f in citelint.check_text(SEED) if f.code == "CHP009"]
    assert hover["range"] == {"start": to_pos(SEED, crumb.start), "end": to_pos(SEED, crumb.end)}
    nothing = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 3}})
    assert nothing["result"] is None


def test_configuration_changes_select_ignore_and_are_checked(client, tmp_path):
    uri = open_seed(client, tmp_path)
    version = client.docs[uri][1]
    mark = len(client.notes)
    client.notify("workspace/didChangeConfiguration", {"settings": {"citelint": {"ignore": ["CHP"]}}})
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
    assert diags and not [d for d in diags if d["code"].startswith("CHP")]
    mark = len(client.notes)
    client.notify("workspace/didChangeConfiguration", {"settings": {"select": ["SOC004"]}})  # no section: also taken
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
    assert [d["code"] for d in diags] == ["SOC004"]
    # A bad setting: one clear message naming it, and the settings in force stay.
    for bad, says in (({"select": ["NOPE9"]}, "unknown rule code or prefix 'NOPE9' in `select`"),
                      ({"unsafeFixes": "yes"}, "`unsafeFixes` must be true or false"),
                      ({"selct": ["AST"]}, "unknown key(s): selct")):
        mark = len(client.notes)
        client.notify("workspace/didChangeConfiguration", {"settings": {"citelint": bad}})
        msg = client.wait_note("window/showMessage", lambda p: True, mark)
        assert msg["type"] == 1 and msg["message"] == f"citelint: editor settings: {says}"
    diags = client.change(uri, [(0, 0, "")])
    assert [d["code"] for d in diags] == ["SOC004"] and version < client.docs[uri][1]


def test_settings_are_pulled_when_the_editor_sends_none(client, tmp_path):
    client.settings = {"citelint": {"ignore": ["SOC", "CHP"]}}
    uri = open_seed(client, tmp_path)
    mark = len(client.notes)
    client.notify("workspace/didChangeConfiguration", {"settings": None})
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
    assert diags == []
    assert client.wait_server_request("workspace/configuration")


def test_configuration_files_are_found_from_the_drafts_folder_and_read_again(client, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    config = desk / "citelint.toml"
    config.write_text('ignore = ["SOC"]\n', encoding="utf-8")
    client.initialize(tmp_path)
    reg = client.wait_server_request("client/registerCapability")["params"]["registrations"][0]
    assert reg["method"] == "workspace/didChangeWatchedFiles"
    uri = (desk / "seed.txt").as_uri()
    diags = client.open(uri, SEED)
    assert diags and not [d for d in diags if d["code"].startswith("SOC")]
    config.write_text('ignore = ["SOC", "CHP"]\n', encoding="utf-8")
    mark = len(client.notes)
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
    assert diags == []
    # A broken configuration: its error, naming the file, once; no diagnostics for the draft.
    config.write_text('ignore = "SOC"\n', encoding="utf-8")
    mark = len(client.notes)
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    msg = client.wait_note("window/showMessage", lambda p: True, mark)
    assert msg["message"] == f"citelint: {config}: `ignore` must be a list of rule codes or prefixes (none empty)"
    # An excluded draft gets no diagnostics, as `--force-exclude` gives none.
    config.write_text('exclude = ["wire/*"]\n', encoding="utf-8")
    (desk / "wire").mkdir()
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    assert client.open((desk / "wire" / "copy.txt").as_uri(), SEED) == []
    # A configuration file saved in the editor is read again too.
    config.write_text('ignore = ["SOC", "CHP"]\n', encoding="utf-8")
    mark = len(client.notes)
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
    assert diags == []
    # An unsaved buffer takes the workspace folder's settings (a severity changed there too);
    # a draft of another language is not read.
    (tmp_path / "citelint.toml").write_text('select = ["AST"]\n[severity]\nAST001 = "info"\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": (tmp_path / "citelint.toml").as_uri(),
                                                                   "type": 1}]})
    diags = client.open("untitled:Untitled-1", SEED + f"\nAnd{MARKER}.\n")
    assert [(d["code"], d["severity"]) for d in diags] == [("AST001", 3)]
    # The workspace folder changes: the unsaved buffer takes the new folder's settings.
    other = tmp_path / "other"
    other.mkdir()
    (other / "citelint.toml").write_text('select = ["AST"]\n', encoding="utf-8")
    mark = len(client.notes)
    client.notify("workspace/didChangeWorkspaceFolders", {"event": {
        "added": [{"uri": other.as_uri(), "name": "other"}], "removed": [{"uri": tmp_path.as_uri(), "name": "t"}]}})
    diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == "untitled:Untitled-1",
                             mark)["diagnostics"]
    assert [(d["code"], d["severity"]) for d in diags] == [("AST001", 1)]
    mark = len(client.notes)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": (tmp_path / "x.py").as_uri(), "languageId": "python",
                                                            "version": 1, "text": f"# {MARKER}\n"}})
    hover = client.request("textDocument/hover", {"textDocument": {"uri": (tmp_path / "x.py").as_uri()},
                                                  "position": {"line": 0, "character": 5}})
    assert hover["result"] is None
    assert not [n for n in client.notes[mark:] if n["params"].get("uri", "").endswith("x.py")]


# -- bad messages ---------------------------------------------------------------------------------

def test_bad_messages_get_lsp_errors_and_the_server_stays_up(client, tmp_path):
    uri = open_seed(client, tmp_path)
    unknown = client.request("citelint/noSuchMethod", {})
    assert unknown["error"]["code"] == -32601
    no_position = client.request("textDocument/hover", {"textDocument": {"uri": uri}})
    assert no_position["error"]["code"] == -32602
    negative = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}})
    assert negative["error"]["code"] == -32602
    not_open = client.request("textDocument/codeAction", {"textDocument": {"uri": "file:///nowhere.md"},
                              "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                              "context": {"diagnostics": []}})
    assert not_open["error"]["code"] == -32602 and "not open" in not_open["error"]["message"]
    bad_command = client.request("workspace/executeCommand", {"command": "citelint.verifySources", "arguments": [42]})
    assert bad_command["error"]["code"] == -32602
    # Not JSON at all, and JSON that is not JSON-RPC: answered with id null.
    client.send_bytes(b"{this is not json")
    client.send_bytes(json.dumps({"id": 99, "method": "textDocument/hover"}).encode())
    client.send_bytes(b"[1, 2, 3]")
    with client.cond:
        assert client.cond.wait_for(lambda: len(client.null_responses) == 2 and 99 in client.responses, TIMEOUT)
    assert [r["error"]["code"] for r in client.null_responses] == [-32700, -32600]
    assert client.responses.pop(99)["error"]["code"] == -32600
    # Notifications with bad params and for unknown methods are dropped; the server carries on.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri}})
    client.notify("citelint/unknownNotification", {"x": 1})
    client.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never-opened.txt", "version": 2},
                                             "contentChanges": [{"text": "x"}]})
    diags = client.change(uri, [(0, 0, f"Now{MARKER}. ")])
    assert "AST001" in {d["code"] for d in diags}
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}})
    assert hover["result"]["contents"]["value"].startswith("**AST001**")
    assert client.close() == 0
    assert b"Traceback" not in client.stderr and b"internal error" not in client.stderr


def test_exit_without_shutdown_exits_1_and_closing_stdin_ends_the_server(tmp_path):
    c = Client(tmp_path)
    c.initialize(tmp_path)
    c.notify("exit")
    assert c.proc.wait(timeout=TIMEOUT) == 1
    c = Client(tmp_path)
    c.initialize(tmp_path)
    c.proc.stdin.close()
    assert c.proc.wait(timeout=TIMEOUT) in (0, 1)


def test_without_pygls_the_command_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['pygls'] = None; from citelint.cli import main; sys.exit(main(['lsp']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 2
    assert run.stderr == "citelint: error: `citelint lsp` needs pygls: pip install 'citelint-news[lsp]'\n"


# -- online checks on demand ----------------------------------------------------------------------

def test_verify_sources_runs_the_online_checks_with_their_guard(client, tmp_path):
    from test_online_support import FILLER, Site, fake_archive, html_page, page, status
    news = Site({"/2024/05/statement": page(html_page("Budget | Dawn", FILLER, site_name="Dawn")),
                 "/2024/05/gone": status(404)})
    inside = Site({"*": page(html_page("Internal", "internal"))})   # loopback, not admitted
    archive = Site({"/wayback/available": fake_archive()})
    try:
        # Loopback is refused unless admitted: by the editor's own settings, as `--allow-host` would;
        # a configuration found beside the drafts is not trusted with the guard (its allow-hosts is ignored).
        (tmp_path / "citelint.toml").write_text(f'allow-hosts = ["{inside.hostport}"]\n', encoding="utf-8")
        client.initialize(tmp_path, options={"allowHosts": [news.hostport, archive.hostport],
                                             "archiveEndpoint": archive.url("/wayback/available")})
        uri = (tmp_path / "links.md").as_uri()
        text = (f"# Budget\n\nThe figures ([Dawn]({news.url('/2024/05/statement')})).\n\n"
                f"Dead: [gone]({news.url('/2024/05/gone')}).\n\nInside: [admin]({inside.url('/admin')}).\n")
        diags = client.open(uri, text, "markdown")
        client.change(uri, [(0, 0, "")])
        assert not [d for d in diags if d["code"].startswith("NET")]
        assert news.requests == [] and inside.requests == []           # never online on a keystroke
        mark = len(client.notes)
        result = client.request("workspace/executeCommand", {"command": "citelint.verifySources",
                                                             "arguments": [uri]})["result"]
        assert result == {"uri": uri, "links": 3, "findings": 2}
        diags = client.wait_note("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)["diagnostics"]
        net = {d["code"]: d for d in diags if d["code"].startswith("NET")}
        assert set(net) == {"NET001", "NET005"} and inside.requests == []
        assert net["NET001"]["range"]["start"]["line"] == 4 and net["NET005"]["range"]["start"]["line"] == 6
        # The verdicts stay with the draft while it is edited.
        diags = client.change(uri, [(len(text), len(text), "More copy.\n")])
        assert {d["code"] for d in diags} >= {"NET001", "NET005"}
        # {"uri": …} is taken too.
        again = client.request("workspace/executeCommand", {"command": "citelint.verifySources",
                                                            "arguments": [{"uri": uri}]})["result"]
        assert again == result
        # ...and the dead link's unsafe fix swaps in the archived copy.
        text = client.docs[uri][0]
        at = text.index("/2024/05/gone")
        (act,) = [a for a in client.actions(uri, at, at, only=["quickfix"]) if a["diagnostics"][0]["code"] == "NET001"
                  and "disable" not in a["title"]]
        assert "unsafe" in act["title"]
        client.apply(act["edit"])
        assert f"[gone](https://web.archive.org/web/20240101000000/{news.url('/2024/05/gone')})" in client.docs[uri][0]
    finally:
        for site in (news, inside, archive):
            site.close()
