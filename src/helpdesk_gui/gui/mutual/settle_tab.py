"""季度结算: the settlements (待记账 / 已记账 / 已作废) and the roster of the chosen one — who is paid
how much to which account (masked) — with the steps finance takes: draft a quarter's settlement,
take claims off it, cancel it, print the signature roster (医疗互助金报销结算花名册), post the payment,
register a payment the bank sent back (退回), open the voucher."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import master_detail, row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table
from helpdesk_gui.gui.mutual.claim_widgets import shortcut
from helpdesk_gui.gui.mutual.reason_dialog import ReasonDialog


class SettlementsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any) -> None:
        super().__init__(page if isinstance(page, QWidget) else None)
        self.ctx = ctx
        self.page = page
        self.print_runner: Any = None
        self._can_pay = ctx.actor.can("mutual.pay") and not ctx.readonly
        self.states = {"draft": self.tr("待记账"), "posted": self.tr("已记账"), "cancelled": self.tr("已作废")}
        self._settlements: dict[int, dict[str, Any]] = {}
        self._lines: dict[int, dict[str, Any]] = {}
        self.model = RowsModel([self.tr("结算单号"), self.tr("季度"), self.tr("资金"), self.tr("人次"), self.tr("合计（元）"),
                                self.tr("状态"), self.tr("支付日期"), self.tr("凭证号"), self.tr("备注")], right=(3, 4))
        self.table = QTableView()
        setup_table(self.table, self.model, "mutual_settlements")
        self.widths = ColumnWidths(ctx, self.table, "mutual/settlements/header")
        self.lines_model = RowsModel([self.tr("报销编号"), self.tr("姓名"), self.tr("身份证号"), self.tr("单位"),
                                      self.tr("开户行"), self.tr("银行账号"), self.tr("补助"), self.tr("康复金"),
                                      self.tr("冲抵"), self.tr("应付"), self.tr("状态")], right=(6, 7, 8, 9))
        self.lines = QTableView()
        setup_table(self.lines, self.lines_model, "mutual_settlement_lines")
        self.lines_widths = ColumnWidths(ctx, self.lines, "mutual/settlement_lines/header")
        self.summary = QLabel()
        self.lines_label = QLabel()
        self.lines_label.setWordWrap(True)
        self.new_button = QPushButton(self.tr("新建季度结算…"))
        self.remove_button = QPushButton(self.tr("移出所选报销"))
        self.cancel_button = QPushButton(self.tr("作废…"))
        self.print_button = QPushButton(self.tr("打印结算花名册"))
        self.post_button = QPushButton(self.tr("记账支付…"))
        self.return_button = QPushButton(self.tr("登记退回…"))
        self.voucher_button = QPushButton(self.tr("查看凭证"))
        self.bank_button = QPushButton(self.tr("银行代发清单…"))
        self.bank_button.setToolTip(self.tr("交银行办理转账的 Excel 清单：户名、完整账号、金额、附言（导出记入审计日志）"))
        self.new_button.setToolTip(self.tr("Ctrl+N：把到季度末已批准、未结算的报销编成结算单"))
        self.print_button.setToolTip(self.tr("Ctrl+P：医疗互助金报销结算花名册（领款人签字）"))
        self.return_button.setToolTip(self.tr("银行退回了所选这一笔：冲销它的支付，报销等下次结算"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(master_detail(self.table, self.lines_label, self.lines, (200, 400)), 1)
        layout.addLayout(row_of_buttons(self.new_button, self.remove_button, self.cancel_button, self.print_button,
                                        self.bank_button, self.post_button, self.return_button, self.voucher_button))
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_lines())
        self.lines.selectionModel().currentRowChanged.connect(lambda _c, _p: self._enable())
        self.new_button.clicked.connect(lambda: self.new_settlement())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.cancel_button.clicked.connect(lambda: self.cancel())
        self.print_button.clicked.connect(lambda: self.print_roster())
        self.post_button.clicked.connect(lambda: self.post())
        self.return_button.clicked.connect(lambda: self.register_return())
        self.voucher_button.clicked.connect(lambda: self.open_voucher())
        self.bank_button.clicked.connect(lambda: self.export_bank_file())
        shortcut(self, "Ctrl+N", self.new_settlement)
        shortcut(self, "Ctrl+P", self.print_roster)
        self.setTabOrder(self.table, self.lines)
        self._enable()

    # ---- lists
    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else self.settlement_id()
        found = mutual_settle.list_settlements(self.ctx.db)
        self._settlements = {int(s["id"]): s for s in found}
        self.model.set_rows([Row([s["settle_no"], mutual_settle.quarter_label(s["quarter"]), s["fund_name"],
                                  str(s["claims"]), yuan(s["total_fen"]), self.states.get(s["status"], s["status"]),
                                  s["paid_date"] or "", s["voucher_no"] or "", s["note"]], int(s["id"]),
                                 muted=s["status"] == "cancelled") for s in found])
        self.widths.fit()
        waiting = [s for s in found if s["status"] == "draft"]
        paid = [s for s in found if s["status"] == "posted"]
        self.summary.setText(self.tr("结算单 {n} 张：待记账 {w} 张（{wt} 元），已记账 {p} 张（{pt} 元）").format(
            n=f"{len(found):,}", w=f"{len(waiting):,}", wt=yuan(sum(int(s["total_fen"]) for s in waiting)), p=f"{len(paid):,}",
            pt=yuan(sum(int(s["total_fen"]) for s in paid))))
        row = self.model.row_of(current) if current is not None else -1
        if self.model.rowCount():
            self.table.selectRow(max(row, 0))
        self.show_lines()

    def settlement_id(self) -> int | None:
        idx = self.table.currentIndex()
        key = self.model.key(idx.row()) if idx.isValid() else None
        return None if key is None else int(key)

    def settlement(self) -> dict[str, Any] | None:
        return self._settlements.get(self.settlement_id() or -1)

    def show_lines(self) -> None:
        s = self.settlement()
        if s is None:
            self._lines = {}
            self.lines_model.set_rows([])
            self.lines_label.setText(self.tr("还没有结算单。点“新建季度结算”，把已批准待结算的报销编成结算单。"))
            self._enable()
            return
        book = self.ctx.codebook()
        lines = mutual_settle.settlement_lines(self.ctx.db, int(s["id"]))
        returned = mutual_settle.settlement_returns(self.ctx.db, int(s["id"])) if s["status"] == "posted" else []
        self._lines = {int(x["claim_id"]): x for x in lines}
        rows = []
        for x in lines:
            if s["status"] == "posted":
                state = self.tr("已支付") if int(x["payable_fen"]) > 0 else self.tr("全部冲抵预付，无需支付")
            else:
                state = book.label("mutual_claim_status", x["status"])
            rows.append(Row([x["claim_no"], x["name"], mask_id(x["id_number"]), x["unit_name"], x["bank_name"],
                             mask_bank(x["bank_account"]), yuan(x["subsidy_fen"]), yuan(x["rehab_fen"], blank_zero=True),
                             yuan(x["offset_fen"], blank_zero=True), yuan(x["payable_fen"]), state], int(x["claim_id"])))
        for x in returned:
            rows.append(Row([x["claim_no"], x["name"], mask_id(x["id_number"]), x["unit_name"], x["bank_name"],
                             mask_bank(x["bank_account"]), yuan(x["subsidy_fen"]), yuan(x["rehab_fen"], blank_zero=True),
                             yuan(x["offset_fen"], blank_zero=True), yuan(x["amount_fen"]),
                             self.tr("已退回（{no}）").format(no=x["red_voucher_no"])], None, muted=True,
                            tips={10: x["return_reason"] or ""}))
        self.lines_model.set_rows(rows)
        self.lines_widths.fit()
        total = sum(int(x["payable_fen"]) for x in lines)
        text = self.tr("{no}　{quarter}　{state}：{n} 人次，应付合计 {total} 元").format(
            no=s["settle_no"], quarter=mutual_settle.quarter_label(s["quarter"]),
            state=self.states.get(s["status"], s["status"]), n=f"{len(lines):,}", total=yuan(total))
        if returned:
            text += self.tr("；另有 {k} 笔已退回，合计 {amount} 元，等下次结算").format(
                k=f"{len(returned):,}", amount=yuan(sum(int(x["amount_fen"]) for x in returned)))
        self.lines_label.setText(text)
        if self.lines_model.rowCount():
            self.lines.selectRow(0)
        self._enable()

    def line(self) -> dict[str, Any] | None:
        idx = self.lines.currentIndex()
        key = self.lines_model.key(idx.row()) if idx.isValid() else None
        return None if key is None else self._lines.get(int(key))

    def _enable(self) -> None:
        s = self.settlement()
        status = s["status"] if s else None
        line = self.line()
        self.new_button.setEnabled(self._can_pay)
        self.remove_button.setEnabled(self._can_pay and status == "draft" and line is not None)
        self.cancel_button.setEnabled(self._can_pay and status == "draft")
        self.post_button.setEnabled(self._can_pay and status == "draft")
        self.return_button.setEnabled(self._can_pay and status == "posted" and line is not None
                                      and int(line["payable_fen"]) > 0)
        self.print_button.setEnabled(status in ("draft", "posted"))
        self.voucher_button.setEnabled(bool(s and s["voucher_id"]))
        self.bank_button.setEnabled(self._can_pay and status in ("draft", "posted"))

    def _done(self, select: int | None = None) -> bool:
        self.refresh(select=select)
        self.changed.emit()
        return True

    # ---- actions
    def new_settlement(self) -> bool:
        from helpdesk_gui.gui.mutual.settle_dialog import NewSettlementDialog
        if not self.new_button.isEnabled():
            return False
        dialog = guarded(self, NewSettlementDialog, self.ctx, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            return self._done(select=dialog.settlement_id)
        return False

    def remove_selected(self) -> bool:
        s, line = self.settlement(), self.line()
        if s is None or line is None or not self.remove_button.isEnabled():
            return False
        if guarded(self, mutual_settle.remove_claims, self.ctx.db, self.ctx.actor, int(s["id"]),
                   [int(line["claim_id"])]) is None:
            return False
        return self._done()

    def cancel(self, reason: str | None = None) -> bool:
        s = self.settlement()
        if s is None or not self.cancel_button.isEnabled():
            return False
        sid = int(s["id"])
        dialog = ReasonDialog(
            self.tr("作废结算单"), self.tr("作废"),
            self.tr("作废结算单 <b>{no}</b>（{n} 人次，{total} 元）。其中的报销回到已批准待结算，可编入新的结算单。").format(
                no=s["settle_no"], n=f'{s["claims"]:,}', total=yuan(s["total_fen"])),
            lambda why, _d: mutual_settle.cancel_settlement(self.ctx.db, self.ctx.actor, sid, why), self,
            reason_label=self.tr("作废原因"), confirm_text=self.tr("确定作废结算单 {no}？").format(no=s["settle_no"]))
        return dialog.ask(reason) and self._done()

    def post_dialog(self) -> QDialog | None:
        from helpdesk_gui.gui.mutual.settle_post_dialog import PostSettlementDialog
        s = self.settlement()
        if s is None or not self.post_button.isEnabled():
            return None
        dialog: QDialog | None = guarded(self, PostSettlementDialog, self.ctx, int(s["id"]), self)
        return dialog

    def post(self) -> bool:
        dialog = self.post_dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            return self._done()
        return False

    def return_dialog(self) -> ReasonDialog | None:
        line = self.line()
        if line is None or not self.return_button.isEnabled():
            return None
        cid = int(line["claim_id"])
        return ReasonDialog(
            self.tr("登记退回"), self.tr("登记退回"),
            self.tr("报销 <b>{no}</b>（{name}，{bank} {account}）支付的 {amount} 元被银行退回：记一张红字凭证冲销这笔支付，"
                    "报销回到已批准待结算，核实账号后由下次结算支付。").format(
                no=line["claim_no"], name=line["name"], bank=line["bank_name"], account=mask_bank(line["bank_account"]),
                amount=yuan(line["payable_fen"])),
            lambda why, day: mutual_settle.return_payment(self.ctx.db, self.ctx.actor, cid, why, on=day), self,
            reason_label=self.tr("退回原因"), placeholder=self.tr("如：账号已销户"), date_label=self.tr("退回日期"),
            confirm_text=self.tr("确定登记报销 {no} 的 {amount} 元退回？").format(no=line["claim_no"],
                                                                           amount=yuan(line["payable_fen"])))

    def register_return(self, reason: str | None = None) -> bool:
        dialog = self.return_dialog()
        return dialog is not None and dialog.ask(reason) and self._done()

    def print_roster(self) -> object:
        from helpdesk_gui.gui.printing.runner import PrintRunner
        from helpdesk_gui.printing.sources import Selection
        sid = self.settlement_id()
        if sid is None or not self.print_button.isEnabled():
            return None
        if self.print_runner is None:
            self.print_runner = PrintRunner(self.ctx, self)
        return guarded(self, lambda: self.print_runner.preview("mutual_roster", Selection(mutual_settlement=sid)))

    def export_bank_file(self, path: str | None = None) -> object:
        """银行代发清单 (finance): the roster with full accounts for the bank, written in the background."""
        from helpdesk_gui.core.mutual import xlsx as mutual_xlsx
        from helpdesk_gui.gui.kit.worker import save_in_background
        s = self.settlement()
        if s is None or not self.bank_button.isEnabled():
            return None
        actor, sid = self.ctx.actor, int(s["id"])
        return save_in_background(
            self, self.ctx, lambda db, target, _progress: mutual_xlsx.bank_file(db, actor, sid, target),
            caption=self.tr("导出银行代发清单"), default_name=f"银行代发清单_{s['settle_no']}.xlsx",
            box_title=self.tr("已导出"), path=path,
            saved=lambda result, target: self.tr("已导出 {n} 笔，合计 {total} 元：{path}").format(
                n=f"{result[0]:,}", total=yuan(result[1]), path=target))

    def open_voucher(self) -> None:
        from helpdesk_gui.gui.ledger.voucher_dialog import VoucherDialog
        s = self.settlement()
        if s and s["voucher_id"]:
            dialog = guarded(self, VoucherDialog, self.ctx, int(s["voucher_id"]), self)
            if dialog is not None:
                dialog.exec()
