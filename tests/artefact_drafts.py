"""Generated drafts full of assistant artefacts, for comparing two ways of
checking the same text (lazy against eager views, before against after).

Every draft is built from the rules' own examples and traps
(`rule.examples`) and the twelve licensed editorial documents in
tests/data/editorial/: examples pasted between the paragraphs of a real post,
runs of every example of one format, and text examples inside Markdown and
HTML. Nothing is random: the same code gives the same drafts.
"""
from __future__ import annotations

import html
from pathlib import Path

from citelint.ruleset import all_rules

EDITORIAL = Path(__file__).parent / "data" / "editorial"
KINDS = {".md": "markdown", ".html": "html"}
_EXT = {"text": ".txt", "markdown": ".md", "html": ".html"}


def editorial_documents() -> list[tuple[str, str, str]]:
    """(name, text, kind) of the twelve licensed editorial documents."""
    out = []
    for p in sorted(EDITORIAL.rglob("*")):
        rel = p.relative_to(EDITORIAL)
        if p.is_file() and p.suffix in KINDS and len(rel.parts) > 1 and rel.parts[0] != "LICENSES":
            out.append((rel.as_posix(), p.read_bytes().decode("utf-8"), KINDS[p.suffix]))
    return out


def _examples() -> dict[str, list[str]]:
    """Every example and trap text, by format (offline rules only)."""
    by_format: dict[str, list[str]] = {"text": [], "markdown": [], "html": []}
    for rule in all_rules(()):
        if rule.scope == "online":
            continue
        for ex in rule.examples:
            by_format[ex.format].append(ex.text)
    return by_format


def _as_html(text: str) -> str:
    """A plain-text example as HTML paragraphs (escaped, so it stays text)."""
    return "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n") if p.strip())


def _paste(doc: str, kind: str, pieces: list[str], every: int) -> str:
    """`pieces` pasted between the paragraphs of `doc`, one every `every` paragraphs."""
    sep = "</p>" if kind == "html" else "\n\n"
    parts = doc.split(sep)
    out, k = [], 0
    for i, part in enumerate(parts):
        out.append(part)
        if i < len(parts) - 1:
            out.append(sep)
            if i % every == 0 and k < len(pieces):
                out.append(pieces[k] + ("\n" if kind == "html" else "\n\n"))
                k += 1
    return "".join(out) + "".join(p + "\n" for p in pieces[k:])


def drafts() -> list[tuple[str, str, str]]:
    """(name, text, kind) of every generated draft."""
    ex = _examples()
    out = []
    # Each format's examples run together, as one draft (a draft full of debris).
    for kind in ("text", "markdown", "html"):
        out.append((f"all-{kind}{_EXT[kind]}", "\n".join(ex[kind]), kind))
    # Plain-text examples read as Markdown and as HTML paragraphs.
    out.append(("text-as-markdown.md", "\n".join(ex["text"]), "markdown"))
    out.append(("text-as-html.html", "<html><body>\n" + "".join(_as_html(t) for t in ex["text"])
                + "</body></html>\n", "html"))
    # Examples pasted into real posts, a different slice into each.
    for n, (name, doc, kind) in enumerate(editorial_documents()):
        if kind == "html":
            pieces = ex["html"] + [_as_html(t) for t in ex["text"][n::6]]
        else:
            pieces = ex["markdown"][n % 3::3] + ex["text"][n::4]
        stem = name.replace("/", "__")
        out.append((f"pasted-{stem}", _paste(doc, kind, pieces, 2), kind))
    # Each example alone, with a clean post before it (one artefact in a long draft).
    docs = [d for d in editorial_documents() if d[2] == "markdown"]
    for i, text in enumerate(ex["text"] + ex["markdown"]):
        out.append((f"one-{i:03d}.md", docs[i % len(docs)][1] + "\n\n" + text, "markdown"))
    return out


def write(folder: Path) -> list[Path]:
    """Write every draft into `folder` (for the command line); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text, kind in drafts():
        if not name.endswith(_EXT[kind]):
            name += _EXT[kind]
        p = folder / name
        p.write_bytes(text.encode("utf-8"))
        paths.append(p)
    return paths


if __name__ == "__main__":  # python tests/artefact_drafts.py FOLDER
    import sys
    print(len(write(Path(sys.argv[1]))))
