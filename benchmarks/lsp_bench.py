#!/usr/bin/env python3
"""`citelint lsp`: time from a `didChange` to the `publishDiagnostics` for it.

    python benchmarks/lsp_bench.py [--edits 200] [--size 5000] [--warmup 20]

Starts the real server (`python -m citelint lsp`) as a child process, opens a
generated Markdown draft of about 5 KB (news copy with assistant markers,
source chips and tracking parameters in it), and makes 200 one-character edits
as incremental changes, one at a time: each is sent when the diagnostics of
the one before have arrived, as a writer's keystrokes are. Every few edits
type or delete debris, so the diagnostics change. The latency is measured in
this process, from writing the change to reading the diagnostics for its
version, after `--warmup` edits. Then the same edits are sent back to back
(a burst faster than any typist) to show that the server folds them: how many
lints it publishes and how long after the last change the last diagnostics
come. Target (issue 17): p95 under 15 ms. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = ":contentReference[oaicite:0]{index=0}"
PARAGRAPHS = [
    "The finance minister presented the budget on Tuesday, promising relief for salaried workers and a new tax "
    "on imported phones.",
    f"Officials said the deficit would narrow to 4.1 per cent of output next year{MARKER}.",
    "Opposition leaders walked out of the session, calling the figures unrealistic. Dawn +2",
    "Traders in Karachi said the levy would raise prices for consumers within weeks "
    "([Business Recorder](https://www.brecorder.com/news/40300000?utm_source=chatgpt.com)).",
    "The central bank is expected to keep its policy rate unchanged at its next meeting, analysts said.",
]


def draft(size: int) -> str:
    parts, i = ["# Budget 2025\n"], 0
    while sum(map(len, parts)) < size:
        parts.append(PARAGRAPHS[i % len(PARAGRAPHS)] + "\n")
        i += 1
    return "\n".join(parts)


class Server:
    """The server in a child process and a reader thread stamping each message's arrival."""

    def __init__(self):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen([sys.executable, "-m", "citelint", "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.cond = threading.Condition()
        self.published: dict[int, float] = {}   # version -> when its diagnostics arrived
        self.responses: dict[int, dict] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            msg = json.loads(out.read(length))
            now = time.perf_counter()
            with self.cond:
                if msg.get("method") == "textDocument/publishDiagnostics":
                    self.published[msg["params"]["version"]] = now
                elif "id" in msg and "method" not in msg:
                    self.responses[msg["id"]] = msg
                self.cond.notify_all()

    def send(self, msg: dict) -> float:
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()
        return time.perf_counter()

    def wait(self, pred):
        with self.cond:
            if not self.cond.wait_for(pred, 60):
                raise SystemExit("the server did not answer in 60 s")

    def request(self, msg_id: int, method: str, params) -> dict:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        self.wait(lambda: msg_id in self.responses)
        return self.responses[msg_id]


def position(text: str, offset: int) -> dict:
    before = text[:offset]
    line = before.count("\n")
    col = before[before.rfind("\n") + 1:]
    return {"line": line, "character": len(col.encode("utf-16-le")) // 2}


def edits(text: str, n: int):
    """(offset, delete, insert) edits in cycles of ten: a letter typed before a
    full stop and deleted again, four times, then a marker pasted and deleted,
    so the diagnostics change twice a cycle. Each cycle leaves the text as it
    found it, so every offset stays valid."""
    out = []
    spots = [i for i, c in enumerate(text) if c == "." and text[i + 1:i + 2] == "\n"]
    for k in range(n):
        step = k % 10
        spot = spots[(k // 2 * 7) % len(spots)]
        if step < 8:
            out.append((spot, 0, "x") if step % 2 == 0 else (spot, 1, ""))
        else:
            out.append((spot, 0, MARKER) if step == 8 else (spot, len(MARKER), ""))
    return out


def run(args) -> None:
    text = draft(args.size)
    server = Server()
    with tempfile.TemporaryDirectory() as tmp:
        uri = (Path(tmp) / "draft.md").as_uri()
        server.request(1, "initialize", {"processId": os.getpid(), "capabilities": {}, "rootUri": Path(tmp).as_uri()})
        server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
        server.wait(lambda: 1 in server.published)
        version, latencies = 1, []
        plan = edits(text, args.warmup + args.edits)
        for k, (at, delete, insert) in enumerate(plan):
            version += 1
            change = {"range": {"start": position(text, at), "end": position(text, at + delete)}, "text": insert}
            sent = server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
            text = text[:at] + insert + text[at + delete:]
            server.wait(lambda v=version: v in server.published)
            if k >= args.warmup:
                latencies.append((server.published[version] - sent) * 1000)
        burst_start, first = version, None
        for at, delete, insert in plan[:args.edits]:
            version += 1
            change = {"range": {"start": position(text, at), "end": position(text, at + delete)}, "text": insert}
            last = server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
            text = text[:at] + insert + text[at + delete:]
            first = first or last
        server.wait(lambda v=version: v in server.published)
        lints = sum(1 for v in server.published if v > burst_start)
        settle = (server.published[version] - last) * 1000
        server.request(2, "shutdown", None)
        server.send({"jsonrpc": "2.0", "method": "exit"})
        server.proc.wait(timeout=30)
    alone = statistics.quantiles(lint_in_process(draft(args.size), plan, args.warmup), n=100)
    q = statistics.quantiles(latencies, n=100)
    print(f"draft: {len(draft(args.size)):,} characters of Markdown; {len(latencies)} edits after {args.warmup} warm-up")
    print(f"didChange -> publishDiagnostics: p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, max {max(latencies):.1f} ms "
          f"(target: p95 < 15 ms)")
    print(f"the same edits linted in process (Linter.lint_text): p50 {alone[49]:.1f} ms, p95 {alone[94]:.1f} ms; "
          f"the rest is the protocol and the thread hop")
    print(f"burst of {args.edits} changes sent back to back: {lints} lints published, the last "
          f"{settle:.1f} ms after the last change")


def lint_in_process(text: str, plan, warmup: int) -> list[float]:
    """The same edits linted by citelint.Linter in this process: the lint's share of the latency."""
    sys.path.insert(0, str(REPO))
    import citelint
    linter = citelint.linter()
    times = []
    for at, delete, insert in plan:
        text = text[:at] + insert + text[at + delete:]
        t = time.perf_counter()
        linter.lint_text(text, "markdown", "draft.md")
        times.append((time.perf_counter() - t) * 1000)
    return times[warmup:]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edits", type=int, default=200)
    p.add_argument("--size", type=int, default=5000, help="characters of draft (default 5000)")
    p.add_argument("--warmup", type=int, default=20)
    run(p.parse_args())


if __name__ == "__main__":
    main()
