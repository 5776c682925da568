"""Monthly receipts and payments as paired columns, drawn with QPainter (no QtCharts in
PySide6-Essentials): gridlines on round amounts, a legend, month labels, the amounts in 万元 when
they are large. A red-ink month (more returned than paid) draws its column below the axis."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from helpdesk_gui.gui.kit.charts import axis

RECEIPT = QColor("#3b78c3")
PAYMENT = QColor("#e07b39")
GRID = QColor("#dddddd")
AXIS = QColor("#888888")
TEXT = QColor("#333333")


class MonthlyChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.months: list[tuple[int, int, int]] = []      # (month, receipts fen, payments fen)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 220)

    def sizeHint(self) -> QSize:
        return QSize(640, 300)

    def set_data(self, title: str, months: Sequence[tuple[int, int, int]]) -> None:
        self.title = title
        self.months = list(months)
        self.update()

    def _scale(self) -> tuple[float, str]:
        top = max([abs(v) for _m, r, p in self.months for v in (r, p)] or [0])
        return (1_000_000.0, "万元") if top >= 10_000_000 else (100.0, "元")

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        fm = QFontMetrics(self.font())
        line = fm.height()
        p.setPen(TEXT)
        title_font = self.font()
        title_font.setBold(True)
        p.setFont(title_font)
        p.drawText(QRectF(0, 4, self.width(), line + 4), Qt.AlignmentFlag.AlignHCenter, self.title)
        p.setFont(self.font())
        divisor, unit = self._scale()
        values = [(m, r / divisor, q / divisor) for m, r, q in self.months]
        bottom, top, step = axis(min([min(r, q) for _m, r, q in values] or [0.0]),
                                 max([max(r, q) for _m, r, q in values] or [0.0]))
        label_w = max(fm.horizontalAdvance(f"{v:,.0f}") for v in (top, bottom)) + 8
        area = QRectF(label_w + 8, line * 2 + 14, self.width() - label_w - 20, self.height() - line * 4 - 24)
        if area.width() < 50 or area.height() < 40:
            p.end()
            return

        def y(v: float) -> float:
            return area.bottom() - (v - bottom) / (top - bottom) * area.height()

        tick = bottom
        while tick <= top + step / 2:
            p.setPen(QPen(GRID if abs(tick) > 1e-9 else AXIS, 1))
            p.drawLine(int(area.left()), int(y(tick)), int(area.right()), int(y(tick)))
            p.setPen(TEXT)
            p.drawText(QRectF(0, y(tick) - line / 2, label_w + 4, line), Qt.AlignmentFlag.AlignRight, f"{tick:,.0f}")
            tick += step
        p.drawText(QRectF(0, area.top() - line - 6, label_w + 40, line), Qt.AlignmentFlag.AlignLeft, unit)
        n = max(len(values), 1)
        slot = area.width() / n
        bar = max(2.0, min(slot * 0.34, 28.0))
        for i, (m, r, q) in enumerate(values):
            x = area.left() + slot * i + slot / 2
            for j, (v, colour) in enumerate(((r, RECEIPT), (q, PAYMENT))):
                if not v:
                    continue
                left = x - bar + j * bar
                y0, y1 = y(max(v, 0.0)), y(min(v, 0.0))
                p.fillRect(QRectF(left, y0, bar - 1, max(y1 - y0, 1.0)), colour)
            p.setPen(TEXT)
            p.drawText(QRectF(x - slot / 2, area.bottom() + 4, slot, line), Qt.AlignmentFlag.AlignHCenter, f"{m}月")
        legend_y = self.height() - line - 4
        lx = area.left()
        for name, colour in (("收入", RECEIPT), ("支出（帮扶发放、周转金借出）", PAYMENT)):
            p.fillRect(QRectF(lx, legend_y + 3, 12, line - 6), colour)
            p.setPen(TEXT)
            p.drawText(QRectF(lx + 16, legend_y, fm.horizontalAdvance(name) + 8, line), Qt.AlignmentFlag.AlignLeft, name)
            lx += fm.horizontalAdvance(name) + 40
        p.end()
