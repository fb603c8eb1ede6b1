"""The greeting card: everything to say hello properly, readable at a glance."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from models import GreetingCard, NoteView, relative_day
from models.greeting import attribution
from ui.labels import plain_label
from ui.last_time_box import LastTimeBox

HANDOVER_PREFIX = "FOR NEXT SHIFT: "


def note_line(note: NoteView, now: datetime | None, *, bullet: str = "•") -> str:
    """One note on the card, signed: "• Loves the window seat  — Sam · 2 days ago".

    A note left for the next shift says so first, with an arrow for a bullet.
    """
    if note.is_handover:
        bullet, text = "➜", HANDOVER_PREFIX + note.text
    else:
        text = note.text
    # Non-breaking spaces: the signature wraps as one piece, never "—" alone at a line's end.
    signed = "—\u00a0" + attribution(note.author, note.created_at, now).replace(" ", "\u00a0")
    return f"{bullet} {text}  {signed}"


class _Section(QWidget):
    """A small caps title over a block of text; hidden when there is nothing to say."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        heading = QLabel(title.upper())
        heading.setObjectName("sectionTitle")
        self.body = plain_label(object_name)
        self.body.setAccessibleName(title)
        layout.addWidget(heading)
        layout.addWidget(self.body)

    def set_lines(self, lines: list[str] | tuple[str, ...], bullet: str = "•") -> None:
        self.set_text("\n".join(f"{bullet} {line}" if bullet else line for line in lines))

    def set_text(self, text: str) -> None:
        self.body.setText(text)
        self.setVisible(bool(text))


class _ScrollContent(QWidget):
    """The scrolling part of the card. QScrollArea sizes it only when the viewport resizes;
    word-wrapped lines need it sized again whenever the card's content changes."""

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            viewport = self.parentWidget()
            scroll = viewport.parentWidget() if viewport is not None else None
            if isinstance(scroll, QScrollArea):
                scroll.setWidgetResizable(True)  # recomputes the height for the new content
        return handled


class GreetingCardWidget(QFrame):
    check_in_clicked = Signal()
    edit_clicked = Signal()
    add_note_clicked = Signal()
    log_problem_clicked = Signal()
    timeline_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("greetingCard")
        self.setAccessibleName("Greeting card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._card: GreetingCard | None = None

        self.greet_name = plain_label("greetName")
        self.greet_name.setAccessibleName("Greet them as")
        self.subtitle = plain_label("greetSubtitle")
        self.allergy_alert = plain_label("allergyAlert")
        self.allergy_alert.setAccessibleName("Allergy alert")
        self.usual = _Section("Usual", "usualLabel")
        self.talking_points = _Section("Ask about", "talkingPointsLabel")
        self.preferences = _Section("Preferences", "preferencesLabel")
        self.recognize = _Section("How to recognize them", "descriptionLabel")
        self.pinned = _Section("Pinned notes", "pinnedNotes")
        self.notes = _Section("Recent notes", "recentNotes")
        self.last_time = QWidget()
        self.last_time.setObjectName("lastTimeSection")
        self.last_time.setAccessibleName("Last time")
        last_time_layout = QVBoxLayout(self.last_time)
        last_time_layout.setContentsMargins(0, 0, 0, 0)
        last_time_layout.setSpacing(4)
        last_time_title = QLabel("LAST TIME")
        last_time_title.setObjectName("sectionTitle")
        last_time_layout.addWidget(last_time_title)
        self._last_time_boxes: list[LastTimeBox] = []
        self.follow_ups = _Section("Follow up", "cardFollowUps")
        self.details = plain_label("detailsLabel")
        self.consent = plain_label("consentLabel")

        self.check_in_button = QPushButton("Check in   Ctrl+Enter")
        self.check_in_button.setObjectName("checkInButton")
        self.check_in_button.setAccessibleName("Check in")
        self.check_in_button.setToolTip("Log a visit for this regular (Ctrl+Enter)")
        self.edit_button = QPushButton("Edit   Ctrl+E")
        self.edit_button.setObjectName("editButton")
        self.edit_button.setAccessibleName("Edit regular")
        self.note_button = QPushButton("Add note   Ctrl+Shift+N")
        self.note_button.setObjectName("addNoteButton")
        self.note_button.setAccessibleName("Add note")
        self.problem_button = QPushButton("Log problem   Ctrl+P")
        self.problem_button.setObjectName("logProblemButton")
        self.problem_button.setAccessibleName("Log a problem")
        self.problem_button.setToolTip("Something went wrong: log it and how it was made right")
        self.timeline_button = QPushButton("Timeline   Ctrl+T")
        self.timeline_button.setObjectName("timelineButton")
        self.timeline_button.setAccessibleName("Timeline")
        for button in (self.check_in_button, self.edit_button, self.note_button,
                       self.problem_button, self.timeline_button):
            # Clicks must not steal focus from the search box, where the next name is typed.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.check_in_button.clicked.connect(self.check_in_clicked)
        self.edit_button.clicked.connect(self.edit_clicked)
        self.note_button.clicked.connect(self.add_note_clicked)
        self.problem_button.clicked.connect(self.log_problem_clicked)
        self.timeline_button.clicked.connect(self.timeline_clicked)

        self.placeholder = plain_label("emptyHint")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setText(
            "Type a name, phone digits or anything you remember.\n"
            "↑ ↓ choose · Enter opens the card · Ctrl+Enter checks in"
        )

        self._content = QWidget()
        content = QVBoxLayout(self._content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(10)
        content.addWidget(self.greet_name)
        content.addWidget(self.subtitle)
        content.addWidget(self.allergy_alert)
        # Everything between the name and the buttons scrolls when a regular has a long story,
        # so the buttons never move and no line is ever squeezed.
        sections = _ScrollContent()
        sections.setObjectName("cardSections")
        sections_layout = QVBoxLayout(sections)
        sections_layout.setContentsMargins(0, 0, 6, 0)
        sections_layout.setSpacing(10)
        for section in (self.last_time, self.usual, self.talking_points, self.preferences,
                        self.recognize, self.pinned, self.follow_ups, self.notes):
            sections_layout.addWidget(section)
        sections_layout.addWidget(self.details)
        sections_layout.addStretch(1)
        self.sections_scroll = QScrollArea()
        self.sections_scroll.setObjectName("cardScroll")
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sections_scroll.setWidget(sections)
        content.addWidget(self.sections_scroll, 1)
        content.addWidget(self.consent)
        content.addWidget(self.check_in_button)
        secondary = QHBoxLayout()
        secondary.addWidget(self.edit_button, 1)
        secondary.addWidget(self.note_button, 1)
        content.addLayout(secondary)
        tertiary = QHBoxLayout()
        tertiary.addWidget(self.problem_button, 1)
        tertiary.addWidget(self.timeline_button, 1)
        content.addLayout(tertiary)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self._content)
        layout.addWidget(self.placeholder, 1)
        self.show_card(None)

    @property
    def card(self) -> GreetingCard | None:
        return self._card

    def show_card(self, card: GreetingCard | None, now: datetime | None = None) -> None:
        self._card = card
        self._content.setVisible(card is not None)
        self.placeholder.setVisible(card is None)
        if card is None:
            return
        self.greet_name.setText(card.greet_as or card.description or "Regular")
        self.subtitle.setText(self._subtitle(card, now))
        self.allergy_alert.setText(
            "⚠  ALLERGY: " + "; ".join(card.allergies) if card.allergies else ""
        )
        self.allergy_alert.setVisible(bool(card.allergies))
        self.usual.set_lines(card.usuals, bullet="")
        self.talking_points.set_lines(card.talking_points)
        self.preferences.set_lines(card.preferences)
        self.recognize.set_text(card.description if card.greet_as else "")
        self.pinned.set_lines([note_line(n, now, bullet="★") for n in card.pinned_notes],
                              bullet="")
        self.notes.set_lines([note_line(n, now) for n in card.recent_notes], bullet="")
        self._show_last_time(card, now)
        self.follow_ups.set_lines([
            f"{f.due_on:%a %d %b}: {f.task}" for f in card.follow_ups
        ])
        self.details.setText(self._details(card, now))
        self.details.setVisible(bool(self.details.text()))
        self.consent.setText(self._consent_line(card))
        self.consent.setProperty("doNotRemember", card.do_not_remember_at is not None)
        self.consent.style().unpolish(self.consent)
        self.consent.style().polish(self.consent)
        rememberable = card.do_not_remember_at is None
        self.note_button.setEnabled(rememberable)
        self.problem_button.setEnabled(rememberable)

    @staticmethod
    def _consent_line(card: GreetingCard) -> str:
        by = f" (recorded by {card.consent_by})" if card.consent_by else ""
        if card.do_not_remember_at is not None:
            return (f"Asked not to be remembered on {card.do_not_remember_at.astimezone():%d %b %Y}"
                    f"{by}: only their name and visits are kept — no notes or details.")
        if card.consent_given and card.consent_at:
            return f"Agreed to be remembered on {card.consent_at.astimezone():%d %b %Y}{by}."
        return "No consent recorded yet: ask before noting personal details."

    def _show_last_time(self, card: GreetingCard, now: datetime | None) -> None:
        for box in self._last_time_boxes:
            box.setParent(None)
            box.deleteLater()
        layout = self.last_time.layout()
        assert layout is not None
        self._last_time_boxes = [
            LastTimeBox(entry, now or datetime.now().astimezone()) for entry in card.last_time
        ]
        for box in self._last_time_boxes:
            layout.addWidget(box)
        self.last_time.setVisible(bool(self._last_time_boxes))

    @property
    def last_time_boxes(self) -> list[LastTimeBox]:
        return list(self._last_time_boxes)

    @staticmethod
    def _subtitle(card: GreetingCard, now: datetime | None) -> str:
        parts = []
        if card.name and card.name != card.greet_as:
            parts.append(card.name)
        visits = "1 visit" if card.visits == 1 else f"{card.visits:,} visits"
        parts.append(visits)
        if card.last_visit:
            parts.append(f"last visit {relative_day(card.last_visit, now)}")
        else:
            parts.append("first visit today?")
        return "  ·  ".join(parts)

    @staticmethod
    def _details(card: GreetingCard, now: datetime | None) -> str:
        bits = []
        today = (now.astimezone() if now else datetime.now().astimezone()).date()
        days = card.days_to_birthday(today)
        if days is not None and days <= 7:
            bits.append("★ Birthday today!" if days == 0 else f"Birthday in {days} days")
        if card.tags:
            bits.append("Tags: " + ", ".join(card.tags))
        contact = "  ".join(x for x in (card.phone, card.email) if x)
        if contact:
            bits.append(contact)
        return "\n".join(bits)
