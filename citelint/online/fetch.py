"""The fetch engine: a bounded pool of workers that GETs links politely and safely.

One `requests.Session` per worker (sessions are not thread-safe; their
connection pool is shared, since urllib3's is), at most
`host_concurrency` requests per host at a time with `host_interval` seconds
between their starts, retries with backoff that honour `Retry-After` (within
the link's deadline, so a server cannot park a worker for hours), a per-link wall-clock deadline
enforced by a watchdog, an overall deadline, bodies streamed and cut at
`max_bytes`, redirects followed by hand so the guard sees every hop, no
cookies kept, proxies and .netrc ignored unless `trust_env`.

Always a GET, never a HEAD: many servers answer HEAD wrongly (405, 404, 500),
and the page head is needed anyway for the soft-404, publisher and quote checks.
"""
from __future__ import annotations

import email.utils
import http.cookiejar
import random
import threading
import time
from typing import Callable
from urllib.parse import urljoin, urlsplit

from .guard import BlockedAddress, Guard, host_problem
# The value types the fetcher and its scheduler share (re-exported: callers import them from here).
from .types import DEFAULT_TOTAL_TIMEOUT, USER_AGENT, FetchConfig, Fetched, Hop, FetchJob, host_key  # noqa: F401

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json",
              "application/ld+json", "text/xml", "application/xml")


def backoff(attempt: int) -> float:
    """The wait before retry number `attempt` (1, 2, …) when the server named
    none: 0.5 s, doubling (lychee waits 1 s, doubling)."""
    return 0.5 * 2 ** (max(attempt, 1) - 1)


def retry_after(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, min(when.timestamp() - time.time(), cap))


class Fetcher:
    """Fetches many URLs at once under one guard and one set of limits."""

    def __init__(self, cfg: FetchConfig):
        self.cfg = cfg
        self.guard = Guard(cfg.allow)

    def run(self, jobs: list[FetchJob], digest: Callable[[Fetched], object] | None = None,
            progress: Callable[[int, int], None] | None = None,
            on_result: Callable[[str, object], None] | None = None) -> dict[str, object]:
        """Fetch every job; returns url -> digest(Fetched) (the Fetched itself when no
        digest). `digest` runs in the worker, so bodies can be dropped early;
        `on_result(url, digest)` hears of each link as it settles."""
        from .schedule import Scheduler  # deferred
        from .transport import Watchdog  # deferred

        digest = digest or (lambda f: f)
        start = time.monotonic()
        deadline = start + self.cfg.total_timeout if self.cfg.total_timeout else None
        sched = Scheduler(jobs, self.cfg, deadline)
        results: dict[str, object] = {}
        lock = threading.Lock()
        total = len(jobs)
        watchdog = Watchdog()

        def record(f: Fetched) -> None:
            out = digest(f)
            with lock:
                results[f.url] = out
                done = len(results)
            if progress:
                progress(done, total)
            if on_result:
                on_result(f.url, out)

        def worker() -> None:
            session = self._session()
            try:
                while True:
                    job = sched.next()
                    if job is None:
                        return
                    try:
                        f = self._attempt(session, job, deadline, watchdog)
                    except Exception as exc:  # never let one link take the run down
                        f = Fetched(job.url, error="broken", detail=f"{type(exc).__name__}: {exc}")
                    delay = self._retry_delay(job, f, deadline)
                    if delay is not None:
                        sched.retry(job, delay)
                        continue
                    sched.finish(job, f.error in ("timeout", "refused"), f.status is not None or bool(f.chain))
                    record(f)
            finally:
                session.adapters.clear()  # the shared pool is closed once, after every worker
                session.close()

        self._adapter = self._make_adapter(len({j.host for j in jobs}))
        threads = [threading.Thread(target=worker, name=f"citelint-fetch-{i}", daemon=True)
                   for i in range(max(1, min(self.cfg.workers, total)))]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            watchdog.stop()
            self._adapter.close()
        for f in sched.skipped:
            record(f)
        return results

    def _retry_delay(self, job: FetchJob, f: Fetched, deadline: float | None) -> float | None:
        """Seconds to wait before trying `job` again, or None: no retries left,
        nothing worth retrying, or no time. A Retry-After (seconds or an HTTP
        date) is waited in full when the link's deadline allows it, and not
        tried again at all when it does not: asking earlier than told only
        earns another 429. Otherwise the wait doubles from 0.5 s, with jitter."""
        if job.attempts > self.cfg.retries:
            return None
        if f.headers.get("cf-mitigated") or f.status == 403:
            return None  # a challenge does not go away by asking again
        if f.status in self.cfg.accept:
            return None  # accepted as alive (--accept 429): asking again cannot do better
        if f.status in RETRY_STATUS:
            told = retry_after(f.headers.get("retry-after"), float("inf"))
        elif f.error in ("reset", "broken") or (f.error == "timeout" and f.detail == "read"):
            told = None
        else:
            return None
        delay = backoff(job.attempts) * (0.8 + 0.4 * random.random()) if told is None else told
        if self.cfg.retry_after_cap is not None:
            delay = min(delay, self.cfg.retry_after_cap)
        ends = min(job.deadline, deadline) if deadline else job.deadline
        if time.monotonic() + delay + 0.2 >= ends:
            return None  # no time left for another try: report what we have
        return delay

    def _make_adapter(self, hosts: int):
        from .transport import GuardedAdapter  # deferred
        # One connection pool for all workers (urllib3's pools are thread-safe), so a
        # kept-alive connection to a host serves whichever worker takes its next link.
        return GuardedAdapter(self.guard, pool_connections=max(32, hosts + 8),
                              pool_maxsize=self.cfg.host_concurrency, max_retries=0)

    def _session(self):
        import requests  # deferred

        s = requests.Session()
        s.trust_env = self.cfg.trust_env
        s.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        s.headers.clear()
        s.headers.update({
            "User-Agent": self.cfg.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        })
        s.mount("http://", self._adapter)
        s.mount("https://", self._adapter)
        return s

    def _get(self, session, url: str, timeout):
        """session.get without its per-call merging of settings (a third of the CPU
        time per link): the request is prepared from the session's own headers."""
        import requests  # deferred

        prep = requests.Request("GET", url, headers=session.headers).prepare()
        kw = {}
        if session.trust_env:
            # Proxies, the CA bundle and .netrc from the environment; `stream` is ours, not the environment's.
            env = session.merge_environment_settings(prep.url, {}, True, None, None)
            kw = {"proxies": env["proxies"], "verify": env["verify"], "cert": env["cert"]}
            from requests.utils import get_netrc_auth  # deferred
            auth = get_netrc_auth(prep.url)
            if auth:
                prep.prepare_auth(auth)
        return session.send(prep, stream=True, allow_redirects=False, timeout=timeout, **kw)

    def _attempt(self, session, job: FetchJob, deadline: float | None, watchdog) -> Fetched:
        """One try at a URL: follow up to max_redirects hops, each one guarded."""
        job.attempts += 1
        ends = min(job.deadline, deadline) if deadline else job.deadline
        f = Fetched(job.url, attempts=job.attempts, deadline=ends)
        current = job.url
        seen = set()
        for _ in range(self.cfg.max_redirects + 1):
            problem = self._before_hop(session, current, seen, ends)
            if problem:
                f.final_url, (f.error, f.detail) = current, problem
                return f
            seen.add(current)
            nxt = self._hop(session, job, f, current, ends, watchdog)
            if nxt is None:
                return f
            current = nxt
        f.final_url, f.error, f.detail = current, "redirects", f"more than {self.cfg.max_redirects} redirects"
        return f

    def _before_hop(self, session, url: str, seen: set, ends: float) -> tuple[str, str] | None:
        """(error, detail) when this hop must not be fetched: a refused address, a loop, no time left."""
        problem = self.guard.check_url(url)
        if problem:
            return "blocked", problem
        problem = host_problem(urlsplit(url).hostname)
        if problem:
            return "bad-host", problem
        if url in seen:
            return "loop", "the redirects go round in a loop"
        if self.cfg.trust_env:
            problem = self._proxy_precheck(session, url)
            if problem:
                return "blocked", problem
        if ends - time.monotonic() <= 0:
            return "timeout", "deadline"
        return None

    def _hop(self, session, job: FetchJob, f: Fetched, current: str, ends: float, watchdog) -> str | None:
        """Fetch one hop into `f`; the next URL when it redirects, else None (f is done)."""
        from .transport import release_deadline, set_deadline  # deferred
        left = ends - time.monotonic()
        set_deadline(watchdog, ends)
        resp = None
        try:
            resp = self._get(session, current, (min(self.cfg.connect_timeout, left), min(self.cfg.read_timeout, left)))
            location = session.get_redirect_target(resp)
            if location and resp.status_code in (301, 302, 303, 307, 308):
                f.chain.append(Hop(current, resp.status_code))
                return urljoin(current, location)
            f.final_url, f.status = current, resp.status_code
            f.headers = {k.lower(): v for k, v in resp.headers.items()}
            if job.want_body and 200 <= resp.status_code < 300 and f.content_type in TEXT_TYPES:
                f.body, f.truncated = _read_capped(resp, job.max_bytes or self.cfg.max_bytes)
            if release_deadline():
                f.truncated = True  # the answer came in time; the body was cut at the deadline
        except BlockedAddress as exc:
            f.final_url, f.error, f.detail = current, "blocked", f"{exc.host} {exc.reason}"
        except Exception as exc:  # noqa: BLE001 - every network failure becomes a verdict
            from .errors import classify_error  # deferred
            fired = release_deadline()
            f.final_url = current
            if f.status is not None:
                f.body, f.truncated = None, True  # the answer came; only its body failed
            else:
                f.error, f.detail = ("timeout", "deadline") if fired else classify_error(exc)
        finally:
            if resp is not None:
                resp.close()
            release_deadline()
        return None

    def _proxy_precheck(self, session, url: str) -> str | None:
        """Through a proxy the connect-time check sees the proxy, so resolve here."""
        from requests.utils import get_environ_proxies  # deferred
        if not get_environ_proxies(url):
            return None
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        if self.guard.admitted(host, port):
            return None
        from .guard import _ip, address_problem, resolve  # deferred
        try:
            infos = resolve(host, port, self.cfg.connect_timeout)
        except OSError:
            return None  # the proxy resolves it; nothing local to check
        for *_, sockaddr in infos:
            problem = address_problem(_ip(sockaddr[0]))
            if problem:
                return f"{host} resolves to {sockaddr[0]}, {problem}"
        return None


def _read_capped(resp, cap: int) -> tuple[bytes, bool]:
    """Read the decoded body up to `cap` bytes. urllib3 >= 2.6 bounds each decoded
    chunk, so a gzip bomb costs at most about one chunk beyond the cap."""
    parts, size = [], 0
    for chunk in resp.iter_content(64 * 1024):
        if not chunk:
            continue
        room = cap - size
        if len(chunk) >= room:
            parts.append(chunk[:room])
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False
