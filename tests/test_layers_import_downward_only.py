"""The packages import downward only. `core` (settings, secrets, logs, the migration runner, URLs) imports
no other package of the project; `service` (the API) and `jobs` (the workers) import `core` and not each
other; `fakes` (test and sandbox infrastructure) import at most `core`, and nothing but the shell, tests and
benchmarks imports them; the shell `trackai` (cli, sandbox, mcp, doctor, local cluster) may import all.

Every module is parsed with `ast`: imports at the top, inside functions, under TYPE_CHECKING, and
`importlib.import_module("…")` with a literal name all count."""

from __future__ import annotations

import ast
from pathlib import Path

from core.settings import REPO_ROOT

# what each package may import (itself included); tests/ and bench/ may import anything
MAY_IMPORT = {
    "core": {"core"},
    "service": {"core", "service"},
    "jobs": {"core", "jobs"},
    "fakes": {"core", "fakes"},
    "trackai": {"core", "service", "jobs", "fakes", "trackai"},
}
UNCHECKED = {"tests", "bench"}
PROJECT = set(MAY_IMPORT) | UNCHECKED


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module; relative imports stay in their package."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            found.append((node.lineno, node.args[0].value))
    return found


def climbing(source: str, package: str) -> list[tuple[int, str]]:
    """The imports of a module of `package` that reach a project package it may not import."""
    return [(line, name) for line, name in imported(ast.parse(source))
            if name.split(".")[0] in PROJECT and name.split(".")[0] not in MAY_IMPORT[package]]


def modules() -> list[tuple[str, Path]]:
    return [(package, path) for package in sorted(MAY_IMPORT)
            for path in sorted((REPO_ROOT / package).rglob("*.py"))]


def test_every_package_of_the_project_has_a_rule():
    packages = {p.parent.name for p in REPO_ROOT.glob("*/__init__.py")}
    assert packages == PROJECT, f"a package without a layer rule: {sorted(packages - PROJECT)}"


def test_no_module_imports_a_layer_above_its_own():
    found = modules()
    assert len(found) > 60
    wrong = [f"{path.relative_to(REPO_ROOT)}:{line} imports {name}"
             for package, path in found for line, name in climbing(path.read_text(encoding="utf-8"), package)]
    assert not wrong, "imports that climb a layer:\n" + "\n".join(wrong)


def test_the_check_catches_an_import_that_climbs():
    source = '''
import json
import core.settings
from core import secrets
from . import sibling
from jobs.base import QueueWorker

def later():
    from trackai.cli import app
    import service.app

def dynamic():
    import importlib
    return importlib.import_module("fakes.meta_graph")
'''
    assert climbing(source, "trackai") == []
    assert climbing(source, "jobs") == [(9, "trackai.cli"), (10, "service.app"), (14, "fakes.meta_graph")]
    assert climbing(source, "service") == [(6, "jobs.base"), (9, "trackai.cli"), (14, "fakes.meta_graph")]
    assert climbing(source, "core") == [(6, "jobs.base"), (9, "trackai.cli"), (10, "service.app"),
                                        (14, "fakes.meta_graph")]
    assert climbing(source, "fakes") == [(6, "jobs.base"), (9, "trackai.cli"), (10, "service.app")]
