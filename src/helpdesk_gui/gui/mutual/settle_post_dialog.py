"""记账支付 (finance): the date the bank paid (not in the future) and its batch number; OK asks once
more with the total in figures and in 人民币大写, then posts one payment voucher for the settlement
(``post_settlement``). A fund that cannot cover it is refused as a whole, said inside the dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, confirm, hint


class PostSettlementDialog(FormDialog):
    """OK posts; ``posted`` then holds the voucher (None when advances settled every claim)."""

    def __init__(self, ctx: AppContext, settlement_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("医疗互助结算记账支付"), self.tr("记账支付"), parent)
        self.ctx = ctx
        self.settlement_id = settlement_id
        self.posted: ledger.Posted | None = None
        self.paid = False
        s = mutual_settle.get_settlement(ctx.db, settlement_id)
        lines = mutual_settle.settlement_lines(ctx.db, settlement_id)
        self.total_fen = sum(int(c["payable_fen"]) for c in lines)
        self.count = len(lines)
        paid = sum(1 for c in lines if int(c["payable_fen"]) > 0)
        self.fund_name = str(s["fund_name"])
        self.settle_no = str(s["settle_no"])
        about = QLabel(self.tr("结算单 <b>{no}</b>　{quarter}<br>支出资金：{fund}<br>"
                               "共 <b>{n}</b> 人次（其中 {paid} 人次需要支付），合计 <b>{total}</b> 元<br>人民币{upper}").format(
            no=s["settle_no"], quarter=mutual_settle.quarter_label(s["quarter"]), fund=s["fund_name"], n=f"{len(lines):,}",
            paid=f"{paid:,}", total=yuan(self.total_fen), upper=to_chinese_upper(self.total_fen)))
        about.setObjectName("about")
        about.setWordWrap(True)
        self.paid_on = date_edit()
        self.batch = QLineEdit()
        self.batch.setPlaceholderText(self.tr("银行代发批次号（可不填，不填时用结算单号）"))
        self.form.addRow(about)
        self.form.addRow(self.tr("支付日期"), self.paid_on)
        self.form.addRow(self.tr("银行批次号"), self.batch)
        self.form.addRow(hint(self.tr("确认后记一张付款凭证（每人次一行），报销登记为已结算。资金余额不足时整张结算单不记账。")))
        self.fields = {"支付日期": self.paid_on, "记账日期": self.paid_on, "银行批次号": self.batch}
        self.batch.setFocus()
        self.resize(540, self.sizeHint().height())

    def accept(self) -> None:
        text = self.tr("从“{fund}”支付结算单 {no}：{n} 人次，合计 {total} 元（人民币{upper}）。\n\n记账后不能修改，"
                       "退回的款项要逐笔登记退回。确定记账？").format(
            fund=self.fund_name, no=self.settle_no, n=f"{self.count:,}", total=yuan(self.total_fen),
            upper=to_chinese_upper(self.total_fen))
        if not confirm(self, self.tr("记账支付"), text):
            return
        super().accept()

    def submit(self) -> None:
        self.posted = mutual_settle.post_settlement(self.ctx.db, self.ctx.actor, self.settlement_id,
                                                    paid_date=day_of(self.paid_on), bank_batch=self.batch.text())
        self.paid = True
