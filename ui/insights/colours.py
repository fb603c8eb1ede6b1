"""Colours for table cells that mean something (better, worse, win back), readable on light and
dark palettes alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.insights.table_model import RowStyle
from ui.theme import LIGHT


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def better(palette: QPalette | None = None) -> QColor:
    """More visits, fewer problems."""
    return QColor("#6fcf97" if is_dark(palette) else LIGHT.success)


def worse(palette: QPalette | None = None) -> QColor:
    return QColor("#ff8a80" if is_dark(palette) else LIGHT.alert)


def win_back_style(palette: QPalette | None = None) -> RowStyle:
    """The rows to act on first: warm, like the card's "Last time" box."""
    if is_dark(palette):
        return RowStyle(QColor("#4a3510"), QColor("#fff3dc"))
    return RowStyle(QColor(LIGHT.caution_soft), QColor(LIGHT.text))
