"""House rules that keep the code base healthy, checked on every run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / name if (BIN / name).exists() else shutil.which(name)
    if executable is None:
        pytest.fail(f"{name} is not installed; it is a test dependency in pyproject.toml")
    return subprocess.run(
        [str(executable), *args], cwd=ROOT, capture_output=True, text=True, check=False,
        timeout=600,
    )


def test_models_never_import_qt_ui_or_the_app() -> None:
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_strict_on_models() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
