"""Size gate (issue 19): no module in src/ over 600 lines, no function over 80 lines.

`python tools/check_size.py [ROOT]` walks ROOT (default src/) and prints every module longer than
`max-module-lines` and every function (or method, nested ones included) longer than `max-function-lines`.
Known offenders are listed in pyproject.toml's `[tool.dramagen.size-exceptions]` with the issue that clears
them; they are printed on every run (so they stay visible) but do not fail. An exception that no longer
applies (the module or function shrank or was removed) fails the run, so the list only shrinks.
Exit status: 0 when every finding is listed, 1 otherwise.

`python tools/check_size.py --ruff-exceptions` prints ruff's per-file exceptions (pyproject's
`[tool.ruff.lint.per-file-ignores]`) instead, so `make lint` shows every exception the gate grants.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: mypy's dependency
    import tomli as tomllib


REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Finding:
    key: str  # "path" for a module, "path::qualified.name" for a function
    lines: int
    limit: int

    def __str__(self) -> str:
        return f"{self.key}: {self.lines} lines (limit {self.limit})"


def _functions(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every function and method with its qualified name (Class.method, outer.inner)."""
    found: list[tuple[str, ast.AST]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((name, child))
                walk(child, name + ".")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


def findings(root: Path, max_module: int, max_function: int) -> list[Finding]:
    out: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > max_module:
            out.append(Finding(rel, n, max_module))
        for name, node in _functions(ast.parse(text, filename=rel)):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > max_function:
                out.append(Finding(f"{rel}::{name}", length, max_function))
    return out


def print_ruff_exceptions(pyproject: dict) -> None:
    ignores = pyproject["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    print(f"ruff: {len(ignores)} listed per-file exception(s) in pyproject [tool.ruff.lint.per-file-ignores]:")
    for pattern, codes in ignores.items():
        print(f"  {pattern}: {', '.join(codes)}")


def main(argv: list[str]) -> int:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    if argv[:1] == ["--ruff-exceptions"]:
        print_ruff_exceptions(pyproject)
        return 0
    config = pyproject["tool"]["dramagen"]
    limits = config["size"]
    exceptions: dict[str, str] = config.get("size-exceptions", {})
    root = Path(argv[0]).resolve() if argv else REPO / "src"
    found = findings(root, limits["max-module-lines"], limits["max-function-lines"])
    failed = [f for f in found if f.key not in exceptions]
    listed = [f for f in found if f.key in exceptions]
    stale = sorted(set(exceptions) - {f.key for f in found})
    if listed:
        print(f"size: {len(listed)} listed exception(s) in pyproject [tool.dramagen.size-exceptions]:")
        for f in listed:
            print(f"  {f}  -- {exceptions[f.key]}")
    for key in stale:
        print(f"size: stale exception (now within the limits or gone; remove it from pyproject): {key}")
    for f in failed:
        print(f"size: {f}  -- split it (or list it in [tool.dramagen.size-exceptions] with its issue)")
    ok = not failed and not stale
    print(f"size: {'ok' if ok else 'FAILED'} ({len(failed)} new finding(s), {len(stale)} stale exception(s))")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
