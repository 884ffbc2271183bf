"""The human report: one line per finding, then a summary."""
from __future__ import annotations

from collections import Counter

from ..model import Safety, Severity
from .common import Report, applicable, printable, statistics as rule_counts


def _color(enabled: bool):
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if enabled else text
    return paint


def write(report: Report, color: bool = False, statistics: bool = False) -> str:
    paint = _color(color)
    out = []
    if statistics:  # like ruff: the counts replace the findings
        out.extend(statistics_lines(report))
    else:
        for f in report.findings:
            mark = " [*]" if applicable(f, report.unsafe) else ""
            sev = "" if f.severity is Severity.ERROR else f" ({f.severity.value})"
            out.append(f"{paint(printable(f.path), '1')}:{f.line}:{f.column}: {paint(f.code, '1;31')}{mark} "
                       f"{printable(f.message)}{sev}")
    if report.show_fixes and report.applied:
        out.extend(fixes_lines(report, paint))
    n = len(report.findings)
    if n == 0 and not report.fixed:
        out.append("All checks passed!" if report.files else "No drafts found.")
        return "\n".join(out) + "\n"
    sev = Counter(f.severity.value for f in report.findings)
    detail = ", ".join(f"{sev[s]} {s}{'s' if sev[s] != 1 else ''}" for s in ("error", "warning", "info") if sev[s])
    noun = "finding" if n == 1 else "findings"
    if report.fix_mode:
        out.append(f"Found {n + report.fixed} {('finding' if n + report.fixed == 1 else 'findings')} "
                   f"({report.fixed} fixed, {n} remaining{': ' + detail if detail else ''}).")
    else:
        out.append(f"Found {n} {noun} ({detail}).")
    safe = sum(1 for f in report.findings if f.fix and f.fix.safety is Safety.SAFE)
    unsafe = sum(1 for f in report.findings if f.fix and f.fix.safety is Safety.UNSAFE)
    if safe and not report.fix_mode:
        out.append(f"[*] {safe} fixable with `citelint check --fix`.")
    if unsafe and not report.unsafe:
        out.append(f"({unsafe} more fixable with `--fix --unsafe-fixes`: they need an editor's judgement.)")
    elif unsafe and not report.fix_mode:
        out.append(f"[*] {unsafe} more fixable with `--fix --unsafe-fixes`.")
    return "\n".join(out) + "\n"


def fixes_lines(report: Report, paint) -> list[str]:
    """--show-fixes: each applied fix, with what it removed and the link it touched."""
    out = [f"Fixed {len(report.applied)} {'finding' if len(report.applied) == 1 else 'findings'}:"]
    for a in report.applied:
        change = f"removed `{_short(a.removed, 200)}`" if not a.inserted else \
            f"replaced `{_short(a.removed, 200)}` with `{_short(a.inserted, 200)}`"
        link = f" (link: {a.url})" if a.url else ""
        out.append(f"  {paint(printable(a.path), '1')}:{a.line}:{a.column}: {paint(a.code, '1;32')} "
                   f"{printable(change)}{printable(link)}")
    return out


def statistics_lines(report: Report) -> list[str]:
    out = [f"{s['count']:>6}  {s['code']:<7} {'[*]' if s['fixable'] else '   '} {s['name']}"
           for s in rule_counts(report)]
    if report.stale:
        total = sum(n for _, n in report.stale)
        out.append(f"{total} baseline {'entry' if total == 1 else 'entries'} no longer found "
                   f"(fixed or changed; rewrite the baseline with --write-baseline):")
        for e, n in report.stale:
            times = f" (x{n})" if n > 1 else ""
            out.append(f"  {printable(e.path)}: {e.code} `{printable(_short(e.text))}`{times}")
    return out


def _short(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 1] + "\u2026"
