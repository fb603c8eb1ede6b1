"""The owner's staff list (Owner → Staff and PINs…) and "Change my PIN…" for everyone.

The owner adds teammates with a role and a first PIN, changes roles, deactivates (never
deletes: their name stays on what they did) and reactivates, sets a new PIN for someone who
forgot theirs, and lets someone locked out after wrong PINs try again. The services check the
rules (models/staff/accounts.py); what they refuse is shown here in their words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import models
from models.base import utcnow
from models.staff import (
    PermissionDenied,
    Role,
    StaffView,
    add_staff,
    list_staff,
    pin_problem,
    set_pin,
    unlock,
    update_staff,
)
from ui.sign_in.pin_field import pin_field

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Clock = Callable[[], datetime]
COLUMNS = ("Name", "Role", "Status", "Last signed in")
ROLES = (Role.CLERK, Role.SHIFT_LEAD, Role.OWNER)


def role_combo(name: str, accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    for role in ROLES:
        combo.addItem(role.label, role.value)
    return combo


def refusal(exc: Exception) -> str:
    """The services' reason, as one plain sentence."""
    if isinstance(exc, models.ValidationError):
        return " ".join(exc.errors.values())
    return str(exc)


def two_pins_problem(pin: str, again: str) -> str:
    return pin_problem(pin) or ("" if pin == again
                                else "The two PINs are not the same: type the PIN again.")


class StaffDialog(QDialog):
    def __init__(
        self, sessions: models.SessionFactory, *, clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.setWindowTitle("Staff and PINs")
        self.setAccessibleName("Staff and PINs")
        self.resize(800, 700)
        self._sessions = sessions
        self._clock = clock or utcnow
        self._staff: list[StaffView] = []

        title = QLabel("Staff and PINs")
        title.setObjectName("dialogTitle")
        hint = QLabel("Everyone signs in with their own PIN, so what they do carries their "
                      "name. Deactivate someone who left: they can no longer sign in, and "
                      "their name stays on their work.")
        hint.setObjectName("emptyHint")
        hint.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("staffTable")
        self.table.setAccessibleName("Teammates")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setShowGrid(False)
        self.table.setMinimumHeight(170)
        self.table.setStyleSheet(
            "QTableWidget#staffTable { background: palette(base); border: 1px solid "
            "palette(mid); border-radius: 8px; selection-background-color: palette(highlight);"
            " selection-color: palette(highlighted-text); outline: 0; }"
            " QTableWidget#staffTable::item { padding: 0 6px; }")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_selected)

        # The selected teammate.
        self.selected_box = QGroupBox("Selected teammate")
        self.selected_box.setObjectName("selectedStaffBox")
        self.role_combo = role_combo("roleCombo", "Role")
        self.change_role_button = self._button("Change role", "changeRoleButton",
                                               self.change_role)
        self.active_button = self._button("Deactivate", "activeButton", self.toggle_active)
        self.unlock_button = self._button("Let them try again", "unlockButton",
                                          self.unlock_selected)
        self.unlock_button.setToolTip("After too many wrong PINs: try again now")
        self.reset_pin_edit = pin_field("resetPinEdit", "New PIN")
        self.reset_again_edit = pin_field("resetPinAgainEdit", "New PIN again")
        self.set_pin_button = self._button("Set PIN", "setPinButton", self.reset_pin)
        self.reset_again_edit.returnPressed.connect(self.reset_pin)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role_combo)
        role_row.addWidget(self.change_role_button)
        role_row.addStretch(1)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.reset_pin_edit)
        pin_row.addWidget(self.reset_again_edit)
        pin_row.addWidget(self.set_pin_button)
        pin_row.addStretch(1)
        state_row = QHBoxLayout()
        state_row.addWidget(self.active_button)
        state_row.addWidget(self.unlock_button)
        state_row.addStretch(1)
        selected = QFormLayout(self.selected_box)
        selected.addRow("Role:", role_row)
        selected.addRow("New PIN, twice:", pin_row)
        selected.addRow("", state_row)

        # Adding someone.
        add_box = QGroupBox("Add a teammate")
        add_box.setObjectName("addStaffBox")
        self.new_name_edit = QLineEdit()
        self.new_name_edit.setObjectName("newStaffNameEdit")
        self.new_name_edit.setAccessibleName("New teammate's name")
        self.new_name_edit.setMaxLength(100)
        self.new_name_edit.setMinimumWidth(320)
        self.new_role_combo = role_combo("newStaffRoleCombo", "New teammate's role")
        self.new_pin_edit = pin_field("newStaffPinEdit", "New teammate's PIN")
        self.new_again_edit = pin_field("newStaffPinAgainEdit", "New teammate's PIN again")
        self.add_button = self._button("Add teammate", "addStaffButton", self.add)
        self.new_again_edit.returnPressed.connect(self.add)
        add_pins = QHBoxLayout()
        add_pins.addWidget(self.new_pin_edit)
        add_pins.addWidget(self.new_again_edit)
        add_pins.addStretch(1)
        add_form = QFormLayout(add_box)
        add_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add_form.addRow("Name:", self.new_name_edit)
        add_form.addRow("Role:", self.new_role_combo)
        add_form.addRow("PIN, twice:", add_pins)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        add_form.addRow("", add_row)

        self.message = QLabel()
        self.message.setObjectName("staffMessage")
        self.message.setAccessibleName("Message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected_box)
        layout.addWidget(add_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # ----- the list -------------------------------------------------------------------------

    def reload(self, *, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_id()
        with self._sessions() as session:
            self._staff = list_staff(session, include_inactive=True)
        now = self._clock()
        self.table.setRowCount(len(self._staff))
        for row, person in enumerate(self._staff):
            locked = person.locked_until is not None and person.locked_until > now
            status = "Active" if person.active else "Deactivated"
            if locked and person.locked_until is not None:
                status += f", locked until {person.locked_until.astimezone():%H:%M}"
            last = (f"{person.last_signed_in_at.astimezone():%d %b %Y %H:%M}"
                    if person.last_signed_in_at else "never")
            for column, text in enumerate((person.name, person.role.label, status, last)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(row, column, item)
        rows = [i for i, p in enumerate(self._staff) if p.id == keep]
        if rows:
            self.table.selectRow(rows[0])
        elif self._staff and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._show_selected()

    def selected_id(self) -> int | None:
        person = self.selected()
        return person.id if person else None

    def selected(self) -> StaffView | None:
        row = self.table.currentRow()
        return self._staff[row] if 0 <= row < len(self._staff) else None

    def select_name(self, name: str) -> None:
        for row, person in enumerate(self._staff):
            if person.name == name:
                self.table.selectRow(row)

    @Slot()
    def _show_selected(self) -> None:
        person = self.selected()
        self.selected_box.setEnabled(person is not None)
        if person is None:
            self.selected_box.setTitle("Selected teammate")
            return
        self.selected_box.setTitle(f"{person.name}")
        self.role_combo.setCurrentIndex(ROLES.index(person.role))
        self.active_button.setText("Deactivate" if person.active else "Reactivate")
        self.active_button.setAccessibleName(self.active_button.text())
        locked = person.locked_until is not None and person.locked_until > self._clock()
        self.unlock_button.setEnabled(locked)

    # ----- changes ------------------------------------------------------------------------------

    def _run(self, change: Callable[[Session], object], done: str, *,
             select: int | None = None) -> bool:
        """Apply ``change`` in one transaction; say what happened, or why it was refused."""
        try:
            with self._sessions.begin() as session:
                change(session)
        except (models.ValidationError, PermissionDenied, models.NotFoundError) as exc:
            self.say(refusal(exc), error=True)
            return False
        self.reload(select=select)
        self.say(done)
        return True

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setObjectName("fieldError" if error else "staffMessage")
        self.message.setProperty("state", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    @Slot()
    def add(self) -> None:
        name = " ".join(self.new_name_edit.text().split())
        role = Role(self.new_role_combo.currentData())
        pin, again = self.new_pin_edit.text(), self.new_again_edit.text()
        problem = two_pins_problem(pin, again)
        if not name:
            problem = "Enter the new teammate's name."
        if problem:
            self.say(problem, error=True)
            return
        added: list[int] = []
        if self._run(lambda s: added.append(add_staff(s, name, role, pin)),
                     f"✓ Added {name} as {role.label.lower()}. They sign in with their PIN."):
            self.reload(select=added[0])
            for edit in (self.new_name_edit, self.new_pin_edit, self.new_again_edit):
                edit.clear()

    @Slot()
    def change_role(self) -> None:
        person = self.selected()
        if person is None:
            return
        role = Role(self.role_combo.currentData())
        if role == person.role:
            self.say(f"{person.name} is already {role.label.lower()}.")
            return
        self._run(lambda s: update_staff(s, person.id, role=role),
                  f"✓ {person.name} is now {role.label.lower()}.", select=person.id)

    @Slot()
    def toggle_active(self) -> None:
        person = self.selected()
        if person is None:
            return
        active = not person.active
        done = (f"✓ {person.name} can sign in again." if active
                else f"✓ {person.name} can no longer sign in; their name stays on their work.")
        self._run(lambda s: update_staff(s, person.id, active=active), done, select=person.id)

    @Slot()
    def unlock_selected(self) -> None:
        person = self.selected()
        if person is not None:
            self._run(lambda s: unlock(s, person.id),
                      f"✓ {person.name} can try their PIN again now.", select=person.id)

    @Slot()
    def reset_pin(self) -> None:
        person = self.selected()
        if person is None:
            return
        pin, again = self.reset_pin_edit.text(), self.reset_again_edit.text()
        problem = two_pins_problem(pin, again)
        if problem:
            self.say(problem, error=True)
            return
        if self._run(lambda s: set_pin(s, person.id, pin),
                     f"✓ New PIN set for {person.name}.", select=person.id):
            self.reset_pin_edit.clear()
            self.reset_again_edit.clear()


class ChangePinDialog(QDialog):
    """Change my PIN: the current one, then the new one twice."""

    def __init__(
        self, sessions: models.SessionFactory, staff_id: int, *, name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changePinDialog")
        self.setWindowTitle(f"Change my PIN — {name}")
        self.setAccessibleName("Change my PIN")
        self._sessions = sessions
        self._staff_id = staff_id
        self.current_edit = pin_field("currentPinEdit", "Current PIN")
        self.new_edit = pin_field("newPinEdit", "New PIN")
        self.again_edit = pin_field("newPinAgainEdit", "New PIN again")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setAccessibleName("Problem")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change PIN")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Current PIN:", self.current_edit)
        form.addRow("New PIN:", self.new_edit)
        form.addRow("New PIN again:", self.again_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.current_edit.setFocus()

    def accept(self) -> None:
        pin = self.new_edit.text()
        problem = two_pins_problem(pin, self.again_edit.text())
        if problem:
            self._show(problem)
            return
        try:
            with self._sessions.begin() as session:
                set_pin(session, self._staff_id, pin, current_pin=self.current_edit.text())
        except (models.ValidationError, PermissionDenied, models.NotFoundError) as exc:
            self._show(refusal(exc))
            return
        super().accept()

    def _show(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
