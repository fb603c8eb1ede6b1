"""Log to a rotating file in the user log directory; the console only hears warnings."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from vre_desktop.paths import log_dir


def configure_logging(verbose: bool = False) -> Path | None:
    root = logging.getLogger()
    if any(getattr(h, "_vre", False) for h in root.handlers):
        return None
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("vre-desktop: %(message)s"))
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
