"""`citelint serve`'s page in a real headless Chromium (Debian's, driven by
Selenium through Debian's chromedriver, as tests/test_report_browser.py does),
against the real command (uvicorn on a free loopback port, in a subprocess).

An editor's session: paste the seed draft, see its findings highlighted, apply
the safe fixes, apply one unsafe fix after its confirmation, then the rest,
undo, diff, copy the clean text and download it; open a UTF-16 file with CRLF
line endings and download it back the same way; verify the sources against a
loopback site; and a hostile draft that must stay inert.

Outside CI the tests are skipped when Chromium or the serve extra is absent;
in CI (CI=true) that is a failure.
"""
from __future__ import annotations

import codecs
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from serve_support import ROOT, CommandServer, need_serve
from test_online_support import FILLER, Site, html_page, page, status
from test_report_browser import CHROMIUM, CHROMEDRIVER, _need_browser

DATA = ROOT / "tests" / "data"
SEED = (DATA / "seed-draft.txt").read_text(encoding="utf-8")
EXPECTED = (DATA / "seed-draft.expected.txt").read_text(encoding="utf-8")
MARKER = ":contentReference[oaicite:0]{index=0}"


@pytest.fixture(scope="module")
def site():
    s = Site({"/": page(html_page("Front page", FILLER)), "/gone": status(404),
              "/story": page(html_page("Budget | Dawn", f"<p>{FILLER}</p>", site_name="Dawn"))})
    yield s
    s.close()


@pytest.fixture(scope="module")
def server(site, tmp_path_factory):
    need_serve()
    _need_browser()
    s = CommandServer("--isolated", "--allow-host", site.hostport, "--archive-endpoint", "off",
                      cwd=tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="citelint-chromium-")
    downloads = tempfile.mkdtemp(prefix="citelint-downloads-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    origin = server.url("")
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    driver.downloads = Path(downloads)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


def wait(b, script: str, *args, timeout: float = 15):
    """Until the page's `script` returns something true; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        got = b.execute_script(script, *args)
        if got:
            return got
        if time.monotonic() > deadline:
            shown = b.execute_script("return document.getElementById('status').textContent")
            raise AssertionError(f"timed out waiting for: {script}\nstatus: {shown}")
        time.sleep(0.05)


def open_page(b, server, width=1280, height=900):
    b.set_window_size(width, height)
    b.get(server.url("/"))
    wait(b, "return window.citelintPage && Object.keys(window.citelintPage.rules).length > 0")
    return b


def paste(b, text: str) -> None:
    """Through the real clipboard and Ctrl+V, as an editor pastes."""
    from selenium.webdriver.common.keys import Keys
    ok = b.execute_async_script(
        "navigator.clipboard.writeText(arguments[0]).then(() => arguments[1](true), e => arguments[1](String(e)))", text)
    assert ok is True, ok
    ta = b.find_element("id", "draft")
    ta.click()
    ta.send_keys(Keys.CONTROL, "a")
    ta.send_keys(Keys.CONTROL, "v")


def draft(b) -> str:
    return b.execute_script("return document.getElementById('draft').value")


def checked(b):
    """The findings shown once the page has checked the text in the box."""
    wait(b, "const s = window.citelintPage; return s.checked === s.text && !s.busy && "
            "document.getElementById('status').textContent !== 'Checking…'")
    return b.execute_script("return Array.from(document.querySelectorAll('#findings li')).map(li => li.dataset.code)")


def click(b, css: str) -> None:
    b.find_element("css selector", css).click()


def cli_fixed(tmp_path: Path, *args: str) -> str:
    import subprocess
    import sys
    f = tmp_path / "seed.txt"
    f.write_text(SEED, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "--fix", *args, str(f)],
                   capture_output=True, cwd=tmp_path, timeout=120)
    return f.read_text(encoding="utf-8")


def test_an_editors_session_with_the_seed_draft(browser, server, tmp_path):
    b = open_page(browser, server)
    paste(b, SEED)
    codes = checked(b)
    assert draft(b) == SEED
    assert sorted(codes) == sorted(["CHP002", "CHP002", "CHP009", "CHP006", "CHP006", "SOC005", "SOC002", "SOC002",
                                    "SOC004"])
    marks = b.execute_script("return Array.from(document.querySelectorAll('#backdrop mark')).map(m => m.textContent)")
    assert any("Pakistan Today +3 Geo News +3" in m for m in marks) and any("W. Dawn Page" in m for m in marks)
    assert b.execute_script("return document.getElementById('kind-auto').textContent") == "Auto (plain text)"
    # The rule's own documentation is inline, not a link.
    doc = b.execute_script("return document.querySelector('#findings li[data-code=CHP009] details').textContent")
    assert "Why it matters" in doc and "unsafe" in doc

    click(b, "#fix-safe")
    wait(b, "return !document.getElementById('draft').value.includes('+3')")
    checked(b)
    assert draft(b) == cli_fixed(tmp_path)

    # One unsafe fix: its own button, a confirmation listing it, then only it is applied.
    click(b, "#findings li[data-code=CHP009] button.fix")
    wait(b, "return document.getElementById('confirm').open")
    listed = b.execute_script("return Array.from(document.querySelectorAll('#confirm-list li .code')).map(e => e.textContent)")
    assert listed == ["CHP009"]
    click(b, "#confirm-apply")
    wait(b, "return !document.getElementById('draft').value.includes('W. Dawn Page')")
    remaining = checked(b)
    assert "CHP009" not in remaining and "CHP006" in remaining and "[Geo News]" in draft(b)
    after_one = draft(b)

    # The rest of the unsafe fixes, after a confirmation listing each.
    click(b, "#fix-unsafe")
    wait(b, "return document.getElementById('confirm').open")
    listed = b.execute_script("return Array.from(document.querySelectorAll('#confirm-list li .code')).map(e => e.textContent)")
    assert sorted(listed) == ["CHP006", "CHP006", "SOC005"]
    click(b, "#confirm-apply")
    wait(b, "return document.getElementById('draft').value === arguments[0]", EXPECTED)
    assert checked(b) == []

    click(b, "#undo")
    wait(b, "return document.getElementById('draft').value === arguments[0]", after_one)
    click(b, "#fix-unsafe")
    wait(b, "return document.getElementById('confirm').open")
    click(b, "#confirm-apply")
    wait(b, "return document.getElementById('draft').value === arguments[0]", EXPECTED)
    checked(b)

    click(b, "#show-diff")
    wait(b, "return document.getElementById('diff').open")
    diff = b.execute_script("return Array.from(document.querySelectorAll('#diff-text .del')).map(e => e.textContent)")
    assert any("Pakistan Today +3" in line for line in diff)
    click(b, "#diff-close")

    click(b, "#copy")
    wait(b, "return document.getElementById('status').textContent.startsWith('Copied')")
    copied = b.execute_async_script("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERR ' + e))")
    assert copied == EXPECTED

    click(b, "#download")
    target = b.downloads / "draft.txt"
    wait(b, "return document.getElementById('status').textContent.startsWith('Downloaded')")
    deadline = time.monotonic() + 10
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert target.read_bytes() == EXPECTED.encode("utf-8")


def test_a_utf16_crlf_file_comes_back_the_same_way(browser, server, tmp_path):
    b = open_page(browser, server)
    text = f"# Port talks\r\n\r\nTalks failed {MARKER} on Friday.\r\nThe port \u2013 \u201cclosed\u201d.\r\n"
    f = tmp_path / "port-story.md"
    f.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    b.find_element("id", "file").send_keys(str(f))
    wait(b, "return window.citelintPage.file.name === 'port-story.md'")
    assert checked(b) == ["AST001"]
    meta = b.execute_script("return document.getElementById('draft-meta').textContent")
    assert "utf-16-le with BOM" in meta and "CRLF" in meta
    assert b.execute_script("return window.citelintPage.guessed") == "markdown"
    click(b, "#fix-safe")
    wait(b, "return !document.getElementById('draft').value.includes('oaicite')")
    click(b, "#download")
    target = b.downloads / "port-story.md"
    deadline = time.monotonic() + 10
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    want = text.replace(f" {MARKER}", "")
    assert target.read_bytes() == codecs.BOM_UTF16_LE + want.encode("utf-16-le")


def test_verify_sources_shows_each_link_beside_its_sentence(browser, server, site):
    b = open_page(browser, server)
    text = (f"Officials confirmed the figures ([report]({site.url('/gone')})).\n\n"
            f"Prices rose again, [Reuters]({site.url('/story')}) reported.\n")
    paste(b, text)
    checked(b)
    click(b, "#verify")
    wait(b, "return document.getElementById('verify-status').textContent.startsWith('Verified')")
    items = b.execute_script("return Array.from(document.querySelectorAll('#sources li')).map(li => li.innerText)")
    dead = next(i for i in items if site.url("/gone") in i)
    assert "Dead link (404)" in dead and "Officials confirmed the figures" in dead and "NET001" in dead
    mismatch = next(i for i in items if site.url("/story") in i)
    assert "NET006" in mismatch and "Prices rose again" in mismatch
    # The online findings join the list and the highlights while the text is unchanged.
    assert {"NET001", "NET006"} <= set(checked(b))
    outlets = b.execute_script("return Array.from(document.querySelectorAll('#outlets li')).map(li => li.dataset.outlet)")
    assert "gb.reuters" in outlets


def test_a_hostile_draft_stays_inert(browser, server, tmp_path):
    b = open_page(browser, server)
    hostile = ("<script>window.__pwned = 1; document.title = 'pwned';</script>\n"
               f"Prices rose {MARKER} \"><img src=x onerror=\"window.__pwned=2\"> and "
               "<svg onload=window.__pwned=3> fell.[web:3] \u202eevil\u202c \u2066x\u2069\n"
               "`<b onmouseover=window.__pwned=4>` [cite: 4] <iframe src=\"javascript:window.__pwned=5\"></iframe>\n"
               "<think><img src=x onerror=\"window.__pwned=7\"> plan</think>\n")
    paste(b, hostile)
    codes = checked(b)
    assert {"AST001", "AST014", "AST011"} <= set(codes)
    for kind in ("markdown", "html", "text"):
        b.execute_script("const k = document.getElementById('kind'); k.value = arguments[0];"
                         "k.dispatchEvent(new Event('change'));", kind)
        checked(b)
    click(b, "#findings li button.show")
    for d in b.find_elements("css selector", "#findings details"):
        d.click()
    assert b.execute_script("return typeof window.__pwned") == "undefined"
    assert b.title == "citelint"
    assert b.execute_script("return document.scripts.length") == 1
    assert b.execute_script("return document.querySelectorAll('img, svg, iframe, object, embed, b').length") == 0
    assert draft(b) == hostile
    shown = b.execute_script("return document.getElementById('findings').innerText")
    assert '<img src=x onerror="window.__pwned=7">' in shown  # the fix's preview quotes it, as text
    backdrop = b.execute_script("return document.getElementById('backdrop').textContent")
    assert "<script>window.__pwned = 1;" in backdrop and "\u202eevil" in backdrop
    # A hostile file name is text too.
    name = tmp_path / "<img src=x onerror=window.__pwned=6>.txt"
    name.write_text(f"A marker {MARKER} here.\n", encoding="utf-8")
    b.find_element("id", "file").send_keys(str(name))
    wait(b, "return (window.citelintPage.file.name || '').startsWith('<img')")
    checked(b)
    assert b.execute_script("return typeof window.__pwned") == "undefined"
    assert "<img src=x onerror=window.__pwned=6>.txt" in b.execute_script(
        "return document.getElementById('draft-meta').textContent")
    assert b.execute_script("return document.querySelectorAll('img').length") == 0
    logs = [e for e in b.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == []  # nothing refused by the CSP, no script errors


def test_typing_ignoring_and_the_settings(browser, server):
    from selenium.webdriver.common.keys import Keys
    b = open_page(browser, server)
    paste(b, f"Talks failed {MARKER} on Friday.\n")
    assert checked(b) == ["AST001"]
    ta = b.find_element("id", "draft")
    ta.send_keys(Keys.CONTROL, Keys.END)
    ta.send_keys("Prices rose [cite: 4].")  # checked once typing pauses
    wait(b, "return Array.from(document.querySelectorAll('#findings li')).some(li => li.dataset.code === 'AST011')")
    assert sorted(checked(b)) == ["AST001", "AST011"]
    click(b, "#findings li[data-code=AST001] button.ignore")
    assert checked(b) == ["AST011"]
    assert b.execute_script("return document.querySelectorAll('#backdrop mark').length") == 1
    assert "1 ignored" in b.execute_script("return document.getElementById('ignored-note').innerText")
    click(b, "#fix-safe")  # an ignored finding is not fixed
    wait(b, "return !document.getElementById('draft').value.includes('[cite')")
    assert MARKER in draft(b)
    click(b, "#restore-ignored")
    assert checked(b) == ["AST001"]
    settings = b.execute_script("return document.getElementById('settings-source').textContent + "
                                "document.getElementById('settings').textContent")
    assert "Defaults (no configuration file)" in settings and "unsafe-fixes = false" in settings


def test_a_file_dropped_on_the_text(browser, server):
    b = open_page(browser, server)
    b.execute_script(
        "const dt = new DataTransfer();"
        "dt.items.add(new File([arguments[0]], 'dropped.md', {type: 'text/markdown'}));"
        "document.getElementById('editor').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true,"
        " cancelable: true}));", f"# Talks\n\nThey failed {MARKER}.\n")
    wait(b, "return window.citelintPage.file.name === 'dropped.md'")
    assert checked(b) == ["AST001"] and draft(b) == f"# Talks\n\nThey failed {MARKER}.\n"
    assert b.execute_script("return window.citelintPage.guessed") == "markdown"


def test_offsets_past_emoji_and_flags(browser, server):
    """The server counts code points, JavaScript UTF-16 units: an emoji before a
    finding must not shift its highlight or its fix."""
    b = open_page(browser, server)
    text = f"\U0001F1F5\U0001F1F0 Talks \U0001F600 failed {MARKER} on Friday \U0001F44D [cite: 4].\n"
    paste(b, text)
    assert sorted(checked(b)) == ["AST001", "AST011"]
    marks = b.execute_script("return Array.from(document.querySelectorAll('#backdrop mark')).map(m => m.textContent)")
    assert sorted(m.strip() for m in marks) == sorted([MARKER, "[cite: 4]"])
    click(b, "#findings li[data-code=AST011] button.show")
    assert b.execute_script("const t = document.getElementById('draft');"
                            " return t.value.slice(t.selectionStart, t.selectionEnd)").strip() == "[cite: 4]"
    click(b, "#fix-safe")
    wait(b, "return document.getElementById('draft').value === arguments[0]",
         "\U0001F1F5\U0001F1F0 Talks \U0001F600 failed on Friday \U0001F44D.\n")


def test_phone_width_and_keyboard(browser, server):
    from selenium.webdriver.common.keys import Keys
    b = open_page(browser, server, width=390, height=844)
    paste(b, f"Talks failed {MARKER} on Friday.\n")
    assert checked(b) == ["AST001"]
    assert b.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert b.execute_script("return document.getElementById('findings').getBoundingClientRect().width > 300")
    # Keyboard only: Tab reaches the finding's buttons; Enter on "Show in text" selects it in the box.
    show = b.find_element("css selector", "#findings li button.show")
    b.execute_script("arguments[0].focus()", show)
    show.send_keys(Keys.ENTER)
    sel = b.execute_script("const t = document.getElementById('draft'); return [document.activeElement.id,"
                           " t.value.slice(t.selectionStart, t.selectionEnd)]")
    assert sel == ["draft", " " + MARKER]
    fix = b.find_element("css selector", "#findings li button.fix")
    assert fix.get_attribute("aria-label").startswith("Apply the fix for AST001")
    fix.send_keys(Keys.ENTER)
    wait(b, "return document.getElementById('draft').value === 'Talks failed on Friday.\\n'")
    assert b.execute_script("return document.getElementById('status').getAttribute('role')") == "status"
