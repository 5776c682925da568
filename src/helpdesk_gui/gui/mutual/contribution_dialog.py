"""收取互助金: a unit pays for its enrolled, unpaid members of the plan year. The dialog shows how many
and what each party's share comes to (职工、单位、工会, and the total in 人民币大写); OK posts one receipt
voucher into the plan's fund through ``core.mutual.contributions.receive_contribution``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from helpdesk_gui.core.base.errors import NotFoundError, StateError
from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, hint


class ContributionDialog(FormDialog):
    """``posted`` holds the voucher once OK went through."""

    def __init__(self, ctx: AppContext, plan_id: int, unit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("收取医疗互助金"), self.tr("收款记账"), parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.unit_id = unit_id
        self.posted: ledger.Posted | None = None
        plan = mutual_plans.get_plan(ctx.db, plan_id)
        unit = next((u for u in mutual_members.list_units(ctx.db, plan_id) if int(u["id"]) == unit_id), None)
        if unit is None:
            raise NotFoundError("参加单位", unit_id)
        n = mutual_contributions.unpaid_count(ctx.db, plan_id, unit_id)
        if n == 0:
            raise StateError(f"“{unit['name']}”{plan['period']} 年度没有待缴费的会员。")
        self.members = n
        self.on = date_edit()
        self.ref_no = QLineEdit()
        self.ref_no.setPlaceholderText(self.tr("单位缴款单号或银行回单号（可不填）"))

        shares = QGroupBox(self.tr("应收金额"))
        grid = QGridLayout(shares)
        for c, text in enumerate((self.tr("项目"), self.tr("人数"), self.tr("每人（元）"), self.tr("金额（元）"))):
            head = QLabel(f"<b>{text}</b>")
            head.setAlignment(Qt.AlignmentFlag.AlignRight if c else Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(head, 0, c)
        self.amounts: dict[str, int] = {}
        for r, (key, label) in enumerate((("worker_fen", self.tr("职工个人缴纳")), ("unit_fen", self.tr("单位补贴")),
                                          ("union_fen", self.tr("工会补贴"))), start=1):
            per = int(plan[key])
            self.amounts[key] = per * n
            for c, text in enumerate((label, f"{n:,}", yuan(per), yuan(per * n))):
                cell = QLabel(text)
                cell.setAlignment(Qt.AlignmentFlag.AlignRight if c else Qt.AlignmentFlag.AlignLeft)
                grid.addWidget(cell, r, c)
        self.total_fen = sum(self.amounts.values())
        total = QLabel(f"<b>{yuan(self.total_fen)}</b>")
        total.setObjectName("total")
        total.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(QLabel(f"<b>{self.tr('合计')}</b>"), 4, 0)
        # the same members pay the three shares: 人数 is n, not 3n; 每人 is what one member's period costs
        for c, text in ((1, f"{n:,}"), (2, yuan(sum(self.amounts.values()) // n if n else 0))):
            cell = QLabel(f"<b>{text}</b>")
            cell.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(cell, 4, c)
        grid.addWidget(total, 4, 3)
        upper = QLabel(self.tr("人民币{u}").format(u=to_chinese_upper(self.total_fen)))
        grid.addWidget(upper, 5, 0, 1, 4, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        grid.setHorizontalSpacing(24)

        self.form.addRow(self.tr("互助方案"), QLabel(f"{plan['name']}"))
        self.form.addRow(self.tr("缴费单位"), QLabel(f"{unit['name']}"))
        self.form.addRow(self.tr("待缴费会员"), QLabel(self.tr("{n} 人").format(n=f"{n:,}")))
        self.form.addRow(shares)
        self.form.addRow(self.tr("收款日期"), self.on)
        self.form.addRow(self.tr("缴款单号"), self.ref_no)
        self.form.addRow(hint(self.tr("记入“{f}”，一张收款凭证分职工、单位、工会三行；这些会员即为已缴费。").format(
            f=plan["fund_name"])))
        self.fields = {"记账日期": self.on}
        self.setTabOrder(self.on, self.ref_no)
        self.on.setFocus()

    def submit(self) -> None:
        self.posted = mutual_contributions.receive_contribution(
            self.ctx.db, self.ctx.actor, self.plan_id, self.unit_id, on=day_of(self.on), ref_no=self.ref_no.text())
