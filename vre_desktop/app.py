"""Wiring: open the database, build the window, run the Qt event loop."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import models
from resources import icon_path
from ui.main_window import MainWindow
from ui.theme import apply_theme
from vre_desktop.app_backups import install_backups
from vre_desktop.error_dialog import install_exception_hook
from vre_desktop.paths import APP_NAME, backup_dir
from vre_desktop.startup_check import check_before_opening

log = logging.getLogger(__name__)

# Set by the benchmark: print when the first frame is on screen, then quit.
STARTUP_PROBE_VARIABLE = "VRE_STARTUP_PROBE"


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    if not app.property("vre_themed"):
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName("Velvet Rope")
        app.setOrganizationName("Velvet Rope")
        app.setWindowIcon(QIcon(str(icon_path())))
        apply_theme(app)
        app.setProperty("vre_themed", True)
    return app


def create_main_window(database_url: str, *, title: str | None = None) -> MainWindow:
    """The counter window on ``database_url`` (a QApplication must already exist)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("create a QApplication before create_main_window()")
    ensure_application()
    sessions = models.open_database(database_url, backup_folder=backup_dir(database_url))
    window = MainWindow(sessions, title=title or _title_for(database_url))
    window.destroyed.connect(lambda *_: sessions.kw["bind"].dispose())
    return window


def _title_for(url: str) -> str:
    name = Path(url.split("///", 1)[-1]).name if url.startswith("sqlite") else url.split("@")[-1]
    return f"Velvet Rope — {name}"


def _demo_database() -> tuple[str, Path]:
    from models.seeding import create_demo_data

    folder = Path(tempfile.mkdtemp(prefix="vre-demo-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    create_demo_data(models.open_database(url))
    return url, folder


def run_gui(database_url: str, *, demo: bool = False) -> int:
    started = time.perf_counter()
    app = ensure_application()
    demo_folder: Path | None = None
    try:
        try:
            if demo:
                database_url, demo_folder = _demo_database()
            elif not check_before_opening(database_url, backup_dir(database_url)):
                return 1  # a damaged database, and the owner chose to quit
            window = create_main_window(
                database_url,
                title="Velvet Rope — demo shop (nothing is saved)" if demo else None,
            )
            if not demo:
                install_backups(window, database_url)
        except models.DatabaseError as exc:
            log.error("%s", exc)
            box = QMessageBox(QMessageBox.Icon.Critical, "Velvet Rope cannot open its database",
                              str(exc))
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
            return 1
        install_exception_hook()
        window.show()
        if os.environ.get(STARTUP_PROBE_VARIABLE):
            QTimer.singleShot(0, lambda: _report_startup(app, window, started))
        return app.exec()
    finally:
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


def _report_startup(app: QApplication, window: MainWindow, started: float) -> None:
    window.repaint()  # make sure the first frame is really painted
    print(f"interactive {time.perf_counter() - started:.4f}", flush=True)  # noqa: T201
    app.quit()
