"""Log to a rotating file in the user log directory; the console only hears warnings."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from vre_desktop.paths import log_dir

# Pass as ``extra=FILE_ONLY`` for details that the caller reports to the person itself.
FILE_ONLY = {"file_only": True}


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (tests and embedding programs replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _OneLineFormatter(logging.Formatter):
    """The console gets the message only; the traceback goes to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return self._fmt % {"message": record.getMessage()} if self._fmt else record.getMessage()


def configure_logging(verbose: bool = False) -> Path | None:
    root = logging.getLogger()
    if any(getattr(h, "_vre", False) for h in root.handlers):
        return None
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = _StderrHandler()
    console.addFilter(lambda record: not getattr(record, "file_only", False))
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(_OneLineFormatter("vre-desktop: %(message)s"))
    console._vre = True  # type: ignore[attr-defined]
    root.addHandler(console)
    try:
        path = log_dir() / "vre-desktop.log"
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # a read-only home must not stop the counter from working
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._vre = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
