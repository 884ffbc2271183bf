"""The documentation site is built from this repository with MkDocs (mkdocs.yml,
docs/): every rule has its page, the outlet table lists the whole registry,
and every documentation link citelint prints lands on a generated page."""
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from citelint.outlets import load_registry
from citelint.ruledoc import SITE_URL, docs_url
from citelint.ruleset import all_rules

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = ROOT / "examples" / "drafts"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def page_for(url: str, site: Path) -> Path:
    """The built file a site URL is served from."""
    assert url.startswith(SITE_URL), url
    path = url[len(SITE_URL):].split("#")[0]
    return site / path / "index.html" if not path or path.endswith("/") else site / path


def text_of(page: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_every_rule_has_its_page_with_what_why_examples_and_fix_safety(site):
    for rule in all_rules():
        page = page_for(docs_url(rule.code), site)
        assert page.is_file(), f"no page for {rule.code}"
        text = text_of(page)
        assert f"{rule.name} ({rule.code})" in text
        assert rule.summary.split("`")[0][:40] in text and "Why it matters" in text and "Fix safety" in text
        for example in rule.examples:
            assert example.text.strip().splitlines()[0] in text, (rule.code, example.text)


def test_the_rule_index_links_every_rule(site):
    index = (site / "rules" / "index.html").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f'href="{rule.code}/"' in index, rule.code


def test_the_outlet_table_lists_the_whole_registry(site):
    page = (site / "outlets" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>", page)
    registry = load_registry(())
    assert len(rows) == len(registry.outlets)
    assert 'id="outlet-filter"' in page and "javascripts/outlets.js" in page
    for outlet in list(registry.outlets.values())[::50]:
        assert f"<td>{outlet.id}</td>" in page


def test_readme_sections_reach_the_site(site):
    assert "citelint-news" in text_of(site / "index.html")
    assert "What citelint trusts" in text_of(site / "trust" / "index.html")
    assert "fail-level" in text_of(site / "integrations" / "index.html")


def test_the_editors_page_has_the_language_server_setup(site):
    text = text_of(site / "editors" / "index.html")
    assert "citelint.verifySources" in text and "source.fixAll.citelint" in text
    for editor in ("VS Code", "Neovim", "Helix", "Zed", "Sublime Text"):
        assert editor in text, editor


def test_the_site_asks_no_font_or_script_server(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "<script src=\"http" not in html, page


def _printed_urls(tmp_path) -> set[str]:
    """Every documentation address the CLI and its reports print."""
    out = set()
    runs = [["check", str(DRAFTS), "--format", fmt, "--no-cache"] for fmt in
            ("text", "json", "json-lines", "sarif", "rdjson", "junit", "html", "github")]
    runs += [["rules", "--format", "json"], ["rule", "AST001"], ["check", "--help"], ["--help"]]
    for args in runs:
        run = subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True, timeout=120)
        assert run.returncode in (0, 1), (args, run.stderr)
        out |= set(re.findall(re.escape(SITE_URL) + r"[^\s\"'<>)\\]*", run.stdout))
    return out


def test_every_link_citelint_prints_lands_on_a_generated_page(site, tmp_path):
    urls = _printed_urls(tmp_path)
    assert any("/rules/" in u for u in urls), "the reports print no documentation links"
    for url in urls:
        assert page_for(url, site).is_file(), f"{url} is printed but not built"
