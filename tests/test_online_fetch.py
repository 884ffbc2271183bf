"""The fetch engine against real loopback servers with real faults: retries and
Retry-After, HEAD-shy servers, byte caps, gzip bombs, slow drips, resets, redirect
limits, per-host limits, cookies and proxies. No timed assertions: generous
deadlines only keep a broken engine from hanging the suite."""
from __future__ import annotations

import threading
import time

from citelint.online.fetch import Fetcher, FetchConfig, FetchJob, retry_after
from test_online_support import (FILLER, ResetServer, Site, drip_body, drip_headers, gzip_bomb, gzipped, huge,
                                 html_page, page, redirect, reject_head, status)

PAGE = html_page("A page", FILLER)


def fetch(urls, *sites, **cfg):
    cfg.setdefault("link_timeout", 3)
    engine = Fetcher(FetchConfig(allow=tuple(s.hostport for s in sites), **cfg))
    return engine.run([FetchJob(u) for u in urls])


def test_retry_after_is_honoured_then_succeeds():
    calls = []

    def flaky(h):
        calls.append(time.monotonic())
        if len(calls) == 1:
            h.send(429, b"slow down", {"Retry-After": "1"})
        else:
            h.send(200, PAGE)
    site = Site({"/": flaky})
    try:
        res = fetch([site.url("/")], site)[site.url("/")]
        assert res.status == 200 and res.attempts == 2 and len(calls) == 2
    finally:
        site.close()


def test_retry_after_is_capped_and_retries_are_bounded():
    site = Site({"/": status(503, {"Retry-After": "99999"})})
    try:
        res = fetch([site.url("/")], site, retry_after_cap=0.2, link_timeout=10)[site.url("/")]
        assert res.status == 503 and res.attempts == 3  # one try and two retries, not a 28-hour wait
        assert len(site.requests) == 3
    finally:
        site.close()


def test_retry_after_parsing():
    assert retry_after("2", 3) == 2
    assert retry_after("120", 3) == 3
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 3) == 0
    assert retry_after("soon", 3) is None and retry_after(None, 3) is None


def test_challenges_are_not_retried():
    site = Site({"/": status(403, {"cf-mitigated": "challenge"})})
    try:
        res = fetch([site.url("/")], site)[site.url("/")]
        assert res.status == 403 and len(site.requests) == 1
    finally:
        site.close()


def test_head_rejecting_server_gets_a_capped_get():
    site = Site({"/": reject_head(PAGE)})
    try:
        res = fetch([site.url("/")], site)[site.url("/")]
        assert res.status == 200 and b"A page" in res.body
        assert [m for m, _, _ in site.requests] == ["GET"]
    finally:
        site.close()


def test_big_body_is_cut_at_the_cap():
    site = Site({"/big": huge(), "/gz": gzipped(PAGE * 3)})
    try:
        res = fetch([site.url("/big"), site.url("/gz")], site, max_bytes=256 * 1024)
        big = res[site.url("/big")]
        assert big.status == 200 and big.truncated and len(big.body) == 256 * 1024
        gz = res[site.url("/gz")]
        assert gz.body == PAGE * 3 and not gz.truncated
    finally:
        site.close()


def test_gzip_bomb_is_cut_at_the_cap():
    import tracemalloc
    site = Site({"/bomb": gzip_bomb})
    try:
        tracemalloc.start()
        res = fetch([site.url("/bomb")], site, max_bytes=1 << 20)[site.url("/bomb")]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert res.status == 200 and res.truncated and len(res.body) == 1 << 20
        assert peak < 64 * 1024 * 1024  # a gigabyte of zeros was never inflated
    finally:
        site.close()


def test_slow_drip_is_cut_at_the_link_deadline():
    site = Site({"/headers": drip_headers(0.05, 2000)})
    slow = Site({"/body": drip_body(0.05, 2000)})
    try:
        t0 = time.monotonic()
        res = fetch([site.url("/headers"), slow.url("/body")], site, slow, link_timeout=1, read_timeout=5)
        assert time.monotonic() - t0 < 30  # hang guard only
        assert res[site.url("/headers")].error == "timeout"
        body = res[slow.url("/body")]
        assert body.status == 200 and body.truncated  # it answered; the body was cut
    finally:
        site.close()
        slow.close()


def test_connection_reset_and_refused():
    reset = ResetServer()
    closed = Site()
    port = closed.port
    closed.close()  # nothing listens there now
    try:
        res = fetch([reset.url("/"), f"http://127.0.0.1:{port}/"], reset, closed)
        assert res[reset.url("/")].error == "reset"
        assert res[f"http://127.0.0.1:{port}/"].error == "refused"
    finally:
        reset.close()


def test_redirect_limit_and_loop():
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(10)}
    routes["/r10"] = page(PAGE)
    routes["/loop"] = redirect("/loop")
    site = Site(routes)
    try:
        res = fetch([site.url("/r5"), site.url("/r0"), site.url("/loop")], site)
        assert res[site.url("/r5")].status == 200 and len(res[site.url("/r5")].chain) == 5
        assert res[site.url("/r0")].error == "redirects"
        assert res[site.url("/loop")].error == "loop"
    finally:
        site.close()


def test_per_host_limit():
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(h):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        h.send(200, PAGE)
    site = Site({"*": slow})
    try:
        urls = [site.url(f"/{i}") for i in range(12)]
        res = fetch(urls, site, workers=8, host_concurrency=2, host_interval=0)
        assert all(r.status == 200 for r in res.values())
        assert state["max"] <= 2
    finally:
        site.close()


def test_unresponsive_host_is_given_up_and_overall_timeout():
    site = Site({"*": drip_headers(0.05, 5000)})
    try:
        urls = [site.url(f"/{i}") for i in range(8)]
        res = fetch(urls, site, link_timeout=0.5, host_concurrency=2, host_failures=2)
        errors = sorted(r.error for r in res.values())
        # Never answered: one timeout, one request at a time, and the rest are skipped.
        assert errors.count("skipped") == 7 and len(site.requests) == 1
        res = fetch([site.url(f"/x{i}") for i in range(6)], site, link_timeout=5, total_timeout=0.5,
                    host_concurrency=1)
        assert {r.error for r in res.values()} <= {"timeout", "skipped"}
        assert any(r.error == "skipped" and "online-timeout" in r.detail for r in res.values())
    finally:
        site.close()


def test_no_cookies_kept_and_proxies_ignored(monkeypatch):
    def set_cookie(h):
        h.send(200, PAGE, {"Set-Cookie": "session=abc; Path=/"})
    site = Site({"/set": set_cookie, "/next": page(PAGE)})
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # would break every request if used
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    try:
        res = fetch([site.url("/set"), site.url("/next")], site, workers=1)
        assert all(r.status == 200 for r in res.values())
        assert not any("Cookie" in h for _, _, h in site.requests)
    finally:
        site.close()


def test_same_url_listed_once_per_job_and_bad_urls_do_not_crash():
    site = Site({"*": page(PAGE)})
    try:
        res = fetch([site.url("/a"), "http://[::1/broken", "http://"], site)
        assert res[site.url("/a")].status == 200
        assert res["http://[::1/broken"].error in ("blocked", "invalid", "broken")
        assert res["http://"].error == "blocked"
    finally:
        site.close()
