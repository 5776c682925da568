"""Charts drawn with QPainter (PySide6-Essentials has no QtCharts): the axis of round numbers every chart
uses (``axis``), and a small chart widget of horizontal bars, stacked columns and lines, with a title, a
legend, gridlines on round numbers and Chinese labels in the application font. Data in, picture out;
nothing here knows the database."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#3b78c3", "#e07b39", "#4caf6a", "#c0504d", "#8064a2", "#2fa4b5", "#d4a017", "#7f7f7f", "#b05f9e")
GRID = QColor("#dddddd")
AXIS = QColor("#888888")
TEXT = QColor("#333333")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]     # None: no value (a month still to come)
    color: str = ""
    dashed: bool = False


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` gridlines up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return float(10 * power)


def axis(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """(bottom, top, step) of a value axis holding ``low`` … ``high`` and 0: both ends on a multiple of a round
    ``step`` (``nice_step``) about ``ticks`` gridlines apart; an axis with nothing to hold is 0 … 1."""
    low, high = min(low, 0.0), max(high, 0.0)
    step = nice_step(high - low, ticks)
    top = step * math.ceil(high / step) if high > 0 else 0.0
    bottom = step * math.floor(low / step) if low < 0 else 0.0
    return bottom, (top if top > bottom else step), step


def plain(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 or abs(v) >= 100 else f"{v:,.1f}"


class Chart(QWidget):
    """``kind``: ``hbar`` (one series, categories down the side), ``stacked`` (columns, one stack per
    category) or ``lines`` (one line per series across the categories)."""

    def __init__(self, title: str, kind: str = "hbar", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in ("hbar", "stacked", "lines"):
            raise ValueError(kind)
        self.title = title
        self.kind = kind
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.unit = ""
        self.fmt: Callable[[float], str] = plain
        self.empty_text = "暂无数据"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 200)

    def sizeHint(self) -> QSize:
        return QSize(420, 280)

    def set_data(self, categories: Sequence[str], series: Sequence[Series], *, unit: str = "",
                 fmt: Callable[[float], str] = plain) -> None:
        self.categories = list(categories)
        self.series = [s if s.color else Series(s.name, s.values, PALETTE[i % len(PALETTE)], s.dashed)
                       for i, s in enumerate(series)]
        self.unit = unit
        self.fmt = fmt
        self.update()

    def total(self) -> float:
        return float(sum(sum(v or 0 for v in s.values) for s in self.series))

    # ---- painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(p, QRectF(self.rect()))
        finally:
            p.end()

    def paint(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, QColor("#ffffff"))
        base = QFont(self.font())
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(base.pointSizeF() + 1)
        p.setFont(title_font)
        p.setPen(TEXT)
        th = QFontMetrics(title_font).height()
        title = self.title + (f"（{self.unit}）" if self.unit else "")
        p.drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, th), Qt.AlignmentFlag.AlignLeft, title)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1, 7))
        p.setFont(small)
        body = rect.adjusted(8, th + 10, -10, -6)
        if self.kind != "hbar" and len(self.series) > 1:
            body = self._legend(p, body)
        if not self.categories or not self.series or self.total() == 0:
            p.setPen(AXIS)
            p.drawText(body, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        if self.kind == "hbar":
            self._hbar(p, body)
        else:
            self._columns(p, body)

    def _legend(self, p: QPainter, body: QRectF) -> QRectF:
        fm = QFontMetrics(p.font())
        x, y = body.left(), body.top()
        h = fm.height()
        for s in self.series:
            w = 14 + 4 + fm.horizontalAdvance(s.name) + 14
            if x + w > body.right() and x > body.left():
                x, y = body.left(), y + h + 2
            p.setPen(QPen(QColor(s.color), 3, Qt.PenStyle.DashLine if s.dashed else Qt.PenStyle.SolidLine))
            if self.kind == "lines":
                p.drawLine(QPointF(x, y + h / 2), QPointF(x + 14, y + h / 2))
            else:
                p.fillRect(QRectF(x, y + 2, 14, h - 4), QColor(s.color))
            p.setPen(TEXT)
            p.drawText(QRectF(x + 18, y, w, h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, s.name)
            x += w
        return QRectF(body.left(), y + h + 6, body.width(), body.bottom() - y - h - 6)

    def _hbar(self, p: QPainter, body: QRectF) -> None:
        fm = QFontMetrics(p.font())
        values = [v or 0 for v in self.series[0].values]
        color = QColor(self.series[0].color)
        label_w = min(max(fm.horizontalAdvance(c) for c in self.categories) + 8, body.width() * 0.4)
        value_w = max(fm.horizontalAdvance(self.fmt(v)) for v in values) + 8
        n = len(self.categories)
        row_h = body.height() / n
        bar_h = max(min(row_h * 0.66, 26), 3)
        top = max(values) or 1
        width = body.width() - label_w - value_w
        for i, (cat, v) in enumerate(zip(self.categories, values)):
            y = body.top() + i * row_h
            p.setPen(TEXT)
            text = fm.elidedText(cat, Qt.TextElideMode.ElideRight, int(label_w - 6))
            p.drawText(QRectF(body.left(), y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       text)
            w = width * v / top
            p.fillRect(QRectF(body.left() + label_w, y + (row_h - bar_h) / 2, max(w, 1 if v else 0), bar_h), color)
            p.drawText(QRectF(body.left() + label_w + w + 4, y, value_w, row_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.fmt(v))

    def _columns(self, p: QPainter, body: QRectF) -> None:
        fm = QFontMetrics(p.font())
        n = len(self.categories)
        if self.kind == "stacked":
            top = max(sum(s.values[i] or 0 for s in self.series) for i in range(n))
        else:
            top = max(max(v or 0 for v in s.values) for s in self.series)
        _bottom, top, step = axis(0.0, top)
        def tick(v: float) -> str:
            return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"

        axis_w = max(fm.horizontalAdvance(tick(step * k)) for k in range(int(round(top / step)) + 1)) + 6
        plot = QRectF(body.left() + axis_w, body.top() + 4, body.width() - axis_w, body.height() - fm.height() - 8)
        # gridlines and their values
        k = 0
        while step * k <= top + 1e-9:
            y = plot.bottom() - plot.height() * (step * k) / top
            p.setPen(QPen(GRID if k else AXIS, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(AXIS)
            p.drawText(QRectF(body.left(), y - fm.height() / 2, axis_w - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tick(step * k))
            k += 1
        slot = plot.width() / n
        every = max(1, math.ceil(max(fm.horizontalAdvance(c) for c in self.categories) / max(slot - 2, 1)))
        p.setPen(TEXT)
        for i, cat in enumerate(self.categories):
            if i % every == 0:
                p.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 4, slot * every, fm.height()),
                           Qt.AlignmentFlag.AlignLeft if every > 1 else Qt.AlignmentFlag.AlignHCenter, cat)
        if self.kind == "stacked":
            bar_w = max(slot * 0.62, 2)
            for i in range(n):
                y = plot.bottom()
                for s in self.series:
                    h = plot.height() * (s.values[i] or 0) / top
                    if h > 0:
                        p.fillRect(QRectF(plot.left() + i * slot + (slot - bar_w) / 2, y - h, bar_w, h), QColor(s.color))
                    y -= h
            return
        for s in self.series:
            path = QPainterPath()
            points: list[QPointF] = []
            gap = True
            for i, v in enumerate(s.values):
                if v is None:
                    gap = True
                    continue
                pt = QPointF(plot.left() + (i + 0.5) * slot, plot.bottom() - plot.height() * v / top)
                if gap:
                    path.moveTo(pt)
                else:
                    path.lineTo(pt)
                gap = False
                points.append(pt)
            pen = QPen(QColor(s.color), 2.2, Qt.PenStyle.DashLine if s.dashed else Qt.PenStyle.SolidLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            p.setBrush(QColor(s.color))
            p.setPen(Qt.PenStyle.NoPen)
            for pt in points:
                p.drawEllipse(pt, 2.8, 2.8)
            p.setBrush(Qt.BrushStyle.NoBrush)
