"""The editor's HTML report in a real headless Chromium (Debian's package,
driven by Selenium through Debian's chromedriver; nothing is downloaded).

Outside CI the test is skipped when Chromium is absent; in CI (CI=true) a
missing browser is a failure, since .ci/run installs it.
"""
import html
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from citelint.cli import main

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MARKER = ":contentReference[oaicite:0]{index=0}"
OFFER = "If you want, I can also create a shorter version. Do you want me to do that next?"
HOSTILE_NAME = "<img src=x onerror=window.__pwned=3>.txt"


def _need_browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        why = f"needs {', '.join(missing)} (apt-get install chromium chromium-driver; pip install '.[test]')"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the browser test must run in CI: {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="citelint-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report over drafts that include hostile markup, and the JSON twin of it."""
    root = tmp_path_factory.mktemp("newsroom")
    d = root / "drafts"
    d.mkdir()
    (d / "port.md").write_text(
        "# Port reopens\n\n"
        f"Dock workers ended the strike over pay {MARKER}.\n\n"
        "The operator said [cite: 4, 5] that ships would berth by Sunday citeturn0news12.\n\n"
        "Thanks to the [port authority](https://example.org/s?utm_source=chatgpt.com) for mediating.\n\n"
        f"{OFFER}\n", encoding="utf-8")
    (d / "hostile.txt").write_text(
        "<script>window.__pwned = 1; document.title = 'pwned';</script>\n"
        f"Prices rose {MARKER} <img src=x onerror=\"window.__pwned=2\"> and "
        "\"><svg onload=window.__pwned=4> fell.[web:3]\n", encoding="utf-8")
    (d / HOSTILE_NAME).write_text(f"A marker {MARKER} here.\n", encoding="utf-8")
    old = os.getcwd()
    os.chdir(root)
    try:
        assert main(["check", "drafts", "--no-cache", "--format", "html", "-o", "report.html"]) == 1
        main(["check", "drafts", "--no-cache", "--format", "json", "-o", "report.json"])
    finally:
        os.chdir(old)
    return root / "report.html", json.loads((root / "report.json").read_text(encoding="utf-8"))


def _open(browser, page: Path, width=1280, height=900):
    browser.set_window_size(width, height)
    browser.get(page.as_uri())
    return browser


def test_page_is_self_contained(report):
    page = report[0].read_text(encoding="utf-8")
    # Nothing is loaded; the only links off the page are to the rules' pages on the documentation site.
    for target in re.findall(r'href="(https?:[^"]*)"', page):
        assert target.startswith("https://citelint.github.io/citelint/rules/"), target
    assert "<link" not in page and " src=" not in page.replace(" src=x", "")
    assert "Content-Security-Policy" in page and "default-src 'none'" in html.unescape(page)


def test_drafts_cannot_run_script(browser, report):
    page, _ = report
    b = _open(browser, page)
    assert b.execute_script("return typeof window.__pwned") == "undefined"
    assert b.title.startswith("citelint report")
    assert b.execute_script("return document.scripts.length") == 1
    assert b.execute_script("return document.querySelectorAll('img, svg, iframe, object').length") == 0
    text = b.execute_script("return document.body.innerText")
    assert "<script>window.__pwned = 1;" in text and HOSTILE_NAME in text and "<svg onload=" in text


def test_every_finding_is_highlighted_in_place(browser, report):
    page, data = report
    b = _open(browser, page)
    marks = b.execute_script(
        "return Array.from(document.querySelectorAll('mark.hl')).map(m => [m.id, m.textContent,"
        " m.tabIndex, m.getAttribute('aria-describedby'),"
        " !!document.getElementById(m.getAttribute('aria-describedby'))])")
    sources = {}
    for f in data["findings"]:
        sources.setdefault(f["path"], Path(page.parent, f["path"]).read_text(encoding="utf-8"))
    expected = [sources[f["path"]][f["start_offset"]:f["end_offset"]] for f in data["findings"]]
    assert len(marks) == len(data["findings"])  # no two findings here overlap, so one highlight each
    assert sorted(m[1] for m in marks) == sorted(expected)
    assert all(m[2] == 0 and m[4] for m in marks)       # keyboard reachable, described
    assert any(m[1].strip() == MARKER for m in marks)


def test_summary_by_rule(browser, report):
    page, data = report
    b = _open(browser, page)
    rows = b.execute_script(
        "return Array.from(document.querySelectorAll('table tbody tr')).map(r =>"
        " [r.cells[0].innerText.trim(), r.cells[3].innerText.trim()])")
    counts = {}
    for f in data["findings"]:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    assert {code: int(n) for code, n in rows} == counts
    lede = b.find_element("css selector", ".lede").text
    assert f"{len(data['findings'])} findings in 3 drafts" in lede
    # Each count links to the first highlight of that rule.
    href = b.execute_script("return document.querySelector('table tbody tr td.num a').getAttribute('href')")
    assert b.execute_script("return !!document.querySelector(arguments[0])", href)


def _tip(b, mark):
    return b.execute_script("return document.getElementById(arguments[0].getAttribute('aria-describedby'))", mark)


def test_hover_shows_code_message_docs_and_fix(browser, report):
    from selenium.webdriver.common.action_chains import ActionChains
    page, _ = report
    b = _open(browser, page)
    mark = next(m for m in b.find_elements("css selector", "mark.hl") if m.text.strip() == MARKER)
    tip = _tip(b, mark)
    assert not tip.is_displayed()
    b.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(b).move_to_element(mark).perform()
    assert tip.is_displayed()
    text = tip.text
    assert "AST001" in text and "ChatGPT citation marker" in text and "About AST001" in text
    assert "Before:" in text and "After:" in text
    assert tip.find_element("css selector", "del").text.strip() == MARKER
    link = tip.find_element("css selector", "a").get_attribute("href")
    assert link.endswith("#rule-AST001")   # the rule's documentation is on the page: it works offline
    shot = Path(os.environ.get("CITELINT_SCREENSHOTS", page.parent)) / "report-hover.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    b.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_keyboard_focus_shows_details_and_escape_hides_them(browser, report):
    from selenium.webdriver.common.keys import Keys
    page, _ = report
    b = _open(browser, page)
    body = b.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    for _ in range(80):  # Tab through the summary links to the first highlight
        el = b.switch_to.active_element
        if el.tag_name == "mark":
            break
        el.send_keys(Keys.TAB)
    first = b.switch_to.active_element
    assert first.tag_name == "mark"
    tip = _tip(b, first)
    assert tip.is_displayed() and "AST" in tip.text
    first.send_keys(Keys.ESCAPE)
    assert not tip.is_displayed()
    first.send_keys("j")                                   # next finding
    second = b.switch_to.active_element
    assert second.tag_name == "mark" and second.get_attribute("id") != first.get_attribute("id")
    assert _tip(b, second).is_displayed()
    second.send_keys("k")
    assert b.switch_to.active_element.get_attribute("id") == first.get_attribute("id")
    # The unsafe fix says so.
    offer = next(m for m in b.find_elements("css selector", "mark.hl") if OFFER[:20] in m.text)
    b.execute_script("arguments[0].focus()", offer)
    assert "unsafe fix" in _tip(b, offer).text


CONTRAST_JS = """
function rgb(s) { return s.match(/[\\d.]+/g).slice(0, 3).map(Number); }
function lum(c) { return c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
  .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0); }
function ratio(a, b) { const x = lum(rgb(a)), y = lum(rgb(b)); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
function bg(el) { while (el) { const c = getComputedStyle(el).backgroundColor;
  if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; el = el.parentElement; } return 'rgb(255, 255, 255)'; }
const out = [];
for (const sel of arguments[0]) { for (const el of document.querySelectorAll(sel)) {
  out.push([sel, ratio(getComputedStyle(el).color, bg(el))]); } }
return out;
"""


def test_contrast(browser, report):
    page, _ = report
    b = _open(browser, page)
    b.execute_script("document.querySelectorAll('.tip').forEach(t => t.style.display = 'block')")
    pairs = b.execute_script(CONTRAST_JS, ["mark.hl", ".tip .msg", ".tip a", ".tip .where", ".tip .sev",
                                           ".tip del", ".tip ins", "th", "td", ".lede", ".keys", "a"])
    low = [(sel, round(r, 2)) for sel, r in pairs if r < 4.5]
    assert pairs and not low, low


def test_readable_on_a_phone(browser, report):
    page, _ = report
    b = _open(browser, page, 390, 844)
    assert b.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    mark = b.find_elements("css selector", "mark.hl")[2]
    b.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", mark)
    rect = b.execute_script("const r = document.getElementById(arguments[0].getAttribute('aria-describedby'))"
                            ".getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]", mark)
    width = b.execute_script("return window.innerWidth")
    assert rect[0] >= 0 and rect[1] <= width and rect[3] > rect[2]
    shot = Path(os.environ.get("CITELINT_SCREENSHOTS", page.parent)) / "report-phone.png"
    b.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_each_rule_found_is_documented_on_the_page_itself(browser, report):
    from selenium.webdriver.common.action_chains import ActionChains
    page, _ = report
    b = _open(browser, page)
    mark = next(m for m in b.find_elements("css selector", "mark.hl") if m.text.strip() == MARKER)
    b.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(b).move_to_element(mark).perform()
    _tip(b, mark).find_element("css selector", "a").click()
    about = b.find_element("id", "rule-AST001")
    assert b.execute_script("return location.hash") == "#rule-AST001"
    text = about.text
    assert "oaicite-marker" in text and "What it finds" in text and "Why it matters" in text
    assert "Safe: applied by --fix." in text and "Fixed:" in text
    site = about.find_element("css selector", "p a").get_attribute("href")
    assert site == "https://citelint.github.io/citelint/rules/AST001/"
    codes = {el.get_attribute("id") for el in b.find_elements("css selector", "section.rule")}
    found = {f"rule-{c.text}" for c in b.find_elements("css selector", "table tbody td:first-child a")}
    assert found and found <= codes
