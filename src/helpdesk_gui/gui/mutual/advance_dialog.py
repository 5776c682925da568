"""支付特殊救助预付 (finance): an urgent case paid at once from the plan's fund — the member, the amount
(at most the plan's cap per advance), why, which approver approved it and the date. A payment voucher
is posted; later claims of the member settle it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import MoneyEdit, date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, hint
from helpdesk_gui.gui.mutual.member_picker import MemberPicker


class AdvanceDialog(FormDialog):
    """OK pays (``core.mutual_claims.pay_advance``); ``advance_id`` then holds the advance."""

    def __init__(self, ctx: AppContext, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("支付大病特殊救助预付款"), self.tr("支付并记账"), parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.advance_id: int | None = None
        plan = mutual_plans.get_plan(ctx.db, plan_id)
        self.picker = MemberPicker(ctx, plan_id, self)
        self.amount = MoneyEdit("预付金额")
        cap = plan["advance_cap_fen"]
        self.amount.edit.setPlaceholderText(self.tr("元，每笔最高 {cap} 元").format(cap=yuan(cap)) if cap
                                            else self.tr("元"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("病种、病情和急需用钱的情况"))
        self.approver = QComboBox()
        approvers = [(u, auth.get_actor(ctx.db, str(u["username"]))) for u in auth.list_users(ctx.db) if u["active"]]
        # the approvers first, the administrator (who may also approve) after them
        for u, a in sorted(approvers, key=lambda ua: "admin" in ua[1].roles):
            if a.can("mutual.approve") and a.username != ctx.actor.username:
                self.approver.addItem(f"{u['display_name']}（{u['username']}）", u["username"])
        self.on = date_edit()
        self.form.addRow(hint(self.tr("{period} 年度　支出资金：{fund}").format(period=plan["period"],
                                                                          fund=plan["fund_name"])))
        self.form.addRow(self.tr("会员(&M)"), self.picker)
        self.form.addRow(self.tr("预付金额（元）"), self.amount)
        self.form.addRow(self.tr("预付原因"), self.reason)
        self.form.addRow(self.tr("批准人"), self.approver)
        self.form.addRow(self.tr("付款日期"), self.on)
        self.form.addRow(hint(self.tr("确认后记一张付款凭证；这位会员以后的报销先冲抵这笔预付款，"
                                      "没有冲抵完的部分可由审批人核销。")))
        self.fields = {"会员": self.picker, "预付金额": self.amount, "预付原因": self.reason, "批准人": self.approver, "记账日期": self.on}
        self.setTabOrder(self.picker.search_edit, self.picker.table)
        self.setTabOrder(self.picker.table, self.amount.edit)
        self.setTabOrder(self.amount.edit, self.reason)
        self.setTabOrder(self.reason, self.approver)
        self.setTabOrder(self.approver, self.on)
        self.picker.setFocus()
        self.resize(760, self.sizeHint().height())

    def submit(self) -> None:
        if self.picker.member_id is None:
            raise ValidationError("会员", "请先选择预付的会员")
        self.advance_id = mutual_claims.pay_advance(
            self.ctx.db, self.ctx.actor, self.plan_id, self.picker.member_id, self.amount.fen(),
            reason=self.reason.text(), approved_by=str(self.approver.currentData() or ""), on=day_of(self.on))
