"""创业周转金: every loan with what is repaid, outstanding and overdue (overdue first, in red), the
schedule of the chosen loan, and the buttons to lend and to take a repayment."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import loans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table


class LoansTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowsModel([self.tr("借款编号"), self.tr("借款人"), self.tr("档案编号"), self.tr("借款金额"),
                                 self.tr("借款日期"), self.tr("已还"), self.tr("尚欠"), self.tr("逾期金额"),
                                 self.tr("逾期起始"), self.tr("用途")], right=(3, 5, 6, 7))
        self.table = QTableView()
        setup_table(self.table, self.model, "loans")
        self.plan_model = RowsModel([self.tr("期次"), self.tr("应还日期"), self.tr("应还金额（元）")], right=(2,))
        self.plan = QTableView()
        setup_table(self.plan, self.plan_model, "schedule")
        self.overdue_only = QCheckBox(self.tr("只看逾期"))
        self.summary = QLabel()
        self.lend_button = QPushButton(self.tr("借出…"))
        self.repay_button = QPushButton(self.tr("还款…"))
        post = ctx.actor.can("ledger.post") and not ctx.readonly
        self.lend_button.setEnabled(post)
        self.repay_button.setEnabled(post)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.overdue_only)
        top.addWidget(self.lend_button)
        top.addWidget(self.repay_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.plan)
        split.setSizes([820, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.overdue_only.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_plan())
        self.lend_button.clicked.connect(lambda: self.lend())
        self.repay_button.clicked.connect(lambda: self.repay())
        if load:
            self.refresh()

    def refresh(self) -> None:
        all_loans = loans.list_loans(self.ctx.db)
        shown = [x for x in all_loans if x["overdue_fen"] or not self.overdue_only.isChecked()]
        self.model.set_rows([Row([x["loan_no"], x["household_name"], x["archive_no"], yuan(x["principal_fen"]),
                                  x["issued_date"], yuan(x["repaid_fen"]),
                                  self.tr("已作废") if x["void"] else yuan(x["outstanding_fen"]),
                                  yuan(x["overdue_fen"], blank_zero=True), x["overdue_since"] or "", x["purpose"]],
                                 int(x["id"]), muted=not x["outstanding_fen"], tone="overdue" if x["overdue_fen"] else None)
                             for x in shown])
        fit_columns(self.table)
        overdue = [x for x in all_loans if x["overdue_fen"]]
        self.summary.setText(self.tr("借款 {n} 笔，尚欠合计 {o} 元；逾期 {k} 笔，逾期金额 {a} 元").format(
            n=f"{len(all_loans):,}", o=yuan(sum(x["outstanding_fen"] for x in all_loans)), k=f"{len(overdue):,}",
            a=yuan(sum(x["overdue_fen"] for x in overdue))))
        if self.model.rowCount():
            self.table.selectRow(0)
        self.show_plan()

    def loan_id(self) -> int | None:
        idx = self.table.currentIndex()
        return int(self.model.key(idx.row())) if idx.isValid() else None

    def show_plan(self) -> None:
        lid = self.loan_id()
        rows = loans.schedule_of(self.ctx.db, lid) if lid is not None else []
        self.plan_model.set_rows([Row([str(r["seq"]), r["due_date"], yuan(r["amount_fen"])], r["seq"]) for r in rows])
        fit_columns(self.plan)

    def lend(self) -> bool:
        from helpdesk_gui.gui.ledger.loan_dialog import LoanDialog
        dialog = guarded(self, LoanDialog, self.ctx, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            return True
        return False

    def repay(self) -> bool:
        from helpdesk_gui.gui.ledger.repay_dialog import RepayDialog
        lid = self.loan_id()
        if lid is None:
            return False
        dialog = guarded(self, RepayDialog, self.ctx, lid, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            return True
        return False
