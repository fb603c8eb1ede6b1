"""The sign-in screen's look: big, calm, readable from a step away, in light and dark themes.

Built from the palette the app theme set (ui/theme.py), so a dark set of tokens gives a dark
pad; only the meaningful colours (error, success, the demo note) are picked per light/dark.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette

from ui.theme import LIGHT


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def sign_in_style(palette: QPalette) -> str:
    dark = is_dark(palette)
    text = palette.color(QPalette.ColorRole.Text)
    muted = f"rgba({text.red()}, {text.green()}, {text.blue()}, 165)"
    line = f"rgba({text.red()}, {text.green()}, {text.blue()}, 45)"
    soft = f"rgba({text.red()}, {text.green()}, {text.blue()}, 14)"
    alert = "#ff8a80" if dark else LIGHT.alert
    success = "#6fcf97" if dark else LIGHT.success
    note_bg = "#3d3112" if dark else LIGHT.note
    note_border = "#8a6d1f" if dark else "#ecd3a4"
    return f"""
QWidget#signInScreen {{ background: palette(window); }}
QFrame#signInCard {{
    background: palette(base); border: 1px solid {line}; border-radius: 18px;
}}
QLabel#signInBrand {{
    color: palette(highlight); font-size: 13px; font-weight: 800; letter-spacing: 3px;
}}
QLabel#signInTitle {{ color: palette(text); font-size: 28px; font-weight: 700; }}
QLabel#signInHint, QLabel#firstOwnerIntro, QLabel#signInFooter {{
    color: {muted}; font-size: 14px;
}}
QLabel#pinFor {{ color: palette(text); font-size: 17px; font-weight: 600; }}
QScrollArea#staffScroll, QWidget#staffList {{ background: transparent; border: none; }}
QPushButton#staffButton {{
    background: {soft}; border: 2px solid {line}; border-radius: 12px;
    padding: 10px 16px; text-align: left; min-height: 52px;
}}
QPushButton#staffButton:hover {{ border-color: palette(highlight); }}
QPushButton#staffButton:checked {{
    background: palette(highlight); border-color: palette(highlight);
}}
QLabel#staffName {{ color: palette(text); font-size: 19px; font-weight: 700; }}
QLabel#staffRole {{ color: {muted}; font-size: 13px; }}
QLabel#staffName[chosen="true"], QLabel#staffRole[chosen="true"] {{
    color: palette(highlighted-text);
}}
QLineEdit#pinField {{
    background: palette(base); color: palette(text); font-size: 30px; font-weight: 700;
    letter-spacing: 10px; border: 2px solid {line}; border-radius: 12px; padding: 8px 14px;
    min-height: 44px;
}}
QLineEdit#pinField:focus {{ border: 2px solid palette(highlight); }}
QLineEdit#pinField[waiting="true"] {{
    color: {muted}; background: {soft}; letter-spacing: 0px; font-size: 17px;
    font-weight: 600;
}}
QPushButton#digitButton, QPushButton#backspaceButton {{
    background: {soft}; color: palette(text); border: 1px solid {line}; border-radius: 14px;
    font-size: 26px; font-weight: 600; min-width: 86px; min-height: 62px; padding: 0;
}}
QPushButton#digitButton:hover, QPushButton#backspaceButton:hover {{
    border-color: palette(highlight);
}}
QPushButton#digitButton:pressed, QPushButton#backspaceButton:pressed {{
    background: {line};
}}
QPushButton#okButton, QPushButton#createOwnerButton {{
    background: palette(highlight); color: palette(highlighted-text); border: none;
    border-radius: 14px; font-size: 22px; font-weight: 800; min-width: 86px; min-height: 62px;
    padding: 0 18px;
}}
QPushButton#digitButton:disabled, QPushButton#backspaceButton:disabled,
QPushButton#okButton:disabled {{
    background: {soft}; color: {line}; border: 1px solid {soft};
}}
QLabel#signInMessage {{ font-size: 16px; font-weight: 600; color: {muted}; }}
QLabel#signInMessage[state="error"] {{ color: {alert}; }}
QLabel#signInMessage[state="ok"] {{ color: {success}; }}
QLabel#demoPins {{
    background: {note_bg}; border: 1px solid {note_border}; border-radius: 10px;
    color: palette(text); font-size: 15px; padding: 10px 14px;
}}
QFrame#firstOwnerPage QLineEdit {{
    font-size: 20px; padding: 8px 12px; border-radius: 10px; min-height: 30px;
    border: 2px solid {line}; background: palette(base); color: palette(text);
}}
QFrame#firstOwnerPage QLineEdit:focus {{ border: 2px solid palette(highlight); }}
QFrame#firstOwnerPage QLabel#fieldLabel {{ font-size: 15px; font-weight: 600; }}
QLabel#ownerError {{ color: {alert}; font-size: 14px; font-weight: 600; }}
"""
