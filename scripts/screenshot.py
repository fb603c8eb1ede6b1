"""Render the counter window on the demo data to docs/*.png (for README and for looking).

    .venv/bin/python scripts/screenshot.py [OUTPUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

import models
from models.seeding import create_demo_data
from vre_desktop.app import create_main_window, ensure_application


def _visible_dialog(window: QWidget) -> QDialog:
    QApplication.processEvents()
    return next(d for d in window.findChildren(QDialog) if d.isVisible())


def _problem_views(window: QWidget, out: Path) -> None:
    """The card's "last time", the problem form, the timeline and the follow-ups list."""
    search = window.search_box  # type: ignore[attr-defined]
    search.setText("zoe park")
    QTest.keyClick(search, Qt.Key.Key_Return)
    QTest.qWait(50)
    window.grab().save(str(out / "last-time.png"))
    QTest.keyClick(search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = _visible_dialog(window)
    QTest.keyClicks(dialog.focusWidget(), "Almond croissant was stale")
    dialog.adjustSize()
    QTest.qWait(50)
    dialog.grab().save(str(out / "log-problem.png"))
    dialog.discard_and_close()  # type: ignore[attr-defined]
    search.setText("pepe")
    QTest.keyClick(search, Qt.Key.Key_Return)
    QTest.keyClick(search, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = _visible_dialog(window)
    QTest.qWait(50)
    dialog.grab().save(str(out / "timeline.png"))
    dialog.reject()
    QTest.keyClick(search, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = _visible_dialog(window)
    QTest.qWait(50)
    dialog.grab().save(str(out / "follow-ups.png"))
    dialog.reject()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    app = ensure_application()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        create_demo_data(models.open_database(url))
        window = create_main_window(url, title="Velvet Rope — demo shop")
        window.resize(1200, 760)
        window.show()
        QApplication.processEvents()
        QTest.keyClicks(window.search_box, "obri")
        QTest.keyClick(window.search_box, Qt.Key.Key_Return)
        QTest.qWait(50)  # let the card's layout settle, as it does on screen
        window.grab().save(str(out / "screenshot.png"))
        QTest.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        QTest.qWait(50)
        window.grab().save(str(out / "checked-in.png"))
        window.search_box.setText("corgi")
        QTest.keyClick(window.search_box, Qt.Key.Key_Return)
        QTest.qWait(50)
        window.grab().save(str(out / "search-corgi.png"))
        window.search_box.setText("Marisol Ortega")
        QTest.keyClick(window.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        QApplication.processEvents()
        dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
        dialog.grab().save(str(out / "new-regular.png"))
        dialog.reject()
        _problem_views(window, out)
        window.close()
    empty = tempfile.TemporaryDirectory()
    first_run = create_main_window(f"sqlite:///{Path(empty.name) / 'new.sqlite3'}")
    first_run.resize(1200, 760)
    first_run.show()
    QApplication.processEvents()
    first_run.grab().save(str(out / "first-run.png"))
    first_run.close()
    app.processEvents()
    print(f"saved screenshots in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
