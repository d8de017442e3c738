"""The shape of the house: arrows only downstream, and modules a person can read.

Walks the source of the installed packages with ``ast`` (imports inside functions and
``TYPE_CHECKING`` blocks included), so an upward import fails here before it tangles the
stages.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

# Layer of each installed package, and what it may import besides itself and the standard
# library and third-party packages (click only where the command line lives).
LAYERS = {
    "tidtam.core": set(),
    "tidtam.sync": {"tidtam.core"},
    "tidtam.transform": {"tidtam.core"},
    "tidtam.render": {"tidtam.core", "tidtam.transform"},
}
APP = "tidtam"  # the top: cli, pipeline, job, publish, history, lock
STAGES = ["tidtam.core", "tidtam.sync", "tidtam.transform", "tidtam.render"]
FORBIDDEN_EVERYWHERE_BUT_APP = {"click"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def package_files(package: str) -> list[Path]:
    """The .py files of an installed package, where Python really loads them from."""
    module = importlib.import_module(package)
    files: list[Path] = []
    for folder in module.__path__:
        root = Path(folder)
        if package == APP:
            files += sorted(root.glob("*.py"))  # the app's own modules; stages are separate
        else:
            files += sorted(root.rglob("*.py"))
    return files


def imported(file: Path) -> set[str]:
    """Every module ``file`` imports, anywhere in it."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def layer_of(name: str) -> str | None:
    """The package layer a module name belongs to (None: not tidtam)."""
    for stage in STAGES:
        if name == stage or name.startswith(stage + "."):
            return stage
    if name == APP or name.startswith(APP + "."):
        return APP
    return None


def upward_imports(package: str) -> list[str]:
    allowed = LAYERS[package] | {package}
    found = []
    for file in package_files(package):
        for name in imported(file):
            top = name.split(".")[0]
            if top in FORBIDDEN_EVERYWHERE_BUT_APP:
                found.append(f"{file.name} imports {name}")
                continue
            layer = layer_of(name)
            if layer is not None and layer not in allowed and name != APP:
                found.append(f"{file.name} imports {name}")
            if name == APP or name.startswith("tidtam.__"):
                found.append(f"{file.name} imports the app package {name}")
    return sorted(set(found))


@pytest.mark.parametrize("package", STAGES)
def test_no_upward_import(package):
    assert upward_imports(package) == []


def test_render_never_opens_the_history_or_sync_settings():
    names = {n for f in package_files("tidtam.render") for n in imported(f)}
    assert not any(n.startswith(("tidtam.history", "tidtam.sync", "sqlite3")) for n in names)


def test_the_walk_sees_an_upward_arrow(tmp_path, monkeypatch):
    """The check itself can fail: a transform module importing render is reported."""
    fake = tmp_path / "bad.py"
    fake.write_text("def f():\n    from tidtam.render import site\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "package_files", lambda _package: [fake])
    assert upward_imports("tidtam.transform") == ["bad.py imports tidtam.render",
                                                  "bad.py imports tidtam.render.site"]


def all_source_files() -> list[Path]:
    return [f for package in [APP, *STAGES] for f in package_files(package)]


def long_parts(file: Path) -> list[str]:
    """Module over MAX_MODULE_LINES lines, functions over MAX_FUNCTION_LINES lines."""
    text = file.read_text(encoding="utf-8")
    found = []
    lines = text.count("\n") + 1
    if lines > MAX_MODULE_LINES:
        found.append(f"{file.name}: {lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{file.name}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_modules_and_functions_fit_on_a_page():
    assert [p for f in all_source_files() for p in long_parts(f)] == []


def test_the_size_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    fake = tmp_path / "long.py"
    fake.write_text(f"def f():\n{body}\n", encoding="utf-8")
    assert long_parts(fake) == [f"long.py:1 f(): {MAX_FUNCTION_LINES + 1} lines"]
