"""Fix-safety oracles: does a fix keep a draft's structure, code and sources?

Independent of citelint's own views: Markdown is parsed by markdown-it-py
(CommonMark, footnotes, tables, strikethrough), HTML by BeautifulSoup. Each
check_* returns human-readable problems; an empty list means the fix is safe.
Used by tests/test_fix_oracle.py and benchmarks/precision_bench.py.
"""
from __future__ import annotations

import difflib
import html as htmllib
import itertools
import os
import re
import warnings
from collections import Counter

from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

_MD = MarkdownIt("commonmark").use(footnote_plugin).enable(["table", "strikethrough"])
_URL = re.compile(r"""(?:https?://|mailto:)[^\s<>"'`\]\[)(|\\]+""", re.I)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as CommonMark counts them
_EMPTY_CHECKED = {"a", "li", "em", "strong", "span", "p", "h1", "h2", "h3", "h4", "h5", "h6"}
_TRACKING = re.compile(r"(?i)utm_|referrer(?:=|$)")  # utm_* and referrer=grok.com
_VERBATIM = {"code", "pre", "script", "style", "kbd", "samp"}  # fixes never change their text


def normal_url(url: str) -> str:
    """`url` without query parameters named utm_* or referrer (AI tracking)."""
    base, hash_, frag = htmllib.unescape(url.strip()).partition("#")
    path, _, query = base.partition("?")
    kept = [p for p in query.split("&") if p and not _TRACKING.match(p)]
    return path + ("?" + "&".join(kept) if kept else "") + hash_ + frag


def changed_spans(before: str, after: str) -> list[tuple[int, int]]:
    """(start, end) in `before` of what a shortest edit script (Myers) deletes
    or replaces to make `after`; an insertion is (p, p)."""
    return [(s, e) for s, e, _ in edit_script(before, after)]


def edit_script(before: str, after: str, max_edits: int = 2000) -> list[tuple[int, int, str]]:
    """A shortest edit script as (start, end, replacement) in `before`. Past
    max_edits characters of difference: one edit from the first difference to the last."""
    p = len(os.path.commonprefix([before, after]))
    q = len(os.path.commonprefix([before[p:][::-1], after[p:][::-1]]))
    a, b = before[p:len(before) - q], after[p:len(after) - q]
    n, m, v, trace = len(a), len(b), {1: 0}, []
    for d in range(min(max_edits, n + m) + 1):
        trace.append(dict(v))
        for k in range(-d, d + 1, 2):
            x = v[k + 1] if k == -d or (k != d and v[k - 1] < v[k + 1]) else v[k - 1] + 1
            while x < n and x - k < m and a[x] == b[x - k]:
                x += 1
            v[k] = x
            if x >= n and x - k >= m:
                return _walk_back(trace, a, b, p)
    return [(p, p + n, b)]


def _walk_back(trace: list[dict], a: str, b: str, offset: int) -> list[tuple[int, int, str]]:
    """The edits along the Myers trace, from the end (len(a), len(b)) back to the start."""
    edits: list[tuple[int, int, str]] = []
    x, y = len(a), len(b)
    for d in range(len(trace) - 1, 0, -1):
        v, k = trace[d], x - y
        prev = k + 1 if k == -d or (k != d and v[k - 1] < v[k + 1]) else k - 1
        x, y = v[prev], v[prev] - prev  # back over the snake and the step
        end, ins = (x, b[y]) if prev == k + 1 else (x + 1, "")  # b[y] inserted at x, or a[x] deleted
        if edits and edits[-1][0] <= end:
            edits[-1] = (x, max(edits[-1][1], end), ins + edits[-1][2])
        else:
            edits.append((x, end, ins))
    return [(s + offset, e + offset, r) for s, e, r in reversed(edits)]


def _difference(want: list, got: list) -> str:
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op != "equal":
            return f"{op} {want[i1:i2][:3]} -> {got[j1:j2][:3]} at {i1}"
    return "?"


# --- sources ---------------------------------------------------------------------

def source_urls(text: str) -> set[str]:
    """Every http(s) or mailto URL in the raw text, tracking parameters dropped."""
    return {normal_url(m.group().rstrip(".,;:!?*_~")) for m in _URL.finditer(text)}


def lost_sources(before: str, after: str) -> list[str]:
    """URLs present before and absent after (tracking parameters aside)."""
    return sorted(source_urls(before) - source_urls(after))


# --- Markdown --------------------------------------------------------------------

def _md_parse(text: str) -> dict:
    env: dict = {}
    tokens = _MD.parse(text, env)
    blocks, links, code, empty, hardbreaks = [], [], [], [], 0
    for i, t in enumerate(tokens):
        if t.nesting == -1:
            continue
        if t.type != "inline":
            kind = t.type.removesuffix("_open")
            markup = t.markup if kind in ("heading", "bullet_list", "ordered_list", "list_item", "fence") else ""
            blocks.append(((t.level, kind, t.tag, markup), t.map))
        if t.type in ("fence", "code_block"):
            code.append(t.content)
        if t.type == "heading_open" and not tokens[i + 1].content.strip():
            empty.append("heading")
        if t.type == "list_item_open" and _item_empty(tokens, i):
            empty.append("list item")
        for j, c in enumerate(t.children or ()):
            if c.type == "hardbreak":
                hardbreaks += 1
            elif c.type == "code_inline":
                code.append(c.content)
            elif c.type in ("link_open", "image"):
                href = str(c.attrs.get("href" if c.type == "link_open" else "src", ""))
                label, image = _link_text(t.children, j) if c.type == "link_open" else (c.content, True)
                links.append((normal_url(href), label))
                if not label.strip() and not image:
                    empty.append("link " + href)
    notes = sorted(k[1:] for k in env.get("footnotes", {}).get("refs", {}))
    return {"blocks": blocks, "links": links, "code": code, "footnotes": notes,
            "hardbreaks": hardbreaks, "empty": empty}


def _item_empty(tokens, i: int) -> bool:
    inner = itertools.takewhile(lambda t: t.type != "list_item_close" or t.level != tokens[i].level, tokens[i + 1:])
    return not any(t.content.strip() or t.type == "hr" for t in inner)


def _link_text(children, j: int) -> tuple[str, bool]:
    """The text of the link opening at children[j], and whether it holds an image."""
    inner = list(itertools.takewhile(lambda c: c.type != "link_close", children[j + 1:]))
    return "".join(c.content for c in inner), any(c.type == "image" for c in inner)


def markdown_structure(text: str) -> list:
    """A comparable summary of a Markdown draft, as (name, value) pairs."""
    p = _md_parse(text)
    return [("blocks", [b for b, _ in p["blocks"]]), ("links", [u for u, _ in p["links"]]),
            ("code", p["code"]), ("footnotes", p["footnotes"]), ("hardbreaks", p["hardbreaks"]),
            ("headings", sum(b[1] == "heading" for b, _ in p["blocks"])), ("empty", p["empty"])]


def _line_sets(before: str, spans) -> tuple[set[int], set[int]]:
    """Line numbers that lost a character, and those that kept a non-blank one."""
    inside = bytearray(len(before) + 1)
    for s, e in spans:
        s, e = max(0, s), min(e, len(before))
        inside[s:e] = b"\x01" * max(0, e - s)
    touched, kept, pos = set(), set(), 0
    for n, line in enumerate(_LINES.findall(before)):
        if any(inside[pos:pos + len(line)]):
            touched.add(n)
        if any(not inside[pos + k] for k, ch in enumerate(line) if not ch.isspace()):
            kept.add(n)
        pos += len(line)
    return touched, kept


def check_markdown_fix(before: str, after: str, removed_spans=None) -> list[str]:
    """Problems a fix from `before` to `after` made in Markdown structure.
    Blocks, links and code wholly inside `removed_spans` may go (a lost link
    still shows in lost_sources)."""
    spans = changed_spans(before, after) if removed_spans is None else list(removed_spans)
    b, a = _md_parse(before), _md_parse(after)
    touched, kept = _line_sets(before, spans)
    removed = "\x00".join(before[s:e] for s, e in spans)
    problems = []
    want = [blk for blk, m in b["blocks"]
            if not (m and touched.intersection(range(*m)) and not kept.intersection(range(*m)))]
    got = [blk for blk, _ in a["blocks"]]
    if want != got:
        problems.append("block structure changed: " + _difference(want, got))
    for name, what in (("list_item", "list items"), ("heading", "headings")):
        w, g = sum(x[1] == name for x in want), sum(x[1] == name for x in got)
        if w != g:
            problems.append(f"{what}: {w} expected, {g} after the fix")
    links_gone = [u for u, label in b["links"] if u in removed or f"[{label}]" in removed]
    problems += _multiset("link targets", [u for u, _ in b["links"]], [u for u, _ in a["links"]], links_gone)
    problems += _multiset("code", b["code"], a["code"], [c for c in b["code"] if c in removed])
    lost_notes = [n for n in b["footnotes"] if n not in a["footnotes"] and f"[^{n}]:" not in removed]
    if lost_notes or set(a["footnotes"]) - set(b["footnotes"]):
        problems.append(f"footnote definitions changed: {b['footnotes']} -> {a['footnotes']}")
    if b["hardbreaks"] != a["hardbreaks"]:
        problems.append(f"hard line breaks: {b['hardbreaks']} before, {a['hardbreaks']} after")
    new_empty = Counter(a["empty"]) - Counter(b["empty"])
    if new_empty:
        problems.append(f"emptied by the fix: {sorted(new_empty.elements())}")
    return problems


def _multiset(what: str, before: list, after: list, may_go: list) -> list[str]:
    """A problem if `after` is not `before` less some of `may_go`."""
    missing, extra = Counter(before) - Counter(after), Counter(after) - Counter(before)
    missing.subtract(Counter(may_go))
    if not +missing and not extra:
        return []
    return [f"{what} changed: lost {sorted((+missing).elements())[:5]!r}, gained {sorted(extra.elements())[:5]!r}"]


# --- HTML ------------------------------------------------------------------------

def _html_parse(text: str) -> list[tuple[tuple, int, bool]]:
    """(entry, start offset, empty) for every element in document order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(text, "html.parser")
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for el in soup.descendants:
        if not isinstance(el, Tag):
            continue
        attrs = [(k, " ".join(v) if isinstance(v, list) else normal_url(v) if k in ("href", "src") else str(v))
                 for k in ("href", "src", "id", "class") if (v := el.get(k)) is not None]
        if el.name in _VERBATIM:
            attrs.append(("text", el.get_text()))
        line, col = el.sourceline, el.sourcepos
        start = line_starts[line - 1] + col if line and line <= len(line_starts) and col is not None else -1
        empty = el.name in _EMPTY_CHECKED and not el.get_text().strip() and el.find(True) is None
        out.append(((sum(1 for _ in el.parents) - 1, el.name, tuple(attrs)), start, empty))
    return out


def html_structure(text: str) -> list:
    """The element tree: (depth, tag, attributes) in document order; code,
    pre, script and style carry their text too."""
    return [entry for entry, _, _ in _html_parse(text)]


def check_html_fix(before: str, after: str, removed_spans=None) -> list[str]:
    """Problems a fix made in the element tree (elements that started inside
    `removed_spans` may go) and inline elements it emptied."""
    spans = changed_spans(before, after) if removed_spans is None else list(removed_spans)
    b, a = _html_parse(before), _html_parse(after)
    kept = [x for x in b if not any(s <= x[1] < e for s, e in spans)]
    want, got = [x[0] for x in kept], [x[0] for x in a]
    if want == got:
        return [f"emptied <{x[0][1]}> {dict(x[0][2])}" for x, y in zip(kept, a) if y[2] and not x[2]]
    emptied = Counter(x[0][1] for x in a if x[2]) - Counter(x[0][1] for x in kept if x[2])
    return ["element tree changed: " + _difference(want, got)] + [
        f"emptied <{tag}> (x{n})" for tag, n in sorted(emptied.items())]


# --- edits -----------------------------------------------------------------------

_TIDY = set(" \t\r\n.,;:!?()\u201d\u2019")


def outside_spans_unchanged(before: str, after: str, edits, tidy: bool = False) -> bool:
    """Whether applying exactly `edits` to `before` gives `after`. With tidy=True,
    also allow what the fixer tidies at each site: spaces, line breaks and
    stranded punctuation removed, one space put back."""
    out, sites, last, size = [], [], 0, 0
    for s, e, r in sorted(edits, key=lambda x: (x[0], x[1])):
        if s < last:
            return False  # overlapping edits
        out += [before[last:s], r]
        size += s - last + len(r)
        sites.append(size)
        last = e
    raw = "".join(out) + before[last:]
    if raw == after or not tidy:
        return raw == after
    for i1, i2, new in edit_script(raw, after):
        if not any(i1 - 2 <= p <= i2 + 2 for p in sites) or not set(raw[i1:i2]) <= _TIDY:
            return False
        if new not in ("", " ") or (not new and raw[i1 - 1:i1].isalnum() and raw[i2:i2 + 1].isalnum()):
            return False  # tidying puts back at most one space, and never glues two words
    return True
