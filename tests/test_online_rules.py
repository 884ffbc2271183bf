"""Every NET rule's documented examples and traps, run for real: news.example and
other.example are served from loopback and the drafts are checked with --online."""
from __future__ import annotations

import json

import pytest

from citelint.cli import main
from citelint.model import Safety
from citelint.online.rules import NET_RULES
from test_online_support import FILLER, Site, fake_archive, html_page, page, redirect, status

DAWN_STORY = html_page("Budget | Dawn", f"<p>{FILLER}</p><p>The minister called it &ldquo;a balanced "
                                        f"budget&rdquo; on Friday.</p>", site_name="Dawn")


@pytest.fixture(scope="module")
def sites():
    other = Site({"*": page(html_page("Welcome | Other", FILLER))})
    news = Site({
        "/": page(html_page("News front page", FILLER)),
        "/2024/05/budget-report": status(404),
        "/2024/05/live-report": page(html_page("Live report", FILLER)),
        "/2023/01/removed-story": redirect("/", 301),
        "/2023/01/old-slug": redirect("/2023/01/new-slug", 301),
        "/2023/01/new-slug": page(html_page("New slug", FILLER)),
        "/2022/sold-story": redirect(f"http://localhost:{other.port}/welcome"),
        "/paywalled": status(403, {"cf-mitigated": "challenge"}),
        "/2024/dawn-story": page(DAWN_STORY),
    })
    archive = Site({"/available": fake_archive()})
    yield {"news": news, "other": other, "archive": archive}
    for s in (news, other, archive):
        s.close()


def _to_loopback(text: str, s) -> str:
    return text.replace("https://news.example", f"http://{s['news'].hostport}").replace(
        "https://other.example", f"http://localhost:{s['other'].port}")


def _from_loopback(text: str, s) -> str:
    return text.replace(f"http://{s['news'].hostport}", "https://news.example").replace(
        f"http://localhost:{s['other'].port}", "https://other.example")


CASES = [(r(), i, e) for r in NET_RULES for i, e in enumerate(r.examples)]


@pytest.mark.parametrize("case", CASES, ids=[f"{r.code}-{'trap' if e.trap else 'example'}{i}" for r, i, e in CASES])
def test_online_example(case, sites, tmp_path, capsys):
    rule, _, ex = case
    ext = {"markdown": "md", "html": "html", "text": "txt"}[ex.format]
    draft = tmp_path / f"draft.{ext}"
    draft.write_text(_to_loopback(ex.text, sites), encoding="utf-8")
    common = ["--online", "--isolated", "--no-cache", "--link-timeout", "3",
              "--allow-host", sites["news"].hostport, "--allow-host", f"localhost:{sites['other'].port}",
              "--archive-endpoint", sites["archive"].url("/available"), "--format", "json"]
    main(["check", str(draft), *common])
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["code"] == rule.code]
    if ex.trap:
        assert not found, f"{rule.code} fired on a trap: {[f['message'] for f in found]}"
        return
    assert found, f"{rule.code} did not fire on its example"
    assert all(f["url"] for f in found)
    if ex.fixed is None:
        assert all(f["fix"] is None for f in found), "a report-only example must offer no fix"
        return
    unsafe = ["--unsafe-fixes"] if rule.fix_safety is Safety.UNSAFE else []
    main(["check", str(draft), "--fix", *unsafe, *common])
    out = json.loads(capsys.readouterr().out)
    assert _from_loopback(draft.read_text(encoding="utf-8"), sites) == ex.fixed
    assert not [f for f in out["findings"] if f["code"] == rule.code]


def test_every_net_rule_has_examples_and_traps():
    for r in NET_RULES:
        assert r.scope == "online" and r.summary and r.why and "--online" in r.why
        assert any(not e.trap for e in r.examples) and any(e.trap for e in r.examples), r.code
        if r.fix_safety is not None:
            assert any(e.fixed is not None for e in r.examples), r.code


def test_net_rules_find_nothing_offline(linter):
    for r in NET_RULES:
        for ex in r.examples:
            assert not [f for f in linter.lint_text(ex.text, ex.format) if f.code.startswith("NET")]
