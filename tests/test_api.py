"""The Python API: text and settings in, findings or fixed text out, no file
system, one Linter per settings per process, usable from worker processes."""
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

import citelint
from citelint.config import ConfigError, Settings

MARKER = "Prices rose :contentReference[oaicite:0]{index=0}."


def test_check_text_returns_positioned_findings():
    findings = citelint.check_text("Line one.\n" + MARKER + "\n")
    assert [f.code for f in findings] == ["AST001"]
    f = findings[0]
    assert (f.line, f.column, f.end_line) == (2, 12, 2)
    assert ("Line one.\n" + MARKER)[f.start:f.end] == " :contentReference[oaicite:0]{index=0}"
    assert f.fixable == "safe" and f.path == "-"


def test_fix_text_returns_the_fixed_text():
    result = citelint.fix_text(MARKER)
    assert result.text == "Prices rose."
    assert result.applied == 1 and result.remaining == [] and result.converged


def test_nothing_to_fix_returns_the_same_text():
    text = "A clean story.\r\nWith CRLF line endings.\r\n"
    assert citelint.fix_text(text).text == text
    assert citelint.check_text(text) == []


def test_kind_follows_path_and_nothing_is_read_from_it(tmp_path):
    md = "Text.\n\n```\n" + MARKER + "\n```\n"
    missing = str(tmp_path / "no" / "such" / "story.md")
    assert citelint.check_text(md, path=missing) == []          # Markdown: the code block is not read
    assert [f.code for f in citelint.check_text(md, kind="text")] == ["AST001"]
    assert citelint.check_text(md, path=missing, kind="text")[0].path == missing


def test_settings_select_rules_and_unsafe_fixes():
    assert citelint.check_text(MARKER, settings=Settings(ignore=("AST",))) == []
    offer = "Sales rose. Let me know if you'd like a shorter version.\n"
    assert citelint.fix_text(offer).text == offer                  # an unsafe fix waits...
    assert citelint.fix_text(offer, unsafe=True).text == "Sales rose.\n"
    assert citelint.fix_text(offer, settings=Settings(unsafe_fixes=True)).text == "Sales rose.\n"


def test_bad_settings_raise_config_error():
    with pytest.raises(ConfigError):
        citelint.check_text("x", settings=Settings(select=("NOPE999",)))


def test_one_linter_per_settings_is_reused():
    a = citelint.linter()
    assert citelint.linter() is a and citelint.linter(None) is a
    s = Settings(ignore=("TRK",))
    assert citelint.linter(s) is citelint.linter(Settings(ignore=("TRK",)))
    assert citelint.linter(s) is not a
    assert isinstance(a, citelint.Linter)
    assert citelint.Settings is Settings


def test_import_citelint_does_not_load_the_engine():
    import subprocess
    import sys
    code = "import sys, citelint; print('citelint.engine' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _codes_in_worker(texts):
    return [[f.code for f in citelint.check_text(t)] for t in texts]


def test_safe_in_fresh_worker_processes():
    texts = [MARKER, "Clean.", "See https://x.org/a?utm_source=chatgpt.com today."]
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, nothing inherited
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        got = list(pool.map(_codes_in_worker, [texts, texts[::-1]]))
    assert got == [[["AST001"], [], ["TRK001"]], [["TRK001"], [], ["AST001"]]]


API_RUN = r"""
import citelint
from citelint.config import Settings
settings = Settings(select=("ALL",), outlets=("house.toml",), rule_packs=("pack.toml",), root=".")
text = "Prices rose :contentReference[oaicite:0]{index=0}. Dawn +2 Pakistan Today +3\n"
for kind in ("text", "markdown", "html"):
    citelint.check_text(text, kind=kind, settings=settings)
    citelint.fix_text(text, kind=kind, settings=settings, unsafe=True)
print(len(citelint.check_text(text, settings=settings)))
"""


def test_the_python_api_writes_nothing(tmp_path):
    """Not the findings cache, not the TOML caches, not bytecode: the API only reads."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir(), work.mkdir()
    (work / "house.toml").write_text('[[outlet]]\nid = "port-gazette"\nname = "Port Gazette"\nkind = "newspaper"\n')
    (work / "pack.toml").write_text(
        '[[rule]]\ncode = "HSE001"\nname = "house-word"\nsummary = "Finds the word gizmo."\n'
        'why = "House style."\npattern = "gizmo"\nmessage = "gizmo"\n')
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CITELINT_CACHE_DIR", None)
    run = subprocess.run([sys.executable, "-c", API_RUN], cwd=work, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 0
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
