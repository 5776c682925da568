"""新建发放花名册: the approved decisions waiting to be paid (and returned payments to pay again),
filtered by project or 帮扶活动 (a campaign's list); tick households, choose the fund and the way of payment; what the fund may not
pay (专款专用, not 在档, no bank account) is shown on the row before anything is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank
from helpdesk_gui.core.ledger import funds, payroll
from helpdesk_gui.core.workflow import campaigns
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import RED, fund_combo
from helpdesk_gui.gui.kit.forms import FormDialog

HEADERS = ("发放", "申请编号", "档案编号", "姓名", "乡镇", "帮扶项目", "金额（元）", "银行账号", "说明")


def _item(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    item = table.item(row, col)
    assert item is not None
    return item


class RosterDialog(FormDialog):
    """OK drafts the roster (``core.payroll.create_roster``); ``roster_id`` then holds it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新建发放花名册"), self.tr("生成花名册"), parent)
        self.ctx = ctx
        self.book: codes.CodeBook = ctx.codebook()
        self.roster_id: int | None = None
        self.items: list[dict[str, Any]] = []
        self.project = QComboBox()
        self.project.addItem(self.tr("全部帮扶项目"), None)
        for item in self.book.items("project"):
            self.project.addItem(item.label, item.code)
        self.campaign = QComboBox()
        self.campaign.addItem(self.tr("不限帮扶活动"), None)
        for c in campaigns.list_campaigns(ctx.db):
            if c["rows_approved"]:
                self.campaign.addItem(f"{c['name']}（{c['year']}）", int(c["id"]))
        self.fund = fund_combo(funds.list_funds(ctx.db, active_only=True))
        self.method = QComboBox()
        for item in self.book.items("pay_method"):
            self.method.addItem(item.label, item.code)
        self.method.setCurrentIndex(max(0, self.method.findData(payroll.BANK_TRANSFER)))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如：2026 年 6 月生活救助发放"))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("payable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(300)
        self.all_button = QPushButton(self.tr("全选可发放的"))
        self.none_button = QPushButton(self.tr("全不选"))
        self.total_label = QLabel()
        picks = QHBoxLayout()
        picks.addWidget(self.all_button)
        picks.addWidget(self.none_button)
        picks.addStretch(1)
        picks.addWidget(self.total_label)
        self.form.addRow(self.tr("帮扶项目"), self.project)
        self.form.addRow(self.tr("帮扶活动"), self.campaign)
        self.form.addRow(self.tr("支出资金"), self.fund)
        self.form.addRow(self.tr("发放方式"), self.method)
        self.form.addRow(self.tr("花名册名称"), self.title)
        self.form.addRow(self.table)
        self.form.addRow(picks)
        self.fields = {"花名册名称": self.title}
        self.project.currentIndexChanged.connect(lambda _i: self.load())
        self.campaign.currentIndexChanged.connect(lambda _i: self.load())
        self.fund.currentIndexChanged.connect(lambda _i: self.check_rows())
        self.method.currentIndexChanged.connect(lambda _i: self.check_rows())
        self.all_button.clicked.connect(lambda: self.tick_all(True))
        self.none_button.clicked.connect(lambda: self.tick_all(False))
        self.table.itemChanged.connect(lambda _i: self._total())
        self.setMinimumWidth(980)
        self.load()

    def load(self) -> None:
        self.items = payroll.payable(self.ctx.db, project=self.project.currentData(),
                                     campaign_id=self.campaign.currentData())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.items))
        for r, it in enumerate(self.items):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Unchecked)
            cells = [tick, QTableWidgetItem(str(it["app_no"])), QTableWidgetItem(str(it["archive_no"])),
                     QTableWidgetItem(str(it["name"])), QTableWidgetItem(str(it["township"] or "")),
                     QTableWidgetItem(self.book.label("project", it["project"])),
                     QTableWidgetItem(yuan(int(it["amount_fen"]))), QTableWidgetItem(mask_bank(it["bank_account"])),
                     QTableWidgetItem("")]
            cells[6].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.check_rows()

    def check_rows(self) -> None:
        """Say on each row why the chosen fund may not pay it; such rows cannot be ticked."""
        fund = funds.get(self.ctx.db, int(self.fund.currentData())) if self.fund.count() else None
        method = str(self.method.currentData())
        self.table.blockSignals(True)
        for r, it in enumerate(self.items):
            notes = payroll.refusals(self.ctx.db, self.book, it, fund, method) if fund else []
            if it["in_roster"]:
                notes.append(self.tr("已在待发放的花名册 {no} 中").format(no=it["in_roster"]))
            tick = _item(self.table, r, 0)
            extra = []
            if it["returned"]:
                extra.append(self.tr("退回后重新发放"))
            if it["bank_changed"]:
                extra.append(self.tr("账号与审批时（尾号 {tail}）不同").format(tail=str(it["approved_bank_account"])[-4:]))
            note = _item(self.table, r, 8)
            note.setText("；".join([n.split("：", 1)[-1] for n in notes] + extra))
            note.setToolTip(note.text())
            note.setForeground(QBrush(QColor(RED if notes or it["bank_changed"] else "#333333")))
            if notes:
                tick.setCheckState(Qt.CheckState.Unchecked)
                tick.setFlags(Qt.ItemFlag.ItemIsSelectable)
            else:
                tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.blockSignals(False)
        self._total()

    def tick_all(self, on: bool) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            tick = _item(self.table, r, 0)
            if tick.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                tick.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.table.blockSignals(False)
        self._total()

    def chosen(self) -> list[dict[str, Any]]:
        return [it for r, it in enumerate(self.items) if _item(self.table, r, 0).checkState() == Qt.CheckState.Checked]

    def _total(self) -> None:
        self.total_label.setText(self.tr("已选 {d}　　共 {n} 项待发放").format(
            d=payroll.describe_total(self.chosen()), n=f"{len(self.items):,}"))

    def submit(self) -> None:
        chosen = self.chosen()
        if not chosen:
            raise ValidationError("发放名单", "请勾选要发放的家庭")
        self.roster_id = payroll.create_roster(
            self.ctx.db, self.ctx.actor, self.title.text(), int(self.fund.currentData()),
            [int(it["decision_id"]) for it in chosen], pay_method=str(self.method.currentData()),
            project=self.project.currentData(), campaign_id=self.campaign.currentData())
