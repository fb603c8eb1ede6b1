"""Privacy: record a customer's consent, forget a customer, export one customer's data.

- ``ConsentDialog``: not asked yet / agreed / asked not to be remembered, and who recorded it.
  "Asked not to be remembered" erases their details at once, so it asks first.
- ``ForgetDialog``: erasure on request (owners). Says exactly what goes and what stays, offers
  an export first, and only forgets once their name (or FORGET) has been typed.
- ``export_customer_data``: save one customer's data as readable JSON, to hand to them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import cast

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

import models
from models.errors import PermissionDenied
from models.exporting import write_customer_export
from models.privacy import CONSENT_LABELS, ConsentState, ForgetSummary, checkpoint, set_consent
from models.privacy import forget_customer as erase_customer
from models.search.folding import fold
from models.settings import DO_NOT_REMEMBER_KEEPS_VISITS
from ui.background import BackgroundTask, Report
from ui.labels import plain_label
from ui.theme import LIGHT

log = logging.getLogger(__name__)

FORGET_WORD = "FORGET"
GONE = "This customer is no longer here (forgotten or merged at another counter)."
NO_DATABASE = "The database did not answer; nothing was changed. Try again in a moment."

_STYLE = f"""
QLabel#privacyTitle {{ font-size: 18px; font-weight: 700; color: {LIGHT.text}; }}
QLabel#consentExplanation, QLabel#currentConsent {{ color: {LIGHT.muted}; }}
QLabel#consentExplanation {{ margin-left: 24px; }}
QLabel#ownerOnly {{
    background: {LIGHT.caution_soft}; color: {LIGHT.caution}; border: 1px solid {LIGHT.caution};
    border-radius: 9px; padding: 2px 10px; font-weight: 700; font-size: 12px;
}}
QLabel#consentError, QLabel#forgetError {{ color: {LIGHT.alert}; font-weight: 600; }}
QLabel#exportStatus {{ color: {LIGHT.success}; }}
QLabel#erasedList, QLabel#keptList {{ color: {LIGHT.text}; font-weight: 400; }}
QPushButton#saveConsentButton {{
    background: {LIGHT.accent}; color: {LIGHT.accent_text}; border: none; font-weight: 700;
    padding: 8px 18px;
}}
QPushButton#forgetButton {{
    background: {LIGHT.alert}; color: {LIGHT.alert_text}; border: none; font-weight: 700;
    padding: 8px 18px;
}}
QPushButton#saveConsentButton:focus, QPushButton#forgetButton:focus {{
    border: 2px solid {LIGHT.text};
}}
QPushButton#saveConsentButton:disabled, QPushButton#forgetButton:disabled {{
    background: {LIGHT.border}; color: {LIGHT.muted};
}}
"""

_CONSENT_BUTTONS: dict[ConsentState, tuple[str, str]] = {  # object name, text with mnemonic
    "unknown": ("consentUnknown", "&Not asked yet"),
    "agreed": ("consentAgreed", "&Agreed to be remembered"),
    "do_not_remember": ("consentDoNotRemember", "Asked n&ot to be remembered"),
}


@dataclass(frozen=True)
class _Customer:
    """What these dialogs show about one customer, as plain values."""

    id: int
    name: str  # the name they are shown by ("" when nobody knows it)
    shown: str  # for sentences: the name, else how to recognise them, else "this customer"
    state: ConsentState
    consent_at_text: str
    consent_by: str
    visits: int
    keeps_visits: bool  # the shop keeps visits of those who asked not to be remembered


def _signed_in_name(sessions: models.SessionFactory) -> str:
    """Who is signed in at this counter ("" for a plain window, e.g. a script's)."""
    with sessions() as session:
        actor = models.staff.current_actor(session)
    return actor.name if actor is not None and actor.staff_id is not None else ""


def _load_customer(sessions: models.SessionFactory, customer_id: int) -> _Customer:
    with sessions() as session:
        card = models.load_card(session, customer_id)
        keeps = bool(models.get_setting(session, DO_NOT_REMEMBER_KEEPS_VISITS))
    state: ConsentState
    at: datetime | None
    if card.do_not_remember_at is not None:
        state, at = "do_not_remember", card.do_not_remember_at
    elif card.consent_given:
        state, at = "agreed", card.consent_at
    else:
        state, at = "unknown", None
    name = " ".join((card.name or card.goes_by).split())
    description = " ".join(card.description.split())
    if len(description) > 40:
        description = description[:39].rstrip() + "…"
    return _Customer(
        id=card.id, name=name, shown=name or description or "this customer", state=state,
        consent_at_text=f"{at.astimezone():%d %b %Y}" if at is not None else "",
        consent_by=card.consent_by, visits=card.visits, keeps_visits=keeps,
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one}" if count == 1 else f"{count or 'no'} {many}"


def _fit_height(dialog: QDialog) -> None:
    """Tall enough for every wrapped line at the current width (Qt sizes a dialog for its
    labels' unwrapped width, which cuts wrapped text off)."""
    layout = dialog.layout()
    if layout is not None and layout.hasHeightForWidth():
        dialog.setMinimumHeight(layout.totalHeightForWidth(dialog.width()))


def _error_label() -> QLabel:
    label = plain_label("privacyError")
    label.setAccessibleName("Problem")
    label.hide()
    return label


def _no_auto_default(buttons: QDialogButtonBox) -> None:
    for button in buttons.buttons():
        if isinstance(button, QPushButton):
            button.setAutoDefault(False)


# --- consent ------------------------------------------------------------------------------


class ConsentDialog(QDialog):
    """Record whether a customer agreed to be remembered; emits ``changed(customer_id)``.

    ↑/↓ choose the answer, Tab goes to "Recorded by", Enter saves, Esc cancels.
    """

    changed = Signal(int)

    def __init__(
        self, sessions: models.SessionFactory, customer_id: int, parent: QWidget | None = None,
        *, recorded_by: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.setWindowTitle("Remembering this customer")
        self.setAccessibleName("Remembering this customer")
        self.setStyleSheet(_STYLE)
        self.setMinimumWidth(560)
        self._sessions = sessions
        self._customer_id = customer_id
        self._customer: _Customer | None = None

        self.title = plain_label("privacyTitle")
        self.current = plain_label("currentConsent")
        self.group = QButtonGroup(self)
        self.radios: dict[ConsentState, QRadioButton] = {}
        radio_box = QVBoxLayout()
        radio_box.setSpacing(6)
        for state, (object_name, text) in _CONSENT_BUTTONS.items():
            radio = QRadioButton(text)
            radio.setObjectName(object_name)
            radio.setAccessibleName(CONSENT_LABELS[state])
            self.group.addButton(radio)
            self.radios[state] = radio
            radio_box.addWidget(radio)
            radio.toggled.connect(self._on_choice)
        self.explanation = plain_label("consentExplanation")
        radio_box.addWidget(self.explanation)

        self.recorded_by_edit = QLineEdit(recorded_by or _signed_in_name(sessions))
        self.recorded_by_edit.setObjectName("recordedByEdit")
        self.recorded_by_edit.setAccessibleName("Recorded by")
        self.recorded_by_edit.setPlaceholderText("your name")
        self.recorded_by_edit.setMaxLength(100)
        self.recorded_by_edit.textEdited.connect(lambda _text: self._hide_error())
        by_label = QLabel("Recorded &by:")
        by_label.setBuddy(self.recorded_by_edit)
        by_row = QFormLayout()
        by_row.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        by_row.addRow(by_label, self.recorded_by_edit)
        self.error = _error_label()
        self.error.setObjectName("consentError")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveConsentButton")
        self.save_button.setText("&Save")
        self.save_button.setDefault(True)  # Enter saves, from any field
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.current)
        layout.addSpacing(2)
        layout.addLayout(radio_box)
        layout.addSpacing(4)
        layout.addLayout(by_row)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._load()

    def _load(self) -> None:
        try:
            customer = _load_customer(self._sessions, self._customer_id)
        except models.NotFoundError:
            self.title.setText("Remembering this customer")
            self._show_error(GONE)
            for widget in (*self.radios.values(), self.recorded_by_edit, self.save_button):
                widget.setEnabled(False)
            return
        self._customer = customer
        self.title.setText(f"Remembering {customer.shown}")
        by = f", recorded by {customer.consent_by}" if customer.consent_by else ""
        if customer.state == "do_not_remember":
            self.current.setText(
                f"Asked not to be remembered on {customer.consent_at_text}{by}. Their details "
                "were erased then; another answer does not bring them back."
            )
        elif customer.state == "agreed":
            self.current.setText(f"Agreed to be remembered on {customer.consent_at_text}{by}.")
        else:
            self.current.setText("Nobody has asked them yet. Ask before noting personal details.")
        visits = ("their visits, without what they had" if customer.keeps_visits
                  else "nothing else (their visits are deleted too, as the shop's settings say)")
        self.explanation.setText(
            "Erases their details now: phone, email, birthday, usual order, preferences, "
            "allergies, talking points, tags, notes and what was written in their problems. "
            f"Kept: only the name, so nobody adds them again, and {visits}."
        )
        self.radios[customer.state].setChecked(True)

    def selected(self) -> ConsentState:
        for state, radio in self.radios.items():
            if radio.isChecked():
                return state
        return "unknown"

    def select(self, state: ConsentState) -> None:
        self.radios[state].setChecked(True)

    def _on_choice(self, checked: bool) -> None:
        if checked:
            self._hide_error()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        _fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        _fit_height(self)
        self.activateWindow()
        self.radios[self.selected()].setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def accept(self) -> None:
        customer = self._customer
        if customer is None:
            return
        state = self.selected()
        if state == customer.state:
            super().accept()  # nothing to record
            return
        recorded_by = " ".join(self.recorded_by_edit.text().split())
        if state != "unknown" and not recorded_by:
            self._show_error(
                "Write who recorded their answer in “Recorded by” (your name), then save.")
            self.recorded_by_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if state == "do_not_remember" and not self._confirm_erasing(customer):
            return
        try:
            with self._sessions.begin() as session:
                set_consent(session, customer.id, state, recorded_by=recorded_by)
        except PermissionDenied as exc:  # "do not remember" erases teammates' notes too
            self._show_error(str(exc))
            return
        except models.ValidationError as exc:
            self._show_error(" ".join(exc.errors.values()))
            if "recorded_by" in exc.errors:
                self.recorded_by_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except models.NotFoundError:
            self._show_error(GONE)
            return
        except SQLAlchemyError:
            log.exception("Recording consent for #%s failed", customer.id)
            self._show_error(NO_DATABASE)
            return
        self.changed.emit(customer.id)
        super().accept()

    def _confirm_erasing(self, customer: _Customer) -> bool:
        answer = QMessageBox.question(
            self, "Erase their details?",
            f"<p>Erase the details of “{escape(customer.shown)}” now?</p>"
            "<p>Phone, email, birthday, usual order, allergies, notes and what was written in "
            "their problems are deleted at once and cannot be brought back.</p>",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        _fit_height(self)
        self.recorded_by_edit.setAccessibleDescription(message)

    def _hide_error(self) -> None:
        self.error.hide()
        self.recorded_by_edit.setAccessibleDescription("")


# --- exporting one customer's data ----------------------------------------------------------


def export_file_name(name: str, customer_id: int) -> str:
    """"Zoë Park" -> "zoe-park-data.json"; a customer without a name gets their number."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60].strip("-")
    return f"{slug or f'customer-{customer_id}'}-data.json"


def exported_message(path: Path) -> str:
    return f"Their data is saved as {path.name} (in {path.parent})."


def export_customer_data(
    parent: QWidget | None, sessions: models.SessionFactory, customer_id: int, *,
    show_done: Callable[[str], None] | None = None,
    show_error: Callable[[str], None] | None = None,
) -> Path | None:
    """Ask where to save, then write one customer's data as readable JSON.

    Returns the file, or None when cancelled or it failed. The confirmation and any error go
    to ``show_done`` / ``show_error`` (a status line, say); without them, a message box.
    """

    def error(message: str) -> None:
        if show_error is not None:
            show_error(message)
        else:
            QMessageBox.warning(parent, "Export failed", message)

    try:
        with sessions() as session:
            card = models.load_card(session, customer_id)
    except models.NotFoundError:
        error(GONE)
        return None
    folder = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    suggested = Path(folder) / export_file_name(card.name or card.goes_by, customer_id)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Export their data", str(suggested), "JSON files (*.json)")
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_name(path.name + ".json")
    try:
        with sessions.begin() as session:  # commits the export's audit event
            write_customer_export(session, customer_id, path)
    except OSError as exc:
        reason = (exc.strerror or "the folder cannot be written to").rstrip(".")
        error(f"Could not save {path.name}: {reason[0].lower()}{reason[1:]}.")
        return None
    except models.NotFoundError:
        error(GONE)
        return None
    except SQLAlchemyError:
        log.exception("Exporting #%s failed", customer_id)
        error("The database did not answer; nothing was saved. Try again in a moment.")
        return None
    if show_done is not None:
        show_done(exported_message(path))
    else:
        QMessageBox.information(parent, "Data exported", exported_message(path))
    return path


# --- forgetting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    notes: int
    problems: int


def _counts(sessions: models.SessionFactory, customer_id: int) -> _Counts:
    with sessions() as session:
        entries = models.load_timeline(session, customer_id, kinds={"note", "problem"},
                                       limit=100_000)
    return _Counts(notes=sum(e.kind == "note" for e in entries),
                   problems=sum(e.kind == "problem" for e in entries))


def forget_message(exc: BaseException) -> str:
    """One plain sentence for why forgetting did not happen."""
    if isinstance(exc, models.NotFoundError):
        return GONE
    if isinstance(exc, SQLAlchemyError):
        return ("The database did not answer (another counter may be busy); nothing was "
                "erased. Try again in a moment.")
    return "Something went wrong, so nothing was erased. Try again, or restart the app."


def confirmation_matches(typed: str, expected: str) -> bool:
    """Their name as typed: any case, with or without accents, spaces squeezed."""
    def tidy(text: str) -> str:
        return " ".join(fold(text).split())
    return bool(tidy(typed)) and tidy(typed) == tidy(expected)


class ForgetDialog(QDialog):
    """Erase a customer on request (owners only); emits ``forgotten(customer_id)``.

    Tab walks: their name to confirm, Forget, Cancel, Export first, your name. Enter in the
    confirmation forgets once it matches; Esc cancels (not while erasing).
    """

    forgotten = Signal(int)

    def __init__(
        self, sessions: models.SessionFactory, customer_id: int, parent: QWidget | None = None,
        *, actor: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("forgetDialog")
        self.setWindowTitle("Forget this customer")
        self.setAccessibleName("Forget this customer")
        self.setStyleSheet(_STYLE)
        self.setMinimumWidth(600)
        self._sessions = sessions
        self._customer_id = customer_id
        self._task: BackgroundTask | None = None
        self.summary: ForgetSummary | None = None
        self.expected = FORGET_WORD

        self.title = plain_label("privacyTitle")
        owner_only = QLabel("Owner only")
        owner_only.setObjectName("ownerOnly")
        owner_only.setAccessibleName("Owner only")
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(owner_only, 0, Qt.AlignmentFlag.AlignTop)
        intro = QLabel("For a customer who asked to be erased. It happens at once and cannot "
                       "be undone.")
        intro.setObjectName("emptyHint")
        intro.setWordWrap(True)

        self.erased = plain_label("erasedList")
        erased_box = QGroupBox("ERASED NOW")
        QVBoxLayout(erased_box).addWidget(self.erased)
        self.kept = plain_label("keptList")
        kept_box = QGroupBox("KEPT, WITHOUT ANYTHING THAT SAYS WHO")
        QVBoxLayout(kept_box).addWidget(self.kept)

        self.export_button = QPushButton("&Export their data first…")
        self.export_button.setObjectName("exportFirstButton")
        self.export_button.setAccessibleName("Export their data first")
        self.export_button.setAccessibleDescription(
            "Save a copy of everything about them as a readable file to hand to them.")
        self.export_button.clicked.connect(self.export_first)
        self.export_status = plain_label("exportStatus")
        self.export_status.hide()

        self.actor_edit = QLineEdit(actor or _signed_in_name(sessions))
        self.actor_edit.setObjectName("forgetActorEdit")
        self.actor_edit.setAccessibleName("Your name, for the audit trail")
        self.actor_edit.setPlaceholderText("optional: who erased them")
        self.actor_edit.setMaxLength(100)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("confirmEdit")
        self.confirm_edit.textChanged.connect(self._on_confirm_text)
        self.confirm_edit.returnPressed.connect(self.forget)
        self.confirm_label = QLabel()
        self.confirm_label.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setBuddy(self.confirm_edit)
        actor_label = QLabel("Your &name:")
        actor_label.setBuddy(self.actor_edit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(14)
        form.addRow(actor_label, self.actor_edit)
        form.addRow(self.confirm_label)
        form.addRow(self.confirm_edit)

        self.progress = QProgressBar()
        self.progress.setObjectName("forgetProgress")
        self.progress.setAccessibleName("Erasing")
        self.progress.setRange(0, 0)  # busy: erasing is one step that cannot be cancelled
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.progress_label = plain_label("emptyHint")
        self.progress_label.hide()
        self.error = _error_label()
        self.error.setObjectName("forgetError")

        self.forget_button = QPushButton("&Forget them")
        self.forget_button.setObjectName("forgetButton")
        self.forget_button.setAccessibleName("Forget this customer")
        self.forget_button.setEnabled(False)
        self.forget_button.clicked.connect(self.forget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.forget_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.rejected.connect(self.reject)
        _no_auto_default(self.buttons)
        self.export_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addWidget(intro)
        layout.addWidget(erased_box)
        layout.addWidget(kept_box)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.export_status)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        QWidget.setTabOrder(self.confirm_edit, self.forget_button)
        QWidget.setTabOrder(self.forget_button, cancel)
        QWidget.setTabOrder(cancel, self.export_button)
        QWidget.setTabOrder(self.export_button, self.actor_edit)
        QWidget.setTabOrder(self.actor_edit, self.confirm_edit)
        self._load()

    def _load(self) -> None:
        try:
            customer = _load_customer(self._sessions, self._customer_id)
            counts = _counts(self._sessions, self._customer_id)
        except models.NotFoundError:
            self.title.setText("Forget this customer")
            self._show_error(GONE)
            for widget in (self.confirm_edit, self.actor_edit, self.export_button):
                widget.setEnabled(False)
            return
        self.title.setText(f"Forget {customer.name}" if customer.name
                           else f"Forget the regular “{customer.shown}”")
        self.expected = customer.name or FORGET_WORD
        if customer.name:
            prompt = f"Type their name, {customer.name}, to confirm"
            mnemonic_safe = customer.name.replace("&", "&&")  # a customer's "&" is no mnemonic
            self.confirm_label.setText(f"&Type their name, {mnemonic_safe}, to confirm:")
        else:
            prompt = f"They have no name here: type {FORGET_WORD} to confirm"
            self.confirm_label.setText(
                f"They have no name here: &type {FORGET_WORD} to confirm:")
        self.confirm_edit.setPlaceholderText(self.expected)
        self.confirm_edit.setAccessibleName(prompt)
        self.erased.setText("\n".join((
            "•  Name, the name they go by and how to recognise them",
            "•  Phone, email, birthday, usual order, preferences, allergies, talking points "
            "and tags",
            f"•  Their notes ({counts.notes:,}), what was written in their problems, how each "
            "was made right, and their follow-ups",
            "•  Their entries in the search, and any unsent problem report",
        )))
        self.kept.setText("\n".join((
            f"•  {_plural(customer.visits, 'visit', 'visits')} and "
            f"{_plural(counts.problems, 'problem', 'problems')}, as anonymous counts, so "
            "reports stay right",
            "•  An entry in the audit trail that a customer was erased on request, and by "
            "whom — never whose",
        )))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        _fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        _fit_height(self)
        self.activateWindow()
        self.confirm_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _on_confirm_text(self, text: str) -> None:
        self._hide_error()
        self.forget_button.setEnabled(confirmation_matches(text, self.expected)
                                      and not self.is_busy())

    def is_busy(self) -> bool:
        return self._task is not None

    def export_first(self) -> None:
        def done(message: str) -> None:
            self.export_status.setText(message)
            self.export_status.show()
            _fit_height(self)

        self._hide_error()
        path = export_customer_data(self, self._sessions, self._customer_id,
                                    show_done=done, show_error=self._show_error)
        if path is not None:
            self.confirm_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def forget(self) -> None:
        if self.is_busy() or not confirmation_matches(self.confirm_edit.text(), self.expected):
            return
        sessions, customer_id = self._sessions, self._customer_id
        actor = " ".join(self.actor_edit.text().split())

        def work(report: Report) -> ForgetSummary:
            report(0, 2)
            with sessions.begin() as session:
                summary = erase_customer(session, customer_id, actor=actor)
            report(1, 2)
            try:
                with sessions.begin() as session:
                    checkpoint(session)
            except SQLAlchemyError:  # erased already; the next checkpoint moves the pages
                log.warning("Checkpoint after forgetting #%s failed", customer_id,
                            exc_info=True)
            report(2, 2)
            return summary

        self._set_busy(True)
        task = BackgroundTask(work, self)
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_forgotten)
        task.failed.connect(self._on_failed)
        self._task = task
        task.start()

    @Slot(int, int)
    def _on_progress(self, done: int, _total: int) -> None:
        self.progress_label.setText(
            "Erasing their details…" if done == 0
            else "Tidying the search and the database file (a few seconds on a big shop)…"
        )

    @Slot(object)
    def _on_forgotten(self, summary: object) -> None:
        self._task = None
        self.summary = cast(ForgetSummary, summary)
        self._set_busy(False)
        self.forgotten.emit(self._customer_id)
        super().accept()

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self._task = None
        self._set_busy(False)
        error = exc if isinstance(exc, BaseException) else RuntimeError(str(exc))
        if not isinstance(error, models.NotFoundError):
            log.error("Forgetting #%s failed", self._customer_id, exc_info=error)
        self._show_error(forget_message(error))
        self.confirm_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.confirm_edit, self.actor_edit, self.export_button,
                       self.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
            widget.setEnabled(not busy)
        self.forget_button.setEnabled(
            not busy and confirmation_matches(self.confirm_edit.text(), self.expected))
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        _fit_height(self)
        if busy:
            self._hide_error()
            self.progress_label.setText("Erasing their details…")

    def reject(self) -> None:
        if self.is_busy():  # erasing is one transaction: let it finish
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_busy():
            event.ignore()
            return
        super().closeEvent(event)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        _fit_height(self)
        self.confirm_edit.setAccessibleDescription(message)

    def _hide_error(self) -> None:
        self.error.hide()
        self.confirm_edit.setAccessibleDescription("")
