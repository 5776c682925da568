"""登记报销 / 修改报销: the member (typed, chosen from the plan's enrolled members), the receipts as a
table, and the reimbursement worked out while typing — every step of ``core.mutual_rule`` and the
amount the quarterly settlement will pay. A receipt the core refuses (wrong date, amounts that do
not add up, already in another claim) is named under the table and its row shaded; nothing pops up
while typing. OK saves the claim as 待审批 (``create_claim`` / ``update_claim``).
"""

from __future__ import annotations

import datetime as _dt
import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.rule import Result
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import RED, date_edit, day_of, set_day
from helpdesk_gui.gui.kit.forms import ERROR_STYLE, FormDialog, hint
from helpdesk_gui.gui.mutual.member_picker import MemberPicker
from helpdesk_gui.gui.mutual.receipts_editor import ReceiptsEditor

WHICH = re.compile(r"第 (\d+) 张单据")


class ClaimDialog(FormDialog):
    """OK saves; ``claim_id`` then holds the claim. ``calculation`` is the last calculation shown (or None)."""

    def __init__(self, ctx: AppContext, plan_id: int, parent: QWidget | None = None, *,
                 claim_id: int | None = None) -> None:
        self.editing = claim_id is not None
        claim = mutual_claims.get_claim(ctx.db, claim_id) if claim_id is not None else None
        super().__init__(self.tr("修改报销 {no}").format(no=claim["claim_no"]) if claim else self.tr("登记报销"),
                         self.tr("保存修改") if claim else self.tr("登记"), parent)
        self.ctx = ctx
        self.claim_id = claim_id
        self.plan_id = int(claim["plan_id"]) if claim else plan_id
        self.plan = mutual_plans.get_plan(ctx.db, self.plan_id)
        self.calculation: Result | None = None
        self.picker = MemberPicker(ctx, self.plan_id, self)
        self.receipts = ReceiptsEditor(ctx.codebook(), self)
        self.receipts.setMinimumHeight(150)
        self.add_button = QPushButton(self.tr("增加单据 (Ins)"))
        self.remove_button = QPushButton(self.tr("删除所选单据 (Ctrl+Del)"))
        self.submitted = date_edit()
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("可不填，如：住院两次合并报销"))
        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.payable = QLabel()
        self.payable.setObjectName("payable")
        self.check = QLabel()
        self.check.setObjectName("check")
        self.check.setWordWrap(True)
        self.check.setStyleSheet(ERROR_STYLE)
        self.check.hide()
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        box.setStyleSheet("QFrame { background: #f7f7f4; }")
        bl = QVBoxLayout(box)
        bl.addWidget(self.check)
        bl.addWidget(self.steps)
        bl.addWidget(self.payable)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        receipts = QWidget()
        rl = QVBoxLayout(receipts)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.receipts, 1)
        rl.addLayout(row_buttons)
        dates = QHBoxLayout()
        dates.addWidget(self.submitted)
        dates.addWidget(QLabel(self.tr("备注")))
        dates.addWidget(self.note, 1)
        self.form.addRow(hint(self.tr("{period} 年度方案：{rule}").format(period=self.plan["period"],
                                                                        rule=mutual_plans.describe_rule(self.plan))))
        self.form.addRow(self.tr("会员(&M)"), self.picker)
        self.form.addRow(self.tr("报销单据"), receipts)
        self.form.addRow(self.tr("受理日期"), dates)
        self.form.addRow(self.tr("计算"), box)
        self.fields = {"会员": self.picker, "报销单据": self.receipts}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.recompute)
        self.receipts.edited.connect(self._debounce.start)
        self.picker.chosen.connect(lambda _m: self.recompute())
        self.add_button.clicked.connect(self.add_receipt)
        self.remove_button.clicked.connect(lambda: self.receipts.remove_current())
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self.add_receipt)
        remove = QShortcut(QKeySequence("Ctrl+Delete"), self.receipts, lambda: self.receipts.remove_current())
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.receipts, self.receipts.clear_current)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.setTabOrder(self.picker.search_edit, self.picker.table)
        self.setTabOrder(self.picker.table, self.receipts)
        self.setTabOrder(self.receipts, self.add_button)
        self.setTabOrder(self.add_button, self.remove_button)
        self.setTabOrder(self.remove_button, self.submitted)
        self.setTabOrder(self.submitted, self.note)
        if claim is not None:
            self.picker.choose(int(claim["member_id"]))
            self.picker.lock()
            self.receipts.set_receipts(claim["receipts"])
            self.note.setText(str(claim["note"] or ""))
            set_day(self.submitted, _dt.date.fromisoformat(str(claim["submitted_on"])))
            self.submitted.setEnabled(False)
            self.receipts.setFocus()
        else:
            self.picker.setFocus()
        self.recompute()
        self.resize(980, 720)

    def add_receipt(self) -> None:
        last = self.receipts.rowCount() - 1
        self.receipts.setCurrentCell(last, 1)
        self.receipts.setFocus()
        self.receipts.editItem(self.receipts.cell(last, 1))

    # ---- the live calculation
    def recompute(self) -> Result | None:
        """Work the reimbursement out from what is typed; say inline what stops it."""
        self._debounce.stop()
        self.calculation = None
        self.receipts.mark(None)
        member = self.picker.member_id
        if member is None:
            return self._show(None, self.tr("请先选择会员。"), error=False)
        try:
            drafts = self.receipts.drafts()
            if not drafts:
                return self._show(None, self.tr("请在表格中填写单据：种类、单据号、日期和金额（元）。"), error=False)
            self.calculation = mutual_claims.preview(self.ctx.db, self.plan_id, member, drafts, claim_id=self.claim_id)
        except HelpdeskError as e:
            found = WHICH.search(e.field if isinstance(e, ValidationError) else str(e))
            self.receipts.mark(int(found.group(1)) if found else None)
            return self._show(None, str(e), error=True)
        return self._show(self.calculation, "", error=False)

    def _show(self, result: Result | None, message: str, *, error: bool) -> Result | None:
        self.check.setVisible(error)
        self.check.setText(message if error else "")
        if result is None:
            self.steps.setText("" if error else f"<span style='color:#555555'>{message}</span>")
            self.payable.setText("")
            return None
        self.steps.setText("<br>".join(f"{i}. {s}" for i, s in enumerate(result.steps, start=1)))
        self.payable.setText(self.tr("<b style='font-size:13pt'>结算应付 {amount} 元</b>　人民币{upper}"
                                     "　（补助 {subsidy} 元，康复金 {rehab} 元，冲抵预付 {offset} 元）").format(
            amount=yuan(result.payable_fen), upper=to_chinese_upper(result.payable_fen), subsidy=yuan(result.subsidy_fen),
            rehab=yuan(result.rehab_fen), offset=yuan(result.offset_fen)))
        if result.payable_fen == 0 and result.granted_fen == 0:
            self.payable.setText(self.payable.text() + f"　<span style='color:{RED}'>{self.tr('本次没有可报销的金额')}</span>")
        return result

    def check_text(self) -> str:
        """The message shown under the receipts while typing ('' when the receipts are fine)."""
        return self.check.text()

    # ---- saving
    def submit(self) -> None:
        if self.picker.member_id is None:
            raise ValidationError("会员", "请先选择报销的会员")
        drafts = self.receipts.drafts()
        if self.claim_id is None:
            self.claim_id = mutual_claims.create_claim(self.ctx.db, self.ctx.actor, self.plan_id, self.picker.member_id,
                                                       drafts, submitted_on=day_of(self.submitted),
                                                       note=self.note.text())
        else:
            mutual_claims.update_claim(self.ctx.db, self.ctx.actor, self.claim_id, drafts, note=self.note.text())

    def accept(self) -> None:
        super().accept()
        if self.result() != self.DialogCode.Accepted:   # refused: shade the receipt the message names
            found = WHICH.search(self.error_text())
            if found:
                self.receipts.mark(int(found.group(1)))
