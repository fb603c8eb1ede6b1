"""Backups in the running app: the restore dialog, the automatic backup scheduler (with a fake
clock), the File menu entries and reopening the counter window on a restored database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backup_helpers import customer_names, make_database
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

import models
from models.backups import list_backups, make_backup
from ui.backup_actions import BackupActions
from ui.backup_scheduler import BackupOutcome, BackupScheduler
from ui.main_window import MainWindow
from ui.restore_dialog import RestoreDialog

NOW = datetime(2026, 11, 22, 13, 5).astimezone()


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return make_database(tmp_path / "shop" / "velvet-rope.sqlite3")


# ----- the restore dialog ------------------------------------------------------------------------


def _dialog(qtbot, folder: Path, live: Path, **kwargs) -> RestoreDialog:
    dialog = RestoreDialog(folder, live, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_dialog_lists_backups_newest_first_with_dates_and_sizes(
    qtbot, live: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    for days in (9, 0, 2):
        make_backup(live, folder, now=NOW - timedelta(days=days))
    make_backup(live, folder, now=NOW - timedelta(days=1), reason="before-restore")
    dialog = _dialog(qtbot, folder, live)
    table = dialog.table
    assert table.rowCount() == 4
    taken = [table.item(row, 0).text() for row in range(4)]
    assert taken[0] == "Sun 22 Nov 2026, 13:05" and taken[-1] == "Fri 13 Nov 2026, 13:05"
    assert table.item(1, 3).text() == "before a restore"
    assert all(table.item(row, 1).text().endswith("KB") for row in range(4))
    assert dialog.selected() == dialog.backups[0]  # the newest is preselected
    assert dialog.restore_button.isEnabled()
    dialog.grab().save(str(tmp_path / "restore.png"))


def test_restoring_asks_first_and_cancel_changes_nothing(qtbot, live: Path,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    backup = make_backup(live, folder, now=NOW)
    dialog = _dialog(qtbot, folder, live)
    requested: list[Path] = []
    dialog.restore_requested.connect(requested.append)

    dialog.restore_selected()
    box = dialog._confirmation
    assert isinstance(box, QMessageBox) and "Sun 22 Nov 2026, 13:05" in box.text()
    assert box.defaultButton() is box.escapeButton()  # Enter and Esc both cancel
    box.escapeButton().click()
    assert requested == [] and dialog.isVisible()

    dialog.restore_selected()
    box = dialog._confirmation
    assert box is not None
    [confirm] = [b for b in box.buttons() if b.objectName() == "confirmRestoreButton"]
    confirm.click()
    qtbot.waitUntil(lambda: requested == [backup.path])
    assert not dialog.isVisible()


def test_an_empty_folder_says_what_to_do(qtbot, live: Path, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path / "nothing-yet", live)
    assert not dialog.restore_button.isEnabled()
    assert "No backups" in dialog.empty_hint.text() and dialog.empty_hint.isVisible()
    assert not dialog.change_button.isVisible()  # no way to save a folder was given


def test_changing_the_folder_remembers_it_and_lists_that_folder(
    qtbot, live: Path, tmp_path: Path
) -> None:
    stick = tmp_path / "usb"
    make_backup(live, stick, now=NOW)
    saved: list[Path] = []
    dialog = _dialog(qtbot, tmp_path / "backups", live, change_folder=saved.append)
    assert dialog.change_button.isVisible()
    dialog.set_folder(stick)
    assert saved == [stick] and dialog.table.rowCount() == 1
    assert str(stick) in dialog.folder_label.text()


# ----- the scheduler ------------------------------------------------------------------------------


def _scheduler(qtbot, live: Path, folder: Path, clock: FakeClock) -> BackupScheduler:
    scheduler = BackupScheduler(live, lambda: folder, clock=clock, start_delay_ms=0,
                                check_every_ms=60_000, retry_after=timedelta(minutes=30))
    return scheduler


def test_backs_up_at_start_then_daily(qtbot, live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    clock = FakeClock()
    scheduler = _scheduler(qtbot, live, folder, clock)
    with qtbot.waitSignal(scheduler.succeeded, timeout=20_000) as first:
        scheduler.start()  # no backup yet: one right after start-up
    outcome = first.args[0]
    assert isinstance(outcome, BackupOutcome) and not outcome.manual
    assert outcome.backup.path.name == "vre-2026-11-22T1305.sqlite3"

    clock.advance(hours=5)
    with qtbot.waitSignal(scheduler.not_due, timeout=20_000):
        assert scheduler.check()
    clock.advance(hours=20)  # a day and an hour after the first
    with qtbot.waitSignal(scheduler.succeeded, timeout=20_000):
        scheduler.check()
    assert [b.path.name for b in list_backups(folder)] == [
        "vre-2026-11-23T1405.sqlite3", "vre-2026-11-22T1305.sqlite3"]
    scheduler.shutdown()


def test_a_failure_is_reported_and_retried_later(qtbot, live: Path, tmp_path: Path) -> None:
    stick = tmp_path / "usb-stick" / "backups"  # not plugged in
    clock = FakeClock()
    scheduler = _scheduler(qtbot, live, stick, clock)
    with qtbot.waitSignal(scheduler.failed, timeout=20_000) as failed:
        scheduler.check()
    assert "plugged in" in failed.args[0]
    assert scheduler.retry_at == NOW + timedelta(minutes=30)
    clock.advance(minutes=10)
    assert not scheduler.check()  # waits for the retry time
    stick.parent.mkdir()  # plugged in again
    clock.advance(minutes=25)
    with qtbot.waitSignal(scheduler.succeeded, timeout=20_000):
        assert scheduler.check()
    assert scheduler.last_error is None and scheduler.retry_at is None
    scheduler.shutdown()


def test_the_backup_runs_off_the_ui_thread(qtbot, live: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from ui import backup_scheduler

    threads: list[str] = []
    real = backup_scheduler.make_backup

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_scheduler, "make_backup", spy)
    scheduler = _scheduler(qtbot, live, tmp_path / "b", FakeClock())
    with qtbot.waitSignal(scheduler.succeeded, timeout=20_000):
        scheduler.back_up_now()
    assert threads and threads[0] != threading.main_thread().name
    scheduler.shutdown()


# ----- in the counter window -------------------------------------------------------------------


@pytest.fixture
def window(qtbot, live: Path) -> MainWindow:
    sessions = models.open_database(f"sqlite:///{live}")
    main = MainWindow(sessions)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    sessions.kw["bind"].dispose()


def test_file_menu_entries_and_failure_in_the_status_bar(
    qtbot, window: MainWindow, live: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    unplugged = tmp_path / "unplugged" / "backups"
    actions = BackupActions(window, live, lambda: unplugged, clock=clock)
    actions.add_to_menu(window.file_menu, before=window.settings_action)
    shortcuts = {a.objectName(): a.shortcut().toString()
                 for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    assert shortcuts["backUpNowAction"] == "Ctrl+Shift+B"
    assert "restoreFromBackupAction" in shortcuts

    with qtbot.waitSignal(actions.scheduler.failed, timeout=20_000):
        actions.backup_action.trigger()
    status = window.statusBar().findChild(QLabel, "backupStatusLabel")
    assert status is not None and status.isVisible()
    assert "plugged in" in status.toolTip() and "Trying again at" in status.toolTip()
    assert window.toast.isVisible() and "Backup failed" in window.toast.text()

    unplugged.parent.mkdir()
    with qtbot.waitSignal(actions.scheduler.succeeded, timeout=20_000):
        actions.backup_action.trigger()  # "Back up now" does not wait for the retry time
    assert not status.isVisible()
    assert "✓ Backed up to vre-2026-11-22T1305-manual.sqlite3" in window.toast.text()
    actions.scheduler.shutdown()


def test_restore_from_the_menu_opens_the_dialog(qtbot, window: MainWindow, live: Path,
                                                tmp_path: Path) -> None:
    make_backup(live, tmp_path / "backups", now=NOW)
    actions = BackupActions(window, live, lambda: tmp_path / "backups")
    actions.restore_action.trigger()
    assert isinstance(actions.dialog, RestoreDialog)
    qtbot.waitExposed(actions.dialog)
    assert actions.dialog.table.rowCount() == 1
    actions.dialog.reject()
    actions.scheduler.shutdown()


def test_restore_and_reopen_shows_the_restored_data(qtbot, live: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from vre_desktop.app import create_main_window
    from vre_desktop.app_backups import install_backups, restore_and_reopen

    folder = tmp_path / "backups"
    monkeypatch.setenv("VRE_BACKUP_DIR", str(folder))
    backup = make_backup(live, folder, now=NOW - timedelta(days=1))
    url = f"sqlite:///{live}"
    window = create_main_window(url)  # deleted by the restore, so not handed to qtbot
    window.show()
    actions = install_backups(window, url, start=False)
    assert actions is not None
    with window.sessions.begin() as session:
        models.create_customer(session, models.CustomerDraft(name="Entered After The Backup"))

    reopened = restore_and_reopen(window, actions, url, backup.path)
    assert reopened is not None and reopened is not window
    qtbot.addWidget(reopened)
    assert "Restored the backup" in reopened.toast.text()
    assert customer_names(live) == ["José Alvarez", "Zoë Park"]
    with reopened.sessions() as session:
        assert models.find_customers(session, "entered after") == []
    [aside] = live.parent.glob("velvet-rope.before-restore-*.sqlite3")
    assert "Entered After The Backup" in customer_names(aside)
    assert any(b.reason == "before-restore" for b in list_backups(folder))
    reopened_actions = reopened.findChild(BackupActions)
    assert reopened_actions is not None
    reopened_actions.scheduler.shutdown()
    reopened.close()
    reopened.sessions.kw["bind"].dispose()


def test_a_background_quick_check_reports_damage(qtbot, tmp_path: Path) -> None:
    from backup_helpers import corrupt_a_table

    damaged = corrupt_a_table(tmp_path / "velvet-rope.sqlite3")
    scheduler = _scheduler(qtbot, damaged, tmp_path / "b", FakeClock())
    with qtbot.waitSignal(scheduler.damaged, timeout=20_000) as found:
        assert scheduler.check_integrity()
    assert "damaged" in found.args[0].message
    good = _scheduler(qtbot, make_database(tmp_path / "good.sqlite3"), tmp_path / "b",
                      FakeClock())
    with qtbot.waitSignal(good.integrity_ok, timeout=20_000):
        good.check_integrity()


def test_damage_found_while_running_is_shown_with_a_way_to_restore(
    qtbot, window: MainWindow, live: Path, tmp_path: Path
) -> None:
    from models.backups import FileKind, FileState

    actions = BackupActions(window, live, lambda: tmp_path / "backups")
    actions.scheduler.damaged.emit(FileState(live, FileKind.DAMAGED,
                                             "velvet-rope.sqlite3 is damaged: a problem."))
    status = window.statusBar().findChild(QLabel, "backupStatusLabel")
    assert status is not None and status.isVisible() and "damaged" in status.text()
    box = actions.damage_warning
    assert isinstance(box, QMessageBox) and box.defaultButton() is box.escapeButton()
    [restore] = [b for b in box.buttons() if b.text() == "Restore from backup…"]
    restore.click()
    qtbot.waitUntil(lambda: isinstance(actions.dialog, RestoreDialog))
    actions.dialog.reject()
    actions.scheduler.shutdown()


def test_an_older_database_is_backed_up_and_upgraded_before_the_window(
    qtbot, tmp_path: Path
) -> None:
    from backup_helpers import OLD_REVISION, make_old_database, revision_of

    from models.database import SCHEMA_REVISION
    from vre_desktop.startup_check import check_before_opening

    path = make_old_database(tmp_path / "velvet-rope.sqlite3")
    assert check_before_opening(f"sqlite:///{path}", tmp_path / "backups")
    assert revision_of(path) == SCHEMA_REVISION
    [backup] = list_backups(tmp_path / "backups")
    assert backup.reason == "before-upgrade" and backup.revision == OLD_REVISION
