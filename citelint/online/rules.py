"""The NET rule family: what `citelint check --online` finds about cited sources.

These rules read the verdicts the online pass puts in `ctx.cache["online"]`.
Without `--online` nothing puts them there, so the rules find nothing and no
socket is ever opened. Their examples cite `news.example` and `other.example`;
tests/test_online_rules.py serves those sites from loopback and runs them.
"""
from __future__ import annotations

from ..model import Safety, Severity
from ..rule import Context, Example, Rule

ONLINE = "online"
_ORIGIN = "citelint/online/rules.py"


def state(ctx: Context):
    """The online pass's results for this run, or None when not online."""
    return ctx.cache.get(ONLINE)


def without_credentials(url: str) -> str:
    """outlets.urls.without_credentials, imported when a NET rule first reports
    (urllib costs every one-file check a couple of milliseconds otherwise)."""
    from ..outlets.urls import without_credentials as strip  # deferred
    return strip(url)


class _NetRule(Rule):
    scope = "online"
    origin = _ORIGIN
    verdict = ""  # the verdict kind this rule reports

    def check(self, ctx: Context):
        st = state(ctx)
        if st is None:
            return
        for c in st.citations(ctx):
            res = st.result(ctx, c.url)
            if res is None or res.verdict.kind != self.verdict:
                continue
            f = self.report(ctx, c, res)
            if f is not None:
                yield f

    def report(self, ctx: Context, c, res):
        link = c.link
        return ctx.finding(self, ctx.raw, link.start, link.end, self.message(c, res), url=without_credentials(link.url.strip()))

    def message(self, c, res) -> str:  # pragma: no cover - each rule says its own
        raise NotImplementedError


class _ArchiveFix(_NetRule):
    fix_safety = Safety.UNSAFE
    fix_title = "Replace the link with its archived copy"

    def report(self, ctx: Context, c, res):
        from .archive import endpoint_or_none, escape_for  # deferred

        link = c.link
        snapshot = res.snapshot
        if ctx.settings is not None and endpoint_or_none(ctx.settings.archive_endpoint) is None:
            snapshot = None  # this file's settings turned look-ups off (another file's link may have asked)
        replacement = None
        if snapshot:
            replacement = escape_for(ctx.doc.kind, snapshot, link.kind)
        msg = self.message(c, res)
        if snapshot:
            msg += f"; an archived copy exists: {snapshot}"
        return ctx.finding(self, ctx.raw, link.start, link.end, msg, url=without_credentials(link.url.strip()),
                           replacement=replacement)


class DeadLink(_ArchiveFix):
    code = "NET001"
    name = "dead-link"
    severity = Severity.ERROR
    verdict = "dead"
    summary = "Finds cited links that are gone: HTTP 404 or 410, or a site name that no longer resolves."
    why = ("A reader who follows a dead link cannot check the story, and an editor cannot check the "
           "quote or figure it supports. Only hard evidence counts: a server that refuses the check "
           "(401, 403, 429, 503, a bot challenge) or does not answer in time is NET004, never dead. "
           "When a Wayback-compatible archive (`--archive-endpoint`) holds a copy of the page taken "
           "while it answered 2xx or 3xx, the unsafe fix swaps the link for that snapshot; an editor "
           "should open it first. "
           "Runs only with `--online`. In the examples, the page at news.example/2024/05/budget-report "
           "answers 404 and the archive has a copy.")
    examples = [
        Example("Officials confirmed the figures ([report](https://news.example/2024/05/budget-report)).\n",
                "Officials confirmed the figures ([report](https://web.archive.org/web/20240101000000/"
                "https://news.example/2024/05/budget-report)).\n", "markdown"),
        Example("Officials confirmed the figures ([report](https://news.example/2024/05/live-report)).\n",
                None, "markdown", trap=True),
    ]

    def message(self, c, res) -> str:
        return f"dead link: {res.verdict.reason}"


class SoftNotFound(_ArchiveFix):
    code = "NET002"
    name = "soft-404"
    severity = Severity.ERROR
    verdict = "soft-404"
    summary = "Finds deep links that now land on the site's front page or a not-found page (a soft 404)."
    why = ("Many news sites answer a deleted article with a redirect to their home page or to a "
           "`/404` page that says 200 OK, so a plain status check calls the link alive. The story the "
           "draft cites is gone all the same. A deep link redirecting to the front page of its own "
           "site (or a sister site), a redirect to a not-found address, or a page whose title only "
           "says it was not found is reported; a redirect from an old address to the article's new "
           "address is not. Offers the archived copy like NET001. Runs only with `--online`. In the "
           "examples, news.example/2023/01/removed-story redirects to the front page and "
           "news.example/2023/01/old-slug to the story's new address.")
    examples = [
        Example("The ministry withdrew the notice (https://news.example/2023/01/removed-story).\n",
                "The ministry withdrew the notice (https://web.archive.org/web/20240101000000/"
                "https://news.example/2023/01/removed-story).\n"),
        Example("The ministry withdrew the notice (https://news.example/2023/01/old-slug).\n",
                None, trap=True),
    ]

    def message(self, c, res) -> str:
        return f"soft 404: {res.verdict.reason}"


class RedirectedElsewhere(_NetRule):
    code = "NET003"
    name = "redirected-elsewhere"
    severity = Severity.WARNING
    verdict = "elsewhere"
    summary = "Finds cited links that now redirect to a different site."
    why = ("When a link ends up on another site, the domain may have been sold, the outlet may have "
           "moved or merged, or the page may now be something else: the cited source is no longer "
           "what the reader gets. Redirects within a site, to a sister outlet's domain, and from "
           "link shorteners and platforms are expected and not reported. Runs only with `--online`. "
           "In the example, news.example/2022/sold-story redirects to other.example.")
    examples = [
        Example("The fund was launched in 2019 ([details](https://news.example/2022/sold-story)).\n",
                None, "markdown"),
        Example("The fund was launched in 2019 ([details](https://news.example/2023/01/old-slug)).\n",
                None, "markdown", trap=True),
    ]

    def message(self, c, res) -> str:
        return f"link {res.verdict.reason}; check that it still shows the cited source"


class CouldNotVerify(_NetRule):
    code = "NET004"
    name = "could-not-verify"
    severity = Severity.WARNING
    verdict = "unverified"
    summary = ("Finds cited links citelint could not verify: refused (401, 403, 429), unavailable "
               "(5xx), behind a bot challenge, too slow, or looping.")
    why = ("False \"broken link\" reports from bot walls and rate limits are the top complaint about "
           "every link checker, so a live server that will not answer a robot is reported here as "
           "unverified, never as dead. Open the link in a browser to check it. Runs only with "
           "`--online`. In the example, news.example/paywalled answers 403 with a Cloudflare "
           "challenge.")
    examples = [
        Example("Subscribers were told on Monday ([notice](https://news.example/paywalled)).\n",
                None, "markdown"),
        Example("Subscribers were told on Monday ([notice](https://news.example/2024/05/live-report)).\n",
                None, "markdown", trap=True),
    ]

    def message(self, c, res) -> str:
        return f"could not verify the link: {res.verdict.reason}"


class BlockedAddress(_NetRule):
    code = "NET005"
    name = "blocked-address"
    severity = Severity.WARNING
    verdict = "blocked"
    summary = ("Finds links citelint refused to fetch: private, loopback, link-local (cloud metadata), "
               "carrier-grade NAT or multicast addresses, non-http schemes, and redirects to them.")
    why = ("A draft is untrusted input. Fetching whatever it links to would let a draft probe the "
           "checking machine's network (server-side request forgery): a link to 169.254.169.254 "
           "reads cloud credentials. The address is checked on the connection actually made and on "
           "every redirect, and a refused link is reported so an editor sees it. A newsroom intranet "
           "can be admitted with `--allow-host HOST[:PORT]` or `allow-hosts` in a configuration file named "
           "with `--config` (a configuration found beside the drafts cannot admit hosts). "
           "Runs only with `--online`.")
    examples = [
        Example("The credentials are here ([config](http://169.254.169.254/latest/meta-data/)).\n",
                None, "markdown"),
        Example("The figures are here ([report](https://news.example/2024/05/live-report)).\n",
                None, "markdown", trap=True),
        Example("The leak is [here](file:///etc/passwd) and [there](gopher://news.example/1).\n", None, "markdown"),
    ]

    def message(self, c, res) -> str:
        return f"link {res.verdict.reason}"

    def check(self, ctx: Context):
        yield from super().check(ctx)
        st = state(ctx)
        if st is None:
            return
        for link in ctx.doc.links:  # never fetched at all: say so, rather than pass over them in silence
            scheme = link.url.strip().partition(":")[0].lower()
            anchor = link.kind in ("markdown", "definition") or (link.kind == "html" and link.text_start >= 0)
            if anchor and scheme in _REFUSED_SCHEMES and ":" in link.url and not st.skipped(ctx, link.url.strip()):
                yield ctx.finding(self, ctx.raw, link.start, link.end,
                                  f"link uses the `{scheme}:` scheme: only http(s) links are checked, and readers' "
                                  "browsers may not open it", url=without_credentials(link.url.strip()))


_REFUSED_SCHEMES = frozenset({"file", "ftp", "ftps", "gopher", "data", "javascript", "vbscript", "smb", "sftp"})


class PublisherMismatch(Rule):
    code = "NET006"
    name = "publisher-mismatch"
    severity = Severity.WARNING
    scope = "online"
    origin = _ORIGIN
    summary = "Finds links whose page says it is published by a different outlet than the one the draft names."
    why = ("\"[Reuters](…)\" must lead to Reuters. The page's own metadata (`og:site_name`, "
           "`twitter:site`, the JSON-LD `publisher`, and its address after redirects) is looked up "
           "in the outlet registry and compared with the outlet named in the link text, or in the "
           "sentence of a bare URL. Sister outlets of one owner agree; a paper credited beside a "
           "wire's page, a page that credits the named outlet as its author, and pages on "
           "platforms are not mismatches; publishers the registry does not know are not judged. A link "
           "whose own address already names the page's outlet is left to ATR002, which reports it "
           "offline. Runs only with `--online`. In the examples, the page at "
           "news.example/2024/dawn-story declares og:site_name \"Dawn\".")
    examples = [
        Example("Prices rose again, [Reuters](https://news.example/2024/dawn-story) reported.\n",
                None, "markdown"),
        Example("Prices rose again, [Dawn](https://news.example/2024/dawn-story) reported.\n",
                None, "markdown", trap=True),
    ]

    @staticmethod
    def _said_offline(registry, c, claim) -> bool:
        """The link's own address already names the outlet the page claims, and
        not the one the draft names: ATR002 reports that offline; once is enough."""
        from ..outlets import unwrap  # deferred
        linked = registry.by_domain(unwrap(c.url))
        return (linked is not None and not linked.is_platform and registry.related(linked, claim.outlet)
                and not any(registry.related(n, linked) for n in c.named))

    def check(self, ctx: Context):
        st = state(ctx)
        if st is None or st.registry is None:
            return
        from .publisher import credited, mismatch, page_claims  # deferred

        for c in st.citations(ctx):
            res = st.result(ctx, c.url)
            if not c.named or res is None or res.verdict.kind not in ("ok", "elsewhere"):
                continue
            claim = mismatch(st.registry, c.named,
                             page_claims(st.registry, res.facts, c.url, res.verdict.final_url),
                             credited(st.registry, res.facts))
            if claim is None or self._said_offline(st.registry, c, claim):
                continue
            link = c.link
            a, b = (link.text_start, link.text_end) if link.text_start >= 0 else (link.start, link.end)
            msg = (f"the draft names {c.named_as!r} but the page's {claim.source} says {claim.value!r} "
                   f"({claim.outlet.name})")
            f = ctx.finding(self, ctx.raw, a, b, msg, url=without_credentials(link.url.strip()))
            if f is not None:
                yield f


class QuoteNotFound(Rule):
    code = "NET007"
    name = "quote-not-found"
    severity = Severity.WARNING
    scope = "online"
    origin = _ORIGIN
    summary = "Finds quoted words that do not appear on the page the sentence cites."
    why = ("A quotation attributed through a link is a promise that the source says those words. "
           "Quotes are compared word by word, ignoring case, quote styles, punctuation, whitespace, "
           "soft hyphens and HTML entities; an ellipsis or an editor's [insert] splits a quote into "
           "parts that must each appear. Quotes of one word, pages citelint could not read in full "
           "(cut at the size limit, or with almost no text, as script-built pages are) and sentences "
           "with a link that could not be fetched are not judged. A translated quote will be "
           "reported: say so in the text, or suppress the finding. Runs only with `--online`. In the "
           "examples, the page at news.example/2024/dawn-story calls the plan \"a balanced budget\".")
    examples = [
        Example("The minister called it \u201ca historic budget for everyone\u201d "
                "([Dawn](https://news.example/2024/dawn-story)).\n", None, "markdown"),
        Example("The minister called it \u201ca  Balanced budget\u201d "
                "([Dawn](https://news.example/2024/dawn-story)).\n", None, "markdown", trap=True),
    ]

    def check(self, ctx: Context):
        st = state(ctx)
        if st is None:
            return
        from .quotes import MIN_PAGE_WORDS, found_in  # deferred

        by_sentence: dict[tuple[int, int], list] = {}
        for c in st.citations(ctx):
            if c.quotes:
                by_sentence.setdefault(c.sentence, []).append(c)
        for cites in by_sentence.values():
            pages = []
            for c in cites:
                res = st.result(ctx, c.url)
                facts = res.facts if res is not None else None
                if facts is None or facts.text is None or res.truncated or facts.words < MIN_PAGE_WORDS:
                    pages = None  # one cited page could not be read: say nothing
                    break
                pages.append(facts.text)
            if not pages:
                continue
            for q in cites[0].quotes:
                if any(found_in(p, q.inner) for p in pages):
                    continue
                urls = ", ".join(dict.fromkeys(c.link.url.strip() for c in cites))
                msg = f"quote not found at the cited source: \u201c{_short(q.inner)}\u201d ({urls})"
                f = ctx.finding(self, ctx.doc.prose, q.start, q.end, msg, url=without_credentials(cites[0].link.url.strip()))
                if f is not None:
                    yield f


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


NET_RULES = [DeadLink, SoftNotFound, RedirectedElsewhere, CouldNotVerify, BlockedAddress,
             PublisherMismatch, QuoteNotFound]
