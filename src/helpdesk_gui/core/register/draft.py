"""A household archive as a clerk enters it: the fields, the draft and its validation.

``FIELDS`` and ``MEMBER_FIELDS`` name the columns a clerk edits (with their Chinese labels and code
lists); ``HouseholdDraft`` carries one archive in codes and fen; ``validate`` checks and normalises it,
listing every problem at once; ``draft_from`` turns a stored household back into a draft.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.core.base.errors import ValidationError, ValidationErrors
from helpdesk_gui.core.base.privacy import mask_id

#: Household columns a clerk edits, with their Chinese labels and code list (if coded).
FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("姓名", None),
    "gender": ("性别", "gender"),
    "ethnicity": ("民族", "ethnicity"),
    "political": ("政治面貌", "political"),
    "id_number": ("公民身份号码", None),
    "birth_date": ("出生日期", None),
    "health": ("健康状况", "health"),
    "disability_type": ("残疾类别", "disability_type"),
    "disability_grade": ("残疾等级", "disability_grade"),
    "work_status": ("工作状态", "work_status"),
    "model_worker": ("劳模类型", "model_worker"),
    "phone": ("手机号码", None),
    "other_contact": ("其他联系方式", None),
    "employer_id": ("工作单位", None),
    "work_start_date": ("参加工作时间", None),
    "marital": ("婚姻状况", "marital"),
    "hukou_type": ("户口类型", "hukou_type"),
    "is_union_member": ("是否工会会员", "yes_no"),
    "is_migrant": ("是否农民工", "yes_no"),
    "contract_signed_date": ("劳动合同签订时间", None),
    "contract_months": ("合同期限（月）", None),
    "org_unit_id": ("建档工会", None),
    "township": ("乡镇（街道）", None),
    "address": ("家庭住址", None),
    "hukou_region_code": ("户口所在地行政区划", None),
    "housing_type": ("住房类型", "housing_type"),
    "housing_area_m2": ("建筑面积", None),
    "medical_insurance": ("医保状况", "medical_insurance"),
    "single_parent": ("是否单亲", "yes_no"),
    "zero_employment": ("是否零就业家庭", "yes_no"),
    "self_help_ability": ("是否有一定自救能力", "yes_no"),
    "bank_name": ("开户银行", None),
    "bank_branch": ("支行名称", None),
    "bank_account": ("银行账号", None),
    "archive_type": ("档案类型", "archive_type"),
    "category": ("困难类别", "category"),
    "legacy_category_text": ("原困难类别（旧口径）", None),
    "cause_main": ("主要致困原因", "cause"),
    "causes_secondary": ("次要致困原因", None),
    "cause_other_text": ("其他致困原因说明", None),
    "family_size": ("家庭人口", None),
    "income_from": ("收入计算起始日", None),
    "income_to": ("收入计算截止日", None),
    "annual_income_fen": ("家庭年收入", None),
    "rigid_expense_fen": ("刚性支出", None),
    "created_date": ("建档日期", None),
    "exit_date": ("脱困日期", None),
    "last_review_date": ("最近复核日期", None),
    "remarks": ("备注", None),
}
MEMBER_FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("姓名", None),
    "relation": ("与户主关系", "relation"),
    "id_number": ("公民身份号码", None),
    "birth_date": ("出生日期", None),
    "gender": ("性别", "gender"),
    "health": ("健康状况", "health"),
    "identity": ("人员身份", "member_identity"),
    "school_or_employer": ("单位或学校", None),
    "monthly_income_fen": ("月收入", None),
    "has_income_proof": ("有收入证明", None),
}
_DATE_FIELDS = {"birth_date", "work_start_date", "contract_signed_date", "income_from", "income_to",
                "created_date", "exit_date", "last_review_date"}
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$", re.ASCII)


@dataclass
class HouseholdDraft:
    """Everything a clerk enters for one archive, in codes and fen."""

    fields: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    income_items: list[dict[str, Any]] = field(default_factory=list)
    expenses: list[dict[str, Any]] = field(default_factory=list)
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    #: the employer by name (with 单位性质 and 企业状况); resolved to an ``employers`` record on save
    employer: tuple[str, str | None, str | None] | None = None

    def figures(self) -> dict[str, int]:
        """家庭人口, 家庭年收入 and 刚性支出 as the editor gives them: the head plus the members listed
        (the field when no member is listed), the item sums (the totals when there are no items)."""
        f = self.fields
        return {
            "family_size": 1 + len(self.members) if self.members else int(f.get("family_size") or 1),
            "annual_income_fen": (sum(int(i["amount_fen"] or 0) for i in self.income_items) if self.income_items
                                  else int(f.get("annual_income_fen") or 0)),
            "rigid_expense_fen": (sum(int(e["amount_fen"] or 0) for e in self.expenses) if self.expenses
                                  else int(f.get("rigid_expense_fen") or 0)),
        }

    def accident_loss_fen(self) -> int:
        """The year's loss from a sudden event (意外致困): the 刚性支出 items of kind ``accident``."""
        return sum(int(e["amount_fen"] or 0) for e in self.expenses if e.get("kind") == "accident")

    def exclusion_kinds(self) -> list[str]:
        return [str(e["kind"]) for e in self.exclusions if e.get("kind")]


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _check_date(label: str, value: Any, errors: list[ValidationError]) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        errors.append(ValidationError(label, "日期格式应为 YYYY-MM-DD", value))
        return None


def _check_int(label: str, value: Any, errors: list[ValidationError]) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.append(ValidationError(label, "应为整数", value))
        return None


def _check_code(book: codes.CodeBook, list_name: str, label: str, value: Any,
                errors: list[ValidationError]) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    if book.has_code(list_name, text):
        return text
    try:
        return book.code(list_name, text, field=label)
    except ValidationError as e:
        errors.append(e)
        return None


def validate(book: codes.CodeBook, draft: HouseholdDraft, *, today: _dt.date | None = None) -> HouseholdDraft:
    """Check and normalise a draft; raise ``ValidationErrors`` listing every problem at once."""
    today = today or _dt.date.today()
    errors: list[ValidationError] = []
    f: dict[str, Any] = {}
    src = draft.fields
    for key, value in src.items():
        if key not in FIELDS:
            continue
        label, list_name = FIELDS[key]
        if key in _DATE_FIELDS:
            f[key] = _check_date(label, value, errors)
        elif list_name:
            f[key] = _check_code(book, list_name, label, value, errors)
            if list_name == "yes_no" and f[key] is not None:
                f[key] = int(f[key])  # INTEGER columns: same type as stored, so update diffs compare equal
        elif key in ("employer_id", "org_unit_id", "contract_months", "family_size"):
            f[key] = _check_int(label, value, errors)
        elif key == "housing_area_m2":
            try:
                f[key] = None if value in (None, "") else float(Decimal(str(value)))
            except ArithmeticError:
                errors.append(ValidationError(label, "应为数字（平方米）", value))
        elif key in ("annual_income_fen", "rigid_expense_fen"):
            f[key] = _check_int(label, value, errors) or 0
        else:
            f[key] = clean_text(value)
    name = f.get("name", "")
    if not name:
        errors.append(ValidationError("姓名", "不能为空"))
    elif len(name) > 30:
        errors.append(ValidationError("姓名", "不能超过 30 个字", name))
    idn = src.get("id_number")
    if not idn:
        errors.append(ValidationError("公民身份号码", "不能为空"))
    else:
        try:
            parsed = ids.parse(str(idn), today=today)
        except ValidationError as e:
            errors.append(e)
        else:
            f["id_number"] = parsed.value
            if f.get("birth_date") and f["birth_date"] != parsed.birth_date.isoformat():
                errors.append(ValidationError("出生日期", f"与身份证号码中的出生日期 {parsed.birth_date} 不一致",
                                              f["birth_date"]))
            f["birth_date"] = parsed.birth_date.isoformat()
            if f.get("gender") and f["gender"] != parsed.sex:
                errors.append(ValidationError("性别", "与身份证号码第 17 位不一致", book.label("gender", f["gender"])))
            f["gender"] = parsed.sex
    phone = "".join(unicodedata.normalize("NFKC", f.get("phone") or "").split())  # IME full-width digits
    if phone and not _PHONE.match(phone):
        errors.append(ValidationError("手机号码", "应为 11 位手机号或带区号的固定电话", f["phone"]))
    elif phone:
        f["phone"] = phone
    if "bank_account" in f:  # a draft without the field leaves the stored account alone
        account = "".join(unicodedata.normalize("NFKC", str(f["bank_account"] or "")).split())
        if account and not (account.isascii() and account.isdigit() and 12 <= len(account) <= 30):
            errors.append(ValidationError("银行账号", "应为 12–30 位数字", f["bank_account"]))
        f["bank_account"] = account
    if "cause_main" in src or "causes_secondary" in src:
        if not f.get("cause_main"):
            errors.append(ValidationError("主要致困原因", "必须选择一项"))
        secondary_raw = src.get("causes_secondary") or []
        if isinstance(secondary_raw, str):
            secondary_raw = [s for s in re.split(r"[,，、]", secondary_raw) if s.strip()]
        secondary: list[str] = []
        for s in secondary_raw:
            code = _check_code(book, "cause", "次要致困原因", s, errors)
            if code and code not in secondary:
                secondary.append(code)
        if len(secondary) > 3:
            errors.append(ValidationError("次要致困原因", "最多选择三项", "、".join(book.label("cause", c) for c in secondary)))
        if f.get("cause_main") in secondary:
            errors.append(ValidationError("次要致困原因", "不能与主要致困原因相同", book.label("cause", f["cause_main"])))
        f["causes_secondary"] = ",".join(secondary)
        if "10" in [f.get("cause_main"), *secondary] and not f.get("cause_other_text"):
            errors.append(ValidationError("其他致困原因说明", "选择“其他”时须填写说明"))
    members = [_validate_member(book, i, m, today, errors) for i, m in enumerate(draft.members, start=1)]
    seen: dict[str, str] = {}
    if f.get("id_number"):
        seen[f["id_number"]] = "户主"
    for m in members:
        if m.get("id_number"):
            if m["id_number"] in seen:
                errors.append(ValidationError(f"家庭成员“{m['name']}”的公民身份号码",
                                              f"与{seen[m['id_number']]}重复", mask_id(m["id_number"])))
            seen[m["id_number"]] = f"家庭成员“{m['name']}”"
    income = [_validate_amount_item(book, "income_kind", "收入项目", it, errors, allow_negative=True)
              for it in draft.income_items]
    expenses = [_validate_amount_item(book, "expense_kind", "刚性支出项目", it, errors, allow_negative=False)
                for it in draft.expenses]
    exclusions = []
    for ex in draft.exclusions:
        code = _check_code(book, "exclusion", "排除条件", ex.get("kind"), errors)
        if code:
            exclusions.append({"kind": code, "evidence": clean_text(ex.get("evidence"))})
    if errors:
        raise ValidationErrors(errors)
    return HouseholdDraft(f, members, income, expenses, exclusions, draft.employer)


def _validate_member(book: codes.CodeBook, index: int, m: Mapping[str, Any], today: _dt.date,
                     errors: list[ValidationError]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name = clean_text(m.get("name"))
    where = f"第 {index} 位家庭成员“{name}”" if name else f"第 {index} 位家庭成员"
    if not name:
        errors.append(ValidationError(f"{where}的姓名", "不能为空"))
    out["name"] = name
    for key, (label, list_name) in MEMBER_FIELDS.items():
        if key == "name":
            continue
        value = m.get(key)
        if key == "birth_date":
            out[key] = _check_date(f"{where}的{label}", value, errors)
        elif list_name:
            out[key] = _check_code(book, list_name, f"{where}的{label}", value, errors)
        elif key == "monthly_income_fen":
            out[key] = _check_int(f"{where}的{label}", value, errors) or 0
            if out[key] < 0:
                errors.append(ValidationError(f"{where}的月收入", "不能为负数", value))
        elif key == "has_income_proof":
            out[key] = 1 if value else 0
        else:
            out[key] = clean_text(value)
    if not out.get("relation"):
        errors.append(ValidationError(f"{where}的与户主关系", "必须选择"))
    if out.get("id_number"):
        try:
            parsed = ids.parse(out["id_number"], today=today)
        except ValidationError as e:
            errors.append(ValidationError(f"{where}的公民身份号码", e.reason, out["id_number"]))
        else:
            out["id_number"] = parsed.value
            if out.get("birth_date") and out["birth_date"] != parsed.birth_date.isoformat():
                errors.append(ValidationError(f"{where}的出生日期", "与身份证号码不一致", out["birth_date"]))
            out["birth_date"] = parsed.birth_date.isoformat()
            if out.get("gender") and out["gender"] != parsed.sex:
                errors.append(ValidationError(f"{where}的性别", "与身份证号码不一致"))
            out["gender"] = parsed.sex
    return out


def _validate_amount_item(book: codes.CodeBook, list_name: str, label: str, item: Mapping[str, Any],
                          errors: list[ValidationError], *, allow_negative: bool) -> dict[str, Any]:
    code = _check_code(book, list_name, label, item.get("kind"), errors)
    amount = _check_int(f"{label}金额（分）", item.get("amount_fen"), errors) or 0
    if amount < 0 and not allow_negative:
        errors.append(ValidationError(f"{label}“{book.label(list_name, code)}”", "金额不能为负数"))
    return {"kind": code, "amount_fen": amount, "note": clean_text(item.get("note"))}


def draft_from(household: Mapping[str, Any]) -> HouseholdDraft:
    """A stored household as an editable draft (the editor starts from this)."""
    f = {k: household.get(k) for k in FIELDS if k in household}
    return HouseholdDraft(
        fields=f,
        members=[{k: m.get(k) for k in MEMBER_FIELDS} for m in household.get("members", [])],
        income_items=[{k: i[k] for k in ("kind", "amount_fen", "note")} for i in household.get("income_items", [])],
        expenses=[{k: i[k] for k in ("kind", "amount_fen", "note")} for i in household.get("expenses", [])],
        exclusions=[{k: i[k] for k in ("kind", "evidence")} for i in household.get("exclusions", [])],
    )

