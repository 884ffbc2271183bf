#!/usr/bin/env python3
"""False alarms and fix safety on clean corpora: findings per 1,000 documents.

    python benchmarks/precision_bench.py [--editorial DIR] [--news DIR] [--oracle]
                                         [--diffs N] [--limit N] [--json FILE] [--repo DIR]

The corpora default to ../shared/corpus/editorial (human-edited Markdown and
HTML from before 2023: every finding there is a false alarm) and
../shared/corpus/news (BBC text and Markdown, 2004-2005) beside the
repository; a missing one is skipped. For each corpus: findings per rule and
severity per 1,000 documents, then the safe and the unsafe fix over every
document (files changed, and a diff excerpt of the first N), and with
--oracle the structure oracles of tests/structure_oracle.py on every changed
file (CommonMark block structure, link targets, footnotes, hard breaks,
emptied elements, lost sources). --repo runs another source tree's citelint
(e.g. `git archive REV | tar -x -C /tmp/old`). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTENSIONS = (".md", ".markdown", ".html", ".htm", ".txt")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def corpus_files(root: Path, limit: int | None) -> list[Path]:
    """The documents under root, sorted; not README.md at the root, MANIFEST.tsv or LICENSES/."""
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(folder) == root and d == "LICENSES"))
        for name in sorted(files):
            if not name.lower().endswith(EXTENSIONS) or (Path(folder) == root and name == "README.md"):
                continue
            out.append(Path(folder) / name)
    return out[:limit] if limit else out


def read_docs(root: Path, limit: int | None) -> tuple[list[tuple[str, str, str]], int]:
    from citelint.document import kind_for_path
    docs, undecodable = [], 0
    for path in corpus_files(root, limit):
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            undecodable += 1
            continue
        docs.append((rel, kind_for_path(rel), text))
    return docs, undecodable


def _clip(line: str, other: str, width: int = 150) -> str:
    """A long diff line ("-..." or "+...") cut to a window around where it
    differs from `other`, its counterpart on the other side."""
    if len(line) <= width:
        return line
    body, twin = line[1:], other[1:]
    p = next((i for i, (x, y) in enumerate(zip(body, twin)) if x != y), min(len(body), len(twin)))
    a = max(0, p - width // 3)
    return line[0] + ("\u2026" if a else "") + body[a:a + width] + ("\u2026" if a + width < len(body) else "")


def diff_excerpt(rel: str, before: str, after: str, max_lines: int = 12, max_hunks: int = 4) -> list[str]:
    """Changed hunks only (no context), at most max_lines lines each."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm=""))[2:]
    hunks: list[list[str]] = []
    for line in diff:
        if line.startswith("@@"):
            hunks.append([line])
        elif hunks:
            hunks[-1].append(line)
    out = [f"--- {rel} ({len(hunks)} hunk{'s' * (len(hunks) != 1)})"]
    for hunk in hunks[:max_hunks]:
        minus = [x for x in hunk if x.startswith("-")]
        plus = [x for x in hunk if x.startswith("+")]
        twin = dict(zip(minus, plus)) | dict(zip(plus, minus))
        out += [_clip(x, twin.get(x, " ")) for x in hunk[:max_lines]]
        if len(hunk) > max_lines:
            out.append(f"    ... {len(hunk) - max_lines} more lines")
    if len(hunks) > max_hunks:
        out.append(f"    ... {len(hunks) - max_hunks} more hunks")
    return out


def oracle_problems(oracle, kind: str, before: str, after: str) -> list[str]:
    spans = oracle.changed_spans(before, after)
    problems = []
    if kind == "markdown":
        problems += oracle.check_markdown_fix(before, after, spans)
    if kind == "html" or (kind == "markdown" and "<" in before):
        problems += ["html: " + p for p in oracle.check_html_fix(before, after, spans)]
    problems += [f"lost source {u}" for u in oracle.lost_sources(before, after)]
    return problems


def bench_corpus(name: str, root: Path, args, oracle) -> dict:
    import citelint
    t0 = time.perf_counter()
    docs, undecodable = read_docs(root, args.limit)
    n = len(docs)
    per_k = 1000 / n if n else 0
    t1 = time.perf_counter()
    findings_by: dict[str, list] = {}
    by_rule: Counter = Counter()
    by_sev: Counter = Counter()
    for rel, kind, text in docs:
        fs = citelint.check_text(text, kind=kind, path=rel)
        findings_by[rel] = fs
        for f in fs:
            by_rule[(f.code, f.severity.value)] += 1
            by_sev[f.severity.value] += 1
    t2 = time.perf_counter()
    total = sum(by_sev.values())
    print(f"\n== {name}: {root}")
    print(f"documents {n} ({undecodable} not UTF-8, skipped); read {t1 - t0:.2f} s; check {t2 - t1:.2f} s")
    print(f"findings {total}; error+warning {(by_sev['error'] + by_sev['warning']) * per_k:.1f} per 1,000 docs; "
          f"info {by_sev['info'] * per_k:.1f} per 1,000 docs; "
          f"documents with a finding {sum(1 for fs in findings_by.values() if fs)}")
    rows = sorted(by_rule.items(), key=lambda kv: (-kv[1], SEVERITY_ORDER[kv[0][1]], kv[0][0]))
    if rows:
        print(f"  {'rule':8} {'severity':8} {'count':>6} {'per 1k':>7}  example")
    examples = {}
    for rel, fs in findings_by.items():
        for f in fs:
            examples.setdefault((f.code, f.severity.value), f"{rel}:{f.line}: {f.message[:70]}")
    for (code, sev), count in rows:
        print(f"  {code:8} {sev:8} {count:6} {count * per_k:7.1f}  {examples[(code, sev)]}")
    result = {"corpus": name, "path": str(root), "documents": n, "undecodable": undecodable,
              "findings": total, "by_severity": dict(by_sev),
              "by_rule": [{"code": c, "severity": s, "count": k, "per_1000": round(k * per_k, 2)}
                          for (c, s), k in rows],
              "error_warning_per_1000": round((by_sev["error"] + by_sev["warning"]) * per_k, 2),
              "info_per_1000": round(by_sev["info"] * per_k, 2),
              "check_seconds": round(t2 - t1, 3), "fix": {}}
    safe_text: dict[str, str] = {}
    for mode, unsafe in (("safe", False), ("unsafe", True)):
        t3 = time.perf_counter()
        changed = []
        for rel, kind, text in docs:
            if not any(f.fix for f in findings_by[rel]):
                continue  # nothing to fix
            fixed = citelint.fix_text(text, kind=kind, path=rel, unsafe=unsafe).text
            if fixed != text:
                changed.append((rel, kind, text, fixed))
        t4 = time.perf_counter()

        def fix_codes(rel: str) -> list[str]:
            return sorted({f.code for f in findings_by[rel] if f.fix and (unsafe or f.fix.safety.value == "safe")})

        codes = Counter(c for rel, *_ in changed for c in fix_codes(rel))
        print(f"-- {mode} fix: {len(changed)} files changed ({t4 - t3:.2f} s); files by rule fixed: "
              + (", ".join(f"{c} {k}" for c, k in codes.most_common()) or "none"))
        shown = changed
        if mode == "safe":
            safe_text = {rel: fixed for rel, _, _, fixed in changed}
        else:
            shown = [c for c in changed if safe_text.get(c[0], c[2]) != c[3]]
            if changed:
                print(f"   {len(shown)} of them differ from the safe fix" + ("; their diffs:" if shown else ""))
        for rel, kind, text, fixed in shown[:args.diffs]:
            print("\n".join("   " + line for line in diff_excerpt(rel, text, fixed)))
        entry = {"files_changed": len(changed), "seconds": round(t4 - t3, 3),
                 "changed": [rel for rel, *_ in changed], "files_by_rule": dict(codes)}
        if oracle is not None and changed:
            t5 = time.perf_counter()
            bad = [(rel, fix_codes(rel), p) for rel, kind, text, fixed in changed
                   if (p := oracle_problems(oracle, kind, text, fixed))]
            t6 = time.perf_counter()
            kinds = Counter(re.match(r"(html: )?(emptied <\w+>|[a-z ]+)", x).group().strip()
                            for _, _, ps in bad for x in ps)
            print(f"   oracle ({mode}): {len(bad)} of {len(changed)} changed files with problems ({t6 - t5:.2f} s)"
                  + (": " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) if kinds else ""))
            for rel, fixed_by, problems in bad[:args.diffs]:
                more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
                print(f"     {rel} [{' '.join(fixed_by)}]: {problems[0][:180]}{more}")
            entry["oracle"] = [{"path": rel, "rules": r, "problems": p} for rel, r, p in bad]
        result["fix"][mode] = entry
    print(f"elapsed {time.perf_counter() - t0:.2f} s")
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--editorial", type=Path, default=REPO.parent / "shared" / "corpus" / "editorial")
    ap.add_argument("--news", type=Path, default=REPO.parent / "shared" / "corpus" / "news")
    ap.add_argument("--oracle", action="store_true", help="run the structure oracles on every changed file")
    ap.add_argument("--diffs", type=int, default=10, help="diff excerpts (and oracle problems) shown per pass")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents of each corpus")
    ap.add_argument("--json", type=Path, default=None, help="write every figure to this file")
    ap.add_argument("--repo", type=Path, default=REPO, help="the citelint source tree to run (default: this one)")
    args = ap.parse_args(argv)
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo))
    oracle = None
    if args.oracle:
        sys.path.insert(0, str(REPO / "tests"))
        import structure_oracle as oracle
    import citelint
    git = subprocess.run(["git", "-C", str(repo), "describe", "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip() or "not a git checkout"
    print(f"citelint {citelint.__version__} from {Path(citelint.__file__).parent} ({git})")
    results = []
    for name, root in (("editorial", args.editorial), ("news", args.news)):
        if not root.is_dir():
            print(f"{name}: no corpus at {root}, skipped")
            continue
        results.append(bench_corpus(name, root.resolve(), args, oracle))
    if args.json:
        args.json.write_text(json.dumps({"citelint": citelint.__version__, "source": git, "corpora": results}, indent=1) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
