"""SSRF guard: addresses, --allow-host entries, and refusals at connect time and on
every redirect hop, against real loopback servers."""
from __future__ import annotations

import ipaddress

import pytest

from citelint.online.fetch import Fetcher, FetchConfig, FetchJob
from citelint.online.guard import BlockedAddress, Guard, address_problem, parse_allow_entry
from test_online_support import Site, html_page, page, redirect


@pytest.mark.parametrize("ip", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
    "192.0.2.1", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "2002:7f00:1::1", "64:ff9b::a00:1",
])
def test_special_addresses_are_refused(ip):
    assert address_problem(ipaddress.ip_address(ip)) is not None


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "151.101.1.69", "2606:4700:4700::1111", "100.128.0.1"])
def test_public_addresses_pass(ip):
    assert address_problem(ipaddress.ip_address(ip)) is None


def test_metadata_address_says_why():
    assert "link-local" in address_problem(ipaddress.ip_address("169.254.169.254"))
    assert "carrier-grade" in address_problem(ipaddress.ip_address("100.64.1.1"))


@pytest.mark.parametrize("text,host,port", [
    ("127.0.0.1:8080", "127.0.0.1", 8080), ("intranet.local", "intranet.local", None),
    ("Intranet.Local.:443", "intranet.local", 443), ("[::1]:9000", "::1", 9000), ("[::1]", "::1", None),
    ("::1", "::1", None),
])
def test_allow_entries(text, host, port):
    e = parse_allow_entry(text)
    assert (e.host, e.port) == (host, port)


@pytest.mark.parametrize("bad", ["", "http://x/", "host:port", "host:0", "host:70000", "a b", "[::1", "user@host"])
def test_bad_allow_entries(bad):
    with pytest.raises(ValueError):
        parse_allow_entry(bad)


def test_check_url():
    g = Guard(["127.0.0.1:8000", "wiki.intranet"])
    assert g.check_url("http://127.0.0.1:8000/x") is None
    assert "loopback" in g.check_url("http://127.0.0.1:8001/x")
    assert "loopback" in g.check_url("http://localhost/x")
    assert g.check_url("https://wiki.intranet/page") is None
    assert "link-local" in g.check_url("http://169.254.169.254/latest/")
    assert "private" in g.check_url("http://[::ffff:10.0.0.1]/")
    assert "scheme" in g.check_url("file:///etc/passwd")
    assert "scheme" in g.check_url("gopher://example.com/")
    assert g.check_url("https://example.com/") is None  # judged again at connect time


def test_connect_refuses_a_name_that_resolves_to_loopback():
    site = Site({"*": page(html_page("Secret", "admin"))})
    try:
        with pytest.raises(BlockedAddress) as exc:
            Guard([]).connect("localhost", site.port, 2)
        assert "loopback" in str(exc.value)
        sock = Guard([f"localhost:{site.port}"]).connect("localhost", site.port, 2)
        sock.close()
    finally:
        site.close()
    assert site.requests == []


def _fetch(urls, allow, **cfg):
    engine = Fetcher(FetchConfig(allow=tuple(allow), link_timeout=3, **cfg))
    return engine.run([FetchJob(u) for u in urls])


def test_redirect_hops_are_checked():
    inner = Site({"*": page(html_page("Internal", "internal"))})
    outer = Site({
        "/to-inner": redirect(inner.url("/admin")),
        "/to-localhost": redirect(f"http://localhost:{inner.port}/admin"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/iam/"),
        "/to-file": redirect("file:///etc/passwd"),
        "/to-mapped": redirect(f"http://[::ffff:127.0.0.1]:{inner.port}/"),
    })
    try:
        urls = [outer.url(p) for p in ("/to-inner", "/to-localhost", "/to-metadata", "/to-file", "/to-mapped")]
        res = _fetch(urls, [outer.hostport])
        for u in urls:
            assert res[u].error == "blocked", (u, res[u])
            assert res[u].chain and res[u].chain[0].status == 302
        assert "169.254.169.254" in res[outer.url("/to-metadata")].final_url
        assert inner.requests == []
    finally:
        inner.close()
        outer.close()


def test_unadmitted_loopback_link_is_never_contacted():
    site = Site({"*": page(html_page("Hi", "hi"))})
    try:
        res = _fetch([site.url("/a"), f"http://localhost:{site.port}/b"], [])
        assert all(r.error == "blocked" for r in res.values())
        assert site.requests == []
        res = _fetch([site.url("/a")], [site.hostport])
        assert res[site.url("/a")].status == 200
    finally:
        site.close()


def test_a_slow_resolver_cannot_hold_a_worker(monkeypatch):
    import socket
    import threading

    from citelint.online.guard import resolve
    release = threading.Event()
    real = socket.getaddrinfo

    def stuck(host, *args, **kw):
        if host == "stuck.example":
            release.wait(30)  # a resolver that does not answer
        return real("127.0.0.1", *args, **kw)
    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    try:
        with pytest.raises(socket.timeout):
            resolve("stuck.example", 80, 0.2)
        assert resolve("127.0.0.1", 80, 0.2)[0][4][0] == "127.0.0.1"
    finally:
        release.set()
