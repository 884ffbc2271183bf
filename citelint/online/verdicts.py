"""From what happened to a URL to a verdict a fact-checker would give.

Precision first, as every link checker's issue tracker teaches: only hard
evidence makes a link dead (404, 410, a name that does not resolve). A live
server that refuses us (401, 403, 429, 503, a bot challenge) or does not answer
in time could not be verified; it is never called dead.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .fetch import Fetched
from .page import PageFacts
from ..model import Record

OK, DEAD, SOFT404, ELSEWHERE, UNVERIFIED, BLOCKED = "ok", "dead", "soft-404", "elsewhere", "unverified", "blocked"
DEAD_STATUS = (404, 410)
DEFAULT_ACCEPT = frozenset(range(100, 104)) | frozenset(range(200, 300))  # options.DEFAULT_ACCEPT
# A redirect target that says "not found" (DeadlinkChecker's list, widened a little).
_NOT_FOUND_PATH = re.compile(r"(?i)(?:^|[/_.-])(?:404|notfound|not-found|not_found|page-not-found|pagenotfound|"
                             r"error-?404|errors?/404)(?:$|[/_.?-])")
_ROOT_PATH = re.compile(r"(?i)^/?(?:(?:index|default|home)(?:\.\w{2,5})?|[a-z]{2}(?:-[a-z]{2})?/?)?/?$")
_NOT_FOUND_TITLE = re.compile(
    r"(?i)^\W*(?:error\W*)?(?:404\b\W*(?:error|not found|page not found)?|page not found|not found|"
    r"(?:sorry,?\s*)?(?:this |the )?page (?:(?:you (?:requested|are looking for) )?(?:could not|cannot|can't|can ?not) "
    r"be found|(?:does not|doesn't) exist|is (?:missing|no longer available))|"
    r"(?:article|story|content) not found)\W*$")
_CHALLENGE_TITLE = re.compile(r"(?i)^\s*(?:just a moment\.*|attention required!?.*cloudflare.*|"
                              r"access denied|are you a robot\??|verifying you are human.*|one more step)\s*$")
_WALL_PATH = re.compile(r"(?i)/(?:login|log-in|signin|sign-in|subscribe|subscription|paywall|consent|register|auth)\b")
_WALL_HOST = re.compile(r"(?i)^(?:login|signin|accounts?|auth|sso|consent|id|subscribe)\.")


class Verdict(Record):
    _fields = ('kind', 'url', 'reason', 'status', 'final_url', 'chain')
    __slots__ = _fields
    _defaults = {'reason': "", 'status': None, 'final_url': "", 'chain': list()}
    kind: str                     # ok, dead, soft-404, elsewhere, unverified, blocked
    url: str
    reason: str  # a short human explanation
    status: int | None
    final_url: str
    chain: list[str]

    def to_json(self) -> dict:
        return {"kind": self.kind, "url": self.url, "reason": self.reason, "status": self.status,
                "final_url": self.final_url, "chain": self.chain}

    @classmethod
    def from_json(cls, d: dict) -> "Verdict":
        return cls(d["kind"], d["url"], d.get("reason", ""), d.get("status"), d.get("final_url", ""),
                   list(d.get("chain", [])))


def challenge(headers: dict, status: int | None, title: str = "") -> str | None:
    """The bot-protection service that answered instead of the page, if any."""
    h = headers
    if h.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare"
    if h.get("x-vercel-mitigated", "").lower() == "challenge":
        return "Vercel"
    if h.get("x-amzn-waf-action", "").lower() in ("challenge", "captcha"):
        return "AWS WAF"
    if status in (401, 403, 405, 429, 503) and ("x-datadome" in h or "x-dd-b" in h):
        return "DataDome"
    if status in (403, 503) and h.get("server", "").lower() in ("cloudflare", "ddos-guard") and \
            _CHALLENGE_TITLE.match(title or ""):
        return h["server"].title()
    if status == 999:
        return "LinkedIn"
    if title and _CHALLENGE_TITLE.match(title) and status in (200, 403, 429, 503):
        return "a bot check"
    return None


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return "/"


def is_deep(url: str) -> bool:
    """A link to something below a site's front page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return not _ROOT_PATH.match(parts.path or "/") or bool(parts.query)


def is_root(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(_ROOT_PATH.match(parts.path or "/")) and not parts.query


def same_site(a: str, b: str, registry=None) -> bool:
    """Same registered domain, or domains of one outlet or of sister outlets."""
    from ..outlets import registered_domain  # deferred

    ra, rb = registered_domain(a), registered_domain(b)
    if ra and ra == rb:
        return True
    ha, hb = (urlsplit(u).hostname or "" for u in (a, b))
    if ha and ha.removeprefix("www.") == hb.removeprefix("www."):
        return True  # hosts under no known public suffix (intranets, tests)
    if registry is not None:
        oa, ob = registry.by_domain(a), registry.by_domain(b)
        if oa is not None and ob is not None and registry.related(oa, ob):
            return True
    return False


def alive_by_status(v: Verdict, accept: frozenset[int]) -> bool | None:
    """Whether the verdict's final status is an accepted one (None: no status).
    A cached verdict is reused only while this still agrees with its kind: a
    link dead under one --accept may be alive under another."""
    return None if v.status is None else v.status in accept


def classify(f: Fetched, facts: PageFacts | None = None, registry=None, accept: frozenset[int] | None = None) -> Verdict:
    """The verdict on what happened to a URL. `accept`: the status codes that
    count as alive (--accept; default 1xx and 2xx). Accepting a refusal (403,
    429) makes it alive; a 2xx left out is not verified; 404 and 410 are dead
    unless accepted."""
    chain = [h.url for h in f.chain]
    v = Verdict(UNVERIFIED, f.url, status=f.status, final_url=f.final_url or f.url, chain=chain)
    hops = f" after {len(chain)} redirect{'s' if len(chain) != 1 else ''}" if chain else ""
    if f.error:
        return _error_verdict(f, v, hops)
    status = f.status or 0
    accept = DEFAULT_ACCEPT if accept is None else accept
    if status >= 300 and status in accept:  # the user accepts this answer (a wall, a rate limit) as alive
        if not (chain and _judge_redirect(v, f.url, registry)):
            v.kind, v.reason = OK, f"HTTP {status}, an accepted status{hops}"
        return v
    title = facts.title if facts else ""
    who = challenge(f.headers, status, title)
    if who:
        v.reason = f"{who} answered with a bot check (HTTP {status}){hops}; open it in a browser"
        return v
    if status in DEAD_STATUS:
        v.kind = DEAD
        v.reason = f"HTTP {status} {'Not Found' if status == 404 else 'Gone'}{hops}"
        return v
    if status >= 400:
        v.reason = _refusal(status, hops)
        return v
    if status not in accept:
        v.reason = f"HTTP {status} is not an accepted status (--accept){hops}"
        return v
    if chain and _judge_redirect(v, f.url, registry):
        return v
    if title and _not_found_title(title):
        v.kind = SOFT404
        v.reason = f"the page answers 200 but its title is {title!r}"
        return v
    v.kind = OK
    v.reason = f"HTTP {status}{hops}"
    return v


def _judge_redirect(v: Verdict, first: str, registry) -> bool:
    """Set the verdict of a link that redirected, when where it landed settles
    it (a not-found page, a wall, a front page, another site); else False."""
    final = v.final_url
    if _NOT_FOUND_PATH.search(_path(final)) and not _NOT_FOUND_PATH.search(_path(first)):
        v.kind, v.reason = SOFT404, f"redirects to a not-found page ({final})"
    elif _WALL_PATH.search(_path(final)) or _WALL_HOST.match(urlsplit(final).hostname or ""):
        v.reason = f"redirects to a sign-in, consent or subscription page ({final})"
    elif is_deep(first) and is_root(final) and same_site(first, final, registry):
        v.kind, v.reason = SOFT404, f"the article redirects to the site's front page ({final})"
    elif is_deep(first) and is_root(final) and not _redirector(first, registry):
        v.kind, v.reason = ELSEWHERE, f"redirects to the front page of another site ({final})"
    elif not same_site(first, final, registry) and not _redirector(first, registry):
        v.kind, v.reason = ELSEWHERE, f"redirects to another site ({final})"
    else:
        return False
    return True


def _not_found_title(title: str) -> bool:
    """A title, or one part of "Part | Site", that only says the page is missing."""
    return any(_NOT_FOUND_TITLE.match(part) for part in re.split(r"\s[|\u2013\u2014\u00b7:-]\s", title))


def _redirector(url: str, registry) -> bool:
    """Shorteners and platforms are expected to send readers elsewhere."""
    from ..outlets import is_shortener  # deferred

    if is_shortener(url):
        return True
    o = registry.by_domain(url) if registry is not None else None
    return o is not None and o.role in ("shortener", "aggregator", "archive")


def _refusal(status: int, hops: str) -> str:
    what = {401: "asks for a login", 402: "asks for payment", 403: "refused access",
            407: "wants a proxy login", 429: "rate-limited the check", 451: "is unavailable for legal reasons",
            500: "had a server error", 502: "had a gateway error", 503: "is unavailable or overloaded",
            504: "timed out at its gateway"}.get(status, "answered with an error")
    return f"the server {what} (HTTP {status}){hops}; a live page may be behind it"


def _error_verdict(f: Fetched, v: Verdict, hops: str) -> Verdict:
    e = f.error
    if e == "blocked":
        v.kind = BLOCKED
        where = f" (reached{hops}: {f.final_url})" if f.chain else ""
        v.reason = f"not fetched: {f.detail}{where}"
        return v
    if e == "dns":
        v.kind = DEAD
        v.reason = f"the site's name does not resolve ({urlsplit(f.final_url or f.url).hostname}){hops}"
        return v
    if e == "bad-host":  # no resolver anywhere could answer for it: as dead as a link gets
        v.kind = DEAD
        v.reason = f"the site's name cannot exist: {f.detail}{hops}"
        return v
    v.reason = {
        "timeout": "no answer in time" if f.detail == "deadline" else f"timed out ({f.detail})",
        "refused": "the connection was refused",
        "reset": "the connection was reset",
        "tls": "the secure connection failed",
        "loop": "the redirects go round in a loop",
        "redirects": f.detail,
        "skipped": f"not checked: {f.detail}",
        "dns-temporary": f.detail,
        "invalid": f"not a valid URL: {f.detail}",
    }.get(e, f.detail or e) + hops
    return v
