"""资金概览: every fund's balance and this year's receipts and payments, the monthly chart, what is
waiting (decisions to pay, the next month to close, overdue loans), and the city's 下拨资金 still to
be posted, each one click from a receipt."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.ledger import loans, periods
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.sync import allocations as sync_allocations
from helpdesk_gui.core.workflow import approval
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.ledger.chart import MonthlyChart


class OverviewTab(QWidget):
    changed = Signal()
    fund_opened = Signal(int)      # show this fund's entries

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        this_year = _dt.date.today().year
        self.year = QComboBox()
        for y in range(this_year, this_year - 6, -1):
            self.year.addItem(self.tr("{y} 年").format(y=y), y)
        self.scope = QComboBox()
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = RowsModel([self.tr("资金"), self.tr("来源"), self.tr("用途限制"), self.tr("余额（元）"),
                                self.tr("本年收入"), self.tr("本年支出"), self.tr("调入"), self.tr("调出")],
                               right=(3, 4, 5, 6, 7))
        self.table = QTableView()
        setup_table(self.table, self.model, "funds")
        self.table.doubleClicked.connect(lambda idx: self.fund_opened.emit(int(self.model.key(idx.row()))))
        self.chart = MonthlyChart()
        self.fund_button = QPushButton(self.tr("修改资金…"))
        self.new_fund_button = QPushButton(self.tr("新建资金…"))
        for b in (self.fund_button, self.new_fund_button):
            b.setEnabled(ctx.actor.can("ledger.funds") and not ctx.readonly)
        self.fund_button.clicked.connect(lambda: self.edit_fund())
        self.new_fund_button.clicked.connect(lambda: self.edit_fund(new=True))
        self.alloc_model = RowsModel([self.tr("年度"), self.tr("资金来源"), self.tr("金额（元）"), self.tr("下发单位"),
                                      self.tr("收到时间")], right=(2,))
        self.alloc_table = QTableView()
        setup_table(self.alloc_table, self.alloc_model, "allocations")
        self.alloc_table.setMaximumHeight(96)
        self.post_button = QPushButton(self.tr("入账（记为拨款收入）"))
        self.post_button.setEnabled(ctx.actor.can("ledger.post") and not ctx.readonly)
        self.post_button.clicked.connect(lambda: self.post_allocation())
        alloc_box = QGroupBox(self.tr("市总工会下拨资金（待入账）"))
        alloc_layout = QHBoxLayout(alloc_box)
        alloc_layout.addWidget(self.alloc_table, 1)
        alloc_layout.addWidget(self.post_button, 0, Qt.AlignmentFlag.AlignTop)
        self.alloc_box = alloc_box

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("图表")))
        top.addWidget(self.scope, 1)
        top.addStretch(2)
        top.addWidget(self.new_fund_button)
        top.addWidget(self.fund_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([320, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(alloc_box)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scope.currentIndexChanged.connect(lambda _i: self._draw())
        self._overview: ledger_reports.Overview | None = None
        if load:
            self.refresh()

    def refresh(self) -> None:
        year = int(self.year.currentData())
        ov = ledger_reports.overview(self.ctx.db, year)
        self._overview = ov
        self.model.set_rows([Row([f["name"], f["source"], f["restrictions"], yuan(f["balance_fen"]),
                                  yuan(f["receipts_fen"], blank_zero=True), yuan(f["payments_fen"], blank_zero=True),
                                  yuan(f["transfers_in_fen"], blank_zero=True),
                                  yuan(f["transfers_out_fen"], blank_zero=True)], int(f["id"]),
                                 muted=not f["balance_fen"] and not f["receipts_fen"] and not f["payments_fen"],
                                 tips={2: f["restrictions"]})
                             for f in ov.funds])
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.resizeSection(2, min(header.sectionSize(2), 240))   # long restrictions: see the tooltip
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(self.tr("全部资金（不含内部调拨）"), None)
        for f in ov.funds:
            self.scope.addItem(f["name"], int(f["id"]))
        self.scope.setCurrentIndex(max(0, self.scope.findData(current)))
        self.scope.blockSignals(False)
        unpaid = approval.unpaid_total(self.ctx.db)
        nxt = periods.next_to_close(self.ctx.db)
        overdue = loans.list_loans(self.ctx.db, overdue_only=True)
        gap = "&nbsp;&nbsp;｜&nbsp;&nbsp;"
        self.summary.setText(self.tr(
            "<b>资金余额合计 {bal} 元</b>{g}{y} 年收入 {r} 元，支出 {p} 元{g}待发放的审批决定 {u} 元{g}"
            "下一个待结账月份：{n}{g}逾期周转金借款 {o} 笔").format(g=gap,
            bal=yuan(ov.balance_fen), y=year, r=yuan(ov.year_receipts_fen), p=yuan(ov.year_payments_fen),
            u=yuan(unpaid), n=periods.label(nxt) if nxt else "—", o=f"{len(overdue):,}"))
        allocations = sync_allocations.unposted_allocations(self.ctx.db)
        book = self.ctx.codebook()
        self.alloc_model.set_rows([Row([str(a["year"]), book.label("fund_source", a["fund_source"]) or a["fund_source"],
                                        yuan(a["amount_fen"]), a["sender_code"], local_time(a["received_at"])],
                                       int(a["id"]))
                                   for a in allocations])
        fit_columns(self.alloc_table)
        self.alloc_box.setVisible(bool(allocations))
        self._draw()

    def _draw(self) -> None:
        if self._overview is None:
            return
        fund_id = self.scope.currentData()
        ov = self._overview if fund_id is None else ledger_reports.overview(self.ctx.db, self._overview.year,
                                                                            fund_id=int(fund_id))
        name = self.scope.currentText()
        self.chart.set_data(self.tr("{y} 年每月收入与支出 — {name}").format(y=ov.year, name=name), ov.months)

    def post_allocation(self) -> bool:
        idx = self.alloc_table.currentIndex()
        if not idx.isValid() and self.alloc_model.rowCount():
            idx = self.alloc_model.index(0, 0)
        if not idx.isValid():
            return False
        allocation_id = int(self.alloc_model.key(idx.row()))
        cells = self.alloc_model.rows[idx.row()].cells
        if not confirm(self, self.tr("下拨资金入账"), self.tr("把 {y} 年下拨的{src} {amt} 元记为拨款收入？").format(
                y=cells[0], src=cells[1], amt=cells[2])):
            return False
        posted = guarded(self, sync_allocations.post_allocation, self.ctx.db, self.ctx.actor, allocation_id)
        if posted is None:
            return False
        self.refresh()
        self.changed.emit()
        return True

    def edit_fund(self, fund_id: int | None = None, *, new: bool = False) -> bool:
        from helpdesk_gui.gui.ledger.fund_dialog import FundDialog
        if fund_id is None and not new:
            idx = self.table.currentIndex()
            if not idx.isValid():
                return False
            fund_id = int(self.model.key(idx.row()))
        dialog = guarded(self, FundDialog, self.ctx, fund_id, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            return True
        return False
