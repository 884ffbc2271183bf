"""The verdict cache: settled answers are reused for a day, errors never are, and
--no-cache bypasses it; plus the progress line."""
from __future__ import annotations

import io
import json
import time

from citelint.cli import main
from citelint.online.cache import VerdictCache, cache_dir
from citelint.online.cli import LinkProgress
from citelint.online.verdicts import Verdict
from test_online_support import FILLER, Site, html_page, page, status


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "citelint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "citelint"


def test_only_settled_verdicts_are_kept(tmp_path):
    c = VerdictCache(tmp_path / "v.json")
    c.put("https://a/ok", Verdict("ok", "https://a/ok", "HTTP 200", 200), None, False)
    c.put("https://a/404", Verdict("dead", "https://a/404", "HTTP 404", 404), None, False)
    c.put("https://a/dns", Verdict("dead", "https://a/dns", "no such name"), None, False)
    c.put("https://a/503", Verdict("unverified", "https://a/503", "HTTP 503", 503), None, False)
    c.put("https://a/blk", Verdict("blocked", "https://a/blk", "private"), None, False)
    c.save()
    again = VerdictCache(tmp_path / "v.json")
    assert again.get("https://a/ok", False)[0].kind == "ok"
    assert again.get("https://a/404", False)[0].status == 404
    for url in ("https://a/dns", "https://a/503", "https://a/blk"):
        assert again.get(url, False) is None
    assert again.get("https://a/ok", True) is None  # admitted by --allow-host then, not now
    expired = VerdictCache(tmp_path / "v.json", ttl=0.0)
    time.sleep(0.01)
    assert expired.get("https://a/ok", False) is None


def test_a_broken_cache_file_is_ignored(tmp_path):
    (tmp_path / "v.json").write_text("{not json", encoding="utf-8")
    assert VerdictCache(tmp_path / "v.json").get("https://a/", False) is None
    (tmp_path / "v.json").write_text(json.dumps({"version": 1, "entries": {"https://a/": {"at": "x"}}}))
    assert VerdictCache(tmp_path / "v.json").get("https://a/", False) is None


def test_second_run_uses_the_cache_and_no_cache_bypasses_it(tmp_path, monkeypatch, capsys):
    site = Site({"/ok": page(html_page("Fine", FILLER)), "/gone": status(404), "/busy": status(503)})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    draft = tmp_path / "d.md"
    draft.write_text(f"[a]({site.url('/ok')}) [b]({site.url('/gone')}) [c]({site.url('/busy')})\n")
    args = ["check", str(draft), "--online", "--isolated", "--allow-host", site.hostport, "--archive-endpoint",
            "off", "--format", "json", "--link-timeout", "1"]
    try:
        def paths():
            return sorted(p for _, p, _ in site.requests)

        main(args)
        first = json.loads(capsys.readouterr().out)
        assert paths().count("/ok") == 1 and paths().count("/gone") == 1 and paths().count("/busy") >= 1
        site.requests.clear()
        main(args)
        second = json.loads(capsys.readouterr().out)
        assert "/ok" not in paths() and "/gone" not in paths() and "/busy" in paths()
        assert [f["code"] for f in first["findings"]] == [f["code"] for f in second["findings"]]
        site.requests.clear()
        main(args + ["--no-cache"])
        capsys.readouterr()
        assert "/ok" in paths() and "/gone" in paths()
    finally:
        site.close()


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_only_on_a_terminal():
    plain = io.StringIO()
    p = LinkProgress(plain)
    p(1, 2), p(2, 2), p.close()
    assert plain.getvalue() == ""
    tty = _Tty()
    p = LinkProgress(tty)
    p(1, 2), p(2, 2), p.close()
    assert "checking links: 2/2" in tty.getvalue() and tty.getvalue().endswith("\r\033[K")
