"""发放: mark a drafted roster paid with the bank's batch number and the date the money left. One
voucher is posted with a line per household; each decision becomes 已发放 and gets its 帮扶记录."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.ledger import payroll
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, hint


class PayDialog(FormDialog):
    """OK pays the roster (``core.payroll.pay_roster``); ``posted`` then holds the voucher."""

    def __init__(self, ctx: AppContext, roster_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登记发放"), self.tr("确认发放并记账"), parent)
        self.ctx = ctx
        self.roster_id = roster_id
        self.posted: ledger.Posted | None = None
        r = payroll.get_roster(ctx.db, roster_id)
        lines = payroll.roster_lines(ctx.db, roster_id)
        total = sum(int(x["amount_fen"]) for x in lines)
        self.is_bank = r["pay_method"] == payroll.BANK_TRANSFER
        about = QLabel(self.tr("花名册 <b>{no}</b> {title}<br>支出资金：{fund}　发放方式：{method}<br>"
                               "共 <b>{n}</b> 户 {lines} 笔，合计 <b>{total}</b> 元（人民币{upper}）").format(
            no=r["roster_no"], title=r["title"], fund=r["fund_name"],
            method=ctx.codebook().label("pay_method", r["pay_method"]), n=f"{len({x['household_id'] for x in lines}):,}",
            lines=f"{len(lines):,}", total=yuan(total),
            upper=to_chinese_upper(total)))
        about.setWordWrap(True)
        changed = sum(1 for x in lines if x.get("bank_changed"))
        self.paid_on = date_edit()
        self.batch = QLineEdit()
        self.batch.setPlaceholderText(self.tr("银行代发批次号（银行转账必填）") if self.is_bank else self.tr("可不填"))
        self.form.addRow(about)
        self.form.addRow(self.tr("发放日期"), self.paid_on)
        self.form.addRow(self.tr("银行批次号"), self.batch)
        if changed:
            warn = QLabel(self.tr("注意：有 {n} 户的银行账号与审批时不同，将发放到档案中现在的账号。").format(n=f"{changed:,}"))
            warn.setStyleSheet("color: #b3261e;")
            self.form.addRow(warn)
        self.form.addRow(hint(self.tr("确认后记一张付款凭证（每户一行），审批决定登记为已发放，并写入帮扶记录；"
                                      "之后可打印签收花名册，签字扫描后附到凭证上。")))
        self.fields = {"银行批次号": self.batch, "记账日期": self.paid_on}
        self.batch.setFocus()

    def submit(self) -> None:
        self.posted = payroll.pay_roster(self.ctx.db, self.ctx.actor, self.roster_id, paid_date=day_of(self.paid_on),
                                         bank_batch=self.batch.text())
