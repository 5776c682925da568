"""收款: an allocation (with its 拨款文号), a donation (with the donor), interest or other income."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import MoneyEdit, date_edit, day_of, fund_combo
from helpdesk_gui.gui.kit.forms import FormDialog

KIND_HINTS = {"allocation": "拨款文号（必填），如 县工发〔2026〕12号", "donation": "捐赠收据号（可不填）",
              "interest": "银行回单号（可不填）", "other_in": "凭据号（可不填）"}


class ReceiptDialog(FormDialog):
    """OK posts the receipt through ``core.ledger.post_receipt``; ``posted`` then holds the voucher."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, fund_id: int | None = None) -> None:
        super().__init__(self.tr("收款"), self.tr("记账"), parent)
        self.ctx = ctx
        self.posted: ledger.Posted | None = None
        self.fund = fund_combo(funds.list_funds(ctx.db, active_only=True))
        if fund_id is not None and self.fund.findData(fund_id) >= 0:
            self.fund.setCurrentIndex(self.fund.findData(fund_id))
        self.kind = QComboBox()
        for code in ledger.RECEIPT_KINDS:
            self.kind.addItem(ctx.codebook().label("ledger_entry_kind", code), code)
        self.amount = MoneyEdit()
        self.on = date_edit()
        self.ref_no = QLineEdit()
        self.counterparty = QLineEdit()
        self.summary = QLineEdit()
        self.summary.setPlaceholderText(self.tr("如：2026年第二季度上级工会帮扶资金"))
        self.form.addRow(self.tr("收入资金"), self.fund)
        self.form.addRow(self.tr("收入类别"), self.kind)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("记账日期"), self.on)
        self.form.addRow(self.tr("文号 / 凭据号"), self.ref_no)
        self.form.addRow(self.tr("付款单位 / 捐赠人"), self.counterparty)
        self.form.addRow(self.tr("摘要"), self.summary)
        self.fields = {"金额": self.amount, "拨款文号": self.ref_no, "捐赠人": self.counterparty, "摘要": self.summary,
                       "记账日期": self.on}
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        for a, b in ((self.fund, self.kind), (self.kind, self.amount.edit), (self.amount.edit, self.on),
                     (self.on, self.ref_no), (self.ref_no, self.counterparty), (self.counterparty, self.summary)):
            self.setTabOrder(a, b)

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.ref_no.setPlaceholderText(self.tr(KIND_HINTS[kind]))
        self.counterparty.setPlaceholderText(self.tr("捐赠单位或个人（必填）") if kind == "donation" else
                                             self.tr("如：市总工会"))

    def submit(self) -> None:
        self.posted = ledger.post_receipt(
            self.ctx.db, self.ctx.actor, int(self.fund.currentData()), self.amount.fen(), str(self.kind.currentData()),
            self.summary.text(), on=day_of(self.on), ref_no=self.ref_no.text(), counterparty=self.counterparty.text())
