"""Verify sources: the `--online` pass for one draft, as `citelint check
--online` runs it (online/cli.py `prepare`: the same citations, needs, guard,
limits and verdicts), with a progress callback per link finished, and the
results laid out for the page: each link with the sentence that cites it.

The server never uses the verdict cache: nothing from a draft, not even its
links, is written to disk."""
from __future__ import annotations

import argparse


def online_options(opts: dict, settings):
    """The online options of `citelint check --online` from the server's own
    options (--allow-host, --archive-endpoint, …) and its configuration."""
    from ..online.cli import options_for  # deferred
    args = argparse.Namespace(allow_host=opts.get("allow_host") or [], archive_endpoint=opts.get("archive_endpoint"),
                              online_timeout=opts.get("online_timeout"), link_timeout=opts.get("link_timeout"),
                              no_cache=True, trust_env=bool(opts.get("trust_env")))
    return options_for(args, [settings])


def _source_span(doc, a: int, b: int) -> list[int]:
    """A prose-view span as source offsets."""
    if b <= a:
        p = doc.prose.source_pos(a) if a < len(doc.prose.text) else len(doc.source)
        return [p, p]
    return [doc.prose.source_pos(a), doc.prose.source_pos(b - 1) + 1]


class Pass:
    """One draft's links, what each needs, and (after `run`) their verdicts."""

    def __init__(self, linter, text: str, kind: str, path: str, registry):
        from ..formats import load  # deferred
        from ..online.citations import citations  # deferred
        from ..online.verify import Need  # deferred
        self.linter, self.registry = linter, registry
        self.doc = load(text, kind, path)
        self.codes = {r.code for r in linter.rules_for(path) if r.scope == "online"}
        self.needs: dict = {}
        self.links: list[dict] = []
        if not self.codes:
            return
        want_meta = "NET006" in self.codes and registry is not None
        for c in citations(self.doc, registry if want_meta else None, want_outlets=want_meta):
            need = Need(meta=want_meta and bool(c.named), text="NET007" in self.codes and bool(c.quotes),
                        archive=bool(self.codes & {"NET001", "NET002"}))
            self.needs.setdefault(c.url, Need()).merge(need)
            link = c.link
            self.links.append({"url": c.url, "start_offset": link.start, "end_offset": link.end,
                               "text": link.text or "", "sentence": _source_span(self.doc, *c.sentence),
                               "named": [o.name for o in c.named]})

    @property
    def urls(self) -> list[str]:
        return list(self.needs)

    def run(self, options, progress=None, on_link=None) -> dict:
        """Fetch every link once; the NET findings and each link's verdict.
        `on_link(url, verdict)` hears of each link as it settles."""
        from ..online.verify import OnlineState, verify  # deferred
        from ..reports.common import finding_dict  # deferred
        settled = (lambda url, res: on_link(url, res.verdict.to_json())) if on_link else None
        results = verify(self.needs, options, self.registry, progress, settled) if self.needs else {}
        found = [] if not self.codes else self.linter.lint(self.doc, OnlineState(results, self.registry))
        verdicts = {}
        for url, res in results.items():
            v = res.verdict.to_json()
            v["snapshot"] = res.snapshot
            verdicts[url] = v
        links = [dict(link, verdict=verdicts.get(link["url"])) for link in self.links]
        return {"links": links, "findings": [finding_dict(f) for f in found if f.code in self.codes]}
