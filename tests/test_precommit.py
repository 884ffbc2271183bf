"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit` tool.

pre-commit installs citelint into its own virtualenv from a git repository
(`pip install .` of a clone, with citelint's dependencies from the package
index), so this test needs git and the index. `pre-commit try-repo` on a
working tree with uncommitted changes commits *tracked* changes to a shadow
clone and ignores untracked files; to test exactly the code in this tree,
the test copies the package into a fresh repository and commits it there.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = ":contentReference[oaicite:0]{index=0}"
STORY = f"# Port reopens\n\nDock workers ended the strike {MARKER}.\n"
FIXED = "# Port reopens\n\nDock workers ended the strike.\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def sh(*args, cwd, env, check=True):
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check and r.returncode != 0:
        raise AssertionError(f"{args} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("precommit-home")
    e = dict(os.environ)
    e.update({"PRE_COMMIT_HOME": str(home / "store"), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
              "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
              "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
              "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"})
    e.pop("CITELINT_CACHE_DIR", None)
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    return e


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env):
    """This tree's citelint, committed in a repository of its own."""
    src = tmp_path_factory.mktemp("citelint-src")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, src / name)
    for folder in ("citelint", "rules"):
        shutil.copytree(ROOT / folder, src / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    sh("git", "init", "-q", cwd=src, env=env)
    sh("git", "add", ".", cwd=src, env=env)
    sh("git", "commit", "-qm", "citelint under test", cwd=src, env=env)
    rev = sh("git", "rev-parse", "HEAD", cwd=src, env=env).stdout.strip()
    return src, rev


def newsroom(path: Path, env) -> Path:
    path.mkdir()
    sh("git", "init", "-q", cwd=path, env=env)
    (path / "story.md").write_text(STORY, encoding="utf-8")
    (path / "clean.md").write_text("Nothing to remove here.\n", encoding="utf-8")
    (path / "notes.py").write_text(f"# {MARKER}: not a draft, pre-commit passes no such file\n")
    return path


def pre_commit(*args, cwd, env, check=False):
    return sh(sys.executable, "-m", "pre_commit", *args, cwd=cwd, env=env, check=check)


def documented_hook_ids() -> list[str]:
    """The hook ids the README's snippet and the example configuration name."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("[start:pre-commit] -->", 1)[1].split("[end:pre-commit]", 1)[0]
    example = (ROOT / "examples" / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^\s*- id: ([\w-]+)", snippet, re.M) + re.findall(r"^\s*- id: ([\w-]+)", example, re.M)
    return list(dict.fromkeys(ids))


def test_try_repo_runs_the_documented_hooks(tmp_path, env, hook_repo):
    src, rev = hook_repo
    ids = documented_hook_ids()
    assert set(ids) == {"citelint", "citelint-fix"}, ids
    for hook_id in ids:
        work = newsroom(tmp_path / hook_id, env)
        sh("git", "add", ".", cwd=work, env=env)
        r = pre_commit("try-repo", str(src), hook_id, "--ref", rev, "--all-files", "--verbose", cwd=work, env=env)
        out = r.stdout + r.stderr
        assert r.returncode == 1, out
        assert "notes.py" not in out.split("Using config")[-1].replace("story.md", "")
        if hook_id == "citelint-fix":
            assert "files were modified by this hook" in out and "1 fixed, 0 remaining" in out
            assert (work / "story.md").read_text(encoding="utf-8") == FIXED
        else:
            assert "story.md:3:" in out and "AST001" in out
            assert (work / "story.md").read_text(encoding="utf-8") == STORY


def test_a_commit_with_an_artefact_fails(tmp_path, env, hook_repo):
    src, rev = hook_repo
    work = newsroom(tmp_path / "newsroom", env)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src}\n    rev: {rev}\n    hooks:\n      - id: citelint\n", encoding="utf-8")
    pre_commit("install", cwd=work, env=env, check=True)
    sh("git", "add", ".", cwd=work, env=env)
    r = sh("git", "commit", "-m", "Port story", cwd=work, env=env, check=False)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "AST001" in out and "story.md" in out
    assert sh("git", "rev-parse", "--verify", "-q", "HEAD", cwd=work, env=env, check=False).returncode != 0
    assert (work / "story.md").read_text(encoding="utf-8") == STORY       # the check hook changes nothing

    # The fixing hook (same repository and rev, so the same environment) repairs the draft...
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src}\n    rev: {rev}\n    hooks:\n      - id: citelint-fix\n", encoding="utf-8")
    sh("git", "add", ".", cwd=work, env=env)
    r = sh("git", "commit", "-m", "Port story", cwd=work, env=env, check=False)
    assert r.returncode != 0 and "files were modified by this hook" in r.stdout + r.stderr
    assert (work / "story.md").read_text(encoding="utf-8") == FIXED
    # ...and once the fix is staged, the commit goes through.
    sh("git", "add", "story.md", cwd=work, env=env)
    sh("git", "commit", "-m", "Port story", cwd=work, env=env)


def test_manifest_and_examples_are_valid(env):
    assert pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT, env=env).returncode == 0
    r = pre_commit("validate-config", str(ROOT / "examples" / ".pre-commit-config.yaml"), cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    workflow = (ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
    assert "uses: citelint/citelint@" in workflow and "sarif: citelint.sarif" in workflow
    assert "security-events: write" in workflow


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("[start:pre-commit] -->", 1)[1].split("[end:pre-commit]", 1)[0]
    return section.split("```yaml", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True,
                                   text=True).stdout.strip() != "false", reason="needs this repository's git history")
def test_the_readme_snippet_works_at_its_pinned_revision(tmp_path, env):
    """The README's configuration, as written, with this repository standing in
    for GitHub: the pinned revision exists and its hooks run."""
    snippet = _readme_snippet().replace("https://github.com/citelint/citelint", str(ROOT))
    work = newsroom(tmp_path / "newsroom", env)
    (work / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    sh("git", "add", ".", cwd=work, env=env)
    r = pre_commit("run", "--all-files", cwd=work, env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "AST001" in out and "story.md" in out, out
