"""Property tests: drafts in all three formats, built from ordinary prose, the
artefacts every rule documents, its traps and odd characters.

For any such draft: linting and fixing raise nothing; a fix changes the text
only at the edits its findings carry (plus the tidying at those sites); fixing
again changes nothing; no safe fix is left over; and Markdown and HTML keep
their structure (headings, tags, link targets, tracking parameters aside).

The examples run per test come from the hypothesis profile: "ci" by default,
HYPOTHESIS_PROFILE=nightly for many more (see tests/conftest.py).
"""
from __future__ import annotations

import html as htmllib
import re
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint import fixer
from citelint.config import Settings
from citelint.engine import Linter
from citelint.fixer import MAX_ITERATIONS, accept, apply_fixes
from citelint.model import Safety
from citelint.ruleset import all_rules

LINTER = Linter(Settings(select=("ALL",)))
KINDS = ("text", "markdown", "html")
SLOW_OK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _rule_material():
    """Artefact strings (the exact spans each rule's examples report), whole
    example drafts, and every rule's traps."""
    spans, snippets, traps = set(), set(), set()
    for rule in all_rules():
        for ex in rule.examples:
            if ex.trap:
                traps.add(ex.text)
                continue
            snippets.add(ex.text)
            for f in LINTER.lint_text(ex.text, ex.format):
                if f.code == rule.code and f.end > f.start:
                    spans.add(ex.text[f.start:f.end])
    return sorted(spans), sorted(snippets), sorted(traps)


ARTEFACTS, SNIPPETS, RULE_TRAPS = _rule_material()
TRAPS = sorted(set(RULE_TRAPS) | {
    "C++", "C#", "+3 degrees", "rose +3 degrees", "+44 20 7946 0000", "Channel 4 +1", "at dawn today",
    "At dawn today", "press@dawn.com", "Email press@dawn.com.", "[sic]", "the [sic] spelling", "1+1=2",
    "(see below)", "[1]", "Reuters", "Dawn", "(Reuters)", "\u201cShe said [cite: 4] twice\u201d",
    "\u201cciteturn0search1 is what it printed\u201d", "@username", "#hashtag", "x^2^",
})
WORDS = ["The", "council", "voted", "on", "Monday", "said", "prices", "rose", "4", "percent", "in",
         "Karachi", "Islamabad", "Geo", "News", "Dawn", "Reuters", "officials", "2024", "talks", "a",
         "report", "minister", "\u00e9t\u00e9", "stra\u00dfe", "\u4e2d\u6587", "\U0001f600"]
PUNCT = [".", ",", ";", ":", "!", "?", "(", ")", "\u2014", "\u2013", "'", "\u2019", "\u201c", "\u201d",
         "\"", "\u2026", "-", "/"]
SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", " \t "]
ODD = ["\u200b", "\ufeff", "\u0301", "\x00", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x7f",
       "\ufffd", "\ue000", "\ue200", "\ue201"]
URLS = ["https://www.dawn.com/news/1?utm_source=chatgpt.com", "https://x.org/a?id=7&utm_source=openai",
        "https://x.org/a?utm_source=twitter", "https://apnews.com/article/69855ab8",
        "https://example.org/report?utm_source=chatgpt.com#top", "https://x.org/p?referrer=grok.com",
        "http://example.com/a_(b)", "https://y.org/b?id=7"]


def _inline(extra=()):
    """A run of prose: words, spaces and punctuation salted with artefacts,
    traps and odd characters."""
    token = st.one_of(
        st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(SPACES), st.sampled_from(SPACES),
        st.sampled_from(PUNCT), st.sampled_from(ARTEFACTS), st.sampled_from(TRAPS), st.sampled_from(ODD),
        *extra)
    return st.lists(token, max_size=24).map("".join)


def _newline():
    return st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def text_drafts(draw):
    nl = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    blocks = draw(st.lists(st.one_of(_inline(), st.sampled_from(SNIPPETS), st.just("")), max_size=8))
    out = []
    for b in blocks:
        out.append(b)
        out.append(draw(_newline()) if nl == "mixed" else nl)
    return "".join(out)


# Markdown and HTML pieces are (text, protected): `protected` lists the code,
# comments and preformatted text in the piece, which no fix may touch.
def _plain(strategy):
    return strategy.map(lambda s: (s, ()))


def _kept(strategy):
    return strategy.map(lambda s: (s, (s,)))


def _join(sep, pieces, wrap=lambda s: s):
    return wrap(sep.join(t for t, _ in pieces)), tuple(x for _, p in pieces for x in p)


@st.composite
def markdown_drafts(draw):
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    # No "#", "`", "<" or "[" in free prose: a removal must not be what makes them markup.
    prose = _inline(extra=(st.sampled_from(URLS),)).map(lambda s: re.sub(r"[#`<>\[\]]", "", s))
    link = st.tuples(st.sampled_from(WORDS), st.sampled_from(URLS)).map(lambda t: f"[{t[0]}]({t[1]})")
    code_span = st.sampled_from([a for a in ARTEFACTS if "`" not in a and "\n" not in a]).map(lambda a: f"`{a}`")
    inline = st.lists(st.one_of(_plain(prose), _plain(link), _kept(code_span)), max_size=4)
    art = st.sampled_from([a.replace("\n", nl) for a in ARTEFACTS if "`" not in a])
    block = st.one_of(
        inline.map(lambda ps: _join(" ", ps)),
        st.tuples(st.integers(1, 6), inline).map(lambda t: _join(" ", t[1], lambda s: "#" * t[0] + " " + s)),
        inline.map(lambda ps: _join(" ", ps, lambda s: "- " + s)),
        inline.map(lambda ps: _join(" ", ps, lambda s: "> " + s)),
        _kept(art.map(lambda a: f"```{nl}{a}{nl}```")),
        _kept(art.map(lambda a: f"<!-- {a.replace('--', '')} -->")),
        _plain(st.sampled_from(URLS).map(lambda u: f"[1]: {u}")),
        _plain(st.sampled_from([s.replace("\n", nl) for s in SNIPPETS if "#" not in s])),
    )
    blocks = draw(st.lists(block, max_size=8))
    text, protected = _join(nl + nl, blocks)
    return text + draw(st.sampled_from(["", nl])), protected


def _html_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def html_drafts(draw):
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    prose = _inline().map(_html_text)
    raw_art = st.sampled_from([a.replace("\n", nl) for a in ARTEFACTS])  # as pasted: some are markup
    entity = st.sampled_from(["&amp;", "&nbsp;", "&#8217;", "&quot;", "&lt;cite&gt;"])
    inline = st.lists(st.one_of(
        _plain(prose), _plain(raw_art), _plain(entity),
        _plain(st.tuples(st.sampled_from(URLS), prose).map(
            lambda t: f'<a href="{htmllib.escape(t[0])}">{t[1]}</a>')),
        _kept(raw_art.map(lambda a: f"<code>{_html_text(a)}</code>")), _plain(st.just("<br>")),
        _plain(prose.map(lambda s: f"<em>{s}</em>"))), max_size=5)
    block = st.one_of(
        inline.map(lambda ps: _join("", ps, lambda s: f"<p>{s}</p>")),
        st.tuples(st.integers(1, 6), inline).map(lambda t: _join("", t[1], lambda s: f"<h{t[0]}>{s}</h{t[0]}>")),
        inline.map(lambda ps: _join("", ps, lambda s: f"<blockquote><p>{s}</p></blockquote>")),
        inline.map(lambda ps: _join("", ps, lambda s: f"<ul><li>{s}</li></ul>")),
        _kept(raw_art.map(lambda a: f"<pre>{_html_text(a)}</pre>")),
        _kept(raw_art.map(lambda a: f"<!-- {a.replace('--', '')} -->")),
        _plain(st.sampled_from([s.replace("\n", nl) for s in SNIPPETS if "<" in s])),
    )
    blocks = draw(st.lists(block, max_size=6))
    text, protected = _join(nl, blocks)
    return text + draw(st.sampled_from(["", nl])), protected


DRAFTS = {"text": text_drafts().map(lambda t: (t, ())), "markdown": markdown_drafts(), "html": html_drafts()}


# --- what a pass may change ------------------------------------------------------

# Tidying may remove these next to a site: spaces, line breaks, the punctuation a
# deletion leaves doubled or stranded, an emptied "( )".
_TIDY = frozenset(" \t\r\n.,;:!?()\u201d\u2019")


def _window(t: str, p: int) -> tuple[int, int]:
    """The span tidying at site p of t may change: the tidy-able characters
    around it, with at most six line-break characters a side."""
    a = b = p
    for step in (-1, 1):
        breaks = 0
        i = p
        while True:
            j = i - 1 if step < 0 else i
            if not (0 <= j < len(t)) or t[j] not in _TIDY:
                break
            if t[j] in "\r\n":
                breaks += 1
                if breaks > 6:
                    break
            i += step
        if step < 0:
            a = i
        else:
            b = i
    return a, b


def _subsequence(short: str, long: str) -> bool:
    """Whether `short` is `long` with characters deleted (a space may stand for
    a tab: a run of blanks is tidied to one space)."""
    j = 0
    for ch in short:
        while j < len(long) and not (long[j] == ch or (ch == " " and long[j] == "\t")):
            j += 1
        if j == len(long):
            return False
        j += 1
    return True


def _tidied(new: str, old: str) -> bool:
    """Whether tidying can turn the window `old` into `new`: deletions, a run of
    blanks made one space, and one space put back where a deletion glued words."""
    return _subsequence(new, old) or any(
        new[i] == " " and _subsequence(new[:i] + new[i + 1:], old) for i in range(len(new)))


def assert_local(old: str, new: str, edits) -> None:
    """new must be old with the edits applied and nothing else changed except
    the tidying around the sites where a deletion removed something."""
    parts, sites, last, size = [], [], 0, 0
    for e in edits:
        parts += [old[last:e.start], e.text]
        size += e.start - last + len(e.text)
        if not e.text and old[e.start:e.end].strip():
            sites.append(size)
        last = e.end
    parts.append(old[last:])
    raw = "".join(parts)  # the edits alone
    windows: list[tuple[int, int]] = []
    for p in sites:
        a, b = _window(raw, p)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(b, windows[-1][1]))
        else:
            windows.append((a, b))
    kept = [raw[x:y] for x, y in zip([0] + [b for _, b in windows], [a for a, _ in windows] + [len(raw)])]
    assert new.startswith(kept[0]), f"text before the first fix changed:\n{old!r}\n{new!r}"

    def match(i: int, pos: int) -> bool:  # new[pos:] == tidied(window i) + kept[i + 1] + ...
        if i == len(windows):
            return new[pos:] == ""
        a, b = windows[i]
        for n in range(min(b - a + 1, len(new) - pos), -1, -1):
            after = pos + n
            if new.startswith(kept[i + 1], after) and _tidied(new[pos:after], raw[a:b]):
                if match(i + 1, after + len(kept[i + 1])):
                    return True
        return False

    assert match(0, len(kept[0])), f"a fix changed text outside its edits and their tidying:\n{old!r}\n{new!r}"


# --- structure -------------------------------------------------------------------

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*")
_HTML_URL = re.compile(r"""(?:href|src)\s*=\s*"([^"]*)\"""", re.I)
_MD_HEADING = re.compile(r"(?<![^\r\n]) {0,3}(#{1,6})(?=[ \t\r\n]|$)")
_MD_LINK = re.compile(r"\]\(([^()\s]*)\)")
_MD_DEF = re.compile(r"(?<![^\r\n])\[[^\]\r\n]+\]:[ \t]*(\S+)")
_TRACKING = re.compile(r"^(?:utm_[a-z]+|referrer)=", re.I)


def normal_url(url: str) -> str:
    """A link target with tracking parameters (utm_*, referrer) dropped."""
    url = htmllib.unescape(url)
    base, hash_, frag = url.partition("#")
    path, _, query = base.partition("?")
    params = [p for p in query.split("&") if p and not _TRACKING.match(p)]
    return path + ("?" + "&".join(params) if params else "") + hash_ + frag


def structure(text: str, kind: str) -> list[tuple[int, int, str, str]]:
    """(start, end, what, value) for each structural token: tags, headings, link targets."""
    out = []
    if kind == "html":
        out += [(m.start(), m.end(), "tag", m.group().lower()) for m in _TAG.finditer(text)]
        out += [(m.start(1), m.end(1), "url", normal_url(m.group(1))) for m in _HTML_URL.finditer(text)]
    elif kind == "markdown":
        out += [(m.start(1), m.end(1), "heading", m.group(1)) for m in _MD_HEADING.finditer(text)]
        for rx in (_MD_LINK, _MD_DEF):
            out += [(m.start(1), m.end(1), "url", normal_url(m.group(1))) for m in rx.finditer(text)]
    return sorted(out)


def assert_structure(old: str, new: str, edits, kind: str) -> None:
    """The tokens of new are those of old that no edit removed whole (an edit
    may cut into a link target only to drop a tracking parameter), plus any
    in the edits' own replacement text."""
    expected = []
    for a, b, what, value in structure(old, kind):
        if any(e.start <= a and b <= e.end and e.end > e.start for e in edits):
            continue  # removed with the artefact
        cut = [e for e in edits if e.start < b and a < e.end]
        assert not cut or what == "url", f"a fix cuts into {value!r}:\n{old!r}\n{new!r}"
        expected.append((a, 1, what, value))
    for e in edits:
        expected += [(e.start, 0, what, value) for _, _, what, value in structure(e.text, kind)]
    want = [(what, value) for *_, what, value in sorted(expected)]
    got = [(what, value) for _, _, what, value in structure(new, kind)]
    assert got == want, f"structure changed:\n{old!r}\n{new!r}"


def fix_by_pass(text: str, kind: str):
    """fix_loop, one pass at a time: yields (before, after, edits applied)."""
    for _ in range(MAX_ITERATIONS):
        fixes = [f.fix for f in LINTER.lint_text(text, kind) if f.fix and f.fix.safety is Safety.SAFE]
        if not fixes:
            return
        new, n = apply_fixes(text, fixes)
        if n == 0 or new == text:
            return
        yield text, new, accept(fixes)[0]
        text = new


# --- the properties ---------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@SLOW_OK
@given(data=st.data())
def test_fix_is_local_idempotent_and_complete(kind, data):
    draft, protected = data.draw(DRAFTS[kind], label="draft")
    result = LINTER.fix_text(draft, kind)
    assert result.converged
    for piece in set(protected):  # code, comments and <pre> are never read or changed
        assert result.text.count(piece) >= draft.count(piece), f"a fix changed {piece!r}"
    text = draft
    for old, new, edits in fix_by_pass(draft, kind):
        assert_local(old, new, edits)
        assert_structure(old, new, edits, kind)
        text = new
    assert text == result.text
    left = [f for f in result.remaining if f.fix is not None and f.fix.safety is Safety.SAFE]
    assert not left, f"safe fixes left after --fix: {[(f.code, f.message) for f in left]}"
    again = LINTER.fix_text(result.text, kind)
    assert again.text == result.text and again.applied == 0, "fixing twice changes the text"


@pytest.mark.parametrize("kind", KINDS)
@SLOW_OK
@given(data=st.data())
def test_unsafe_fixes_are_idempotent(kind, data):
    draft, _ = data.draw(DRAFTS[kind], label="draft")
    result = LINTER.fix_text(draft, kind, unsafe=True)
    assert result.converged
    assert not [f for f in result.remaining if f.fix is not None]
    assert LINTER.fix_text(result.text, kind, unsafe=True).text == result.text


@pytest.mark.parametrize("kind", KINDS)
@SLOW_OK
@given(text=st.text(max_size=300) | st.lists(
    st.sampled_from(ARTEFACTS + TRAPS + PUNCT + ODD + ["<", ">", "&", "`", "[", "]", "(", ")", "\n",
                                                        "\r", "<!--", "-->", "```", "# ", "\"", "'"])
    | st.text(max_size=4), max_size=30).map("".join))
def test_no_exception_on_any_text(kind, text):
    findings = LINTER.lint_text(text, kind)
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text)
        if f.fix:
            assert all(0 <= e.start <= e.end <= len(text) for e in f.fix.edits)
    result = LINTER.fix_text(text, kind, unsafe=True)
    assert isinstance(result.text, str)


@SLOW_OK
@given(pieces=st.lists(st.sampled_from([" ", "\t", "\n", "\r\n", "\r", ".", ",", ";", ":", "(", ")", "!",
                                        "?", "a", "word", "\u201d", "  ", "\n\n", "((", "#", "\u4e2d"]), max_size=40),
       sites=st.lists(st.tuples(st.integers(0, 200), st.booleans(), st.sampled_from(["", "space", "visible"])),
                      max_size=6),
       window=st.sampled_from([1, 2, 3, 5, 8]))
def test_windowed_tidying_equals_whole_text_tidying(pieces, sites, window):
    """The fixer tidies each site in a small window for speed; with windows far
    smaller than normal (so every widening path runs), the result must be what
    tidying the whole text site by site gives."""
    text = "".join(pieces)
    sites = sorted((min(p, len(text)), ate, gap) for p, ate, gap in sites)
    expected, floor = text, len(text)
    for pos, ate, gap in reversed(sites):
        before = expected
        p = min(pos, len(expected), floor)
        expected = fixer.tidy_site(expected, p, ate, gap)
        if expected != before:
            floor = next((i for i, (x, y) in enumerate(zip(before, expected)) if x != y),
                         min(len(before), len(expected)))
    with mock.patch.object(fixer, "_WINDOW", window):
        assert fixer.tidy_sites(text, sites) == expected
