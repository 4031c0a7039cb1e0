"""Import-cycle gate (issue 19): no module of src/dramagen imports itself back through other modules.

`python tools/check_cycles.py` reads every module's imports with ``ast`` (those inside functions included: a
deferred import hides a cycle from Python but not from the reader; ``if TYPE_CHECKING:`` blocks excluded) and
prints each cycle, a chain of imports from a module back to itself (``a -> b -> a``). ``from pkg import name``
depends on ``pkg.name`` when that is a submodule and on ``pkg`` (its ``__init__``) otherwise; the parent packages
Python loads on the way are not counted, so a package's ``__init__`` may import its submodules as long as they
do not import names back from it.
Cycles listed in pyproject's ``[tool.dramagen.cycle-exceptions]`` (as "a -> b -> a" with the issue that clears
them) are printed but do not fail; an exception that no longer occurs fails the run, so the list only shrinks.
Exit status: 0 when every cycle is listed, 1 otherwise.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: mypy's dependency
    import tomli as tomllib


REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
PACKAGE = "dramagen"


def _modules(src: Path, package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module, wherever they are (not under ``if TYPE_CHECKING:``)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    walk(ast.Module(body=[sub], type_ignores=[]))
            else:
                walk(child)

    walk(tree)
    return found


def _targets(name: str, is_pkg: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The package modules one import statement loads (the imported module, its parents, imported submodules)."""
    bases: list[str] = []
    if isinstance(node, ast.Import):
        bases = [a.name for a in node.names]
    else:
        if node.level:
            here = name.split(".") if is_pkg else name.split(".")[:-1]
            here = here[: len(here) - (node.level - 1)]
            base = ".".join(here + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        # a name that is a submodule is that module; any other name comes from the package's __init__
        bases = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    return {b for b in bases if b in known}


def graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package modules it imports, for every module of ``package`` under ``src``."""
    mods = _modules(src, package)
    known = set(mods)
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        for node in _imports(tree):
            targets |= _targets(name, path.name == "__init__.py", node, known)
        edges[name] = targets - {name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """One shortest cycle through each edge that lies on a cycle, each written from its smallest module."""
    found: set[tuple[str, ...]] = set()
    for a in sorted(edges):
        for b in sorted(edges[a]):
            # breadth-first from b back to a
            prev: dict[str, str | None] = {b: None}
            queue = [b]
            while queue and a not in prev:
                nxt = []
                for v in queue:
                    for w in sorted(edges.get(v, ())):
                        if w not in prev:
                            prev[w] = v
                            nxt.append(w)
                queue = nxt
            if a not in prev:
                continue
            chain: list[str] = []
            v: str | None = a
            while v is not None:
                chain.append(v)
                v = prev[v]
            cyc = chain[::-1][:-1]  # b ... (before a)
            cyc = [a, *cyc]
            k = cyc.index(min(cyc))
            found.add(tuple(cyc[k:] + cyc[:k]))
    return sorted(found, key=lambda c: (len(c), c))


def _show(c: tuple[str, ...]) -> str:
    return " -> ".join((*c, c[0]))


def main(argv: list[str]) -> int:
    exceptions: dict[str, str] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["dramagen"].get("cycle-exceptions", {})
    found = [_show(c) for c in cycles(graph())]
    listed = [c for c in found if c in exceptions]
    failed = [c for c in found if c not in exceptions]
    stale = sorted(set(exceptions) - set(found))
    if listed:
        print(f"cycles: {len(listed)} listed exception(s) in pyproject [tool.dramagen.cycle-exceptions]:")
        for c in listed:
            print(f"  {c}  -- {exceptions[c]}")
    for c in stale:
        print(f"cycles: stale exception (no longer a cycle; remove it from pyproject): {c}")
    for c in failed:
        print(f"cycles: import cycle {c}")
    ok = not failed and not stale
    print(f"cycles: {'ok' if ok else 'FAILED'} ({len(found)} cycle(s), {len(failed)} unlisted, "
          f"{len(stale)} stale exception(s))")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
