"""The shift briefing (Ctrl+B): follow-ups due, teammates to check on, notes from the last shift,
birthdays, and regulars with an open problem who are likely in today.

Keyboard: ↑/↓ move between entries (section headings are skipped), Enter (or a double-click)
opens the regular's card in the counter window, F5 reads it again, Esc closes.

One list with the sections as headings, not a widget per section: the arrows run through the
whole briefing, and a screen reader reads each heading before its entries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QShortcut,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

import models
from ui.theme import LIGHT

# What a row is, on every row: a section heading, an entry, or a section's "nothing here".
ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 1
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 2
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3
URGENT_ROLE = Qt.ItemDataRole.UserRole + 4
SECTION_ROLE = Qt.ItemDataRole.UserRole + 5
HEADING, ENTRY, EMPTY = "heading", "entry", "empty"

URGENT_COLOUR = QColor(LIGHT.alert)
PADDING = 6
DETAIL_LINES = 3  # at most; models/briefing.py keeps details shorter than that
INDENT = 14
NO_CARD_HINT = "Teammate check-ins are in Team ▸ Check on our teammates (Ctrl+Shift+T)."
KEYS_HINT = "↑ ↓ choose · Enter opens the regular's card · F5 reads it again · Esc closes"


class _BriefingDelegate(QStyledItemDelegate):
    """Headings in small capitals; entries as a title over muted detail, wrapped (a handover
    note is read in full)."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def _detail_width(self) -> int:
        return max(self._view.viewport().width() - 2 * PADDING - INDENT, 50)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        kind = index.data(ROW_KIND_ROLE)
        if kind == HEADING:
            return QSize(0, line + 2 * PADDING + 8)  # a gap above each section
        if kind == EMPTY:
            return QSize(0, line + 2 * PADDING)
        detail = metrics.boundingRect(
            0, 0, self._detail_width(), line * DETAIL_LINES,
            Qt.TextFlag.TextWordWrap, str(index.data(DETAIL_ROLE) or ""))
        return QSize(0, line + min(detail.height(), line * DETAIL_LINES) + 2 * PADDING + 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        option.text = ""  # the style draws the background and the selection; the text is ours
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        kind = index.data(ROW_KIND_ROLE)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else QColor(LIGHT.text)
        muted = QColor(LIGHT.muted)
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        painter.save()
        font = QFont(option.font)
        if kind == HEADING:
            font.setWeight(QFont.Weight.Bold)
            font.setCapitalization(QFont.Capitalization.AllUppercase)
            font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1)
            painter.setFont(font)
            painter.setPen(muted)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             title)
        elif kind == EMPTY:
            font.setItalic(True)
            painter.setFont(font)
            painter.setPen(muted)
            rect = rect.adjusted(INDENT, 0, 0, 0)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             title)
        else:
            rect = rect.adjusted(INDENT, 0, 0, 0)
            urgent = bool(index.data(URGENT_ROLE)) and not (
                selected and palette.highlight().color().lightness() < 128)
            font.setWeight(QFont.Weight.DemiBold)
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(URGENT_COLOUR if urgent else text_colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(title, Qt.TextElideMode.ElideRight,
                                                rect.width()))
            painter.setFont(QFont(option.font))
            painter.setPen(text_colour if selected else muted)
            painter.setClipRect(option.rect)
            painter.drawText(
                rect.adjusted(0, metrics.height() + 2, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap, str(index.data(DETAIL_ROLE) or ""))
        painter.restore()


class _BriefingView(QListView):
    """Enter opens the current entry (taken here: left to the list, Enter would press the
    dialog's default button)."""

    def __init__(self, on_open: Callable[[], None]) -> None:
        super().__init__()
        self._on_open = on_open

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            self._on_open()
            event.accept()
            return
        super().keyPressEvent(event)


class BriefingDialog(QDialog):
    """Emits ``open_customer(id)`` for the counter window to show that regular's card."""

    open_customer = Signal(int)

    def __init__(
        self, sessions: models.SessionFactory, *, clock: Callable[[], datetime],
        days_ahead: int = 7, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefingDialog")
        self.setWindowTitle("Shift briefing")
        self.setAccessibleName("Shift briefing")
        self.resize(820, 620)
        self._sessions = sessions
        self._clock = clock
        self._days_ahead = days_ahead
        self.briefing: models.Briefing | None = None
        self._entries: dict[int, models.BriefingEntry] = {}  # by row

        self.heading = QLabel("Shift briefing")
        self.heading.setObjectName("workListTitle")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel()
        self.summary.setObjectName("emptyHint")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.model = QStandardItemModel(self)
        self.view = _BriefingView(self.open_selected)
        self.view.setObjectName("briefingView")
        self.view.setAccessibleName("Shift briefing")
        self.view.setModel(self.model)
        self.view.setItemDelegate(_BriefingDelegate(self.view))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # re-wraps when resized
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.setStyleSheet(
            f"QListView#briefingView {{ background: {LIGHT.surface}; border: 1px solid "
            f"{LIGHT.border}; border-radius: 8px; selection-background-color: {LIGHT.selection};"
            f" selection-color: {LIGHT.text}; }}"
        )

        self.hint = QLabel()
        self.hint.setObjectName("fieldError")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.hide()
        keys = QLabel(KEYS_HINT)
        keys.setObjectName("emptyHint")

        self.open_button = QPushButton("Open card   Enter")
        self.open_button.setObjectName("openCardButton")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(keys)
        layout.addWidget(buttons)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._on_current())
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def reload(self) -> None:
        """Read the briefing again, keeping the place when the same entry is still there."""
        now = self._clock()
        with self._sessions() as session:
            briefing = models.load_briefing(session, now=now, days_ahead=self._days_ahead)
        kept = self.current_entry()
        self.briefing = briefing
        self.model.clear()
        self._entries = {}
        for section in briefing.sections:
            self.model.appendRow(_heading(section))
            if not section.entries:
                self.model.appendRow(_empty(section))
            for entry in section.entries:
                self._entries[self.model.rowCount()] = entry
                self.model.appendRow(_entry(section, entry))
        today = briefing.today
        self.heading.setText(f"Shift briefing — {today:%A} {today.day} {today:%B}")
        self.summary.setText(summary(briefing))
        rows = self._entry_rows()
        target = next((row for row in rows if self._entry_at(row) == kept), None)
        if target is None and rows:
            target = rows[0]
        if target is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(target, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.open_button.setEnabled(bool(rows))
        self._on_current()

    def sections(self) -> list[models.BriefingSection]:
        return list(self.briefing.sections) if self.briefing else []

    def current_entry(self) -> models.BriefingEntry | None:
        index = self.view.currentIndex()
        return self._entry_at(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        if entry.customer_id is None:
            self.hint.setText(NO_CARD_HINT)
            self.hint.show()
            return
        self.open_customer.emit(entry.customer_id)

    def _entry_rows(self) -> list[int]:
        return sorted(self._entries)

    def _entry_at(self, row: int) -> models.BriefingEntry | None:
        return self._entries.get(row)

    def _on_current(self) -> None:
        self.hint.hide()
        entry = self.current_entry()
        self.open_button.setEnabled(entry is not None and entry.customer_id is not None)


# How the summary line counts each section's entries: (one, several).
_COUNTED = {
    "follow_ups": ("follow-up due", "follow-ups due"),
    "teammates": ("teammate to check on", "teammates to check on"),
    "handover": ("note from the last shift", "notes from the last shift"),
    "birthdays": ("birthday", "birthdays"),
    "likely": ("regular with an open problem likely in", "regulars with an open problem likely in"),
}


def summary(briefing: models.Briefing) -> str:
    """ "1 follow-up due, 2 birthdays." or, with nothing waiting, a good wish."""
    counts = []
    for section in briefing.sections:
        count = len(section.entries)
        if count:
            one, several = _COUNTED.get(section.key, (section.title, section.title))
            counts.append(f"{count} {one if count == 1 else several}")
    return ", ".join(counts) + "." if counts else "Nothing waiting: have a good shift."


def _heading(section: models.BriefingSection) -> QStandardItem:
    count = len(section.entries)
    item = QStandardItem(f"{section.title} ({count})" if count else section.title)
    item.setData(HEADING, ROW_KIND_ROLE)
    # Not enabled: the arrows pass over headings to the next entry.
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    item.setData(f"{section.title}: {count or 'none'}", Qt.ItemDataRole.AccessibleTextRole)
    return item


def _empty(section: models.BriefingSection) -> QStandardItem:
    item = QStandardItem(section.empty)
    item.setData(EMPTY, ROW_KIND_ROLE)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    return item


def _entry(section: models.BriefingSection, entry: models.BriefingEntry) -> QStandardItem:
    item = QStandardItem(entry.title)
    item.setData(ENTRY, ROW_KIND_ROLE)
    item.setData(entry.detail, DETAIL_ROLE)
    item.setData(entry.urgent, URGENT_ROLE)
    item.setData(entry.customer_id, CUSTOMER_ROLE)
    item.setData(section.key, SECTION_ROLE)
    item.setData(f"{entry.title}. {entry.detail}", Qt.ItemDataRole.AccessibleTextRole)
    item.setToolTip(f"{entry.title}\n{entry.detail}")
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item
