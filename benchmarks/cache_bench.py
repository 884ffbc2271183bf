"""The findings cache on a large tree: a warm run against --no-cache.

Generates --files small drafts (30,000 by default: more than the 20,000
entries the cache once held, when a warm run over such a tree evicted its own
entries and was slower than no cache at all), then times the real command line:

    python benchmarks/cache_bench.py [--files 30000] [--repeat 3] [--repo PATH]

`--repo` runs another source tree (e.g. `git worktree add /tmp/old REV`), to
compare before and after. Prints the best of --repeat runs for each case.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parallel_bench import generate, timed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=30_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", default="1")
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="citelint-cache-bench-"))
    try:
        drafts = root / "drafts"
        generate(drafts, a.files)
        size = sum(p.stat().st_size for p in drafts.rglob("*.md"))
        env = dict(os.environ, CITELINT_CACHE_DIR=str(root / "cache"), PYTHONPATH=a.repo,
                   XDG_CACHE_HOME=str(root / "user-cache"))
        print(f"{a.files} drafts, {size / 1e6:.1f} MB, source {a.repo}, --jobs {a.jobs}, "
              f"load average {os.getloadavg()[0]:.1f}; best of {a.repeat} runs (wall clock, CPU)")
        args = ["drafts", "--jobs", a.jobs]
        runs: dict[str, list] = {"no cache": [], "cold cache": [], "warm cache": []}
        for _ in range(a.repeat):  # the cases take turns, so a busy spell hits them alike
            runs["no cache"].append(timed([*args, "--no-cache"], root, env))
            shutil.rmtree(root / "cache", ignore_errors=True)
            runs["cold cache"].append(timed(args, root, env))
            timed(args, root, env)  # a first warm run settles what the cold one left
            runs["warm cache"].append(timed(args, root, env))
        best = {k: min(v) for k, v in runs.items()}
        for label, t in best.items():
            print(f"{label:<12}{t[0]:7.2f} s wall {t[1]:7.2f} s CPU  {a.files / t[0]:7.0f} files/s")
        print(f"warm cache against --no-cache: {best['no cache'][0] / best['warm cache'][0]:.2f}x faster")
        cache_size = sum(p.stat().st_size for p in (root / "cache").rglob("*") if p.is_file())
        print(f"cache on disk: {cache_size / 1e6:.1f} MB; load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
