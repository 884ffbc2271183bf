"""`--fail-level`: which severities make `citelint check` exit 1."""
import pytest

from citelint.cli import main

WARNING = "See https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC123 for it.\n"   # AST023
ERROR = "The strike ended :contentReference[oaicite:0]{index=0}.\n"                            # AST001


@pytest.mark.parametrize("text, level, status", [
    (WARNING, None, 0), (WARNING, "error", 0), (WARNING, "warning", 1), (WARNING, "info", 1),
    (ERROR, None, 1), (ERROR, "error", 1), (ERROR, "warning", 1),
    ("Clean copy.\n", "info", 0),
])
def test_fail_level(tmp_path, capsys, text, level, status):
    draft = tmp_path / "story.md"
    draft.write_text(text, encoding="utf-8")
    args = ["check", str(draft), "--no-cache"] + (["--fail-level", level] if level else [])
    assert main(args) == status


def test_exit_zero_wins_and_a_bad_level_is_a_usage_error(tmp_path, capsys):
    draft = tmp_path / "story.md"
    draft.write_text(ERROR, encoding="utf-8")
    assert main(["check", str(draft), "--no-cache", "--fail-level", "info", "--exit-zero"]) == 0
    assert main(["check", str(draft), "--no-cache", "--fail-level", "loud"]) == 2
    assert "--fail-level" in capsys.readouterr().err
