"""The package's modules import one another without a cycle. Every import
counts, function-level ones (start-up deferrals) included: a cycle means a
function or type sits in the wrong module."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "citelint"


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _targets(mod: str, path: Path, node, mods) -> list[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        base = pkg.split(".")[:len(pkg.split(".")) - node.level + 1] if node.level else []
        target = ".".join(base + ([node.module] if node.module else []))
        names = [f"{target}.{a.name}" if f"{target}.{a.name}" in mods else target for a in node.names]
    out = []
    for name in names:
        while name and name not in mods and "." in name:
            name = name.rpartition(".")[0]
        if name in mods and name != mod:
            out.append(name)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[mod] = {t for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                      for t in _targets(mod, path, node, mods)}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        path.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def test_the_graph_is_read():
    graph = import_graph()
    assert "citelint.engine" in graph and "citelint.formats" in graph["citelint.engine"]
    assert "citelint.facts" in graph["citelint.rule"]  # a function-level import counts


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_a_cycle_would_be_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_every_function_level_import_says_why():
    """An import inside a function is a start-up deferral, and says so in a comment."""
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.split("\n")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)) and "#" not in lines[sub.end_lineno - 1]:
                        bare.append(f"{path.relative_to(PACKAGE.parent)}:{sub.lineno}")
    assert not bare, bare
