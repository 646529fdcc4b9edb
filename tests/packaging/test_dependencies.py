"""The runtime dependencies in pyproject.toml are the distributions the package imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

#: Declared, never imported by name: what the package needs of them happens inside another library.
USED_WITHOUT_IMPORT = {
    "jinja2": "Starlette's Jinja2Templates renders the endpoint's HTML pages with it",
    "httptools": "uvicorn's httptools protocol (extended by endpoint/server.py) parses HTTP with it",
    "uvloop": "uvicorn runs its event loop on it when it is installed",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(root: Path) -> set[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project["dependencies"]:
        m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert m, requirement
        names.add(canonical(m[0]))
    return names


def imported(root: Path) -> dict[str, set[str]]:
    """The distributions the package's modules import (top-level, in functions, under TYPE_CHECKING), by where."""
    modules: dict[str, set[str]] = {}
    for path in sorted((root / "kkni_rdf").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "kkni_rdf" and top not in sys.stdlib_module_names:
                    modules.setdefault(top, set()).add(path.relative_to(root).as_posix())
    distributions = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for module, where in modules.items():
        for dist in distributions.get(module, [module]):
            found.setdefault(canonical(dist), set()).update(where)
    return found


def test_every_imported_distribution_is_a_runtime_dependency(root: Path) -> None:
    missing = {dist: sorted(where) for dist, where in imported(root).items() if dist not in declared(root)}
    assert not missing, f"imported by the package but not in [project] dependencies: {missing}"


def test_every_runtime_dependency_is_used(root: Path) -> None:
    unused = declared(root) - set(imported(root)) - set(USED_WITHOUT_IMPORT)
    assert not unused, f"in [project] dependencies but imported nowhere in kkni_rdf/: {sorted(unused)}"
