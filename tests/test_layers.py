"""The package's layers, enforced: import-linter's contracts (pyproject.toml) hold, and they
would catch a function-local import that reaches up a layer or closes a cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS.exists(), "import-linter is missing: run `scripts/setup.sh --test`"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_package_keeps_its_layers_and_has_no_cycle() -> None:
    done = lint_imports(REPO / "src", REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_a_function_local_import_up_a_layer_breaks_the_contracts(tmp_path: Path) -> None:
    """The model (core) importing the command line inside a function: a layer broken and a
    cycle closed, both found although the import is hidden in a function."""
    shutil.copytree(REPO / "src" / "make_book", tmp_path / "src" / "make_book",
                    ignore=shutil.ignore_patterns("__pycache__", "*.otf", "*.woff2"))
    shutil.copyfile(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "src" / "make_book" / "core" / "model.py"
    model.write_text(model.read_text(encoding="utf-8")
                     + "\n\ndef _reach_up():\n    from make_book.cli import main\n\n"
                       "    return main\n", encoding="utf-8")
    done = lint_imports(tmp_path / "src", tmp_path)
    assert done.returncode != 0
    assert "0 kept, 2 broken" in done.stdout, done.stdout
    assert "make_book.core.model -> make_book.cli" in done.stdout, done.stdout
