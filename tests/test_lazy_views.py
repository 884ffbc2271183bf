"""Issue 18: lazy views and selective prefilters change nothing but speed.

The lazy path (the engine as it runs: each rule's prefilter asked of the
source, Markdown rules asked again of the view they read, a document's parts
built when first read) must give exactly what an eager path gives: every
offline rule run on every draft, with every view, link and tag built before
any rule runs. Compared on the twelve licensed editorial documents in
tests/data/editorial/, on drafts generated from the rules' own examples
(tests/artefact_drafts.py: artefacts pasted into those posts, every example of
a format in one draft, plain-text examples as Markdown and HTML), and on
generated mixes of example pieces with Markdown structure. Findings and fixes
are compared whole: code, span, severity, message, fix edits and safety.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import artefact_drafts
from citelint.config import Settings
from citelint.document import kind_for_path
from citelint.engine import Linter
from citelint.formats import load
from citelint.outlets.registry import _ascii_key, _full_key
from citelint.prefilter import Needs, Plan, guard, literal_prefix
from citelint.ruleset import all_rules, builtin_rules

ALL = Settings(select=("ALL",))
RULES = [r for r in all_rules(()) if r.scope != "online"]
PARTS = ("directives", "tags", "quote_blocks", "prose", "markup", "links")


class EagerLinter(Linter):
    """Every offline rule on every draft, each part of the document built
    before any rule runs: no prefilter, no second pass, nothing left for later."""

    def lint_text(self, text, kind=None, path="-", online=None):
        kind = kind or kind_for_path(path)
        doc = load(text, kind, path)
        for part in PARTS:
            getattr(doc, part)
        doc.prose.soft, doc.markup.soft  # noqa: B018  (the deferred soft spans, too)
        return self._run(doc, [r for r in self.rules_for(path) if r.scope != "online"])


@lru_cache(maxsize=1)
def linters() -> tuple[Linter, Linter]:
    return Linter(ALL), EagerLinter(ALL)


def key(findings) -> list:
    out = []
    for f in findings:
        fix = None if f.fix is None else (tuple((e.start, e.end, e.text) for e in f.fix.edits), f.fix.safety.value)
        out.append((f.code, f.start, f.end, f.severity.value, f.message, fix))
    return out


DRAFTS = artefact_drafts.drafts()
EDITORIAL = artefact_drafts.editorial_documents()


def _cases():
    for name, text, kind in EDITORIAL:
        yield pytest.param(text, kind, id=f"editorial/{name}")
    for name, text, kind in DRAFTS:
        if not name.startswith("one-"):  # those are checked together below
            yield pytest.param(text, kind, id=name)


@pytest.mark.parametrize(("text", "kind"), list(_cases()))
def test_lazy_and_eager_find_the_same(text, kind):
    lazy, eager = linters()
    assert key(lazy.lint_text(text, kind)) == key(eager.lint_text(text, kind))


def test_one_artefact_in_a_long_post_is_found_as_eagerly():
    """One example or trap appended to a clean post (most drafts look so)."""
    lazy, eager = linters()
    for name, text, kind in DRAFTS:
        if name.startswith("one-"):
            assert key(lazy.lint_text(text, kind)) == key(eager.lint_text(text, kind)), name


def test_the_drafts_hold_findings_of_every_family():
    """The comparison means something only where there is debris to find."""
    lazy, _ = linters()
    codes = {f.code for _, text, kind in DRAFTS[:5] for f in lazy.lint_text(text, kind)}
    assert {c[:3] for c in codes} >= {"AST", "CHP", "REF", "SOC", "ATR", "TRK"}
    assert len(codes) >= 35


@pytest.mark.parametrize("unsafe", [False, True])
def test_lazy_and_eager_fix_the_same(unsafe):
    lazy, eager = linters()
    for name, text, kind in DRAFTS:
        if name.startswith(("all-", "text-as-", "pasted-")):
            a, b = lazy.fix_text(text, kind, unsafe=unsafe), eager.fix_text(text, kind, unsafe=unsafe)
            assert a.text == b.text, name
            assert key(a.remaining) == key(b.remaining), name


# Generated drafts: pieces of every rule's examples, in and around the Markdown
# structures the views mask (code, raw HTML, links, front matter, comments).
_PIECES = sorted({e.text for r in RULES for e in r.examples} | {e.text[:12] for r in RULES for e in r.examples})
_WRAPS = ["{}", "`{}`", "```\n{}\n```\n", "    {}\n", "<!-- {} -->", "<code>{}</code>", "<pre>{}</pre>",
          "[{}](https://example.org/a?b=1)", "<a href=\"https://example.org/x\">{}</a>", "> {}", "- {}",
          "---\ntitle: {}\n---\n", "| {} | x |\n| --- | --- |\n", "<blockquote class=\"twitter-tweet\">{}</blockquote>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_WRAPS), st.sampled_from(["\n", "\n\n", " ", "\r\n"])),
                min_size=1, max_size=6),
       st.sampled_from(["markdown", "text", "html"]))
def test_generated_drafts(parts, kind):
    text = "".join(wrap.format(piece) + sep for piece, wrap, sep in parts)
    lazy, eager = linters()
    assert key(lazy.lint_text(text, kind)) == key(eager.lint_text(text, kind))


def test_a_tracking_parameter_spelled_with_entities_in_an_html_page():
    """An HTML page's url view decodes its links' targets: the prefilter reads them decoded too."""
    text = '<p>See <a href="https://x.org/a?b=1&amp;utm&#95;source=chatgpt.com">this</a>.</p>\n'
    lazy, eager = linters()
    found = lazy.lint_text(text, "html")
    assert [f.code for f in found] == ["TRK001"]
    assert key(found) == key(eager.lint_text(text, "html"))


# -- the lazy parts ----------------------------------------------------------

def test_reading_the_prose_builds_no_links():
    doc = load("Some *text* with `code` and [a link](https://example.org).\n", "markdown", "a.md")
    assert doc.prose.text.startswith("Some")
    assert "links" not in doc.__dict__ and "prose" in doc.__dict__
    assert [lk.url for lk in doc.links] == ["https://example.org"]
    assert doc.prose.soft == [(doc.source.index("https"), doc.source.index(")"))]


@pytest.mark.parametrize(("name", "text", "kind"), EDITORIAL + [d for d in DRAFTS if not d[0].startswith("one-")],
                         ids=[d[0] for d in EDITORIAL] + [d[0] for d in DRAFTS if not d[0].startswith("one-")])
def test_parts_are_the_same_in_any_order(name, text, kind):
    """A part built on its own equals the part built with all the others."""
    whole = load(text, kind)
    for part in PARTS:
        getattr(whole, part)
    for part in PARTS:
        alone = load(text, kind)
        assert _part(alone, part) == _part(whole, part), part


def _part(doc, name):
    value = getattr(doc, name)
    if name in ("prose", "markup"):
        return value.text, value.masked, value.soft, [value.source_pos(i) for i in range(0, len(value.text), 97)]
    if name == "links":
        return [(lk.url, lk.start, lk.end, lk.kind, lk.text, lk.text_start, lk.text_end, lk.label) for lk in value]
    if name == "tags":
        return [(t.name, t.start, t.end, t.closing, t.attrs) for t in value]
    if name == "directives":
        return [(d.action, d.codes, d.start, d.end) for d in value]
    return sorted(value)


# -- the prefilter ------------------------------------------------------------

def test_every_built_in_prefilter_pattern_reads_the_same_in_re_and_regex():
    """Built-in `prefilter-patterns` run on `re` (packs._plan_needs), the rules on `regex`."""
    texts = [t for _, t, _ in DRAFTS] + [e.text for r in RULES for e in r.examples]
    for rule in builtin_rules():
        for source in getattr(rule, "_plan_patterns", ()):
            a, b = re.compile(source), regex.compile(source, regex.V0)
            for t in texts:
                assert bool(a.search(t)) == bool(b.search(t)), (rule.code, source)


def test_needs_guards_kinds_and_late_tests():
    class R:
        def __init__(self, *p):
            self.prefilter = p
    asked = []

    def needs(text):
        asked.append(text)
        return "yes" in text
    md_only = R(Needs(("ab", "AB"), test=needs, kinds=("markdown",)))
    plan_md, plan_txt = Plan([md_only], kind="markdown"), Plan([md_only], kind="text")
    assert plan_md.select(["yes ab"]) == [md_only] and plan_md.select(["yes aB"]) == [md_only]  # folded guard
    assert plan_md.select(["yes"]) == [] and plan_txt.select(["yes ab"]) == []
    assert asked == ["yes ab", "yes aB"]  # no guard, no test; a text asked once however many guards it holds
    with pytest.raises(ValueError):
        Needs("x")


def test_strings_sharing_a_guard_are_found_together():
    """_Finder: strings anchored at the same `_` (`oai_citation` inside `[oai_citation`)."""
    class R:
        def __init__(self, *p):
            self.prefilter = p
    a, b, c = R("[oai_citation"), R("oai_citation"), R("[span_")
    plan = Plan([a, b, c])
    assert plan.select(["x [oai_citation:1] y"]) == [a, b]
    assert plan.select(["oai_citation"]) == [b]
    assert plan.select(["a_b " * 50 + "[span_3"]) == [c]  # many guards that are no string, then one
    assert plan.select(["[oai_citation " * 40 + "[span_"]) == [a, b, c]  # one string over and over
    assert plan.select(["caf\u00e9 [span_"]) == [c]  # not ASCII: the bytes
    assert guard("[cite") == "[" and literal_prefix(r"turn\d") == "turn" and literal_prefix("(?i)ab") == ""


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("aTtHhEeSs'\u2019.,;:* \t\n\r\x0b\x1cxK\u017f\u0130")
                                + ["the ", "The ", "'s", " the", "THE\t"]), max_size=10))
def test_registry_keys_read_ascii_names_as_normalize_did(pieces):
    name = "".join(pieces)
    if name.isascii():
        assert _ascii_key(name) == _full_key(name)


# -- the Markdown masks, against the plain line-by-line reading they speed up ---
#
# formats/markdown.py splits lines once, asks a line's first characters before
# its patterns and skips paragraphs with no backtick or comment; these are the
# plain forms of those steps (as they were before issue 18), and the masks,
# blockquotes and suppression comments must come out the same.

def _plain_lines(source):
    pos, n = 0, len(source)
    for m in re.finditer(r"\r\n|\n|\r", source):
        yield pos, m.start(), m.end()
        pos = m.end()
    if pos < n or n == 0:
        yield pos, n, n


def _plain_block_pass(source, masked, quotes):
    from citelint.formats import markdown as md
    lines = list(_plain_lines(source))
    prose = []
    i, n = md._front_matter(source, lines, masked), len(lines)
    prev_blank, in_list = True, False
    while i < n:
        s, e, _ = lines[i]
        line = source[s:e]
        m = md._FENCE_OPEN.match(line)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            if prev_blank and not line.startswith((" ", "\t")):
                in_list = False
            i, prev_blank = md._fence(source, lines, i, m, masked), False
            continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t")) or line.startswith((" \t", "  \t", "   \t"))
        if indented and prev_blank and not in_list and not blank:
            i, prev_blank = md._indented_code(source, lines, i, masked), False
            continue
        if not blank:
            if md._LIST_ITEM.match(line):
                in_list = True
            elif not line.startswith((" ", "\t")) and prev_blank:
                in_list = False
            if re.match(r"^ {0,3}>", line):
                quotes.append((s, e))
            prose.append((s, e))
        prev_blank = blank
        i += 1
    return prose


def _plain_inline_pass(source, prose_lines, directives):
    from bisect import bisect_left

    from citelint.formats import markdown as md
    from citelint.formats.common import BlockEnds, parse_directives
    out, paragraphs = [], []
    for s, e in prose_lines:
        if paragraphs and source[paragraphs[-1][1]:s] in ("\n", "\r\n", "\r"):
            paragraphs[-1] = (paragraphs[-1][0], e)
        else:
            paragraphs.append((s, e))
    blocks, skip_until, runs = BlockEnds(source, "markdown"), 0, None
    for ps, pe in paragraphs:
        pos = max(ps, skip_until)
        while pos < pe:
            m = md._INLINE.search(source, pos, pe)
            if not m:
                break
            if m.group() == "<!--":
                c = md._COMMENT_END.search(source, m.end())
                end = c.end() if c else len(source)
                out.append((m.start(), end))
                d = parse_directives(source[m.start():end], m.start(), end, source, "markdown", blocks)
                if d:
                    directives.append(d)
                pos = skip_until = end
                continue
            ticks = m.group()
            if m.start() > 0 and source[m.start() - 1] == "\\":
                pos = m.end()
                continue
            if runs is None or runs[0] != ps:
                runs = (ps, md._tick_runs(source, ps, pe))
            same = runs[1].get(len(ticks), ())
            k = bisect_left(same, m.end())
            if k < len(same):
                end = same[k] + len(ticks)
                out.append((m.start(), end))
                pos = end
            else:
                pos = m.end()
    return out


_MD_LINES = ["text", "", "   ", "```", "~~~ py", "```` x`y", "  ```", "    code", "\tcode", "  \tx", "- item",
             "1. item", "\u0663. item", "12) x", "* x", "+ y", "> quote", "   > q", "    > not", "---", "+++",
             "title: x", "a `b` c", "``a ` b``", "<!-- citelint: disable -->", "<!-- x", "-->", "\\`x`",
             "<pre>x</pre>", "[a](b)", "\u00e9t\u00e9", "#", "## Sources"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MD_LINES), max_size=25), st.sampled_from(["\n", "\r\n", "\r", "\n\n"]),
       st.booleans())
def test_markdown_masks_as_read_line_by_line(lines, newline, trailing):
    from citelint.formats import markdown as md
    source = newline.join(lines) + (newline if trailing else "")
    assert md._lines(source) == list(_plain_lines(source))
    if md._plain(source):
        return
    masked_a, quotes_a, masked_b, quotes_b = [], [], [], []
    prose_a = md._block_pass(source, masked_a, quotes_a)
    prose_b = _plain_block_pass(source, masked_b, quotes_b)
    assert (prose_a, masked_a, quotes_a) == (prose_b, masked_b, quotes_b)
    directives_a, directives_b = [], []
    out_a = md._inline_pass(source, sorted(masked_a), prose_a, directives_a)
    out_b = _plain_inline_pass(source, prose_b, directives_b)
    assert (out_a, directives_a) == (out_b, directives_b)


def test_the_name_index_answers_as_the_registry():
    """checks/common.Outlets asks registry.NameIndex, read from the registry's cache."""
    from citelint.outlets.registry import load_registry, name_index
    reg, index = load_registry(), name_index()
    assert index.keys == frozenset(reg._names)
    assert index.handles == frozenset(reg._handles)
    names = [f.text for f in reg.all_forms()][::7]
    probes = names + [n.lower() for n in names] + [" ".join(w[:2] for w in n.split()) for n in names] + \
        ["PA Today", "Pa Today", "Pakistan Tod", "The Dawn's", "nothing at all", "x y"]
    for text in probes:
        assert index.knows(text) == bool(reg.forms(text)), text
        assert index.garbled(text) == bool(reg.garbled(text)), text
    for h in list(reg._handles)[:50] + ["@nobody_here"]:
        assert index.by_handle("@" + h) == (reg.by_handle(h) is not None)


# Where the standard library's `re` and `regex` read a character class apart
# (`¹` is a word character to `re` only; a digit of a newer Unicode is one to
# `regex` only), a prefilter test must still let the rule run.
_UNICODE_EDGES = [
    "\u00b9@daGrowth slowed\u301085\u2020L261-269\u3011 in the third quarter.",  # a handle after `¹`, with debris
    "It was confirmed [1]\u00b9 and again [2]\u00b2.\n",
    "See cite turn\U00011F50search\U00011F51 there.\n",  # Kawi digits
    "The prompt turn0search3 was left.\n",
    "\u212a@desk and @desk1 ran it. pic.twitter.com/AbC123\n",
    "Ndtv\u017f reported it. According to PA Today, it held.\n",
    "Prices rose. Reuters +\U00011F52 Dawn +\U00011F53\n",
]


@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
@pytest.mark.parametrize("text", _UNICODE_EDGES)
def test_unicode_edges(text, kind):
    lazy, eager = linters()
    assert key(lazy.lint_text(text, kind)) == key(eager.lint_text(text, kind))


# -- `prefilter-patterns` in a user's pack -------------------------------------

def _pack(tmp_path, extra: str):
    from citelint.packs import load_pack
    p = tmp_path / "house.toml"
    p.write_text('[[rule]]\ncode = "HSE101"\nname = "draft-marker"\npattern = \'\'\'DRAFT-\\d+\'\'\'\n'
                 f'message = "m"\n{extra}\n', encoding="utf-8")
    return load_pack(p)


def test_a_users_prefilter_patterns(tmp_path):
    rule, = _pack(tmp_path, "prefilter-patterns = ['DRAFT-\\d']")
    linter = Linter(Settings(), (rule,))
    assert [f.code for f in linter.lint_text("a DRAFT-12 b")] == ["HSE101"]
    assert linter.plan_for("-", "text").select(["a DRAFT b"]) == []  # asked before any view is built


def test_a_users_prefilter_pattern_that_does_not_compile_is_a_pack_error(tmp_path):
    from citelint.packs import PackError
    with pytest.raises(PackError, match=r"HSE101: `prefilter-patterns\[0\]` does not compile"):
        _pack(tmp_path, "prefilter-patterns = ['(unclosed']")
    with pytest.raises(PackError, match="`prefilter-patterns` must be a list of non-empty strings"):
        _pack(tmp_path, "prefilter-patterns = 'DRAFT'")


def test_a_users_prefilter_pattern_that_runs_out_of_time_lets_the_rule_run(tmp_path, monkeypatch):
    """A user's pattern runs under the pattern time limit; out of time, it lets
    the rule run (which reports its own timeout, naming the pack)."""
    import citelint.packs as packs
    rule, = _pack(tmp_path, "prefilter-patterns = ['DRAFT-\\d']")
    plan = Linter(Settings(), (rule,)).plan_for("-", "text")
    text = "a DRAFT-x marker, no number " * 5000  # its plain start is there: the pattern is asked
    assert plan.select([text]) == []
    monkeypatch.setattr(packs, "time_limit", lambda size: 0.0)  # no time at all: every search runs out
    assert plan.select([text]) == [rule]


def test_threads_sharing_a_linter_get_what_one_thread_gets():
    """The prefilter's memo is one a thread (the language server and `citelint
    serve` lint in threads with one Linter)."""
    from concurrent.futures import ThreadPoolExecutor
    lazy, _ = linters()
    docs = [(text, kind) for _, text, kind in DRAFTS[:40]] * 3
    alone = [key(lazy.lint_text(text, kind)) for text, kind in docs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda d: key(lazy.lint_text(*d)), docs))
    assert together == alone
    from citelint.prefilter import _memo
    assert not _memo() and _memo().depth == 0  # nothing kept alive after a select
