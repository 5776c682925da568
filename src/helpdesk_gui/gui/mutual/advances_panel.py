"""大病特殊救助预付: the advances of the chosen plan year (and any earlier one still open) with what
later claims have settled; finance pays a new one, an approver writes off what no claim will settle
(核销), anyone opens the payment voucher."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table
from helpdesk_gui.gui.mutual.claim_widgets import shortcut
from helpdesk_gui.gui.mutual.reason_dialog import ReasonDialog


class AdvancesPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = page
        self.model = RowsModel([self.tr("预付编号"), self.tr("姓名"), self.tr("单位"), self.tr("金额"), self.tr("已冲抵"),
                                self.tr("未冲抵"), self.tr("批准人"), self.tr("付款日期"), self.tr("凭证号"),
                                self.tr("状态")], right=(3, 4, 5))
        self.table = QTableView()
        setup_table(self.table, self.model, "mutual_advances")
        self.widths = ColumnWidths(ctx, self.table, "mutual/advances/header")
        self.open_only = QCheckBox(self.tr("只看未冲抵完的"))
        self.summary = QLabel()
        self.pay_button = QPushButton(self.tr("支付预付款…"))
        self.close_button = QPushButton(self.tr("核销…"))
        self.voucher_button = QPushButton(self.tr("查看凭证"))
        self.pay_button.setToolTip(self.tr("财务：大病急需时先从互助金中预付，以后的报销冲抵"))
        self.close_button.setToolTip(self.tr("审批人：没有报销可以冲抵的部分作为特殊救助，不再冲抵"))
        self._can_pay = ctx.actor.can("mutual.pay") and not ctx.readonly
        self._can_close = ctx.actor.can("mutual.approve") and not ctx.readonly
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_only)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_of_buttons(self.pay_button, self.close_button, self.voucher_button))
        self.open_only.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._enable())
        self.table.doubleClicked.connect(lambda _i: self.open_voucher())
        self.pay_button.clicked.connect(lambda: self.pay())
        self.close_button.clicked.connect(lambda: self.close_advance())
        self.voucher_button.clicked.connect(lambda: self.open_voucher())
        shortcut(self, "Ctrl+Shift+N", self.pay)
        self._rows: dict[int, dict[str, Any]] = {}
        self._names: dict[str, str] = {}

    def refresh(self) -> None:
        current = self.advance_id()
        plan_id = self.page.plan_id()
        if not self._names:
            self._names = {str(u["username"]): str(u["display_name"]) for u in auth.list_users(self.ctx.db)}
        shown = [a for a in mutual_claims.list_advances(self.ctx.db, open_only=self.open_only.isChecked())
                 if a["plan_id"] == plan_id or a["open_fen"] > 0]
        self._rows = {int(a["id"]): a for a in shown}
        self.model.set_rows([Row([a["advance_no"], a["name"], a["unit_name"], yuan(a["amount_fen"]),
                                  yuan(a["settled_fen"], blank_zero=True), yuan(a["open_fen"], blank_zero=True),
                                  self._names.get(a["approved_by"], a["approved_by"]), a["paid_on"], a["voucher_no"],
                                  self.state(a)], int(a["id"]), muted=not a["open_fen"],
                                 tips={9: a["closed_reason"] or ""}) for a in shown])
        self.widths.fit()
        opened = [a for a in shown if a["open_fen"] > 0]
        self.summary.setText(self.tr("预付 {n} 笔，合计 {total} 元；未冲抵完 {k} 笔，未冲抵 {open} 元").format(
            n=f"{len(shown):,}", total=yuan(sum(int(a["amount_fen"]) for a in shown)), k=f"{len(opened):,}",
            open=yuan(sum(int(a["open_fen"]) for a in opened))))
        row = self.model.row_of(current) if current is not None else -1
        if self.model.rowCount():
            self.table.selectRow(max(row, 0))
        self._enable()

    def state(self, a: dict[str, Any]) -> str:
        if a["closed_at"]:
            return self.tr("已退回") if str(a["closed_reason"]).startswith("预付款退回") else self.tr("已核销")
        if not a["open_fen"]:
            return self.tr("已冲抵完")
        return self.tr("部分冲抵") if a["settled_fen"] else self.tr("未冲抵")

    def advance_id(self) -> int | None:
        idx = self.table.currentIndex()
        key = self.model.key(idx.row()) if idx.isValid() else None
        return None if key is None else int(key)

    def _enable(self) -> None:
        a = self._rows.get(self.advance_id() or -1)
        plan = self.page.plan()
        self.pay_button.setEnabled(self._can_pay and plan is not None and plan["status"] == "open")
        self.close_button.setEnabled(self._can_close and a is not None and a["open_fen"] > 0)
        self.voucher_button.setEnabled(a is not None)

    # ---- actions
    def pay(self) -> bool:
        from helpdesk_gui.gui.mutual.advance_dialog import AdvanceDialog
        plan_id = self.page.plan_id()
        if plan_id is None or not self.pay_button.isEnabled():
            return False
        dialog = guarded(self, AdvanceDialog, self.ctx, plan_id, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.table.selectRow(max(self.model.row_of(dialog.advance_id), 0))
            self.changed.emit()
            return True
        return False

    def close_dialog(self) -> ReasonDialog | None:
        aid = self.advance_id()
        a = self._rows.get(aid or -1)
        if aid is None or a is None:
            return None
        return ReasonDialog(
            self.tr("核销特殊救助预付"), self.tr("核销"),
            self.tr("预付 <b>{no}</b>（{name}）：预付 {amount} 元，已冲抵 {done} 元，<b>未冲抵 {open} 元</b>。<br>"
                    "核销后这部分作为特殊救助，不再从以后的报销中冲抵。").format(
                no=a["advance_no"], name=a["name"], amount=yuan(a["amount_fen"]), done=yuan(a["settled_fen"]),
                open=yuan(a["open_fen"])),
            lambda reason, _day: mutual_claims.close_advance(self.ctx.db, self.ctx.actor, aid, reason), self,
            reason_label=self.tr("核销原因"), placeholder=self.tr("如：病故，无后续报销"),
            confirm_text=self.tr("确定核销预付 {no} 未冲抵的 {open} 元？").format(no=a["advance_no"],
                                                                          open=yuan(a["open_fen"])))

    def close_advance(self, reason: str | None = None) -> bool:
        dialog = self.close_dialog()
        if dialog is None or not dialog.ask(reason):
            return False
        self.refresh()
        self.changed.emit()
        return True

    def open_voucher(self) -> None:
        from helpdesk_gui.gui.ledger.voucher_dialog import VoucherDialog
        a = self._rows.get(self.advance_id() or -1)
        if a is not None:
            dialog = guarded(self, VoucherDialog, self.ctx, int(a["voucher_id"]), self)
            if dialog is not None:
                dialog.exec()
