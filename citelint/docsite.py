"""The documentation site's generated pages: a page per rule, the rule index
and the outlet registry as a searchable table. `docs/hooks.py` hands them to
MkDocs, so the site is always the rules and registry this code ships."""
from __future__ import annotations

from html import escape

from .ruledoc import rule_doc

# A README section, pulled in by the site's snippets extension (docs/README.md).
SNIPPET = '--8<-- "README.md:{}"'


def pages() -> dict[str, str]:
    """Every generated page, by its path under docs/."""
    from .outlets import load_registry  # deferred
    from .ruleset import all_rules  # deferred
    rules = sorted(all_rules(), key=lambda r: r.code)
    out = {"rules/index.md": rule_index(rules)}
    out.update({rule_path(r.code): rule_doc(r) for r in rules})
    out["outlets.md"] = outlet_page(load_registry(()))
    return out


def rule_path(code: str) -> str:
    return f"rules/{code}.md"


def rule_index(rules) -> str:
    lines = ["# Rules", "", SNIPPET.format("rules"), "", "## Every rule", "",
             "Fix: **safe** fixes are applied by `--fix`; **unsafe** ones only with "
             "`--fix --unsafe-fixes`; **none** means an editor decides.", "",
             "| Code | Name | What it finds | Fix | On by default |", "| --- | --- | --- | --- | --- |"]
    for r in rules:
        fix = r.fix_safety.value if r.fix_safety else "none"
        lines.append(f"| [{r.code}]({r.code}.md) | `{r.name}` | {_cell(r.summary)} | {fix} | "
                     f"{'yes' if r.default else 'no'} |")
    return "\n".join(lines) + "\n"


def outlet_page(registry) -> str:
    outlets = sorted(registry.outlets.values(), key=lambda o: (o.name.casefold(), o.id))
    rows = "\n".join(_outlet_row(o) for o in outlets)
    return f"""# Outlet registry

{SNIPPET.format("outlets")}

## Every outlet

The {len(outlets)} outlets, agencies and platforms citelint knows, from `rules/outlets/*.toml`.

<label for="outlet-filter">Filter the table</label>
<input id="outlet-filter" type="search" placeholder="a name, domain, handle or country" autocomplete="off">
<p id="outlet-count" aria-live="polite"></p>

<table id="outlets">
<thead><tr><th>Name</th><th>Also written</th><th>Kind</th><th>Country</th><th>Domains</th><th>Handles</th><th>Id</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
"""


def _outlet_row(o) -> str:
    cells = (o.name, ", ".join((*o.aliases, *o.abbreviations, *o.garbles)), o.kind, o.country,
             ", ".join((*o.domains, *o.hosts)), ", ".join("@" + h.lstrip("@") for h in o.handles), o.id)
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
