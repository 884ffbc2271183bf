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
