#!/usr/bin/env python3
"""`citelint check --online` over 1,000 links served from loopback.

    python benchmarks/online_bench.py [--links 1000] [--servers 100] [--runs 3] [--link-timeout 15]

Starts N HTTP servers on 127.0.0.1 in a separate process (so they do not share
citelint's interpreter lock), writes 20 Markdown drafts that cite 1,000 distinct
pages between them (some name the outlet beside the link, some quote the page,
so the publisher and quote checks run too), and times the real CLI in a child
process: links per second (whole run, start-up included) and the child's peak
RSS (os.wait4). Then the same with 10% of the servers dripping their headers a
byte at a time, to show the total stays bounded (about one link deadline, not
one per link). Targets from issue 4: at least 300 links/s, peak under 150 MiB.
Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARAGRAPH = ("The committee met on Tuesday and heard evidence from officials about the budget, "
             "the flood relief fund and the new tax on imported phones. ")
QUOTE = "we will not raise taxes this year"


def _page(i: int) -> bytes:
    body = "".join(f"<p>{PARAGRAPH * 3}</p>" for _ in range(8))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story {i} | Dawn</title>"
            f"<meta property='og:site_name' content='Dawn'><meta name='twitter:site' content='@dawn_com'>"
            f"<script type='application/ld+json'>{{\"@type\": \"NewsArticle\", \"publisher\": "
            f"{{\"@type\": \"NewsMediaOrganization\", \"name\": \"Dawn\"}}}}</script></head>"
            f"<body><article><h1>Story {i}</h1>{body}<p>The minister said: &ldquo;We will not raise taxes "
            f"this year.&rdquo;</p>{body}</article></body></html>").encode()


async def _handle(reader, writer, pages: dict, slow: bool) -> None:
    """A minimal keep-alive HTTP/1.1 server: cheap, so the CPU goes to citelint."""
    import asyncio
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode("latin-1")
            if slow:  # drip the headers a byte at a time, for minutes
                data = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Drip: " + b"d" * 10000 + b"\r\n\r\n"
                for i in range(len(data)):
                    writer.write(data[i:i + 1])
                    await writer.drain()
                    await asyncio.sleep(0.5)
                return
            body = pages.get(path)
            if body is None:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except (OSError, EOFError, IndexError, asyncio.IncompleteReadError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def serve(n: int, slow_every: int, links_per_server: int, ports_out, stop) -> None:
    import asyncio

    async def main():
        servers = []
        for k in range(n):
            slow = bool(slow_every) and k % slow_every == 0
            pages = {f"/news/{k}/{j}": _page(j) for j in range(links_per_server)}
            srv = await asyncio.start_server(
                lambda r, w, pages=pages, slow=slow: _handle(r, w, pages, slow), "127.0.0.1", 0, backlog=256)
            servers.append(srv)
        ports_out.put([srv.sockets[0].getsockname()[1] for srv in servers])
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for srv in servers:
            srv.close()

    import logging
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # dripping tasks cancelled at exit

    asyncio.run(main())


def write_drafts(folder: Path, ports: list[int], links: int) -> None:
    per_server = links // len(ports)
    urls = [f"http://127.0.0.1:{p}/news/{k}/{j}" for j in range(per_server) for k, p in enumerate(ports)]
    files = 20
    per_file = len(urls) // files
    for f in range(files):
        paras = []
        for i, url in enumerate(urls[f * per_file:(f + 1) * per_file]):
            kind = i % 10
            if kind < 3:
                paras.append(f"Prices rose again, [Dawn]({url}) reported on Monday.")
            elif kind < 5:
                paras.append(f"The minister said \u201c{QUOTE}\u201d ([Dawn]({url})).")
            elif kind == 5:
                paras.append(f"The minister promised \u201cfree power for every home\u201d ([Dawn]({url})).")
            else:
                paras.append(f"Officials confirmed the figures ([report]({url})).")
        (folder / f"draft{f:02d}.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    allow = ", ".join(f'"127.0.0.1:{p}"' for p in ports)
    (folder / "citelint.toml").write_text(f"allow-hosts = [{allow}]\narchive-endpoint = \"off\"\n",
                                          encoding="utf-8")


def run_cli(folder: Path, cache: Path, link_timeout: float, online: bool = True) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MiB, the number of findings, and CPU seconds."""
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(cache), NO_COLOR="1")
    out = folder / "report.json"
    # allow-hosts relaxes the link guard: it counts only from a file named with --config.
    cmd = [sys.executable, "-m", "citelint", "check", ".", "--no-cache", "--format", "json",
           "-o", str(out), "--exit-zero", "--config", "citelint.toml"]
    if online:
        cmd += ["--online", "--link-timeout", str(link_timeout)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"citelint failed: {err}")
    import json
    findings = len(json.loads(out.read_text())["findings"])
    return wall, usage.ru_maxrss / 1024, findings, usage.ru_utime + usage.ru_stime


def scenario(name: str, args, slow_every: int) -> None:
    ctx = multiprocessing.get_context("fork")
    ports_q, stop = ctx.Queue(), ctx.Event()
    per_server = args.links // args.servers
    server = ctx.Process(target=serve, args=(args.servers, slow_every, per_server, ports_q, stop), daemon=True)
    server.start()
    ports = ports_q.get(timeout=60)
    tmp = Path(tempfile.mkdtemp(prefix="citelint-online-bench-"))
    try:
        write_drafts(tmp, ports, args.links)
        runs, offline = [], []
        for _ in range(args.runs):  # alternate, so background load hits both alike
            runs.append(run_cli(tmp, tmp / "cache", args.link_timeout))
            offline.append(run_cli(tmp, tmp / "cache", args.link_timeout, online=False)[0])
    finally:
        stop.set()
        server.join(timeout=5)
        if server.is_alive():
            server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    walls = [w for w, _, _, _ in runs]
    med = statistics.median(walls)
    links = per_server * args.servers
    print(f"{name}: {links} links on {args.servers} loopback servers"
          f"{f', {args.servers // slow_every} of them dripping' if slow_every else ''}")
    print(f"  wall time   median {med:6.2f} s  (runs: {', '.join(f'{w:.2f}' for w in walls)})")
    print(f"  throughput  {links / med:6.0f} links/s  (whole CLI run, start-up included)")
    off = statistics.median(offline)
    if med > off:
        print(f"  online pass {links / (med - off):6.0f} links/s  (the same check without --online took "
              f"{off:.2f} s)")
    print(f"  peak RSS    {max(m for _, m, _, _ in runs):6.1f} MiB")
    print(f"  CPU time    {statistics.median(c for _, _, _, c in runs):6.2f} s in citelint (the servers share "
          f"the same cores)")
    print(f"  findings    {runs[0][2]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--links", type=int, default=1000)
    ap.add_argument("--servers", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--link-timeout", type=float, default=15.0, help="citelint's per-link deadline")
    ap.add_argument("--skip-slow", action="store_true", help="only the all-fast scenario")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; targets: >= 300 links/s, < 150 MiB")
    scenario("all servers fast", args, 0)
    if not args.skip_slow:
        slow_args = argparse.Namespace(**{**vars(args), "runs": 1})
        scenario("10% slow-drip servers", slow_args, 10)
        print(f"  (bound: about one --link-timeout ({args.link_timeout:g} s) for the dripping hosts, "
              f"which are given up after one timeout, plus the fast work)")


if __name__ == "__main__":
    main()
