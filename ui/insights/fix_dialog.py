"""Record or edit a process fix: which root cause it addresses, what changed, when, and who
recorded it. Enter in the last field (or the Save button) saves; Esc cancels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models import CategoryView, NotFoundError, ValidationError
from models.insights import ProcessFixView

# category id, what changed, the day of the fix, recorded by -> the fix's id
SaveFix = Callable[[int | None, str, date, str], int]


def _error_label(accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setAccessibleName(f"{accessible} problem")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.hide()
    return label


class FixDialog(QDialog):
    def __init__(
        self, save: SaveFix, categories: Sequence[CategoryView], *, today: date,
        fix: ProcessFixView | None = None, recorded_by: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        title = "Edit the process fix" if fix else "Record a process fix"
        self.setObjectName("fixDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        self._save = save
        self.saved_id: int | None = None

        intro = QLabel("What did you change so that this kind of problem stops happening? "
                       "Insights then compares the problem rate before and after the day.")
        intro.setObjectName("emptyHint")
        intro.setWordWrap(True)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("fixCategoryCombo")
        self.category_combo.setAccessibleName("Root cause it addresses")
        for category in categories:
            if category.retired and (fix is None or category.id != fix.category_id):
                continue
            name = category.name + (" (retired)" if category.retired else "")
            self.category_combo.addItem(name, category.id)
        self.what_edit = QLineEdit(fix.what_changed if fix else "")
        self.what_edit.setObjectName("fixWhatEdit")
        self.what_edit.setAccessibleName("What changed")
        self.what_edit.setPlaceholderText("e.g. retrained everyone on milk steaming")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("fixDateEdit")
        self.date_edit.setAccessibleName("Day of the fix")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        day = fix.fixed_on if fix else today
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.by_edit = QLineEdit(fix.recorded_by if fix else recorded_by)
        self.by_edit.setObjectName("fixByEdit")
        self.by_edit.setAccessibleName("Recorded by")
        self.by_edit.setPlaceholderText("your name")
        if fix is not None:
            self.category_combo.setCurrentIndex(self.category_combo.findData(fix.category_id))
        else:
            self.category_combo.setCurrentIndex(-1)
            self.category_combo.setPlaceholderText("choose the root cause")

        self.errors = {key: _error_label(name) for key, name in (
            ("category_id", "Root cause"), ("what_changed", "What changed"),
            ("recorded_by", "Recorded by"))}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget, error in (
            ("&Root cause", self.category_combo, "category_id"),
            ("&What changed", self.what_edit, "what_changed"),
            ("&Day of the fix", self.date_edit, ""),
            ("Recorded &by", self.by_edit, "recorded_by"),
        ):
            form.addRow(label, widget)
            buddy = form.labelForField(widget)
            if isinstance(buddy, QLabel):
                buddy.setBuddy(widget)
            if error:
                form.addRow("", self.errors[error])

        self.general_error = _error_label("Saving")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveFixButton")
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.what_edit.textEdited.connect(lambda _text: self._clear("what_changed"))
        self.by_edit.textEdited.connect(lambda _text: self._clear("recorded_by"))
        self.category_combo.currentIndexChanged.connect(lambda _i: self._clear("category_id"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        first = self.category_combo if self.category_combo.currentIndex() < 0 else self.what_edit
        first.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _clear(self, key: str) -> None:
        self.errors[key].hide()

    def fixed_on(self) -> date:
        value = self.date_edit.date()
        return date(value.year(), value.month(), value.day())

    def save(self) -> None:
        category_id = self.category_combo.currentData()
        try:
            self.saved_id = self._save(category_id if isinstance(category_id, int) else None,
                                       self.what_edit.text(), self.fixed_on(),
                                       self.by_edit.text())
        except NotFoundError as exc:
            self.general_error.setText(str(exc))
            self.general_error.show()
            return
        except ValidationError as exc:
            for key, label in self.errors.items():
                label.setText(exc.errors.get(key, ""))
                label.setVisible(key in exc.errors)
            unknown = [m for k, m in exc.errors.items() if k not in self.errors]
            self.general_error.setText(" ".join(unknown))
            self.general_error.setVisible(bool(unknown))
            first = next((k for k in ("category_id", "what_changed", "recorded_by")
                          if k in exc.errors), "what_changed")
            {"category_id": self.category_combo, "what_changed": self.what_edit,
             "recorded_by": self.by_edit}[first].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.accept()
