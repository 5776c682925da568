"""发放花名册: the rosters (待发放 / 已发放 / 已作废) and the households on the chosen one; draft a
roster from approved decisions, take rows off, cancel it, pay it, register a returned payment (退回),
print the signature roster (帮扶资金发放花名册) and attach its signed scan to the voucher."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.ledger import payroll
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, master_detail, row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table


class RostersTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.print_runner = None
        self.model = RowsModel([self.tr("花名册编号"), self.tr("名称"), self.tr("资金"), self.tr("状态"), self.tr("户数"),
                                self.tr("笔数"), self.tr("金额（元）"), self.tr("发放日期"), self.tr("凭证号")],
                               right=(4, 5, 6))
        self.table = QTableView()
        setup_table(self.table, self.model, "rosters")
        self.lines_model = RowsModel([self.tr("档案编号"), self.tr("姓名"), self.tr("公民身份号码"), self.tr("乡镇"),
                                      self.tr("申请编号"), self.tr("帮扶项目"), self.tr("金额（元）"), self.tr("银行账号"),
                                      self.tr("状态")], right=(6,))
        self.lines = QTableView()
        setup_table(self.lines, self.lines_model, "roster_lines")
        self.lines_label = QLabel()
        self.new_button = QPushButton(self.tr("新建花名册…"))
        self.remove_button = QPushButton(self.tr("移出所选户"))
        self.cancel_button = QPushButton(self.tr("作废…"))
        self.pay_button = QPushButton(self.tr("登记发放…"))
        self.return_button = QPushButton(self.tr("登记退回…"))
        self.print_button = QPushButton(self.tr("打印签收花名册"))
        self.scan_button = QPushButton(self.tr("附签收扫描件…"))
        self.voucher_button = QPushButton(self.tr("查看凭证"))
        self.bank_button = QPushButton(self.tr("银行代发清单…"))
        self.bank_button.setToolTip(self.tr("交银行办理转账的 Excel 清单：户名、完整账号、金额、附言（导出记入审计日志）"))
        post = ctx.actor.can("ledger.post") and not ctx.readonly
        for b in (self.new_button, self.remove_button, self.cancel_button, self.pay_button, self.return_button,
                  self.scan_button):
            b.setEnabled(post)
        self._post = post
        layout = QVBoxLayout(self)
        layout.addWidget(master_detail(self.table, self.lines_label, self.lines, (220, 380)), 1)
        layout.addLayout(row_of_buttons(self.new_button, self.remove_button, self.cancel_button, self.pay_button,
                                        self.return_button, self.print_button, self.bank_button, self.scan_button,
                                        self.voucher_button))
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_lines())
        self.new_button.clicked.connect(lambda: self.new_roster())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.cancel_button.clicked.connect(lambda: self.cancel())
        self.pay_button.clicked.connect(lambda: self.pay())
        self.return_button.clicked.connect(lambda: self.register_return())
        self.print_button.clicked.connect(lambda: self.print_roster())
        self.scan_button.clicked.connect(lambda: self.attach_scan())
        self.voucher_button.clicked.connect(lambda: self.open_voucher())
        self.bank_button.clicked.connect(lambda: self.export_bank_file())
        if load:
            self.refresh()

    # ---- lists
    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else self.roster_id()
        book = self.ctx.codebook()
        self.model.set_rows([Row([r["roster_no"], r["title"], r["fund_name"], book.label("roster_status", r["status"]),
                                  str(r["households"]), str(r["lines"]), yuan(r["total_fen"]), r["paid_date"] or "",
                                  r["voucher_no"] or ""],
                                 int(r["id"]), muted=r["status"] == "cancelled")
                             for r in payroll.list_rosters(self.ctx.db)])
        fit_columns(self.table)
        row = self.model.row_of(current) if current is not None else 0
        if self.model.rowCount():
            self.table.selectRow(max(row, 0))
        self.show_lines()

    def roster_id(self) -> int | None:
        idx = self.table.currentIndex()
        key = self.model.key(idx.row()) if idx.isValid() else None
        return None if key is None else int(key)

    def roster(self) -> dict | None:  # type: ignore[type-arg]
        rid = self.roster_id()
        return None if rid is None else payroll.get_roster(self.ctx.db, rid)

    def show_lines(self) -> None:
        r = self.roster()
        if r is None:
            self.lines_model.set_rows([])
            self.lines_label.setText(self.tr("还没有花名册。点“新建花名册”，从已批准待发放的审批决定中选择发放对象。"))
            self._enable(None)
            return
        book = self.ctx.codebook()
        lines = payroll.roster_lines(self.ctx.db, int(r["id"]))
        rows = []
        for x in lines:
            if x["returned_entry"]:
                state = self.tr("已退回")
            elif x["entry_id"]:
                state = self.tr("已发放")
            elif r["status"] == "cancelled":
                state = self.tr("已作废")
            else:
                state = self.tr("待发放") + (self.tr("（账号已变更）") if x.get("bank_changed") else "")
            rows.append(Row([x["archive_no"], x["name"], mask_id(x["id_number"]), x["township"] or "", x["app_no"],
                             book.label("project", x["project"]), yuan(x["amount_fen"]), mask_bank(x["bank_account"]),
                             state], (int(x["decision_id"]), x["entry_id"]), muted=bool(x["returned_entry"])))
        self.lines_model.set_rows(rows)
        fit_columns(self.lines)
        self.lines_label.setText(self.tr("{no} {title}：{d}").format(no=r["roster_no"], title=r["title"],
                                                                       d=payroll.describe_total(lines)))
        self._enable(r)

    def _enable(self, r: dict | None) -> None:  # type: ignore[type-arg]
        status = r["status"] if r else None
        for b, ok in ((self.remove_button, status == "draft"), (self.cancel_button, status == "draft"),
                      (self.pay_button, status == "draft"), (self.return_button, status == "paid"),
                      (self.scan_button, status == "paid"), (self.bank_button, status in ("draft", "paid"))):
            b.setEnabled(self._post and ok)
        self.print_button.setEnabled(status == "paid")
        self.voucher_button.setEnabled(status == "paid")

    def selected_line(self) -> tuple[int, int | None] | None:
        idx = self.lines.currentIndex()
        return self.lines_model.key(idx.row()) if idx.isValid() else None

    # ---- actions
    def new_roster(self) -> bool:
        from helpdesk_gui.gui.ledger.roster_dialog import RosterDialog
        dialog = guarded(self, RosterDialog, self.ctx, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(select=dialog.roster_id)
            self.changed.emit()
            return True
        return False

    def remove_selected(self) -> bool:
        rid, line = self.roster_id(), self.selected_line()
        if rid is None or line is None:
            return False
        if guarded(self, payroll.remove_from_roster, self.ctx.db, self.ctx.actor, rid, [line[0]]) is None:
            return False
        self.refresh()
        self.changed.emit()
        return True

    def cancel(self, reason: str | None = None) -> bool:
        rid = self.roster_id()
        if rid is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("作废花名册"), self.tr("作废原因："))
            if not ok:
                return False
        if not confirm(self, self.tr("作废花名册"), self.tr("作废后名单中的审批决定可以编入其他花名册。确定作废？")):
            return False
        def run() -> bool:
            payroll.cancel_roster(self.ctx.db, self.ctx.actor, rid, reason or "")
            return True

        if guarded(self, run) is None:
            return False
        self.refresh()
        self.changed.emit()
        return True

    def pay(self) -> bool:
        from helpdesk_gui.gui.ledger.pay_dialog import PayDialog
        rid = self.roster_id()
        if rid is None:
            return False
        dialog = guarded(self, PayDialog, self.ctx, rid, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            return True
        return False

    def register_return(self) -> bool:
        from helpdesk_gui.gui.ledger.reversal_dialog import ReversalDialog
        r, line = self.roster(), self.selected_line()
        if r is None or line is None or line[1] is None:
            return False
        dialog = guarded(self, ReversalDialog, self.ctx, int(r["voucher_id"]), self, only_entry=int(line[1]))
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.changed.emit()
            return True
        return False

    def export_bank_file(self, path: str | None = None) -> object:
        """银行代发清单 (finance): the roster's full accounts for the bank, written in the background."""
        from helpdesk_gui.core.ledger import xlsx as ledger_xlsx
        from helpdesk_gui.gui.kit.worker import save_in_background
        r = self.roster()
        if r is None or not self.bank_button.isEnabled():
            return None
        actor, rid = self.ctx.actor, int(r["id"])
        return save_in_background(
            self, self.ctx, lambda db, target, _progress: ledger_xlsx.roster_bank_file(db, actor, rid, target),
            caption=self.tr("导出银行代发清单"), default_name=f"银行代发清单_{r['roster_no']}.xlsx",
            box_title=self.tr("已导出"), path=path,
            saved=lambda result, target: self.tr("已导出 {n} 笔，合计 {total} 元：{path}").format(
                n=f"{result[0]:,}", total=yuan(result[1]), path=target))

    def print_roster(self) -> object:
        from helpdesk_gui.gui.printing.runner import PrintRunner
        from helpdesk_gui.printing.sources import Selection
        rid = self.roster_id()
        if rid is None:
            return None
        query = guarded(self, payroll.roster_query, self.ctx.db, rid)
        if query is None:
            return None
        if self.print_runner is None:
            self.print_runner = PrintRunner(self.ctx, self)  # type: ignore[assignment]
        return guarded(self, self.print_runner.preview, "roster", Selection(roster=query))  # type: ignore[attr-defined]

    def attach_scan(self, path: str | None = None) -> bool:
        rid = self.roster_id()
        if rid is None:
            return False
        if path is None:
            chosen = files.open_file(self, self.tr("选择签收花名册扫描件"),
                                     self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)"))
            if chosen is None:
                return False
            path = str(chosen)
        return guarded(self, payroll.attach_scan, self.ctx.db, self.ctx.actor, self.ctx.folder, rid, Path(path)) is not None

    def open_voucher(self) -> None:
        from helpdesk_gui.gui.ledger.voucher_dialog import VoucherDialog
        r = self.roster()
        if r and r["voucher_id"]:
            dialog = guarded(self, VoucherDialog, self.ctx, int(r["voucher_id"]), self)
            if dialog is not None:
                dialog.exec()
