"""The dashboard: the register by category, cause and township; payments by month and fund; the year
against the year before. One ``core.reports.dashboard`` call (SQL aggregates, ≤ 200 ms at 100,000
households), drawn by ``Chart``."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.charts import Chart, Series
from helpdesk_gui.gui.kit.errors import guarded

TOWNSHIPS_SHOWN = 12


def wan(fen: float) -> float:
    """fen → 万元"""
    return fen / 1_000_000


def wan_text(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else (f"{v:,.1f}" if v >= 10 or v == 0 else f"{v:,.2f}")


def _card(title: str) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet("QFrame { background: #f5f8fc; border: 1px solid #c9d7ea; border-radius: 4px; }"
                        "QLabel { border: none; background: transparent; }")
    head = QLabel(title)
    head.setStyleSheet("color: #555555;")
    value = QLabel()
    value.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1f4f8a;")
    note = QLabel()
    note.setStyleSheet("color: #555555;")
    box = QVBoxLayout(frame)
    box.setContentsMargins(12, 6, 12, 6)
    box.setSpacing(2)
    box.addWidget(head)
    box.addWidget(value)
    box.addWidget(note)
    return frame, value, note


class DashboardView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: reports.Dashboard | None = None
        self.county: str | None = None   # one county of the city (set by the page), or all
        self.year_box = QComboBox()
        this_year = _dt.date.today().year
        for y in range(this_year, this_year - 8, -1):
            self.year_box.addItem(self.tr("{y}年").format(y=y), y)
        self.year_box.currentIndexChanged.connect(lambda _i: self.refresh())
        cards = QHBoxLayout()
        frame, self.active_value, self.active_note = _card(self.tr("在档困难职工家庭"))
        cards.addWidget(frame)
        frame, self.paid_value, self.paid_note = _card(self.tr("本年发放帮扶资金"))
        cards.addWidget(frame)
        frame, self.households_value, self.households_note = _card(self.tr("本年帮扶"))
        cards.addWidget(frame)
        frame, self.reception_value, self.reception_note = _card(self.tr("办理中的接待事项"))
        cards.addWidget(frame)
        year_line = QVBoxLayout()
        year_line.addWidget(QLabel(self.tr("统计年度")))
        year_line.addWidget(self.year_box)
        year_line.addStretch(1)
        cards.addLayout(year_line)

        self.by_category = Chart(self.tr("在档户数：按困难类别"), "hbar")
        self.by_cause = Chart(self.tr("在档户数：按主要致困原因"), "hbar")
        self.by_township = Chart(self.tr("在档户数：按乡镇（街道）"), "hbar")
        self.by_month_fund = Chart(self.tr("各月帮扶资金：按资金来源"), "stacked")
        self.year_on_year = Chart(self.tr("帮扶资金同比"), "lines")
        self.households_yoy = Chart(self.tr("各月帮扶户次同比"), "lines")
        grid = QGridLayout()
        grid.setSpacing(8)
        grid.addWidget(self.by_category, 0, 0)
        grid.addWidget(self.by_cause, 0, 1)
        grid.addWidget(self.by_township, 0, 2)
        grid.addWidget(self.by_month_fund, 1, 0)
        grid.addWidget(self.year_on_year, 1, 1)
        grid.addWidget(self.households_yoy, 1, 2)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)

    def charts(self) -> list[Chart]:
        return [self.by_category, self.by_cause, self.by_township, self.by_month_fund, self.year_on_year,
                self.households_yoy]

    def refresh(self) -> None:
        d = guarded(self, reports.dashboard, self.ctx.db, self.year_box.currentData(), self.county)
        if d is None:
            return
        self.data = d
        y = d.year

        def count(v: float) -> str:
            return f"{v:,.0f}"

        self.by_category.set_data([c for c, _ in d.by_category], [Series("户数", [n for _, n in d.by_category])],
                                  unit="户", fmt=count)
        self.by_cause.set_data([c for c, _ in d.by_cause], [Series("户数", [n for _, n in d.by_cause], "#e07b39")],
                               unit="户", fmt=count)
        towns = d.by_township[:TOWNSHIPS_SHOWN]
        rest = sum(n for _, n in d.by_township[TOWNSHIPS_SHOWN:])
        if rest:
            towns = [*towns, (self.tr("其他"), rest)]
        self.by_township.set_data([t for t, _ in towns], [Series("户数", [n for _, n in towns], "#4caf6a")],
                                  unit="户", fmt=count)
        months = [str(m + 1) for m in range(12)]
        today = _dt.date.today()
        shown = 12 if y < today.year else (today.month if y == today.year else 0)

        def so_far(values: list[int], scale: float = 1.0) -> list[float | None]:
            """This year's months still to come are left out of the lines (not drawn as zero)."""
            return [v / scale if i < shown else None for i, v in enumerate(values)]

        self.by_month_fund.set_data(months, [Series(name, [wan(v) for v in values])
                                             for name, values in d.paid_by_fund.items()], unit="万元，横轴为月份",
                                    fmt=wan_text)
        self.year_on_year.set_data(months, [Series(self.tr("{y}年").format(y=y), so_far(d.paid_this_year, 1_000_000)),
                                            Series(self.tr("{y}年").format(y=y - 1), [wan(v) for v in d.paid_last_year],
                                                   "#9a9a9a", dashed=True)], unit="万元，横轴为月份", fmt=wan_text)
        self.households_yoy.set_data(months, [
            Series(self.tr("{y}年").format(y=y), so_far(d.count_this_year), "#8064a2"),
            Series(self.tr("{y}年").format(y=y - 1), d.count_last_year, "#9a9a9a", dashed=True)],
            unit="户次，横轴为月份", fmt=count)
        t = d.totals
        self.active_value.setText(self.tr("{n} 户").format(n=f"{t['active']:,}"))
        self.active_note.setText("，".join(f"{c} {n:,}" for c, n in d.by_category))
        self.paid_value.setText(self.tr("{v} 万元").format(v=wan_text(wan(t["paid_this_year"]))))
        if t["paid_last_year"]:
            change = (t["paid_this_year"] - t["paid_last_year"]) / t["paid_last_year"] * 100
            self.paid_note.setText(self.tr("上年 {v} 万元，同比 {c:+.1f}%").format(
                v=wan_text(wan(t["paid_last_year"])), c=change))
        else:
            self.paid_note.setText(self.tr("上年无帮扶记录"))
        self.households_value.setText(self.tr("{n} 户次").format(n=f"{sum(d.count_this_year):,}"))
        self.households_note.setText(self.tr("上年 {n} 户次").format(n=f"{sum(d.count_last_year):,}"))
        self.reception_value.setText(self.tr("{n} 件").format(n=f"{t['reception_open']:,}"))
        self.reception_note.setText(self.tr("逾期 {n} 件").format(n=f"{t['reception_overdue']:,}")
                                    if t.get("reception_overdue") else self.tr("无逾期"))
        self.reception_value.setStyleSheet("font-size: 16pt; font-weight: bold; color: "
                                           + ("#9b1c1c;" if t.get("reception_overdue") else "#1f4f8a;"))
