"""A rule's documentation: the Markdown page `citelint rule CODE` prints and
the documentation site publishes, and the address of that page."""
from __future__ import annotations

# The documentation site (built from docs/ and mkdocs.yml; see docs/README.md).
SITE_URL = "https://citelint.github.io/citelint/"
FIX_SAFETY = {"safe": "Safe: applied by `--fix`.",
              "unsafe": "Unsafe: applied only with `--fix --unsafe-fixes`, since it needs an editor's judgement."}
NO_FIX = "No fix: the finding is reported for an editor to decide."


def docs_url(code: str) -> str:
    """Where a rule's page is on the documentation site."""
    return f"{SITE_URL}rules/{code}/"


def rule_doc(r) -> str:
    """A rule's documentation in ruff's shape, as Markdown."""
    lines = [f"# {r.name} ({r.code})", "", f"Severity: {r.severity.value}. Reads: {r.scope}. "
             f"Enabled by default: {'yes' if r.default else 'no'}. Defined in `{r.origin}`.", "",
             "## What it finds", r.summary, "", "## Why it matters", r.why, "", "## Fix safety",
             FIX_SAFETY.get(r.fix_safety.value if r.fix_safety else "", NO_FIX),
             ""]
    bad = [e for e in r.examples if not e.trap]
    traps = [e for e in r.examples if e.trap]
    if bad:
        lines.append("## Examples")
        for e in bad:
            lines += ["", f"```{e.format}", e.text.rstrip("\n"), "```"]
            if e.fixed is not None:
                lines += ["Fixed:", f"```{e.format}", e.fixed.rstrip("\n"), "```"]
        lines.append("")
    if traps:
        lines.append("## Not reported")
        for e in traps:
            lines += ["", f"```{e.format}", e.text.rstrip("\n"), "```"]
    return "\n".join(lines).rstrip() + "\n"
