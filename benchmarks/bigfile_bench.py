"""Big drafts and many drafts: time and peak memory of the real command line.

    python benchmarks/bigfile_bench.py [--sizes 1 5 10 20] [--files 5000] [--repeat 1]

Drafts are synthetic (made-up prose with citation debris in about one
sentence in twelve), written to a temporary folder. Each measurement runs
`citelint check --isolated --no-cache` in a fresh process and reads that
process's peak resident set size (ru_maxrss), so the figures do not mix.

Prints, for 1, 5, 10 and 20 MB drafts in each format: seconds and MB/s for a
check and for --fix, peak RSS, and the growth of RSS over an empty draft as a
multiple of the draft's size. Time proportional to size shows as a flat MB/s
column. Then 5,000 small drafts (check and --fix, one process and the default
number of jobs), with RSS for 1,000 and 5,000 files to show it stays flat.
"""
from __future__ import annotations

import argparse
import json
import os
import random
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
DEBRIS = [" :contentReference[oaicite:{n}]{{index={n}}}", " citeturn0search{n}", " [cite: {n}]", " [web:{n}]",
          " \u3010{n}\u2020source\u3011"]

# Run in the child: check one path, report time and this process's peak RSS.
CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from citelint.cli import main
import io, contextlib
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
secs = time.perf_counter() - t0
try:  # VmHWM starts afresh at exec; ru_maxrss on Linux keeps the forking parent's peak
    with open("/proc/self/status") as fh:
        rss = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
except OSError:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
print(json.dumps({"secs": secs, "rss": rss, "rss_children": rss_children, "code": code}))
"""


def paragraph(rng: random.Random) -> str:
    sents = []
    for _ in range(rng.randint(3, 6)):
        s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.08:
            s += rng.choice(DEBRIS).format(n=rng.randint(0, 9))
        sents.append(s + ".")
    return " ".join(sents)


def big_draft(kind: str, size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paras, total = [], 0
    while total < size:
        p = paragraph(rng)
        if kind == "html":
            p = f"<p>{p}</p>"
        elif kind == "markdown" and rng.random() < 0.05:
            p = f"## {p[:40]}\n\n{p} See the [notice](https://example.org/n?utm_source=chatgpt.com)."
        paras.append(p)
        total += len(p) + 2
    return "\n\n".join(paras) + "\n"


def measure(args: list[str], cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, "check", "--isolated", "--no-cache", *args],
                          cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed: {proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best(args, cwd, repeat, prepare=None) -> dict:
    runs = []
    for _ in range(repeat):
        if prepare:
            prepare()
        runs.append(measure(args, cwd))
    return min(runs, key=lambda r: r["secs"])


def mb(n: float) -> str:
    return f"{n / 1e6:7.1f}"


def big_files(tmp: Path, sizes: list[int], repeat: int) -> None:
    print("Big drafts: one file each, one process (--jobs 1).")
    print(f"{'format':<9} {'MB':>4} {'check s':>8} {'MB/s':>6} {'fix s':>7} {'MB/s':>6} "
          f"{'peak RSS MB':>11} {'(fix)':>7} {'growth x size':>13}")
    for kind, ext in (("text", "txt"), ("markdown", "md"), ("html", "html")):
        empty = tmp / f"empty.{ext}"
        empty.write_text("")
        base = measure(["--jobs", "1", str(empty)], tmp)["rss"]
        for size_mb in sizes:
            size = size_mb * 1_000_000
            text = big_draft(kind, size)
            path = tmp / f"big{size_mb}.{ext}"
            path.write_text(text, encoding="utf-8")
            check = best(["--jobs", "1", str(path)], tmp, repeat)
            fix = best(["--jobs", "1", "--fix", "--exit-zero", str(path)], tmp, repeat,
                       prepare=lambda: path.write_text(text, encoding="utf-8"))
            n = len(text.encode("utf-8"))
            growth = (max(check["rss"], fix["rss"]) - base) / n
            print(f"{kind:<9} {size_mb:>4} {check['secs']:8.2f} {n / 1e6 / check['secs']:6.2f} "
                  f"{fix['secs']:7.2f} {n / 1e6 / fix['secs']:6.2f} {mb(check['rss']):>11} {mb(fix['rss']):>7} "
                  f"{growth:13.1f}")
            path.unlink()
        print(f"{kind:<9} (an empty draft: peak RSS {mb(base).strip()} MB)")


def many_files(tmp: Path, n_files: int, repeat: int) -> None:
    folder = tmp / "many"
    rng = random.Random(2024)
    texts = []
    for i in range(n_files):
        paras = [f"# Story {i}", ""] + [paragraph(rng) + "\n" for _ in range(rng.randint(4, 9))]
        texts.append("\n".join(paras))

    def write(n):
        shutil.rmtree(folder, ignore_errors=True)
        for i in range(n):
            sub = folder / f"desk{i % 20:02}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"story{i:05}.md").write_text(texts[i], encoding="utf-8")

    total = sum(len(t.encode()) for t in texts)
    print(f"\nMany drafts: {n_files} Markdown files, {total / 1e6:.1f} MB in all.")
    print(f"{'files':>6} {'run':<22} {'seconds':>8} {'files/s':>8} {'peak RSS MB':>11} {'workers MB':>10}")
    for n in sorted({min(1000, n_files), n_files}):
        for label, extra in (("check, --jobs 1", ["--jobs", "1"]), ("--fix, --jobs 1", ["--jobs", "1", "--fix"]),
                             ("check, default jobs", []), ("--fix, default jobs", ["--fix"])):
            r = best([*extra, "--exit-zero", str(folder)], tmp, repeat, prepare=lambda: write(n))
            print(f"{n:>6} {label:<22} {r['secs']:8.2f} {n / r['secs']:8.0f} {mb(r['rss']):>11} "
                  f"{mb(r['rss_children']):>10}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 10, 20], help="draft sizes in MB")
    ap.add_argument("--files", type=int, default=5000, help="how many small drafts")
    ap.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest is shown")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="citelint-bigfile-"))
    try:
        print(f"citelint bigfile benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
        t0 = time.perf_counter()
        big_files(tmp, args.sizes, args.repeat)
        many_files(tmp, args.files, args.repeat)
        print(f"\n(total {time.perf_counter() - t0:.0f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
