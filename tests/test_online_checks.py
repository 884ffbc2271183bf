"""The judgement behind the NET rules, on plain data: verdicts from what a fetch
saw, quotes and the words of a page, the outlet beside a link, publisher claims,
archive answers."""
from __future__ import annotations

import json

import pytest

from citelint.formats import load
from citelint.online.archive import endpoint_or_none, escape_for, query_url, snapshot_from
from citelint.online.citations import citations, sentences
from citelint.online.fetch import Fetched, Hop
from citelint.online.page import PageFacts, decode_body, read_page
from citelint.online.publisher import credited, mismatch, page_claims
from citelint.online.quotes import find_quotes, found_in, normalise
from citelint.online.verdicts import classify
from citelint.outlets import load_registry

REG = load_registry()


def fetched(url, status=200, chain=(), final=None, headers=None, error=None, detail=""):
    return Fetched(url, [Hop(u, 301) for u in chain], final or url, status if not error else None,
                   {k.lower(): v for k, v in (headers or {}).items()}, error=error, detail=detail)


@pytest.mark.parametrize("f,kind", [
    (fetched("https://a.example/x", 404), "dead"),
    (fetched("https://a.example/x", 410), "dead"),
    (fetched("https://a.example/x", error="dns", detail="the name does not resolve"), "dead"),
    (fetched("https://a.example/x", error="dns-temporary", detail="lookup failed"), "unverified"),
    (fetched("https://a.example/x", 403), "unverified"),
    (fetched("https://a.example/x", 401), "unverified"),
    (fetched("https://a.example/x", 429), "unverified"),
    (fetched("https://a.example/x", 503), "unverified"),
    (fetched("https://a.example/x", 999), "unverified"),
    (fetched("https://a.example/x", 404, headers={"cf-mitigated": "challenge"}), "unverified"),
    (fetched("https://a.example/x", 200, headers={"x-vercel-mitigated": "challenge"}), "unverified"),
    (fetched("https://a.example/x", error="timeout", detail="deadline"), "unverified"),
    (fetched("https://a.example/x", error="reset"), "unverified"),
    (fetched("https://a.example/x", error="loop"), "unverified"),
    (fetched("https://a.example/x", error="blocked", detail="10.0.0.1 is a private address"), "blocked"),
    (fetched("https://a.example/2024/05/story", 200, ["https://a.example/2024/05/story"], "https://a.example/"),
     "soft-404"),
    (fetched("https://www.a.example/news/1", 200, ["https://www.a.example/news/1"], "https://a.example/en/"),
     "soft-404"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://a.example/errors/404.html"),
     "soft-404"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://a.example/news/1-new-slug"),
     "ok"),
    (fetched("http://a.example/news/1", 200, ["http://a.example/news/1"], "https://a.example/news/1"), "ok"),
    (fetched("https://a.example/", 200, ["https://a.example/"], "https://a.example/en/"), "ok"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://b.example/news/1"), "elsewhere"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://b.example/"), "elsewhere"),
    (fetched("https://bit.ly/abc", 200, ["https://bit.ly/abc"], "https://b.example/story"), "ok"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://a.example/login?next=/news/1"),
     "unverified"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://consent.a.example/x"),
     "unverified"),
    (fetched("https://a.example/news/1", 200, ["https://a.example/news/1"], "https://dawn.com/"), "elsewhere"),
    (fetched("https://www.dawn.com/news/1", 200, ["https://www.dawn.com/news/1"], "https://www.dawnnews.tv/x"),
     "ok"),
])
def test_verdicts(f, kind):
    assert classify(f, None, REG).kind == kind


@pytest.mark.parametrize("title,kind", [
    ("Page not found | Dawn", "soft-404"), ("404 - Not Found", "soft-404"), ("Error 404", "soft-404"),
    ("Sorry, the page you are looking for cannot be found", "soft-404"),
    ("404 errors on government sites rise, study finds | Dawn", "ok"),
    ("Not found: the missing millions of the flood fund", "ok"),
    ("Just a moment...", "unverified"), ("Budget 2024 | Dawn", "ok"),
])
def test_titles(title, kind):
    assert classify(fetched("https://a.example/x", 200), PageFacts(title=title), REG).kind == kind


def test_normalise_is_tolerant():
    page = normalise("He said: \u201cIt\u2019s  TIME\u2014now\u201d, gov\u00adern\u00adment & co.")
    for quote in ("it's time now", "It\u2019s time \u2013 now", "IT'S  TIME, NOW", "government & co"):
        assert found_in(page, quote), quote
    assert not found_in(page, "its time to go")
    assert not found_in(normalise("the cathedral"), "cat")  # whole words only


def test_fragments_and_inserts():
    page = normalise("We will not raise taxes this year, and we will protect the poor.")
    assert found_in(page, "We will not raise taxes \u2026 we will protect the poor")
    assert found_in(page, "[the government] will protect the poor")
    assert found_in(page, "We will not raise taxes ... and")
    assert not found_in(page, "we will protect the poor ... We will not raise taxes")  # order counts


def test_finding_quotes():
    text = ("She said \u201cwe will act\u201d and \u2018it\u2019s over now\u2019; so-called \"reform\" "
            "and 'single' and the boys' toys. \"Straight quotes work too,\" he said. It's '90s pop.")
    found = [q.inner for q in find_quotes(text, 0, len(text))]
    assert found == ["we will act", "it\u2019s over now", "Straight quotes work too,"]


def test_sentences_keep_quotes_and_abbreviations_whole():
    text = ("Mr. Khan said: \u201cWe are ready. We will act.\u201d The talks end today. "
            "Prices rose in the U.S. market.\n\nNew paragraph here.")
    spans = [text[a:b].strip() for a, b in sentences(text, "text", 0, len(text))]
    assert spans[0] == "Mr. Khan said: \u201cWe are ready. We will act.\u201d"
    assert spans[1] == "The talks end today."
    assert spans[-1] == "New paragraph here."


def test_citations_name_outlets_and_quotes():
    md = ("The minister said \u201cwe will act now\u201d ([Dawn](https://www.dawn.com/news/1)).\n\n"
          "According to Geo News, https://www.geo.tv/latest/1 has it.\n\n"
          "We woke at dawn, see https://example.com/a for the sunrise.\n\n"
          "[the report](https://example.com/b) says so.\n\n"
          "Code `https://example.com/c` and [mail](mailto:a@b.c).\n")
    cs = citations(load(md, "markdown", "x.md"), REG)
    assert [c.url for c in cs] == ["https://www.dawn.com/news/1", "https://www.geo.tv/latest/1",
                                   "https://example.com/a", "https://example.com/b"]
    assert [o.id for o in cs[0].named] == ["pk.dawn"] and cs[0].named_as == "Dawn"
    assert [q.inner for q in cs[0].quotes] == ["we will act now"]
    assert [o.id for o in cs[1].named] == ["pk.geo-news"]
    assert cs[2].named == []  # "at dawn" is not Dawn
    assert cs[3].named == []


def test_citations_in_html_use_anchor_text_and_prose_offsets():
    html = ("<p>The minister said &ldquo;we will act now&rdquo; "
            "(<a href=\"https://www.dawn.com/news/1#frag\">Dawn</a>).</p><p>Next para.</p>")
    doc = load(html, "html", "x.html")
    (c,) = citations(doc, REG)
    assert c.url == "https://www.dawn.com/news/1" and [o.id for o in c.named] == ["pk.dawn"]
    assert doc.prose.text[c.quotes[0].start:c.quotes[0].end] == "\u201cwe will act now\u201d"


def test_html_line_breaks_are_spaces_but_blocks_end_sentences():
    html = ("<p>The minister said &ldquo;we will act\nnow&rdquo;\n(<a href=\"https://www.dawn.com/news/1\">Dawn</a>)"
            "</p>\n<p>\u201cAnother quote here\u201d is not this link's.</p>")
    doc = load(html, "html", "x.html")
    (c,) = citations(doc, REG)
    assert [q.inner for q in c.quotes] == ["we will act now"]


def test_page_facts_and_claims():
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "x",
          "publisher": {"@type": "NewsMediaOrganization", "name": "Geo News", "url": "https://www.geo.tv"},
          "author": [{"@type": "Organization", "name": "Reuters"}], "articleBody": "Quoted words only here."}]}
    html = (f"<html lang='en'><head><title>T &amp; more</title><meta property='og:site_name' content='Dawn'>"
            f"<meta name='twitter:site' content='@dawn_com'><script type='application/ld+json'>{json.dumps(ld)}"
            f"</script></head><body><p>Body text.</p><script>var x = 'not words';</script></body></html>")
    facts = read_page(html, "text/html", True, True)
    assert facts.title == "T & more" and facts.lang == "en"
    assert facts.site_name == "Dawn" and facts.twitter_site == "dawn_com"
    assert facts.publishers == [("Geo News", "https://www.geo.tv")] and facts.credits == ["Reuters"]
    assert found_in(facts.text, "quoted words only here") and found_in(facts.text, "body text")
    assert not found_in(facts.text, "not words")
    claims = page_claims(REG, facts)
    assert [c.outlet.id for c in claims] == ["pk.dawn", "pk.geo-news"]
    assert PageFacts.from_json(json.loads(json.dumps(facts.to_json()))).publishers == facts.publishers


def test_json_ld_graph_references_are_followed():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "@id": "https://x/#a", "publisher": {"@id": "https://x/#org"},
         "author": {"@id": "https://x/#wire"}},
        {"@type": "Organization", "@id": "https://x/#org", "name": "Geo News", "url": "https://www.geo.tv/"},
        {"@type": "Organization", "@id": "https://x/#wire", "name": "AFP"}]}
    html = f"<html><head><script type=application/ld+json>{json.dumps(ld)}</script></head><body></body></html>"
    facts = read_page(html, "text/html", True, False)
    assert facts.publishers == [("Geo News", "https://www.geo.tv/")] and facts.credits == ["AFP"]


def test_publisher_mismatch_rules():
    def named(n):
        return REG.lookup_name(n)

    def claims_for(site_name):
        return page_claims(REG, PageFacts(site_name=site_name))

    assert mismatch(REG, named("Dawn"), claims_for("Dawn")) is None
    assert mismatch(REG, named("Dawn"), claims_for("Dawn News")) is None             # sister outlet
    assert mismatch(REG, named("Reuters"), claims_for("Dawn")).outlet.id == "pk.dawn"
    assert mismatch(REG, named("Dawn"), claims_for("Reuters")) is None               # wire copy a paper carries
    assert mismatch(REG, named("Geo News"), claims_for("Dawn")).outlet.id == "pk.dawn"
    assert mismatch(REG, named("Geo News"), claims_for("YouTube")) is None           # a platform
    assert mismatch(REG, named("Geo News"), claims_for("Some Local Blog")) is None   # unknown: not judged
    assert mismatch(REG, [], claims_for("Dawn")) is None
    assert mismatch(REG, named("Reuters"), claims_for("Dawn"),
                    credited(REG, PageFacts(credits=["Reuters"]))) is None           # credited wire copy
    handle = page_claims(REG, PageFacts(twitter_site="dawn_com"))
    assert mismatch(REG, named("Geo News"), handle).source == "twitter:site"


def test_decode_body_charsets():
    assert decode_body("caf\u00e9".encode("latin-1"), "text/html; charset=ISO-8859-1") == "caf\u00e9"
    assert decode_body(b'<meta charset="windows-1252">\x93hi\x94', "text/html") .endswith("\u201chi\u201d")
    assert decode_body("\u00e9".encode(), "text/html; charset=bogus-enc") == "\u00e9"


def test_archive_answers():
    snap = {"archived_snapshots": {"closest": {"status": "200", "available": True, "timestamp": "20200101000000",
                                               "url": "http://web.archive.org/web/20200101000000/https://a.example/x"}}}
    x = "https://a.example/x"
    assert snapshot_from(json.dumps(snap).encode(), x) == "https://web.archive.org/web/20200101000000/https://a.example/x"
    assert snapshot_from(b'{"archived_snapshots": {}}', x) is None
    snap["archived_snapshots"]["closest"]["status"] = "404"
    assert snapshot_from(json.dumps(snap).encode(), x) is None
    assert snapshot_from(b"not json", x) is None and snapshot_from(None, x) is None
    bad = {"archived_snapshots": {"closest": {"status": "200", "url": "javascript:alert(1)"}}}
    assert snapshot_from(json.dumps(bad).encode(), x) is None
    assert query_url("https://archive.org/wayback/available", "https://a.example/x?y=1") == \
        "https://archive.org/wayback/available?url=https%3A%2F%2Fa.example%2Fx%3Fy%3D1"
    assert endpoint_or_none(None) == "https://archive.org/wayback/available"
    assert endpoint_or_none("off") is None
    assert escape_for("html", "https://w/x?a=1&b=2", "html") == "https://w/x?a=1&amp;b=2"
    assert escape_for("markdown", "https://w/x_(y)", "markdown") == "https://w/x_%28y%29"


def _online_findings(md: str, results: dict) -> list:
    from citelint.config import Settings
    from citelint.engine import Linter
    from citelint.online.verify import OnlineState
    linter = Linter(Settings(select=("NET",)))
    doc = load(md, "markdown", "x.md")
    return linter.lint(doc, OnlineState(results, REG))


def test_publisher_mismatch_already_said_by_the_address_is_left_to_atr002():
    from citelint.online.verdicts import Verdict
    from citelint.online.verify import LinkResult

    def ok(url, site):
        return LinkResult(Verdict("ok", url, status=200, final_url=url), PageFacts(site_name=site))
    found = _online_findings("[Reuters](https://www.dawn.com/news/1) said.\n",
                             {"https://www.dawn.com/news/1": ok("https://www.dawn.com/news/1", "Dawn")})
    assert found == []
    found = _online_findings("[Reuters](https://www.geo.tv/x) said.\n",
                             {"https://www.geo.tv/x": ok("https://www.geo.tv/x", "Dawn")})
    assert [f.code for f in found] == ["NET006"] and "og:site_name says 'Dawn'" in found[0].message
