"""Fixes judged by an independent oracle (tests/structure_oracle.py): a
CommonMark parser and BeautifulSoup, not citelint's own views.

Drafts are built from clean editorial blocks (headings, lists, reference
links, footnotes, tables, code, tweet embeds, hard breaks, links with
newsletter utm parameters) with genuine assistant debris spliced into their
prose. For the safe and the unsafe fix: the structure is kept, no source
link is lost, and fixing again changes nothing. Handwritten clean drafts full
of false-positive traps must draw no error or warning and no fix.

Examples per test: a third of the hypothesis profile's (tests/conftest.py),
so "ci" runs 100 and HYPOTHESIS_PROFILE=nightly 666.
"""
from __future__ import annotations

import html as htmllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citelint
from citelint import fixer
from structure_oracle import (check_html_fix, check_markdown_fix, lost_sources,
                              outside_spans_unchanged)

ORACLE = settings(max_examples=max(10, settings().max_examples // 3), deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ["council", "voted", "budget", "prices", "rose", "officials", "said", "the", "report", "on",
         "Monday", "Karachi", "turnout", "schools", "water", "minister", "4", "percent", "new"]
URLS = ["https://example.org/budget", "https://www.dawn.com/news/1820000",
        "https://example.org/report?utm_source=newsletter&utm_medium=email", "https://x.org/a?id=7",
        "https://apnews.com/article/69855ab8?utm_campaign=spring#top"]
# Debris as pasted: (text, where) with where "in" (before the full stop) or "after" (after it).
DEBRIS = [(" :contentReference[oaicite:0]{index=0}", "in"), (" [cite: 4]", "in"), ("[cite: 4, 5]", "after"),
          ("\u30104\u2020source\u3011", "in"), (" [web:1]", "in"), ("[web:1]", "after"),
          (" ::contentReference[oaicite:2]{index=2}", "in"), (" \u3010turn0search1\u3011", "in"),
          # artefacts that carry a source: the fix must keep the link (issue 12)
          (" [oai_citation:3\u2021The Hindu](https://www.thehindu.com/news/x.ece?utm_source=chatgpt.com)", "in"),
          (" [oai_citation:0](https://example.net/report?id=7&utm_source=openai)", "in"),
          (" [AP News +1](https://apnews.com/article/abc)", "after"),
          (" [Al Jazeera +2 BBC +2 aljazeera.com +2](https://www.aljazeera.com/news/x)", "after")]
CHIP = " Reuters +2"  # a source chip: only after the last sentence of a paragraph
AI_TRACKING = "utm_source=chatgpt.com"


def _with_tracking(url: str) -> str:
    base, hash_, frag = url.partition("#")
    return base + ("&" if "?" in base else "?") + AI_TRACKING + hash_ + frag


words = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(" ".join)
url = st.sampled_from(URLS)
tracked_url = st.tuples(url, st.booleans()).map(lambda t: _with_tracking(t[0]) if t[1] else t[0])


TRAPS = {"markdown": ["(Instagram, TikTok)", "at UTC+5:30", "in [0, 255]", "argv[0]", "python3.[89]",
                      "Dana Roe ([@danaroe](https://twitter.com/danaroe))"],
         "html": ["(Instagram, TikTok)", "at UTC+5:30", "in [0, 255]", "argv[0]",
                  'Dana Roe (<a href="https://twitter.com/danaroe">@danaroe</a>)']}


def _debris(draw, text: str, stop: str = ".", in_only: bool = False) -> str:
    """text ended by `stop`, maybe with debris just before or after it."""
    if not draw(st.booleans()):
        return text + stop
    junk, where = draw(st.sampled_from([d for d in DEBRIS if d[1] == "in" or not in_only]))
    return text + junk + stop if where == "in" else text + stop + junk


@st.composite
def sentence(draw, fmt: str, debris: bool = True, in_only: bool = False) -> str:
    """A sentence with an inline element or two and maybe debris at its end
    (in_only: only before the full stop)."""
    parts = [draw(words).capitalize()]
    for _ in range(draw(st.integers(0, 2))):
        w, u = draw(words), draw(tracked_url)
        if fmt == "markdown":
            parts.append(draw(st.sampled_from([f"[{w}]({u})", f"[{w}][1]", "`argv[1]`", "[^1]", w])))
        else:
            parts.append(draw(st.sampled_from([f'<a href="{htmllib.escape(u)}">{w}</a>',
                                               "<em>" + w + "</em>", "<code>argv[1]</code>", w])))
        parts.append(draw(st.one_of(words, st.sampled_from(TRAPS[fmt]))))
    text = " ".join(parts)
    return _debris(draw, text, ".", in_only) if debris else text + "."


@st.composite
def paragraph(draw, fmt: str) -> str:
    text = " ".join(draw(st.lists(sentence(fmt), min_size=1, max_size=3)))
    return text + CHIP if draw(st.integers(0, 4)) == 0 else text


@st.composite
def label(draw) -> str:
    """A heading or a table cell: words, maybe with debris after them."""
    return _debris(draw, draw(words).capitalize(), "", in_only=True)


TWEET = ('<blockquote class="twitter-tweet"><p>{w} pic.twitter.com/abc</p>&mdash; Dana Roe (@danaroe) '
         '<a href="https://twitter.com/x/status/1">May 1, 2016</a></blockquote>')


@st.composite
def markdown_doc(draw) -> str:
    p = paragraph("markdown")
    block = st.one_of(
        p, p,
        st.tuples(st.integers(1, 3), label()).map(lambda t: "#" * t[0] + " " + t[1]),
        st.lists(paragraph("markdown"), min_size=1, max_size=4).map(lambda xs: "\n".join("- " + x for x in xs)),
        st.lists(sentence("markdown"), min_size=1, max_size=4).map(
            lambda xs: "\n".join(f"{i}. {x}" for i, x in enumerate(xs, 1))),
        st.lists(sentence("markdown"), min_size=2, max_size=3).map("  \n".join),  # hard breaks
        st.lists(st.tuples(label(), st.sampled_from(["+1", "-2", "12", "+3"])), min_size=1, max_size=3).map(
            lambda rows: "| Party | Change |\n| --- | --- |\n" + "\n".join(f"| {w} | {n} |" for w, n in rows)),
        st.sampled_from(["```python\nx = sys.argv[1] + [0]\nprint(x, '+3', '@handle')\n```",
                         "```\nitems[0] = 1  # [cite: 4] stays: code\n```",
                         "    argv[0] [web:1]"]),
        words.map(lambda w: TWEET.format(w=w.capitalize())),
    )
    blocks = draw(st.lists(block, min_size=1, max_size=7))
    body = "\n\n".join(blocks)
    if "][1]" in body:  # definitions only for what the draft uses: an unused one is not clean
        blocks.append("[1]: " + draw(url))
    if "[^1]" in body:
        blocks.append("[^1]: The clerk recorded the vote.")
    return "\n\n".join(blocks) + "\n"


@st.composite
def html_doc(draw) -> str:
    p = paragraph("html").map(lambda s: f"<p>{s}</p>")
    items = st.lists(paragraph("html"), min_size=1, max_size=4).map(lambda xs: "".join(f"<li>{x}</li>" for x in xs))
    block = st.one_of(
        p, p,
        st.tuples(st.integers(1, 3), label()).map(lambda t: f"<h{t[0]}>{t[1]}</h{t[0]}>"),
        items.map(lambda s: f"<ul>{s}</ul>"), items.map(lambda s: f"<ol>{s}</ol>"),
        st.lists(sentence("html"), min_size=2, max_size=3).map(lambda xs: "<p>" + "<br>\n".join(xs) + "</p>"),
        st.lists(st.tuples(label(), st.sampled_from(["+1", "-2", "+3"])), min_size=1, max_size=3).map(
            lambda rows: "<table>" + "".join(f"<tr><td>{w}</td><td>{n}</td></tr>" for w, n in rows) + "</table>"),
        st.just("<pre><code>x = sys.argv[1] + [0]  # [cite: 4] @handle +3</code></pre>"),
        words.map(lambda w: TWEET.format(w=w.capitalize())),
        st.just('<p>Turnout rose.<sup><a href="#fn1" id="fnref1">1</a></sup></p>'
                '<ol class="notes"><li id="fn1">The clerk recorded the vote. <a href="#fnref1">back</a></li></ol>'),
    )
    return "\n".join(draw(st.lists(block, min_size=1, max_size=7))) + "\n"


def _problems(kind: str, before: str, after: str) -> list[str]:
    problems = check_markdown_fix(before, after) if kind == "markdown" else []
    problems += check_html_fix(before, after)  # raw HTML in Markdown too
    return problems + [f"lost source {u}" for u in lost_sources(before, after)]


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("kind", ["markdown", "html"])
@ORACLE
@given(data=st.data())
def test_fix_keeps_structure_and_sources(kind, unsafe, data):
    doc = data.draw(markdown_doc() if kind == "markdown" else html_doc(), label="draft")
    fixed = citelint.fix_text(doc, kind=kind, unsafe=unsafe).text
    assert not _problems(kind, doc, fixed), f"\n{doc}\n---\n{fixed}"
    assert citelint.fix_text(fixed, kind=kind, unsafe=unsafe).text == fixed, "fixing twice changes the text"


@pytest.mark.parametrize("kind", ["markdown", "html"])
@ORACLE
@given(data=st.data())
def test_first_pass_edits_only_its_spans(kind, data):
    doc = data.draw(markdown_doc() if kind == "markdown" else html_doc(), label="draft")
    fixes = [f.fix for f in citelint.check_text(doc, kind=kind) if f.fix]
    edits, _ = fixer.accept(fixes)
    after, _ = fixer.apply_fixes(doc, fixes)
    assert outside_spans_unchanged(doc, after, [(e.start, e.end, e.text) for e in edits], tidy=True)


# --- handwritten clean drafts: classic false-positive traps ----------------------

CLEAN_MARKDOWN = """\
# Council approves the 2024 budget

The council voted on Monday to approve the budget, said [Jane Roe][1], the
finance officer. The figures are in the [annual report][] and the
[minutes](https://example.org/minutes?utm_source=newsletter&id=7).[^1]

Dana Roe ([@danaroe](https://twitter.com/danaroe)) posted the count at 9pm  
and the clerk confirmed it an hour later.

## What changes

- Sensor readings are clamped to [0, 255] before they are stored.
- The scheduler shows times in UTC+5:30 for the Delhi office.
- The old script read its own name from argv[0] and ran on python3.[89] only.
- Complaints arrived on social media (Instagram, TikTok) within the hour.

Every C file in the repository still begins with #include <stdio.h>, as the
style guide asks.

| Party | Seats | Change |
| --- | --- | --- |
| Labour | 12 | +1 |
| Green | 3 | -1 |

```python
name = sys.argv[0]
values = data[0, 255]
```

[1]: mailto:jane@example.org
[annual report]: https://example.org/annual-report-2024.pdf
[^1]: The vote was recorded by the clerk.
"""

CLEAN_HTML = """\
<article>
<h1>Council approves the 2024 budget</h1>
<p>The council voted on Monday to approve the budget.<sup><a href="#fn1" id="fnref1">1</a></sup>
Dana Roe (<a href="https://twitter.com/danaroe">@danaroe</a>) posted the count at 9pm.</p>
<p>Every C file here still begins with <code>#include &lt;stdio.h&gt;</code>; the old tool read
argv[0], ran on python3.[89] only and clamped readings to [0, 255]. Times are in UTC+5:30.</p>
<h2>Tips from the training day</h2>
<ul>
<li>Clear slides +4</li>
<li>Short sentences +2</li>
<li>Posts on social media (Instagram, TikTok) drew most complaints.</li>
</ul>
<table>
<tr><th>Party</th><th>Change</th></tr>
<tr><td>Labour</td><td>+1</td></tr>
<tr><td>Green</td><td>-1</td></tr>
</table>
<ol class="footnotes">
<li id="fn1">The vote was recorded by the clerk. <a href="#fnref1">&#8617;</a></li>
</ol>
</article>
"""

# One trap per draft, so a failure names its trap: (id, kind, text).
TRAPS_CLEAN = [
    ("md-reference-mailto", "markdown", "Ask [Jane Roe][1] for the figures.\n\n[1]: mailto:jane@example.org\n"),
    ("md-collapsed-reference", "markdown",
     "The [annual report][] has the figures.\n\n[annual report]: https://example.org/report.pdf\n"),
    ("md-argv", "markdown", "The program name is argv[0], as in C.\n"),
    ("md-python-glob", "markdown", "It needs python3.[89] to run.\n"),
    ("md-interval", "markdown", "Readings are clamped to [0, 255].\n"),
    ("md-handle-link", "markdown", "Dana Roe ([@danaroe](https://twitter.com/danaroe)) posted it.\n"),
    ("md-utc-offset", "markdown", "Times are given in UTC+5:30.\n"),
    ("md-include", "markdown", "Every C file begins with #include <stdio.h> by convention.\n"),
    ("md-platform-list", "markdown", "Complaints came on social media (Instagram, TikTok).\n"),
    ("md-footnote", "markdown", "Turnout rose.[^1]\n\n[^1]: The clerk recorded it.\n"),
    ("html-notes-list", "html",
     '<p>Turnout rose.<a href="#fn1">1</a></p>\n<ol><li id="fn1">The clerk recorded it.</li></ol>\n'),
    ("html-table-change", "html", "<table><tr><td>Labour</td><td>+1</td></tr></table>\n"),
    ("html-list-score", "html", "<ul><li>Clear slides +4</li></ul>\n"),
    ("html-include", "html", "<p>Every C file begins with #include &lt;stdio.h&gt; by convention.</p>\n"),
    ("html-brackets", "html", "<p>Readings are clamped to [0, 255] and argv[0] names the program.</p>\n"),
]
CLEAN = [("md-document", "markdown", CLEAN_MARKDOWN), ("html-document", "html", CLEAN_HTML)] + TRAPS_CLEAN


@pytest.mark.parametrize("kind,text", [pytest.param(kind, text, id=name) for name, kind, text in CLEAN])
def test_clean_draft_draws_no_alarm_and_no_fix(kind, text):
    loud = [(f.code, text[f.start:f.end]) for f in citelint.check_text(text, kind=kind)
            if f.severity.value in ("error", "warning")]
    assert not loud
    assert citelint.fix_text(text, kind=kind).text == text
