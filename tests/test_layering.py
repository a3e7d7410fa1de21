"""The package's dependency rule (ARCHITECTURE.md): no private name imported across
modules, no import cycle (function-level imports count; TYPE_CHECKING ones do not), and
``import mnlogit`` loads neither the network, nor the MNIST readers, nor the Dask engine."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mnlogit"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path) -> list[tuple[str, str | None, bool]]:
    """(target module, imported name, under TYPE_CHECKING) of every import of mnlogit."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = guarded or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] == "mnlogit":
                    found.extend((target, alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.Import):
                found.extend(
                    (alias.name, None, inner)
                    for alias in child.names
                    if alias.name.split(".")[0] == "mnlogit"
                )
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    private = []
    for name, path in modules.items():
        for target, imported, guarded in _imports(name, path):
            submodule = f"{target}.{imported}" if imported else None
            dest = submodule if submodule in modules else target
            if dest not in modules or dest == name:
                continue
            related = name.startswith(dest + ".") or dest.startswith(name + ".")
            if imported and imported.startswith("_") and not imported.startswith("__"):
                if not related:
                    private.append(f"{name} imports {dest}.{imported}")
            if not guarded:
                edges[name].add(dest)
    return edges, private


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), except a package
    with the submodules its __init__ imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                packages = [c for c in component if (PACKAGE.parent / c.replace(".", "/")).is_dir()]
                inner = [c for c in component if c not in packages]
                if not (
                    len(packages) == 1
                    and len(inner) <= 1
                    and all(c.startswith(packages[0] + ".") for c in inner)
                ):
                    found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in edges:
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_private_name_is_imported_across_modules():
    _, private = _graph()
    assert private == []


def test_no_import_cycles():
    edges, _ = _graph()
    assert _cycles(edges) == []


def test_the_checker_finds_a_cycle_and_a_private_import():
    # The rule itself, on a made-up graph: a test that cannot fail checks nothing.
    edges = {"mnlogit.a": {"mnlogit.b"}, "mnlogit.b": {"mnlogit.a"}, "mnlogit.c": set()}
    assert _cycles(edges) == [["mnlogit.a", "mnlogit.b"]]


def test_import_mnlogit_is_lazy():
    code = (
        "import sys, mnlogit\n"
        "heavy = ['mnlogit.nn', 'mnlogit.datasets.mnist', 'mnlogit.dask_engine', 'dask', "
        "'matplotlib', 'patsy', 'scipy.optimize']\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "mnlogit.nn\n"
        "print('mnlogit.nn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, nn_loaded = out.stdout.strip().splitlines()
    assert loaded == "[]"
    assert nn_loaded == "True"
