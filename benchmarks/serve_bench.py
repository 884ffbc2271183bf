#!/usr/bin/env python3
"""`citelint serve` under load: warm `POST /api/check` on a 3 KB draft against
the CLI's cold one-file check.

    python benchmarks/serve_bench.py [--requests 2000] [--seconds 5] [--clients 2] [--workers 2] [--cli-runs 10]

Starts the real command (`python -m citelint serve --workers 2`) on a free
loopback port, warms it, then:

- latency: one client on one keep-alive connection sends the draft N times;
  p50, p95 and p99 of the round trip (HTTP, JSON in and out, the check);
- throughput: `--clients` client processes, each on its own keep-alive
  connection, for `--seconds`; requests per second over all of them (the
  clients share the machine's cores with the server's workers);
- the CLI: `python -m citelint check --isolated --no-cache FILE` run
  `--cli-runs` times, cold, one after another; the median wall time, and its
  throughput with as many processes at once as the server has workers.

Two drafts: the seed draft cut to 3 KB (debris, so findings are built and sent)
and a clean 3 KB article (the common case). Targets from issue 16: p50 under
5 ms, at least 20x the CLI's throughput on one-file requests. Figures are
printed, never asserted.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLEAN = ("The committee met on Tuesday and heard evidence from officials about the budget, the flood relief "
         "fund and the new tax on imported phones. Members asked how the money would reach the districts "
         "that lost most in the summer floods, and when the first payments would be made. ")


def drafts() -> dict[str, str]:
    seed = (REPO / "tests" / "data" / "seed-draft.txt").read_text(encoding="utf-8")
    cut = seed[:3072]
    dirty = cut[:cut.rfind("\n") + 1]
    clean = (CLEAN * 20)[:3072]
    return {"seed draft, 3 KB (debris)": dirty, "clean article, 3 KB": clean[:clean.rfind(". ") + 1]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "citelint", "serve", "--no-browser", "--isolated",
                             "--port", str(port), "--workers", str(workers)],
                            cwd=tempfile.gettempdir(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("citelint serve did not start: " + proc.stderr.read().decode(errors="replace"))


def _post(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/api/check", body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def latency(port: int, body: bytes, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(200):  # warm-up: every worker's Linter built, patterns compiled
        _post(conn, body)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        status = _post(conn, body)
        times.append(time.perf_counter() - t0)
        assert status == 200, status
    conn.close()
    return times


def _client(port: int, body: bytes, seconds: float, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(50):
        _post(conn, body)
    done, end = 0, time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < end:
        _post(conn, body)
        done += 1
    out.put((done, time.perf_counter() - start))


def throughput(port: int, body: bytes, clients: int, seconds: float) -> float:
    q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client, args=(port, body, seconds, q)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    return sum(n / t for n, t in results)


def cli_cold(text: str, runs: int) -> float:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "draft.txt"
        f.write_text(text, encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        cmd = [sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", str(f)]
        subprocess.run(cmd, cwd=d, env=env, capture_output=True)  # warm the disk cache and .pyc files
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=d, env=env, capture_output=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cli-runs", type=int, default=10)
    args = ap.parse_args()
    proc, port = start_server(args.workers)
    print(f"citelint serve --workers {args.workers} on 127.0.0.1:{port}; {os.cpu_count()} cores; "
          f"Python {sys.version.split()[0]}")
    try:
        for name, text in drafts().items():
            body = json.dumps({"text": text}).encode()
            times = latency(port, body, args.requests)
            rps = throughput(port, body, args.clients, args.seconds)
            cold = cli_cold(text, args.cli_runs)
            cli_rps = args.workers / cold
            print(f"\n{name} ({len(text.encode())} bytes)")
            print(f"  latency, {args.requests} requests on one connection: p50 {pct(times, 50) * 1000:.2f} ms, "
                  f"p95 {pct(times, 95) * 1000:.2f} ms, p99 {pct(times, 99) * 1000:.2f} ms")
            print(f"  throughput, {args.clients} clients for {args.seconds:g} s: {rps:,.0f} requests/s")
            print(f"  CLI cold one-file check: median {cold * 1000:.0f} ms over {args.cli_runs} runs = "
                  f"{1 / cold:.1f} files/s in one process, {cli_rps:.1f} files/s with {args.workers} at once")
            print(f"  serve / CLI throughput: {rps / cli_rps:.0f}x")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
