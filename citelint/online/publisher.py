"""Outlet check: does the page say it is published by the outlet the draft names?

A page names its own publisher in `og:site_name`, `twitter:site`, JSON-LD
`publisher` (name and url) and, after a redirect to another site, its address.
Each claim is looked up in the outlet registry; a mismatch needs every known
claim to disagree with every outlet the draft names. Sister outlets (same
owner) agree; a wire named by the draft, or a page on a platform (YouTube, MSN),
is syndication rather than a mismatch; unknown publishers are not judged.
"""
from __future__ import annotations


from .page import PageFacts
from ..model import Record


class Claim(Record):
    _fields = ('source', 'value', 'outlet')
    __slots__ = _fields
    source: str          # where the page says it: og:site_name, twitter:site, JSON-LD publisher, address
    value: str
    outlet: object       # the registry Outlet it names


def page_claims(registry, facts: PageFacts | None, link_url: str = "", final_url: str = "") -> list[Claim]:
    """Known outlets the page claims as its publisher."""
    from ..outlets import registered_domain  # deferred

    out: list[Claim] = []

    def add(source: str, value: str, outlet) -> None:
        if outlet is not None and not any(c.outlet.id == outlet.id for c in out):
            out.append(Claim(source, value, outlet))

    if facts is not None:
        if facts.site_name:
            for o in _names(registry, facts.site_name):
                add("og:site_name", facts.site_name, o)
        if facts.twitter_site:
            add("twitter:site", "@" + facts.twitter_site, registry.by_handle(facts.twitter_site))
        for name, url in facts.publishers:
            if name:
                for o in _names(registry, name):
                    add("JSON-LD publisher", name, o)
            if url.startswith(("http://", "https://")):
                add("JSON-LD publisher url", url, registry.by_domain(url))
    if not out and final_url and link_url and \
            registered_domain(final_url) != registered_domain(link_url):
        add("address after redirects", final_url, registry.by_domain(final_url))
    return out


def _names(registry, value: str) -> list:
    # Exact names and aliases only: an ambiguous abbreviation or a garble in a
    # page's own metadata is not strong enough to call a mismatch on.
    return [f.outlet for f in registry.forms(value) if f.kind in ("name", "alias", "abbreviation")]


def credited(registry, facts: PageFacts | None) -> list:
    """Outlets the page credits for the story (author, source organisation): a
    paper's page of an agency's copy credits the agency."""
    if facts is None:
        return []
    out = []
    for name in facts.credits:
        out.extend(_names(registry, name))
    return out


def mismatch(registry, named: list, claims: list[Claim], credits: list = ()) -> Claim | None:
    """The page's claim that contradicts the draft, or None."""
    named = [o for o in named if not o.is_platform]
    judged = [c for c in claims if not c.outlet.is_platform]
    if not named or not judged:
        return None
    for o in [c.outlet for c in judged] + list(credits):
        if any(registry.related(n, o) for n in named):
            return None  # the page confirms the outlet (or a sister outlet) somewhere
    if all(c.outlet.kind == "agency" for c in judged) and not any(n.kind == "agency" for n in named):
        return None  # "[Dawn](reuters.com/…)": wire copy the paper carries; syndication
    return judged[0]
