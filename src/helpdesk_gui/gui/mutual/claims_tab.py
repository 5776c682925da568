"""报销审批: the claims of the chosen plan year — searched as you type, filtered by state (an approver
starts on 待审批, finance on 已批准待结算) — with the chosen claim's receipts and calculation below;
the clerk registers, changes and cancels claims, the approver approves (seeing the amount first),
rejects or revokes an approval; the 审批表 is printed from here. The second sub-tab holds the
special advances (特殊救助预付)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table
from helpdesk_gui.gui.mutual.advances_panel import AdvancesPanel
from helpdesk_gui.gui.mutual.claim_detail import ClaimDetail
from helpdesk_gui.gui.mutual.claim_widgets import search_field, shortcut, status_combo
from helpdesk_gui.gui.mutual.reason_dialog import ReasonDialog


class ClaimsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any) -> None:
        super().__init__(page if isinstance(page, QWidget) else None)
        self.ctx = ctx
        self.page = page
        self.print_runner: Any = None
        actor = ctx.actor
        self._can_claim = actor.can("mutual.claim") and not ctx.readonly
        self._can_approve = actor.can("mutual.approve") and not ctx.readonly
        self._rows: dict[int, dict[str, Any]] = {}
        start = "draft" if actor.can("mutual.approve") else "approved" if actor.can("mutual.pay") else None
        self.search_edit, self._debounce = search_field(
            self, self.tr("搜索：报销编号、姓名、身份证号、单位（Ctrl+F）"), lambda: self.refresh())
        self.status_box: QComboBox = status_combo(ctx.codebook(), self.tr("全部状态"), start)
        self.count_label = QLabel()
        self.model = RowsModel([self.tr("报销编号"), self.tr("姓名"), self.tr("身份证号"), self.tr("单位"), self.tr("单据数"),
                                self.tr("医疗总费用"), self.tr("统筹支付"), self.tr("统筹段自付"), self.tr("比例"),
                                self.tr("补助"), self.tr("康复金"), self.tr("冲抵预付"), self.tr("应付"), self.tr("状态"),
                                self.tr("结算单号")], right=(4, 5, 6, 7, 8, 9, 10, 11, 12))
        self.table = QTableView()
        setup_table(self.table, self.model, "mutual_claims")
        self.widths = ColumnWidths(ctx, self.table, "mutual/claims/header", air=12)
        self.detail = ClaimDetail(ctx, self)
        self.new_button = QPushButton(self.tr("登记报销…"))
        self.edit_button = QPushButton(self.tr("修改…"))
        self.cancel_button = QPushButton(self.tr("作废…"))
        self.approve_button = QPushButton(self.tr("批准"))
        self.reject_button = QPushButton(self.tr("不予报销…"))
        self.revoke_button = QPushButton(self.tr("撤销批准…"))
        self.print_button = QPushButton(self.tr("打印审批表"))
        for b, tip in ((self.new_button, "Ctrl+N"), (self.edit_button, "Ctrl+E 或回车"), (self.print_button, "Ctrl+P"),
                       (self.approve_button, "审批人：批准后计算结果固定，由季度结算支付")):
            b.setToolTip(tip)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.status_box, 1)
        filters.addWidget(self.count_label, 2)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addSpacing(16)
        for b in (self.approve_button, self.reject_button, self.revoke_button):
            buttons.addWidget(b)
        buttons.addSpacing(16)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([330, 290])
        claims = QWidget()
        cl = QVBoxLayout(claims)
        cl.addLayout(filters)
        cl.addWidget(split, 1)
        cl.addLayout(buttons)
        self.advances = AdvancesPanel(ctx, page, self)
        self.inner = QTabWidget()
        self.inner.addTab(claims, self.tr("报销单"))
        self.inner.addTab(self.advances, self.tr("特殊救助预付"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inner)

        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_detail())
        self.table.doubleClicked.connect(lambda _i: self.edit_claim())
        self.new_button.clicked.connect(lambda: self.new_claim())
        self.edit_button.clicked.connect(lambda: self.edit_claim())
        self.cancel_button.clicked.connect(lambda: self.cancel_claim())
        self.approve_button.clicked.connect(lambda: self.approve())
        self.reject_button.clicked.connect(lambda: self.reject())
        self.revoke_button.clicked.connect(lambda: self.revoke())
        self.print_button.clicked.connect(lambda: self.print_form())
        self.advances.changed.connect(self._advances_changed)
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self, "Ctrl+N", self.new_claim)
        shortcut(self, "Ctrl+E", self.edit_claim)
        shortcut(self, "Ctrl+P", self.print_form)
        enter = shortcut(self.table, QKeySequence(Qt.Key.Key_Return), self.edit_claim)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.setTabOrder(self.search_edit, self.status_box)
        self.setTabOrder(self.status_box, self.table)
        self.setTabOrder(self.table, self.detail.table)
        plan_changed = getattr(page, "plan_changed", None)
        if plan_changed is not None:
            plan_changed.connect(self._enable)
        self._enable()

    # ---- lists
    def refresh(self, select: int | None = None) -> None:
        self._debounce.stop()
        current = select if select is not None else self.claim_id()
        plan_id = self.page.plan_id()
        found = [] if plan_id is None else mutual_claims.list_claims(
            self.ctx.db, plan_id=plan_id, status=self.status_box.currentData(), text=self.search_edit.text())
        self._rows = {int(c["id"]): c for c in found}
        book = self.ctx.codebook()
        self.model.set_rows([Row([c["claim_no"], c["name"], mask_id(c["id_number"]), c["unit_name"], str(c["receipts"]),
                                  yuan(c["total_fen"]), yuan(c["insurance_fen"]), yuan(c["self_fen"]),
                                  f"{c['rate_pct']}%" if c["rate_pct"] is not None else "", yuan(c["subsidy_fen"]),
                                  yuan(c["rehab_fen"], blank_zero=True), yuan(c["offset_fen"], blank_zero=True),
                                  yuan(c["payable_fen"]),
                                  book.label("mutual_claim_status", c["status"]), c["settle_no"] or ""],
                                 int(c["id"]), muted=c["status"] in ("rejected", "cancelled"),
                                 tips={13: c["reason"] or ""}) for c in found])
        self.widths.fit()
        granted = [c for c in found if c["payable_fen"] is not None]
        text = self.tr("共 {n} 笔").format(n=f"{len(found):,}")
        if granted:
            text += self.tr("，其中已批准 {k} 笔，核定应付 {amount} 元").format(
                k=f"{len(granted):,}", amount=yuan(sum(int(c["payable_fen"]) for c in granted)))
        self.count_label.setText(text if plan_id is not None else self.tr("请先在“互助方案”中新建本年度方案。"))
        row = self.model.row_of(current) if current is not None else -1
        if self.model.rowCount():
            self.table.selectRow(max(row, 0))
        self.show_detail()
        self.advances.refresh()

    def focus_search(self) -> None:
        self.inner.setCurrentIndex(0)
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def claim_id(self) -> int | None:
        idx = self.table.currentIndex()
        key = self.model.key(idx.row()) if idx.isValid() else None
        return None if key is None else int(key)

    def claim(self) -> dict[str, Any] | None:
        return self._rows.get(self.claim_id() or -1)

    def show_detail(self) -> None:
        guarded(self, self.detail.show_claim, self.claim_id())
        self._enable()

    def _enable(self) -> None:
        c = self.claim()
        status = c["status"] if c else None
        plan = self.page.plan()
        self.new_button.setEnabled(self._can_claim and plan is not None and plan["status"] == "open")
        self.edit_button.setEnabled(self._can_claim and status == "draft")
        self.cancel_button.setEnabled(self._can_claim and status == "draft")
        self.approve_button.setEnabled(self._can_approve and status == "draft")
        self.reject_button.setEnabled(self._can_approve and status == "draft")
        self.revoke_button.setEnabled(self._can_approve and status == "approved" and not (c and c["settle_no"]))
        self.print_button.setEnabled(c is not None)

    def _done(self, select: int | None = None) -> bool:
        self.refresh(select=select)
        self.changed.emit()
        return True

    def _advances_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    # ---- the clerk
    def new_claim(self) -> bool:
        from helpdesk_gui.gui.mutual.claim_dialog import ClaimDialog
        plan_id = self.page.plan_id()
        if plan_id is None or not self.new_button.isEnabled():
            return False
        dialog = guarded(self, ClaimDialog, self.ctx, plan_id, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            if self.status_box.currentData() not in (None, "draft"):
                self.status_box.setCurrentIndex(self.status_box.findData("draft"))
            return self._done(select=dialog.claim_id)
        return False

    def edit_claim(self) -> bool:
        from helpdesk_gui.gui.mutual.claim_dialog import ClaimDialog
        cid = self.claim_id()
        if cid is None or not self.edit_button.isEnabled():
            return False
        dialog = guarded(self, ClaimDialog, self.ctx, int(self.page.plan_id() or 0), self, claim_id=cid)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            return self._done(select=cid)
        return False

    def cancel_claim(self, reason: str | None = None) -> bool:
        c = self.claim()
        if c is None or not self.cancel_button.isEnabled():
            return False
        cid = int(c["id"])
        dialog = ReasonDialog(
            self.tr("作废报销"), self.tr("作废"),
            self.tr("作废报销 <b>{no}</b>（{name}）。作废后它的单据可以重新登记报销。").format(no=c["claim_no"], name=c["name"]),
            lambda why, _d: mutual_claims.cancel_claim(self.ctx.db, self.ctx.actor, cid, why), self,
            reason_label=self.tr("作废原因"), placeholder=self.tr("如：登记错了会员"),
            confirm_text=self.tr("确定作废报销 {no}？").format(no=c["claim_no"]))
        return dialog.ask(reason) and self._done()

    # ---- the approver
    def approve(self) -> bool:
        c = self.claim()
        if c is None or not self.approve_button.isEnabled():
            return False
        cid = int(c["id"])
        if c["created_by"] == self.ctx.actor.username:
            # the core refuses and says why (the one who registered a claim never approves it)
            guarded(self, mutual_claims.approve_claim, self.ctx.db, self.ctx.actor, cid)
            return False
        claim = guarded(self, mutual_claims.get_claim, self.ctx.db, cid)
        if claim is None:
            return False
        drafts = [mutual_claims.ReceiptDraft(r["kind"], r["receipt_no"], r["receipt_date"], int(r["total_fen"]),
                                             int(r["insurance_fen"]), int(r["self_fen"]), r["hospital"])
                  for r in claim["receipts"]]
        result = guarded(self, mutual_claims.preview, self.ctx.db, int(claim["plan_id"]), int(claim["member_id"]),
                         drafts, claim_id=cid)
        if result is None:
            return False
        offset = self.tr("，冲抵特殊救助预付 {o} 元").format(o=yuan(result.offset_fen)) if result.offset_fen else ""
        text = self.tr("批准报销 {no}（{name}，{unit}）：\n本次核定 {granted} 元（补助 {s} 元，康复金 {r} 元）{offset}，\n"
                       "结算应付 {pay} 元（人民币{upper}）。\n\n批准后计算结果固定，由季度结算支付。确定批准？").format(
            no=c["claim_no"], name=c["name"], unit=c["unit_name"], granted=yuan(result.granted_fen),
            s=yuan(result.subsidy_fen), r=yuan(result.rehab_fen), offset=offset, pay=yuan(result.payable_fen),
            upper=to_chinese_upper(result.payable_fen))
        if not confirm(self, self.tr("批准报销"), text):
            return False
        if guarded(self, mutual_claims.approve_claim, self.ctx.db, self.ctx.actor, cid) is None:
            return False
        return self._done(select=cid)

    def reject(self, reason: str | None = None) -> bool:
        c = self.claim()
        if c is None or not self.reject_button.isEnabled():
            return False
        cid = int(c["id"])
        dialog = ReasonDialog(
            self.tr("不予报销"), self.tr("不予报销"),
            self.tr("报销 <b>{no}</b>（{name}）不予报销。原因会记入报销记录，单据可以另行登记。").format(
                no=c["claim_no"], name=c["name"]),
            lambda why, _d: mutual_claims.reject_claim(self.ctx.db, self.ctx.actor, cid, why), self,
            reason_label=self.tr("原因"), placeholder=self.tr("如：非定点医疗机构单据"),
            confirm_text=self.tr("确定对报销 {no} 不予报销？").format(no=c["claim_no"]))
        return dialog.ask(reason) and self._done(select=cid)

    def revoke(self, reason: str | None = None) -> bool:
        c = self.claim()
        if c is None or not self.revoke_button.isEnabled():
            return False
        cid = int(c["id"])
        dialog = ReasonDialog(
            self.tr("撤销批准"), self.tr("撤销批准"),
            self.tr("报销 <b>{no}</b>（{name}）回到待审批，固定的计算结果和冲抵的预付款一并撤销。").format(
                no=c["claim_no"], name=c["name"]),
            lambda why, _d: mutual_claims.revoke_approval(self.ctx.db, self.ctx.actor, cid, why), self,
            reason_label=self.tr("撤销原因"), placeholder=self.tr("如：单据金额录错"),
            confirm_text=self.tr("确定撤销对报销 {no} 的批准？").format(no=c["claim_no"]))
        return dialog.ask(reason) and self._done(select=cid)

    # ---- printing
    def print_form(self) -> object:
        from helpdesk_gui.gui.printing.runner import PrintRunner
        from helpdesk_gui.printing.sources import Selection
        cid = self.claim_id()
        if cid is None:
            return None
        if self.print_runner is None:
            self.print_runner = PrintRunner(self.ctx, self)
        return guarded(self, lambda: self.print_runner.preview("mutual_claim", Selection(mutual_claims=(cid,))))
