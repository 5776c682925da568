"""报表: the fund statement for any period (期初、收入、支出、调入、调出、期末, with 合计) and payments
by project / category / cause / township / month / fund; everything exported to one Excel workbook."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.ledger import xlsx as ledger_xlsx
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of, set_day
from helpdesk_gui.gui.kit.forms import master_detail
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.kit.worker import Task, save_in_background
from helpdesk_gui.gui.ledger.entries import PRESETS, preset_range


class ReportsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        today = _dt.date.today()
        self.preset = QComboBox()
        for p in PRESETS:
            if p != "全部":
                self.preset.addItem(self.tr(p), p)
        self.date_from = date_edit(today.replace(month=1, day=1), not_after_today=False)
        self.date_to = date_edit(today, not_after_today=False)
        self.dimension = QComboBox()
        for key, (title, _e, _l) in ledger_reports.DIMENSIONS.items():
            self.dimension.addItem(self.tr("发放按{t}").format(t=title), key)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        top = QHBoxLayout()
        for w in (QLabel(self.tr("期间")), self.preset, self.date_from, QLabel("—"), self.date_to):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.export_button)
        self.statement_model = RowsModel([self.tr("资金"), self.tr("资金来源"), self.tr("期初余额"), self.tr("本期收入"),
                                          self.tr("本期支出"), self.tr("调入"), self.tr("调出"), self.tr("期末余额")],
                                         right=(2, 3, 4, 5, 6, 7))
        self.statement = QTableView()
        setup_table(self.statement, self.statement_model, "statement")
        self.by_model = RowsModel([self.tr("分组"), self.tr("发放笔数"), self.tr("发放户数"), self.tr("发放金额（元）")],
                                  right=(1, 2, 3))
        self.by = QTableView()
        setup_table(self.by, self.by_model, "payments_by")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(master_detail(self.statement, self.dimension, self.by, (360, 260)), 1)
        self._setting = False
        self.preset.currentIndexChanged.connect(self._preset)
        for e in (self.date_from, self.date_to):
            e.dateChanged.connect(lambda _d: None if self._setting else self.refresh())
        self.dimension.currentIndexChanged.connect(lambda _i: self.show_by())
        self.export_button.clicked.connect(lambda: self.export())
        if load:
            self.refresh()

    def _preset(self) -> None:
        span = preset_range(str(self.preset.currentData()), _dt.date.today())
        if span is None:
            return
        self._setting = True
        set_day(self.date_from, span[0])
        set_day(self.date_to, span[1])
        self._setting = False
        self.refresh()

    def span(self) -> tuple[str, str]:
        return day_of(self.date_from).isoformat(), day_of(self.date_to).isoformat()

    def refresh(self) -> None:
        a, b = self.span()
        stmt = ledger_reports.statement(self.ctx.db, a, b)
        t = ledger_reports.total(stmt)
        cols = ("opening_fen", "receipts_fen", "payments_fen", "transfers_in_fen", "transfers_out_fen", "closing_fen")
        rows = [Row([r.name, r.source, *(yuan(getattr(r, c)) for c in cols)], r.fund_id) for r in stmt]
        rows.append(Row([self.tr("合计"), "", *(yuan(getattr(t, c)) for c in cols)], None))
        self.statement_model.set_rows(rows)
        fit_columns(self.statement)
        self.statement.horizontalHeader().setStretchLastSection(False)
        self.show_by()

    def show_by(self) -> None:
        a, b = self.span()
        found = ledger_reports.payments_by(self.ctx.db, a, b, str(self.dimension.currentData()))
        rows = [Row([r["label"], f"{int(r['payments']):,}", f"{int(r['households']):,}", yuan(int(r["fen"]))], r["key"])
                for r in found]
        total = ledger_reports.payments_summary(self.ctx.db, a, b)   # 户数: each household once
        rows.append(Row([self.tr("合计"), f"{total['payments']:,}", f"{total['households']:,}", yuan(total["fen"])],
                        None))
        self.by_model.set_rows(rows)
        fit_columns(self.by)
        self.by.horizontalHeader().setStretchLastSection(False)

    def export(self, path: str | None = None) -> Task | None:
        a, b = self.span()
        return save_in_background(
            self, self.ctx, lambda db, target, _progress: ledger_xlsx.export(db, target, a, b),
            caption=self.tr("导出到 Excel"), default_name=f"帮扶资金台账_{a}_{b}.xlsx", box_title=self.tr("导出完成"),
            saved=lambda p, _t: self.tr("已导出到\n{p}").format(p=p), path=path)
