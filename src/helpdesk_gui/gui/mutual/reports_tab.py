"""统计报表 of the chosen plan year: 会员情况, 缴费情况, 报销支付 (for a date range, the plan year by
default) and 资金收支, each in a table with its 合计 row; the shown report, or all four, exported to
Excel (``core.mutual_xlsx``, the same tables) off the GUI thread."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.mutual import xlsx as mutual_xlsx
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import date_edit, day_of, set_day
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table
from helpdesk_gui.gui.kit.worker import Progress, Task, save_in_background

TOTAL = "total"


class ReportsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = page
        self.shown: mutual_xlsx.Table | None = None
        self.which = QComboBox()
        for key, title in mutual_xlsx.REPORTS.items():
            self.which.addItem(self.tr(title), key)
        which_label = QLabel(self.tr("报表(&R)"))
        which_label.setBuddy(self.which)
        self.date_from = date_edit(not_after_today=False)
        self.date_to = date_edit(not_after_today=False)
        self.span_label = QLabel(self.tr("支付日期"))
        self.dash = QLabel("—")
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_all_button = QPushButton(self.tr("四张报表全部导出…"))
        top = QHBoxLayout()
        for w in (which_label, self.which, self.span_label, self.date_from, self.dash, self.date_to):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.export_button)
        top.addWidget(self.export_all_button)
        self.title = QLabel()
        self.title.setObjectName("report_title")
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.stack = QStackedWidget()
        self.models: dict[str, RowsModel] = {}
        self.tables: dict[str, QTableView] = {}
        self._fits: dict[str, Any] = {}
        for key in mutual_xlsx.REPORTS:
            model = RowsModel([])
            table = QTableView()
            setup_table(table, model, f"mutual_report_{key}")
            table.horizontalHeader().setStretchLastSection(False)
            self.models[key], self.tables[key] = model, table
            self._fits[key] = ColumnWidths(ctx, table, f"mutual/report_{key}").fit
            self.stack.addWidget(table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.stack, 1)
        self._setting = False
        self.which.currentIndexChanged.connect(lambda _i: self.show_report())
        for e in (self.date_from, self.date_to):
            e.dateChanged.connect(lambda _d: None if self._setting else self.show_report())
        self.export_button.clicked.connect(lambda: self.export())
        self.export_all_button.clicked.connect(lambda: self.export(everything=True))
        self._plan_dates: tuple[str, str] | None = None
        self._loaded_plan: object = ()
        page.plan_changed.connect(lambda: QTimer.singleShot(0, self._plan_changed))

    def key(self) -> str:
        return str(self.which.currentData())

    def choose(self, key: str) -> None:
        self.which.setCurrentIndex(self.which.findData(key))

    def span(self) -> tuple[str, str]:
        return day_of(self.date_from).isoformat(), day_of(self.date_to).isoformat()

    def _plan_changed(self) -> None:
        # the page reloads the shown tab itself right after the signal; this only catches what it did not
        if self.isVisible() and self._loaded_plan != self.page.plan_id():
            self.refresh()

    def refresh(self) -> None:
        """The chosen plan's dates become the payment period whenever the plan changes."""
        self._loaded_plan = self.page.plan_id()
        plan = self.page.plan()
        dates = (plan["start_date"], plan["end_date"]) if plan is not None else None
        if dates is not None and dates != self._plan_dates:
            self._setting = True
            set_day(self.date_from, _dt.date.fromisoformat(dates[0]))
            set_day(self.date_to, _dt.date.fromisoformat(dates[1]))
            self._setting = False
        self._plan_dates = dates
        self.show_report()

    def show_report(self) -> None:
        key = self.key()
        self.stack.setCurrentWidget(self.tables[key])
        claims = key == "claims"
        for w in (self.span_label, self.date_from, self.dash, self.date_to):
            w.setVisible(claims)
        pid = self.page.plan_id()
        self.export_button.setEnabled(pid is not None)
        self.export_all_button.setEnabled(pid is not None)
        model = self.models[key]
        if pid is None:
            self.shown = None
            model.set_rows([])
            self.title.setText(self.tr("还没有医疗互助方案"))
            self.subtitle.setText("")
            return
        a, b = self.span()
        table = guarded(self, mutual_xlsx.build, self.ctx.db, key, pid, date_from=a, date_to=b)
        if table is None:
            return
        self.shown = table
        model.headers = list(table.headers)
        model.right = set(range(1, len(table.headers)))      # the first column names, the others count
        rows = [Row(self._cells(table, r), i) for i, r in enumerate(table.rows)]
        if table.total is not None:
            rows.append(Row(self._cells(table, table.total), TOTAL, tone="total"))
        model.set_rows(rows)
        self._fits[key]()
        self.title.setText(table.title)
        self.subtitle.setText(table.subtitle + ("" if table.rows else self.tr("　（没有数据）")))

    @staticmethod
    def _cells(table: mutual_xlsx.Table, values: tuple[Any, ...]) -> list[str]:
        out = []
        for v, money in zip(values, table.money, strict=True):
            if money and isinstance(v, int):
                out.append(yuan(v))
            elif isinstance(v, int):
                out.append(f"{v:,}")
            else:
                out.append("" if v is None else str(v))
        return out

    def export(self, path: str | None = None, *, everything: bool = False) -> Task | None:
        pid = self.page.plan_id()
        plan = self.page.plan()
        if pid is None or plan is None:
            return None
        key = self.key()
        a, b = self.span()
        name = "医疗互助统计报表" if everything else f"医疗互助{mutual_xlsx.REPORTS[key]}"

        def write(db: Database, target: Path, _progress: Progress) -> Path:
            if everything:
                tables = mutual_xlsx.build_all(db, pid, date_from=a, date_to=b)
            else:
                tables = [mutual_xlsx.build(db, key, pid, date_from=a, date_to=b)]
            return mutual_xlsx.export(target, tables)

        return save_in_background(
            self, self.ctx, write, caption=self.tr("导出到 Excel"), default_name=f"{name}_{plan['period']}.xlsx",
            box_title=self.tr("导出完成"), saved=lambda p, _t: self.tr("已导出到\n{p}").format(p=p), path=path)
