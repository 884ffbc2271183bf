#!/usr/bin/env python3
"""citelint against a one-regex floor and proselint on a news corpus, and on
an editorial corpus of Markdown and HTML posts.

    python benchmarks/corpus_bench.py [CORPUS] [--editorial DIR] [--runs N] [--quick] [--no-proselint]

CORPUS defaults to ../shared/corpus/news beside the repository (the BBC corpus;
see ../shared/reference/peer-performance.md). It must hold txt/ and md/ folders
and subset-500.list / subset-500-md.list. Nothing from it is copied anywhere:
the size series is generated in a temporary folder and deleted afterwards.

Every figure is whole-process timing from outside the tool, start-up included:
the median wall-clock time of several runs after one warm-up, the peak RSS of
the child process (os.wait4, i.e. getrusage of that one child) and its CPU time
(user + system: a check on wall times taken while other work shares the
machine). Then:

  - cold `citelint check` of one 3 KB file (pre-commit latency);
  - two size series built by concatenating corpus articles (with some
    generated debris, so findings scale too): 1 to 100 MB of 1 MB files, and
    single documents of 0.3 to 10 MB, to show time is linear in input size;
  - seconds per rule, in process, over the txt and md corpus, to show which
    rules dominate;
  - the editorial corpus (--editorial, default ../shared/corpus/editorial:
    2,511 Markdown and HTML posts, 14 MB): throughput and peak memory of one
    process over all of it against the floor on the same files, and in
    process the time of the prefilter pass, of building each part of the
    documents that pass it (code and comments masked, raw HTML read, the
    views, the links), of the second pass over the views, and of each rule
    (issue 18's targets).

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
DEFAULT_EDITORIAL = REPO.parent / "shared" / "corpus" / "editorial"
EDITORIAL_KINDS = (".md", ".markdown", ".html", ".htm")
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


# Children run as on an installed system: with .pyc files (pip compiles them at
# install time). PYTHONDONTWRITEBYTECODE, set on some development machines,
# would make every cold run compile citelint from source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MiB and CPU seconds (user + system) of one child."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode not in (0, 1):
        sys.exit(f"benchmark: {' '.join(cmd[:4])}... exited {p.returncode}: {err.strip()[:300]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


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
             "cpu": statistics.median(s[2] for s in samples),
             "mbs": size / 1e6 / wall if size else None,
             "aps": articles / wall if articles > 1 else None, "runs": runs}
        self.results[key] = r
        self.rows.append((tool, label, r))
        print(f"  {tool:<10} {label:<22} {wall:8.3f} s", file=sys.stderr, flush=True)
        return r

    def table(self) -> str:
        out = ["| tool | input | wall s median [min-max] | cpu s | MB/s | articles/s | peak MiB |",
               "| --- | --- | --- | --- | --- | --- | --- |"]
        for tool, label, r in self.rows:
            mbs = f"{r['mbs']:.2f}" if r["mbs"] else "-"
            aps = f"{r['aps']:,.0f}" if r["aps"] else "-"
            out.append(f"| {tool} | {label} | {r['wall']:.3f} [{r['min']:.3f}-{r['max']:.3f}] (n={r['runs']}) "
                       f"| {r['cpu']:.3f} | {mbs} | {aps} | {r['rss']:.1f} |")
        return "\n".join(out)


def files_in(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*") if f.is_file())


def list_size(corpus: Path, listfile: str) -> tuple[int, int]:
    names = (corpus / listfile).read_text().split()
    return sum((corpus / n).stat().st_size for n in names), len(names)


def make_series(texts: list[str], folder: Path, megabytes: float, file_mb: float = 1.0) -> tuple[Path, int, int]:
    """`megabytes` of files of about `file_mb` each: corpus articles concatenated,
    with generated debris every DEBRIS_EVERY articles."""
    out = folder / f"{megabytes}mb"
    out.mkdir()
    k = size = articles = 0
    for i in range(max(1, round(megabytes / file_mb))):
        parts, n = [], 0
        while n < file_mb * 1_000_000:
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


def size_series(b: "Bench", cite: list[str], texts: list[str], sizes, file_mb: float | None, runs: int,
                label: str) -> list[tuple[int, dict]]:
    """Time citelint on growing inputs; file_mb None means one file of each size."""
    series = []
    with tempfile.TemporaryDirectory(prefix="citelint-bench-") as tmp:
        for mb in sizes:
            folder, size, arts = make_series(texts, Path(tmp), mb, file_mb or mb)
            r = b.measure(f"{label}_{mb}", "citelint", f"{mb} MB {label}", cite + [folder.name], size, arts,
                          runs, Path(tmp))
            series.append((size, r))
            shutil.rmtree(folder)
    return series


def linearity(series) -> tuple[str, float]:
    """A table of the series, and how much steeper the cost per MB is between the
    two largest inputs than between the smallest and the next-largest (CPU time:
    start-up cancels out, and other work on the machine does not count)."""
    rows = ["| input | wall s | cpu s | MB/s | cpu ms per MB | peak MiB |", "| --- | --- | --- | --- | --- | --- |"]
    for size, r in series:
        rows.append(f"| {size / 1e6:.1f} MB | {r['wall']:.2f} | {r['cpu']:.2f} | {r['mbs']:.1f} "
                    f"| {r['cpu'] * 1000 / (size / 1e6):.0f} | {r['rss']:.1f} |")
    (s0, r0), (s1, r1), (s2, r2) = series[0], series[-2], series[-1]
    top = (r2["cpu"] - r1["cpu"]) / ((s2 - s1) / 1e6)
    low = (r1["cpu"] - r0["cpu"]) / ((s1 - s0) / 1e6) if s1 > s0 else top
    rows.append(f"\ncpu per MB: {top * 1000:.0f} ms between the two largest, {low * 1000:.0f} ms below them")
    return "\n".join(rows), (top / low if low > 0 else float("inf"))


def api_seconds(corpus: Path, names: list[str], runs: int, repo: Path = REPO) -> float:
    """Median seconds to lint the named articles through the Python API with a
    warm Linter (texts already read): what a long-lived process (a CMS hook, a
    Dask worker, an editor integration) pays per batch, without start-up."""
    sys.path.insert(0, str(repo))
    import citelint

    texts = [((corpus / n).read_text(encoding="utf-8"), n) for n in names]
    linter = citelint.linter()
    for text, name in texts:  # warm-up: first-use pattern compiles, the registry
        linter.lint_text(text, None, name)
    times = []
    for _ in range(max(3, runs)):
        t = time.perf_counter()
        for text, name in texts:
            linter.lint_text(text, None, name)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rule_profile(corpus: Path, top: int, repo: Path = REPO) -> str:
    """Seconds the shared prefilter pass and each rule spend over the txt and md
    corpus, in process (a rule's time counts only documents its prefilter let in)."""
    sys.path.insert(0, str(repo))
    try:
        from citelint.formats import load
    except ImportError:  # a tree from before the loaders moved (--repo)
        from citelint.document import load
    from citelint.engine import Linter
    from citelint.rule import Context

    linter = Linter()
    lines = []
    for kind in ("txt", "md"):
        texts = [(f.read_text(encoding="utf-8"), str(f)) for f in files_in(corpus / kind)]
        spent: dict[str, float] = {}
        plan_s = load_s = 0.0
        loaded = 0
        for text, path in texts:
            t = time.perf_counter()
            rules = linter.plan_for(path).select((text,))
            plan_s += time.perf_counter() - t
            if not rules:
                continue
            t = time.perf_counter()
            doc = load(text, None, path)
            load_s += time.perf_counter() - t
            loaded += 1
            ctx = Context(doc, linter.settings)
            for rule in rules:
                t = time.perf_counter()
                for f in rule.check(ctx):
                    if f is not None:
                        ctx.findings.append(f)
                spent[rule.code] = spent.get(rule.code, 0.0) + time.perf_counter() - t
        total = sum(spent.values())
        ranked = sorted(spent.items(), key=lambda kv: -kv[1])[:top]
        lines.append(f"{kind}: {len(texts)} documents; prefilter pass {plan_s * 1000:.0f} ms; "
                     f"{loaded} needed views, built in {load_s * 1000:.0f} ms; rules ran in {total * 1000:.0f} ms; "
                     f"slowest:")
        lines.extend(f"  {code:<8} {s * 1000:8.1f} ms  {100 * s / total:5.1f}%" for code, s in ranked)
    return "\n".join(lines)


def _editorial_texts(corpus: Path) -> list[tuple[str, str]]:
    return [(f.read_text(encoding="utf-8"), str(f)) for f in files_in(corpus) if f.suffix.lower() in EDITORIAL_KINDS]


# The parts of a Markdown document, in the order its loader builds them
# (formats/markdown.py), and what each one is.
PARTS = (("directives", "code and comments masked"), ("tags", "raw HTML read"), ("prose", "the views"),
         ("links", "the links"))


def view_profile(corpus: Path, top: int, repo: Path = REPO) -> str:
    """In process over the editorial corpus: the prefilter pass, each part of
    the documents that pass it (built one by one, in the loader's order), the
    second pass over the views, and each rule. A tree from before issue 18
    (--repo) builds a document whole: its views count as one part."""
    sys.path.insert(0, str(repo))
    from citelint.engine import Linter
    from citelint.formats import load
    from citelint.rule import Context
    from citelint.document import kind_for_path

    linter = Linter()
    texts = _editorial_texts(corpus)
    spent: dict[str, float] = {}
    parts = {name: 0.0 for name, _ in PARTS}
    plan_s = load_s = narrow_s = 0.0
    passed = ran = 0
    for text, path in texts:
        kind = kind_for_path(path)
        t = time.perf_counter()
        try:
            plan = linter.plan_for(path, kind)
        except TypeError:  # before issue 18: one plan for every kind
            plan = linter.plan_for(path)
        if kind == "html":
            doc = load(text, kind, path)
            load_s += time.perf_counter() - t
            t = time.perf_counter()
            rules = plan.select((text, doc.prose.text, "\n".join(lk.url for lk in doc.links)))
        else:
            rules = plan.select((text,))
        plan_s += time.perf_counter() - t
        if not rules:
            continue
        passed += 1
        if kind != "html":
            doc = load(text, kind, path)
            if getattr(doc, "_parts", None) is not None and kind == "markdown":
                for name, _ in PARTS:
                    t = time.perf_counter()
                    getattr(doc, name)
                    parts[name] += time.perf_counter() - t
            else:
                t = time.perf_counter()
                doc.prose, doc.links  # noqa: B018
                parts["prose"] += time.perf_counter() - t
            if kind == "markdown" and hasattr(linter, "_narrowed"):
                t = time.perf_counter()
                rules = linter._narrowed(doc, rules, plan.debris_in(rules) if hasattr(plan, "debris_in") else None)
                narrow_s += time.perf_counter() - t
        if not rules:
            continue
        ran += 1
        ctx = Context(doc, linter.settings, linter.evidence)
        for rule in rules:
            t = time.perf_counter()
            for f in rule.check(ctx):
                if f is not None:
                    ctx.findings.append(f)
            spent[rule.code] = spent.get(rule.code, 0.0) + time.perf_counter() - t
    total = sum(spent.values())
    ranked = sorted(spent.items(), key=lambda kv: -kv[1])[:top]
    lines = [f"{len(texts):,} documents, {sum(len(t) for t, _ in texts) / 1e6:.1f} M characters",
             f"prefilter pass: {plan_s * 1000:.0f} ms; {passed} documents passed it",
             f"HTML pages loaded whole (one tokenizer pass; the prefilter reads their prose): {load_s * 1000:.0f} ms"]
    lines += [f"  {what}: {parts[name] * 1000:.0f} ms" for name, what in PARTS if parts[name]]
    lines.append(f"second pass over the views (Markdown): {narrow_s * 1000:.0f} ms; rules ran on {ran} documents")
    lines.append(f"rules: {total * 1000:.0f} ms; slowest:")
    lines.extend(f"  {code:<8} {s * 1000:8.1f} ms  {100 * s / total:5.1f}%" for code, s in ranked)
    return "\n".join(lines)


def editorial(b: "Bench", cite: list[str], floor: list[str], corpus: Path, runs: int, top: int,
              repo: Path) -> list[tuple]:
    """Issue 18's figures on the editorial corpus: the table rows, and the targets."""
    files = [f for f in files_in(corpus) if f.suffix.lower() in EDITORIAL_KINDS]
    size = sum(f.stat().st_size for f in files)
    print(f"\n## Editorial corpus: {corpus} ({len(files):,} Markdown and HTML posts, {size:,} B)\n", flush=True)
    eb = Bench(runs)
    r = eb.measure("cite_ed", "citelint", f"{len(files):,} editorial", cite + [str(corpus)], size, len(files),
                   runs)
    f = eb.measure("floor_ed", "floor", f"{len(files):,} editorial", floor + [str(corpus)], size, len(files), runs)
    b.results.update(eb.results)
    print(eb.table())
    print(f"\nIn process:\n\n{view_profile(corpus, top, repo)}")
    return [(f"editorial corpus in one process: {r['mbs']:.1f} MB/s ({r['wall'] / f['wall']:.1f}x the floor's "
             f"time, {f['mbs']:.0f} MB/s)", ">= 10 MB/s", r["mbs"] >= 10),
            (f"peak memory over the whole editorial corpus: {r['rss']:.1f} MiB", "< 100 MiB", r["rss"] < 100)]


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
    ap.add_argument("--editorial", type=Path, default=DEFAULT_EDITORIAL,
                    help="the editorial corpus of Markdown and HTML posts (issue 18's figures)")
    ap.add_argument("--no-editorial", action="store_true")
    ap.add_argument("--repo", type=Path, default=REPO,
                    help="run citelint from this source tree (e.g. an older commit unpacked with "
                         "`git archive REV | tar -x -C DIR`)")
    args = ap.parse_args(argv)
    repo = args.repo.resolve()
    ENV["PYTHONPATH"] = os.pathsep.join([str(repo)] + [p for p in [os.environ.get("PYTHONPATH")] if p])

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
    helptext = subprocess.run([py, "-m", "citelint", "check", "--help"], capture_output=True, text=True,
                              env=ENV, cwd=corpus).stdout  # (-m puts the cwd first on sys.path)
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

    head = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()
    print(f"# citelint corpus benchmark: {repo} ({head or 'not a git checkout'})", flush=True)
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
    api = api_seconds(corpus, sub_txt, runs, repo)
    if "pl_500" in r:
        fast = r["pl_500"]["wall"] / r["cite_500"]["wall"]
        checks.append((f"500 txt subset vs proselint: {fast:.0f}x faster (through the Python API with a warm "
                       f"Linter: {api * 1000:.0f} ms, {r['pl_500']['wall'] / api:.0f}x)", ">= 50x", fast >= 50))
    else:
        checks.append((f"500 txt subset vs proselint: not measured (proselint not installed; the Python API with a "
                       f"warm Linter: {api * 1000:.0f} ms)", ">= 50x", None))
    cold = r["cite_1"]["wall"] * 1000
    checks.append((f"cold check of one 3 KB file: {cold:.0f} ms "
                   f"(interpreter + floor: {r['floor_1']['wall'] * 1000:.0f} ms)", "<= 120 ms", cold <= 120))
    peak = max(r["cite_txt"]["rss"], r["cite_md"]["rss"])
    checks.append((f"peak memory over the whole corpus: {peak:.1f} MiB", "< 100 MiB", peak < 100))

    texts = [f.read_text(encoding="utf-8") for f in txt_files]
    sizes = [m for m in (1, 3, 10, 30, 100, 300) if m <= max_mb]
    if len(sizes) >= 2:
        print("\n## Size series: 1 MB files of concatenated articles + generated debris\n", flush=True)
        table, ratio = linearity(size_series(b, cite, texts, sizes, 1.0, big_runs, "archive"))
        print(table)
        checks.append((f"time linear in archive size ({sizes[0]}-{sizes[-1]} MB): per-MB cost ratio {ratio:.2f}",
                       "ratio <= 1.3", ratio <= 1.3))
        print("\n## Size series: one document of each size\n", flush=True)
        one_doc = [m for m in (0.3, 1, 3, 10) if m <= max_mb]
        table, ratio = linearity(size_series(b, cite, texts, one_doc, None, big_runs, "document"))
        print(table)
        checks.append((f"time linear in document size ({one_doc[0]}-{one_doc[-1]} MB): per-MB cost ratio "
                       f"{ratio:.2f}", "ratio <= 1.3", ratio <= 1.3))
    issue18 = [(f"whole txt corpus vs one-regex floor: {slow:.2f}x the floor's time", "within 3x", slow <= 3),
               (f"cold check of one 3 KB file: {cold:.0f} ms, {r['cite_1']['wall'] / r['floor_1']['wall']:.2f}x "
                f"the floor's cold start ({r['floor_1']['wall'] * 1000:.0f} ms)", "within 2x",
                r["cite_1"]["wall"] <= 2 * r["floor_1"]["wall"])]
    ed = args.editorial.resolve()
    if not args.no_editorial and ed.is_dir():
        issue18 = editorial(b, cite, floor, ed, big_runs, args.top, repo) + issue18
    elif not args.no_editorial:
        print(f"\n(editorial corpus: {ed} not found; pass --editorial DIR)")
    print("\n## Targets (issue 18)\n")
    for what, target, ok in issue18:
        print(f"- {'PASS' if ok else 'FAIL'} {what}  [target {target}]")
    print("\n## Targets (issue 7)\n")
    for what, target, ok in checks:
        mark = "n/a " if ok is None else ("PASS" if ok else "FAIL")
        print(f"- {mark} {what}  [target {target}]")

    print(f"\n## Time per rule, in process (top {args.top})\n")
    print(rule_profile(corpus, args.top, repo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
