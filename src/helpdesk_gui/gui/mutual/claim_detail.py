"""The chosen claim in full: who, its state and who decided, its receipts, and how the amount is
reached — the steps frozen at approval for an approved or settled claim, worked out now (预计) for
one still waiting for approval."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual.claims import ReceiptDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import RED
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table


class ClaimDetail(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.claim: dict[str, Any] | None = None
        self._names: dict[str, str] = {}
        self.header = QLabel()
        self.header.setObjectName("claim_header")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RowsModel([self.tr("种类"), self.tr("单据号"), self.tr("医院"), self.tr("日期"),
                                self.tr("医疗总费用"), self.tr("统筹支付"), self.tr("统筹段自付")], right=(4, 5, 6))
        self.table = QTableView()
        setup_table(self.table, self.model, "claim_receipts")
        self.widths = ColumnWidths(ctx, self.table, "mutual/claim_receipts/header", air=12)
        self.steps = QLabel()
        self.steps.setObjectName("claim_steps")
        self.steps.setWordWrap(True)
        self.steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps.setMargin(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.steps)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setSizes([700, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)

    def show_claim(self, claim_id: int | None) -> None:
        if claim_id is None:
            self.claim = None
            self.header.setText(self.tr("选择上面的一笔报销，这里显示它的单据和计算过程。"))
            self.model.set_rows([])
            self.steps.setText("")
            return
        c = mutual_claims.get_claim(self.ctx.db, claim_id)
        self.claim = c
        book = self.ctx.codebook()
        state = book.label("mutual_claim_status", c["status"])
        if not self._names:
            self._names = {str(u["username"]): str(u["display_name"]) for u in auth.list_users(self.ctx.db)}
        who = self.tr("登记：{by}（{on}受理）").format(by=self._names.get(c["created_by"], c["created_by"]),
                                                   on=c["submitted_on"])
        if c["decided_by"]:
            who += self.tr("　{what}：{by}（{at}）").format(
                what=self.tr("审批") if c["status"] in ("approved", "settled") else self.tr("处理"),
                by=self._names.get(c["decided_by"], c["decided_by"]),
                at=str(c["decided_at"])[:10])
        reason = f"<br><span style='color:{RED}'>{self.tr('原因：')}{c['reason']}</span>" if c["reason"] else ""
        settle = self.tr("　结算单 {no}").format(no=c["settle_no"]) if c["settle_no"] else ""
        bank = f"{c['bank_name']} {mask_bank(c['bank_account'])}" if c["bank_account"] else self.tr("未登记银行账号")
        self.header.setText(self.tr("<b style='font-size:12pt'>{no}</b>　{name}　{id}　{unit}　{bank}<br>"
                                    "状态：<b>{state}</b>{settle}　{who}{note}{reason}").format(
            no=c["claim_no"], name=c["name"], id=mask_id(c["id_number"]), unit=c["unit_name"], bank=bank, state=state,
            settle=settle, who=who, note=self.tr("<br>备注：{n}").format(n=c["note"]) if c["note"] else "",
            reason=reason))
        self.model.set_rows([Row([book.label("mutual_receipt_kind", r["kind"]), r["receipt_no"], r["hospital"],
                                  r["receipt_date"], yuan(r["total_fen"]), yuan(r["insurance_fen"]), yuan(r["self_fen"])],
                                 int(r["id"])) for r in c["receipts"]])
        self.widths.fit()
        self.steps.setText(self._steps(c))

    def _steps(self, c: dict[str, Any]) -> str:
        if c["status"] in ("approved", "settled"):
            title = self.tr("<b>审批时的计算（已固定）</b>")
            steps = list(c["steps"])
        elif c["status"] == "draft":
            title = self.tr("<b>按现在的规则和本年已报销情况预计</b>（批准时以当时为准）")
            drafts = [ReceiptDraft(r["kind"], r["receipt_no"], r["receipt_date"], int(r["total_fen"]),
                                   int(r["insurance_fen"]), int(r["self_fen"]), r["hospital"]) for r in c["receipts"]]
            try:
                result = mutual_claims.preview(self.ctx.db, int(c["plan_id"]), int(c["member_id"]), drafts,
                                               claim_id=int(c["id"]))
            except HelpdeskError as e:
                return f"{title}<br><span style='color:{RED}'>{e}</span>"
            steps = list(result.steps)
        else:
            return self.tr("<span style='color:#555555'>本报销{state}，不计算。</span>").format(
                state=self.ctx.codebook().label("mutual_claim_status", c["status"]))
        body = "<br>".join(f"{i}. {s}" for i, s in enumerate(steps, start=1))
        return f"{title}<br>{body}"
