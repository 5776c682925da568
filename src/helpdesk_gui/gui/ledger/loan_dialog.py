"""创业周转金借出: the household (在档), the amount, the approver and the approval reference, the
repayment schedule (instalments, first due date), shown as a plan before it is posted."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import funds, loans
from helpdesk_gui.core.register import lookup
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import MoneyEdit, date_edit, day_of, fund_combo
from helpdesk_gui.gui.kit.forms import FormDialog


class LoanDialog(FormDialog):
    """OK issues the loan (``core.loans.issue``); ``loan_id`` then holds it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("创业周转金借出"), self.tr("借出并记账"), parent)
        self.ctx = ctx
        self.loan_id: int | None = None
        self.household_id: int | None = None
        self.fund = fund_combo([f for f in funds.list_funds(ctx.db, active_only=True) if f["kind"] == "revolving"])
        self.who = QLabel(self.tr("（未选择）"))
        self.pick = QPushButton(self.tr("选择档案…"))
        self.pick.clicked.connect(lambda: self.pick_household())
        who = QHBoxLayout()
        who.addWidget(self.who, 1)
        who.addWidget(self.pick)
        self.amount = MoneyEdit("借款金额")
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(self.tr("如：开办早餐店"))
        self.approver = QComboBox()
        for u in auth.list_users(ctx.db):
            a = auth.get_actor(ctx.db, str(u["username"]))
            if u["active"] and a.can("workflow.approve") and a.username != ctx.actor.username:
                self.approver.addItem(f"{u['display_name']}（{u['username']}）", u["username"])
        self.approval_ref = QLineEdit()
        self.approval_ref.setPlaceholderText(self.tr("批准文号或会议纪要编号"))
        self.guarantor = QLineEdit()
        self.installments = QSpinBox()
        self.installments.setRange(1, 60)
        self.installments.setValue(12)
        self.installments.setSuffix(self.tr(" 期（每月一期）"))
        self.on = date_edit()
        self.first_due = date_edit(_dt.date.today() + _dt.timedelta(days=31), not_after_today=False)
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.form.addRow(self.tr("周转金"), self.fund)
        self.form.addRow(self.tr("借款人"), who)
        self.form.addRow(self.tr("借款金额（元）"), self.amount)
        self.form.addRow(self.tr("借款用途"), self.purpose)
        self.form.addRow(self.tr("批准人"), self.approver)
        self.form.addRow(self.tr("批准文号"), self.approval_ref)
        self.form.addRow(self.tr("担保人"), self.guarantor)
        self.form.addRow(self.tr("借款日期"), self.on)
        self.form.addRow(self.tr("还款期数"), self.installments)
        self.form.addRow(self.tr("首期还款日"), self.first_due)
        self.form.addRow(self.tr("还款计划"), self.plan)
        self.fields = {"借款金额": self.amount, "借款用途": self.purpose, "批准文号": self.approval_ref,
                       "批准人": self.approver, "还款计划": self.first_due, "还款期数": self.installments}
        for signal in (self.amount.edit.textChanged, self.installments.valueChanged, self.first_due.dateChanged):
            signal.connect(lambda *_a: self.show_plan())
        self.show_plan()

    def pick_household(self, household_id: int | None = None) -> None:
        if household_id is None:
            from helpdesk_gui.gui.reception.picker import HouseholdPicker
            picker = HouseholdPicker(self.ctx, self, statuses=("active",))
            if not picker.exec():
                return
            household_id = picker.household_id
        if household_id is None:
            return
        name, archive_no = lookup.name_and_number(self.ctx.db, household_id)
        self.household_id = household_id
        self.who.setText(f"{name}（{archive_no}）")

    def show_plan(self) -> None:
        try:
            fen = self.amount.fen()
        except HelpdeskError:
            self.plan.setText(self.tr("填写金额后显示"))
            return
        plan = loans.schedule(fen, self.installments.value(), day_of(self.first_due))
        self.plan.setText(self.tr("{n} 期，{first} 起每月 {each} 元，末期 {last}（{last_amt} 元）").format(
            n=f"{len(plan):,}", first=plan[0][0], each=yuan(plan[0][1]), last=plan[-1][0], last_amt=yuan(plan[-1][1])))

    def submit(self) -> None:
        if self.household_id is None:
            raise ValidationError("借款人", "请选择在档的困难职工家庭")
        if self.fund.currentData() is None:
            raise ValidationError("周转金", "没有可用的周转金资金")
        self.loan_id = loans.issue(
            self.ctx.db, self.ctx.actor, int(self.fund.currentData()), self.household_id, self.amount.fen(),
            purpose=self.purpose.text(), approved_by=str(self.approver.currentData() or ""),
            approval_ref=self.approval_ref.text(), installments=self.installments.value(),
            first_due=day_of(self.first_due), guarantor=self.guarantor.text(), on=day_of(self.on))
