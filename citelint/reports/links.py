"""The link verdicts of an `--online` run (`--format links`, `--format links-json`):
every link the drafts cite, once, with what was found, as lychee's summary
lists them. The findings still decide the exit status."""
from __future__ import annotations

import json
from collections import Counter

from .common import JSON_VERSION, TOOL, VERSION, Report, json_text, printable

ORDER = ("ok", "dead", "soft-404", "elsewhere", "unverified", "blocked", "excluded")


def _summary(rows: list[dict]) -> dict:
    kinds = Counter(r["verdict"] for r in rows)
    out = {"links": len(rows)}
    out.update({k: kinds[k] for k in ORDER})
    out["redirected"] = sum(1 for r in rows if r["redirects"])
    out["cached"] = sum(1 for r in rows if r["cached"])
    return out


def write(report: Report, **_) -> str:
    rows = report.links or []
    if not rows:
        return "No links checked.\n"
    out = []
    for r in rows:
        status = str(r["status"]) if r["status"] is not None else "-"
        places = ", ".join(f"{printable(p['file'])}:{p['line']}" for p in r["cited"])
        line = f"{r['verdict']:<10} {status:>3}  {printable(r['url'])}  ({places})"
        if r["verdict"] != "ok" or r["redirects"]:
            line += f": {printable(r['reason'])}"
        if r["redirects"] and r["final_url"] and r["verdict"] == "ok":
            line += f", now {printable(r['final_url'])}"
        if r["archived_copy"]:
            line += f"; archived copy: {printable(r['archived_copy'])}"
        out.append(line)
    s = _summary(rows)
    counts = ", ".join(f"{s[k]} {k}" for k in ORDER if s[k])
    extra = [f"{s[k]} {k}" for k in ("redirected",) if s[k]]
    if s["cached"]:
        extra.append(f"{s['cached']} from the cache")
    out.append("")
    out.append(f"{s['links']} link{'s' if s['links'] != 1 else ''}: {counts}"
               + (f" ({', '.join(extra)})" if extra else "") + ".")
    return "\n".join(out) + "\n"


def write_json(report: Report, **_) -> str:
    rows = report.links or []
    body = {"version": JSON_VERSION, "tool": {"name": TOOL, "version": VERSION}, "summary": _summary(rows),
            "links": rows}
    return json_text(json.dumps(body, ensure_ascii=False, indent=2)) + "\n"  # valid UTF-8 for any file name
