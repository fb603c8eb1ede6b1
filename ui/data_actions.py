"""The counter window's data and privacy actions: import, export, consent, merge and forget.

Kept out of main_window.py, which owns searching and the card; this module only needs the
window's selected regular, a way to refresh, and its toast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu

import models
from models.staff import Permission
from ui.background import run_with_progress

if TYPE_CHECKING:
    from ui.main_window import MainWindow

EXPORT_FILTERS = "Full export (*.json);;Spreadsheet (*.csv)"


class DataActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._sessions = window.sessions
        self._task: Any = None  # the running export, kept alive until it ends
        self.import_action = self._action(
            "&Import customers…", "Ctrl+I", self.import_customers, "importAction")
        self.export_action = self._action(
            "E&xport all customers…", "Ctrl+Shift+E", self.export_all, "exportAction")
        self.consent_action = self._action(
            "Consent and &privacy…", "Ctrl+Shift+P", self.edit_consent, "consentAction")
        self.export_one_action = self._action(
            "Export this regular's &data…", "", self.export_selected, "exportCustomerAction")
        self.merge_action = self._action(
            "&Merge with another profile…", "Ctrl+M", self.merge_selected, "mergeAction")
        self.forget_action = self._action(
            "&Forget this regular… (owner)", "", self.forget_selected, "forgetAction")
        # Who may use them (MainWindow.apply_role); the services check again.
        for action, permission in (
            (self.import_action, Permission.IMPORT), (self.export_action, Permission.EXPORT),
            (self.export_one_action, Permission.EXPORT),
            (self.merge_action, Permission.MERGE_CUSTOMERS),
            (self.forget_action, Permission.FORGET),
        ):
            action.setProperty("vre_permission", permission.name)

    def _action(self, text: str, shortcut: str, slot: Any, name: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def add_to_menus(self, file_menu: QMenu, customer_menu: QMenu, before: QAction) -> None:
        file_menu.insertActions(before, [self.import_action, self.export_action])
        file_menu.insertSeparator(before)
        customer_menu.addSeparator()
        customer_menu.addActions([self.consent_action, self.export_one_action,
                                  self.merge_action, self.forget_action])

    # ----- the whole shop ----------------------------------------------------------------------

    @Slot()
    def import_customers(self) -> None:
        from ui.import_wizard import ImportWizard

        wizard = ImportWizard(self._sessions, self._window)

        def imported(report: Any) -> None:
            self._window.refresh_after_change(None)
            self._window.show_toast(f"✓ Import finished. {report.summary()}")

        def finished(_result: int) -> None:
            wizard.deleteLater()
            self._window.focus_search()

        wizard.imported.connect(imported)
        wizard.finished.connect(finished)
        wizard.open()

    @Slot()
    def export_all(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, chosen = QFileDialog.getSaveFileName(
            self._window, "Export all customers", str(Path(folder) / "regulars.json"),
            EXPORT_FILTERS)
        if not path:
            return
        as_csv = path.lower().endswith(".csv") or "csv" in chosen.lower()
        from models.exporting import ExportCancelled, export_csv, export_json

        writer = export_csv if as_csv else export_json
        target = Path(path)
        if as_csv and target.suffix.lower() != ".csv":
            target = target.with_suffix(".csv")

        def work(report: Any) -> Any:
            return writer(self._sessions, target, progress=report)

        def done(summary: Any) -> None:
            self._task = None
            self._window.show_toast(
                f"✓ Exported {summary.customers:,} customers to {target.name}.")

        def failed(exc: BaseException) -> None:
            self._task = None
            if isinstance(exc, ExportCancelled):
                self._window.show_toast("Export cancelled; no file was written.")
            elif isinstance(exc, OSError):
                self._window.show_toast(
                    f"Could not write {target.name}: {exc.strerror or exc}", error=True)
            else:
                self._window.show_toast(f"The export failed: {exc}", error=True)

        self._task = run_with_progress(self._window, "Exporting customers…", work, done, failed)

    # ----- the selected regular ----------------------------------------------------------------

    def _when_closed(self, dialog: QDialog) -> None:
        def closed(_result: int) -> None:
            dialog.deleteLater()
            self._window.focus_search()

        dialog.finished.connect(closed)

    def _selected(self, hint: str) -> models.CustomerMatch | None:
        return self._window.selected_or_hint(hint)

    @Slot()
    def edit_consent(self) -> None:
        match = self._selected("Find the regular first, then record their answer.")
        if match is None:
            return
        from ui.privacy_dialog import ConsentDialog

        dialog = ConsentDialog(self._sessions, match.id, self._window)
        dialog.changed.connect(lambda cid: self._window.refresh_after_change(cid))
        self._when_closed(dialog)
        dialog.open()

    @Slot()
    def export_selected(self) -> None:
        match = self._selected("Find the regular first, then export their data.")
        if match is None:
            return
        from ui.privacy_dialog import export_customer_data

        export_customer_data(self._window, self._sessions, match.id,
                             show_done=self._window.show_toast,
                             show_error=lambda text: self._window.show_toast(text, error=True))

    @Slot()
    def merge_selected(self) -> None:
        match = self._selected("Find the profile to keep first, then press Ctrl+M.")
        if match is None:
            return
        from ui.merge_dialog import MergeDialog

        dialog = MergeDialog(self._sessions, match.id, self._window)

        def merged(keep_id: int) -> None:
            self._window.refresh_after_change(keep_id)
            self._window.show_toast("✓ Profiles merged.")

        dialog.merged.connect(merged)
        self._when_closed(dialog)
        dialog.open()

    @Slot()
    def forget_selected(self) -> None:
        match = self._selected("Find the customer first, then choose Forget.")
        if match is None:
            return
        from ui.privacy_dialog import ForgetDialog

        dialog = ForgetDialog(self._sessions, match.id, self._window)

        def forgotten(_customer_id: int) -> None:
            self._window.refresh_after_change(None)
            self._window.show_toast("✓ Their personal data was erased.")

        dialog.forgotten.connect(forgotten)
        self._when_closed(dialog)
        dialog.open()
