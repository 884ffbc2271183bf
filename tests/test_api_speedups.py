"""The speed-ups change nothing but speed: prefilters, lazily compiled patterns,
the cached pack reader, the plain-Markdown fast path, the quote index and the
plugin pre-scan each give what the slow way gives."""
import copy
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import citelint.formats.markdown as md
from citelint.document import Document
from citelint.engine import Linter
from citelint.config import Settings
from citelint import tomlcache
from citelint.tomlcache import cache_path, read_toml
from citelint.packs import PackError, PatternRule, load_pack
from citelint.prefilter import Plan, guard
from citelint.ruleset import _may_have_plugins, builtin_rules

RULES = [r for r in builtin_rules() if r.scope != "online"]
PATTERN_RULES = [r for r in RULES if isinstance(r, PatternRule)]
PREFILTERED = [r for r in PATTERN_RULES if r.prefilter]


def _without_prefilter(rule):
    clone = copy.copy(rule)
    clone.prefilter = ()
    clone.prefilter_for = lambda settings: ()
    return clone


@pytest.fixture(scope="module")
def pair():
    """Every rule, with and without its prefilter."""
    rules = builtin_rules()
    plain = tuple(_without_prefilter(r) for r in rules)
    s = Settings(select=("ALL",))
    return Linter(s, rules), Linter(s, plain)


def _key(findings):
    return [(f.code, f.start, f.end, f.message, f.fix) for f in findings]


def test_most_builtin_pattern_rules_have_a_prefilter():
    assert len(PREFILTERED) >= len(PATTERN_RULES) - 2


def test_every_builtin_rule_has_a_prefilter():
    """A rule without one runs on every document and makes every document build
    its views; most articles hold no debris at all."""
    settings = Settings(select=("ALL",))
    assert [r.code for r in RULES if not r.prefilter_for(settings)] == []


def test_plan_guards_fold_and_skip():
    class R:
        def __init__(self, *p):
            self.prefilter = p
    hash_, sources, upper, pua, always = R("#"), R("ources"), R("OURCES", "tweet"), R("\ue200"), R()
    plan = Plan([hash_, sources, upper, pua, always])
    assert guard("[cite") == "[" and guard("tweet") in "tweet" and guard("x\ue200") == "\ue200"
    assert plan.select(["plain words"]) == [always]
    assert plan.select(["# Sources"]) == [hash_, sources, upper, always]  # "OURCES" folds with "ources"
    assert plan.select(["a tweet\ue200"]) == [upper, pua, always]
    # Not ASCII: folded in its UTF-8 bytes lower-cased (bytes.lower() changes ASCII letters only)...
    assert plan.select(["Sources \u00e9"]) == [sources, upper, always]
    assert plan.select(["SOURCES \u00e9"]) == [sources, upper, always]
    # ...but a draft too large to copy is searched for every string as written.
    big = "x" * (1 << 20)
    assert plan.select([big + "Sources \u00e9"]) == [sources, always]
    assert plan.select([big + "SOURCES \u00e9"]) == [upper, always]
    assert Plan([always]).select(["x"]) == [always]


def test_plan_does_not_copy_a_large_non_ascii_text():
    """str.lower() of a non-ASCII text allocates twelve bytes a character first."""
    import tracemalloc
    plan = Linter(Settings()).plan_for("big.txt")
    text = "Caf\u00e9 society and the Sources of news. " * 50_000  # 2 MB, not ASCII
    tracemalloc.start()
    try:
        plan.select((text,))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(text) // 4


def test_a_clean_text_builds_no_view(monkeypatch):
    import citelint.engine as engine
    linter = Linter(Settings())
    monkeypatch.setattr(engine, "load", lambda *a, **k: pytest.fail("a view was built"))
    assert linter.lint_text("Markets rose on Monday after the vote.\n", "text") == []
    assert linter.lint_text("# Markets\n\nMarkets rose on Monday.\n", "markdown") == []


# Text made of pieces of every rule's own examples, shuffled and cut: it holds
# near-misses of every pattern, which is where a wrong prefilter would show.
_PIECES = sorted({p for r in RULES for e in r.examples
                  for p in tuple(e.text[:n] for n in (3, 8, 20, 60)) + (e.text[-12:], e.text)})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=8),
       st.sampled_from(["text", "markdown", "html"]))
def test_prefilters_never_change_findings(pair, parts, kind):
    text = "".join(parts)
    fast, slow = pair
    assert _key(fast.lint_text(text, kind)) == _key(slow.lint_text(text, kind))


def test_prefilters_on_every_example(pair):
    fast, slow = pair
    for rule in RULES:
        for e in rule.examples:
            assert _key(fast.lint_text(e.text, e.format)) == _key(slow.lint_text(e.text, e.format)), rule.code


def _pack(tmp_path: Path, extra: str, pattern: str = "DRAFT") -> Path:
    p = tmp_path / "house.toml"
    p.write_text(f'[[rule]]\ncode = "HSE101"\nname = "draft-marker"\npattern = \'\'\'{pattern}\'\'\'\n'
                 f'message = "m"\n{extra}\n', encoding="utf-8")
    return p


def test_prefilter_key_in_a_users_pack(tmp_path):
    rule, = load_pack(_pack(tmp_path, 'prefilter = ["DRA"]'))
    assert rule.prefilter == ("DRA",)
    linter = Linter(Settings(), (rule,))
    assert [f.code for f in linter.lint_text("a DRAFT b")] == ["HSE101"]
    assert linter.lint_text("a draft b") == []


@pytest.mark.parametrize("bad", ['prefilter = "DRA"', "prefilter = [1]", 'prefilter = [""]'])
def test_bad_prefilter_is_a_pack_error(tmp_path, bad):
    with pytest.raises(PackError, match="HSE101: `prefilter` must be a list of non-empty strings"):
        load_pack(_pack(tmp_path, bad))


def test_users_pattern_compiles_when_the_pack_loads(tmp_path):
    with pytest.raises(PackError, match="does not compile"):
        load_pack(_pack(tmp_path, "", pattern="(unclosed"))


def test_builtin_patterns_compile_only_when_a_document_needs_them(tmp_path):
    (tmp_path / "b.toml").write_text(_pack(tmp_path, 'prefilter = ["DRAFT"]').read_text())
    rule, = load_pack(tmp_path / "b.toml", builtin=True)
    linter = Linter(Settings(), (rule,))
    assert linter.lint_text("Nothing to see.") == [] and rule._compiled == {}
    assert len(linter.lint_text("A DRAFT.")) == 1 and "pattern" in rule._compiled


def test_read_toml_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(tomlcache, "_disk", True)  # as the command line runs it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    p = tmp_path / "pack.toml"
    p.write_text('a = 1\n', encoding="utf-8")
    assert read_toml(p, cache=True) == {"a": 1}
    store = cache_path(p)
    assert store.is_file() and store.is_relative_to(tmp_path / "xdg" / "citelint")
    assert read_toml(p, cache=True) == {"a": 1}
    p.write_text('a = 22\nb = "x"\n', encoding="utf-8")  # new size: the cache is stale
    assert read_toml(p, cache=True) == {"a": 22, "b": "x"}
    store.write_bytes(b"garbage")
    assert read_toml(p, cache=True) == {"a": 22, "b": "x"}
    p.write_text('when = 2024-01-01\n', encoding="utf-8")  # marshal cannot hold dates: no cache
    assert str(read_toml(p, cache=True)["when"]) == "2024-01-01"


def test_read_toml_cache_is_never_written_beside_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(tomlcache, "_disk", True)  # as the command line runs it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for bytecode in (True, False):
        monkeypatch.setattr(sys, "dont_write_bytecode", bytecode)
        (tmp_path / "pack.toml").write_text("a = 1\n")
        assert read_toml(tmp_path / "pack.toml", cache=True) == {"a": 1}
        assert not (tmp_path / "__pycache__").exists()


def test_read_toml_in_a_read_only_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tomlcache, "_disk", True)  # as the command line runs it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ro" / "xdg"))
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "pack.toml").write_text("a = 1\n")
    folder.chmod(0o555)
    try:
        assert read_toml(folder / "pack.toml", cache=True) == {"a": 1}
    finally:
        folder.chmod(0o755)


def _markdown_both_ways(source: str):
    fast = md.load_markdown(source)
    real = md._plain
    md._plain = lambda s: False
    try:
        slow = md.load_markdown(source)
    finally:
        md._plain = real
    return fast, slow


def _doc_key(doc: Document):
    return (doc.prose.text, doc.prose.masked, doc.prose.soft, doc.quote_blocks, doc.directives,
            [(lk.url, lk.start, lk.end, lk.kind, lk.text, lk.label) for lk in doc.links])


_MD_PIECES = ["# Title", "> quoted", "   > deep", "    code", "\tcode", " \tx", "- item", "1. item",
              "```", "~~~", "`span`", "<!-- c -->", "---", "+++", "[a](http://x.org)", "[1]: http://y.org",
              "<http://z.org>", "Plain words.", "", " ", "\u00a0", "said:"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MD_PIECES) | st.text(alphabet=" >\t-`~#abc", max_size=6), max_size=10),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_plain_markdown_fast_path_matches_the_full_scan(lines, newline):
    source = newline.join(lines)
    fast, slow = _markdown_both_ways(source)
    assert _doc_key(fast) == _doc_key(slow)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), max_size=12),
       st.integers(0, 70), st.integers(0, 20))
def test_quote_index_matches_a_linear_scan(spans, start, length):
    doc = Document("x" * 100)
    doc.quotes = sorted((a, a + n) for a, n in spans)
    end = start + length
    linear = any(a <= start and end <= b for a, b in doc.quotes)
    assert doc.in_quote(start, end) == linear


def test_plugin_prescan_sees_a_declared_entry_point(tmp_path, monkeypatch):
    dist = tmp_path / "house_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text("[citelint.rules]\nhouse = house_rules:RULES\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _may_have_plugins()


def test_plugin_prescan_defers_to_importlib_for_zipped_paths(tmp_path, monkeypatch):
    z = tmp_path / "bundle.zip"
    z.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setattr(sys, "path", [str(z)] + sys.path)
    assert _may_have_plugins()


@pytest.mark.parametrize("draft, cache", [
    ("A clean story.\n", False),
    ("A clean story.\n", True),     # the default path: the findings cache on
    ("Prices rose :contentReference[oaicite:0]{index=0}.\n", False),  # a finding: fingerprinted
    ("Prices rose :contentReference[oaicite:0]{index=0}.\n", True),
])
def test_check_path_imports_little(tmp_path, draft, cache):
    """`citelint check one.txt` loads no HTML, HTTP or metadata machinery, and
    no dataclasses, with the cache on or off, with a finding or without."""
    import subprocess
    flags = "" if cache else "'--no-cache', "
    code = (f"import sys, runpy; sys.argv = ['citelint', 'check', {flags}'--isolated', sys.argv[1]]\n"
            "try:\n    runpy.run_module('citelint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    story = tmp_path / "story.txt"
    story.write_text(draft)
    out = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, cwd=tmp_path)
    loaded = set(out.stderr.split())
    assert "citelint.engine" in loaded, out.stderr[-500:]
    heavy = {"requests", "bs4", "tldextract", "importlib.metadata", "html.parser", "citelint.formats.html",
             "dataclasses", "inspect"}
    assert not (heavy & loaded), sorted(heavy & loaded)


def test_lazy_pattern_compiles_on_first_use():
    from citelint.rule import LazyPattern
    p = LazyPattern(r"(?P<n>\d+)\L<w>", w=["ab", "cd"])
    assert p._compiled is None
    assert [m.group("n") for m in p.finditer("1ab 2cd 3ef")] == ["1", "2"]
    assert p._compiled is not None and p.pattern == r"(?P<n>\d+)\L<w>"
