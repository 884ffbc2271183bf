"""The issue's "done means" scenario: one draft linking to every fault server,
checked by the real CLI in a subprocess, against real loopback servers."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from test_online_support import (FILLER, ResetServer, Site, drip_body, drip_headers, fake_archive, gzip_bomb, huge,
                                 html_page, page, redirect, reject_head, status)

ROOT = Path(__file__).resolve().parent.parent

STATEMENT = html_page(
    "Minister presents budget | Dawn",
    f"<p>{FILLER}</p><p>The minister said: &ldquo;We will not raise taxes this year, and we will "
    f"protect the poor.&rdquo;</p><p>She called it &ldquo;a balanced bud\u00adget&rdquo;.</p><p>{FILLER}</p>",
    site_name="Dawn", twitter="@dawn_com")


@pytest.fixture(scope="module")
def servers():
    other = Site({"*": page(html_page("Internal", "internal"))})          # never admitted
    elsewhere = Site({"*": page(html_page("Welcome | Another site", FILLER))})  # admitted as localhost:PORT
    news = Site({
        "/": page(html_page("Front page | Dawn", FILLER, site_name="Dawn")),
        "/2024/05/statement": page(STATEMENT),
        "/2024/05/gone": status(404),
        "/2024/05/removed": status(410),
        "/2024/05/deleted-story": redirect("/", 301),
        "/2024/05/missing": redirect("/404.html"),
        "/404.html": page(html_page("Page not found | Dawn", "Sorry")),
        "/2024/05/challenge": status(403, {"cf-mitigated": "challenge", "Server": "cloudflare"},
                                     html_page("Just a moment...", "checking your browser")),
        "/2024/05/rate-limited": status(429, {"Retry-After": "1"}),
        "/2024/05/unavailable": status(503, {"Retry-After": "1"}),
        "/2024/05/loop-a": redirect("/2024/05/loop-b"),
        "/2024/05/loop-b": redirect("/2024/05/loop-a"),
        "/2024/05/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/2024/05/other-port": redirect(other.url("/admin")),
        "/2024/05/moved-away": redirect(f"http://localhost:{elsewhere.port}/welcome"),
    })
    head = Site({"*": reject_head(html_page("Head-shy | Dawn", FILLER, site_name="Dawn"))})
    drip = Site({"/headers": drip_headers()})
    slow = Site({"/body": drip_body()})
    big = Site({"/big": huge(), "/bomb": gzip_bomb})
    reset = ResetServer()
    archive = Site({"/wayback/available": fake_archive()})
    all_ = dict(news=news, head=head, drip=drip, slow=slow, big=big, reset=reset, other=other, elsewhere=elsewhere,
                archive=archive)
    yield all_
    for s in all_.values():
        s.close()


def draft(s) -> str:
    n = s["news"]
    return f"""# Budget

The minister said: “we will not raise taxes this year” ([Dawn]({n.url('/2024/05/statement')})).

She promised “free electricity for every household” ([Dawn]({n.url('/2024/05/statement')}#top)).

[Reuters]({n.url('/2024/05/statement')}) had the story first.

Dead: [gone]({n.url('/2024/05/gone')}) and [removed]({n.url('/2024/05/removed')}).

Soft: {n.url('/2024/05/deleted-story')} and [missing]({n.url('/2024/05/missing')}).

Refused: [challenge]({n.url('/2024/05/challenge')}), [limited]({n.url('/2024/05/rate-limited')}),
[down]({n.url('/2024/05/unavailable')}).

Odd: [loop]({n.url('/2024/05/loop-a')}), [metadata]({n.url('/2024/05/metadata')}),
[port]({n.url('/2024/05/other-port')}), [moved]({n.url('/2024/05/moved-away')}).

Heavy: [head]({s['head'].url('/story')}), [drip]({s['drip'].url('/headers')}), [slow]({s['slow'].url('/body')}),
[big]({s['big'].url('/big')}), [bomb]({s['big'].url('/bomb')}), [reset]({s['reset'].url('/x')}).
"""


def run_cli(args, cwd, env_extra=None, timeout=90):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    env.update(env_extra or {})
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    return subprocess.run([sys.executable, "-m", "citelint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)  # the timeout only guards against a hang


def allow_args(s):
    out = []
    for key in ("news", "head", "drip", "slow", "big", "reset"):
        out += ["--allow-host", s[key].hostport]
    out += ["--allow-host", f"localhost:{s['elsewhere'].port}"]
    return out


@pytest.fixture(scope="module")
def report(servers, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("online")
    (tmp / "story.md").write_text(draft(servers), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = run_cli(["check", "story.md", "--online", *allow_args(servers), "--no-cache", "--format", "json",
                    "--archive-endpoint", servers["archive"].url("/wayback/available"),
                    "--link-timeout", "2", "--isolated"], tmp, {"XDG_CACHE_HOME": str(tmp / "cache")})
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    return data, peak_kib if peak_kib > before else None, tmp


def by_path(data, servers):
    out = {}
    for f in data["findings"]:
        if f["code"].startswith("NET"):
            out.setdefault(f["url"], []).append(f)
    return out


def codes_for(found, url):
    return sorted(f["code"] for f in found.get(url, []))


def test_exactly_dead_and_soft_404_are_errors(report, servers):
    data, _, _ = report
    n = servers["news"]
    errors = {f["url"] for f in data["findings"] if f["severity"] == "error"}
    assert errors == {n.url("/2024/05/gone"), n.url("/2024/05/removed"), n.url("/2024/05/deleted-story"),
                      n.url("/2024/05/missing")}
    found = by_path(data, servers)
    assert codes_for(found, n.url("/2024/05/gone")) == ["NET001"]
    assert codes_for(found, n.url("/2024/05/removed")) == ["NET001"]
    assert codes_for(found, n.url("/2024/05/deleted-story")) == ["NET002"]
    assert codes_for(found, n.url("/2024/05/missing")) == ["NET002"]


def test_refusals_are_never_dead(report, servers):
    data, _, _ = report
    n = servers["news"]
    found = by_path(data, servers)
    for path in ("/2024/05/challenge", "/2024/05/rate-limited", "/2024/05/unavailable"):
        fs = found.get(n.url(path), [])
        assert [f["code"] for f in fs] == ["NET004"], (path, fs)
        assert fs[0]["severity"] == "warning"
    assert "Cloudflare" in found[n.url("/2024/05/challenge")][0]["message"]
    assert "429" in found[n.url("/2024/05/rate-limited")][0]["message"]


def test_metadata_and_unadmitted_redirects_are_blocked(report, servers):
    data, _, _ = report
    n = servers["news"]
    found = by_path(data, servers)
    meta = found[n.url("/2024/05/metadata")]
    assert [f["code"] for f in meta] == ["NET005"]
    assert "169.254.169.254" in meta[0]["message"]
    port = found[n.url("/2024/05/other-port")]
    assert [f["code"] for f in port] == ["NET005"]
    assert servers["other"].requests == []  # never contacted


def test_loops_redirects_and_faults(report, servers):
    data, _, _ = report
    n = servers["news"]
    found = by_path(data, servers)
    assert codes_for(found, n.url("/2024/05/loop-a")) == ["NET004"]
    assert codes_for(found, n.url("/2024/05/moved-away")) == ["NET003"]
    assert codes_for(found, servers["drip"].url("/headers")) == ["NET004"]
    assert codes_for(found, servers["reset"].url("/x")) == ["NET004"]
    for url in (servers["head"].url("/story"), servers["slow"].url("/body"), servers["big"].url("/big"),
                servers["big"].url("/bomb")):
        assert url not in found, found.get(url)
    assert {m for m, _, _ in servers["head"].requests} == {"GET"}


def test_quotes_and_publisher(report, servers):
    data, _, _ = report
    net7 = [f for f in data["findings"] if f["code"] == "NET007"]
    assert len(net7) == 1
    assert "free electricity for every household" in net7[0]["message"]
    assert net7[0]["line"] == 5
    net6 = [f for f in data["findings"] if f["code"] == "NET006"]
    assert len(net6) == 1 and net6[0]["line"] == 7
    assert "Reuters" in net6[0]["message"] and "Dawn" in net6[0]["message"]


def test_dead_links_offer_the_archived_copy(report, servers):
    data, _, _ = report
    for f in data["findings"]:
        if f["severity"] != "error":
            continue
        assert f["fixable"] == "unsafe"
        (edit,) = f["fix"]["edits"]
        assert edit["content"] == f"https://web.archive.org/web/20240101000000/{f['url']}"
    assert any(q.startswith("/wayback/available?url=") for _, q, _ in servers["archive"].requests)


def test_bounded_memory(report):
    _, peak_kib, _ = report
    if peak_kib is not None:  # ru_maxrss of children: the largest child so far
        assert peak_kib < 300 * 1024, f"peak RSS {peak_kib} KiB"


def test_user_agent_is_honest_and_no_cookies(report, servers):
    agents = {h.get("User-Agent") for _, _, h in servers["news"].requests}
    assert len(agents) == 1
    ua = agents.pop()
    assert ua.startswith("citelint/") and "+https://github.com/citelint/citelint" in ua
    assert not any("Cookie" in h for _, _, h in servers["news"].requests)


def test_unsafe_fix_swaps_dead_links_for_snapshots(servers, tmp_path):
    n = servers["news"]
    src = f"Figures: [gone]({n.url('/2024/05/gone')}) and [fine]({n.url('/2024/05/statement')}).\n"
    story = tmp_path / "story.md"
    story.write_text(src, encoding="utf-8")
    common = ["--online", "--allow-host", n.hostport, "--no-cache", "--isolated", "--link-timeout", "2",
              "--archive-endpoint", servers["archive"].url("/wayback/available")]
    proc = run_cli(["check", "story.md", "--fix", *common], tmp_path)
    assert story.read_text(encoding="utf-8") == src  # an unsafe fix needs --unsafe-fixes
    assert "NET001" in proc.stdout
    proc = run_cli(["check", "story.md", "--fix", "--unsafe-fixes", *common], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    snap = f"https://web.archive.org/web/20240101000000/{n.url('/2024/05/gone')}"
    assert story.read_text(encoding="utf-8") == src.replace(n.url("/2024/05/gone"), snap)
    assert "NET001" not in proc.stdout


def test_archive_off_and_text_output(servers, tmp_path):
    n = servers["news"]
    (tmp_path / "a.txt").write_text(f"See {n.url('/2024/05/gone')} today.\n", encoding="utf-8")
    proc = run_cli(["check", "a.txt", "--online", "--allow-host", n.hostport, "--no-cache", "--isolated",
                    "--archive-endpoint", "off"], tmp_path)
    assert proc.returncode == 1
    assert "a.txt:1:5: NET001 dead link: HTTP 404 Not Found" in proc.stdout
    assert "archived copy" not in proc.stdout


def test_stdin_is_checked_online(servers, tmp_path):
    n = servers["news"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "citelint", "check", "-", "--stdin-filename", "s.md", "--online",
                           "--allow-host", n.hostport, "--no-cache", "--isolated", "--archive-endpoint", "off"],
                          input=f"[x]({n.url('/2024/05/removed')})\n", capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)
    assert proc.returncode == 1
    assert "s.md:1:5: NET001 dead link: HTTP 410 Gone" in proc.stdout


def test_bad_online_options_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("See http://127.0.0.1:9/x\n", encoding="utf-8")
    proc = run_cli(["check", "b.txt", "--online", "--isolated", "--archive-endpoint", "ftp://x/"], tmp_path)
    assert proc.returncode == 2 and "archive-endpoint" in proc.stderr and "Traceback" not in proc.stderr
    for bad in (["--allow-host", "http://x/"], ["--online-timeout", "0"], ["--link-timeout", "soon"]):
        proc = run_cli(["check", "a.txt", "--online", "--isolated", *bad], tmp_path)
        assert proc.returncode == 2
        assert proc.stderr.startswith("citelint: error:") and "Traceback" not in proc.stderr


def test_offline_fix_and_archive_swap_are_one_write(servers, tmp_path, monkeypatch, capsys):
    """One pipeline: the archive swap goes through the same fix loop as the
    offline fixes, so the draft is written exactly once, and the log has both."""
    import citelint.runner
    from citelint.cli import main
    n = servers["news"]
    gone = n.url("/2024/05/gone")
    story = tmp_path / "story.md"
    story.write_text(f"Prices rose :contentReference[oaicite:0]{{index=0}}. See [gone]({gone}).\n", encoding="utf-8")
    writes = []
    real = citelint.runner.write_source
    monkeypatch.setattr(citelint.runner, "write_source", lambda sf, text: (writes.append(text), real(sf, text)))
    code = main(["check", str(story), "--fix", "--unsafe-fixes", "--format", "json", "--online",
                 "--allow-host", n.hostport, "--no-cache", "--isolated", "--link-timeout", "2",
                 "--archive-endpoint", servers["archive"].url("/wayback/available")])
    body = json.loads(capsys.readouterr().out)
    snap = f"https://web.archive.org/web/20240101000000/{gone}"
    assert code == 0 and len(writes) == 1
    assert story.read_text(encoding="utf-8") == f"Prices rose. See [gone]({snap}).\n"
    applied = {a["code"]: a for a in body["applied_fixes"]}
    assert set(applied) == {"AST001", "NET001"} and applied["NET001"]["removed"] == gone


def test_a_password_in_a_link_goes_nowhere_else(servers, tmp_path):
    """Credentials in a cited link are never sent to the archive endpoint,
    printed in a report, or written to the verdict cache."""
    n = servers["news"]
    gone = n.url("/2024/05/gone").replace("://", "://reporter:s3cret@")
    ok = n.url("/2024/05/statement").replace("://", "://reporter:s3cret@")
    (tmp_path / "story.md").write_text(f"See [gone]({gone}) and [fine]({ok}).\n", encoding="utf-8")
    servers["archive"].requests.clear()
    proc = run_cli(["check", "story.md", "--format", "json", "--online", "--allow-host", n.hostport, "--isolated",
                    "--link-timeout", "2", "--archive-endpoint", servers["archive"].url("/wayback/available")],
                   tmp_path, env_extra={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    body = json.loads(proc.stdout)
    assert [f["code"] for f in body["findings"]] == ["NET001"]
    assert "s3cret" not in proc.stdout and "s3cret" not in proc.stderr
    assert servers["archive"].requests and not any("s3cret" in q for _, q, _ in servers["archive"].requests)
    cached = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "xdg").rglob("*")
                     if p.is_file())
    assert "s3cret" not in cached
