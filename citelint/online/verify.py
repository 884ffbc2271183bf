"""The online pass: every distinct URL the drafts cite, fetched once, judged once.

Links from all files are checked together (so one pool serves a whole folder),
each URL once however often it is cited, through the verdict cache. Dead links
then get an archive look-up. The result is a map URL -> LinkResult that the NET
rules read through `OnlineState`.
"""
from __future__ import annotations


from .fetch import DEFAULT_TOTAL_TIMEOUT, Fetcher, FetchConfig, Fetched, FetchJob
from ..outlets.urls import without_credentials
from .page import PageFacts, decode_body, read_page
from .verdicts import DEAD, SOFT404, Verdict, classify
from ..model import Record

TITLE_BYTES = 64 * 1024   # enough for a page's <head> when only the title is wanted


class Need(Record):
    """What the rules need from one URL beyond its verdict."""
    _fields = ('meta', 'text', 'archive')
    __slots__ = _fields
    _defaults = {'meta': False, 'text': False, 'archive': False}
    meta: bool  # the page's publisher claims (NET006)
    text: bool  # the page's words (NET007)
    archive: bool  # a snapshot, if the link turns out dead (NET001/NET002)

    def merge(self, other: "Need") -> None:
        self.meta |= other.meta
        self.text |= other.text
        self.archive |= other.archive


class LinkResult(Record):
    _fields = ('verdict', 'facts', 'truncated', 'snapshot', 'cached')
    __slots__ = _fields
    _defaults = {'facts': None, 'truncated': False, 'snapshot': None, 'cached': False}
    verdict: Verdict
    facts: PageFacts | None
    truncated: bool
    snapshot: str | None
    cached: bool


class Options(Record):
    _fields = ('allow', 'archive_endpoint', 'total_timeout', 'link_timeout', 'use_cache', 'trust_env', 'fetch',
               'accept', 'cache_max_age')
    __slots__ = _fields
    _defaults = {'allow': (), 'archive_endpoint': None, 'total_timeout': DEFAULT_TOTAL_TIMEOUT, 'link_timeout': 15.0,
                 'use_cache': True, 'trust_env': False, 'fetch': dict(), 'accept': None, 'cache_max_age': None}
    allow: tuple[str, ...]
    archive_endpoint: str | None  # None: no archive look-ups
    total_timeout: float | None
    link_timeout: float
    use_cache: bool
    trust_env: bool
    fetch: dict  # other FetchConfig fields: retries, workers, host_concurrency (and tests' own)
    accept: frozenset[int] | None  # status codes that count as alive; None: verdicts.DEFAULT_ACCEPT
    cache_max_age: float | None  # seconds a cached verdict is reused; None: cache.TTL

    def config(self, **extra) -> FetchConfig:
        kw = dict(allow=self.allow, total_timeout=self.total_timeout, link_timeout=self.link_timeout,
                  trust_env=self.trust_env, accept=self.accept or frozenset())
        kw.update(self.fetch)
        kw.update(extra)
        return FetchConfig(**kw)


class OnlineState:
    """What the NET rules read: the results, the outlet registry, and per document
    the citations (computed once per lint context); plus, for the links report,
    where each link is cited and which links were excluded."""

    def __init__(self, results: dict[str, LinkResult], registry=None, filters=None):
        self.results = results
        self.registry = registry
        self.filters = filters  # Settings -> LinkFilter (--exclude-link, --include-link); None: none
        self.cited: dict[str, list[tuple[str, int]]] = {}     # url -> (file, line) citing it
        self.excluded: dict[str, list[tuple[str, int]]] = {}  # url never fetched: excluded wherever cited

    def skipped(self, ctx, url: str) -> bool:
        """Is `url` excluded from checking by this file's link patterns?"""
        if self.filters is None:
            return False
        return self.filters(ctx.settings).excluded(url)

    def result(self, ctx, url: str) -> LinkResult | None:
        """The result for a link of this file, or None (not checked, or excluded here)."""
        res = self.results.get(url)
        return None if res is None or self.skipped(ctx, url) else res

    def link_rows(self) -> list[dict]:
        """Every link the run cited, with its verdict, for `--format links`:
        plain dicts (url, verdict, status, reason, final_url, redirects, cached,
        archived_copy, cited), problems first. Passwords are never shown."""
        rows = []
        for url, where in self.cited.items():
            res = self.results.get(url)
            if res is None:
                continue
            v = res.verdict
            rows.append({"url": without_credentials(url), "verdict": v.kind, "status": v.status, "reason": v.reason,
                         "final_url": without_credentials(v.final_url or url),
                         "redirects": [without_credentials(u) for u in v.chain], "cached": res.cached,
                         "archived_copy": res.snapshot, "cited": _places(where)})
        for url, where in self.excluded.items():
            rows.append({"url": without_credentials(url), "verdict": "excluded", "status": None,
                         "reason": "excluded by a link pattern (--exclude-link, --include-link)", "final_url": None, "redirects": [],
                         "cached": False, "archived_copy": None, "cited": _places(where)})
        rows.sort(key=lambda r: (_ROW_ORDER.get(r["verdict"], len(_ROW_ORDER)), r["url"]))
        return rows

    def citations(self, ctx):
        from .citations import citations  # deferred
        if "online-citations" not in ctx.cache:
            ctx.cache["online-citations"] = citations(ctx.doc, self.registry)
        return ctx.cache["online-citations"]


_ROW_ORDER = {k: i for i, k in enumerate((DEAD, SOFT404, "elsewhere", "unverified", "blocked", "ok", "excluded"))}


def _places(where: list[tuple[str, int]]) -> list[dict]:
    return [{"file": f, "line": line} for f, line in dict.fromkeys(where)]


def verify(needs: dict[str, Need], opts: Options, registry=None, progress=None,
           on_link=None) -> dict[str, LinkResult]:
    """Verdicts (and what else is needed) for every URL in `needs`. `on_link(url,
    LinkResult)` hears of each link as it settles (a cached one at once); the
    returned results are final (a look-up that finds the resolver down, and
    archived copies, come after)."""
    import time  # deferred

    from .cache import TTL, VerdictCache  # deferred
    from .verdicts import DEFAULT_ACCEPT  # deferred

    started = time.monotonic()
    accept = opts.accept if opts.accept is not None else DEFAULT_ACCEPT
    cache = VerdictCache(ttl=TTL if opts.cache_max_age is None else opts.cache_max_age) if opts.use_cache else None
    fetcher = Fetcher(opts.config())
    results, jobs = _from_cache(needs, cache, fetcher, accept)
    if on_link:
        for url, res in results.items():
            on_link(url, res)

    def digest(f: Fetched) -> LinkResult:
        need = needs.get(f.url, Need())
        facts = None
        if f.body is not None:
            text = decode_body(f.body, f.headers.get("content-type", ""))
            f.body = None  # keep only what the rules need
            # A page cut at the size limit still has its head: meta is fine, words are not all there.
            # Reading it is part of the link's time: past its deadline the facts are partial.
            facts = read_page(text, f.content_type, need.meta, need.text and not f.truncated, f.deadline)
            if facts.cut:
                f.truncated = True
        return LinkResult(classify(f, facts, registry, accept), facts, f.truncated)

    if jobs:
        results.update(fetcher.run(jobs, digest, progress, on_link))
        _distrust_dead_resolver(results, jobs)
    if cache is not None:
        for job in jobs:
            res = results.get(job.url)
            if res is not None:
                cache.put(job.url, res.verdict, res.facts, _admitted(fetcher, job.url))
        cache.save()
    left = opts.total_timeout - (time.monotonic() - started) if opts.total_timeout else None
    _snapshots(results, needs, opts, left)
    if progress and jobs:
        progress(len(jobs), len(jobs))
    return results


def _from_cache(needs: dict[str, Need], cache, fetcher, accept) -> tuple[dict[str, LinkResult], list[FetchJob]]:
    """The verdicts the cache holds, and the fetch jobs for the rest."""
    results: dict[str, LinkResult] = {}
    jobs: list[FetchJob] = []
    for url, need in needs.items():
        hit = None
        if cache is not None and not need.text:
            hit = cache.get(url, _admitted(fetcher, url), accept)
            if hit is not None and need.meta and hit[1] is None and hit[0].kind == "ok":
                hit = None  # cached without the publisher facts this run needs
        if hit is not None:
            results[url] = LinkResult(hit[0], hit[1], cached=True)
        else:
            small = not (need.meta or need.text)
            jobs.append(FetchJob(url, want_body=True, max_bytes=TITLE_BYTES if small else None))
    return results, jobs


def _snapshots(results: dict[str, LinkResult], needs: dict[str, Need], opts: Options, left: float | None) -> None:
    """Ask the archive endpoint for the closest snapshot of each dead link, in the time left."""
    from .archive import MAX_BYTES, query_url, snapshot_from  # deferred
    endpoint = opts.archive_endpoint
    dead = [u for u, r in results.items() if r.verdict.kind in (DEAD, SOFT404) and needs.get(u, Need()).archive]
    if not endpoint or not dead or (left is not None and left <= 0.5):
        return
    allow = opts.allow + (_host_port(endpoint),)
    archive = Fetcher(opts.config(allow=allow, total_timeout=left, retries=1))
    queries = {query_url(endpoint, without_credentials(u)): u for u in dead}  # never send a link's password
    answers = archive.run([FetchJob(q, max_bytes=MAX_BYTES) for q in queries],
                          lambda f: snapshot_from(f.body, without_credentials(queries[f.url]))
                          if f.status == 200 else None)
    for q, u in queries.items():
        results[u].snapshot = answers.get(q)


def _distrust_dead_resolver(results: dict[str, LinkResult], jobs: list[FetchJob]) -> None:
    """When no host answered at all and several names "do not resolve", the
    machine's DNS is the likelier culprit (offline, captive portal): call those
    links unverified, not dead."""
    from urllib.parse import urlsplit  # deferred

    from .guard import host_problem  # deferred

    fetched = [results[j.url] for j in jobs if j.url in results]
    if any(r.verdict.status is not None for r in fetched):
        return
    # A name that cannot exist (a label over 63 characters) says nothing about the resolver.
    unresolved = [r for r in fetched if r.verdict.kind == DEAD and r.verdict.status is None
                  and host_problem(urlsplit(r.verdict.final_url).hostname) is None]
    if len({urlsplit(r.verdict.final_url).hostname for r in unresolved}) < 3:
        return
    for r in unresolved:
        r.verdict.kind = "unverified"
        r.verdict.reason = ("no name resolved and no site answered: this machine's DNS or network "
                            "looks down, so the link was not judged")


def _admitted(engine: Fetcher, url: str) -> bool:
    from urllib.parse import urlsplit  # deferred
    try:
        p = urlsplit(url)
        return engine.guard.admitted(p.hostname or "", p.port or (443 if p.scheme == "https" else 80))
    except ValueError:
        return False


def _host_port(url: str) -> str:
    """The endpoint's host:port, admitted because the user named it, not a draft."""
    from urllib.parse import urlsplit  # deferred
    p = urlsplit(url)
    host = p.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{p.port or (443 if p.scheme == 'https' else 80)}"
