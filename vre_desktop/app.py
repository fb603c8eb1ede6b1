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
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import models
from models.staff import SignedIn, signed_in_sessions
from resources import icon_path
from ui.main_window import MainWindow
from ui.sign_in.counter_lock import CounterLock
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


def create_main_window(
    database_url: str, *, title: str | None = None, signed_in: SignedIn | None = None
) -> MainWindow:
    """The counter window on ``database_url`` (a QApplication must already exist).

    Without ``signed_in`` it acts with the owner's powers, like a script (tests, tools);
    with it, every change is made as ``signed_in.actor``.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("create a QApplication before create_main_window()")
    ensure_application()
    sessions = models.open_database(database_url, backup_folder=backup_dir(database_url))
    if signed_in is not None:
        sessions = signed_in_sessions(sessions, signed_in)
    window = MainWindow(sessions, title=title or _title_for(database_url))
    window.destroyed.connect(lambda *_: sessions.kw["bind"].dispose())
    return window


def create_counter(
    database_url: str, *, title: str | None = None, demo: bool = False, backups: bool = True
) -> CounterLock:
    """The counter as the shop runs it: the sign-in screen first; the counter window (with
    its backups) is built for the first person who signs in, and locks again on Ctrl+L or
    after the shop's idle time. Call ``start()`` on the result to show it."""
    ensure_application()
    holder = SignedIn()
    sessions = models.open_database(database_url, backup_folder=backup_dir(database_url))
    counter_sessions = signed_in_sessions(sessions, holder)
    title = title or _title_for(database_url)

    def build() -> MainWindow:
        window = MainWindow(counter_sessions, title=title)
        if backups:
            install_backups(window, database_url, counter_lock=lock)
        return window

    lock = CounterLock(counter_sessions, holder, build, title=title,
                       demo_staff=_demo_pins() if demo else ())
    engine = sessions.kw["bind"]
    lock.destroyed.connect(lambda *_: engine.dispose())
    return lock


def _demo_pins() -> list[tuple[str, str, str]]:
    """The demo team's names, roles and PINs, for the demo's sign-in screen only."""
    from models.seeding.demo import DEMO_STAFF

    return [(person.name, person.role.label, person.pin) for person in DEMO_STAFF]


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
            lock = create_counter(
                database_url,
                title="Velvet Rope — demo shop (nothing is saved)" if demo else None,
                demo=demo, backups=not demo,
            )
        except models.DatabaseError as exc:
            log.error("%s", exc)
            box = QMessageBox(QMessageBox.Icon.Critical, "Velvet Rope cannot open its database",
                              str(exc))
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
            return 1
        install_exception_hook()
        lock.start()  # the sign-in screen; the counter window follows the first sign-in
        if os.environ.get(STARTUP_PROBE_VARIABLE):
            QTimer.singleShot(0, lambda: _report_startup(app, lock.screen, started))
        code = app.exec()
        lock.sessions.kw["bind"].dispose()  # before the demo's folder goes
        return code
    finally:
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


def _report_startup(app: QApplication, window: QWidget, started: float) -> None:
    window.repaint()  # make sure the first frame is really painted
    print(f"interactive {time.perf_counter() - started:.4f}", flush=True)  # noqa: T201
    app.quit()
