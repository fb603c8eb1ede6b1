"""Guards against known-bad Qt bindings.

PySide6 6.12.0 on Python 3.11 aborts the whole process (Fatal Python error: bool_dealloc) after
a few thousand Signal.emit() calls from Python. pyproject.toml pins around it; this test fails
(by crashing the run) if a release with that fault is ever installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

EMITS = 100_000


def test_a_hundred_thousand_signal_emits_do_not_crash_the_process() -> None:
    # In a child process: the fault aborts the interpreter, which must fail this test rather
    # than take the whole suite down.
    script = textwrap.dedent(
        f"""
        from PySide6.QtCore import QCoreApplication, QObject, Signal

        class Emitter(QObject):
            changed = Signal(bool)
            counted = Signal(int, str)

        app = QCoreApplication([])
        emitter = Emitter()
        seen = []
        emitter.changed.connect(lambda flag: seen.append(flag))
        emitter.counted.connect(lambda n, s: None)
        for i in range({EMITS}):
            emitter.changed.emit(i % 2 == 0)
            emitter.counted.emit(i, "x")
        print(len(seen))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(EMITS)
