"""examples/dask_archive.py lints a small generated archive with Dask's local
schedulers (worker processes included) and writes the same findings the Python
API gives, as Parquet."""
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

import citelint

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dask_archive.py"

CLEAN = ("The council met on Tuesday to discuss the budget.\n\n"
         "Members voted {n} to 3 in favour of the plan, which funds road repairs.\n")
DEBRIS = [
    "Prices rose :contentReference[oaicite:{n}]{{index={n}}}.\n",
    "See https://example.org/report-{n}?utm_source=chatgpt.com for the figures.\n",
    "The minister said so. citeturn0search{n}\n",
    "Exports fell [cite: {n}] in May.\n",
]


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("dask_archive", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """24 drafts in two folders, every third one with a piece of debris; one
    Markdown draft and one binary file."""
    root = tmp_path_factory.mktemp("archive")
    for n in range(24):
        folder = root / ("politics" if n % 2 else "business")
        folder.mkdir(exist_ok=True)
        text = CLEAN.format(n=n + 4)
        if n % 3 == 0:
            text += DEBRIS[(n // 3) % len(DEBRIS)].format(n=n)
        (folder / f"{n:03d}.txt").write_text(text, encoding="utf-8")
    (root / "business" / "note.md").write_text("# Note\n\nIt rose [cite: 2].\n\n```\n[cite: 3]\n```\n")
    (root / "business" / "scan.html").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)))  # binary by content
    return root


def expected_rows(example, root: Path) -> list[tuple]:
    from citelint.files import read_source
    rows = []
    for p in example.archive_files(root):
        if p.endswith(".html"):
            continue  # the binary file: an input-error row, checked separately
        for r in example.finding_rows(p, read_source(p).text):
            rows.append((r["doc"], r["code"], r["line"], r["column"], r["start"], r["end"], r["fixable"]))
    return sorted(rows)


def read_rows(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out).sort_values(["doc", "start", "code"]).reset_index(drop=True)


@pytest.mark.parametrize("scheduler", ["sync", "processes"])
def test_folder_archive(example, archive, tmp_path, scheduler):
    out = tmp_path / "findings.parquet"
    n = example.lint_archive(archive, str(out), scheduler=scheduler, partitions=4)
    frame = read_rows(out)
    assert n == len(frame)
    assert list(frame.columns) == list(example.COLUMNS)
    errors = frame[frame["name"] == "input-error"]
    assert list(errors["doc"]) == [str(archive / "business" / "scan.html")]
    found = frame[frame["name"] != "input-error"]
    got = sorted(found[["doc", "code", "line", "column", "start", "end", "fixable"]]
                 .itertuples(index=False, name=None))
    assert got == expected_rows(example, archive)
    assert {"AST001", "TRK001", "AST007", "AST011"} <= set(found["code"])
    # Markdown is read as Markdown: the fenced block is not linted.
    note = found[found["doc"].str.endswith("note.md")]
    assert list(note["code"]) == ["AST011"] and list(note["line"]) == [3]


def test_parquet_column_archive(example, tmp_path):
    bodies = [CLEAN.format(n=n) + (DEBRIS[n % 4].format(n=n) if n % 2 else "") for n in range(10)]
    bodies.append(None)  # a missing body is skipped, not an error
    src = tmp_path / "articles.parquet"
    pd.DataFrame({"id": [f"a{n}" for n in range(11)], "body": bodies}).to_parquet(src)
    out = tmp_path / "findings.parquet"
    n = example.lint_archive(src, str(out), id_column="id", scheduler="threads", partitions=3)
    frame = read_rows(out)
    assert n == len(frame) == 5
    want = sorted((f"a{i}", f.code, f.start, f.end)
                  for i, body in enumerate(bodies) if body for f in citelint.check_text(body, kind="text"))
    assert sorted(frame[["doc", "code", "start", "end"]].itertuples(index=False, name=None)) == want
