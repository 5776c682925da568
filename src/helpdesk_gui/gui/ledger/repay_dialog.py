"""周转金还款: money back from a borrower, never more than is outstanding."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import loans
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import MoneyEdit, date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog


class RepayDialog(FormDialog):
    """OK posts the repayment (``core.loans.repay``); ``posted`` then holds the voucher."""

    def __init__(self, ctx: AppContext, loan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("周转金还款"), self.tr("收款记账"), parent)
        self.ctx = ctx
        self.loan_id = loan_id
        self.posted: ledger.Posted | None = None
        loan = loans.get(ctx.db, loan_id)
        st = loans.state(ctx.db, loan_id)
        about = QLabel(self.tr("借款 <b>{no}</b>　{who}（{archive}）<br>借款 {p} 元，已还 {r} 元，尚欠 <b>{o}</b> 元{late}").format(
            no=loan["loan_no"], who=loan["household_name"], archive=loan["archive_no"], p=yuan(st.principal_fen),
            r=yuan(st.repaid_fen), o=yuan(st.outstanding_fen),
            late=self.tr("，<span style='color:#b3261e'>逾期 {a} 元（{d} 起）</span>").format(
                a=yuan(st.overdue_fen), d=st.overdue_since) if st.overdue_fen else ""))
        about.setWordWrap(True)
        self.amount = MoneyEdit("还款金额")
        due = max(st.overdue_fen, min(st.due_to_date_fen - st.repaid_fen, st.outstanding_fen), 0)
        if due:
            self.amount.set_fen(due)
        self.on = date_edit()
        self.ref_no = QLineEdit()
        self.ref_no.setPlaceholderText(self.tr("收据号或银行回单号（可不填）"))
        self.form.addRow(about)
        self.form.addRow(self.tr("还款金额（元）"), self.amount)
        self.form.addRow(self.tr("还款日期"), self.on)
        self.form.addRow(self.tr("收据号"), self.ref_no)
        self.fields = {"还款金额": self.amount, "记账日期": self.on}

    def submit(self) -> None:
        self.posted = loans.repay(self.ctx.db, self.ctx.actor, self.loan_id, self.amount.fen(), on=day_of(self.on),
                                  ref_no=self.ref_no.text())
