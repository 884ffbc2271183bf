"""The GitHub Action (action.yml): its install, check and fail steps' scripts,
run here as the runner would run them (bash, the inputs in the environment,
GITHUB_ACTION_PATH and GITHUB_OUTPUT set), with citelint installed by the
action's own install step into a clean virtual environment."""
import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name", step.get("uses")): step for step in ACTION["runs"]["steps"]}
ERROR_DRAFT = "# Port\n\nDock workers ended the strike :contentReference[oaicite:0]{index=0}.\n"
WARNING_DRAFT = "# Port\n\nSee https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC123 for it.\n"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps run in bash")


def expand(value: str, inputs: dict, outputs: dict) -> str:
    """GitHub's `${{ inputs.x }}` and `${{ steps.check.outputs.y }}` expressions."""
    def one(m):
        ref = m.group(1).strip()
        if ref.startswith("inputs."):
            return inputs[ref[len("inputs."):]]
        return outputs.get(ref.rsplit(".", 1)[1], "")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_step(name: str, env: dict, inputs: dict, outputs: dict, cwd: Path) -> subprocess.CompletedProcess:
    step = STEPS[name]
    assert step["shell"] == "bash"
    step_env = {**env, **{k: expand(v, inputs, outputs) for k, v in step.get("env", {}).items()}}
    output_file = cwd / "github_output"
    output_file.write_text("")
    step_env["GITHUB_OUTPUT"] = str(output_file)
    run = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]], cwd=cwd,
                         env=step_env, capture_output=True, text=True, timeout=600)
    outputs.update(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
    return run


@pytest.fixture(scope="module")
def runner_env(tmp_path_factory):
    """A runner's environment after `actions/setup-python` and the install step."""
    env_dir = tmp_path_factory.mktemp("runner") / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_ACTION_PATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    env.pop("CITELINT_CACHE_DIR", None)
    run = run_step("Install citelint", env, defaults(), {}, env_dir.parent)
    assert run.returncode == 0, run.stderr
    assert (env_dir / "bin" / "citelint").exists()
    return env


def defaults(**given) -> dict:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update({k.replace("_", "-"): v for k, v in given.items()})
    return values


def workspace(tmp_path: Path, **drafts) -> Path:
    for name, text in drafts.items():
        path = tmp_path / "drafts" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def check(runner_env, cwd, **given):
    outputs: dict = {}
    run = run_step("Check", runner_env, defaults(**given), outputs, cwd)
    assert run.returncode == 0, run.stderr   # the step itself never fails: the last step does
    return run, outputs


def test_defaults_annotate_and_fail_on_errors(runner_env, tmp_path):
    cwd = workspace(tmp_path, story=ERROR_DRAFT)
    run, outputs = check(runner_env, cwd)
    assert "::error" in run.stdout and "AST001" in run.stdout and "drafts/story.md" in run.stdout
    assert outputs == {"exit-code": "1", "failed": "true"}
    last = run_step("Fail on findings", runner_env, defaults(), outputs, cwd)
    assert last.returncode == 1 and "status 1" in last.stdout


def test_a_clean_folder_passes(runner_env, tmp_path):
    cwd = workspace(tmp_path, story="# Port\n\nDock workers ended the strike.\n")
    run, outputs = check(runner_env, cwd)
    assert outputs == {"exit-code": "0", "failed": "false"}, run.stdout


@pytest.mark.parametrize("level, failed", [("error", "false"), ("warning", "true"), ("info", "true"),
                                           ("never", "false")])
def test_fail_level_decides_on_warnings(runner_env, tmp_path, level, failed):
    cwd = workspace(tmp_path, story=WARNING_DRAFT)
    run, outputs = check(runner_env, cwd, fail_level=level)
    assert "AST023" in run.stdout
    assert outputs["failed"] == failed, (level, outputs, run.stdout)


def test_sarif_is_written_for_the_upload_step_and_paths_and_args_are_passed(runner_env, tmp_path):
    cwd = workspace(tmp_path, story=ERROR_DRAFT, other=WARNING_DRAFT)
    (cwd / "ignored").mkdir()
    (cwd / "ignored" / "x.md").write_text(ERROR_DRAFT)
    run, outputs = check(runner_env, cwd, paths="drafts/story.md\ndrafts/other.md", sarif="out.sarif",
                         args="--select AST023", format="json")
    assert [f["code"] for f in json.loads(run.stdout)["findings"]] == ["AST023"]
    log = json.loads((cwd / "out.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["AST023"]
    assert STEPS["Upload SARIF"]["with"]["sarif_file"] == "${{ inputs.sarif }}"
    assert outputs["failed"] == "false"     # AST023 is a warning; the default fail level is error


def test_every_input_is_documented_and_used():
    scripts = " ".join(str(step) for step in ACTION["runs"]["steps"])
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert f"inputs.{name}" in scripts, f"input {name} is never used"
