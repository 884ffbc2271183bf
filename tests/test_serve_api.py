"""`citelint serve`'s JSON API over real HTTP: uvicorn on a loopback port (in a
thread, or the real command in a subprocess), real drafts, real loopback web
servers for "Verify sources". Every endpoint; bad input answered with a 4xx
and a one-line JSON error, never a 500 or a traceback; the token, the body
limit, the Host check, CORS off, and the page's Content-Security-Policy."""
from __future__ import annotations

import codecs
import os
import json
import re
import socket

import pytest

from serve_support import ROOT, CommandServer, ThreadServer, need_serve
from test_online_support import FILLER, Site, html_page, page, status

requests = pytest.importorskip("requests")

DATA = ROOT / "tests" / "data"
SEED = (DATA / "seed-draft.txt").read_text(encoding="utf-8")
EXPECTED = (DATA / "seed-draft.expected.txt").read_text(encoding="utf-8")
MARKER = ":contentReference[oaicite:0]{index=0}"


@pytest.fixture(scope="module")
def server():
    need_serve()
    s = ThreadServer()
    yield s
    s.close()


def post(server, path, body, **kw):
    return requests.post(server.url(path), json=body, timeout=30, **kw)


def cli_json(tmp_path, text: str, *args: str, name: str = "draft.txt") -> dict:
    """The real CLI's --format json report for `text` (and the file after it ran)."""
    import subprocess
    import sys
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "--format", "json",
                          *args, str(f)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    report = json.loads(out.stdout) if out.stdout.strip() else {}
    report["_text"] = f.read_text(encoding="utf-8")
    return report


def _without_path(findings):
    return [{k: v for k, v in f.items() if k != "path"} for f in findings]


# -- check ----------------------------------------------------------------------------

def test_check_gives_the_clis_finding_objects(server, tmp_path):
    got = post(server, "/api/check", {"text": SEED, "path": "seed.txt"})
    assert got.status_code == 200
    body = got.json()
    assert body["kind"] == "text"
    cli = cli_json(tmp_path, SEED)
    assert _without_path(body["findings"]) == _without_path(cli["findings"])
    assert {f["path"] for f in body["findings"]} == {"seed.txt"}


def test_check_kind_from_path_else_from_the_text(server):
    md = "# Port reopens\n\nShips [berth](https://example.org/a) again " + MARKER + ".\n"
    html = "<p>Ships berth again " + MARKER + ".</p>\n<p>More.</p>\n"
    assert post(server, "/api/check", {"text": md}).json()["kind"] == "markdown"
    assert post(server, "/api/check", {"text": html}).json()["kind"] == "html"
    assert post(server, "/api/check", {"text": "Ships berth again."}).json()["kind"] == "text"
    assert post(server, "/api/check", {"text": md, "path": "story.txt"}).json()["kind"] == "text"
    assert post(server, "/api/check", {"text": md, "kind": "html"}).json()["kind"] == "html"
    # The kind changes what is read: a code span is never a finding in Markdown.
    code = "Use `" + MARKER + "` to see it.\n"
    assert post(server, "/api/check", {"text": code, "kind": "markdown"}).json()["findings"] == []
    assert post(server, "/api/check", {"text": code, "kind": "text"}).json()["findings"]


def test_check_select_and_ignore(server):
    codes = {f["code"] for f in post(server, "/api/check", {"text": SEED}).json()["findings"]}
    assert {"CHP002", "SOC005"} <= codes
    only = post(server, "/api/check", {"text": SEED, "select": ["SOC"]}).json()["findings"]
    assert {f["code"][:3] for f in only} == {"SOC"}
    rest = post(server, "/api/check", {"text": SEED, "ignore": ["chp"]}).json()["findings"]
    assert rest and not any(f["code"].startswith("CHP") for f in rest)


# -- fix ------------------------------------------------------------------------------

def test_fix_safe_and_unsafe_match_the_cli(server, tmp_path):
    safe = post(server, "/api/fix", {"text": SEED, "unsafe": False}).json()
    cli = cli_json(tmp_path, SEED, "--fix")
    assert safe["text"] == cli["_text"]
    assert [a["code"] for a in safe["applied"]] == ["CHP002", "CHP002"]
    assert _without_path(safe["remaining"]) == _without_path(cli["findings"])
    full = post(server, "/api/fix", {"text": SEED, "unsafe": True}).json()
    assert full["text"] == EXPECTED and full["converged"] and full["refused"] == []
    assert all(a["removed"] for a in full["applied"])


def test_fix_keeps_the_source_and_logs_it(server):
    text = "Costs rose [oai_citation:3\u2021The Hindu](https://www.thehindu.com/x?utm_source=chatgpt.com).\n"
    got = post(server, "/api/fix", {"text": text, "kind": "markdown"}).json()
    assert got["text"] == "Costs rose [The Hindu](https://www.thehindu.com/x).\n"
    assert any(a["url"] and "thehindu.com/x" in a["url"] for a in got["applied"])


def test_fix_only_some_rules(server):
    got = post(server, "/api/fix", {"text": SEED, "unsafe": True, "only": ["CHP006"]}).json()
    assert "[Geo News]" not in got["text"] and "W. Dawn Page" in got["text"]
    assert {a["code"] for a in got["applied"]} == {"CHP006"}
    assert {"CHP002", "CHP009"} <= {f["code"] for f in got["remaining"]}


def test_fix_one_chosen_finding(server):
    found = post(server, "/api/check", {"text": SEED}).json()["findings"]
    crumb = next(f for f in found if f["code"] == "CHP009")
    ref = {"code": "CHP009", "start_offset": crumb["start_offset"]}
    refused = post(server, "/api/fix", {"text": SEED, "findings": [ref]})
    assert refused.status_code == 400 and "unsafe" in refused.json()["error"]
    got = post(server, "/api/fix", {"text": SEED, "findings": [ref], "unsafe": True}).json()
    assert [a["code"] for a in got["applied"]] == ["CHP009"]
    assert got["text"] == SEED.replace(" W. Dawn Page", "", 1)
    # The same finding is not in the fixed text: 409, check again.
    stale = post(server, "/api/fix", {"text": got["text"], "findings": [ref], "unsafe": True})
    assert stale.status_code == 409 and "check it again" in stale.json()["error"]
    handle = next(f for f in found if f["code"] == "SOC002")
    nofix = post(server, "/api/fix", {"text": SEED, "findings": [{"code": "SOC002",
                                                                  "start_offset": handle["start_offset"]}]})
    assert nofix.status_code == 400 and "no fix" in nofix.json()["error"]


# -- credits, diff, decode and encode ---------------------------------------------------

def test_credits_list_the_outlets_a_draft_names_or_links(server):
    text = ("According to Dawn, prices rose ([report](https://www.dawn.com/news/1)). Reuters said so too.\n\n"
            "At dawn today the port opened. See [the figures](https://www.geo.tv/latest/2).\n")
    got = post(server, "/api/credits", {"text": text}).json()
    by = {o["name"]: o for o in got["outlets"]}
    assert list(by) == ["Dawn", "Reuters", "Geo News"]
    assert [m["text"] for m in by["Dawn"]["mentions"]] == ["Dawn"]  # "At dawn today" is not Dawn
    assert by["Dawn"]["mentions"][0]["linked"] and by["Dawn"]["credited_with_link"]
    assert "dawn.com" in by["Dawn"]["domains"]
    assert not by["Reuters"]["credited_with_link"] and by["Reuters"]["mentions"][0]["url"] is None
    assert by["Geo News"]["mentions"] == [] and by["Geo News"]["links"][0]["url"] == "https://www.geo.tv/latest/2"
    m = by["Dawn"]["mentions"][0]
    assert text[m["start_offset"]:m["end_offset"]] == "Dawn"


def test_diff_against_the_pasted_draft(server):
    got = post(server, "/api/diff", {"original": SEED, "text": EXPECTED, "path": "seed.txt"}).json()["diff"]
    assert got.startswith("--- a/seed.txt (as pasted)\n+++ b/seed.txt\n")
    assert "-Pakistan wants concrete" in got and "+Pakistan wants concrete" in got
    assert post(server, "/api/diff", {"original": "same\n", "text": "same\n"}).json() == {"diff": ""}


@pytest.mark.parametrize("encoding,bom,newline", [("utf-8", False, "lf"), ("utf-8", True, "crlf"),
                                                  ("utf-16-le", True, "crlf"), ("utf-16-be", True, "cr")])
def test_decode_and_encode_give_back_the_same_bytes(server, encoding, bom, newline):
    nl = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}[newline]
    text = f"Kabul\u2019s talks {MARKER} failed.{nl}Second line \u2013 \u201cquoted\u201d.{nl}"
    mark = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
    data = (mark if bom else b"") + text.encode(encoding)
    got = requests.post(server.url("/api/decode?name=story.txt"), data=data,
                        headers={"Content-Type": "application/octet-stream"}, timeout=10).json()
    assert got["text"] == text.replace(nl, "\n") and got["newline"] == newline and got["bom"] == bom
    assert got["kind"] == "text" and not got["mixed_newlines"]
    back = post(server, "/api/encode", {k: got[k] for k in ("text", "encoding", "bom", "newline")})
    assert back.status_code == 200 and back.content == data
    fixed = post(server, "/api/fix", {"text": got["text"], "path": "story.txt"}).json()["text"]
    out = post(server, "/api/encode", {"text": fixed, "encoding": got["encoding"], "bom": bom, "newline": newline})
    assert out.content == (mark if bom else b"") + text.replace(f" {MARKER}", "").encode(encoding)


def test_decode_refuses_what_is_not_text(server):
    latin = "Caf\u00e9 \u2013 news".encode("cp1252")
    bad = requests.post(server.url("/api/decode?name=old.txt"), data=latin,
                        headers={"Content-Type": "application/octet-stream"}, timeout=10)
    assert bad.status_code == 422 and "old.txt: not valid utf-8" in bad.json()["error"]
    good = requests.post(server.url("/api/decode?name=old.txt&encoding=cp1252"), data=latin,
                         headers={"Content-Type": "application/octet-stream"}, timeout=10).json()
    assert good["text"] == "Caf\u00e9 \u2013 news" and good["encoding"] == "cp1252"
    png = requests.post(server.url("/api/decode?name=x.png"), data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                        headers={"Content-Type": "application/octet-stream"}, timeout=10)
    assert png.status_code == 422 and "binary" in png.json()["error"]
    wide = post(server, "/api/encode", {"text": "Kabul \u2019", "encoding": "latin-1"})
    assert wide.status_code == 422 and "latin-1" in wide.json()["error"]


# -- rules, outlets, settings, schema -------------------------------------------------------

def test_rules_and_one_rule(server):
    rules = requests.get(server.url("/api/rules"), timeout=10).json()["rules"]
    by = {r["code"]: r for r in rules}
    assert by["AST001"]["summary"] and by["AST001"]["why"] and by["AST001"]["fix"] == "safe" and by["AST001"]["enabled"]
    one = requests.get(server.url("/api/rules/ast001"), timeout=10).json()
    assert one["code"] == "AST001" and one["markdown"].startswith("# oaicite-marker (AST001)")
    assert requests.get(server.url("/api/rules/oaicite-marker"), timeout=10).json()["code"] == "AST001"
    missing = requests.get(server.url("/api/rules/XYZ999"), timeout=10)
    assert missing.status_code == 404 and "XYZ999" in missing.json()["error"]


def test_outlets_lookup(server):
    got = requests.get(server.url("/api/outlets"), params={"q": "PA Today"}, timeout=10).json()["outlets"]
    assert got and got[0]["name"] == "Pakistan Today"
    assert requests.get(server.url("/api/outlets"), params={"q": "@dawn_com"}, timeout=10).json()["outlets"][0]["id"] == "pk.dawn"
    assert requests.get(server.url("/api/outlets"), params={"q": "no such outlet zz"}, timeout=10).json() == {"outlets": []}
    assert requests.get(server.url("/api/outlets"), timeout=10).status_code == 400
    assert requests.get(server.url("/api/outlets"), params={"q": "x" * 201}, timeout=10).status_code == 400


def test_settings_come_from_the_servers_configuration(tmp_path):
    need_serve()
    (tmp_path / "citelint.toml").write_text('select = ["AST", "TRK"]\nignore = ["AST021"]\n', encoding="utf-8")
    s = ThreadServer(isolated=False, cwd=str(tmp_path))
    try:
        got = requests.get(s.url("/api/settings"), timeout=10).json()
        assert got["source"] == str(tmp_path / "citelint.toml") and got["select"] == ["AST", "TRK"]
        assert got["rules_in_force"] and all(c[:3] in ("AST", "TRK") for c in got["rules_in_force"])
        assert "AST021" not in got["rules_in_force"] and 'select = ["AST", "TRK"]' in got["toml"]
        found = post(s, "/api/check", {"text": SEED + "\n" + MARKER}).json()["findings"]
        assert [f["code"] for f in found] == ["AST001"]  # chips are not selected here
    finally:
        s.close()


def test_openapi_documents_every_endpoint(server):
    spec = requests.get(server.url("/openapi.json"), timeout=10).json()
    assert spec["openapi"].startswith("3.1")
    documented = {p for p in spec["paths"]}
    from citelint.serve.app import _routes
    served = {r.path for r in _routes(server.state) if r.path.startswith("/api/")}
    assert documented == served
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op["summary"] and "200" in op["responses"], path
    assert set(spec["components"]["schemas"]["Finding"]["properties"]) == set(
        post(server, "/api/check", {"text": MARKER}).json()["findings"][0])
    docs = requests.get(server.url("/docs"), timeout=10)
    assert docs.status_code == 200 and "/api/check" in docs.text and "<script" not in docs.text


# -- bad input ---------------------------------------------------------------------------------

def _one_line_error(r, status):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["error"] and body["error"] and "\n" not in body["error"]
    assert "Traceback" not in r.text and "internal error" not in body["error"]
    return body["error"]


BAD = [
    ("/api/check", b"not json", 400), ("/api/check", b"", 400), ("/api/check", b"[1, 2]", 400),
    ("/api/check", b'{"text": 5}', 400), ("/api/check", b'{"text": null}', 400), ("/api/check", b"{}", 400),
    ("/api/check", b'{"text": "x", "kind": "pdf"}', 400), ("/api/check", b'{"text": "x", "colour": 1}', 400),
    ("/api/check", b'{"text": "x", "select": "AST"}', 400), ("/api/check", b'{"text": "x", "select": ["ZZZ9"]}', 400),
    ("/api/check", b'{"text": "x", "ignore": [""]}', 400), ("/api/check", b'{"text": "\\ud800 lone"}', 400),
    ("/api/check", b'{"text": "x", "path": ["a"]}', 400), ("/api/check", b"\xff\xfe{", 400),
    ("/api/check", b"[" * 100_000 + b"]" * 100_000, 400),
    ("/api/fix", b'{"text": "x", "unsafe": "yes"}', 400), ("/api/fix", b'{"text": "x", "only": ["NOPE1"]}', 400),
    ("/api/fix", b'{"text": "x", "findings": [{"code": "AST001"}]}', 400),
    ("/api/fix", b'{"text": "x", "findings": [{"code": "AST001", "start_offset": true}]}', 400),
    ("/api/fix", b'{"text": "x", "findings": [{"code": "AST001", "start_offset": 0}]}', 409),
    ("/api/verify", b'{"text": "x", "stream": 1}', 400), ("/api/credits", b'{"text": 1.5}', 400),
    ("/api/diff", b'{"text": "x"}', 400), ("/api/encode", b'{"text": "x", "encoding": "klingon"}', 400),
    ("/api/encode", b'{"text": "x", "newline": "\\n"}', 400),
]


@pytest.mark.parametrize("path,body,code", BAD, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(BAD)])
def test_bad_input_is_a_4xx_with_one_line(server, path, body, code):
    r = requests.post(server.url(path), data=body, headers={"Content-Type": "application/json"}, timeout=30)
    _one_line_error(r, code)


def test_wrong_content_type_method_and_address(server):
    _one_line_error(requests.post(server.url("/api/check"), data=b'{"text": "x"}',
                                  headers={"Content-Type": "text/plain"}, timeout=10), 415)
    _one_line_error(requests.post(server.url("/api/decode?name=a.txt"), data=b"x",
                                  headers={"Content-Type": "application/json"}, timeout=10), 415)
    _one_line_error(requests.get(server.url("/api/check"), timeout=10), 405)
    _one_line_error(requests.get(server.url("/api/nothing"), timeout=10), 404)
    _one_line_error(requests.post(server.url("/api/decode?name=a%0a.txt"), data=b"x",
                                  headers={"Content-Type": "application/octet-stream"}, timeout=10), 400)


def test_a_bug_is_one_line_without_the_draft(server, capfd):
    """An unexpected exception: a 500 naming its type only, never the draft's text."""
    state = server.state
    real = state.linter

    class Broken:
        def lint_text(self, text, kind=None, path="-"):
            raise ValueError("SECRET-DRAFT-TEXT " + text)
    state.linter = Broken()
    try:
        r = post(server, "/api/check", {"text": "SECRET-DRAFT-TEXT in the body"})
    finally:
        state.linter = real
    assert r.status_code == 500 and r.json() == {
        "error": "internal error: ValueError; please report this (CITELINT_DEBUG=1 shows the traceback)"}
    assert "SECRET" not in capfd.readouterr().err


# -- limits ----------------------------------------------------------------------------------

def test_body_limit_is_a_clear_413():
    need_serve()
    s = ThreadServer(max_body=64 * 1024)
    try:
        big = json.dumps({"text": "x" * (70 * 1024)}).encode()
        msg = _one_line_error(requests.post(s.url("/api/check"), data=big,
                                            headers={"Content-Type": "application/json"}, timeout=10), 413)
        assert "64 KB" in msg and "--max-body" in msg

        def chunks():  # no Content-Length: the limit counts the bytes as they come
            for _ in range(10):
                yield b"x" * (10 * 1024)
        _one_line_error(requests.post(s.url("/api/check"), data=chunks(),
                                      headers={"Content-Type": "application/json"}, timeout=10), 413)
        ok = post(s, "/api/check", {"text": "x" * (60 * 1024)})
        assert ok.status_code == 200
    finally:
        s.close()


def test_default_limit_is_5_mb(server):
    body = b'{"text": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    _one_line_error(requests.post(server.url("/api/check"), data=body, headers={"Content-Type": "application/json"},
                                  timeout=30), 413)


# -- security -----------------------------------------------------------------------------------

def test_token_is_required_on_every_request():
    need_serve()
    token = "s3cret-token-for-tests"
    s = ThreadServer(token=token)
    try:
        for path in ("/", "/static/app.js", "/api/rules", "/openapi.json"):
            _one_line_error(requests.get(s.url(path), timeout=10), 401)
        _one_line_error(post(s, "/api/check", {"text": "x"}), 401)
        _one_line_error(post(s, "/api/check", {"text": "x"}, headers={"Authorization": "Bearer wrong-token-xx"}), 401)
        assert post(s, "/api/check", {"text": "x"}, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert post(s, "/api/check", {"text": "x"}, headers={"X-Citelint-Token": token}).status_code == 200
        # The page opened with ?token= swaps it for a same-site, script-proof cookie and drops it from the address.
        first = requests.get(s.url(f"/?token={token}"), allow_redirects=False, timeout=10)
        assert first.status_code == 303 and first.headers["location"] == "/"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        with requests.Session() as browser:
            page_ = browser.get(s.url(f"/?token={token}"), timeout=10)
            assert page_.status_code == 200 and "<textarea" in page_.text
            assert browser.post(s.url("/api/check"), json={"text": MARKER}, timeout=10).json()["findings"]
        _one_line_error(requests.get(s.url("/?token=wrong-token-xx"), allow_redirects=False, timeout=10), 401)
    finally:
        s.close()


def test_other_addresses_need_a_token(capsys):
    from citelint.cli import main
    assert main(["serve", "--host", "0.0.0.0", "--no-browser", "--isolated"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--token" in err and "0.0.0.0" in err
    assert main(["serve", "--token", "short", "--no-browser", "--isolated"]) == 2
    assert "at least 8" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2
    assert main(["serve", "--max-body", "lots"]) == 2


def test_a_bad_configuration_stops_the_start(tmp_path, capsys):
    need_serve()
    from citelint.cli import main
    bad = tmp_path / "citelint.toml"
    bad.write_text('select = ["NOPE9"]\n', encoding="utf-8")
    assert main(["serve", "--config", str(bad), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "NOPE9" in err and err.count("\n") == 1


def test_port_in_use_is_one_line(capsys):
    need_serve()
    from citelint.cli import main
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        assert main(["serve", "--port", str(taken.getsockname()[1]), "--no-browser", "--isolated"]) == 2
        assert "cannot listen" in capsys.readouterr().err
    finally:
        taken.close()


def test_host_header_must_name_this_machine(server):
    """A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) is refused."""
    _one_line_error(requests.get(server.url("/api/rules"), headers={"Host": "evil.example"}, timeout=10), 421)
    _one_line_error(requests.get(server.url("/api/rules"), headers={"Host": "127.evil.example"}, timeout=10), 421)
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "[::1]:8484", "localhost"):
        assert requests.get(server.url("/api/health"), headers={"Host": host}, timeout=10).status_code == 200


def test_cors_is_off_unless_asked(server):
    origin = {"Origin": "https://cms.example"}
    pre = requests.options(server.url("/api/check"), headers=dict(origin, **{
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}), timeout=10)
    assert "access-control-allow-origin" not in pre.headers and pre.status_code >= 400
    got = post(server, "/api/check", {"text": "x"}, headers=origin)
    assert got.status_code == 200 and "access-control-allow-origin" not in got.headers
    s = ThreadServer(cors_origins=["https://cms.example"], token="cors-token-1234")
    try:
        pre = requests.options(s.url("/api/check"), headers=dict(origin, **{
            "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}),
            timeout=10)
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "https://cms.example"
        got = post(s, "/api/check", {"text": "x"}, headers=dict(origin, Authorization="Bearer cors-token-1234"))
        assert got.headers["access-control-allow-origin"] == "https://cms.example"
        other = post(s, "/api/check", {"text": "x"}, headers={"Origin": "https://evil.example",
                                                            "Authorization": "Bearer cors-token-1234"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        s.close()


def test_page_csp_allows_only_its_own_script(server):
    r = requests.get(server.url("/"), timeout=10)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"\son\w+=", html) and " style=" not in html and "http://" not in html
    assert requests.get(server.url("/static/app.js"), timeout=10).headers["content-type"].startswith("text/javascript")
    js = requests.get(server.url("/static/app.js"), timeout=10).text
    assert "innerHTML" not in js and "eval(" not in js and "://" not in js  # no markup from data, nothing from elsewhere
    assert requests.get(server.url("/api/rules"), timeout=10).headers["cache-control"] == "no-store"


# -- verify sources ----------------------------------------------------------------------------

STORY = html_page("Budget | Dawn", f"<p>{FILLER}</p><p>The minister called it &ldquo;a balanced budget&rdquo;.</p>",
                  site_name="Dawn")


@pytest.fixture(scope="module")
def news():
    site = Site({"/": page(html_page("Front page", FILLER)), "/gone": status(404), "/story": page(STORY)})
    yield site
    site.close()


def _draft(site) -> str:
    return (f"Officials confirmed the figures ([report]({site.url('/gone')})).\n\n"
            f"Prices rose again, [Reuters]({site.url('/story')}) reported.\n\n"
            f"The minister called it \u201ca historic budget for everyone\u201d ([Dawn]({site.url('/story')})).\n")


def test_verify_finds_dead_links_mismatches_and_unfound_quotes(news, tmp_path, monkeypatch):
    need_serve()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    s = ThreadServer(allow_host=[news.hostport])
    try:
        text = _draft(news)
        got = post(s, "/api/verify", {"text": text, "kind": "markdown"}).json()
    finally:
        s.close()
    codes = {f["code"]: f for f in got["findings"]}
    assert set(codes) == {"NET001", "NET006", "NET007"}
    assert codes["NET001"]["url"] == news.url("/gone")
    links = {(lk["url"], lk["text"]): lk for lk in got["links"]}
    dead = links[(news.url("/gone"), "report")]
    assert dead["verdict"]["kind"] == "dead" and dead["verdict"]["status"] == 404
    assert text[dead["sentence"][0]:dead["sentence"][1]].startswith("Officials confirmed the figures")
    quote = links[(news.url("/story"), "Dawn")]
    assert "historic budget" in text[quote["sentence"][0]:quote["sentence"][1]]
    f7 = codes["NET007"]
    assert quote["sentence"][0] <= f7["start_offset"] < quote["sentence"][1]
    assert not (tmp_path / "cache").exists()  # no verdict cache: nothing from a draft is written


def test_verify_streams_progress_per_link(news):
    need_serve()
    s = ThreadServer(allow_host=[news.hostport])
    try:
        r = requests.post(s.url("/api/verify"), json={"text": _draft(news), "kind": "markdown", "stream": True},
                          stream=True, timeout=30)
        assert r.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in r.iter_lines() if line]
    finally:
        s.close()
    assert events[0]["event"] == "links" and events[0]["total"] == 2 and len(events[0]["links"]) == 3
    progress = [e["done"] for e in events if e["event"] == "progress"]
    assert progress == sorted(progress) and progress[-1] == 2
    assert events[-1]["event"] == "result" and {f["code"] for f in events[-1]["findings"]} == {"NET001", "NET006", "NET007"}
    # Each link's verdict arrives as it settles, before the result, and agrees with it.
    settled = {e["url"]: e["verdict"]["kind"] for e in events if e["event"] == "link"}
    final = {lk["url"]: lk["verdict"]["kind"] for lk in events[-1]["links"]}
    assert settled == final and len(settled) == 2 and "dead" in settled.values()


def test_verify_keeps_the_online_guard(news):
    """Without --allow-host a loopback link is refused, as `check --online` refuses it."""
    need_serve()
    s = ThreadServer()
    before = len(news.requests)
    try:
        text = f"See [the metadata](http://169.254.169.254/latest/) and [ours]({news.url('/story')}).\n"
        got = post(s, "/api/verify", {"text": text, "kind": "markdown"}).json()
    finally:
        s.close()
    assert [f["code"] for f in got["findings"]] == ["NET005", "NET005"]
    assert all(lk["verdict"]["kind"] == "blocked" for lk in got["links"])
    assert len(news.requests) == before  # nothing reached the loopback site


# -- the real command ----------------------------------------------------------------------------

def test_the_command_serves_and_never_logs_a_draft(tmp_path):
    need_serve()
    s = CommandServer("--isolated", cwd=tmp_path, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    try:
        secret = "Unpublished-scoop-7391 " + MARKER
        assert post(s, "/api/check", {"text": secret}).json()["findings"]
        assert post(s, "/api/fix", {"text": secret}).json()["text"] == "Unpublished-scoop-7391"
        assert post(s, "/api/check", {"text": secret, "select": ["BAD9"]}).status_code == 400
    finally:
        err = s.stop()
    assert "Unpublished-scoop" not in err
    # No draft, log or verdict cache on disk: only the rule files' parse cache, which holds no draft.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.suffix == ".marshal" and p.parent.name == "toml" for p in written), written
    assert not any(b"Unpublished-scoop" in p.read_bytes() for p in written)


def test_the_cms_example_applies_safe_fixes(server, tmp_path):
    import subprocess
    import sys
    draft = tmp_path / "seed.txt"
    draft.write_text(SEED, encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "cms_client.py"), str(draft),
                          "--server", server.url("")], capture_output=True, timeout=60)
    assert run.stdout.decode("utf-8") == cli_json(tmp_path, SEED, "--fix")["_text"]
    report = run.stderr.decode("utf-8")
    assert report.count("fixed   CHP002") == 2 and "left    CHP006" in report and "[an editor may apply its fix]" in report
    assert run.returncode == 1  # errors an editor must judge are left
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    down = subprocess.run([sys.executable, str(ROOT / "examples" / "cms_client.py"), str(draft),
                           "--server", f"http://127.0.0.1:{closed}"], capture_output=True, text=True, timeout=60)
    assert down.returncode == 2 and down.stderr.count("\n") == 1 and "cannot reach" in down.stderr


def test_the_readme_section_reaches_the_docs_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- --8<-- [start:serve] -->"), readme.index("<!-- --8<-- [end:serve] -->")
    section = readme[start:end]
    assert 'pip install "citelint-news[serve] @ git+' in section and "citelint serve" in section
    for path in ("/api/check", "/api/fix", "/api/verify", "/api/rules", "/api/outlets"):
        assert f"`POST {path}`" in section or f"`GET {path}" in section, path
    assert (ROOT / "docs" / "img" / "serve.png").is_file() and "](docs/img/serve.png)" in readme
    assert '--8<-- "README.md:serve"' in (ROOT / "docs" / "serve.md").read_text(encoding="utf-8")
    assert "serve.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_command_opens_the_browser_with_its_token(tmp_path):
    """$BROWSER stands in for the editor's browser: a script that notes the address it is given."""
    need_serve()
    import sys
    import time
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n", encoding="utf-8")
    token = "browser-token-5678"
    s = CommandServer("--isolated", "--token", token, cwd=tmp_path, browser=True,
                      env={"BROWSER": f"{sys.executable} {script} %s"})
    try:
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        url = opened.read_text(encoding="utf-8")
        assert url == s.url(f"/?token={token}")
        with requests.Session() as browser:
            assert "<textarea" in browser.get(url, timeout=10).text  # the token became a cookie
            assert browser.get(s.url("/api/health"), timeout=10).status_code == 200
    finally:
        err = s.stop()
    assert token not in err  # printed nowhere


def test_the_command_with_two_workers(tmp_path):
    need_serve()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = CommandServer("--isolated", "--workers", "2", cwd=tmp_path, port=port)
    try:
        for _ in range(6):
            assert post(s, "/api/fix", {"text": "Prices rose " + MARKER + "."}).json()["text"] == "Prices rose."
        assert _one_line_error(post(s, "/api/check", {"text": 1}), 400)
    finally:
        s.stop()


def test_other_commands_never_load_the_server(tmp_path):
    """The CLI stays light: `check` builds the parser with `serve` in it, and loads no server code."""
    import subprocess
    import sys
    code = ("import sys; from citelint.cli import main; main(['check', '--isolated', '--no-cache', sys.argv[1]]); "
            "bad = [m for m in ('starlette', 'uvicorn', 'anyio', 'citelint.serve.app', 'citelint.serve.launch') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    story = tmp_path / "story.txt"
    story.write_text("Plain words.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
