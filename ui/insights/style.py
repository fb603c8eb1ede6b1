"""The Insights window's own style rules. Surfaces and text come from the palette, so the
window reads well under the app's light theme and under a dark system palette alike; the
meaningful colours (alert, success, caution) are the theme's tokens, lightened on dark."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from ui.insights.colours import is_dark
from ui.theme import LIGHT


def insights_style(palette: QPalette) -> str:
    dark = is_dark(palette)
    alert = "#ff8a80" if dark else LIGHT.alert
    success = "#6fcf97" if dark else LIGHT.success
    caution = "#f5c26b" if dark else LIGHT.caution
    caution_soft = "#4a3510" if dark else LIGHT.caution_soft
    text = palette.color(QPalette.ColorRole.Text)
    selection = "palette(highlight)" if dark else LIGHT.selection
    selected_text = "palette(highlighted-text)" if dark else LIGHT.text
    muted = f"rgba({text.red()}, {text.green()}, {text.blue()}, 170)"
    return f"""
QLabel#insightsTitle {{ font-size: 20px; font-weight: 700; }}
QLabel#ownerOnlyLabel, QLabel#periodNote, QLabel#chartEmpty {{ color: {muted}; }}
QLabel#insightsBusy {{
    color: {caution}; background: {caution_soft}; border-radius: 6px; padding: 3px 8px;
    font-weight: 600;
}}
QLabel#reportSummary {{ font-size: 14px; }}
QLabel#reportError, QLabel#insightsMessage[error="true"] {{ color: {alert}; font-weight: 600; }}
QLabel#insightsMessage {{ color: {success}; font-weight: 600; }}
QLabel#chartEmpty {{
    font-size: 15px; border: 1px dashed palette(mid); border-radius: 8px;
    background: palette(base);
}}
QTableView {{
    background: palette(base); color: palette(text); border: 1px solid palette(mid);
    border-radius: 8px; gridline-color: transparent; alternate-background-color:
    palette(alternate-base); outline: 0; selection-background-color: {selection};
    selection-color: {selected_text};
}}
QHeaderView::section {{ padding-right: 16px; }}
QHeaderView::up-arrow, QHeaderView::down-arrow {{
    subcontrol-origin: border; subcontrol-position: center right; width: 10px; height: 10px;
    right: 4px;
}}
QChartView {{ border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }}
"""
