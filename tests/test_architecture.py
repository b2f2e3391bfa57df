"""The layout shows the pipeline: stages import one way (import-linter), and no module
reaches into another's private names."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

from tests.conftest import REPO


LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(folder) -> subprocess.CompletedProcess:
    """`lint-imports setup.cfg` on the package in `folder`, as CI runs it."""
    return subprocess.run([sys.executable, "-c", LINT, "setup.cfg"], cwd=folder, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder)})


def test_stages_import_one_way():
    """The contract in setup.cfg: cli > publish | outreach > output > render > photos >
    newsroom > the shared modules."""
    proc = lint_imports(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def private_imports() -> list[str]:
    found = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.module}.{alias.name}")
    return found


def test_no_module_imports_another_modules_private_names():
    assert private_imports() == []


def test_the_contract_catches_an_import_against_the_flow(tmp_path):
    """The check is real: a copy of the package where newsroom imports build is refused."""
    copy = tmp_path / "generator"
    shutil.copytree(REPO / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    paths = copy / "newsroom" / "paths.py"
    paths.write_text(paths.read_text("utf-8") + "\nfrom generator.output import pipeline  # noqa\n", "utf-8")
    shutil.copy(REPO / "setup.cfg", tmp_path / "setup.cfg")
    proc = lint_imports(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "generator.newsroom is not allowed to import generator.output" in proc.stdout
