"""Issue 15: archive answers are validated (status and timestamp), and the online
options users expect from lychee: --accept, --exclude-link/--include-link,
--max-retries with Retry-After, --max-concurrency and --host-concurrency,
--cache-max-age, and --format links / links-json. Real loopback servers
(test_online_support), the real CLI; no timed assertions: where time matters,
the server itself enforces it (a Retry-After it checks) and the test reads the
verdict."""
from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from citelint.cli import main
from citelint.online.archive import snapshot_from
from test_online_support import FILLER, Site, fake_archive, html_page, page, status

PAGE = html_page("A story | News", FILLER)
STAMP = "20240101000000"


def _check(tmp_path, capsys, files: dict, *extra, isolated=True, cache=False):
    """Run `citelint check` on the drafts in `files` (name -> text); returns
    (exit status, findings or parsed output, stderr, {name: text after})."""
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    args = ["check", *[str(tmp_path / n) for n in files], "--online", *extra]
    if "--format" not in extra:
        args += ["--format", "json"]
    if not cache:
        args.append("--no-cache")
    if isolated:
        args.append("--isolated")
    code = main(args)
    out, err = capsys.readouterr()
    after = {n: (tmp_path / n).read_text(encoding="utf-8") for n in files}
    try:
        data = json.loads(out)
    except ValueError:
        data = out
    if isinstance(data, dict) and "findings" in data:
        data = data["findings"]
    return code, data, err, after


def _codes(found) -> list[str]:
    return sorted(f["code"] for f in found)


# -- archive answers: an archived status of 2xx/3xx and a timestamp ----------------------------

def archive_answering(closest):
    """An availability endpoint whose `closest` is closest(url asked about) (None: no key)."""
    def handler(h):
        url = parse_qs(urlsplit(h.path).query).get("url", [""])[0]
        entry = closest(url)
        body = {"url": url, "archived_snapshots": {} if entry is None else {"closest": entry}}
        h.send(200, json.dumps(body).encode(), ctype="application/json")
    return handler


def _snap(url, stamp=STAMP, status_="200", **extra):
    entry = {"available": True, "url": f"http://web.archive.org/web/{stamp}/{url}", "timestamp": stamp}
    if status_ is not None:
        entry["status"] = status_
    entry.update(extra)
    return entry


LIES = {
    "archived 404": lambda u: _snap(u, status_="404"),
    "archived 500": lambda u: _snap(u, status_="500"),
    "no status": lambda u: _snap(u, status_=None),
    "garbage status": lambda u: _snap(u, status_="2OO"),
    "status not a code": lambda u: _snap(u, status_="2000"),
    "status a list": lambda u: _snap(u, status_=["200"]),
    "status true": lambda u: _snap(u, status_=True),
    "no timestamp": lambda u: {k: v for k, v in _snap(u).items() if k != "timestamp"},
    "timestamp not 14 digits": lambda u: _snap(u, stamp="2024"),
    "timestamp a number": lambda u: dict(_snap(u), timestamp=20240101000000),
    "timestamp garbage": lambda u: dict(_snap(u), timestamp="2024-01-01T00:00"),
    "timestamp not the url's": lambda u: dict(_snap(u), timestamp="20230101000000"),
    "url without a timestamp": lambda u: dict(_snap(u), url=f"http://web.archive.org/web/{u}"),
}


@pytest.fixture(scope="module")
def gone():
    s = Site({"*": status(404)})
    yield s
    s.close()


@pytest.mark.parametrize("lie", sorted(LIES))
def test_a_lying_archive_status_or_timestamp_gives_no_fix(gone, tmp_path, capsys, lie):
    archive = Site({"/a": archive_answering(LIES[lie])})
    try:
        text = f"See [the story]({gone.url('/story')}).\n"
        code, found, err, after = _check(tmp_path, capsys, {"d.md": text}, "--allow-host", gone.hostport,
                                         "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    assert archive.requests, "the archive was asked"
    assert after["d.md"] == text  # reported, never replaced
    assert _codes(found) == ["NET001"] and "archived copy" not in found[0]["message"]
    assert code == 1 and "Traceback" not in err


@pytest.mark.parametrize("archived", ["200", "203", "301", "302", 200])
def test_an_archived_2xx_or_3xx_with_its_timestamp_is_offered(gone, tmp_path, capsys, archived):
    archive = Site({"/a": archive_answering(lambda u: _snap(u, status_=archived))})
    try:
        url = gone.url("/story")
        _, found, _, after = _check(tmp_path, capsys, {"d.md": f"See [it]({url}).\n"}, "--allow-host",
                                    gone.hostport, "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes")
    finally:
        archive.close()
    assert after["d.md"] == f"See [it](https://web.archive.org/web/{STAMP}/{url}).\n"
    assert found == []


def test_snapshot_from_checks_status_and_timestamp():
    x = "https://a.example/x"

    def answer(**closest):
        return json.dumps({"archived_snapshots": {"closest": closest}}).encode()
    good = {"url": f"https://web.archive.org/web/{STAMP}/{x}", "timestamp": STAMP}
    assert snapshot_from(answer(status="200", **good), x) == good["url"]
    assert snapshot_from(answer(status="307", **good), x) == good["url"]
    for bad in ({"status": "404"}, {"status": "199"}, {"status": ""}, {"status": None}, {},
                {"status": "200", "timestamp": None}, {"status": "200", "timestamp": STAMP + "0"},
                {"status": "200", "timestamp": "2024010100000x"}):
        assert snapshot_from(answer(**{**good, **bad}), x) is None, bad
    stamp_kinds = {"status": "200", "url": f"https://web.archive.org/web/{STAMP}id_/{x}", "timestamp": STAMP}
    assert snapshot_from(answer(**stamp_kinds), x) == stamp_kinds["url"]  # a flag after the timestamp is fine


# -- --max-retries, backoff and Retry-After -------------------------------------------------------

class Strict:
    """A route that answers `code` with Retry-After `after` the first `times`
    requests, then 200; it counts a request that comes back before the time it
    named as early (and answers it 429 again). `after` may be a callable
    returning (header value, wall-clock time it means)."""

    def __init__(self, times=1, after="1", code=429):
        self.times, self.after, self.code = times, after, code
        self.until = 0.0
        self.served = self.early = 0
        self.lock = threading.Lock()

    def __call__(self, h):
        with self.lock:
            now = time.time()
            if now < self.until - 0.05:
                self.early += 1
                h.send(self.code, b"too early", {"Retry-After": "1"})
                return
            self.served += 1
            if self.served > self.times:
                h.send(200, PAGE)
                return
            value, self.until = self.after() if callable(self.after) else (self.after, now + float(self.after))
        h.send(self.code, b"slow down", {"Retry-After": value})


def _http_date():
    from email.utils import formatdate
    when = int(time.time()) + 2
    return formatdate(when, usegmt=True), float(when)


@pytest.mark.parametrize("times, after, code", [(1, "1", 429), (2, "1", 503), (1, _http_date, 429)])
def test_retry_after_is_honoured_then_the_link_is_alive(tmp_path, capsys, times, after, code):
    route = Strict(times, after, code)
    site = Site({"/story": route})
    try:
        _, found, err, _ = _check(tmp_path, capsys, {"d.md": f"[it]({site.url('/story')})\n"}, "--allow-host",
                                  site.hostport, "--max-retries", "2", "--link-timeout", "10")
    finally:
        site.close()
    assert found == [] and "Traceback" not in err
    assert route.early == 0 and len(site.requests) == times + 1  # every wait was honoured in full


def test_max_retries_zero_and_a_retry_after_past_the_deadline_are_not_retried(tmp_path, capsys):
    route, far = Strict(5, "1"), Strict(5, "30")
    site = Site({"/now": route, "/later": far})
    try:
        _, found, _, _ = _check(tmp_path, capsys, {"d.md": f"[a]({site.url('/now')})\n"}, "--allow-host",
                                site.hostport, "--max-retries", "0", "--link-timeout", "10")
        assert _codes(found) == ["NET004"] and "HTTP 429" in found[0]["message"] and route.served == 1
        # Told to come back in 30 s with 2 s to go: no early retry, no wait past the deadline.
        _, found, _, _ = _check(tmp_path, capsys, {"e.md": f"[b]({site.url('/later')})\n"}, "--allow-host",
                                site.hostport, "--max-retries", "5", "--link-timeout", "2")
        assert _codes(found) == ["NET004"] and far.served == 1 and far.early == 0
    finally:
        site.close()


def _reset_first(n):
    """Reset the first `n` connections (RST, no answer), then serve the page."""
    seen = {"n": 0}

    def handler(h):
        import socket
        import struct
        seen["n"] += 1
        if seen["n"] <= n:
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            h.close_connection = True
            return
        h.send(200, PAGE)
    return handler


def test_a_reset_connection_is_retried_with_backoff(tmp_path, capsys):
    site = Site({"/once": _reset_first(1), "/again": _reset_first(1)})
    try:
        _, found, _, _ = _check(tmp_path, capsys, {"d.md": f"[a]({site.url('/once')})\n"}, "--allow-host",
                                site.hostport, "--max-retries", "1", "--link-timeout", "10")
        assert found == []
        _, found, _, _ = _check(tmp_path, capsys, {"e.md": f"[b]({site.url('/again')})\n"}, "--allow-host",
                                site.hostport, "--max-retries", "0", "--link-timeout", "10")
        assert _codes(found) == ["NET004"] and "reset" in found[0]["message"]
    finally:
        site.close()


def test_backoff_doubles():
    from citelint.online.fetch import backoff
    assert [backoff(n) / backoff(1) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


# -- --max-concurrency and --host-concurrency ---------------------------------------------------

class Gauge:
    """Counts requests in progress, in all and per server."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.peak = 0
        self.host_now: dict[int, int] = {}
        self.host_peak: dict[int, int] = {}

    def route(self, key):
        def handler(h):
            with self.lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
                self.host_now[key] = self.host_now.get(key, 0) + 1
                self.host_peak[key] = max(self.host_peak.get(key, 0), self.host_now[key])
            time.sleep(0.15)
            with self.lock:
                self.now -= 1
                self.host_now[key] -= 1
            h.send(200, PAGE)
        return handler


def _counted_sites(n_sites=3):
    gauge = Gauge()
    sites = [Site({"*": gauge.route(i)}) for i in range(n_sites)]
    text = "".join(f"[{i}-{j}]({s.url(f'/story/{j}')})\n" for i, s in enumerate(sites) for j in range(6))
    allow = [a for s in sites for a in ("--allow-host", s.hostport)]
    return gauge, sites, text, allow


@pytest.mark.parametrize("total, per_host", [(2, 2), (16, 1), (16, 3)])
def test_concurrency_limits_are_kept(tmp_path, capsys, total, per_host):
    gauge, sites, text, allow = _counted_sites()
    try:
        _, found, _, _ = _check(tmp_path, capsys, {"d.md": text}, *allow, "--max-concurrency", str(total),
                                "--host-concurrency", str(per_host), "--link-timeout", "20")
    finally:
        for s in sites:
            s.close()
    assert found == [] and sum(len(s.requests) for s in sites) == 18
    assert gauge.peak <= min(total, 3 * per_host) and max(gauge.host_peak.values()) <= per_host
    assert gauge.peak > 1  # links are fetched side by side


def test_concurrency_from_a_configuration_beside_the_drafts(tmp_path, capsys):
    """Tuning keys only narrow or tune: a configuration found beside the drafts may set them."""
    gauge, sites, text, allow = _counted_sites(2)
    (tmp_path / "citelint.toml").write_text("max-concurrency = 1\nhost-concurrency = 1\nmax-retries = 0\n",
                                            encoding="utf-8")
    try:
        _, found, err, _ = _check(tmp_path, capsys, {"d.md": text}, *allow, "--link-timeout", "20", isolated=False)
    finally:
        for s in sites:
            s.close()
    assert found == [] and "warning" not in err
    assert gauge.peak == 1


@pytest.mark.parametrize("args, message", [
    (["--max-concurrency", "0"], "--max-concurrency"), (["--max-concurrency", "100000"], "at most 256"),
    (["--host-concurrency", "17"], "at most 16"), (["--max-retries", "-1"], "--max-retries"),
    (["--max-retries", "two"], "--max-retries"),
])
def test_bad_limits_are_one_line(tmp_path, capsys, args, message):
    code, _, err, _ = _check(tmp_path, capsys, {"d.md": "[a](http://127.0.0.1:9/x)\n"}, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("toml, message", [
    ("max-concurrency = 0", "`max-concurrency`"), ("host-concurrency = 99", "at most 16"),
    ("max-retries = \"3\"", "`max-retries` must be a whole number"), ("max-retries = true", "`max-retries`"),
    ("accept = \"abc\"", "`accept`"), ("accept = [\"200..=299, 429\"]", "`accept`"), ("accept = []", "`accept`"),
    ("exclude-links = [\"(\"]", "`exclude-links`"), ("include-links = \"x\"", "`include-links`"),
    ("cache-max-age = \"soon\"", "`cache-max-age`"), ("cache-max-age = -1", "`cache-max-age`"),
])
def test_bad_tuning_keys_name_the_file(tmp_path, capsys, toml, message):
    (tmp_path / "citelint.toml").write_text(toml + "\n", encoding="utf-8")
    code, _, err, _ = _check(tmp_path, capsys, {"d.md": "[a](http://127.0.0.1:9/x)\n"}, isolated=False)
    assert code == 2 and message in err and "citelint.toml" in err and "Traceback" not in err


# -- --accept ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def statuses():
    s = Site({"/ok": page(PAGE), "/created": status(201, body=PAGE), "/forbidden": status(403),
              "/limited": status(429), "/gone": status(404)})
    yield s
    s.close()


def _status_draft(s) -> str:
    return "".join(f"[{p}]({s.url('/' + p)})\n" for p in ("ok", "created", "forbidden", "limited", "gone"))


def _by_path(found) -> dict:
    return {urlsplit(f["url"]).path: f["code"] for f in found}


@pytest.mark.parametrize("accept, expected", [
    (None, {"/forbidden": "NET004", "/limited": "NET004", "/gone": "NET001"}),
    ("200..=299,403,429", {"/gone": "NET001"}),
    ("200..=299, 401..=403, 429..430", {"/gone": "NET001"}),
    ("200", {"/created": "NET004", "/forbidden": "NET004", "/limited": "NET004", "/gone": "NET001"}),
    ("200..300, 404", {"/forbidden": "NET004", "/limited": "NET004"}),
    ("..300,400..", {}),
])
def test_accepted_status_codes(statuses, tmp_path, capsys, accept, expected):
    extra = ["--accept", accept] if accept is not None else []
    _, found, _, _ = _check(tmp_path, capsys, {"d.md": _status_draft(statuses)}, "--allow-host",
                            statuses.hostport, "--max-retries", "0", "--archive-endpoint", "off", *extra)
    assert _by_path(found) == expected
    if accept == "200":
        assert "HTTP 201 is not an accepted status" in next(f["message"] for f in found if "created" in f["url"])


def test_accept_from_a_configuration(statuses, tmp_path, capsys):
    (tmp_path / "citelint.toml").write_text('accept = [200, "201", "400..=403", 429]\narchive-endpoint = "off"\n',
                                            encoding="utf-8")
    _, found, _, _ = _check(tmp_path, capsys, {"d.md": _status_draft(statuses)}, "--allow-host", statuses.hostport,
                            "--max-retries", "0", isolated=False)
    assert _by_path(found) == {"/gone": "NET001"}
    main(["config", str(tmp_path / "d.md")])
    assert 'accept = "200, 201, 400..=403, 429"' in capsys.readouterr().out


def test_an_accepted_status_is_not_retried(tmp_path, capsys):
    site = Site({"/busy": status(429, {"Retry-After": "1"})})
    try:
        _, found, _, _ = _check(tmp_path, capsys, {"d.md": f"[a]({site.url('/busy')})\n"}, "--allow-host",
                                site.hostport, "--accept", "200..=299,429", "--max-retries", "3")
    finally:
        site.close()
    assert found == [] and len(site.requests) == 1


@pytest.mark.parametrize("value", ["99", "abc", "300..200", "", "200,,204", "600", "200..=", "..=99"])
def test_a_bad_accept_is_one_line(tmp_path, capsys, value):
    code, _, err, _ = _check(tmp_path, capsys, {"d.md": "[a](http://127.0.0.1:9/x)\n"}, "--accept", value)
    assert code == 2 and "--accept" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_accept_ranges_follow_lychee():
    from citelint.online.options import parse_accept
    assert parse_accept("200..204") == frozenset(range(200, 204))      # the end left out
    assert parse_accept("200..=204") == frozenset(range(200, 205))
    assert parse_accept("..=103") == frozenset(range(100, 104))
    assert parse_accept("500..") == frozenset(range(500, 600))
    assert parse_accept([200, "429"]) == {200, 429}


# -- --exclude-link / --include-link --------------------------------------------------------------

@pytest.fixture()
def dead_site():
    s = Site({"*": status(404)})
    yield s
    s.close()


def _links_draft(s) -> str:
    return (f"[a]({s.url('/a')}) [b]({s.url('/b')}) [c]({s.url('/skip/c')}) "
            "[f](file:///etc/passwd)\n")


@pytest.mark.parametrize("args, fetched, reported", [
    ([], {"/a", "/b", "/skip/c"}, ["/a", "/b", "/etc/passwd", "/skip/c"]),
    (["--exclude-link", "/skip/", "--exclude-link", "^file:"], {"/a", "/b"}, ["/a", "/b"]),
    (["--exclude", "/skip/"], {"/a", "/b"}, ["/a", "/b", "/etc/passwd"]),          # lychee's name
    (["--include-link", "/a$"], {"/a"}, ["/a"]),                                     # only what is included
    (["--include", "/skip/c", "--exclude-link", r"127\.0\.0\.1|^file:"], {"/skip/c"}, ["/skip/c"]),  # include wins
    (["--include-link", "/zzz", "--exclude-link", "/skip/"], {"/a", "/b"}, ["/a", "/b", "/etc/passwd"]),
])
def test_include_and_exclude_patterns(dead_site, tmp_path, capsys, args, fetched, reported):
    _, found, _, _ = _check(tmp_path, capsys, {"d.md": _links_draft(dead_site)}, "--allow-host",
                            dead_site.hostport, "--archive-endpoint", "off", *args)
    assert {urlsplit(p).path for _, p, _ in dead_site.requests} == fetched
    assert sorted(urlsplit(f["url"]).path for f in found) == reported


def test_exclude_links_in_a_folder_configuration_apply_to_its_files_only(dead_site, tmp_path, capsys):
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "citelint.toml").write_text('exclude-links = ["/skip/"]\n', encoding="utf-8")
    text = f"[c]({dead_site.url('/skip/c')})\n"
    _, found, err, _ = _check(tmp_path, capsys, {"wire/a.md": text, "desk/b.md": text}, "--allow-host",
                              dead_site.hostport, "--archive-endpoint", "off", isolated=False)
    assert [f["path"].replace("\\", "/").rsplit("/", 2)[-2:] for f in found] == [["desk", "b.md"]]
    assert len(dead_site.requests) == 1 and "warning" not in err  # fetched once, for the file that wants it


def test_a_bad_link_pattern_is_one_line(tmp_path, capsys):
    code, _, err, _ = _check(tmp_path, capsys, {"d.md": "[a](http://127.0.0.1:9/x)\n"}, "--exclude-link", "(")
    assert code == 2 and "--exclude-link" in err and "regular expression" in err and "Traceback" not in err


# -- --cache-max-age ------------------------------------------------------------------------------

def _age_cache(path, seconds_ago: float) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for e in data["entries"].values():
        e["at"] = time.time() - seconds_ago
    path.write_text(json.dumps(data), encoding="utf-8")


def test_cache_max_age(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = Site({"/ok": page(PAGE), "/gone": status(404)})
    store = tmp_path / "cache" / "citelint" / "online-verdicts.json"
    files = {"d.md": f"[a]({site.url('/ok')}) [b]({site.url('/gone')})\n"}
    base = ["--allow-host", site.hostport, "--archive-endpoint", "off"]

    def run(*extra):
        before = len(site.requests)
        _, found, _, _ = _check(tmp_path, capsys, files, *base, *extra, cache=True)
        assert _codes(found) == ["NET001"]  # the same verdicts, fetched or cached
        return len(site.requests) - before
    try:
        assert run() == 2 and store.is_file()
        assert run() == 0                                  # within a day: cached
        _age_cache(store, 2 * 3600)
        assert run("--cache-max-age", "1h") == 2           # two hours old: too old for 1h
        _age_cache(store, 2 * 3600)
        assert run("--cache-max-age", "1d") == 0
        assert run("--cache-max-age", "0") == 2            # 0 reuses nothing
        _age_cache(store, 2 * 3600)
        assert run() == 0                                  # a shorter age did not throw the day's entries away
        _age_cache(store, -3600)
        assert run() == 2                                  # an entry from the future is no entry
        _age_cache(store, 2 * 3600)
        (tmp_path / "citelint.toml").write_text('cache-max-age = "30m"\n', encoding="utf-8")
        before = len(site.requests)
        _check(tmp_path, capsys, files, *base, cache=True, isolated=False)
        assert len(site.requests) - before == 2            # the configuration's age
    finally:
        site.close()


def test_a_verdict_cached_under_another_accept_is_looked_up_again(statuses, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = {"d.md": f"[f]({statuses.url('/forbidden')}) [g]({statuses.url('/gone')})\n"}
    base = ["--allow-host", statuses.hostport, "--archive-endpoint", "off", "--max-retries", "0"]
    _, found, _, _ = _check(tmp_path, capsys, files, *base, "--accept", "200..=299,403,404", cache=True)
    assert found == []
    _, found, _, _ = _check(tmp_path, capsys, files, *base, cache=True)
    assert _by_path(found) == {"/forbidden": "NET004", "/gone": "NET001"}


def test_durations():
    from citelint.online.options import parse_duration
    assert [parse_duration(v) for v in ("1d", "12h", "1h30m", "90", "45s", "2w", "0", 30, 1.5)] == \
        [86400, 43200, 5400, 90, 45, 14 * 86400, 0, 30, 1.5]
    for bad in ("-1", "soon", "1x", "", "h", "1d-", -5, True, None, "nan", "inf"):
        with pytest.raises(ValueError):
            parse_duration(bad)


# -- --format links / links-json -----------------------------------------------------------------

@pytest.fixture()
def mixed():
    s = Site({"/story": page(PAGE), "/gone": status(404), "/moved": lambda h: h.redirect("/story", 301),
              "/forbidden": status(403), "/skip": page(PAGE)})
    yield s
    s.close()


def _mixed_files(s):
    secret = s.url("/story").replace("http://", "http://user:hunter2@")
    return {"a.md": f"# A\n\n[ok]({s.url('/story')}) and [gone]({s.url('/gone')}).\n\n[moved]({s.url('/moved')})\n",
            "b.md": f"[gone]({s.url('/gone')}) [no]({s.url('/forbidden')}) [skip]({s.url('/skip')}) [pw]({secret})\n"}


def test_links_format_lists_every_link_once(mixed, tmp_path, capsys):
    files = _mixed_files(mixed)
    code, out, _, _ = _check(tmp_path, capsys, files, "--allow-host", mixed.hostport, "--archive-endpoint", "off",
                             "--max-retries", "0", "--exclude-link", "/skip$", "--format", "links")
    assert code == 1  # the findings still decide the exit status
    lines = out.splitlines()
    a, b = str(tmp_path / "a.md"), str(tmp_path / "b.md")
    assert lines[0].startswith("dead") and mixed.url("/gone") in lines[0] and f"({a}:3, {b}:1)" in lines[0]
    assert "HTTP 404 Not Found" in lines[0]
    assert any(line.startswith("unverified 403") for line in lines)
    assert any(line.startswith("excluded") and mixed.url("/skip") in line for line in lines)
    moved = next(line for line in lines if mixed.url("/moved") in line)
    assert moved.startswith("ok         200") and f"{a}:5" in moved
    assert "hunter2" not in out
    assert lines[-1] == "6 links: 3 ok, 1 dead, 1 unverified, 1 excluded (1 redirected)."


def test_links_json(mixed, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = _mixed_files(mixed)
    args = ["--allow-host", mixed.hostport, "--archive-endpoint", "off", "--max-retries", "0",
            "--exclude-link", "/skip$", "--format", "links-json"]
    _check(tmp_path, capsys, files, *args, cache=True)
    code, data, _, _ = _check(tmp_path, capsys, files, *args, cache=True)  # the second run: from the cache
    assert code == 1 and data["version"] == "1"
    assert data["summary"] == {"links": 6, "ok": 3, "dead": 1, "soft-404": 0, "elsewhere": 0, "unverified": 1,
                               "blocked": 0, "excluded": 1, "redirected": 1, "cached": 3}  # not 403, not a password
    by_url = {r["url"]: r for r in data["links"]}
    gone = by_url[mixed.url("/gone")]
    assert gone["verdict"] == "dead" and gone["status"] == 404 and gone["cached"] is True
    assert gone["cited"] == [{"file": str(tmp_path / "a.md"), "line": 3}, {"file": str(tmp_path / "b.md"), "line": 1}]
    moved = by_url[mixed.url("/moved")]
    assert moved["redirects"] == [mixed.url("/moved")] and moved["final_url"] == mixed.url("/story")
    assert by_url[mixed.url("/skip")]["verdict"] == "excluded"
    assert by_url[mixed.url("/forbidden")]["cached"] is False  # a refusal is never cached
    assert "hunter2" not in json.dumps(data)


def test_links_format_needs_online(tmp_path, capsys):
    (tmp_path / "d.md").write_text("Hello.\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "d.md"), "--format", "links"]) == 2
    assert "add --online" in capsys.readouterr().err


def test_every_option_is_in_the_help_and_the_readme():
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-m", "citelint", "check", "--help"], capture_output=True, text=True,
                         cwd=root, env={"PYTHONPATH": str(root), "COLUMNS": "200"}).stdout
    readme = (root / "README.md").read_text(encoding="utf-8")
    online = readme[readme.index("## Checking the sources online"):]
    online = online[:online.index("\n## ", 5)]
    for option in ("--accept", "--exclude-link", "--include-link", "--max-retries", "--max-concurrency",
                   "--host-concurrency", "--cache-max-age", "links-json"):
        assert option in out and option in online, option
    for key in ("accept", "exclude-links", "include-links", "max-retries", "max-concurrency", "host-concurrency",
                "cache-max-age"):
        assert f"`{key}`" in online or f"{key} =" in online, key
