"""`citelint lsp`: the real server in a subprocess, driven by a small real LSP
client over stdio (JSON-RPC with Content-Length framing). The client keeps its
own copy of each document and converts positions with its own UTF-16 code, so
the server's ranges are checked against an independent implementation."""
from __future__ import annotations

import json
import os
import queue
import random
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls")

import citelint  # noqa: E402
from citelint.config import Settings  # noqa: E402
from citelint.lsp.positions import UTF8, UTF16, UTF32, LineIndex, apply_change  # noqa: E402

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
                elif "id" in msg:
                    self.responses[msg["id"]] = msg
                else:
                    self.notes.append(msg)
                self.cond.notify_all()

    def _answer(self, msg):
        result = None
        if msg["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section")) for item in msg["params"]["items"]]
        self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

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
    assert client.close() == 0


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
