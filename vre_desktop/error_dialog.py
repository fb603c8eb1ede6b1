"""Last-resort handling of unexpected errors in the running app: log them, say so plainly."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models.errors import PermissionDenied
from vre_desktop.logging_setup import FILE_ONLY

log = logging.getLogger(__name__)


def plain_message(error: BaseException) -> str:
    if isinstance(error, PermissionDenied):
        # Not a fault: the sentence already says who may do it ("… needs the owner (Sam is
        # signed in as clerk)."), and the service refused before changing anything.
        return str(error)
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = text[0] if text else type(error).__name__
    if "database is locked" in detail:
        return ("Another counter is saving to the database right now. "
                "Nothing was lost; please try again in a moment.")
    return f"Something went wrong: {detail}. Nothing else was changed."


def install_exception_hook() -> None:
    """Errors escaping a Qt slot are logged with their traceback and shown as one sentence."""

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        refused = isinstance(error, PermissionDenied)
        if refused:  # a rule, not a bug: no traceback
            log.info("refused: %s", error, extra=FILE_ONLY)
        else:
            log.error("unexpected error", exc_info=(kind, error, trace), extra=FILE_ONLY)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            icon = QMessageBox.Icon.Information if refused else QMessageBox.Icon.Warning
            box = QMessageBox(icon, "Velvet Rope", plain_message(error),
                              parent=app.activeWindow())
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()

    sys.excepthook = hook
