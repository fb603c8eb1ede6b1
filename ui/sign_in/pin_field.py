"""A masked PIN entry: digits only, at most PIN_MAX_DIGITS, a numeric keypad on touch screens."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from models.staff import PIN_MAX_DIGITS


def pin_field(name: str, accessible: str, *, width: int = 160) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(PIN_MAX_DIGITS)
    edit.setValidator(QRegularExpressionValidator(
        QRegularExpression(rf"\d{{0,{PIN_MAX_DIGITS}}}"), edit))
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly
                             | Qt.InputMethodHint.ImhSensitiveData)
    edit.setMaximumWidth(width)
    return edit
