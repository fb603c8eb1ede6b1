"""Shop-wide settings (stored in the database, so every counter agrees) and the way to the
problem categories. Enter saves, Esc cancels."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import models
from models.settings import AUTO_LOCK_MINUTES, Setting
from ui.categories_dialog import CategoriesDialog


@dataclass(frozen=True)
class SettingRow:
    """How one setting is shown; a new setting is one more entry in SETTING_ROWS."""

    setting: Setting
    object_name: str
    suffix: str
    explanation: str


SETTING_ROWS: tuple[SettingRow, ...] = (
    SettingRow(
        models.LAST_TIME_DAYS, "lastTimeDaysSpin", " days",
        "The greeting card shows the most recent problem from this many days back; "
        "safety problems always show.",
    ),
    SettingRow(
        AUTO_LOCK_MINUTES, "autoLockMinutesSpin", " min",
        "With nobody typing or touching the screen this long, the counter locks and shows "
        "the sign-in pad; what was open comes back for the same person.",
    ),
)


class SettingsDialog(QDialog):
    def __init__(self, sessions: models.SessionFactory, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(520)
        self._sessions = sessions
        self.categories_dialog: CategoriesDialog | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(4)
        self.spins: dict[str, QSpinBox] = {}
        self.errors: dict[str, QLabel] = {}
        self._typed: dict[str, str] = {}
        with sessions() as session:
            values = {row.setting.key: models.get_setting(session, row.setting)
                      for row in SETTING_ROWS}
        for row in SETTING_ROWS:
            setting = row.setting
            spin = QSpinBox()
            spin.setObjectName(row.object_name)
            spin.setAccessibleName(setting.label)
            spin.setAccessibleDescription(row.explanation)
            spin.setRange(setting.minimum, setting.maximum)
            spin.setSuffix(row.suffix)
            spin.setGroupSeparatorShown(True)
            spin.setValue(values[setting.key])
            spin.setMinimumWidth(140)
            explanation = QLabel(row.explanation)
            explanation.setObjectName("emptyHint")
            explanation.setWordWrap(True)
            error = QLabel()
            error.setObjectName("fieldError")
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setAccessibleName(f"{setting.label} problem")
            error.setWordWrap(True)
            error.hide()
            spin.valueChanged.connect(lambda _value, error=error: error.hide())
            # QSpinBox quietly puts back the old value when an out-of-range number loses focus
            # ("0" becomes "90" again); keep what was typed so Save can say why it is refused.
            spin.lineEdit().textEdited.connect(
                lambda text, key=setting.key: self._typed.update({key: text}))
            spin.valueChanged.connect(lambda _value, key=setting.key: self._typed.pop(key, None))
            form.addRow(f"{setting.label}:", spin)
            form.addRow(error)
            form.addRow(explanation)
            self.spins[setting.key] = spin
            self.errors[setting.key] = error

        self.categories_button = QPushButton("Problem &categories…")
        self.categories_button.setObjectName("manageCategoriesButton")
        self.categories_button.setAccessibleName("Problem categories")
        self.categories_button.setAutoDefault(False)
        self.categories_button.clicked.connect(self.open_categories)
        categories_hint = QLabel("Add, rename or retire the kinds of problem staff choose from.")
        categories_hint.setObjectName("emptyHint")
        categories_hint.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.categories_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(categories_hint)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        first = self.spins[SETTING_ROWS[0].setting.key]
        first.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        first.selectAll()  # typing replaces the number

    def open_categories(self) -> None:
        if self.categories_dialog is None:
            self.categories_dialog = CategoriesDialog(self._sessions, parent=self)
        else:
            self.categories_dialog.reload()  # another counter may have changed them
        self.categories_dialog.open()

    def accept(self) -> None:
        try:
            # All settings or none: a half-saved form would be a surprise.
            with self._sessions.begin() as session:
                for row in SETTING_ROWS:
                    key = row.setting.key
                    value = _typed_value(self.spins[key], self._typed.get(key))
                    models.set_setting(session, row.setting, value)
        except models.ValidationError as exc:
            for key, message in exc.errors.items():
                if key in self.errors:
                    self.errors[key].setText(message)
                    self.errors[key].show()
                    self.spins[key].setFocus(Qt.FocusReason.OtherFocusReason)
                    self.spins[key].selectAll()
            return
        super().accept()


def _typed_value(spin: QSpinBox, typed: str | None) -> int:
    """The number last typed into ``spin`` even if out of range (the service then says what
    is allowed); its value when nothing unreadable was typed."""
    if typed is None:
        return spin.value()
    number = typed.removeprefix(spin.prefix()).removesuffix(spin.suffix()).strip()
    value, ok = spin.locale().toInt(number)
    return value if ok else spin.value()
