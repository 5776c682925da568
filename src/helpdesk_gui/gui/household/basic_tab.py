"""基本信息 tab: the worker (household head), with live hints next to the ID and phone fields."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlite_utils import Database

from helpdesk_gui.core.admin import centre
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.privacy import mask_birth_date, mask_id, mask_phone
from helpdesk_gui.core.register import lookup
from helpdesk_gui.gui.household.secret import SecretEdit, show_id_check, with_change_button
from helpdesk_gui.gui.kit.fields import CodeCombo, DateEdit, YesNoCombo, hint_label
from helpdesk_gui.gui.kit.forms import form_layout

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


class BasicTab(QWidget):
    changed = Signal()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()
    id_parsed = Signal()

    def __init__(self, db: Database, book: codes.CodeBook, townships: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.book = book
        self.household_id: int | None = None
        self.name = QLineEdit()
        self.name.setMaxLength(30)
        self.name_hint = hint_label()
        self.id_number = SecretEdit(mask_id)
        self.id_number.setMaxLength(22)
        self.id_hint = hint_label()
        self.gender = QLabel("—")
        self.birth = QLabel("—")
        self.ethnicity = CodeCombo(book, "ethnicity")
        self.political = CodeCombo(book, "political")
        self.health = CodeCombo(book, "health")
        self.disability_type = CodeCombo(book, "disability_type")
        self.disability_grade = CodeCombo(book, "disability_grade")
        self.work_status = CodeCombo(book, "work_status")
        self.model_worker = CodeCombo(book, "model_worker")
        self.phone = SecretEdit(mask_phone)
        self.phone_hint = hint_label()
        self.other_contact = QLineEdit()
        self.employer = QComboBox()
        self.employer.setEditable(True)
        self.employer.addItem("")
        self.employer.addItems(lookup.employer_names(db))
        self.employer_nature = CodeCombo(book, "employer_nature")
        self.employer_condition = CodeCombo(book, "enterprise_condition")
        self.work_start = DateEdit("参加工作时间")
        self.marital = CodeCombo(book, "marital")
        self.hukou_type = CodeCombo(book, "hukou_type")
        self.union_member = YesNoCombo()
        self.migrant = YesNoCombo()
        self.contract_date = DateEdit("劳动合同签订时间")
        self.org_unit = QComboBox()
        for oid, oname in centre.org_units(db):
            self.org_unit.addItem(oname, oid)
        self.township = QComboBox()
        self.township.setEditable(True)
        self.township.addItem("")
        self.township.addItems(townships)
        self.address = QLineEdit()
        self.hukou_region = QLineEdit()
        self.hukou_region.setMaxLength(6)
        self.hukou_region.setPlaceholderText("6 位行政区划代码，不填则取身份证号码前 6 位")
        self.housing_type = CodeCombo(book, "housing_type")
        self.housing_area = QLineEdit()
        self.housing_area.setPlaceholderText("平方米")
        self.medical = CodeCombo(book, "medical_insurance")
        self.single_parent = YesNoCombo()
        self.zero_employment = YesNoCombo()
        self.self_help = YesNoCombo()
        self.archive_type = CodeCombo(book, "archive_type", blank=None)
        self.remarks = QLineEdit()

        left = form_layout()
        left.addRow(self.tr("姓名 *"), self.name)
        left.addRow("", self.name_hint)
        left.addRow(self.tr("公民身份号码 *"), with_change_button(self.id_number))
        left.addRow("", self.id_hint)
        left.addRow(self.tr("性别"), self.gender)
        left.addRow(self.tr("出生日期"), self.birth)
        left.addRow(self.tr("民族"), self.ethnicity)
        left.addRow(self.tr("政治面貌"), self.political)
        left.addRow(self.tr("健康状况"), self.health)
        left.addRow(self.tr("残疾类别"), self.disability_type)
        left.addRow(self.tr("残疾等级"), self.disability_grade)
        left.addRow(self.tr("婚姻状况"), self.marital)
        left.addRow(self.tr("户口类型"), self.hukou_type)
        left.addRow(self.tr("手机号码"), with_change_button(self.phone))
        left.addRow("", self.phone_hint)
        left.addRow(self.tr("其他联系方式"), self.other_contact)
        right = form_layout()
        right.addRow(self.tr("档案类型"), self.archive_type)
        right.addRow(self.tr("工作状态"), self.work_status)
        right.addRow(self.tr("劳模类型"), self.model_worker)
        right.addRow(self.tr("工作单位"), self.employer)
        right.addRow(self.tr("单位性质"), self.employer_nature)
        right.addRow(self.tr("企业状况"), self.employer_condition)
        right.addRow(self.tr("参加工作时间"), self.work_start)
        right.addRow(self.tr("是否工会会员"), self.union_member)
        right.addRow(self.tr("是否农民工"), self.migrant)
        right.addRow(self.tr("合同签订时间"), self.contract_date)
        right.addRow(self.tr("建档工会"), self.org_unit)
        right.addRow(self.tr("乡镇（街道）"), self.township)
        right.addRow(self.tr("家庭住址"), self.address)
        right.addRow(self.tr("户口所在地区划"), self.hukou_region)
        third = form_layout()
        third.addRow(self.tr("住房类型"), self.housing_type)
        third.addRow(self.tr("建筑面积"), self.housing_area)
        third.addRow(self.tr("医保状况"), self.medical)
        third.addRow(self.tr("是否单亲"), self.single_parent)
        third.addRow(self.tr("零就业家庭"), self.zero_employment)
        third.addRow(self.tr("有自救能力"), self.self_help)
        third.addRow(self.tr("备注"), self.remarks)
        grid = QGridLayout()
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addLayout(third, 0, 2)
        grid.setHorizontalSpacing(24)
        outer = QVBoxLayout(self)
        outer.addLayout(grid)
        outer.addStretch(1)

        for edit in (self.name, self.id_number, self.phone, self.other_contact, self.address, self.hukou_region,
                     self.housing_area, self.remarks, self.work_start, self.contract_date):
            edit.textChanged.connect(self._emit_changed)
        for box in (self.ethnicity, self.political, self.health, self.disability_type, self.disability_grade,
                    self.work_status, self.model_worker, self.employer, self.employer_nature, self.employer_condition,
                    self.marital, self.hukou_type, self.union_member, self.migrant, self.org_unit, self.township,
                    self.housing_type, self.medical, self.single_parent, self.zero_employment, self.self_help,
                    self.archive_type):
            box.currentIndexChanged.connect(self._emit_changed)
        self.employer.editTextChanged.connect(self._emit_changed)
        self.township.editTextChanged.connect(self._emit_changed)
        self.id_number.textChanged.connect(self.check_id)
        self.phone.textChanged.connect(self.check_phone)
        self.name.textChanged.connect(self.check_name)
        self.employer.currentTextChanged.connect(self._employer_picked)

    # ---- live hints
    def check_name(self) -> None:
        self.name_hint.setText("" if self.name.text().strip() else self.tr("姓名不能为空"))

    def check_id(self) -> bool:
        """The live check (``lookup.check_id_number``, the members' too); 性别 and 出生日期 come from the number."""
        text = self.id_number.value()
        if not text.strip():
            show_id_check(self.id_hint, lookup.IdCheck(None, self.tr("公民身份号码不能为空")))
            return False
        check = lookup.check_id_number(self.db, text, exclude_household=self.household_id)
        show_id_check(self.id_hint, check)
        parsed = check.parsed
        self.gender.setText(self.book.label("gender", parsed.sex) if parsed else "—")
        # while the number is masked its birth date stays hidden too (it is the masked part)
        born = "—" if parsed is None else parsed.birth_date.isoformat()
        self.birth.setText(mask_birth_date(born) if parsed is not None and self.id_number.is_masked() else born)
        if parsed is None or check.problem:
            return False
        self.id_parsed.emit()
        return True

    def check_phone(self) -> None:
        text = self.phone.value().replace(" ", "")
        ok = not text or _PHONE.match(text)
        self.phone_hint.setText("" if ok else self.tr("应为 11 位手机号或带区号的固定电话"))

    def _employer_picked(self, name: str) -> None:
        employer = lookup.employer_by_name(self.db, name)
        if employer:
            self.employer_nature.set_code(employer["nature"])
            self.employer_condition.set_code(employer["condition"])

    # ---- load / collect
    def load(self, h: dict[str, Any], *, masked: bool = False, can_change: bool = True) -> None:
        """``masked``: show the stored ID number and phone masked and read-only (PIPL)."""
        self.household_id = h.get("id")
        self.name.setText(h.get("name") or "")
        self.id_number.load(h.get("id_number"), masked=masked, can_change=can_change)
        self.ethnicity.set_code(h.get("ethnicity"))
        self.political.set_code(h.get("political"))
        self.health.set_code(h.get("health"))
        self.disability_type.set_code(h.get("disability_type"))
        self.disability_grade.set_code(h.get("disability_grade"))
        self.work_status.set_code(h.get("work_status"))
        self.model_worker.set_code(h.get("model_worker"))
        self.phone.load(h.get("phone"), masked=masked, can_change=can_change)
        self.other_contact.setText(h.get("other_contact") or "")
        self.employer.setEditText(h.get("employer_name") or "")
        self.employer_nature.set_code(h.get("employer_nature"))
        self.employer_condition.set_code(h.get("employer_condition"))
        self.work_start.set_iso(h.get("work_start_date"))
        self.marital.set_code(h.get("marital"))
        self.hukou_type.set_code(h.get("hukou_type"))
        self.union_member.set_value(h.get("is_union_member"))
        self.migrant.set_value(h.get("is_migrant"))
        self.contract_date.set_iso(h.get("contract_signed_date"))
        if h.get("org_unit_id") is not None:
            self.org_unit.setCurrentIndex(max(self.org_unit.findData(h["org_unit_id"]), 0))
        self.township.setEditText(h.get("township") or "")
        self.address.setText(h.get("address") or "")
        self.hukou_region.setText(h.get("hukou_region_code") or "")
        self.housing_type.set_code(h.get("housing_type"))
        area = h.get("housing_area_m2")
        self.housing_area.setText("" if area is None else f"{area:g}")
        self.medical.set_code(h.get("medical_insurance"))
        self.single_parent.set_value(h.get("single_parent"))
        self.zero_employment.set_value(h.get("zero_employment"))
        self.self_help.set_value(h.get("self_help_ability"))
        self.archive_type.set_code(h.get("archive_type") or "1")
        self.remarks.setText(h.get("remarks") or "")
        self.check_id()
        self.check_phone()
        self.check_name()

    def fields(self) -> dict[str, Any]:
        """Field values for ``draft.HouseholdDraft`` (dates may raise ValidationError). An empty 户口所在地
        is filled on save by the core (``derive.home_region``: the ID number's first six digits)."""
        return {
            "name": self.name.text(), "id_number": self.id_number.value(),
            "ethnicity": self.ethnicity.code(), "political": self.political.code(), "health": self.health.code(),
            "disability_type": self.disability_type.code(), "disability_grade": self.disability_grade.code(),
            "work_status": self.work_status.code(), "model_worker": self.model_worker.code(),
            "phone": self.phone.value(), "other_contact": self.other_contact.text(),
            "work_start_date": self.work_start.iso(), "marital": self.marital.code(),
            "hukou_type": self.hukou_type.code(), "is_union_member": self.union_member.value(),
            "is_migrant": self.migrant.value(), "contract_signed_date": self.contract_date.iso(),
            "org_unit_id": self.org_unit.currentData(), "township": self.township.currentText(),
            "address": self.address.text(), "hukou_region_code": self.hukou_region.text().strip(),
            "housing_type": self.housing_type.code(), "housing_area_m2": self.housing_area.text(),
            "medical_insurance": self.medical.code(), "single_parent": self.single_parent.value(),
            "zero_employment": self.zero_employment.value(), "self_help_ability": self.self_help.value(),
            "archive_type": self.archive_type.code() or "1", "remarks": self.remarks.text(),
        }

    def employer_info(self) -> tuple[str, str | None, str | None]:
        return self.employer.currentText().strip(), self.employer_nature.code(), self.employer_condition.code()
