"""新建帮扶活动: the name and project, which 在档 households (the register's filters), and how amounts
are proposed (fixed, months of 低保, the cap, or by school level — one row per student). The dialog
only gathers this; the campaigns tab creates the list off the GUI thread (``core.campaigns.create``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register import search
from helpdesk_gui.core.workflow.campaigns import ProposalRule
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo
from helpdesk_gui.gui.kit.forms import ErrorLine, form_layout

#: school levels offered for 金秋助学 (member_identity codes) with a typical default amount (fen)
LEVELS = (("20", 500_000), ("21", 500_000), ("22", 300_000), ("23", 300_000))


class CampaignDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.request: dict[str, Any] = {}
        book = ctx.codebook()
        year = common.today().year
        self.setWindowTitle(self.tr("新建集中帮扶活动"))
        self.name = QLineEdit(self.tr("{y}年金秋助学").format(y=year))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.project = CodeCombo(book, "project", blank=None)
        self.project.set_code("3")
        self.mode = QComboBox()
        for code, label in (("by_level", "按学生就读阶段（每名学生一行）"), ("fixed", "每户固定金额"),
                            ("months", "每户若干个月低保标准"), ("cap", "按上限规则的上限")):
            self.mode.addItem(self.tr(label), code)
        self.amount = AmountEdit("每户金额")
        self.amount.set_fen(100_000)
        self.months = QLineEdit("3")
        self.levels: dict[str, AmountEdit] = {}
        levels = QGridLayout()
        for i, (code, fen) in enumerate(LEVELS):
            edit = AmountEdit(book.label("member_identity", code))
            edit.set_fen(fen)
            self.levels[code] = edit
            levels.addWidget(QLabel(book.label("member_identity", code)), i // 2, (i % 2) * 2)
            levels.addWidget(edit, i // 2, (i % 2) * 2 + 1)
        self.levels_box = QWidget()
        self.levels_box.setLayout(levels)
        self.category = CodeCombo(book, "category", blank="（全部类别）")
        self.township = QComboBox()
        self.township.addItem(self.tr("（全部乡镇）"), None)
        for t in register.townships(ctx.db):
            self.township.addItem(t, t)
        self.cause = CodeCombo(book, "cause", blank="（全部致困原因）")
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("可选：姓名、单位、地址等（同档案检索）"))
        self.count = QLabel()
        self.fields: dict[str, QWidget] = {"活动名称": self.name, "每户金额": self.amount, "金额": self.amount,
                                           "低保月数": self.months}
        self.error = ErrorLine(lambda: self.fields)
        form = form_layout()
        form.addRow(self.tr("活动名称"), self.name)
        form.addRow(self.tr("年度"), self.year)
        form.addRow(self.tr("帮扶项目"), self.project)
        form.addRow(self.tr("拟定金额"), self.mode)
        form.addRow(self.tr("每户金额（元）"), self.amount)
        form.addRow(self.tr("低保月数"), self.months)
        form.addRow(self.tr("各阶段金额（元）"), self.levels_box)
        form.addRow(self.tr("困难类别"), self.category)
        form.addRow(self.tr("乡镇（街道）"), self.township)
        form.addRow(self.tr("致困原因"), self.cause)
        form.addRow(self.tr("其他条件"), self.text)
        form.addRow("", self.count)
        self.form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("生成名单"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("从在档家庭中按条件选出名单；名单经审核、公示后一次审批，个别户可设例外。")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.mode.currentIndexChanged.connect(lambda _i: self._sync())
        for box in (self.category, self.township, self.cause):
            box.currentIndexChanged.connect(lambda _i: self._count())
        self.text.textChanged.connect(lambda _t: self._count())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.apply)
        self.setMinimumWidth(560)
        self._sync()

    def filters(self) -> search.Filters:
        return search.Filters(status="active", category=self.category.code(), township=self.township.currentData(),
                              cause=self.cause.code())

    def _sync(self) -> None:
        mode = self.mode.currentData()
        self.form.setRowVisible(self.amount, mode == "fixed")
        self.form.setRowVisible(self.months, mode == "months")
        self.form.setRowVisible(self.levels_box, mode == "by_level")
        self._count()

    def _count(self) -> None:
        try:
            n = search.count(self.ctx.db, self.text.text(), self.filters())
        except HelpdeskError:
            return
        self.count.setText(self.tr("符合条件的在档家庭：{n} 户").format(n=f"{n:,}"))

    def rule(self) -> ProposalRule:
        mode = str(self.mode.currentData())
        if mode == "fixed":
            return ProposalRule("fixed", amount_fen=self.amount.fen())
        if mode == "months":
            return ProposalRule("months", months=self.months.text().strip() or "0")
        if mode == "by_level":
            return ProposalRule("by_level", levels={k: e.fen() for k, e in self.levels.items() if e.text().strip()
                                                    and e.fen() > 0})
        return ProposalRule("cap")

    def apply(self) -> bool:
        try:
            rule = self.rule().check()
            name = self.name.text().strip()
            if not name:
                raise ValidationError("活动名称", "不能为空")
            if not search.count(self.ctx.db, self.text.text(), self.filters()):
                raise ValidationError("选择条件", "没有符合条件的在档家庭")
        except HelpdeskError as e:
            widget = self.error.show_error(e)
            if widget is not None:
                widget.setFocus()
            return False
        self.request = {"name": name, "project": str(self.project.code()), "rule": rule, "year": self.year.value(),
                        "text": self.text.text(), "filters": self.filters()}
        self.accept()
        return True
