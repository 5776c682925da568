"""新建 / 修改参加单位: name, contact person and phone, a note; a unit that no longer takes part is
停用 (kept with its members and history, left out of the member dialog's list)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.forms import FormDialog


class UnitDialog(FormDialog):
    """OK saves through ``core.mutual.members.save_unit``; ``unit_id`` is then the unit's id."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, unit: dict[str, Any] | None = None) -> None:
        super().__init__(self.tr("修改参加单位") if unit else self.tr("新建参加单位"),
                         self.tr("保存") if unit else self.tr("新建"), parent)
        self.ctx = ctx
        self.unit_id: int | None = int(unit["id"]) if unit else None
        self.name = QLineEdit(unit["name"] if unit else "")
        self.name.setPlaceholderText(self.tr("如：县煤业公司工会"))
        self.contact = QLineEdit(unit["contact"] if unit else "")
        self.phone = QLineEdit(unit["phone"] if unit else "")
        self.note = QLineEdit(unit["note"] if unit else "")
        self.active = QCheckBox(self.tr("在用（取消表示该单位已不再参加）"))
        self.active.setChecked(bool(unit["active"]) if unit else True)
        self.form.addRow(self.tr("单位名称"), self.name)
        self.form.addRow(self.tr("联系人"), self.contact)
        self.form.addRow(self.tr("联系电话"), self.phone)
        self.form.addRow(self.tr("备注"), self.note)
        if unit:
            self.form.addRow("", self.active)
        self.fields = {"单位名称": self.name}
        for a, b in ((self.name, self.contact), (self.contact, self.phone), (self.phone, self.note),
                     (self.note, self.active)):
            self.setTabOrder(a, b)
        self.name.setFocus()

    def submit(self) -> None:
        self.unit_id = mutual_members.save_unit(self.ctx.db, self.ctx.actor, self.name.text(),
                                                contact=self.contact.text(), phone=self.phone.text(),
                                                note=self.note.text(), unit_id=self.unit_id,
                                                active=self.active.isChecked())
