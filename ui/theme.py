"""Colours and the style sheet, built from a few tokens so every widget agrees."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Tokens:
    window: str = "#f6f3ee"  # warm paper
    surface: str = "#ffffff"
    text: str = "#1f1b16"
    muted: str = "#6b625a"
    accent: str = "#7a2e3a"  # velvet
    accent_text: str = "#ffffff"
    border: str = "#ddd5cb"
    selection: str = "#f0dfe1"
    success: str = "#1e7a46"
    success_soft: str = "#e3f4ea"
    alert: str = "#b3261e"  # allergies: impossible to miss
    alert_text: str = "#ffffff"
    note: str = "#fff6d6"
    caution: str = "#8a5a00"  # last time: worth knowing, not an alarm
    caution_soft: str = "#fdf1dc"
    alert_soft: str = "#fdecea"


LIGHT = Tokens()


def style_sheet(t: Tokens = LIGHT) -> str:
    return f"""
QMainWindow, QDialog {{ background: {t.window}; }}
QLineEdit, QPlainTextEdit, QComboBox {{
    background: {t.surface}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 6px; padding: 4px 6px;
    selection-background-color: {t.accent}; selection-color: {t.accent_text};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {t.accent}; }}
QLineEdit#searchBox {{ font-size: 20px; padding: 8px 12px; border-radius: 10px; }}
QTableView#resultsView, QTableWidget#workListView {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px;
    gridline-color: transparent; selection-background-color: {t.selection};
    selection-color: {t.text}; font-size: 14px;
}}
QHeaderView::section {{
    background: {t.window}; color: {t.muted}; border: none;
    border-bottom: 1px solid {t.border}; padding: 4px 6px; font-weight: 600;
}}
QFrame#greetingCard {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 12px;
}}
QScrollArea#cardScroll, QWidget#cardSections {{ background: transparent; }}
QLabel#greetName {{ font-size: 30px; font-weight: 700; color: {t.text}; }}
QLabel#greetSubtitle, QLabel#consentLabel, QLabel#emptyHint {{ color: {t.muted}; }}
QLabel#sectionTitle {{
    color: {t.muted}; font-size: 11px; font-weight: 700; letter-spacing: 1px;
}}
QLabel#usualLabel {{ font-size: 18px; font-weight: 600; color: {t.text}; }}
QLabel#allergyAlert {{
    background: {t.alert}; color: {t.alert_text}; font-size: 16px; font-weight: 700;
    border-radius: 8px; padding: 8px 12px;
}}
QLabel#pinnedNotes {{ background: {t.note}; border-radius: 6px; padding: 6px 8px; }}
QFrame#lastTimeBox {{
    background: {t.caution_soft}; border: 1px solid #ecd3a4; border-left: 4px solid {t.caution};
    border-radius: 6px;
}}
QFrame#lastTimeBox[safety="true"] {{
    background: {t.alert_soft}; border: 1px solid {t.alert}; border-left: 4px solid {t.alert};
}}
QLabel#lastTimeHeadline {{ font-weight: 700; color: {t.caution}; }}
QFrame#lastTimeBox[safety="true"] QLabel#lastTimeHeadline {{ color: {t.alert}; }}
QLabel#lastTimeCameBack, QLabel#lastTimeWho {{ color: {t.muted}; }}
QLabel#greetingSuggestion {{ font-style: italic; font-weight: 600; color: {t.text}; }}
QLabel#draftBanner {{
    background: {t.note}; border-radius: 6px; padding: 6px 10px; color: {t.text};
}}
QGroupBox {{
    font-weight: 700; color: {t.muted}; border: 1px solid {t.border}; border-radius: 8px;
    margin-top: 14px; padding: 12px 8px 8px 8px; background: {t.surface};
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QPushButton#followUpsButton[due="true"] {{
    background: {t.caution_soft}; border: 1px solid {t.caution}; color: {t.caution};
    font-weight: 700;
}}
QPushButton#followUpsButton[due="true"]:disabled {{
    background: {t.window}; border: 1px solid {t.border}; color: {t.muted};
}}
QTreeView#timelineView, QTreeView#categoriesView {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px;
    selection-background-color: {t.selection}; selection-color: {t.text};
}}
QTreeView#categoriesView::item {{ padding: 5px 6px; }}
QLabel#timelineTitle {{ font-size: 18px; font-weight: 700; color: {t.text}; }}
QLabel#workListTitle {{ font-size: 18px; font-weight: 700; color: {t.text}; }}
QLabel#toast {{
    background: {t.success_soft}; color: {t.success}; border: 1px solid {t.success};
    border-radius: 8px; padding: 6px 10px; font-weight: 600;
}}
QLabel#toast[error="true"] {{
    background: {t.alert_soft}; color: {t.alert}; border-color: {t.alert};
}}
QLabel#fieldError {{ color: {t.alert}; font-size: 12px; }}
QPushButton {{
    background: {t.surface}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 6px; padding: 6px 14px;
}}
QPushButton:hover {{ border-color: {t.accent}; }}
QPushButton:focus {{ border: 2px solid {t.accent}; }}
QPushButton#checkInButton, QPushButton#newCustomerButton, QPushButton#primaryButton,
QPushButton#saveProblemButton,
QDialogButtonBox QPushButton:default {{
    background: {t.accent}; color: {t.accent_text}; border: none; font-weight: 700;
    padding: 8px 18px;
}}
QPushButton#checkInButton {{ font-size: 16px; }}
QDialogButtonBox QPushButton {{ min-width: 96px; }}
QPushButton:disabled {{ background: {t.border}; color: {t.muted}; }}
QLabel#consentLabel[doNotRemember="true"] {{ color: {t.alert}; font-weight: 600; }}
QLabel#welcomeTitle {{ font-size: 26px; font-weight: 700; color: {t.text}; }}
QLabel#welcomeStep {{ font-size: 15px; color: {t.text}; }}
QLabel#importPageTitle {{ font-size: 20px; font-weight: 700; color: {t.text}; }}
QLabel#importSteps {{ color: {t.muted}; font-size: 12px; }}
QLabel#detectedLabel, QLabel#reportSaved, QLabel#importStatus {{ color: {t.muted}; }}
QLabel#detectedLabel[state="ok"], QLabel#reportSaved[state="ok"] {{
    color: {t.success}; font-weight: 600;
}}
QLabel#detectedLabel[state="error"], QLabel#reportSaved[state="error"],
QLabel#importStatus[state="error"], QLabel#mappingError, QLabel#previewError {{
    color: {t.alert}; font-weight: 600;
}}
QLabel#importStatus {{ font-size: 16px; color: {t.text}; }}
QLabel#importCount {{ color: {t.muted}; }}
QLabel#previewCounts, QLabel#importSummary {{
    font-size: 22px; font-weight: 700; color: {t.text};
}}
QLabel#mappingColumnName {{ font-weight: 600; color: {t.text}; }}
QScrollArea#mappingTable {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px;
}}
QWidget#mappingRows {{ background: {t.surface}; }}
QTableView#mappingPreview, QTableView#previewTable, QTableView#skippedList,
QListWidget#previewWarnings {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px;
    gridline-color: transparent; selection-background-color: {t.selection};
    selection-color: {t.text}; alternate-background-color: #faf7f3; outline: 0;
}}
QDialog#importWizard QComboBox:focus {{ border: 2px solid {t.accent}; }}
QListWidget#previewWarnings {{ color: {t.caution}; }}
QProgressBar#importProgress, QProgressBar#readBusy, QProgressBar#previewBusy {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 5px;
    text-align: center; color: {t.text}; min-height: 8px;
}}
QProgressBar#importProgress {{ min-height: 22px; }}
QProgressBar#importProgress::chunk, QProgressBar#readBusy::chunk,
QProgressBar#previewBusy::chunk {{ background: {t.accent}; border-radius: 4px; }}
QFrame#importRule {{ color: {t.border}; }}
QPushButton[primary="true"] {{
    background: {t.accent}; color: {t.accent_text}; border: none; font-weight: 700;
    padding: 7px 18px;
}}
QPushButton[primary="true"]:focus {{ border: 2px solid {t.text}; }}
QPushButton[primary="true"]:disabled {{ background: {t.border}; color: {t.muted}; }}
QLabel#dialogTitle {{ font-size: 19px; font-weight: 700; color: {t.text}; }}
QLabel#damagedMessage {{ font-size: 15px; font-weight: 600; color: {t.alert}; }}
QLabel#backupOffer {{
    background: {t.surface}; border: 1px solid {t.border}; border-left: 4px solid {t.success};
    border-radius: 6px; padding: 8px 10px;
}}
QLabel#backupStatusLabel {{ color: {t.alert}; font-weight: 600; padding: 0 6px; }}
QTableWidget#backupList {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px;
    gridline-color: transparent; selection-background-color: {t.selection};
    selection-color: {t.text}; alternate-background-color: #faf7f3; outline: 0;
}}
QTableWidget#backupList::item {{ padding: 0 4px; }}
"""


def apply_theme(app: QApplication, tokens: Tokens = LIGHT) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(tokens.window))
    palette.setColor(QPalette.ColorRole.Base, QColor(tokens.surface))
    palette.setColor(QPalette.ColorRole.Text, QColor(tokens.text))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(tokens.text))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(tokens.text))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(tokens.accent))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(tokens.accent_text))
    # Disabled menu entries and labels look disabled (a clerk sees the owner's, greyed out).
    disabled = QColor(tokens.muted)
    disabled.setAlpha(150)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 11))
    app.setFont(font)
    app.setStyleSheet(style_sheet(tokens))
