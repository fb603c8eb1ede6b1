#!/usr/bin/env python3
"""Set up the project's virtual environment on demand, then start the app or run the tests.

    python3 dev.py start [--demo] [app options]   # set up and start Velvet Rope Desktop
    python3 dev.py test [pytest options]          # set up and run the whole test suite

Only a Python 3.11+ interpreter is needed; everything else is installed into ./.venv the first
time and again whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before any check
        sys.exit(f"Velvet Rope Desktop needs Python 3.11+; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing dependencies (first run, or pyproject.toml changed) …", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)
    # An installed app ships compiled bytecode; an editable one recompiles every module on every
    # start where PYTHONDONTWRITEBYTECODE is set. Compile ahead (only changed files).
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "models", "ui", "vre_desktop", "resources"],
        cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
    )
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "test"}:
        print(__doc__.strip())
        return 2
    command, rest = argv[0], argv[1:]
    python = str(ensure_environment())
    if command == "start":
        return subprocess.call([python, "-m", "vre_desktop", *rest], cwd=ROOT)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # The PostgreSQL tests start their own server (tests/postgres_fixtures.py); here, unlike a
    # bare pytest run, one that cannot start fails the run instead of skipping quietly.
    env.setdefault("VRE_REQUIRE_POSTGRES", "1")
    return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
