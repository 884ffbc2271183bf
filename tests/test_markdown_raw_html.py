"""Raw HTML inside Markdown is read as in an HTML file: the contents of
`<pre>`, `<code>`, `<script>` and `<style>`, and comments, are never reported
and never changed by any fix; the same artefact outside them is."""
import pytest

from citelint import Linter, Settings

LINTER = Linter(Settings(select=("ALL",), unsafe_fixes=True))
ARTEFACTS = [":contentReference[oaicite:0]{index=0}", "citeturn0search0", "【4†source】", "[cite: 4, 5]",
             "[web:1]", "Pakistan Today +3 Geo News +3"]
WRAPPERS = {
    "pre": "<pre>\nThe strike ended {a}.\n</pre>",
    "pre-inline": "Before. <pre>The strike ended {a}.</pre>",
    "code": "Type <code>The strike ended {a}</code> to see it.",
    "script": "<script>\nvar note = \"The strike ended {a}.\";\n</script>",
    "style": "<style>\n/* The strike ended {a}. */\n</style>",
    "comment-block": "<!--\nThe strike ended {a}.\n-->",
    "comment-inline": "The port reopened. <!-- The strike ended {a}. --> Ships sailed.",
    "comment-in-div": "<div>\n<!-- The strike ended {a}. -->\n</div>",
}


def draft(body: str) -> str:
    return f"# Port\n\nDock workers returned on Monday.\n\n{body}\n\nShips sailed at dawn.\n"


@pytest.mark.parametrize("artefact", ARTEFACTS)
@pytest.mark.parametrize("wrapper", sorted(WRAPPERS))
def test_raw_html_code_and_comments_are_never_read_or_changed(wrapper, artefact):
    text = draft(WRAPPERS[wrapper].format(a=artefact))
    assert LINTER.lint_text(text, kind="markdown") == []
    assert LINTER.fix_text(text, kind="markdown", unsafe=True).text == text


@pytest.mark.parametrize("artefact", ARTEFACTS[:5])
def test_the_same_artefact_in_prose_is_reported(artefact):
    text = draft(f"The strike ended {artefact}.")
    assert LINTER.lint_text(text, kind="markdown")
