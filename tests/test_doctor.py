"""`make-book doctor`: each tool found or missing, with the line that installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli

from make_book.cli import main
from make_book.commands import doctor


def test_doctor_on_this_machine_finds_what_a_build_needs() -> None:
    done = run_cli("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    names = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("ok ")}
    assert {"Python", "pandoc", "Pango", "HarfBuzz", "WeasyPrint"} <= names, done.stdout


def test_a_missing_optional_tool_is_named_with_its_install_line(tmp_path: Path) -> None:
    # No java and no node on an empty PATH: optional, so the exit code stays 0.
    done = run_cli_with_path(str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "missing  Java" in done.stdout
    assert "apt-get install -y default-jre-headless" in done.stdout


def run_cli_with_path(path: str) -> subprocess.CompletedProcess[str]:
    """`make-book doctor` with only `path` to look for programs in."""
    exe = Path(sys.executable).parent / "make-book"
    return subprocess.run([str(exe), "doctor"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": path})


def test_a_missing_requirement_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "_pandoc", lambda: None)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 3
    assert "MISSING  pandoc" in result.stdout and "pip install pypandoc-binary" in result.stdout
    assert "something a build needs is missing" in result.stderr
