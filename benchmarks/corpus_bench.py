#!/usr/bin/env python3
"""citelint against a one-regex floor and proselint on a news corpus.

    python benchmarks/corpus_bench.py [CORPUS] [--runs N] [--quick] [--no-proselint]

CORPUS defaults to ../shared/corpus/news beside the repository (the BBC corpus;
see ../shared/reference/peer-performance.md). It must hold txt/ and md/ folders
and subset-500.list / subset-500-md.list. Nothing from it is copied anywhere:
the size series is generated in a temporary folder and deleted afterwards.

Every figure is whole-process timing from outside the tool, start-up included:
the median wall-clock time of several runs after one warm-up, and the peak RSS
of the child process (os.wait4, i.e. getrusage of that one child). Then:

  - cold `citelint check` of one 3 KB file (pre-commit latency);
  - the size series: 1 to 100 MB of 1 MB files built by concatenating corpus
    articles (with some generated debris, so fixes and findings scale too), to
    show time is linear in input size;
  - seconds per rule, in process, over the txt and md corpus, to show which
    rules dominate.

proselint is run when `proselint` is on PATH (or given with --proselint); the
script works without it. Speed is measured here, never asserted in tests.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "news"
PROBE = "txt/politics/366.txt"

# The floor: read every file, run one compiled regex (as in peer-performance.md).
FLOOR = r"""
import pathlib, sys
import regex
a = pathlib.Path(sys.argv[1])
if a.is_dir(): fs = [f for f in sorted(a.rglob("*")) if f.is_file()]
elif a.suffix == ".list": fs = [pathlib.Path(l) for l in a.read_text().split()]
else: fs = [a]
p = regex.compile(r"\+[0-9]")
print(len(fs), sum(len(p.findall(f.read_text(encoding="utf-8"))) for f in fs))
"""

# Generated debris for the size series: one snippet every DEBRIS_EVERY articles.
DEBRIS = (
    "Prices rose :contentReference[oaicite:3]{index=3}.",
    "See https://example.org/report?utm_source=chatgpt.com for the figures.",
    "The minister said so. citeturn0search2",
    "Exports fell \ue203sharply\ue204 in May [cite: 4, 5].",
)
DEBRIS_EVERY = 40


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit status of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode not in (0, 1):
        sys.exit(f"benchmark: {' '.join(cmd[:4])}... exited {p.returncode}: {err.strip()[:300]}")
    return wall, usage.ru_maxrss / 1024, p.returncode


class Bench:
    def __init__(self, runs: int):
        self.runs = runs
        self.rows: list[tuple] = []
        self.results: dict[str, dict] = {}

    def measure(self, key: str, tool: str, label: str, cmd: list[str], size: int, articles: int,
                runs: int, cwd: Path | None = None) -> dict:
        run(cmd, cwd)  # warm-up: the file cache and .pyc files
        samples = [run(cmd, cwd) for _ in range(runs)]
        walls = [s[0] for s in samples]
        wall = statistics.median(walls)
        r = {"wall": wall, "min": min(walls), "max": max(walls),
             "rss": statistics.median(s[1] for s in samples),
             "mbs": size / 1e6 / wall if size else None,
             "aps": articles / wall if articles > 1 else None, "runs": runs}
        self.results[key] = r
        self.rows.append((tool, label, r))
        print(f"  {tool:<10} {label:<22} {wall:8.3f} s", file=sys.stderr, flush=True)
        return r

    def table(self) -> str:
        out = ["| tool | input | wall s median [min-max] | MB/s | articles/s | peak MiB |",
               "| --- | --- | --- | --- | --- | --- |"]
        for tool, label, r in self.rows:
            mbs = f"{r['mbs']:.2f}" if r["mbs"] else "-"
            aps = f"{r['aps']:,.0f}" if r["aps"] else "-"
            out.append(f"| {tool} | {label} | {r['wall']:.3f} [{r['min']:.3f}-{r['max']:.3f}] (n={r['runs']}) "
                       f"| {mbs} | {aps} | {r['rss']:.1f} |")
        return "\n".join(out)


def files_in(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*") if f.is_file())


def list_size(corpus: Path, listfile: str) -> tuple[int, int]:
    names = (corpus / listfile).read_text().split()
    return sum((corpus / n).stat().st_size for n in names), len(names)


def make_series(corpus: Path, folder: Path, megabytes: int) -> tuple[Path, int, int]:
    """`megabytes` files of about 1 MB each, concatenated corpus articles plus debris."""
    texts = [f.read_text(encoding="utf-8") for f in files_in(corpus / "txt")]
    out = folder / f"{megabytes}mb"
    out.mkdir()
    k = 0
    size = 0
    articles = 0
    for i in range(megabytes):
        parts, n = [], 0
        while n < 1_000_000:
            t = texts[k % len(texts)]
            if k % DEBRIS_EVERY == 0:
                t = t.replace("\n\n", "\n\n" + DEBRIS[(k // DEBRIS_EVERY) % len(DEBRIS)] + "\n\n", 1)
            parts.append(t)
            n += len(t.encode("utf-8")) + 2
            k += 1
        body = "\n\n".join(parts)
        (out / f"{i:03d}.txt").write_text(body, encoding="utf-8")
        size += len(body.encode("utf-8"))
        articles += len(parts)
    return out, size, articles


def rule_profile(corpus: Path, top: int) -> str:
    """Seconds each rule spends over the txt and md corpus, in process."""
    sys.path.insert(0, str(REPO))
    from citelint.document import load
    from citelint.engine import Linter
    from citelint.rule import Context

    linter = Linter()
    lines = []
    for kind in ("txt", "md"):
        docs = []
        t0 = time.perf_counter()
        for f in files_in(corpus / kind):
            docs.append(load(f.read_text(encoding="utf-8"), None, str(f)))
        load_s = time.perf_counter() - t0
        spent: dict[str, float] = {}
        for doc in docs:
            ctx = Context(doc, linter.settings)
            for rule in linter.rules:
                t = time.perf_counter()
                for f in rule.check(ctx):
                    ctx.findings.append(f)
                spent[rule.code] = spent.get(rule.code, 0.0) + time.perf_counter() - t
        total = sum(spent.values())
        ranked = sorted(spent.items(), key=lambda kv: -kv[1])[:top]
        lines.append(f"{kind}: {len(docs)} documents loaded in {load_s * 1000:.0f} ms; "
                     f"{len(linter.rules)} rules ran in {total * 1000:.0f} ms; slowest:")
        lines.extend(f"  {code:<8} {s * 1000:8.1f} ms  {100 * s / total:5.1f}%" for code, s in ranked)
    return "\n".join(lines)


def find_proselint(given: str | None) -> str | None:
    if given:
        return given
    return shutil.which("proselint")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--runs", type=int, default=5, help="timed runs per figure (single files get 2x)")
    ap.add_argument("--quick", action="store_true", help="fewer runs and a size series up to 10 MB")
    ap.add_argument("--proselint", help="proselint executable (default: `proselint` on PATH)")
    ap.add_argument("--no-proselint", action="store_true")
    ap.add_argument("--max-mb", type=int, default=100, help="largest input in the size series")
    ap.add_argument("--top", type=int, default=12, help="rules to list in the per-rule profile")
    args = ap.parse_args(argv)

    corpus = Path(args.corpus).resolve()
    for need in ("txt", "md", "subset-500.list", "subset-500-md.list", PROBE):
        if not (corpus / need).exists():
            sys.exit(f"benchmark: {corpus}: no {need}; pass the corpus folder as an argument")
    runs = 2 if args.quick else max(1, args.runs)
    big_runs = 1 if args.quick else max(1, min(3, runs))
    max_mb = min(args.max_mb, 10) if args.quick else args.max_mb
    py = sys.executable
    # One process, no findings cache (repeated runs must lint again), where the
    # CLI has those options.
    helptext = subprocess.run([py, "-m", "citelint", "check", "--help"], capture_output=True, text=True).stdout
    one = ["--jobs", "1"] if "--jobs" in helptext else []
    nocache = ["--no-cache"] if "--no-cache" in helptext else []
    cite = [py, "-m", "citelint", "check"] + one + nocache
    floor = [py, "-c", FLOOR]
    proselint = None if args.no_proselint else find_proselint(args.proselint)

    txt_files, md_files = files_in(corpus / "txt"), files_in(corpus / "md")
    txt_size = sum(f.stat().st_size for f in txt_files)
    md_size = sum(f.stat().st_size for f in md_files)
    sub_size, sub_n = list_size(corpus, "subset-500.list")
    subm_size, subm_n = list_size(corpus, "subset-500-md.list")
    probe_size = (corpus / PROBE).stat().st_size
    sub_txt = (corpus / "subset-500.list").read_text().split()
    sub_md = (corpus / "subset-500-md.list").read_text().split()

    import citelint
    print(f"# citelint {citelint.__version__} corpus benchmark", flush=True)
    print(f"python {sys.version.split()[0]} ({py}), {os.cpu_count()} cores, corpus {corpus}")
    print(f"txt {len(txt_files)} files {txt_size:,} B; md {len(md_files)} files {md_size:,} B; "
          f"500 subset {sub_size:,} B; probe {PROBE} {probe_size:,} B")
    print(f"proselint: {proselint or 'not installed (skipped)'}")
    print(f"citelint runs as: python -m citelint check {' '.join(one + nocache)} PATHS\n", flush=True)

    b = Bench(runs)
    single = max(runs * 2, 3)
    b.measure("cite_1", "citelint", "1 file 3 KB txt (cold)", cite + [PROBE], 0, 1, single, corpus)
    b.measure("cite_1md", "citelint", "1 file 3 KB md (cold)", cite + [PROBE.replace("txt", "md")], 0, 1,
              single, corpus)
    b.measure("floor_1", "floor", "1 file (cold)", floor + [PROBE], 0, 1, single, corpus)
    b.measure("cite_500", "citelint", "500 txt", cite + sub_txt, sub_size, sub_n, runs, corpus)
    b.measure("cite_500md", "citelint", "500 md", cite + sub_md, subm_size, subm_n, runs, corpus)
    b.measure("floor_500", "floor", "500 txt", floor + ["subset-500.list"], sub_size, sub_n, runs, corpus)
    b.measure("cite_txt", "citelint", f"{len(txt_files):,} txt", cite + ["txt"], txt_size, len(txt_files),
              big_runs, corpus)
    b.measure("cite_md", "citelint", f"{len(md_files):,} md", cite + ["md"], md_size, len(md_files),
              big_runs, corpus)
    if one:
        b.measure("cite_txt_jobs", "citelint", f"{len(txt_files):,} txt, -j{os.cpu_count()}",
                  [py, "-m", "citelint", "check"] + nocache + ["txt"], txt_size, len(txt_files), big_runs, corpus)
    b.measure("floor_txt", "floor", f"{len(txt_files):,} txt", floor + ["txt"], txt_size, len(txt_files),
              big_runs, corpus)
    if proselint:
        pl = [proselint, "check"]
        b.measure("pl_1", "proselint", "1 file 3 KB txt (cold)", pl + [PROBE], 0, 1, min(single, 5), corpus)
        b.measure("pl_500", "proselint", "500 txt", pl + sub_txt, sub_size, sub_n, min(runs, 3), corpus)

    print(b.table())
    r = b.results
    checks = []
    mbs = r["cite_txt"]["mbs"]
    checks.append((f"whole txt corpus in one process: {mbs:.1f} MB/s", ">= 10 MB/s", mbs >= 10))
    slow = r["cite_txt"]["wall"] / r["floor_txt"]["wall"]
    checks.append((f"whole txt corpus vs one-regex floor: {slow:.2f}x the floor's time "
                   f"({r['floor_txt']['mbs']:.1f} MB/s)", "within 4x", slow <= 4))
    if "pl_500" in r:
        fast = r["pl_500"]["wall"] / r["cite_500"]["wall"]
        checks.append((f"500 txt subset vs proselint: {fast:.0f}x faster", ">= 50x", fast >= 50))
    else:
        checks.append(("500 txt subset vs proselint: not measured (proselint not installed)", ">= 50x", None))
    cold = r["cite_1"]["wall"] * 1000
    checks.append((f"cold check of one 3 KB file: {cold:.0f} ms "
                   f"(interpreter + floor: {r['floor_1']['wall'] * 1000:.0f} ms)", "<= 120 ms", cold <= 120))
    peak = max(r["cite_txt"]["rss"], r["cite_md"]["rss"])
    checks.append((f"peak memory over the whole corpus: {peak:.1f} MiB", "< 100 MiB", peak < 100))

    print(f"\n## Size series (1 MB files of concatenated articles + generated debris, "
          f"n={big_runs})\n", flush=True)
    sizes = [s for s in (1, 3, 10, 30, 100, 300) if s <= max_mb]
    series = []
    with tempfile.TemporaryDirectory(prefix="citelint-bench-") as tmp:
        for mb in sizes:
            folder, size, arts = make_series(corpus, Path(tmp), mb)
            sr = b.measure(f"size_{mb}", "citelint", f"{mb} MB series", cite + [folder.name], size, arts,
                           big_runs if mb >= 10 else runs, Path(tmp))
            series.append((mb, size, sr))
            shutil.rmtree(folder)
    print("| input | wall s | MB/s | s per MB | peak MiB |\n| --- | --- | --- | --- | --- |")
    for mb, size, sr in series:
        print(f"| {size / 1e6:.1f} MB | {sr['wall']:.2f} | {sr['mbs']:.1f} | {sr['wall'] / (size / 1e6):.4f} "
              f"| {sr['rss']:.1f} |")
    if len(series) >= 2:
        # Start-up is a constant; the slope between the two largest inputs is the per-MB cost.
        (_, s1, r1), (_, s2, r2) = series[-2], series[-1]
        slope = (r2["wall"] - r1["wall"]) / ((s2 - s1) / 1e6)
        (_, s0, r0) = series[0]
        small = (r1["wall"] - r0["wall"]) / ((s1 - s0) / 1e6) if s1 > s0 else slope
        ratio = slope / small if small > 0 else float("inf")
        checks.append((f"time linear in size: {slope * 1000:.0f} ms/MB between the two largest inputs, "
                       f"{small * 1000:.0f} ms/MB below them (ratio {ratio:.2f})", "ratio <= 1.3",
                       ratio <= 1.3))
    print("\n## Targets (issue 7)\n")
    for what, target, ok in checks:
        mark = "n/a " if ok is None else ("PASS" if ok else "FAIL")
        print(f"- {mark} {what}  [target {target}]")

    print(f"\n## Time per rule, in process (top {args.top})\n")
    print(rule_profile(corpus, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
