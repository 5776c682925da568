"""调拨: money from one fund to another (专款专用: restricted money only to funds restricted as tightly)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import MoneyEdit, date_edit, day_of, fund_combo
from helpdesk_gui.gui.kit.forms import FormDialog, hint


class TransferDialog(FormDialog):
    """OK posts the transfer through ``core.ledger.post_transfer``; ``posted`` then holds the voucher."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, from_fund: int | None = None) -> None:
        super().__init__(self.tr("资金调拨"), self.tr("记账"), parent)
        self.ctx = ctx
        self.posted: ledger.Posted | None = None
        rows = funds.list_funds(ctx.db, active_only=True)
        self.source = fund_combo(rows)
        self.target = fund_combo(rows)
        if from_fund is not None and self.source.findData(from_fund) >= 0:
            self.source.setCurrentIndex(self.source.findData(from_fund))
        self.target.setCurrentIndex(min(1, self.target.count() - 1))
        self.amount = MoneyEdit()
        self.on = date_edit()
        self.ref_no = QLineEdit()
        self.ref_no.setPlaceholderText(self.tr("批准调拨的文号或会议纪要（可不填）"))
        self.summary = QLineEdit()
        self.summary.setPlaceholderText(self.tr("如：本级工会经费调入大病救助金"))
        self.form.addRow(self.tr("调出资金"), self.source)
        self.form.addRow(self.tr("调入资金"), self.target)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("记账日期"), self.on)
        self.form.addRow(self.tr("文号"), self.ref_no)
        self.form.addRow(self.tr("摘要"), self.summary)
        self.form.addRow(hint(self.tr("限定用途的资金只能调入限定范围相同或更窄的资金；中央财政等专项资金不能调作他用。")))
        self.fields = {"金额": self.amount, "记账日期": self.on}

    def submit(self) -> None:
        self.posted = ledger.post_transfer(
            self.ctx.db, self.ctx.actor, int(self.source.currentData()), int(self.target.currentData()),
            self.amount.fen(), self.summary.text(), on=day_of(self.on), ref_no=self.ref_no.text())
