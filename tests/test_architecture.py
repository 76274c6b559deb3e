"""The import direction main -> ui -> layers -> qjgis, checked on every run.

Inside ui: ui.launch starts ui.gui or ui.cli, and both use ui.texts; the
command line (ui.cli) and the texts (ui.texts) never import Qt, layers or ui.gui, so the
command line runs where PySide6 is not installed.

Two independent checks: an AST scan of our own (it also sees `PySide6.QtWidgets`,
which import-linter cannot forbid as a submodule of an external package, and
imports hidden inside functions), and import-linter's contracts from
pyproject.toml. Neither needs Qt, so this file runs in the headless tier too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> modules it must never import (a name forbids its submodules too)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "qjgis": ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "layers", "ui"),
    "layers": ("ui", "PySide6.QtWidgets", "PyQt5.QtWidgets", "PyQt6.QtWidgets"),
    "ui.cli": ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "layers", "ui.gui"),
    "ui.presenters": ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "layers", "ui.gui"),
    "ui.texts": (
        "PySide6",
        "shiboken6",
        "PyQt5",
        "PyQt6",
        "PySide2",
        "layers",
        "ui.gui",
        "ui.cli",
    ),
}


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported} (forbidden: {self.rule})"


def imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """Every module an AST may import, with its line; `from a import b` yields a and a.b.

    `module` is the dotted name of the file itself, to resolve relative imports.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # "pkg.sub.mod" at level 1 is relative to "pkg.sub" (and so is its __init__).
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            # `from PySide6 import QtWidgets` imports the submodule PySide6.QtWidgets.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((node.lineno, arg.value))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def _matches(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


def check_package(folder: Path, package: str, forbidden: tuple[str, ...]) -> list[Violation]:
    """Violations of `forbidden` by any .py file under `folder` (the package `package`)."""
    violations: list[Violation] = []
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder).with_suffix("")
        parts = [package, *rel.parts]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in imported_modules(tree, ".".join(parts)):
            for rule in forbidden:
                if _matches(name, rule):
                    violations.append(Violation(path, line, name, rule))
    return violations


# ---------------------------------------------------------------- the real tree
@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_the_import_direction(package: str) -> None:
    folder = ROOT.joinpath(*package.split("."))
    assert (folder / "__init__.py").is_file(), f"{package}/ is not a package"
    violations = check_package(folder, package, FORBIDDEN[package])
    assert not violations, "\n".join(map(str, violations))


def test_import_linter_contracts_are_kept() -> None:
    result = _run_import_linter(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout  # the summary line: proves contracts were read
    assert "0 broken" in result.stdout


# ---------------------------------------------------------------- the checkers can fail
VIOLATIONS = {
    "qjgis": [
        "import PySide6",
        "from PySide6.QtCore import QObject",
        "import shiboken6",
        "from layers import renderer",
        "import ui.main_window",
        "from ui import app",
        "def lazy():\n    from PySide6 import QtGui",
        "import importlib\nimportlib.import_module('PySide6.QtCore')",
    ],
    "ui.cli": [
        "from PySide6.QtCore import QCoreApplication",
        "from ui.gui.app import run_gui",
        "def lazy():\n    import ui.gui.main_window",
        "from layers import style",
    ],
    "ui.texts": [
        "from PySide6.QtCore import QCoreApplication",
        "from ui.cli import common",
        "import ui.gui",
    ],
    "layers": [
        "from PySide6 import QtWidgets",
        "from PySide6.QtWidgets import QWidget",
        "import PySide6.QtWidgets",
        "from ui.main_window import MainWindow",
        "import ui",
    ],
}
ALLOWED = {
    "qjgis": [
        "import numpy",
        "from qjgis.store import GpkgStore",
        "import uitools_not_ours",
        "from .. import ui_helpers",  # relative: qjgis.ui_helpers, not the ui package
    ],
    "layers": [
        "from PySide6 import QtGui, QtCore",
        "from PySide6.QtGui import QPainter",
        "from qjgis.store import GpkgStore",
        "import uikit_not_ours",
    ],
    "ui.cli": ["from ui.texts import t", "from qjgis.store import GpkgStore", "import ui.guide"],
    "ui.texts": ["from qjgis.errors import QjgisError", "import locale"],
}


def _write_module(root: Path, package: str, source: str) -> Path:
    top = root.joinpath(*package.split("."))
    folder = top / "sub"
    folder.mkdir(parents=True, exist_ok=True)
    (top / "__init__.py").touch()
    (folder / "__init__.py").touch()
    path = folder / "mod.py"
    path.write_text(source + "\n", encoding="utf-8")
    return top


@pytest.mark.parametrize(
    ("package", "source"), [(p, s) for p, snippets in VIOLATIONS.items() for s in snippets]
)
def test_ast_checker_catches_a_violation(package: str, source: str, tmp_path: Path) -> None:
    folder = _write_module(tmp_path, package, source)
    violations = check_package(folder, package, FORBIDDEN[package])
    assert violations, f"not caught in {package}: {source!r}"
    assert all(v.path.name == "mod.py" for v in violations)


@pytest.mark.parametrize(
    ("package", "source"), [(p, s) for p, snippets in ALLOWED.items() for s in snippets]
)
def test_ast_checker_allows_the_permitted_imports(
    package: str, source: str, tmp_path: Path
) -> None:
    folder = _write_module(tmp_path, package, source)
    assert check_package(folder, package, FORBIDDEN[package]) == []


def test_import_linter_catches_a_violation(tmp_path: Path) -> None:
    """The contracts in pyproject.toml, applied to a tree where qjgis imports ui."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {_toml(v)}" for k, v in contracts.items() if k != "contracts"]
    for contract in contracts["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{k} = {_toml(v)}" for k, v in contract.items()]
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for package in contracts["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    for sub in ("cli", "texts", "gui", "presenters"):  # the subpackages the contracts name
        (tmp_path / "ui" / sub).mkdir()
        (tmp_path / "ui" / sub / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "ui" / "launch.py").write_text("", encoding="utf-8")
    (tmp_path / "ui" / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "qjgis" / "bad.py").write_text(
        textwrap.dedent(
            """
            from ui import VALUE
            """
        ),
        encoding="utf-8",
    )
    result = _run_import_linter(tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "qjgis.bad" in result.stdout


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _run_import_linter(cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports in `cwd`, through its Python API in a child of this interpreter.

    The API (rather than the console script) needs no PATH and works wherever
    import-linter is importable; the child keeps its module cache and sys.path
    out of this test process. The cache is off so no files land in the tree.
    """
    pytest.importorskip("importlinter", reason="import-linter is not installed")
    # Older import-linter 2.x lacks some keywords: pass only those it has.
    code = textwrap.dedent(
        """
        import inspect, sys
        from importlinter.cli import lint_imports
        known = inspect.signature(lint_imports).parameters
        sys.exit(lint_imports(**{k: True for k in ("no_cache", "no_logo") if k in known}))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
