"""Owners add, rename and retire the root-cause categories that problems are filed under.

Keyboard: type a name and press Enter to add it; choose a category (Tab, ↑/↓) and press
Alt+R to rename it to what is typed, Alt+T to retire it (Alt+B brings it back); Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QFont, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

import models
from ui.theme import LIGHT

COLUMN_NAME, COLUMN_PROBLEMS, COLUMN_STATE = range(3)
CATEGORY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RETIRED_TEXT = "retired"
RETIRE_LABEL = "Re&tire"
BRING_BACK_LABEL = "&Bring back"


class CategoriesDialog(QDialog):
    def __init__(self, sessions: models.SessionFactory, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoriesDialog")
        self.setWindowTitle("Problem categories")
        self.setAccessibleName("Problem categories")
        self.resize(600, 540)
        self._sessions = sessions
        self._categories: list[models.CategoryView] = []

        intro = QLabel("Retiring a category only stops it being offered; past problems keep it.")
        intro.setObjectName("emptyHint")
        intro.setWordWrap(True)

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Category", "Problems", ""])
        self.model.setHeaderData(
            COLUMN_PROBLEMS, Qt.Orientation.Horizontal,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            Qt.ItemDataRole.TextAlignmentRole)
        self.view = QTreeView()
        self.view.setObjectName("categoriesView")
        self.view.setAccessibleName("Problem categories")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAllColumnsShowFocus(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN_PROBLEMS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        name_label = QLabel("&Name")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("categoryNameEdit")
        self.name_edit.setAccessibleName("Category name")
        self.name_edit.setPlaceholderText(
            "a new category (Enter adds it), or a new name for the chosen one")
        name_label.setBuddy(self.name_edit)
        self.name_edit.textEdited.connect(lambda _text: self._set_error(""))
        # Enter adds: the one thing that needs nothing chosen first.
        self.name_edit.returnPressed.connect(self.add_category)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setAccessibleName("Category name problem")
        self.error.setWordWrap(True)
        self.error.hide()

        self.add_button = self._button("&Add", "addCategoryButton", "Add category",
                                       self.add_category)
        self.rename_button = self._button("&Rename", "renameCategoryButton",
                                          "Rename chosen category", self.rename_category)
        self.retire_button = self._button(RETIRE_LABEL, "retireCategoryButton",
                                          "Retire chosen category", self.toggle_retired)
        # Wide enough for either label, so the row does not jump when it changes.
        self.retire_button.setMinimumWidth(max(
            self.retire_button.fontMetrics().horizontalAdvance(text.replace("&", ""))
            for text in (RETIRE_LABEL, BRING_BACK_LABEL)) + 40)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                # Enter belongs to the name field (it adds); Esc closes.
                button.setAutoDefault(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(4)
        form.addRow(name_label, self.name_edit)
        form.addRow("", self.error)
        action_row = QHBoxLayout()
        action_row.setSpacing(8)
        action_row.addWidget(self.add_button)
        action_row.addWidget(self.rename_button)
        action_row.addWidget(self.retire_button)
        action_row.addStretch(1)
        action_row.addWidget(buttons)
        form.addRow("", action_row)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        self.reload()

    @staticmethod
    def _button(text: str, object_name: str, accessible: str,
                clicked: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        button.clicked.connect(clicked)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.name_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def reload(self, select_id: int | None = None) -> None:
        with self._sessions() as session:
            self._categories = models.list_categories(
                session, include_retired=True, with_counts=True)
        self.model.setRowCount(0)
        for category in self._categories:
            self.model.appendRow(_row(category))
        row = next((i for i, c in enumerate(self._categories) if c.id == select_id), None)
        if row is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, COLUMN_NAME),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()

    def selected(self) -> models.CategoryView | None:
        rows = self.view.selectionModel().selectedRows()
        return self._categories[rows[0].row()] if rows else None

    def add_category(self) -> None:
        added: list[int] = []
        name = self.name_edit.text()
        if self._run(lambda session: added.append(models.add_category(session, name))):
            self.name_edit.clear()
            self.reload(select_id=added[0])
            self.view.scrollTo(self.view.currentIndex())

    def rename_category(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self._set_error("Choose the category to rename in the list first.")
            return
        name = self.name_edit.text()
        if self._run(lambda session: models.rename_category(session, chosen.id, name)):
            self.name_edit.clear()
            self.reload(select_id=chosen.id)

    def toggle_retired(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self._set_error("Choose the category to retire in the list first.")
            return
        retire = not chosen.retired
        if self._run(lambda session: models.set_category_retired(session, chosen.id, retire)):
            self.reload(select_id=chosen.id)

    def _run(self, change: Callable[[Any], object]) -> bool:
        """Make one change in its own transaction; False, with the reason shown, if refused."""
        try:
            with self._sessions.begin() as session:
                change(session)
        except models.ValidationError as exc:
            self._set_error(" ".join(exc.errors.values()))
            return False
        except models.NotFoundError as exc:  # removed at another counter meanwhile
            self._set_error(str(exc))
            self.reload()
            return False
        self._set_error("")
        return True

    def _set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.name_edit.setAccessibleDescription(message)

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.rename_button.setEnabled(chosen is not None)
        self.retire_button.setEnabled(chosen is not None)
        self.retire_button.setText(BRING_BACK_LABEL if chosen and chosen.retired
                                   else RETIRE_LABEL)
        self.retire_button.setAccessibleName(
            "Bring back chosen category" if chosen and chosen.retired
            else "Retire chosen category")


def _row(category: models.CategoryView) -> list[QStandardItem]:
    name = QStandardItem(category.name)
    name.setData(category.id, CATEGORY_ID_ROLE)
    problems = QStandardItem(f"{category.problems:,}")
    problems.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    state = QStandardItem(RETIRED_TEXT if category.retired else "")
    row = [name, problems, state]
    if category.retired:
        muted = QColor(LIGHT.muted)
        italic = QFont()
        italic.setItalic(True)
        for item in row:
            item.setForeground(muted)
        state.setFont(italic)
    return row
