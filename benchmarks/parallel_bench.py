"""Many drafts: serial against parallel, and a cold cache against a warm one.

Generates 2,000 synthetic drafts (made-up prose, with citation debris in some)
in a temporary folder, then times the real command line:

    python benchmarks/parallel_bench.py [--files 2000] [--repeat 3]

Prints the best of --repeat runs for each case.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUBJECTS = ["The council", "The port authority", "Dock workers", "The finance minister", "Local traders",
            "The hospital board", "Rail operators", "The weather service", "Farmers", "The central bank"]
VERBS = ["said", "announced", "warned", "confirmed", "denied", "reported", "estimated", "argued"]
OBJECTS = ["that prices would rise", "that the bridge would reopen on Monday", "a rise in water levels",
           "that talks had stalled", "new figures for the quarter", "that the strike was over",
           "that repairs would take a week", "a fall in exports", "that the vote was delayed"]
TAILS = ["", " after a long meeting", " in a statement", " on Friday", " to reporters", " despite the rain"]
DEBRIS = [" :contentReference[oaicite:{n}]{{index={n}}}", " citeturn0search{n}", " [cite: {n}]", "[web:{n}]",
          " \u3010{n}\u2020source\u3011"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}"


def draft(rng: random.Random, i: int) -> str:
    paras = [f"# Story {i}: {rng.choice(SUBJECTS).lower()} and the week ahead", ""]
    for _ in range(rng.randint(4, 9)):
        sents = []
        for _ in range(rng.randint(2, 5)):
            s = sentence(rng)
            if rng.random() < 0.08:
                s += rng.choice(DEBRIS).format(n=rng.randint(0, 9))
            sents.append(s + ".")
        paras += [" ".join(sents), ""]
    if rng.random() < 0.2:
        paras += ["See the [notice](https://example.org/notice?utm_source=chatgpt.com).", ""]
    return "\n".join(paras)


def generate(folder: Path, n: int) -> None:
    rng = random.Random(2024)
    for i in range(n):
        sub = folder / f"desk{i % 20:02}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"story{i:05}.md").write_text(draft(rng, i), encoding="utf-8")


def timed(args, cwd, env) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of citelint and its workers."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "citelint", "check", *args], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):
        sys.exit(f"citelint failed: {r.stderr.decode()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="citelint-bench-"))
    try:
        drafts = root / "drafts"
        generate(drafts, a.files)
        size = sum(p.stat().st_size for p in drafts.rglob("*.md"))
        env = dict(os.environ, CITELINT_CACHE_DIR=str(root / "cache"))
        print(f"{a.files} drafts, {size / 1e6:.1f} MB, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}; best of {a.repeat} runs (wall clock, CPU)")

        def clear():
            shutil.rmtree(root / "cache", ignore_errors=True)

        # The cases take turns, so a busy spell on a shared machine hits them alike.
        cases = {"serial": ["drafts", "--no-cache", "--jobs", "1"], "parallel": ["drafts", "--no-cache", "--jobs", "2"],
                 "cold": ["drafts", "--jobs", "2"], "warm": ["drafts", "--jobs", "2"],
                 "one": [str(next(drafts.rglob("*.md"))), "--no-cache"]}
        runs: dict[str, list] = {k: [] for k in cases}
        for _ in range(a.repeat):
            for name, args in cases.items():
                if name == "cold":
                    clear()
                runs[name].append(timed(args, root, env))
        serial, par, cold, warm, one = (min(runs[k]) for k in cases)

        def line(label, t, extra=""):
            print(f"{label:<22}{t[0]:6.2f} s wall {t[1]:6.2f} s CPU  {a.files / t[0]:6.0f} files/s{extra}")

        line("--jobs 1 (no cache)", serial)
        line("--jobs 2 (no cache)", par, f"  speed-up {serial[0] / par[0]:.2f}x")
        line("cold cache (--jobs 2)", cold)
        line("warm cache (--jobs 2)", warm, f"  {cold[0] / warm[0]:.1f}x faster than cold")
        print(f"{'one file (no cache)':<22}{one[0]:6.2f} s wall {one[1]:6.2f} s CPU  (start-up and one draft)")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
