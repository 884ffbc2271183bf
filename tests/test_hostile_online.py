"""Issue 14, the online items: hostile archive endpoints (#3), configurations
shipped beside the drafts (#7), hostile pages (#10), --trust-env (#18) and host
names no resolver can take (#19). Real HTTP servers on 127.0.0.1 with real
faults (test_online_support); the hostile inputs are generated here."""
from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from citelint.cli import main
from citelint.online.archive import escape_for, snapshot_from
from citelint.online.guard import host_problem, resolve
from citelint.online.page import read_page
from citelint.online.verify import Need, Options, verify
from test_online_support import FILLER, Site, fake_archive, html_page, page, status


def _run(tmp_path, capsys, name, text, *extra, isolated=True):
    draft = tmp_path / name
    draft.write_text(text, encoding="utf-8")
    args = ["check", str(draft), "--online", "--no-cache", "--format", "json", *extra]
    if isolated:
        args.append("--isolated")
    code = main(args)
    out, err = capsys.readouterr()
    return code, json.loads(out)["findings"], err, draft.read_text(encoding="utf-8")


# -- #3: archive answers are not trusted -----------------------------------------------------

def lying_archive(answer):
    """A Wayback-compatible endpoint whose closest snapshot is `answer(url asked about)`."""
    def handler(h):
        url = parse_qs(urlsplit(h.path).query).get("url", [""])[0]
        body = {"archived_snapshots": {"closest": {"status": "200", "available": True, "url": answer(url),
                                                   "timestamp": "20240101000000"}}}
        h.send(200, json.dumps(body).encode(), ctype="application/json")
    return handler


@pytest.fixture(scope="module")
def gone():
    s = Site({"*": status(404)})
    yield s
    s.close()


def _with_archive(answer):
    return Site({"/a": lying_archive(answer)})


@pytest.mark.parametrize("name, template, answer", [
    ("d.html", '<p>See <a href="{url}">the story</a>.</p>\n',
     lambda u: f'https://web.archive.org/web/20240101000000/{u}"><script>alert(1)</script>'),
    ("d.html", "<p>See <a href='{url}'>the story</a>.</p>\n",
     lambda u: f"https://web.archive.org/web/20240101000000/{u}'onmouseover='alert(1)"),
    ("d.md", "See [the story]({url}).\n", lambda u: "javascript:alert(1)//https://web.archive.org/web/20240101000000/" + u),
    ("d.md", "See [the story]({url}).\n", lambda u: f"https://web.archive.org/web/20240101000000/{u}) [x](javascript:alert(1)"),
    ("d.md", "See [the story]({url}).\n", lambda u: f"https://web.archive.org/web/20240101000000/{u}\n\n# forged"),
    ("d.md", "See [the story]({url}).\n", lambda u: f"https://web.archive.org/web/20240101000000/{u}\\x"),
    ("d.md", "See [the story]({url}).\n", lambda u: "https://web.archive.org/web/20240101000000/https://elsewhere.example/"),
    ("d.md", "See [the story]({url}).\n", lambda u: "https://web.archive.org/web/20240101000000/"),
    ("d.md", "See [the story]({url}).\n", lambda u: "//web.archive.org/web/20240101000000/" + u),
    ("d.md", "See [the story]({url}).\n", lambda u: f"https://user:pw@web.archive.org/web/20240101000000/{u}"),
    ("d.txt", "See {url} for the story.\n", lambda u: f"https://web.archive.org/web/20240101000000/{u} rm -rf"),
])
def test_a_lying_archive_cannot_write_into_the_draft(gone, tmp_path, capsys, name, template, answer):
    archive = _with_archive(answer)
    try:
        text = template.format(url=gone.url("/story"))
        _, found, err, after = _run(tmp_path, capsys, name, text, "--allow-host", gone.hostport,
                                    "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    assert after == text
    assert [f["code"] for f in found] == ["NET001"] and "archived copy" not in found[0]["message"]
    assert "Traceback" not in err


def test_one_snapshot_for_every_query_replaces_only_its_own_link(gone, tmp_path, capsys):
    """An endpoint answering the same snapshot whatever it is asked must not turn
    different links into the same URL (issue 15 asks the same)."""
    first = gone.url("/first")
    archive = _with_archive(lambda u: f"http://web.archive.org/web/20240101000000/{first}")
    try:
        text = f"One [a]({first}) and two [b]({gone.url('/second')}).\n"
        _, found, _, after = _run(tmp_path, capsys, "d.md", text, "--allow-host", gone.hostport,
                                  "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    assert after == (f"One [a](https://web.archive.org/web/20240101000000/{first}) and two "
                     f"[b]({gone.url('/second')}).\n")
    assert [f["code"] for f in found] == ["NET001"] and "archived copy" not in found[0]["message"]


def test_the_archive_may_write_the_original_its_own_way(gone, tmp_path, capsys):
    """The other scheme, a trailing slash, an `id_` flag, percent-encoding: still the same page."""
    archive = _with_archive(lambda u: "http://web.archive.org/web/20240101000000id_/"
                            + u.replace("http://", "https://").replace("caf%C3%A9", "caf\u00e9") + "/")
    try:
        url = gone.url("/caf%C3%A9")
        _, _, _, after = _run(tmp_path, capsys, "d.md", f"See [it]({url}).\n", "--allow-host", gone.hostport,
                              "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    snap = "https://web.archive.org/web/20240101000000id_/" + url.replace("http://", "https://") + "/"
    assert after == f"See [it]({snap}).\n"


@pytest.mark.parametrize("name, template, expected", [
    # HTML inside Markdown is HTML: the attribute gets entities, not raw ampersands.
    ("d.md", 'See <a href="{url}?x=1&amp;y=2">it</a>.\n', 'See <a href="{snap}?x=1&amp;y=2">it</a>.\n'),
    # HTML text: a bare link's ampersand stays an entity.
    ("d.html", "<p>See {url}?x=1&amp;y=2 today.</p>\n", "<p>See {snap}?x=1&amp;y=2 today.</p>\n"),
    # A Markdown destination: parentheses percent-encoded.
    ("d.md", "See [it]({url}_(b)).\n", "See [it]({snap}_%28b%29).\n"),
])
def test_snapshots_are_escaped_for_where_they_are_written(gone, tmp_path, capsys, name, template, expected):
    archive = Site({"/a": fake_archive()})
    try:
        url = gone.url("/story")
        _, _, _, after = _run(tmp_path, capsys, name, template.format(url=url), "--allow-host", gone.hostport,
                              "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    assert after == expected.format(snap=f"https://web.archive.org/web/20240101000000/{url}")


def test_snapshot_answers_are_checked():
    x = "https://a.example/x?y=1"

    def answer(url):
        return json.dumps({"archived_snapshots": {"closest": {"status": "200", "url": url,
                                                        "timestamp": "20200101000000"}}}).encode()

    assert snapshot_from(answer(f"https://web.archive.org/web/20200101000000/{x}"), x) == f"https://web.archive.org/web/20200101000000/{x}"
    assert snapshot_from(answer(f"https://wb.example/coll/20200101000000/{x}"), x) == f"https://wb.example/coll/20200101000000/{x}"
    assert snapshot_from(answer("https://web.archive.org/web/20200101000000/https://a.example/x/\u00e9?y=1"),
                         "https://a.example/x/%C3%A9?y=1") == \
        "https://web.archive.org/web/20200101000000/https://a.example/x/%C3%A9?y=1"
    for bad in (f"https://web.archive.org/web/20200101000000/{x}\u0007", f"https://web.archive.org/web/20200101000000/{x}\t",
                f"https://web.archive.org/web/20200101000000/{x}<", f"https://web.archive.org/web/20200101000000/{x}`",
                f"https://web.archive.org/web/20200101000000/{x}{{}}", "https://web.archive.org/web/20200101000000/https://a.example/x?y=2",
                f"https://web.archive.org:99999/web/20200101000000/{x}", f"https://web.archive.org/we b/20200101000000/{x}",
                f"https://web.archive.org/x?/20200101000000/{x}", f"ftp://web.archive.org/web/20200101000000/{x}", None, 7, ["x"]):
        assert snapshot_from(answer(bad), x) is None, bad
    assert snapshot_from(b"[" * 100_000, x) is None
    assert escape_for("markdown", "https://w/x?a=1&b=2", "html") == "https://w/x?a=1&amp;b=2"
    assert escape_for("html", "https://w/x?a=1&b=2", "bare") == "https://w/x?a=1&amp;b=2"


# -- #7: a configuration found beside the drafts cannot relax the guard ---------------------

def test_a_drafts_folder_config_cannot_admit_hosts_or_name_an_archive(tmp_path, capsys):
    site = Site({"*": status(404)})
    archive = Site({"/a": fake_archive()})
    try:
        drafts = tmp_path / "drafts"
        drafts.mkdir()
        (drafts / "citelint.toml").write_text(
            f'allow-hosts = ["{site.hostport}", "169.254.169.254"]\n'
            f'archive-endpoint = "{archive.url("/a")}"\n', encoding="utf-8")
        (tmp_path / "other").mkdir()
        text = f"See [it]({site.url('/gone')}).\n"
        (tmp_path / "other" / "b.md").write_text(text, encoding="utf-8")
        (drafts / "a.md").write_text(text, encoding="utf-8")
        main(["check", str(drafts / "a.md"), str(tmp_path / "other" / "b.md"), "--online", "--no-cache",
              "--format", "json"])
        out, err = capsys.readouterr()
        found = json.loads(out)["findings"]
        assert [f["code"] for f in found] == ["NET005", "NET005"]
        assert site.requests == [] and archive.requests == []
        warnings = [line for line in err.splitlines() if "warning" in line]
        assert len(warnings) == 1 and str(drafts / "citelint.toml") in warnings[0]
        assert "allow-hosts, archive-endpoint ignored" in warnings[0] and "--config" in warnings[0]

        # The same file named with --config is the user's own: trusted.
        main(["check", str(drafts / "a.md"), "--online", "--no-cache", "--format", "json",
              "--config", str(drafts / "citelint.toml")])
        out, err = capsys.readouterr()
        found = json.loads(out)["findings"]
        assert [f["code"] for f in found] == ["NET001"] and "archived copy" in found[0]["message"]
        assert site.requests and archive.requests and "warning" not in err
    finally:
        site.close()
        archive.close()


def test_a_drafts_folder_config_may_switch_archive_look_ups_off(tmp_path, capsys):
    (tmp_path / "citelint.toml").write_text('archive-endpoint = "off"\n', encoding="utf-8")
    site = Site({"*": status(404)})
    try:
        code, found, err, _ = _run(tmp_path, capsys, "a.md", f"[x]({site.url('/g')})\n", "--allow-host",
                                   site.hostport, isolated=False)
    finally:
        site.close()
    assert [f["code"] for f in found] == ["NET001"] and "warning" not in err
    assert main(["config", "--config", str(tmp_path / "citelint.toml")]) == 0
    assert 'archive-endpoint = "off"' in capsys.readouterr().out


def test_each_file_keeps_its_own_archive_setting():
    """Two files cite one dead link; only the one whose settings allow look-ups is offered the snapshot."""
    from citelint.config import Settings
    from citelint.engine import Linter
    from citelint.online.verdicts import Verdict
    from citelint.online.verify import LinkResult, OnlineState

    url = "https://news.example/gone"
    res = LinkResult(Verdict("dead", url, "HTTP 404 Not Found", 404, url), None,
                     snapshot=f"https://web.archive.org/web/2024/{url}")
    state = OnlineState({url: res})
    for endpoint, offered in ((None, True), ("off", False)):
        linter = Linter(Settings(select=("NET001",), archive_endpoint=endpoint))
        (f,) = linter.lint_text(f"[a]({url})\n", "markdown", "a.md", online=state)
        assert (f.fix is not None) is offered and ("archived copy" in f.message) is offered


def test_the_listing_names_what_a_found_config_was_not_trusted_with(tmp_path, capsys, monkeypatch):
    (tmp_path / "citelint.toml").write_text('allow-hosts = ["10.0.0.1"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "allow-hosts = []" in out and "# ignored: allow-hosts" in out


# -- #10: hostile pages are read in linear time, under the link's deadline ------------------

HOSTILE = {
    "comments": "<!--",
    "scripts": "<script>",
    "json-ld": '<script type="application/ld+json">',
    "metas": "<meta ",
    "titles": "<title>",
    "brackets": "<",
    "end tags": "</",
    "quoted metas": "<meta content='x' name=\"",
    "closed json-ld": '<script type="application/ld+json">{"publisher": {"name": "P%d"}}</script>',
    "closed metas": '<meta name="author" content="A%d">',
    "heads": "<head><title>x</title>",
}


def _hostile(unit: str, size: int) -> str:
    if "%d" in unit:
        parts, n, i = [], 0, 0
        while n < size:
            parts.append(unit % i)
            n += len(parts[-1])
            i += 1
        return "".join(parts)
    return unit * (size // len(unit))


def _seconds_per_call(text: str) -> float:
    """The best of five batches, each long enough (30 ms) for the clock to count, in
    this thread's CPU time (other processes on the machine do not count)."""
    best = None
    for _ in range(5):
        calls, start = 0, time.thread_time()
        while True:
            read_page(text, "text/html", True, True)
            calls += 1
            spent = time.thread_time() - start
            if spent > 0.03:
                break
        best = spent / calls if best is None else min(best, spent / calls)
    return best


@pytest.mark.parametrize("unit", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_pages_are_read_in_linear_time(unit):
    n = 128 * 1024
    small, large = _seconds_per_call(_hostile(unit, n)), _seconds_per_call(_hostile(unit, 2 * n))
    assert large / small < 3


def test_a_hostile_megabyte_page_is_judged_within_the_deadline():
    head = html_page("Fine | Dawn", FILLER, site_name="Dawn")
    filler = "<!--<script><script type=\"application/ld+json\"><meta <title>"
    body = head + (filler * ((1024 * 1024 - 4096) // len(filler))).encode()
    site = Site({"/page": page(body)})
    try:
        url = site.url("/page")
        opts = Options(allow=(site.hostport,), link_timeout=10.0, total_timeout=30.0, use_cache=False)
        started = time.monotonic()
        res = verify({url: Need(meta=True, text=True)}, opts)[url]
        spent = time.monotonic() - started
    finally:
        site.close()
    assert res.verdict.kind == "ok" and not res.truncated and not res.facts.cut
    assert res.facts.title == "Fine | Dawn" and res.facts.site_name == "Dawn"
    assert spent < 3 * opts.link_timeout  # generous: the old patterns took minutes here


def test_reading_a_page_stops_at_the_deadline():
    text = html_page("Fine", FILLER).decode() + "<p>words</p>" * 100_000
    facts = read_page(text, "text/html", True, True, deadline=time.monotonic() - 1)
    assert facts.cut and facts.text is None
    facts = read_page(text, "text/html", True, True, deadline=time.monotonic() + 600)
    assert not facts.cut and facts.title == "Fine" and facts.words > 100_000


# -- #18: --trust-env works -------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                "no_proxy", "NO_PROXY", "NETRC", "REQUEST_METHOD"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_trust_env_fetches_through_the_environment_proxy(tmp_path, capsys, clean_env):
    proxy = Site({"*": page(html_page("Through the proxy", FILLER))})
    try:
        clean_env.setenv("http_proxy", proxy.url("/"))
        text = "See [it](http://news.example/via-proxy).\n"
        code, found, err, _ = _run(tmp_path, capsys, "a.md", text, "--trust-env", "--archive-endpoint", "off")
        assert code == 0 and found == [] and "Traceback" not in err
        assert [r[1] for r in proxy.requests] == ["http://news.example/via-proxy"]
        proxy.requests.clear()
        _, found, _, _ = _run(tmp_path, capsys, "a.md", text, "--archive-endpoint", "off")
        assert proxy.requests == [] and [f["code"] for f in found] in (["NET001"], ["NET004"])
    finally:
        proxy.close()


def test_trust_env_fetches_directly_and_reads_netrc(tmp_path, capsys, clean_env):
    site = Site({"*": page(html_page("Fine", FILLER))})
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login reader password s3cret\n", encoding="utf-8")
    netrc.chmod(0o600)
    clean_env.setenv("NETRC", str(netrc))
    try:
        for extra in (("--trust-env",), ()):
            site.requests.clear()
            code, found, _, _ = _run(tmp_path, capsys, "a.md", f"See [it]({site.url('/a')}).\n", *extra,
                                     "--allow-host", site.hostport, "--archive-endpoint", "off")
            assert code == 0 and found == []
            auth = [r[2].get("Authorization") for r in site.requests]
            assert auth == (["Basic cmVhZGVyOnMzY3JldA=="] if extra else [None])
    finally:
        site.close()


# -- #19: host names no resolver can take -----------------------------------------------------

def test_impossible_host_names_are_dead_at_once(tmp_path, capsys, monkeypatch):
    crashed = []
    monkeypatch.setattr(threading, "excepthook", crashed.append)
    long_label, long_name, long_idna = "a" * 64, "abc." * 63, "\u00fc" * 60
    text = (f"[a](http://{long_label}.example/x) [b](http://news..example/y) [c](http://{long_name}example/z) "
            f"[d](http://{long_idna}.example/)\n")
    code, found, err, _ = _run(tmp_path, capsys, "a.md", text, "--archive-endpoint", "off")
    assert code == 1 and [f["code"] for f in found] == ["NET001"] * 4
    assert all("cannot exist" in f["message"] for f in found)
    assert "longer than 63" in found[0]["message"] and "empty label" in found[1]["message"]
    assert "253" in found[2]["message"]
    assert crashed == [] and "Traceback" not in err and "Exception in thread" not in err


def test_the_resolver_thread_never_dies_with_a_traceback(monkeypatch):
    crashed = []
    monkeypatch.setattr(threading, "excepthook", crashed.append)
    with pytest.raises(socket.gaierror):
        resolve("a" * 64 + ".example", 80, 30.0)
    assert crashed == []
    assert host_problem("a" * 63 + ".example.") is None and host_problem("127.0.0.1") is None
    assert host_problem("[::1]") is None and host_problem("b\u00fccher.example") is None
    assert "empty label" in host_problem(".example")
