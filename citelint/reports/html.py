"""The editor's report: one self-contained page with each draft's text and every
finding highlighted in place. Draft text is hostile input: every piece of it is
escaped, and the page's Content-Security-Policy only lets its own inline style
and script run, so even a mistake here could not run a draft's `<script>`."""
from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter, defaultdict

from ..model import Safety
from .common import HTML_ILLEGAL, TOOL, VERSION, Report, applicable, docs_url, escape_chars, statistics
from .html_assets import CSS, JS

_WINDOW = 40   # characters of context either side of a fix's before/after


def esc(s) -> str:
    """Escaped for HTML; characters HTML forbids (controls, noncharacters, a file
    name's undecodable bytes) shown as backslash escapes, as the text report does."""
    return html.escape(escape_chars(str(s), HTML_ILLEGAL), quote=True)


def _csp_hash(s: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _show(s: str) -> str:
    """Escaped, with line breaks and tabs made visible (they matter in a fix)."""
    return esc(s).replace("\r\n", "\u21b5").replace("\n", "\u21b5").replace("\r", "\u21b5").replace("\t", "\u21e5")


def before_after(text: str, fix) -> tuple[str, str]:
    """HTML for a fix's site before and after it, with a little context."""
    edits = sorted(fix.edits)
    a = max(0, edits[0].start - _WINDOW)
    b = min(len(text), edits[-1].end + _WINDOW)
    for nl in ("\n", "\r"):  # stay on the fix's own lines
        k = text.rfind(nl, a, edits[0].start)
        a = max(a, k + 1) if k >= 0 else a
        k = text.find(nl, edits[-1].end, b)
        b = min(b, k) if k >= 0 else b
    before, after, pos = [], [], a
    for e in edits:
        ctx = _show(text[pos:e.start])
        before.append(ctx)
        after.append(ctx)
        if e.end > e.start:
            before.append(f"<del>{_show(text[e.start:e.end])}</del>")
        if e.text:
            after.append(f"<ins>{_show(e.text)}</ins>")
        pos = e.end
    tail = _show(text[pos:b])
    lead = "\u2026" if a > 0 and text[a - 1] not in "\r\n" else ""
    trail = "\u2026" if b < len(text) and text[b] not in "\r\n" else ""
    return (lead + "".join(before) + tail + trail, lead + "".join(after) + tail + trail)


def _note(f, text: str | None, described) -> str:
    parts = [f'<span class="note sev-{esc(f.severity.value)}">',
             f'<b>{esc(f.code)}</b> <span class="sev sev-{esc(f.severity.value)}">{esc(f.severity.value)}</span> '
             f'<span class="where">{esc(f.name)} \u00b7 line {f.line}, column {f.column}</span>',
             f'<span class="msg">{esc(f.message)}</span>']
    if f.fix is not None:
        how = ("safe fix: <code>citelint check --fix</code>" if f.fix.safety is Safety.SAFE
               else "unsafe fix, an editor decides: <code>--fix --unsafe-fixes</code>")
        parts.append(f'<span class="fix">{esc(f.fix.title or "Fix")} ({how})</span>')
        if text is not None:
            bef, aft = before_after(text, f.fix)
            parts.append(f'<span class="ba"><span><span class="lab">Before: </span>{bef}</span>'
                         f'<span><span class="lab">After: </span>{aft}</span></span>')
    parts.append(f'<a href="{esc(_about_href(f.code, described))}">About {esc(f.code)}<span class="sr-only"> '
                 f'({esc(f.name)}), documentation</span></a></span>')
    return "".join(parts)


def _about_href(code: str, described) -> str:
    """A rule's documentation: on this page when the page carries it (offline), else the site."""
    return f"#rule-{code}" if code in described else docs_url(code)


def _inline(text: str) -> str:
    """A rule's prose, escaped, with `code` spans kept as code."""
    parts = esc(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)) if len(parts) % 2 else esc(text)


def _rule_section(rule) -> str:
    """What a rule finds, why it matters, its fix safety and one example, as
    `citelint rule CODE` prints them, so the report works offline."""
    from ..ruledoc import FIX_SAFETY, NO_FIX  # deferred
    fix = FIX_SAFETY.get(rule.fix_safety.value if rule.fix_safety else "", NO_FIX)
    example = next((e for e in rule.examples if not e.trap and e.fixed is not None), None) or \
        next((e for e in rule.examples if not e.trap), None)
    shown = ""
    if example is not None:
        shown = f'<dt>Example</dt><dd><pre class="ex">{esc(example.text.rstrip())}</pre>'
        if example.fixed is not None:
            shown += f'<span class="lab">Fixed: </span><pre class="ex">{esc(example.fixed.rstrip())}</pre>'
        shown += "</dd>"
    code = esc(rule.code)
    return (f'<section class="rule" id="rule-{code}" aria-labelledby="rule-{code}-h">'
            f'<h3 id="rule-{code}-h">{code} <span class="where">{esc(rule.name)}</span></h3><dl>'
            f'<dt>What it finds</dt><dd>{_inline(rule.summary)}</dd>'
            f'<dt>Why it matters</dt><dd>{_inline(rule.why)}</dd>'
            f'<dt>Fix</dt><dd>{_inline(fix)}</dd>{shown}</dl>'
            f'<p><a href="{esc(docs_url(rule.code))}">{code} on the documentation site</a> '
            f'(traps it must not fire on, every example)</p></section>')


def _rules_section(report: Report) -> str:
    codes = sorted({f.code for f in report.findings} & set(report.rules))
    if not codes:
        return ""
    return ('<section aria-labelledby="rules-h"><h2 id="rules-h">About the rules</h2>'
            + "".join(_rule_section(report.rules[c]) for c in codes) + "</section>\n")


def _clusters(findings):
    """Group findings whose spans overlap: each group is highlighted once."""
    groups: list[list] = []
    end = -1
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if groups and f.start < end:
            groups[-1].append(f)
            end = max(end, f.end)
        else:
            groups.append([f])
            end = f.end
    return groups


_RANK = {"error": 0, "warning": 1, "info": 2}


def _draft_text(text: str, findings, ids: dict, total: int, described) -> str:
    out, pos = [], 0
    for group in _clusters(findings):
        start = max(pos, min(f.start for f in group))
        end = max(start, min(len(text), max(f.end for f in group)))
        out.append(esc(text[pos:start]))
        worst = min((f.severity.value for f in group), key=lambda s: _RANK.get(s, 3))
        first = ids[id(group[0])]
        codes = ", ".join(dict.fromkeys(f.code for f in group))
        label = (f"Finding {first} of {total}: {codes}, {worst}." if len(group) == 1
                 else f"Findings {first} to {first + len(group) - 1} of {total}: {codes}.")
        body = esc(text[start:end]) if end > start else '<span aria-hidden="true">\u2038</span>'
        point = "" if end > start else " point"
        notes = "".join(_note(f, text, described) for f in group)
        out.append(f'<span class="finding sev-{esc(worst)}">'
                   f'<span class="sr-only">[{esc(label)}] </span>'
                   f'<mark class="hl{point}" id="f{first}" tabindex="0" aria-describedby="tip{first}">{body}</mark>'
                   f'<span class="sr-only"> [end of finding]</span>'
                   f'<span class="tip" id="tip{first}">{notes}</span></span>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _summary(report: Report, first_id: dict, described) -> str:
    stats = statistics(report)
    sev = {f.code: f.severity.value for f in report.findings}
    rows = []
    for s in stats:
        rows.append(
            f'<tr><td><a href="{esc(_about_href(s["code"], described))}">{esc(s["code"])}</a></td>'
            f'<td class="hide-narrow">{esc(s["name"])}</td>'
            f'<td><span class="sev sev-{esc(sev[s["code"]])}">{esc(sev[s["code"]])}</span></td>'
            f'<td class="num"><a href="#f{first_id[s["code"]]}" aria-label="{s["count"]} '
            f'{esc(s["code"])} findings, go to the first">{s["count"]}</a></td>'
            f'<td class="num">{s["fixable"]}</td></tr>')
    if not rows:
        return '<p>No findings: every draft passed.</p>'
    return ('<div class="table-wrap"><table><caption class="sr-only">Findings by rule, most frequent first</caption>'
            '<thead><tr><th scope="col">Rule</th><th scope="col" class="hide-narrow">Name</th>'
            '<th scope="col">Severity</th><th scope="col" class="num">Findings</th>'
            '<th scope="col" class="num">Fixable</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def _finding_list(findings, ids: dict, text: str | None, described) -> str:
    items = []
    for f in findings:
        link = f'<a href="#f{ids[id(f)]}">line {f.line}, column {f.column}</a>' if text is not None else \
            f"line {f.line}, column {f.column}"
        fix = ""
        if f.fix is not None and text is not None:
            bef, aft = before_after(text, f.fix)
            fix = (f'<span class="ba"><span><span class="lab">Before: </span>{bef}</span>'
                   f'<span><span class="lab">After: </span>{aft}</span></span>')
        anchor = f' id="f{ids[id(f)]}"' if text is None else ""  # no highlight to point at
        items.append(f'<li class="sev-{esc(f.severity.value)}"{anchor}>{link}: <b>{esc(f.code)}</b> '
                     f'<span class="sev">{esc(f.severity.value)}</span> {esc(f.message)} '
                     f'(<a href="{esc(_about_href(f.code, described))}">docs<span class="sr-only"> for {esc(f.code)}</span></a>)'
                     f'{fix}</li>')
    return "<ol class=\"list\">" + "".join(items) + "</ol>"


def _number(paths, by_path) -> tuple[dict[int, int], dict[str, int]]:
    """Number findings in reading order (by object, for this page only); a
    cluster shares its first number's anchor. Also each rule's first anchor."""
    ids: dict[int, int] = {}
    first_id: dict[str, int] = {}
    n = 0
    for p in paths:
        for group in _clusters(by_path[p]):
            lead = n + 1
            for f in group:
                n += 1
                ids[id(f)] = n
                first_id.setdefault(f.code, lead)
    return ids, first_id


def write(report: Report, **_) -> str:
    described = {f.code for f in report.findings} & set(report.rules)  # documented on the page itself
    by_path: dict[str, list] = defaultdict(list)
    for f in report.findings:
        by_path[f.path].append(f)
    paths = [p for p in report.paths if p in by_path] + [p for p in by_path if p not in report.paths]
    ids, first_id = _number(paths, by_path)
    total = len(report.findings)
    sev = Counter(f.severity.value for f in report.findings)
    detail = ", ".join(_plural(sev[s], s) for s in ("error", "warning", "info") if sev[s])
    fixable = sum(1 for f in report.findings if applicable(f, report.unsafe))
    lede = (f"{_plural(total, 'finding')} in {_plural(len(paths), 'draft')}"
            f"{' (' + detail + ')' if detail else ''}, out of {_plural(report.files, 'draft')} checked."
            if total else f"No findings in {_plural(report.files, 'draft')} checked.")
    if fixable:
        lede += f" {fixable} can be removed by <code>citelint check --fix</code>."
    if report.fixed:
        lede += f" {report.fixed} already fixed in this run."

    drafts, nav = [], []
    for k, p in enumerate(paths, 1):
        text = report.sources.get(p)
        found = by_path[p]
        nav.append(f'<li><a href="#draft{k}">{esc(p)}</a> ({_plural(len(found), "finding")})</li>')
        body = (f'<pre class="text">'
                f'{_draft_text(text, found, ids, total, described)}</pre>' if text is not None
                else "<p>(The draft's text is not available.)</p>")
        drafts.append(
            f'<section class="draft" id="draft{k}" aria-labelledby="draft{k}-h">'
            f'<h2 id="draft{k}-h">{esc(p)} <span class="count">{_plural(len(found), "finding")}</span></h2>'
            f'{body}<details><summary>All findings in {esc(p)}</summary>'
            f'{_finding_list(found, ids, text, described)}</details></section>')

    csp = (f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(JS)}; "
           f"img-src 'none'; form-action 'none'; base-uri 'none'")
    title = f"citelint report: {_plural(total, 'finding')}"
    return "".join([
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f'<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n',
        '<a class="skip" href="#drafts">Skip to the drafts</a>\n<header>\n',
        f'<h1>{esc(TOOL)} report</h1>\n<p class="lede">{lede}</p>\n',
        '<p class="keys">Point at or tab to a highlight to read its finding. '
        '<kbd>j</kbd> and <kbd>k</kbd> jump to the next and previous finding; <kbd>Esc</kbd> hides a note.</p>\n',
        '</header>\n<main>\n<section aria-labelledby="summary-h">\n<h2 id="summary-h">Summary by rule</h2>\n',
        _summary(report, first_id, described), '\n',
        (f'<nav aria-label="Drafts with findings"><ul class="files">{"".join(nav)}</ul></nav>\n' if nav else ""),
        '</section>\n<div id="drafts">\n', "\n".join(drafts), '\n</div>\n', _rules_section(report), '</main>\n',
        f'<footer>Made by {esc(TOOL)} {esc(VERSION)}. This page is self-contained and loads nothing.</footer>\n',
        f'<script>{JS}</script>\n</body>\n</html>\n',
    ])
