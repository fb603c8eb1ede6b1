"""Merging two profiles, recording consent, forgetting a customer and exporting their data,
driven from the keyboard the way a person at the counter would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QWidget,
)

import models
from ui.merge_dialog import MergeDialog
from ui.privacy_dialog import (
    GONE,
    ConsentDialog,
    ForgetDialog,
    export_customer_data,
    export_file_name,
)

CTRL = Qt.KeyboardModifier.ControlModifier
W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)


def child(dialog: QWidget, kind: type[W], name: str) -> W:
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def show(qtbot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every confirmation asked is recorded and answered Yes (``answers.append("no")`` flips
    the next answers to Cancel)."""
    asked: list[str] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        refuse = "no" in asked
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if refuse else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def card(sessions: models.SessionFactory, customer_id: int) -> models.GreetingCard:
    with sessions() as session:
        return models.load_card(session, customer_id)


def is_gone(sessions: models.SessionFactory, customer_id: int) -> bool:
    try:
        card(sessions, customer_id)
    except models.NotFoundError:
        return True
    return False


# --- merge ----------------------------------------------------------------------------------


@pytest.fixture
def two_profiles(add_customer) -> tuple[int, int]:
    keep = add_customer(name="Margaret Chen", phone="(310) 555-0142", usuals=["oat flat white"],
                        allergies=["tree nuts"], visits=12, notes=("Likes the window seat",))
    other = add_customer(name="Maggie", email="maggie@example.com",
                         usuals=["almond croissant"], visits=5, notes=("Cycles in",))
    add_customer(name="Magnus Berg", visits=1)
    return keep, other


def test_merge_by_keyboard_keeps_the_chosen_fields_and_every_visit(
    qtbot, sessions, two_profiles, answers
) -> None:
    keep, other = two_profiles
    dialog = show(qtbot, MergeDialog(sessions, keep))
    merged: list[int] = []
    dialog.merged.connect(merged.append)
    search = child(dialog, QLineEdit, "mergeSearchEdit")
    merge_button = child(dialog, QPushButton, "mergeButton")
    assert search.accessibleName() and merge_button.accessibleName()
    qtbot.waitUntil(lambda: dialog.focusWidget() is search)
    assert not merge_button.isEnabled()

    qtbot.keyClicks(search, "mag")
    results = child(dialog, QListWidget, "mergeResults")
    shown = [results.item(n).text() for n in range(results.count())]
    assert shown and not any("Margaret" in text for text in shown)  # never itself
    qtbot.keyClicks(search, "gie")
    assert results.item(0).text().startswith("Maggie")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert dialog.focusWidget() is results
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert dialog.other_id == other
    assert merge_button.isEnabled()
    summary = child(dialog, QLabel, "mergeSummary").text()
    assert "(12 + 5 visits)" in summary
    assert "notes, problems" in summary

    # The usual choices are made; the focus waits on the first one that differs: the name.
    name_choice = child(dialog, QComboBox, "mergeChoice_name")
    assert dialog.focusWidget() is name_choice
    assert name_choice.currentData() == "keep"
    assert child(dialog, QComboBox, "mergeChoice_email").currentData() == "other"
    assert child(dialog, QComboBox, "mergeChoice_usuals").currentData() == "both"
    qtbot.keyClick(name_choice, Qt.Key.Key_Tab)  # "Goes by" is empty on both: no choice
    assert dialog.focusWidget() is child(dialog, QComboBox, "mergeChoice_phone")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.focusWidget() is name_choice
    qtbot.keyClicks(name_choice, "o")  # O for Other: she goes by Maggie
    assert name_choice.currentData() == "other"
    assert child(dialog, QLabel, "keepValue_name").property("dropped") is True

    with qtbot.waitSignal(dialog.merged):
        qtbot.keyClick(name_choice, Qt.Key.Key_Return, CTRL)
    assert merged == [keep]
    assert answers == [answers[0]] and "“Maggie” into “Margaret Chen”" in answers[0]
    assert dialog.result() == QDialog.DialogCode.Accepted

    kept = card(sessions, keep)
    assert kept.name == "Maggie"
    assert kept.phone == "(310) 555-0142"
    assert kept.email == "maggie@example.com"
    assert kept.usuals == ("oat flat white", "almond croissant")
    assert kept.allergies == ("tree nuts",)
    assert kept.visits == 17
    assert is_gone(sessions, other)


def test_enter_in_the_search_picks_the_top_match(qtbot, sessions, two_profiles) -> None:
    keep, other = two_profiles
    dialog = show(qtbot, MergeDialog(sessions, keep))
    search = child(dialog, QLineEdit, "mergeSearchEdit")
    qtbot.keyClicks(search, "maggie")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert dialog.other_id == other
    assert dialog.isVisible()  # Enter picks; it never merges


def test_a_merge_the_service_refuses_is_explained_inline(
    qtbot, sessions, add_customer, answers
) -> None:
    keep = add_customer(name="Margaret", visits=2)
    other = add_customer(description="tall, red fixie", visits=1)
    dialog = show(qtbot, MergeDialog(sessions, keep))
    search = child(dialog, QLineEdit, "mergeSearchEdit")
    qtbot.keyClicks(search, "fixie")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    # Taking the other's (empty) name and keeping the (empty) description leaves nothing.
    qtbot.keyClicks(child(dialog, QComboBox, "mergeChoice_name"), "o")
    qtbot.keyClicks(child(dialog, QComboBox, "mergeChoice_description"), "k")
    qtbot.keyClick(child(dialog, QComboBox, "mergeChoice_description"), Qt.Key.Key_Return, CTRL)

    error = child(dialog, QLabel, "mergeError")
    assert error.isVisible()
    assert error.text() == "The merged profile needs a name or a description."
    assert "Traceback" not in error.text()
    assert dialog.isVisible()
    assert card(sessions, keep).name == "Margaret"
    assert not is_gone(sessions, other)


def test_saying_no_to_the_confirmation_merges_nothing(
    qtbot, sessions, two_profiles, answers
) -> None:
    keep, other = two_profiles
    answers.append("no")
    dialog = show(qtbot, MergeDialog(sessions, keep))
    search = child(dialog, QLineEdit, "mergeSearchEdit")
    qtbot.keyClicks(search, "maggie")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible()
    assert not is_gone(sessions, other)
    assert card(sessions, keep).visits == 12


def test_a_profile_that_asked_not_to_be_remembered_cannot_be_merged(
    qtbot, sessions, two_profiles
) -> None:
    keep, other = two_profiles
    with sessions.begin() as session:
        models.privacy.set_consent(session, other, "do_not_remember", recorded_by="Jo")
    dialog = show(qtbot, MergeDialog(sessions, keep))
    search = child(dialog, QLineEdit, "mergeSearchEdit")
    qtbot.keyClicks(search, "maggie")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert "asked not to be remembered" in child(dialog, QLabel, "mergeError").text()
    assert not child(dialog, QPushButton, "mergeButton").isEnabled()


# --- consent --------------------------------------------------------------------------------


@pytest.fixture
def zoe(add_customer) -> int:
    return add_customer(name="Zoë Park", phone="(213) 555-0199", email="zoe@example.com",
                        usuals=["cortado"], talking_points=["her pottery class"], visits=3,
                        notes=("Allergic to cats, loves the corgi",))


def test_do_not_remember_needs_who_recorded_it_then_erases_details(
    qtbot, sessions, zoe, answers
) -> None:
    dialog = show(qtbot, ConsentDialog(sessions, zoe))
    changed: list[int] = []
    dialog.changed.connect(changed.append)
    unknown = child(dialog, QRadioButton, "consentUnknown")
    do_not_remember = child(dialog, QRadioButton, "consentDoNotRemember")
    recorded_by = child(dialog, QLineEdit, "recordedByEdit")
    assert unknown.isChecked()
    assert child(dialog, QRadioButton, "consentAgreed").accessibleName()
    qtbot.waitUntil(lambda: dialog.focusWidget() is unknown)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "only the name" in text and "without what they had" in text

    qtbot.keyClick(unknown, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    assert do_not_remember.isChecked()
    qtbot.keyClick(do_not_remember, Qt.Key.Key_Return)  # save without saying who

    error = child(dialog, QLabel, "consentError")
    assert error.isVisible() and "Recorded by" in error.text()
    assert dialog.focusWidget() is recorded_by
    assert answers == [] and changed == []
    unchanged = card(sessions, zoe)
    assert unchanged.do_not_remember_at is None
    assert unchanged.phone == "(213) 555-0199"

    qtbot.keyClicks(recorded_by, "Jo")
    assert not error.isVisible()
    qtbot.keyClick(recorded_by, Qt.Key.Key_Return)
    assert len(answers) == 1 and "Zoë Park" in answers[0]
    assert changed == [zoe]
    assert dialog.result() == QDialog.DialogCode.Accepted

    erased = card(sessions, zoe)
    assert erased.do_not_remember_at is not None
    assert erased.consent_by == "Jo"
    assert erased.name == "Zoë Park"
    assert (erased.phone, erased.email, erased.usuals, erased.talking_points) == ("", "", (), ())
    assert erased.recent_notes == () and erased.pinned_notes == ()


def test_saying_no_to_erasing_keeps_everything(qtbot, sessions, zoe, answers) -> None:
    answers.append("no")
    dialog = show(qtbot, ConsentDialog(sessions, zoe, recorded_by="Jo"))
    unknown = child(dialog, QRadioButton, "consentUnknown")
    qtbot.waitUntil(lambda: dialog.focusWidget() is unknown)
    qtbot.keyClick(unknown, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    assert child(dialog, QRadioButton, "consentDoNotRemember").isChecked()
    qtbot.keyClick(child(dialog, QLineEdit, "recordedByEdit"), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert card(sessions, zoe).do_not_remember_at is None
    assert card(sessions, zoe).phone == "(213) 555-0199"


def test_agreed_is_recorded_with_who_asked(qtbot, sessions, zoe, answers) -> None:
    dialog = show(qtbot, ConsentDialog(sessions, zoe))
    unknown = child(dialog, QRadioButton, "consentUnknown")
    qtbot.waitUntil(lambda: dialog.focusWidget() is unknown)
    qtbot.keyClick(unknown, Qt.Key.Key_Down)
    assert child(dialog, QRadioButton, "consentAgreed").isChecked()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "Sam")
    with qtbot.waitSignal(dialog.changed):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    agreed = card(sessions, zoe)
    assert agreed.consent_given and agreed.consent_by == "Sam"
    assert agreed.phone == "(213) 555-0199"
    assert answers == []  # agreeing erases nothing, so nothing to confirm


def test_a_clerk_is_told_do_not_remember_needs_a_shift_lead(
    qtbot, sessions, zoe, answers
) -> None:
    from models.staff import Role, SignedIn, add_staff, create_first_owner, signed_in_sessions

    with sessions.begin() as session:
        create_first_owner(session, "Dana", "2468")
    with sessions.begin() as session:
        sam = add_staff(session, "Sam", Role.CLERK, "1234")
    as_sam = signed_in_sessions(sessions, SignedIn(models.staff.Actor(sam, "Sam", Role.CLERK)))
    dialog = show(qtbot, ConsentDialog(as_sam, zoe))
    unknown = child(dialog, QRadioButton, "consentUnknown")
    qtbot.waitUntil(lambda: dialog.focusWidget() is unknown)
    qtbot.keyClick(unknown, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(child(dialog, QRadioButton, "consentDoNotRemember"), Qt.Key.Key_Return)
    error = child(dialog, QLabel, "consentError")
    assert error.isVisible() and "needs a shift lead" in error.text()
    assert dialog.isVisible()
    assert card(sessions, zoe).phone == "(213) 555-0199"  # nothing erased


# --- forget ---------------------------------------------------------------------------------


def test_forget_waits_for_the_typed_name_then_erases_them(qtbot, sessions, zoe) -> None:
    dialog = show(qtbot, ForgetDialog(sessions, zoe, actor="Olga"))
    confirm = child(dialog, QLineEdit, "confirmEdit")
    forget = child(dialog, QPushButton, "forgetButton")
    assert confirm.accessibleName() and forget.accessibleName()
    qtbot.waitUntil(lambda: dialog.focusWidget() is confirm)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Owner only" in text
    assert "3 visits and no problems, as anonymous counts" in text
    assert "never whose" in text
    assert not forget.isEnabled()

    qtbot.keyClicks(confirm, "zoe par")
    qtbot.keyClick(confirm, Qt.Key.Key_Return)  # not yet: nothing happens
    assert not forget.isEnabled() and not dialog.is_busy()
    qtbot.keyClicks(confirm, "k")  # accents and capitals need not be typed
    assert forget.isEnabled()

    with qtbot.waitSignal(dialog.forgotten) as signal:
        qtbot.keyClick(confirm, Qt.Key.Key_Return)
    assert signal.args == [zoe]
    assert dialog.summary is not None and dialog.summary.visits_kept == 3
    assert dialog.result() == QDialog.DialogCode.Accepted
    with sessions() as session:
        assert not models.find_customers(session, "zoe")
        assert not models.find_customers(session, "555-0199")
    assert is_gone(sessions, zoe)


def test_a_customer_without_a_name_is_forgotten_by_typing_forget(
    qtbot, sessions, add_customer
) -> None:
    someone = add_customer(description="tall, red fixie", visits=1)
    dialog = show(qtbot, ForgetDialog(sessions, someone))
    confirm = child(dialog, QLineEdit, "confirmEdit")
    forget = child(dialog, QPushButton, "forgetButton")
    qtbot.keyClicks(confirm, "FORGE")
    assert not forget.isEnabled()
    qtbot.keyClicks(confirm, "T")
    with qtbot.waitSignal(dialog.forgotten):
        qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    with sessions() as session:
        assert not models.find_customers(session, "fixie")


def test_an_ampersand_in_the_name_is_typed_as_is(qtbot, sessions, add_customer) -> None:
    shop = add_customer(name="Bea & Co")
    dialog = show(qtbot, ForgetDialog(sessions, shop))
    confirm = child(dialog, QLineEdit, "confirmEdit")
    assert confirm.accessibleName() == "Type their name, Bea & Co, to confirm"
    qtbot.keyClicks(confirm, "bea & co")
    assert child(dialog, QPushButton, "forgetButton").isEnabled()


def test_forgetting_someone_already_gone_says_so_plainly(qtbot, sessions, zoe) -> None:
    dialog = show(qtbot, ForgetDialog(sessions, zoe))
    with sessions.begin() as session:  # another counter was quicker
        models.privacy.forget_customer(session, zoe)
    qtbot.keyClicks(child(dialog, QLineEdit, "confirmEdit"), "Zoe Park")
    qtbot.keyClick(child(dialog, QLineEdit, "confirmEdit"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    error = child(dialog, QLabel, "forgetError")
    assert error.isVisible() and error.text() == GONE
    assert dialog.isVisible()


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The save dialog answers with tmp_path/zoe.json; records what it suggested."""
    suggested: list[str] = []

    def get_save_file_name(_parent, _caption, directory, _filter, *_args):
        suggested.append(directory)
        return str(tmp_path / "zoe.json"), "JSON files (*.json)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    return suggested


def test_export_first_writes_readable_json(qtbot, sessions, zoe, save_as, tmp_path) -> None:
    dialog = show(qtbot, ForgetDialog(sessions, zoe))
    export = child(dialog, QPushButton, "exportFirstButton")
    export.setFocus()
    qtbot.keyClick(export, Qt.Key.Key_Space)
    assert Path(save_as[0]).name == "zoe-park-data.json"
    data = json.loads((tmp_path / "zoe.json").read_text(encoding="utf-8"))
    assert data["name"] == "Zoë Park"
    assert data["phone"] == "(213) 555-0199"
    assert "about" in data
    status = child(dialog, QLabel, "exportStatus")
    assert status.isVisible() and "zoe.json" in status.text()
    assert not is_gone(sessions, zoe)  # exporting forgets nothing


def test_an_export_that_cannot_be_written_says_why(
    qtbot, sessions, zoe, monkeypatch, tmp_path
) -> None:
    missing = tmp_path / "no such folder" / "zoe.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_args: (str(missing), "JSON files (*.json)"))
    dialog = show(qtbot, ForgetDialog(sessions, zoe))
    qtbot.mouseClick(child(dialog, QPushButton, "exportFirstButton"), Qt.MouseButton.LeftButton)
    error = child(dialog, QLabel, "forgetError")
    assert error.isVisible()
    assert error.text() == "Could not save zoe.json: no such file or directory."


def test_export_helper_returns_the_file_and_confirms(qtbot, sessions, zoe, save_as,
                                                     tmp_path) -> None:
    done: list[str] = []
    path = export_customer_data(None, sessions, zoe, show_done=done.append)
    assert path == tmp_path / "zoe.json"
    assert done == [f"Their data is saved as zoe.json (in {tmp_path})."]


def test_export_file_names() -> None:
    assert export_file_name("Zoë Park", 7) == "zoe-park-data.json"
    assert export_file_name("", 7) == "customer-7-data.json"
    assert export_file_name("O'Brien / Smith", 7) == "obrien-smith-data.json"
