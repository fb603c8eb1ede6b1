"""Bar charts with QtCharts: themed from the palette (light or dark), axis titles, a legend,
and the value under the mouse as a tooltip.

``ChartPanel`` shows a chart, or a plain sentence when there is nothing to draw ("No problems
were logged in the last 30 days."), and renders the chart to an image for PNG files and print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QToolTip, QVBoxLayout, QWidget

# Okabe–Ito based: told apart with the common colour-vision deficiencies; lighter on dark.
LIGHT_SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7A2E3A",
                "#8C8C8C", "#B8860B", "#4B0082")
DARK_SERIES = ("#5AB4F0", "#F5B942", "#3CCB9F", "#E39BC9", "#FF8A50", "#A4D8F7", "#E8909C",
               "#BDBDBD", "#E0C060", "#B39DDB")
EXPORT_SIZE = QSize(1100, 600)  # a PNG file
PRINT_SIZE = QSize(900, 500)  # on paper the text width is narrower: keep the labels legible
MANY_CATEGORIES = 14  # beyond this, only every few bars are labelled
MAX_LABELS = 8


@dataclass(frozen=True)
class ChartStyle:
    dark: bool
    background: QColor
    text: QColor
    muted: QColor
    grid: QColor
    series: tuple[QColor, ...]

    def colour(self, index: int) -> QColor:
        return self.series[index % len(self.series)]


def chart_style(palette: QPalette | None = None) -> ChartStyle:
    """Light or dark after the palette's base colour (charts on paper: ``chart_style(None)``
    with a light application palette, or ``LIGHT_STYLE``)."""
    palette = palette or QApplication.palette()
    background = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = background.lightness() < 128
    muted = QColor(text)
    muted.setAlphaF(0.72)
    grid = QColor(text)
    grid.setAlphaF(0.14)
    names = DARK_SERIES if dark else LIGHT_SERIES
    return ChartStyle(dark, background, text, muted, grid, tuple(QColor(n) for n in names))


LIGHT_STYLE = ChartStyle(False, QColor("#ffffff"), QColor("#1f1b16"), QColor("#6b625a"),
                         QColor("#e6e0d8"), tuple(QColor(n) for n in LIGHT_SERIES))


@dataclass(frozen=True)
class Bars:
    """One series of bars (or the line): a value per category."""

    label: str
    values: Sequence[float]
    colour: int | None = None  # an index into the style's colours; default: by position


Tooltip = Callable[[int, int], str]  # (series index, category index) -> text
Kind = Literal["grouped", "stacked"]


@dataclass(frozen=True)
class BarChartSpec:
    title: str
    categories: Sequence[str]
    bars: Sequence[Bars]
    category_title: str
    value_title: str
    kind: Kind = "grouped"
    horizontal: bool = False
    line: Bars | None = None  # drawn over the bars (vertical charts only)
    integers: bool = True  # counts: whole-number ticks
    value_max: float | None = None  # a fixed top (100 for percentages)
    value_format: str = ""  # printf-style axis labels; default "%d" or "%.1f"
    tooltip: Tooltip | None = None  # default: "series, category: value"
    line_tooltip: Callable[[int], str] | None = None
    legend: bool = True


def _font(size: int, *, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSize(size)
    font.setBold(bold)
    return font


def nice_top(maximum: float, *, integers: bool, ticks: int = 5) -> tuple[float, int]:
    """(axis top, tick count) with round steps; whole-number steps for counts."""
    if maximum <= 0:
        return (ticks - 1 if integers else 1.0), ticks
    raw = maximum / (ticks - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, math.ceil(step))
    top = math.ceil(maximum / step - 1e-9) * step
    return top, round(top / step) + 1


def _series_for(spec: BarChartSpec) -> QAbstractBarSeries:
    if spec.horizontal:
        return QHorizontalStackedBarSeries() if spec.kind == "stacked" else QHorizontalBarSeries()
    return QStackedBarSeries() if spec.kind == "stacked" else QBarSeries()


def _show_tooltip(text: str) -> None:
    QToolTip.showText(QCursor.pos(), text)


def bar_chart(spec: BarChartSpec, style: ChartStyle) -> QChart:
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if style.dark
                   else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundBrush(QBrush(style.background))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setTitle(spec.title)
    chart.setTitleFont(_font(12, bold=True))
    chart.setTitleBrush(QBrush(style.text))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)

    series = _series_for(spec)
    categories = list(spec.categories)
    for number, bars in enumerate(spec.bars):
        bar_set = QBarSet(bars.label)
        bar_set.append([float(v) for v in bars.values])
        colour = style.colour(number if bars.colour is None else bars.colour)
        bar_set.setColor(colour)
        bar_set.setBorderColor(colour)
        bar_set.setPen(QPen(colour.darker(115) if not style.dark else colour, 0.5))
        bar_set.hovered.connect(_hover_handler(spec, number, bars, categories))
        series.append(bar_set)
    series.setBarWidth(0.75 if len(categories) <= MANY_CATEGORIES else 0.85)
    chart.addSeries(series)

    category_axis = _category_axis(categories, spec.horizontal)
    value_axis = QValueAxis()
    top = max([spec.value_max or 0.0, *_stack_tops(spec)])
    if spec.value_max is not None:
        value_axis.setRange(0, spec.value_max)
        value_axis.setTickCount(6)
    else:
        axis_top, ticks = nice_top(top, integers=spec.integers)
        value_axis.setRange(0, axis_top)
        value_axis.setTickCount(ticks)
    value_axis.setLabelFormat(spec.value_format or ("%d" if spec.integers else "%.1f"))
    for axis, title in ((category_axis, spec.category_title), (value_axis, spec.value_title)):
        axis.setTitleText(title)
        axis.setTitleFont(_font(10, bold=True))
        axis.setTitleBrush(QBrush(style.muted))
        axis.setLabelsFont(_font(9))
        axis.setLabelsColor(style.text)
        axis.setGridLineColor(style.grid)
        axis.setLinePenColor(style.grid)
    category_axis.setGridLineVisible(False)
    chart.addAxis(category_axis,
                  Qt.AlignmentFlag.AlignLeft if spec.horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(value_axis,
                  Qt.AlignmentFlag.AlignBottom if spec.horizontal else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(category_axis)
    series.attachAxis(value_axis)

    if spec.line is not None and not spec.horizontal:
        chart.addSeries(_line_series(spec, style, chart))
        line = chart.series()[-1]
        line.attachAxis(category_axis)
        line.attachAxis(value_axis)

    legend = chart.legend()
    legend.setVisible(spec.legend)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setFont(_font(10))
    legend.setLabelColor(style.text)
    return chart


def _category_axis(categories: list[str], horizontal: bool) -> QAbstractAxis:
    """A label per bar, or, when there are too many bars for their labels to fit, a label
    every few bars on a numeric axis (QtCharts would elide every label to "…")."""
    if horizontal or len(categories) <= MANY_CATEGORIES:
        axis = QBarCategoryAxis()
        axis.append(categories)
        return axis
    spaced = QCategoryAxis()
    spaced.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    spaced.setStartValue(-0.5)
    step = math.ceil(len(categories) / MAX_LABELS)
    for index in range(0, len(categories), step):
        spaced.append(categories[index], index)
    spaced.setRange(-0.5, len(categories) - 0.5)
    return spaced


def _stack_tops(spec: BarChartSpec) -> list[float]:
    columns = list(zip(*(bars.values for bars in spec.bars), strict=True)) or [()]
    tops = [sum(column) if spec.kind == "stacked" else max(column, default=0)
            for column in columns]
    if spec.line is not None:
        tops.extend(spec.line.values)
    return [float(top) for top in tops] or [0.0]


def _hover_handler(spec: BarChartSpec, number: int, bars: Bars, categories: list[str]
                   ) -> Callable[[bool, int], None]:
    def hovered(status: bool, index: int) -> None:
        if not status:
            QToolTip.hideText()
            return
        if spec.tooltip is not None:
            text = spec.tooltip(number, index)
        else:
            value = bars.values[index]
            shown = f"{value:,.0f}" if spec.integers else f"{value:,.1f}"
            text = f"{bars.label}, {categories[index]}: {shown}"
        _show_tooltip(text)

    return hovered


def _line_series(spec: BarChartSpec, style: ChartStyle, chart: QChart) -> QLineSeries:
    assert spec.line is not None
    line = QLineSeries(chart)
    line.setName(spec.line.label)
    colour = style.colour(len(spec.bars) if spec.line.colour is None else spec.line.colour)
    line.setPen(QPen(colour, 2.5))
    line.setPointsVisible(True)
    for index, value in enumerate(spec.line.values):
        line.append(QPointF(index, float(value)))
    values = list(spec.line.values)
    categories = list(spec.categories)
    label = spec.line.label

    def hovered(point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        index = min(max(round(point.x()), 0), len(values) - 1)
        text = (spec.line_tooltip(index) if spec.line_tooltip
                else f"{label}, {categories[index]}: {values[index]:,.0f}")
        _show_tooltip(text)

    line.hovered.connect(hovered)
    return line


class ChartPanel(QWidget):
    """A chart, or a sentence saying why there is none."""

    def __init__(self, object_name: str, accessible_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.title = accessible_name
        self._spec: BarChartSpec | None = None
        self._empty_text = ""
        self.view = QChartView()
        self.view.setObjectName(f"{object_name}View")
        self.view.setAccessibleName(accessible_name)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab to it, Ctrl+Shift+S saves
        self.view.setMinimumHeight(220)
        self.empty = QLabel()
        self.empty.setObjectName("chartEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMinimumHeight(120)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.set_empty("Working…")

    @property
    def spec(self) -> BarChartSpec | None:
        return self._spec

    @property
    def has_chart(self) -> bool:
        return self._spec is not None

    @property
    def empty_text(self) -> str:
        return self._empty_text

    def set_chart(self, spec: BarChartSpec, description: str = "") -> None:
        self._spec = spec
        self._empty_text = ""
        self._show(bar_chart(spec, chart_style(self.palette())))
        self.view.setAccessibleDescription(description)
        self.stack.setCurrentWidget(self.view)

    def set_empty(self, message: str) -> None:
        self._spec = None
        self._empty_text = message
        self.empty.setText(message)
        self.stack.setCurrentWidget(self.empty)

    def _show(self, chart: QChart) -> None:
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._spec is not None:
            self._show(bar_chart(self._spec, chart_style(self.palette())))

    def image(self, *, style: ChartStyle | None = None, size: QSize = EXPORT_SIZE
              ) -> QImage | None:
        """The chart drawn afresh at ``size`` (default: this panel's theme); None if empty."""
        if self._spec is None:
            return None
        style = style or chart_style(self.palette())
        view = QChartView(bar_chart(self._spec, style))
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setBackgroundBrush(QBrush(style.background))
        view.setStyleSheet(f"background: {style.background.name()}; border: none;")
        view.setFrameShape(QChartView.Shape.NoFrame)
        view.resize(size)
        image = view.grab().toImage()
        view.deleteLater()
        return image
