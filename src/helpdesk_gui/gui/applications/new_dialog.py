"""受理: a new application for an archive — 新建档, a project (with the cap shown as you type), a change,
or 脱困/注销. The clerk who files it is its enterer and can never approve it."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register import search
from helpdesk_gui.core.workflow import caps
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo, DateEdit, WrapLabel
from helpdesk_gui.gui.kit.forms import ErrorLine, form_layout


class NewApplicationDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, household_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: int | None = None
        self.application_id: int | None = None
        book = ctx.codebook()
        self.setWindowTitle(self.tr("受理帮扶申请"))
        self.archive = QLineEdit()
        self.archive.setPlaceholderText(self.tr("档案编号、姓名或身份证号后几位，回车查找"))
        self.pick_button = QPushButton(self.tr("选择档案…"))
        self.household_label = WrapLabel(self.tr("（尚未选择档案）"))
        self.kind = CodeCombo(book, "application_kind", blank=None)
        self.project = CodeCombo(book, "project", blank="（请选择帮扶项目）")
        self.requested = AmountEdit("申请金额")
        self.cost = AmountEdit("自付（致困）费用")
        self.beneficiary = QLineEdit()
        self.beneficiary.setPlaceholderText(self.tr("子女助学：学生姓名"))
        self.school_level = CodeCombo(book, "member_identity", blank="（就读阶段）")
        self.years = QSpinBox()
        self.years.setRange(0, 60)
        self.years.setSuffix(self.tr(" 年"))
        self.new_category = CodeCombo(book, "category", blank="（变更后的困难类别）")
        self.exit_to = QComboBox()
        self.exit_to.addItem(self.tr("脱困（解困脱困）"), "exited")
        self.exit_to.addItem(self.tr("注销档案"), "cancelled")
        self.exit_reason = CodeCombo(book, "exit_reason", blank="（注销原因）")
        self.received = DateEdit("受理日期")
        self.received.set_iso(common.today().isoformat())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("申请事由（如：住院治疗自付费用较大）"))
        self.cap_label = WrapLabel(style="color: #1f4f8a;")
        #: field names as the core and the amount fields name them -> the widget
        self.fields: dict[str, QWidget] = {
            "档案": self.archive, "申请类别": self.kind, "帮扶项目": self.project, "申请金额": self.requested,
            "自付（致困）费用": self.cost, "自付费用": self.cost, "受助学生": self.beneficiary,
            "学生就读阶段": self.school_level, "变更后的困难类别": self.new_category, "注销原因": self.exit_reason,
            "受理日期": self.received}
        self.error = ErrorLine(lambda: self.fields)
        who = QHBoxLayout()
        who.addWidget(self.archive, 1)
        who.addWidget(self.pick_button)
        form = form_layout()
        form.addRow(self.tr("档案"), who)
        form.addRow("", self.household_label)
        form.addRow(self.tr("申请类别"), self.kind)
        self.rows: dict[str, QWidget] = {}
        for key, label, w in (("project", "帮扶项目", self.project), ("requested", "申请金额（元）", self.requested),
                              ("cost", "自付（致困）费用（元）", self.cost), ("beneficiary", "受助学生", self.beneficiary),
                              ("school_level", "就读阶段", self.school_level), ("years", "参加互助年限", self.years),
                              ("new_category", "变更为", self.new_category), ("exit_to", "办理事项", self.exit_to),
                              ("exit_reason", "注销原因", self.exit_reason)):
            form.addRow(self.tr(label), w)
            self.rows[key] = w
        form.addRow(self.tr("受理日期"), self.received)
        form.addRow(self.tr("申请事由"), self.reason)
        form.addRow(self.tr("上限"), self.cap_label)
        self.form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("受理"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.archive.returnPressed.connect(self.find_household)
        self.pick_button.clicked.connect(self.pick)
        self.kind.currentIndexChanged.connect(lambda _i: self._sync())
        for w in (self.project, self.school_level, self.new_category, self.exit_to):
            w.currentIndexChanged.connect(lambda _i: self._sync())
        for e in (self.requested, self.cost):
            e.textChanged.connect(lambda _t: self._show_cap())
        self.beneficiary.textChanged.connect(lambda _t: self._show_cap())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.apply)
        self.setMinimumWidth(560)
        if household_id is not None:
            self.set_household(household_id)
        self._sync()

    # ---- the archive
    def set_household(self, household_id: int) -> None:
        h = register.get_household(self.ctx.db, household_id)
        book = self.ctx.codebook()
        self.household_id = household_id
        self.household_label.setText(self.tr("{no}  {name}  {status}  {cat}").format(
            no=h["archive_no"], name=h["name"], status=book.label("status", h["status"]),
            cat=book.label("category", h["category"]) or self.tr("未定类别")))
        self.kind.set_code("new_archive" if h["status"] == "applying" else "project")
        self.error.clear_errors()   # a refusal was about the archive before this one
        self._sync()

    def find_household(self) -> None:
        found = search.search(self.ctx.db, self.archive.text(), limit=2)
        if len(found) == 1:
            self.set_household(int(found[0]["id"]))
            self.error.clear_errors()
        else:
            self.error.show_error(HelpdeskError(self.tr("没有找到唯一的档案，请输入更多文字或点“选择档案…”。") if found
                                                else self.tr("没有找到档案。")))

    def pick(self) -> None:
        from helpdesk_gui.gui.reception.picker import HouseholdPicker
        picker = HouseholdPicker(self.ctx, self, text=self.archive.text())
        if picker.exec() == QDialog.DialogCode.Accepted and picker.household_id is not None:
            self.set_household(picker.household_id)

    # ---- which fields apply
    def _sync(self) -> None:
        kind = self.kind.code()
        project = self.project.code()
        shown = {"project": kind == "project", "requested": kind == "project", "cost": kind == "project",
                 "beneficiary": kind == "project" and project == "3", "school_level": kind == "project" and project == "3",
                 "years": kind == "project" and project == "9", "new_category": kind == "change",
                 "exit_to": kind == "exit", "exit_reason": kind == "exit" and self.exit_to.currentData() == "cancelled"}
        for key, w in self.rows.items():
            self.form.setRowVisible(w, shown[key])
        self.form.setRowVisible(self.cap_label, kind == "project")
        self._show_cap()

    def _show_cap(self) -> None:
        if self.kind.code() != "project" or self.household_id is None or not self.project.code():
            self.cap_label.setText("")
            return
        try:
            cost = self.cost.fen() if self.cost.text().strip() else None
            cap = caps.cap_for(self.ctx.db, self.household_id, str(self.project.code()), on=common.today(), cost_fen=cost,
                               beneficiary=self.beneficiary.text().strip(), membership_years=self.years.value())
        except HelpdeskError as e:
            self.cap_label.setText(str(e))
            return
        self.cap_label.setText(self.tr("本次最多 {cap} 元（{rule}）").format(cap=yuan(cap.cap_fen), rule=cap.text))

    # ---- filing
    def apply(self) -> bool:
        try:
            if self.household_id is None:
                self.find_household()
            if self.household_id is None:
                return False
            kind = str(self.kind.code())
            details: dict[str, object] = {}
            if kind == "change":
                details["category"] = self.new_category.code()
            if kind == "exit":
                details.update(to=self.exit_to.currentData(), reason=self.exit_reason.code())
            if kind == "project" and self.project.code() == "9":
                details["membership_years"] = self.years.value()
            received = self.received.iso()
            self.application_id = workflow.file_application(
                self.ctx.db, self.ctx.actor, self.household_id, kind, project=self.project.code(),
                requested_fen=self.requested.fen() if self.requested.text().strip() else None,
                cost_fen=self.cost.fen() if self.cost.text().strip() else None,
                beneficiary=self.beneficiary.text(), school_level=self.school_level.code(), reason=self.reason.text(),
                details=details, received=_dt.date.fromisoformat(received) if received else None, today=common.today())
        except HelpdeskError as e:
            widget = self.error.show_error(e)
            if widget is not None:
                widget.setFocus()
            return False
        self.accept()
        return True
