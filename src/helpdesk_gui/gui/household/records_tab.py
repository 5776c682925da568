"""Read-mostly tabs of the editor: 银行账户, 附件材料, 帮扶记录, 变更记录."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.access import audit_labels
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.register import attachments, derive, lookup
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import FIELDS
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.secret import SecretEdit, with_change_button
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import CodeCombo, hint_label
from helpdesk_gui.gui.kit.forms import form_layout


def _table(headers: list[str], widths: list[int]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    for i, w in enumerate(widths):
        t.setColumnWidth(i, w)
    return t


def _fill(t: QTableWidget, data: list[list[Any]]) -> None:
    t.setRowCount(len(data))
    for r, values in enumerate(data):
        for c, v in enumerate(values):
            t.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))


class BankTab(QWidget):
    changed = Signal()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bank_name = QLineEdit()
        self.bank_branch = QLineEdit()
        self.bank_account = SecretEdit(mask_bank)
        self.bank_account.setPlaceholderText(self.tr("12–30 位数字，帮扶资金通过银行转账发放"))
        self.hint = hint_label()
        form = form_layout(self)
        form.addRow(self.tr("开户银行"), self.bank_name)
        form.addRow(self.tr("支行名称"), self.bank_branch)
        form.addRow(self.tr("银行账号"), with_change_button(self.bank_account))
        form.addRow("", self.hint)
        for e in (self.bank_name, self.bank_branch, self.bank_account):
            e.textChanged.connect(self._emit_changed)
        self.bank_account.textChanged.connect(self._check)

    def _check(self) -> None:
        digits = "".join(self.bank_account.value().split())
        ok = not digits or (digits.isdigit() and 12 <= len(digits) <= 30)
        self.hint.setText("" if ok else self.tr("银行账号应为 12–30 位数字"))

    def load(self, h: dict[str, Any], *, masked: bool = False, can_change: bool = True) -> None:
        self.bank_name.setText(h.get("bank_name") or "")
        self.bank_branch.setText(h.get("bank_branch") or "")
        self.bank_account.load(h.get("bank_account"), masked=masked, can_change=can_change)

    def fields(self) -> dict[str, Any]:
        return {"bank_name": self.bank_name.text(), "bank_branch": self.bank_branch.text(),
                "bank_account": self.bank_account.value()}


class AttachmentsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: int | None = None
        book = ctx.codebook()
        self.book = book
        self.table = _table([self.tr("材料类型"), self.tr("名称"), self.tr("添加时间"), self.tr("添加人"),
                             self.tr("文件")], [110, 200, 150, 80])
        self.table.doubleClicked.connect(lambda _i: self.view_selected())
        self.material = CodeCombo(book, "material_type", blank=None)
        self.add_button = QPushButton(self.tr("添加扫描件…"))
        self.view_button = QPushButton(self.tr("查看"))
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("材料类型：")))
        row.addWidget(self.material)
        row.addWidget(self.add_button)
        row.addWidget(self.view_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add_file())
        self.view_button.clicked.connect(self.view_selected)
        self.add_button.setEnabled(ctx.actor.can("register.edit"))

    def load(self, household_id: int | None) -> None:
        self.household_id = household_id
        self.add_button.setEnabled(household_id is not None and self.ctx.actor.can("register.edit"))
        self.note.setText("" if household_id else self.tr("请先保存档案，再添加附件。"))
        if household_id is None:
            self.table.setRowCount(0)
            return
        items = lookup.attachments_of(self.ctx.db, household_id)
        self.files = [it["file_name"] for it in items]
        _fill(self.table, [[self.book.label("material_type", it["material_type"]), it["title"],
                            local_time(it["added_at"]), it["added_by"], it["file_name"]]
                           for it in items])

    def add_file(self, path: str | None = None) -> bool:
        if self.household_id is None:
            return False
        if path is None:
            chosen = files.open_file(self, self.tr("选择扫描件"),
                                     self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))
            if chosen is None:
                return False
            path = str(chosen)
        source = Path(path)

        def do() -> bool:
            sha, stored = attachments.store(self.ctx.folder, source)
            register.add_attachment(self.ctx.db, self.ctx.actor, self.household_id or 0, self.material.code() or "14",
                                    source.name, stored, sha)
            return True
        if guarded(self, do):
            self.load(self.household_id)
            self.ctx.events.tell(self, "household_saved", self.household_id)
            return True
        return False

    def view_selected(self) -> None:
        r = self.table.currentRow()
        if r < 0 or r >= len(getattr(self, "files", [])):
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(attachments.path_of(self.ctx.folder, self.files[r]))))


class RecordsTab(QWidget):
    """帮扶记录: what this household has received."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = _table([self.tr("发放日期"), self.tr("帮扶项目"), self.tr("资金来源"), self.tr("金额（元）"),
                             self.tr("发放方式"), self.tr("审批人"), self.tr("备注")], [100, 100, 110, 100, 80, 90])
        self.total = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def load(self, household_id: int | None) -> None:
        book: codes.CodeBook = self.ctx.codebook()
        items = [] if household_id is None else lookup.assistance_of(self.ctx.db, household_id)
        _fill(self.table, [[it["paid_date"], book.label("project", it["project"]), book.label("fund_source", it["fund_source"]),
                            yuan(it["amount_fen"]), book.label("pay_method", it["method"]),
                            it["approver"], it["remarks"]] for it in items])
        total = sum(int(it["amount_fen"]) for it in items)
        self.total.setText(self.tr("共 {n} 次，合计 {amount} 元").format(n=f"{len(items):,}", amount=yuan(total)))


class HistoryTab(QWidget):
    """变更记录: status changes and every audited change of this archive, with who and when."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = _table([self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("内容")], [150, 80, 90])
        QVBoxLayout(self).addWidget(self.table)

    ACTIONS = {"create": "建档", "update": "修改", "status": "状态变更", "attach": "添加附件"}

    def load(self, archive_no: str | None) -> None:
        if not archive_no:
            self.table.setRowCount(0)
            return
        book = self.ctx.codebook()
        items = lookup.changes_of(self.ctx.db, archive_no)
        data = []
        for it in items:
            after = json.loads(it["after"]) if it["after"] else {}
            if it["action"] == "status":
                before = json.loads(it["before"] or "{}")
                text = (f"{book.label('status', before.get('status'))} → {book.label('status', after.get('status'))}"
                        + (f"（{book.label('exit_reason', after.get('reason'))}）" if after.get("reason") else "")
                        + (f"：{after.get('note')}" if after.get("note") else ""))
            elif it["action"] == "update":
                labels = [FIELDS.get(k, (derive.LABELS.get(k, k), None))[0] for k in after]
                text = self.tr("修改了：") + "、".join(labels) if labels else self.tr("家庭成员或收支明细")
            elif it["action"] == "attach":
                text = f"{book.label('material_type', after.get('material_type'))} {after.get('title', '')}"
            else:
                text = ""
            data.append([local_time(it["at"]), it["username"],
                         self.ACTIONS.get(it["action"]) or audit_labels.action_label(it["action"]), text])
        _fill(self.table, data)
