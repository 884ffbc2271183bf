"""Each rule that looks for its pattern only near candidates (citelint/scan.py,
and the bracket and noun windows of CHP005, CHP007 and SOC005) finds exactly
what a search of the whole text finds: an oracle over generated drafts."""
from hypothesis import given
from hypothesis import strategies as st

from citelint.checks.chips import DomainNameDuplicate, OutletListParenthesis, _at_parens
from citelint.checks.outlet_tags import TrailingCreditCrumb
from citelint.checks.social import EmbedChrome, MissingEmbedReference
from citelint.facts.chips import _CHAIN, _chains
from citelint.scan import finditer_lines, lines_with

PIECES = [
    "The talks failed.", " ", " ", "\n", "\n\n", "\t", "Dawn", "Geo News", "Reuters", "W.", "Page", "page", "via",
    "via Dawn", "via video link", "Instagram", "View this post on Instagram", "A photo shared by Ana (@ana_b) on",
    "(@ana_b)", "+3", "+ 2", "Reuters+2", "ISO+3", "IT Governance+3ISO+3ISO+3", "Wikipedia+1", "(Dawn, Geo News)",
    "(Karachi, Lahore)", "(a, b)", ",", ".", "ndtv.com (NDTV)", "example.com (a test site)", "dawn.com (Dawn)",
    "confirmed this tweet", "this tweet from @desk", "shared the following post", "posted that video", "the post",
    "a story", "It", "said", "(", ")", "Turn to", "He spoke", "x+1",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _spans(matches):
    return [m.span() for m in matches]


@given(texts)
def test_lines_with_covers_every_needle(text):
    spans = lines_with(text, ("a", "+"))
    for needle in ("a", "+"):
        i = text.find(needle)
        while i >= 0:
            assert any(s <= i < e for s, e in spans)
            i = text.find(needle, i + 1)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


@given(texts)
def test_embed_chrome_lines(text):
    pattern = EmbedChrome._LINE
    assert _spans(finditer_lines(pattern, text, EmbedChrome._LINE_NEEDLES)) == _spans(pattern.finditer(text))


@given(texts)
def test_credit_crumb_lines(text):
    pattern = TrailingCreditCrumb._CRUMB
    assert _spans(finditer_lines(pattern, text, ("Page", "page", "via"))) == _spans(pattern.finditer(text))


@given(texts)
def test_glued_chains(text):
    assert _spans(_chains(text)) == _spans(_CHAIN.finditer(text))


@given(texts)
def test_outlet_list_brackets(text):
    pattern = OutletListParenthesis._PAREN
    assert _spans(_at_parens(text, pattern, 1, None)) == _spans(pattern.finditer(text))


@given(texts)
def test_domain_name_brackets(text):
    pattern = DomainNameDuplicate._DUP
    assert _spans(_at_parens(text, pattern, 60, 48)) == _spans(pattern.finditer(text))


@given(texts)
def test_missing_embed_nouns(text):
    rule = MissingEmbedReference()
    assert _spans(rule._matches(text)) == _spans(rule._DEICTIC.finditer(text))
