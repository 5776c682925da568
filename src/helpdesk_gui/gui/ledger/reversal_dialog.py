"""红字冲销: shows the voucher it reverses (every line, with what has been reversed already); the clerk
ticks the lines (all by default: a transfer always whole; one household of a roster for a returned
payment), gives the reason and the date, and a red voucher is posted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import settle as _mutual_settle  # noqa: F401 - registers how 医疗互助 lines are reversed
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import RED, date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, hint


class ReversalDialog(FormDialog):
    """OK posts the red voucher (``core.ledger.reverse``); ``posted`` then holds it."""

    def __init__(self, ctx: AppContext, voucher_id: int, parent: QWidget | None = None, *,
                 only_entry: int | None = None) -> None:
        super().__init__(self.tr("红字冲销"), self.tr("冲销"), parent)
        self.ctx = ctx
        self.posted: ledger.Posted | None = None
        self.voucher = ledger.voucher_detail(ctx.db, voucher_id)
        v = self.voucher
        book = ctx.codebook()
        self.header = QLabel(self.tr("被冲销的凭证：<b>{no}</b>　{date}　{kind}<br>摘要：{summary}<br>"
                                     "文号/批次：{ref}　记账人：{who}").format(
            no=v["voucher_no"], date=v["entry_date"], kind=book.label("voucher_kind", v["kind"]), summary=v["summary"],
            ref=v["ref_no"] or "—", who=v["posted_by"]))
        self.header.setWordWrap(True)
        self.lines = QTableWidget(len(v["lines"]), 6)
        self.lines.setObjectName("reversed_lines")
        self.lines.setHorizontalHeaderLabels([self.tr("冲销"), self.tr("行"), self.tr("资金"), self.tr("类别"),
                                              self.tr("户名 / 对方"), self.tr("金额（元）")])
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for i, ln in enumerate(v["lines"]):
            done = bool(ln["reverses_id"] or ln["reversed_by_no"])
            tick = QTableWidgetItem(self.tr("已冲销（{no}）").format(no=ln["reversed_by_no"]) if ln["reversed_by_no"]
                                    else self.tr("红字行") if ln["reverses_id"] else "")
            if not done:
                tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                wanted = only_entry is None or ln["id"] == only_entry
                tick.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, int(ln["id"]))
            who = f"{ln['household_name']}（{ln['archive_no']}）" if ln["household_name"] else str(ln["counterparty"])
            cells = [tick, QTableWidgetItem(str(ln["line"])), QTableWidgetItem(str(ln["fund_name"])),
                     QTableWidgetItem(book.label("ledger_entry_kind", ln["kind"])), QTableWidgetItem(who),
                     QTableWidgetItem(yuan(int(ln["amount_fen"])))]
            cells[5].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for c, item in enumerate(cells):
                if done:
                    item.setForeground(QBrush(QColor("#8a8a8a")))
                self.lines.setItem(i, c, item)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.lines.setMinimumHeight(min(60 + 28 * len(v["lines"]), 320))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("必填：如 金额录错、重复入账、银行退回（账户已销户）"))
        self.on = date_edit()
        warn = QLabel(self.tr("冲销后原凭证保留不变，另记一张红字凭证；发放退回的，该户的帮扶记录撤销，审批决定可重新发放。"))
        warn.setWordWrap(True)
        warn.setStyleSheet(f"color: {RED};")
        self.form.addRow(self.header)
        self.form.addRow(self.lines)
        self.form.addRow(self.tr("冲销原因"), self.reason)
        self.form.addRow(self.tr("冲销日期"), self.on)
        self.form.addRow(warn)
        self.form.addRow(hint(self.tr("调拨凭证总是整张冲销。已结账期间的凭证，冲销记在当前未结账的期间。")))
        self.fields = {"冲销原因": self.reason, "记账日期": self.on}
        self.setMinimumWidth(640)
        self.reason.setFocus()

    def chosen(self) -> list[int]:
        out = []
        for i in range(self.lines.rowCount()):
            item = self.lines.item(i, 0)
            if item is None:
                continue
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def submit(self) -> None:
        chosen = self.chosen()
        if not chosen:
            from helpdesk_gui.core.base.errors import ValidationError
            raise ValidationError("冲销分录", "请勾选要冲销的行")
        self.posted = ledger.reverse(self.ctx.db, self.ctx.actor, int(self.voucher["id"]), self.reason.text(),
                                     entry_ids=chosen, on=day_of(self.on))
