"""The example plugin in examples/plugin is installed for real (pip, into a
folder of its own) and its rule is found through the `citelint.rules` entry point."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(ROOT / "examples" / "plugin")], check=True, timeout=600)
    return target


def run(plugin_path, *args, cwd):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugin_path), str(ROOT)]))
    return subprocess.run([sys.executable, "-m", "citelint", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_plugin_rule_is_listed_and_documented(plugin_path, tmp_path):
    listing = run(plugin_path, "rules", cwd=tmp_path)
    assert "HSE001" in listing.stdout and "embargo-line" in listing.stdout
    doc = run(plugin_path, "rule", "HSE001", cwd=tmp_path)
    assert "plugin house-style" in doc.stdout


def test_plugin_rule_runs_and_fixes(plugin_path, tmp_path):
    draft = tmp_path / "wire.txt"
    draft.write_text("EMBARGOED UNTIL 00:01 GMT\nThe report was published today.\n")
    check = run(plugin_path, "check", "--isolated", "wire.txt", cwd=tmp_path)
    assert check.returncode == 1 and "HSE001" in check.stdout
    run(plugin_path, "check", "--isolated", "--fix", "wire.txt", cwd=tmp_path)
    assert "EMBARGOED" in draft.read_text()            # unsafe: plain --fix leaves it
    run(plugin_path, "check", "--isolated", "--fix", "--unsafe-fixes", "wire.txt", cwd=tmp_path)
    assert draft.read_text() == "The report was published today.\n"
