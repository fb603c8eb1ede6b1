"""New regular / edit regular: only a name *or* a description is needed."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models import CustomerDraft, ValidationError

_BIRTHDAY = re.compile(r"^\s*(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2}))\s*$")
_LIST_SPLIT = re.compile(r"\s*;\s*|\n")
_TAG_SPLIT = re.compile(r"\s*[,;]\s*")

SaveCallback = Callable[[CustomerDraft], int]


def parse_birthday(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(month, day, year) from "MM-DD" or "YYYY-MM-DD"; None when it cannot be read."""
    if not text.strip():
        return (None, None, None)
    found = _BIRTHDAY.match(text)
    if not found:
        return None
    if found.group(1):
        return int(found.group(2)), int(found.group(3)), int(found.group(1))
    return int(found.group(4)), int(found.group(5)), None


def format_birthday(month: int | None, day: int | None, year: int | None) -> str:
    if not month or not day:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


class _Field:
    """A line edit with its own error line underneath."""

    def __init__(self, object_name: str, accessible: str, placeholder: str) -> None:
        self.container = QWidget()
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setObjectName(object_name)
        self.edit.setAccessibleName(accessible)
        self.edit.setPlaceholderText(placeholder)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setAccessibleName(f"{accessible} problem")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(lambda _text: self.set_error(""))

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.edit.setAccessibleDescription(message)


class CustomerDialog(QDialog):
    FIELDS = (
        # key, object name, label, accessible name, placeholder
        ("name", "nameEdit", "&Name", "Name", "e.g. Katherine Smith"),
        ("goes_by", "nicknameEdit", "&Goes by", "Name they go by", "what they like to be called"),
        ("description", "descriptionEdit", "&Recognize by", "How to recognize them",
         "if you don't know their name: “tall, red fixie, double espresso”"),
        ("usuals", "usualOrderEdit", "&Usual order", "Usual order",
         "oat flat white; almond croissant   (separate several with ;)"),
        ("allergies", "allergiesEdit", "&Allergies", "Allergies and dietary needs",
         "tree nuts; dairy   (shown as an alert)"),
        ("preferences", "preferencesEdit", "&Preferences", "Preferences",
         "extra hot; no small talk before 8"),
        ("talking_points", "talkingPointsEdit", "&Talking points", "Things they chose to share",
         "ask about the Lisbon trip"),
        ("phone", "phoneEdit", "P&hone", "Phone", "(310) 555-0142"),
        ("email", "emailEdit", "E&mail", "Email", "name@example.com"),
        ("birthday", "birthdayEdit", "&Birthday", "Birthday", "MM-DD, or YYYY-MM-DD"),
        ("tags", "tagsEdit", "Ta&gs", "Tags", "regular, neighbour"),
    )

    def __init__(
        self, save: SaveCallback, draft: CustomerDraft | None = None, *,
        title: str = "New regular", parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(620)
        self._save = save
        self.saved_id: int | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(14)
        self.fields: dict[str, _Field] = {}
        for key, object_name, label, accessible, placeholder in self.FIELDS:
            field = _Field(object_name, accessible, placeholder)
            self.fields[key] = field
            form.addRow(label, field.container)
            buddy = form.labelForField(field.container)
            if isinstance(buddy, QLabel):
                buddy.setBuddy(field.edit)
        self.consent_check = QCheckBox("They agreed to be remembered (ask them)")
        self.consent_check.setObjectName("consentCheck")
        self.consent_check.setAccessibleName("Agreed to be remembered")
        form.addRow("", self.consent_check)

        hint = QLabel("Only a name <i>or</i> how to recognize them is needed. "
                      "Enter saves, Esc cancels.")
        hint.setObjectName("emptyHint")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.fields["name"].edit.installEventFilter(self)
        if draft:
            self.set_draft(draft)
        self.fields["name"].edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        name = self.fields["name"].edit
        name.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        QTimer.singleShot(0, lambda: name.end(False))  # showing a dialog selects its first field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Continue typing where the search left off: the cursor after the prefilled name, not
        # a selection that the next key would replace. Done after each focus-in, which may
        # select all, until the clerk has typed something here.
        name = self.fields["name"].edit
        if watched is name and event.type() == QEvent.Type.FocusIn and not name.isModified():
            QTimer.singleShot(0, lambda: name.end(False))
        return super().eventFilter(watched, event)

    def edit(self, key: str) -> QLineEdit:
        return self.fields[key].edit

    def set_draft(self, draft: CustomerDraft) -> None:
        text = {
            "name": draft.name, "goes_by": draft.goes_by, "description": draft.description,
            "usuals": "; ".join(draft.usuals), "allergies": "; ".join(draft.allergies),
            "preferences": "; ".join(draft.preferences),
            "talking_points": "; ".join(draft.talking_points),
            "phone": draft.phone, "email": draft.email,
            "birthday": format_birthday(draft.birthday_month, draft.birthday_day,
                                        draft.birthday_year),
            "tags": ", ".join(draft.tags),
        }
        for key, value in text.items():
            self.fields[key].edit.setText(value)
        self.consent_check.setChecked(draft.consent_given)

    def prefill(self, search_text: str) -> None:
        """Put what the clerk searched for where it most likely belongs."""
        text = search_text.strip()
        if not text:
            return
        letters = sum(c.isalpha() for c in text)
        digits = sum(c.isdigit() for c in text)
        if digits >= 3 and letters == 0:
            self.edit("phone").setText(text)
        elif "@" in text:
            self.edit("email").setText(text)
        elif len(text.split()) > 3 or "," in text:
            self.edit("description").setText(text)
        else:
            self.edit("name").setText(text)

    def draft(self) -> tuple[CustomerDraft, dict[str, str]]:
        """The draft from the fields, and messages for what could not even be read."""
        values = {key: field.edit.text() for key, field in self.fields.items()}
        errors: dict[str, str] = {}
        birthday = parse_birthday(values["birthday"])
        if birthday is None:
            errors["birthday"] = "Write the birthday as MM-DD (03-14) or YYYY-MM-DD."
            birthday = (None, None, None)
        draft = CustomerDraft(
            name=values["name"], goes_by=values["goes_by"], phone=values["phone"],
            email=values["email"], description=values["description"],
            usuals=_LIST_SPLIT.split(values["usuals"]),
            allergies=_LIST_SPLIT.split(values["allergies"]),
            preferences=_LIST_SPLIT.split(values["preferences"]),
            talking_points=_LIST_SPLIT.split(values["talking_points"]),
            tags=_TAG_SPLIT.split(values["tags"]),
            birthday_month=birthday[0], birthday_day=birthday[1], birthday_year=birthday[2],
            consent_given=self.consent_check.isChecked(),
        )
        return draft, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QLineEdit | None = None
        for key, field in self.fields.items():
            message = errors.get(key, "")
            field.set_error(message)
            if message and first is None:
                first = field.edit
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            first.selectAll()

    def accept(self) -> None:
        draft, errors = self.draft()
        errors = {**draft.cleaned().problems(), **errors}
        if not errors:
            try:
                self.saved_id = self._save(draft)
            except ValidationError as exc:
                errors = exc.errors
        if errors:
            self.show_errors({("birthday" if k.startswith("birthday") else k): v
                              for k, v in errors.items()})
            return
        super().accept()
