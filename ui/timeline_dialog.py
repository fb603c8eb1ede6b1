"""One regular's story, newest first: visits, notes, problems, what was done, follow-ups.

Keyboard: ↑/↓ move, Enter (or a double-click) opens the problem an entry belongs to, Alt plus
the underlined letter turns a kind on or off, Esc closes.

Built for a regular with a thousand visits: the rows are a QStandardItemModel filled once per
reload (their values live in C++), the kind filter is a QSortFilterProxyModel matching a role
in C++, and a delegate draws each cell; no widget per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRegularExpression,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
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
    QTextCharFormat,
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
# Each cell's text is "first line\nthe rest": the date over the relative day, the title over
# the detail. Set on the "when" cell of each row:
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
PROBLEM_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SAFETY_ROLE = Qt.ItemDataRole.UserRole + 3
# On the "what" cell: who wrote the note or logged the problem ("logged by Sam"), drawn after
# the title in the plain, muted style.
BYLINE_ROLE = Qt.ItemDataRole.UserRole + 4
BYLINE_SEPARATOR = "  ·  "

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
LINE_GAP = 2  # between the first line and the rest
WIDEST_WHEN = "Wed 30 Sep 2026 23:59"
_NO_SIZE = QSize(0, 0)


def when_text(moment: datetime) -> str:
    """ "Thu 19 Nov 2026 14:05", in the counter's own time zone."""
    return f"{moment.astimezone():%a %d %b %Y %H:%M}"


def with_mnemonic(label: str, taken: set[str]) -> str:
    """``label`` with "&" before its first letter that no other Alt+letter in ``taken`` uses
    (the letter then joins ``taken``); a literal "&" is doubled."""
    escaped = label.replace("&", "&&")
    for position, char in enumerate(escaped):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{escaped[:position]}&{escaped[position:]}"
    return escaped


def _wrapped_layout(
    text: str, font: QFont, width: int, *, plain_from: int = -1,
    plain_colour: QColor | None = None,
) -> tuple[QTextLayout, float]:
    """The text laid out in ``width`` and the height it takes. Long words break too: a pasted
    link must not run off the edge. From ``plain_from`` on (a byline) the text is drawn at the
    normal weight, in ``plain_colour`` if given."""
    # QTextLayout starts a new line at the Unicode line separator, not at "\n".
    layout = QTextLayout(text.replace("\r\n", "\n").replace("\n", "\u2028"), font)
    if 0 <= plain_from < len(text):
        plain = QTextCharFormat()
        plain.setFontWeight(QFont.Weight.Normal)
        if plain_colour is not None:
            plain.setForeground(plain_colour)
        byline = QTextLayout.FormatRange()
        byline.start, byline.length, byline.format = plain_from, len(text) - plain_from, plain
        layout.setFormats([byline])
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
    """Draws a cell's first line (bold in the "what" column) over the rest, wrapped."""

    def __init__(self, view: QTreeView, *, bold_headline: bool, muted_body: bool) -> None:
        super().__init__(view)
        self._view = view
        self._bold_headline = bold_headline
        self._muted_body = muted_body
        self._base_font: QFont | None = None
        self._fonts = (QFont(), QFont())
        self._two_line_height = 0

    def _fonts_for(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        if option.font != self._base_font:
            self._base_font = QFont(option.font)
            headline = QFont(option.font)
            if self._bold_headline:
                headline.setWeight(QFont.Weight.DemiBold)
            self._fonts = (headline, QFont(option.font))
            # Every row is at least as tall as the date over "3 days ago" beside it.
            self._two_line_height = (
                2 * QFontMetrics(option.font).height() + LINE_GAP + 2 * PADDING)
            self._on_font_change()
        return self._fonts

    def _on_font_change(self) -> None:
        """Forget whatever was measured in the old font."""

    def text_width(self, column: int) -> int:
        return self._view.columnWidth(column) - 2 * PADDING - STRIPE_WIDTH

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        headline, _, body = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        byline = _unbroken(str(index.data(BYLINE_ROLE) or ""))
        plain_from = len(headline) + len(BYLINE_SEPARATOR) if byline else -1
        if byline:
            headline += BYLINE_SEPARATOR + byline
        option.text = ""  # the style draws the background and selection; the text is ours
        style = option.widget.style() if option.widget else self._view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)

        when = index.sibling(index.row(), COLUMN_WHEN)
        safety = bool(when.data(SAFETY_ROLE))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        # Red on a dark selection would be unreadable; the stripe and the ⚠ still show.
        red = safety and not (selected and palette.highlight().color().lightness() < 128)
        headline_colour = SAFETY_COLOUR if red else text_colour
        body_colour = (SAFETY_COLOUR if red
                       else QColor(LIGHT.muted) if self._muted_body and not selected
                       else text_colour)

        rect: QRect = option.rect
        painter.save()
        if index.column() == COLUMN_WHEN:
            stripe = SAFETY_COLOUR if safety else KIND_STRIPES.get(
                str(when.data(KIND_ROLE)), QColor(LIGHT.border))
            painter.fillRect(
                QRect(rect.left(), rect.top() + 3, STRIPE_WIDTH, rect.height() - 6), stripe)
        painter.setPen(QColor(LIGHT.border))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.setClipRect(rect)
        headline_font, body_font = self._fonts_for(option)
        width = self.text_width(index.column())
        x = rect.left() + STRIPE_WIDTH + PADDING
        y = float(rect.top() + PADDING)
        byline_colour = QColor(LIGHT.muted) if not selected and not red else None
        for text, font, colour, plain in ((headline, headline_font, headline_colour, plain_from),
                                          (body, body_font, body_colour, -1)):
            if text:
                layout, height = _wrapped_layout(text, font, width, plain_from=plain,
                                                 plain_colour=byline_colour)
                painter.setPen(colour)
                layout.draw(painter, QPointF(x, y))
                y += height + LINE_GAP
        painter.restore()


class _WrappingEntryDelegate(_EntryDelegate):
    """Measures each row's height, for the column whose text wraps.

    With per-pixel scrolling the view asks for every row's height on each layout, so this is
    the only cell measured, and each text only once per width.
    """

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view, bold_headline=True, muted_body=False)
        # Heights by text; they only change with the column's width.
        self._heights: dict[str, int] = {}
        self.measured_width = -1

    def _on_font_change(self) -> None:
        self._heights.clear()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        headline_font, body_font = self._fonts_for(option)
        width = self.text_width(index.column())
        if width != self.measured_width:
            self._heights.clear()
            self.measured_width = width
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        byline = _unbroken(str(index.data(BYLINE_ROLE) or ""))
        key = f"{text}\0{byline}"
        height = self._heights.get(key)
        if height is None:
            headline, _, body = text.partition("\n")
            if byline:  # measured in the headline's bold: never shorter than drawn
                headline += BYLINE_SEPARATOR + byline
            height = 2 * PADDING + _block_height(headline, headline_font, width)
            if body:
                height += LINE_GAP + _block_height(body, body_font, width)
            height = max(height, self._two_line_height)
            self._heights[key] = height
        return QSize(width, height)


def _unbroken(byline: str) -> str:
    """ "logged by Jo" wraps as one piece, never "logged" at a line's end."""
    return byline.replace(" ", "\u00a0")


def _block_height(text: str, font: QFont, width: int) -> int:
    metrics = QFontMetrics(font)
    # Most titles and details are one short line: no need to lay them out.
    if "\n" not in text and metrics.horizontalAdvance(text) <= width:
        return metrics.height()
    return int(_wrapped_layout(text, font, width)[1] + 0.999)


class _TimelineView(QTreeView):
    """Opens the current entry on Enter, and keeps wrapped rows the right height when the
    dialog is resized (QTreeView would keep their old heights)."""

    def __init__(self, on_open: Callable[[QModelIndex], None]) -> None:
        super().__init__()
        self._on_open = on_open
        # Coalesces the many resizes of one drag into one relayout.
        self._relayout = QTimer(self, singleShot=True, interval=0)
        self._relayout.timeout.connect(self.doItemsLayout)
        self._laid_out_width = -1
        self.header().sectionResized.connect(self._on_section_resized)

    def doItemsLayout(self) -> None:
        super().doItemsLayout()
        if self.isVisible():
            self._laid_out_width = self.columnWidth(COLUMN_WHAT)

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        # QTreeView keeps each row's height until the next full layout, so wrapped text would
        # spill over or leave gaps once the column is wider or narrower.
        if column == COLUMN_WHAT and self._laid_out_width not in (-1, new):
            self._relayout.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Taken and accepted here: left to QTreeView, Enter would go on to the dialog, which
        # presses its default button.
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
        self.resize(860, 620)  # the layout keeps it at least as wide as the filter row
        self._sessions = sessions
        self._customer_id = customer_id
        self._open_problem = open_problem
        self._clock = clock or (lambda: datetime.now(UTC))
        self._entries: list[models.TimelineEntry] = []
        self._keep_on_show: models.TimelineEntry | None = None

        taken = {"a", "c"}  # Alt+A is "Show all", Alt+C "Close"
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
            # Never squeezed: a cut-off "Made right (3" reads as something else.
            check.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            check.toggled.connect(lambda _on: self._apply_filter())
            self.filters[kind] = check
            filter_row.addWidget(check)
        filter_row.addStretch(1)
        self.show_all_button = QPushButton("Show &all")
        self.show_all_button.setObjectName("timelineShowAllButton")
        self.show_all_button.setAccessibleName("Show all kinds")
        self.show_all_button.setAutoDefault(False)
        self.show_all_button.clicked.connect(self.show_all)
        filter_row.addWidget(self.show_all_button)

        self.source_model = QStandardItemModel(0, 2, self)
        self.source_model.setHorizontalHeaderLabels(["When", "What"])
        self.model = QSortFilterProxyModel(self)
        self.model.setSourceModel(self.source_model)
        self.model.setFilterKeyColumn(COLUMN_WHEN)
        self.model.setFilterRole(KIND_ROLE)
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
        # Always there, so that filtering never changes the width and re-wraps every row.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.setAllColumnsShowFocus(True)
        self.view.setItemDelegateForColumn(
            COLUMN_WHEN, _EntryDelegate(self.view, bold_headline=False, muted_body=True))
        self.view.setItemDelegateForColumn(COLUMN_WHAT, _WrappingEntryDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COLUMN_WHEN, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnWidth(COLUMN_WHEN, QFontMetrics(self.view.font()).horizontalAdvance(
            WIDEST_WHEN) + 2 * PADDING + STRIPE_WIDTH + 16)
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
        keys = QLabel(("Enter opens the problem an entry belongs to. " if open_problem else "")
                      + "Esc closes.")
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

        heading = QLabel(title)
        heading.setObjectName("timelineTitle")
        heading.setTextFormat(Qt.TextFormat.PlainText)  # it holds the regular's name

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(filter_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.view.currentIndex().isValid():
            self._apply_filter(keep=self._keep_on_show)
        self.activateWindow()
        self._focus_list()

    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, check in self.filters.items() if check.isChecked())

    def current_entry(self) -> models.TimelineEntry | None:
        row = self.model.mapToSource(self.view.currentIndex()).row()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def reload(self) -> None:
        """Read the timeline again (after the caller edited a problem), keeping the place."""
        current = self.current_entry()
        scroll = self.view.verticalScrollBar().value()
        now = self._clock()
        with self._sessions() as session:
            self._entries = models.load_timeline(session, self._customer_id)
        counts = dict.fromkeys(models.TIMELINE_KINDS, 0)
        for entry in self._entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        for kind, check in self.filters.items():
            check.setText(f"{self._filter_labels[kind]} ({counts[kind]:,})")

        rows = [_row(entry, now) for entry in self._entries]
        model = self.source_model
        model.beginResetModel()
        # One reset instead of a rowsInserted signal for each of a thousand rows.
        blocked = model.blockSignals(True)
        try:
            model.setRowCount(0)
            for row in rows:
                model.appendRow(row)
        finally:
            model.blockSignals(blocked)
        model.endResetModel()
        self._apply_filter(keep=current)
        if current is not None and current == self.current_entry():
            self.view.verticalScrollBar().setValue(scroll)

    def show_all(self) -> None:
        for check in self.filters.values():
            blocked = check.blockSignals(True)
            check.setChecked(True)
            check.blockSignals(blocked)
        self._apply_filter()
        self._focus_list()

    def _apply_filter(self, keep: models.TimelineEntry | None = None) -> None:
        keep = keep or self.current_entry()
        kinds = self.kinds()
        pattern = "|".join(re.escape(kind) for kind in sorted(kinds)) or "(?!)"
        self.model.setFilterRegularExpression(QRegularExpression(f"^(?:{pattern})$"))

        shown, total = self.model.rowCount(), len(self._entries)
        self.empty.setText(
            EMPTY_TEXT if not total else FILTERED_EMPTY_TEXT if kinds else NO_KIND_TEXT)
        self.stack.setCurrentWidget(self.view if shown else self.empty)
        self.count_label.setText(
            "" if not total else f"{total:,} entries" if shown == total
            else f"{shown:,} of {total:,} entries")
        if not shown:
            return
        if not self.isVisible():
            # Choosing a row lays out every row, which before the first show would be measured
            # at the wrong width; showEvent comes back here.
            self._keep_on_show = keep
            return
        target = self.model.index(0, COLUMN_WHEN)
        if keep is not None and keep in self._entries:
            kept = self.model.mapFromSource(
                self.source_model.index(self._entries.index(keep), COLUMN_WHEN))
            target = kept if kept.isValid() else target
        self.view.selectionModel().setCurrentIndex(
            target, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        if target.row() == 0:
            self.view.scrollToTop()
        else:
            self.view.scrollTo(target)

    def _open_index(self, index: QModelIndex) -> None:
        problem_id = index.siblingAtColumn(COLUMN_WHEN).data(PROBLEM_ID_ROLE)
        if problem_id is not None and self._open_problem is not None:
            self._open_problem(int(problem_id))

    def _focus_list(self) -> None:
        target = self.view if self.model.rowCount() else self.show_all_button
        target.setFocus(Qt.FocusReason.ActiveWindowFocusReason)


def _row(entry: models.TimelineEntry, now: datetime) -> list[QStandardItem]:
    relative = models.relative_day(entry.at, now)
    when = QStandardItem(f"{when_text(entry.at)}\n{relative}")
    when.setData(entry.kind, KIND_ROLE)
    # The "what" cell decides the row's height (never less than these two lines); a size
    # here spares Qt measuring the date for each of a thousand rows on every layout.
    when.setData(_NO_SIZE, Qt.ItemDataRole.SizeHintRole)
    if entry.problem_id is not None:
        when.setData(entry.problem_id, PROBLEM_ID_ROLE)
    # The delegate paints from the text (never as markup); screen readers read it whole.
    title = " ".join(entry.title.split())  # the first line is the title, whatever it holds
    what = QStandardItem(f"{title}\n{entry.detail}" if entry.detail else title)
    if entry.severity == "safety":
        what.setText(SAFETY_MARK + what.text())
        for item in (when, what):
            item.setData(True, SAFETY_ROLE)
            item.setForeground(SAFETY_COLOUR)
    if entry.byline:  # who wrote the note or logged the problem, beside what it is
        byline = " ".join(entry.byline.split())
        what.setData(byline, BYLINE_ROLE)
        headline, newline, body = what.text().partition("\n")
        what.setData(f"{headline}{BYLINE_SEPARATOR}{byline}{newline}{body}",
                     Qt.ItemDataRole.AccessibleTextRole)
    return [when, what]
