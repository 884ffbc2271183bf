"""Every install instruction names the same distribution and the same release:
pyproject.toml's name, the README's install line, its pre-commit and action
snippets, the example workflow and pre-commit configuration, and the example
plugin's dependency. The pinned revision is a commit of this repository whose
hooks and action are the ones documented."""
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/citelint/citelint"
NAME = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKFLOW = (ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
PRECOMMIT = yaml.safe_load((ROOT / "examples" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def readme_section(name: str) -> str:
    return README.split(f"[start:{name}] -->", 1)[1].split(f"[end:{name}]", 1)[0]


def pinned_revisions() -> dict[str, str]:
    """Where a release revision is written, and the revision written there."""
    found = {}
    install = re.findall(rf'pip install "{re.escape(NAME)}(?:\[[\w,]+\])? @ git\+{re.escape(REPO_URL)}@(\w+)"', README)
    found.update({f"README install line {i}": rev for i, rev in enumerate(install)})
    found.update({f"README action snippet {i}": rev for i, rev in
                  enumerate(re.findall(r"uses: citelint/citelint@(\w+)", readme_section("ci")))})
    found["README pre-commit snippet"] = yaml.safe_load(readme_section("pre-commit").split("```yaml")[1]
                                                        .split("```")[0])["repos"][0]["rev"]
    found["example pre-commit config"] = PRECOMMIT["repos"][0]["rev"]
    found.update({f"example workflow step {i}": rev for i, rev in
                  enumerate(re.findall(r"uses: citelint/citelint@(\w+)", WORKFLOW))})
    return found


def test_the_distribution_is_not_the_unrelated_citelint():
    assert NAME == "citelint-news"
    plugin = tomllib.loads((ROOT / "examples" / "plugin" / "pyproject.toml").read_text())
    assert plugin["project"]["dependencies"] == [NAME]


def test_no_instruction_installs_citelint_from_the_index_by_its_taken_name():
    for where, text in (("README.md", README), ("examples/github-workflow.yml", WORKFLOW)):
        for args in re.findall(r"pip install ([^&;#`\n]*)", text):
            assert not re.search(r"(?<![-\w./])citelint(?![-\w])", args), f"{where}: pip install {args}"


def test_every_instruction_pins_the_same_release():
    revs = pinned_revisions()
    assert {"README install line 0", "README action snippet 0", "README pre-commit snippet",
            "example pre-commit config", "example workflow step 0"} <= set(revs)
    assert len(set(revs.values())) == 1, revs
    rev = next(iter(revs.values()))
    assert re.fullmatch(r"[0-9a-f]{40}", rev), f"pin a commit, not {rev!r}"
    assert PRECOMMIT["repos"][0]["repo"] == REPO_URL
    assert f"repo: {REPO_URL}" in readme_section("pre-commit")


def test_readme_hook_ids_are_the_manifest_hooks():
    manifest = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    readme_ids = set(re.findall(r"- id: ([\w-]+)", readme_section("pre-commit")))
    example_ids = {h["id"] for h in PRECOMMIT["repos"][0]["hooks"]}
    assert readme_ids and readme_ids <= manifest and example_ids <= manifest


def _git(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0
                    or _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true",
                    reason="needs this repository's full git history")
def test_the_pinned_release_exists_with_the_documented_hooks_and_action():
    rev = next(iter(pinned_revisions().values()))
    assert _git("cat-file", "-e", f"{rev}^{{commit}}").returncode == 0, f"{rev} is not a commit here"
    project = tomllib.loads(_git("show", f"{rev}:pyproject.toml").stdout)["project"]
    assert project["name"] == NAME and project["version"] == "0.2.0"
    hooks = {h["id"] for h in yaml.safe_load(_git("show", f"{rev}:.pre-commit-hooks.yaml").stdout)}
    assert set(re.findall(r"- id: ([\w-]+)", readme_section("pre-commit"))) <= hooks
    action = yaml.safe_load(_git("show", f"{rev}:action.yml").stdout)
    used = set(re.findall(r"^\s+(\w[\w-]*):", readme_section("ci").split("with:", 1)[1], re.M))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    tag = _git("rev-parse", "--verify", "-q", "v0.2.0^{commit}")
    assert tag.returncode != 0 or tag.stdout.strip() == rev, "the v0.2.0 tag is another commit"
