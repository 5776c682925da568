"""审批: the computed cap and its rule, the amount, the override reason (needed above the cap), the
category for a 新建档, whether a second level follows, and the opinion. The core decides."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.workflow import approval
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.common import what
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo, WrapLabel, hint_label
from helpdesk_gui.gui.kit.forms import ErrorLine, form_layout


class ApproveDialog(QDialog):
    def __init__(self, ctx: AppContext, application_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        self.result_value: approval.Result | None = None
        book = ctx.codebook()
        app = workflow.load(ctx.db, application_id)
        self.pv = approval.preview(ctx.db, ctx.actor, application_id, today=common.today())
        second = self.pv.stage == "second"
        self.setWindowTitle(self.tr("上级审批") if second else self.tr("审批"))
        head = QLabel(self.tr("申请 {no}：{what}").format(no=app["app_no"], what=what(book, app)))
        head.setStyleSheet("font-weight: bold; font-size: 11pt;")
        form = form_layout()
        self.amount = AmountEdit("审批金额")
        self.cap_label = WrapLabel()
        self.override = QLineEdit()
        self.override.setPlaceholderText(self.tr("超过上限时必须填写（如：经主任办公会研究同意）"))
        self.category = CodeCombo(book, "category", blank="（请选择）")
        self.opinion = QPlainTextEdit()
        self.opinion.setTabChangesFocus(True)
        self.opinion.setFixedHeight(70)
        self.opinion.setPlainText(self.tr("同意"))
        self.notice = WrapLabel(style="color: #1f4f8a;")
        self.is_project = app["kind"] == "project"
        if self.is_project:
            self.amount.set_fen(self.pv.amount_fen)
            self.amount.setReadOnly(second)
            form.addRow(self.tr("审批金额（元）"), self.amount)
            cap = self.pv.cap
            self.cap_label.setText(self.tr("上限 {cap} 元。{rule}").format(cap=yuan(cap.cap_fen), rule=cap.text)
                                   if cap else self.tr("无法计算上限"))
            form.addRow(self.tr("计算上限"), self.cap_label)
            form.addRow(self.tr("超限理由"), self.override)
            if second and app["override_reason"]:
                self.override.setText(str(app["override_reason"]))
        if app["kind"] in ("new_archive", "change"):
            self.category.set_code(self.pv.category)
            form.addRow(self.tr("困难类别"), self.category)
        form.addRow(self.tr("审批意见"), self.opinion)
        threshold = int(settings.get(ctx.db, "second_approval_fen"))
        if second:
            self.notice.setText(self.tr("初审人：{who}。上级审批须由另一位审批人（或中心主任）办理。")
                                .format(who=app["first_approver"]))
        elif app["kind"] == "project":
            self.notice.setText(self.tr("金额超过 {t} 元的，批准后还须上级审批。").format(t=yuan(threshold)))
        self.warning = hint_label()
        self.fields: dict[str, QWidget] = {"审批金额": self.amount, "超限理由": self.override, "困难类别": self.category,
                                           "审批意见": self.opinion}
        self.error = ErrorLine(lambda: self.fields)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("批准"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.amount.textChanged.connect(lambda _t: self._check_cap())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.apply)
        self.setMinimumWidth(520)
        self._check_cap()

    def _check_cap(self) -> None:
        cap = self.pv.cap
        if cap is None:
            return
        try:
            amount = self.amount.fen()
        except HelpdeskError:
            return
        over = amount > cap.cap_fen
        self.warning.setText(self.tr("审批金额超过上限 {cap} 元，须填写超限理由。").format(cap=yuan(cap.cap_fen))
                             if over else "")
        threshold = int(settings.get(self.ctx.db, "second_approval_fen"))
        if self.pv.stage == "first" and amount > threshold:
            self.notice.setText(self.tr("金额超过 {t} 元：您批准后将转上级审批（另一位审批人或中心主任）。")
                                .format(t=yuan(threshold)))

    def apply(self) -> bool:
        try:
            amount = self.amount.fen() if self.is_project and self.amount.text().strip() else None
            self.result_value = approval.approve(
                self.ctx.db, self.ctx.actor, self.application_id, self.opinion.toPlainText(), amount_fen=amount,
                override_reason=self.override.text(), category=self.category.code(), today=common.today())
        except HelpdeskError as e:
            widget = self.error.show_error(e)
            if widget is not None:
                widget.setFocus()
            return False
        self.accept()
        return True
