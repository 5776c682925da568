"""资金设置: a fund's source, purpose, bank account and restrictions (专款专用), new or existing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from helpdesk_gui.core.ledger import funds
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.forms import FormDialog, hint


def _checklist(ctx: AppContext, list_name: str, chosen: list[str]) -> QListWidget:
    w = QListWidget()
    w.setMaximumHeight(96)
    w.setFlow(QListWidget.Flow.LeftToRight)
    w.setWrapping(True)
    for item in ctx.codebook().items(list_name):
        it = QListWidgetItem(item.label)
        it.setData(Qt.ItemDataRole.UserRole, item.code)
        it.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        it.setCheckState(Qt.CheckState.Checked if item.code in chosen else Qt.CheckState.Unchecked)
        w.addItem(it)
    return w


def _checked(w: QListWidget) -> list[str]:
    return [str(w.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(w.count())
            if w.item(i).checkState() == Qt.CheckState.Checked]


class FundDialog(FormDialog):
    """OK creates or updates the fund (``core.funds``); ``fund_id`` then holds it."""

    def __init__(self, ctx: AppContext, fund_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新建资金") if fund_id is None else self.tr("修改资金"), self.tr("保存"), parent)
        self.ctx = ctx
        self.fund_id = fund_id
        d = funds.draft_of(funds.get(ctx.db, fund_id)) if fund_id is not None else funds.FundDraft(source="5")
        book = ctx.codebook()
        self.name = QLineEdit(d.name)
        self.source = QComboBox()
        for item in book.items("fund_source"):
            self.source.addItem(item.label, item.code)
        self.source.setCurrentIndex(max(0, self.source.findData(d.source)))
        self.purpose = QComboBox()
        self.purpose.addItem(self.tr("（不限定用途）"), "")
        for item in book.items("fund_purpose"):
            self.purpose.addItem(item.label, item.code)
        self.purpose.setCurrentIndex(max(0, self.purpose.findData(d.purpose)))
        self.kind = QComboBox()
        for item in book.items("fund_kind"):
            self.kind.addItem(item.label, item.code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(d.kind)))
        self.bank_name = QLineEdit(d.bank_name)
        self.account_name = QLineEdit(d.account_name)
        self.bank_account = QLineEdit(d.bank_account)
        self.projects = _checklist(ctx, "project", d.restrict_projects)
        self.categories = _checklist(ctx, "category", d.restrict_categories)
        self.archive_types = _checklist(ctx, "archive_type", d.restrict_archive_types)
        self.earmark = QLineEdit(d.earmark)
        self.earmark.setPlaceholderText(self.tr("如：2026 年金秋助学专项捐款"))
        self.note = QLineEdit(d.note)
        self.active = QCheckBox(self.tr("在用（停用的资金不能再记账，须先调出余额）"))
        self.active.setChecked(d.active)
        self._ord = d.ord
        self._campaign = d.restrict_campaign_id
        bank = QHBoxLayout()
        bank.addWidget(self.bank_name, 2)
        bank.addWidget(self.account_name, 2)
        bank.addWidget(self.bank_account, 3)
        self.bank_name.setPlaceholderText(self.tr("开户行"))
        self.account_name.setPlaceholderText(self.tr("户名"))
        self.bank_account.setPlaceholderText(self.tr("账号"))
        self.form.addRow(self.tr("资金名称"), self.name)
        self.form.addRow(self.tr("资金来源"), self.source)
        self.form.addRow(self.tr("资金用途"), self.purpose)
        self.form.addRow(self.tr("资金性质"), self.kind)
        self.form.addRow(self.tr("专户"), bank)
        self.form.addRow(self.tr("限用帮扶项目"), self.projects)
        self.form.addRow(self.tr("限用困难类别"), self.categories)
        self.form.addRow(self.tr("限用档案类型"), self.archive_types)
        self.form.addRow(self.tr("指定用途说明"), self.earmark)
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow("", self.active)
        self.form.addRow(hint(self.tr("不勾选即不限。已有分录的资金不能再改资金来源和资金性质。")))
        self.fields = {"资金名称": self.name, "资金来源": self.source, "银行账号": self.bank_account}
        self.setMinimumWidth(620)

    def draft(self) -> funds.FundDraft:
        return funds.FundDraft(
            name=self.name.text(), source=str(self.source.currentData()), purpose=str(self.purpose.currentData()),
            kind=str(self.kind.currentData()), bank_name=self.bank_name.text(), account_name=self.account_name.text(),
            bank_account=self.bank_account.text(), restrict_projects=_checked(self.projects),
            restrict_categories=_checked(self.categories), restrict_archive_types=_checked(self.archive_types),
            restrict_campaign_id=self._campaign, earmark=self.earmark.text(), note=self.note.text(), ord=self._ord,
            active=self.active.isChecked())

    def submit(self) -> None:
        if self.fund_id is None:
            self.fund_id = funds.create_fund(self.ctx.db, self.ctx.actor, self.draft())
        else:
            funds.update_fund(self.ctx.db, self.ctx.actor, self.fund_id, self.draft())
