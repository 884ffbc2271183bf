"""Online checks obey the configuration like every rule: selection, severity,
suppression comments, allow-hosts and the timeouts from citelint.toml."""
from __future__ import annotations

import json

import pytest

from citelint.cli import main
from citelint.online.fetch import Fetcher, FetchConfig, FetchJob
from citelint.online.verdicts import Verdict
from citelint.online.verify import LinkResult, _distrust_dead_resolver
from test_online_support import FILLER, Site, drip_headers, html_page, page, status


@pytest.fixture(scope="module")
def site():
    s = Site({"/ok": page(html_page("Fine", FILLER)), "/gone": status(404), "/busy": status(503)})
    yield s
    s.close()


def _check(tmp_path, capsys, text, *extra, name="d.md", config=None):
    (tmp_path / name).write_text(text, encoding="utf-8")
    if config is not None:
        (tmp_path / "citelint.toml").write_text(config, encoding="utf-8")
    args = ["check", str(tmp_path / name), "--online", "--no-cache", "--format", "json", *extra]
    if config is None:
        args.append("--isolated")
    code = main(args)
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_ignored_net_rules_fetch_nothing(site, tmp_path, capsys):
    site.requests.clear()
    code, found = _check(tmp_path, capsys, f"[a]({site.url('/gone')})\n", "--allow-host", site.hostport,
                         "--ignore", "NET")
    assert code == 0 and found == [] and site.requests == []


def test_only_selected_rules_report(site, tmp_path, capsys):
    text = f"[a]({site.url('/gone')}) [b]({site.url('/busy')})\n"
    _, found = _check(tmp_path, capsys, text, "--allow-host", site.hostport, "--select", "NET004",
                      "--link-timeout", "1", "--archive-endpoint", "off")
    assert [f["code"] for f in found] == ["NET004"]


def test_config_allow_hosts_severity_and_archive(site, tmp_path, capsys):
    # allow-hosts relaxes the guard: it counts from a file named with --config (see test_hostile_online.py
    # for a configuration merely found beside the drafts).
    config = (f'allow-hosts = ["{site.hostport}"]\narchive-endpoint = "off"\nonline-timeout = 20\n'
              f'[severity]\nNET001 = "warning"\n')
    code, found = _check(tmp_path, capsys, f"[a]({site.url('/gone')})\n", "--config",
                         str(tmp_path / "citelint.toml"), config=config)
    assert code == 0  # NET001 lowered to a warning
    assert [(f["code"], f["severity"]) for f in found] == [("NET001", "warning")]


def test_suppression_comments(site, tmp_path, capsys):
    text = (f"<!-- citelint: disable=NET001 -->\n[a]({site.url('/gone')})\n<!-- citelint: enable=NET001 -->\n\n"
            f"[b]({site.url('/gone')}?again)\n")
    _, found = _check(tmp_path, capsys, text, "--allow-host", site.hostport, "--archive-endpoint", "off")
    assert [(f["code"], f["line"]) for f in found] == [("NET001", 5)]


def test_not_admitted_without_allow_host(site, tmp_path, capsys):
    site.requests.clear()
    code, found = _check(tmp_path, capsys, f"[a]({site.url('/ok')})\n", "--archive-endpoint", "off")
    assert [f["code"] for f in found] == ["NET005"] and site.requests == []
    assert "loopback" in found[0]["message"]


def test_html_drafts(site, tmp_path, capsys):
    text = f'<p>Gone: <a href="{site.url("/gone")}?a=1&amp;b=2">report</a>.</p>\n'
    _, found = _check(tmp_path, capsys, text, "--allow-host", site.hostport, "--archive-endpoint", "off",
                      name="d.html")
    assert [f["code"] for f in found] == ["NET001"]
    assert found[0]["url"] == f"{site.url('/gone')}?a=1&b=2"


def test_online_timeout_bounds_the_run(tmp_path, capsys):
    drip = Site({"*": drip_headers(0.05, 5000)})
    try:
        text = "".join(f"[l{i}](http://{drip.hostport}/{i})\n\n" for i in range(5))
        _, found = _check(tmp_path, capsys, text, "--allow-host", drip.hostport, "--online-timeout", "1",
                          "--archive-endpoint", "off")
        assert [f["code"] for f in found] == ["NET004"] * 5
    finally:
        drip.close()


def test_a_host_that_answered_gets_a_second_chance():
    def handler(h):
        if h.path == "/0":
            h.send(200, html_page("Fine", FILLER))
        else:
            drip_headers(0.05, 5000)(h)
    site = Site({"*": handler})
    try:
        engine = Fetcher(FetchConfig(allow=(site.hostport,), link_timeout=0.5, host_concurrency=1,
                                    host_interval=0))
        res = engine.run([FetchJob(site.url(f"/{i}")) for i in range(6)])
        errors = [res[site.url(f"/{i}")].error for i in range(6)]
        assert errors[0] is None and errors[1:3] == ["timeout", "timeout"] and errors[3:] == ["skipped"] * 3
    finally:
        site.close()


def test_a_dead_resolver_is_not_a_dead_web():
    def dead(host):
        return LinkResult(Verdict("dead", f"https://{host}/x", "name does not resolve",
                                  final_url=f"https://{host}/x"))
    jobs = [FetchJob(f"https://{h}/x") for h in ("a.example", "b.example", "c.example")]
    results = {j.url: dead(j.url.split("/")[2]) for j in jobs}
    _distrust_dead_resolver(results, jobs)
    assert {r.verdict.kind for r in results.values()} == {"unverified"}
    results = {j.url: dead(j.url.split("/")[2]) for j in jobs}
    results["https://d.example/x"] = LinkResult(Verdict("ok", "https://d.example/x", status=200))
    _distrust_dead_resolver(results, jobs + [FetchJob("https://d.example/x")])
    assert sum(r.verdict.kind == "dead" for r in results.values()) == 3


def test_archive_fix_in_html_is_escaped(tmp_path, capsys):
    from test_online_support import fake_archive
    gone = Site({"*": status(404)})
    archive = Site({"/a": fake_archive()})
    try:
        url = f"http://{gone.hostport}/story?id=1&amp;p=2"
        draft = tmp_path / "d.html"
        draft.write_text(f'<p>See <a href="{url}">the story</a>.</p>\n', encoding="utf-8")
        main(["check", str(draft), "--online", "--no-cache", "--isolated", "--allow-host", gone.hostport,
              "--archive-endpoint", archive.url("/a"), "--fix", "--unsafe-fixes"])
        capsys.readouterr()
        snap = f"https://web.archive.org/web/20240101000000/http://{gone.hostport}/story?id=1&amp;p=2"
        assert draft.read_text(encoding="utf-8") == f'<p>See <a href="{snap}">the story</a>.</p>\n'
    finally:
        gone.close()
        archive.close()
