"""新增 / 修改医疗互助会员: name, ID number (sex and birth date read from it as it is typed), unit,
phone, bank and account, the year of joining from paper records, a note; and, for a member not yet
in the chosen plan year, "同时登记参加本年度" (saved together in one transaction)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox, QWidget

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.forms import HINT_STYLE, FormDialog

NO_YEAR = 1989


class MemberDialog(FormDialog):
    """OK saves through ``core.mutual.enrolment.save_and_enrol``; ``member_id`` is then the member's id."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, plan: dict[str, Any] | None = None,
                 member_id: int | None = None, unit_id: int | None = None, enrolled: bool | None = None) -> None:
        editing = member_id is not None
        super().__init__(self.tr("修改会员") if editing else self.tr("新增会员"),
                         self.tr("保存") if editing else self.tr("登记"), parent)
        self.ctx = ctx
        self.plan = plan
        self.member_id = member_id
        m = mutual_members.get_member(ctx.db, member_id) if member_id is not None else None
        self.name = QLineEdit(m["name"] if m else "")
        self.id_number = QLineEdit(m["id_number"] if m else "")
        self.id_number.setMaxLength(18)
        self.id_number.setPlaceholderText(self.tr("18 位公民身份号码"))
        self.id_info = QLabel()
        self.id_info.setStyleSheet(HINT_STYLE)
        self.unit = QComboBox()
        current_unit = int(m["unit_id"]) if m else unit_id
        for u in mutual_members.list_units(ctx.db):
            if u["active"] or int(u["id"]) == current_unit:
                self.unit.addItem(u["name"], int(u["id"]))
        if current_unit is not None and self.unit.findData(current_unit) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(current_unit))
        self.phone = QLineEdit(m["phone"] if m else "")
        self.bank_name = QLineEdit(m["bank_name"] if m else "")
        self.bank_name.setPlaceholderText(self.tr("如：农业银行某某支行"))
        self.bank_account = QLineEdit(m["bank_account"] if m else "")
        self.since_year = QSpinBox()
        self.since_year.setRange(NO_YEAR, _dt.date.today().year)
        self.since_year.setSpecialValueText(self.tr("不填"))
        self.since_year.setValue(int(m["since_year"]) if m and m["since_year"] else NO_YEAR)
        self.since_year.setToolTip(self.tr("本系统建立第一个方案之前，按纸质记录已连续参加的起始年度"))
        self.note = QLineEdit(m["note"] if m else "")
        self.enrol = QCheckBox()
        open_ = plan is not None and plan["status"] == "open"
        if editing and enrolled is None and plan is not None:
            enrolled = any(int(x["id"]) == member_id for x in mutual_members.list_members(
                ctx.db, plan_id=int(plan["id"]), unit_id=int(m["unit_id"]) if m else None, text=m["id_number"] if m else "",
                enrolled_only=True))
        self.offers_enrol = open_ and not enrolled
        if plan is not None and self.offers_enrol:
            self.enrol.setText(self.tr("同时登记参加 {y} 年度").format(y=plan["period"]))
            self.enrol.setChecked(not editing)

        self.form.addRow(self.tr("姓名"), self.name)
        self.form.addRow(self.tr("公民身份号码"), self.id_number)
        self.form.addRow("", self.id_info)
        self.form.addRow(self.tr("所在单位"), self.unit)
        self.form.addRow(self.tr("联系电话"), self.phone)
        self.form.addRow(self.tr("开户银行"), self.bank_name)
        self.form.addRow(self.tr("银行账号"), self.bank_account)
        self.form.addRow(self.tr("连续参加起始年度"), self.since_year)
        self.form.addRow(self.tr("备注"), self.note)
        if self.offers_enrol:
            self.form.addRow("", self.enrol)
        self.fields = {"姓名": self.name, "公民身份号码": self.id_number, "所在单位": self.unit,
                       "连续参加起始年度": self.since_year, "银行账号": self.bank_account}
        order = [self.name, self.id_number, self.unit, self.phone, self.bank_name, self.bank_account, self.since_year,
                 self.note, *([self.enrol] if self.offers_enrol else [])]
        for a, b in zip(order, order[1:], strict=False):
            self.setTabOrder(a, b)
        self.id_number.textChanged.connect(self._show_id)
        self._show_id(self.id_number.text())
        self.name.setFocus()

    def _show_id(self, text: str) -> None:
        if len(text.strip()) < 18:
            self.id_info.setText(self.tr("性别和出生日期将从身份证号中读取") if not text.strip() else "")
            return
        try:
            parsed = ids.parse(text)
        except HelpdeskError as e:
            self.id_info.setText(f"<span style='color:#b3261e'>{e}</span>")
            return
        sex = self.tr("男") if parsed.sex == "1" else self.tr("女")
        self.id_info.setText(self.tr("{sex}，{birth} 出生").format(sex=sex, birth=parsed.birth_date.isoformat()))

    def draft(self) -> mutual_members.MemberDraft:
        unit = self.unit.currentData()
        year = self.since_year.value()
        return mutual_members.MemberDraft(
            self.name.text(), self.id_number.text(), int(unit) if unit is not None else 0, phone=self.phone.text(),
            bank_name=self.bank_name.text(), bank_account=self.bank_account.text(),
            since_year=None if year == NO_YEAR else year, note=self.note.text())

    def submit(self) -> None:
        enrol = self.plan is not None and self.offers_enrol and self.enrol.isChecked()
        plan_id = int(self.plan["id"]) if enrol and self.plan is not None else None
        self.member_id = mutual_enrolment.save_and_enrol(self.ctx.db, self.ctx.actor, self.draft(), self.member_id,
                                                         plan_id=plan_id)
