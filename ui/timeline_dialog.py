"""One regular's story, newest first: visits, notes, problems, what was done, follow-ups.

Keyboard: ↑/↓ move, Enter (or a double-click) opens the problem an entry belongs to, Alt plus
the underlined letter turns a kind on or off, Esc closes.

Built on a QStandardItemModel filled once per filter change, drawn by a delegate: a regular
with a thousand visits is a thousand rows, not a thousand widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

import models
from ui.theme import LIGHT

EMPTY_TEXT = "Nothing yet — visits, notes and problems will appear here."
FILTERED_EMPTY_TEXT = "Nothing of the kinds ticked above. “Show all” brings everything back."
NO_KIND_TEXT = "Tick at least one kind above, or press “Show all”."

COLUMN_WHEN, COLUMN_WHAT = range(2)
# The delegate draws a first line (date; title) and what follows it (relative day; detail).
HEADLINE_ROLE = Qt.ItemDataRole.UserRole + 1
BODY_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
PROBLEM_ID_ROLE = Qt.ItemDataRole.UserRole + 4
SAFETY_ROLE = Qt.ItemDataRole.UserRole + 5

SAFETY_MARK = "⚠ "
SAFETY_COLOUR = QColor(LIGHT.alert)
# A stripe at the left edge tells the kinds apart at a glance while scrolling.
KIND_STRIPES = {
    "visit": QColor(LIGHT.border),
    "note": QColor(LIGHT.muted),
    "problem": QColor(LIGHT.accent),
    "recovery": QColor(LIGHT.success),
    "follow_up": QColor(LIGHT.accent).lighter(170),
}
STRIPE_WIDTH = 4
PADDING = 8  # around the text of each cell
LINE_GAP = 2  # between the first line and what follows


def when_text(moment: datetime) -> str:
    """ "Thu 19 Nov 2026 14:05", in the counter's own time zone."""
    return f"{moment.astimezone():%a %d %b %Y %H:%M}"


def with_mnemonic(label: str, taken: set[str]) -> str:
    """``label`` with an "&" before its first letter not yet used for Alt+letter in ``taken``
    (which it then joins); "&&" for a literal ampersand."""
    escaped = label.replace("&", "&&")
    for position, char in enumerate(escaped):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{escaped[:position]}&{escaped[position:]}"
    return escaped


def _wrapped_layout(text: str, font: QFont, width: int) -> tuple[QTextLayout, float]:
    """The text laid out in ``width``, breaking long words too (a pasted link must not run
    off the edge), and the height it takes."""
    # QTextLayout breaks lines only at the Unicode line separator, not at "\n".
    layout = QTextLayout(text.replace("\r\n", "\n").replace("\n", "\u2028"), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


class _EntryDelegate(QStyledItemDelegate):
    """Paints a cell as a first line (bold in the "what" column) and a wrapped rest."""

    def __init__(self, view: QTreeView, *, bold_headline: bool, muted_body: bool) -> None:
        super().__init__(view)
        self._view = view
        self._bold_headline = bold_headline
        self._muted_body = muted_body
        # The view asks again for every row on every relayout; the answer only changes with
        # the column's width.
        self._height_cache: dict[tuple[str, str], int] = {}
        self._cached_width = -1

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        headline = QFont(option.font)
        if self._bold_headline:
            headline.setWeight(QFont.Weight.DemiBold)
        return headline, QFont(option.font)

    def _text_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        return self._view.columnWidth(index.column()) - 2 * PADDING - STRIPE_WIDTH

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        headline = str(index.data(HEADLINE_ROLE) or "")
        body = str(index.data(BODY_ROLE) or "")
        width = self._text_width(index)
        if width != self._cached_width:
            self._height_cache.clear()
            self._cached_width = width
        key = (headline, body)
        height = self._height_cache.get(key)
        if height is None:
            headline_font, body_font = self._fonts(option)
            height = self._block_height(headline, headline_font, width)
            if body:
                height += LINE_GAP + self._block_height(body, body_font, width)
            height += 2 * PADDING
            self._height_cache[key] = height
        return QSize(width + 2 * PADDING + STRIPE_WIDTH, height)

    @staticmethod
    def _block_height(text: str, font: QFont, width: int) -> int:
        metrics = QFontMetrics(font)
        # Most entries ("Visit", a date) are one short line: no layout needed.
        if "\n" not in text and metrics.horizontalAdvance(text) <= width:
            return metrics.height()
        return int(_wrapped_layout(text, font, width)[1] + 0.999)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        option.text = ""  # the background and selection only; the text is drawn below
        style = option.widget.style() if option.widget else self._view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        safety = bool(index.data(SAFETY_ROLE))
        text_colour = option.palette.highlightedText().color() if selected else (
            option.palette.text().color())
        headline_colour = text_colour
        if safety and not (selected and option.palette.highlight().color().lightness() < 128):
            headline_colour = SAFETY_COLOUR  # red, unless the selection is too dark for it
        body_colour = QColor(LIGHT.muted) if self._muted_body and not selected else text_colour
        if safety and headline_colour == SAFETY_COLOUR:
            body_colour = SAFETY_COLOUR

        rect: QRect = option.rect
        painter.save()
        if index.column() == COLUMN_WHEN:
            stripe = SAFETY_COLOUR if safety else KIND_STRIPES.get(
                str(index.data(KIND_ROLE)), QColor(LIGHT.border))
            painter.fillRect(QRect(rect.left(), rect.top() + 3, STRIPE_WIDTH,
                                   rect.height() - 6), stripe)
        painter.setPen(QColor(LIGHT.border))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.setClipRect(rect)

        headline_font, body_font = self._fonts(option)
        width = self._text_width(index)
        x = rect.left() + STRIPE_WIDTH + PADDING
        y = float(rect.top() + PADDING)
        for text, font, colour in (
            (str(index.data(HEADLINE_ROLE) or ""), headline_font, headline_colour),
            (str(index.data(BODY_ROLE) or ""), body_font, body_colour),
        ):
            if not text:
                continue
            layout, height = _wrapped_layout(text, font, width)
            painter.setPen(colour)
            layout.draw(painter, QPointF(x, y))
            y += height + LINE_GAP
        painter.restore()


class _TimelineModel(QStandardItemModel):
    def set_rows(self, rows: Sequence[list[QStandardItem]]) -> None:
        # One reset for the whole batch, as the search results do: appending row by row
        # signals the view each time.
        self.beginResetModel()
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(0)
            for row in rows:
                self.appendRow(row)
        finally:
            self.blockSignals(blocked)
        self.endResetModel()


class _TimelineView(QTreeView):
    """A tree view that opens the entry under the cursor on Enter, and keeps wrapped rows the
    right height when the dialog is resized."""

    def __init__(self, on_open: Callable[[QModelIndex], None]) -> None:
        super().__init__()
        self._on_open = on_open
        self.header().sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Taken here and accepted: left to QTreeView, Enter would also reach the dialog and
        # press its default button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            if self.currentIndex().isValid():
                self._on_open(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class TimelineDialog(QDialog):
    def __init__(
        self, sessions: models.SessionFactory, customer_id: int, *, title: str,
        open_problem: Callable[[int], None] | None = None,
        clock: Callable[[], datetime] | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timelineDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(860, 620)  # never below what the filter row needs: the layout sees to it
        self._sessions = sessions
        self._customer_id = customer_id
        self._open_problem = open_problem
        self._clock = clock or (lambda: datetime.now(UTC))
        self._entries: list[models.TimelineEntry] = []
        self.shown_entries: list[models.TimelineEntry] = []

        taken = {"a", "c"}  # "Show all" and "Close"
        self.filters: dict[str, QCheckBox] = {}
        self._filter_labels: dict[str, str] = {}
        filter_row = QHBoxLayout()
        filter_row.setSpacing(12)
        show_label = QLabel("Show:")
        show_label.setObjectName("emptyHint")
        filter_row.addWidget(show_label)
        for kind in models.TIMELINE_KINDS:
            label = models.KIND_LABELS[kind]
            self._filter_labels[kind] = with_mnemonic(label, taken)
            check = QCheckBox(self._filter_labels[kind])
            check.setObjectName(f"timelineFilter_{kind}")
            check.setAccessibleName(label)
            check.setChecked(True)
            # Never squeezed: a cut-off "Made right (3" reads as a different label.
            check.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            check.toggled.connect(lambda _on: self._refill())
            self.filters[kind] = check
            filter_row.addWidget(check)
        filter_row.addStretch(1)
        self.show_all_button = QPushButton("Show &all")
        self.show_all_button.setObjectName("timelineShowAllButton")
        self.show_all_button.setAccessibleName("Show all kinds")
        self.show_all_button.setAutoDefault(False)
        self.show_all_button.clicked.connect(self.show_all)
        filter_row.addWidget(self.show_all_button)

        self.model = _TimelineModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["When", "What"])
        self.view = _TimelineView(self._open_index)
        self.view.setObjectName("timelineView")
        self.view.setAccessibleName("Timeline")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setUniformRowHeights(False)
        self.view.setHeaderHidden(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Per pixel, not per row: one long story can be taller than the window.
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAllColumnsShowFocus(True)
        self.view.setItemDelegateForColumn(
            COLUMN_WHEN, _EntryDelegate(self.view, bold_headline=False, muted_body=True))
        self.view.setItemDelegateForColumn(
            COLUMN_WHAT, _EntryDelegate(self.view, bold_headline=True, muted_body=False))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COLUMN_WHEN, QHeaderView.ResizeMode.Fixed)
        metrics = QFontMetrics(self.view.font())
        self.view.setColumnWidth(
            COLUMN_WHEN,
            metrics.horizontalAdvance("Wed 30 Sep 2026 23:59") + 2 * PADDING + STRIPE_WIDTH + 16,
        )
        self.view.doubleClicked.connect(self._open_index)

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("emptyHint")
        self.empty.setAccessibleName("Timeline")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        self.count_label = QLabel()
        self.count_label.setObjectName("emptyHint")
        hint = "Enter opens the problem an entry belongs to. " if open_problem else ""
        keys = QLabel(f"{hint}Esc closes.")
        keys.setObjectName("emptyHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(keys)
        footer.addSpacing(12)
        footer.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(filter_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self._focus_list()

    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, check in self.filters.items() if check.isChecked())

    def reload(self) -> None:
        """Read the timeline again (after the caller edited a problem), keeping the place."""
        current = self.current_entry()
        scroll = self.view.verticalScrollBar().value()
        with self._sessions() as session:
            self._entries = models.load_timeline(session, self._customer_id)
        counts = {kind: 0 for kind in models.TIMELINE_KINDS}
        for entry in self._entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        for kind, check in self.filters.items():
            check.setText(f"{self._filter_labels[kind]} ({counts[kind]:,})")
        self._refill(keep=current)
        if current is not None and current in self.shown_entries:
            self.view.verticalScrollBar().setValue(scroll)

    def show_all(self) -> None:
        for check in self.filters.values():
            blocked = check.blockSignals(True)
            check.setChecked(True)
            check.blockSignals(blocked)
        self._refill(keep=self.current_entry())
        self._focus_list()

    def current_entry(self) -> models.TimelineEntry | None:
        row = self.view.currentIndex().row()
        return self.shown_entries[row] if 0 <= row < len(self.shown_entries) else None

    def _refill(self, keep: models.TimelineEntry | None = None) -> None:
        kinds = self.kinds()
        self.shown_entries = [e for e in self._entries if e.kind in kinds]
        now = self._clock()
        self.model.set_rows([self._row(entry, now) for entry in self.shown_entries])
        self.empty.setText(
            EMPTY_TEXT if not self._entries else FILTERED_EMPTY_TEXT if kinds else NO_KIND_TEXT
        )
        self.stack.setCurrentWidget(self.view if self.shown_entries else self.empty)
        total = len(self._entries)
        shown = len(self.shown_entries)
        self.count_label.setText(
            "" if not total else f"{total:,} entries" if shown == total
            else f"{shown:,} of {total:,} entries"
        )
        if self.shown_entries:
            row = self.shown_entries.index(keep) if keep in self.shown_entries else 0
            self.view.setCurrentIndex(self.model.index(row, COLUMN_WHEN))
            if keep is None or row == 0:
                self.view.scrollToTop()
            else:
                self.view.scrollTo(self.model.index(row, COLUMN_WHEN))

    @staticmethod
    def _row(entry: models.TimelineEntry, now: datetime) -> list[QStandardItem]:
        safety = entry.severity == "safety"
        title = f"{SAFETY_MARK}{entry.title}" if safety else entry.title
        when = QStandardItem()
        what = QStandardItem()
        for item, headline, body in (
            (when, when_text(entry.at), models.relative_day(entry.at, now)),
            (what, title, entry.detail),
        ):
            # The whole text for screen readers (and tests); the delegate draws the parts.
            item.setText(f"{headline}\n{body}" if body else headline)
            item.setData(headline, HEADLINE_ROLE)
            item.setData(body, BODY_ROLE)
            item.setData(entry.kind, KIND_ROLE)
            item.setData(entry.problem_id, PROBLEM_ID_ROLE)
            item.setData(safety, SAFETY_ROLE)
            item.setEditable(False)
            if safety:
                item.setForeground(SAFETY_COLOUR)
        return [when, what]

    def _open_index(self, index: QModelIndex) -> None:
        problem_id = index.siblingAtColumn(COLUMN_WHEN).data(PROBLEM_ID_ROLE)
        if problem_id is not None and self._open_problem is not None:
            self._open_problem(int(problem_id))

    def _focus_list(self) -> None:
        if self.shown_entries:
            self.view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        else:
            self.show_all_button.setFocus(Qt.FocusReason.ActiveWindowFocusReason)


