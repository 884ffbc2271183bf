"""The outlets a draft credits: each outlet named in its prose (found by the
same matcher the attribution rules use, so "at dawn today" is not Dawn) or
linked to, with its domains, and for each mention whether a link backs it: the
mention is a link's text, or its sentence links to the outlet's own site."""
from __future__ import annotations

from bisect import bisect_right


def _span(doc, a: int, b: int) -> tuple[int, int]:
    return doc.prose.source_pos(a), doc.prose.source_pos(b - 1) + 1


def _outlet_entry(o) -> dict:
    return {"id": o.id, "name": o.name, "kind": o.kind, "country": o.country,
            "domains": list(o.domains) + [h for h in o.hosts if h not in o.domains],
            "mentions": [], "links": []}


def credits(text: str, kind: str, path: str, registry) -> list[dict]:
    """One entry per outlet, in the order the draft first names or links it."""
    from ..formats import load  # deferred
    from ..online.citations import link_position, sentences  # deferred
    from ..outlets import matcher_for, unwrap  # deferred
    from ..view import MASK  # deferred
    doc = load(text, kind, path)
    prose = doc.prose.text.replace(MASK, " ")
    spans = sentences(prose, doc.kind, 0, len(prose))
    starts = [a for a, _ in spans]

    def sentence_of(pos: int) -> int:
        return bisect_right(starts, pos) - 1

    links = []  # (link, outlet or None, prose position)
    for link in doc.links:
        if link.kind not in ("markdown", "autolink", "bare", "html", "definition") or \
                not link.url.lower().startswith(("http://", "https://")):
            continue
        try:
            target = registry.by_domain(unwrap(link.url))
        except ValueError:
            target = None
        links.append((link, target if target is not None and not target.is_platform else None,
                      min(link_position(doc, link), max(0, len(prose) - 1))))
    found: dict[str, dict] = {}
    for m in matcher_for(registry).find(prose):
        for o in m.outlets:
            if o.is_platform:
                continue
            start, end = _span(doc, m.start, m.end)
            url = _backing_link(doc, registry, o, start, m.start, links, sentence_of)
            found.setdefault(o.id, _outlet_entry(o))["mentions"].append(
                {"start_offset": start, "end_offset": end, "text": doc.source[start:end], "cued": m.cued,
                 "linked": url is not None, "url": url, "first": start})
    for link, target, _pos in links:
        if target is not None:
            entry = found.setdefault(target.id, _outlet_entry(target))
            entry["links"].append({"url": link.url, "start_offset": link.start, "end_offset": link.end})
    out = list(found.values())
    for e in out:
        e["credited_with_link"] = any(m["linked"] for m in e["mentions"]) or (bool(e["links"]) and not e["mentions"])
        for m in e["mentions"]:
            m.pop("first")
    out.sort(key=lambda e: min([m["start_offset"] for m in e["mentions"]] + [lk["start_offset"] for lk in e["links"]]))
    return out


def _backing_link(doc, registry, outlet, start: int, prose_pos: int, links, sentence_of) -> str | None:
    """The link that backs a mention: the link whose text it is (whatever the
    link's site), else a link in the same sentence to the outlet's own site."""
    for link, _target, _pos in links:
        if link.text_start <= start < link.text_end:
            return link.url
    here = sentence_of(prose_pos)
    for link, target, pos in links:
        if target is not None and registry.related(target, outlet) and sentence_of(pos) == here:
            return link.url
    return None
