"""The register (困难职工档案): one household, one archive.

Households (the worker is the head), family members, income items, rigid expenses, exclusion
flags and attachments; archive numbers; the one-active-archive-per-person rule; the status
lifecycle with exit reasons and 返困. Every write takes the acting user, runs in one
transaction and writes its audit row in that transaction.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes, ids, pinyin
from helpdesk_gui.core.base.errors import (
    DuplicatePersonError,
    NotFoundError,
    StateError,
    ValidationError,
    ValidationErrors,
)
from helpdesk_gui.core.base.privacy import mask_bank, mask_id, mask_phone
from helpdesk_gui.core.db import get_meta, now_iso, row, rows, scalar, write
from helpdesk_gui.core.register import eligibility

ACTIVE_STATUSES = ("applying", "visiting", "publicity", "pending", "active")
CLOSED_STATUSES = ("exited", "cancelled")

#: Allowed status changes. Back to ``applying`` is 退回 (correction); exited → applying is 返困.
TRANSITIONS: dict[str, frozenset[str]] = {
    "applying": frozenset({"visiting", "cancelled"}),
    "visiting": frozenset({"publicity", "applying", "cancelled"}),
    "publicity": frozenset({"pending", "applying", "cancelled"}),
    "pending": frozenset({"active", "applying", "cancelled"}),
    "active": frozenset({"exited", "cancelled"}),
    "exited": frozenset({"applying"}),
    "cancelled": frozenset(),
}

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


def _clean_text(value: Any) -> str:
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
            f[key] = _clean_text(value)
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
            exclusions.append({"kind": code, "evidence": _clean_text(ex.get("evidence"))})
    if errors:
        raise ValidationErrors(errors)
    return HouseholdDraft(f, members, income, expenses, exclusions, draft.employer)


def _validate_member(book: codes.CodeBook, index: int, m: Mapping[str, Any], today: _dt.date,
                     errors: list[ValidationError]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name = _clean_text(m.get("name"))
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
            out[key] = _clean_text(value)
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
    return {"kind": code, "amount_fen": amount, "note": _clean_text(item.get("note"))}


# ---------------------------------------------------------------- lookups and rules

def find_active_person(db: Database, id_number: str, *, exclude_household: int | None = None) -> tuple[str, str] | None:
    """(archive number, role) of an active archive that already holds this person, if any."""
    ex = exclude_household or -1
    placeholders = ",".join("?" * len(ACTIVE_STATUSES))
    hit = row(db, f"SELECT archive_no FROM households WHERE id_number = ? AND id <> ? AND status IN ({placeholders}) "
                  "LIMIT 1", [id_number, ex, *ACTIVE_STATUSES])
    if hit:
        return str(hit["archive_no"]), "户主"
    hit = row(db, f"SELECT h.archive_no FROM members m JOIN households h ON h.id = m.household_id "
                  f"WHERE m.id_number = ? AND h.id <> ? AND h.status IN ({placeholders}) LIMIT 1",
              [id_number, ex, *ACTIVE_STATUSES])
    if hit:
        return str(hit["archive_no"]), "家庭成员"
    return None


def _ensure_unique_people(db: Database, draft: HouseholdDraft, household_id: int | None) -> None:
    people = [draft.fields.get("id_number")] + [m.get("id_number") for m in draft.members]
    for idn in people:
        if not idn:
            continue
        other = find_active_person(db, idn, exclude_household=household_id)
        if other:
            raise DuplicatePersonError(mask_id(idn), other[0], other[1])


def allocate_archive_no(db: Database, county_code: str, year: int) -> str:
    """County code + year + 5-digit serial, never reused. Call inside a write transaction."""
    prefix = f"{county_code}{year}"
    last = scalar(db, "SELECT last_serial FROM archive_serials WHERE prefix = ?", [prefix])
    serial = int(last or 0)
    while True:
        serial += 1
        if serial > 99999:
            raise StateError(f"{year} 年的档案编号已用完（{prefix}99999）。")
        candidate = f"{prefix}{serial:05d}"
        if not scalar(db, "SELECT 1 FROM households WHERE archive_no = ?", [candidate]):
            break
    db.execute("INSERT INTO archive_serials (prefix, last_serial) VALUES (?, ?) "
               "ON CONFLICT (prefix) DO UPDATE SET last_serial = excluded.last_serial", [prefix, serial])
    return candidate


def get_or_create_employer(db: Database, name: str, *, nature: str | None = None, condition: str | None = None,
                           industry: str | None = None) -> int | None:
    name = _clean_text(name)
    if not name:
        return None
    hit = scalar(db, "SELECT id FROM employers WHERE name = ?", [name])
    if hit is not None:
        if nature or condition or industry:
            db.execute("UPDATE employers SET nature = coalesce(?, nature), condition = coalesce(?, condition), "
                       "industry = coalesce(?, industry) WHERE id = ?", [nature, condition, industry, hit])
        return int(hit)
    cur = db.execute("INSERT INTO employers (name, nature, condition, industry) VALUES (?, ?, ?, ?)",
                     [name, nature, condition, industry])
    return int(cur.lastrowid or 0)


def rules_for(db: Database, region_code: str, on: _dt.date) -> eligibility.Rules:
    std = policy.lookup(db, region_code, on)
    s = settings.get_all(db)
    return eligibility.Rules(
        dibao_month_fen=std.dibao_month_fen, min_wage_month_fen=std.min_wage_month_fen,
        relative_multiplier=Decimal(str(s["relative_multiplier"])), accident_ratio=Decimal(str(s["accident_ratio"])),
        working_age_min=int(s["working_age_min"]), working_age_max_male=int(s["working_age_max_male"]),
        working_age_max_female=int(s["working_age_max_female"]))


def income_test_for(db: Database, draft: HouseholdDraft, *, on: _dt.date | None = None) -> eligibility.IncomeTest:
    """Run the income test on a (validated) draft with the rules in force for its region and date."""
    on = on or _dt.date.today()
    f = draft.fields
    region = f.get("hukou_region_code") or str(settings.get(db, "default_region_code"))
    size = 1 + len(draft.members) if draft.members else int(f.get("family_size") or 1)
    income = sum(i["amount_fen"] for i in draft.income_items) if draft.income_items else int(f.get("annual_income_fen") or 0)
    rigid = sum(e["amount_fen"] for e in draft.expenses) if draft.expenses else int(f.get("rigid_expense_fen") or 0)
    accident = sum(e["amount_fen"] for e in draft.expenses if e["kind"] == "accident")
    book = codes.load(db)
    return eligibility.run(
        family_size=size, annual_income_fen=income, rigid_expense_fen=rigid, rules=rules_for(db, region, on),
        members=draft.members, accident_loss_fen=accident, exclusions=[e["kind"] for e in draft.exclusions],
        exclusion_labels={i.code: i.label for i in book.items("exclusion", active_only=False)}, on=on)


# ---------------------------------------------------------------- writes

def _derived(f: dict[str, Any], test: eligibility.IncomeTest) -> None:
    if "name" in f:
        f["name_pinyin"], f["name_initials"] = pinyin.keys(f["name"])
    if "id_number" in f:
        f["id_rev"] = f["id_number"][::-1]
    if "phone" in f:
        f["phone_rev"] = (f["phone"] or "")[::-1]
    f["family_size"] = test.family_size
    f["annual_income_fen"] = test.declared_income_fen
    f["rigid_expense_fen"] = test.rigid_expense_fen
    f["per_capita_month_fen"] = test.per_capita_month_fen
    f["category_suggested"] = test.suggested_category


def _resolve_employer(db: Database, draft: HouseholdDraft, f: dict[str, Any]) -> None:
    if draft.employer is not None:
        name, nature, condition = draft.employer
        f["employer_id"] = get_or_create_employer(db, name, nature=nature, condition=condition)


@contextmanager
def fts_deferred(db: Database) -> Iterator[None]:
    """Bulk inserts of households (demo, batch import): fill the address index once at the end
    instead of once per row. Must run inside the caller's write transaction, so it is all or nothing."""
    first = int(scalar(db, "SELECT coalesce(max(id), 0) FROM households")) + 1
    db.execute("DROP TRIGGER households_fts_ai")
    yield
    db.execute("INSERT INTO households_fts (rowid, address) SELECT id, address FROM households WHERE id >= ?", [first])
    db.execute("CREATE TRIGGER households_fts_ai AFTER INSERT ON households BEGIN "
               "INSERT INTO households_fts (rowid, address) VALUES (new.id, new.address); END")


def _write_children(db: Database, household_id: int, draft: HouseholdDraft) -> None:
    db.execute("DELETE FROM members WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM income_items WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM rigid_expenses WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM exclusions WHERE household_id = ?", [household_id])
    cols = list(MEMBER_FIELDS)
    db.conn.executemany(
        f"INSERT INTO members (household_id, ord, {', '.join(cols)}) VALUES (?, ?, {', '.join('?' * len(cols))})",
        [[household_id, i, *[m.get(c) for c in cols]] for i, m in enumerate(draft.members)])
    db.conn.executemany("INSERT INTO income_items (household_id, kind, amount_fen, note) VALUES (?, ?, ?, ?)",
                        [[household_id, it["kind"], it["amount_fen"], it["note"]] for it in draft.income_items])
    db.conn.executemany("INSERT INTO rigid_expenses (household_id, kind, amount_fen, note) VALUES (?, ?, ?, ?)",
                        [[household_id, it["kind"], it["amount_fen"], it["note"]] for it in draft.expenses])
    db.conn.executemany("INSERT INTO exclusions (household_id, kind, evidence) VALUES (?, ?, ?)",
                        [[household_id, it["kind"], it["evidence"]] for it in draft.exclusions])


def create_household(db: Database, actor: Actor, draft: HouseholdDraft, *, today: _dt.date | None = None) -> int:
    """A new archive in status 申请中 with a fresh archive number. Returns the household id."""
    actor.require("register.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    clean = validate(book, draft, today=today)
    with write(db):
        _ensure_unique_people(db, clean, None)
        test = income_test_for(db, clean, on=today)
        f = dict(clean.fields)
        _derived(f, test)
        _resolve_employer(db, clean, f)
        county = get_meta(db, "county_code")
        f["archive_no"] = allocate_archive_no(db, county, today.year)
        f["sender_code"] = county
        f["status"] = "applying"
        f["archive_type"] = f.get("archive_type") or "1"
        f["created_date"] = f.get("created_date") or today.isoformat()
        f["created_at"] = f["updated_at"] = now_iso()
        cols = list(f)
        cur = db.execute(f"INSERT INTO households ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [f[c] for c in cols])
        hid = int(cur.lastrowid or 0)
        _write_children(db, hid, clean)
        db.execute("INSERT INTO status_history (household_id, from_status, to_status, at, by_user) VALUES (?, NULL, ?, ?, ?)",
                   [hid, "applying", f["created_at"], actor.username])
        audit.record(db, actor.username, "create", "household", f["archive_no"], None,
                     {**_audit_view(f), "members": len(clean.members)})
    return hid


def update_household(db: Database, actor: Actor, household_id: int, draft: HouseholdDraft, *,
                     today: _dt.date | None = None) -> None:
    """Replace the editable fields and the child lists of an archive (closed archives are read-only)."""
    actor.require("register.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    clean = validate(book, draft, today=today)
    with write(db):
        before = row(db, "SELECT * FROM households WHERE id = ?", [household_id])
        if before is None:
            raise NotFoundError("档案", household_id)
        if before["status"] in CLOSED_STATUSES:
            raise StateError(f"档案 {before['archive_no']} 已{book.label('status', before['status'])}，不能修改；"
                             "如需恢复请办理返困。")
        _ensure_unique_people(db, clean, household_id)
        test = income_test_for(db, clean, on=today)
        f = dict(clean.fields)
        _derived(f, test)
        _resolve_employer(db, clean, f)
        f["updated_at"] = now_iso()
        cols = [c for c in f if c not in ("archive_no", "sender_code", "status", "created_at")
                and not (c in ("archive_type", "created_date") and not f[c])]  # NOT NULL: keep stored
        db.execute(f"UPDATE households SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                   [*[f[c] for c in cols], household_id])
        _write_children(db, household_id, clean)
        changed = {c: [before.get(c), f[c]] for c in cols if before.get(c) != f[c] and c != "updated_at"}
        audit.record(db, actor.username, "update", "household", before["archive_no"],
                     _audit_view({c: v[0] for c, v in changed.items()}), _audit_view({c: v[1] for c, v in changed.items()}))


def _check_application(db: Database, h: Mapping[str, Any], to_status: str, application_id: int | None) -> None:
    """在档 only through an approved 新建档 application decided by someone other than its enterer; while
    such an application is open, only its own steps (core.workflow) move the archive."""
    if to_status == "active":
        approved = application_id is not None and row(
            db, "SELECT 1 FROM decisions d JOIN applications a ON a.id = d.application_id WHERE a.id = ? "
                "AND a.household_id = ? AND a.kind = 'new_archive' AND d.outcome = 'approved' "
                "AND d.approved_by <> a.entered_by", [application_id, h["id"]])
        if not approved:
            raise StateError(f"档案 {h['archive_no']} 只能经新建档申请审批后进入“在档”：请在“帮扶申请”中办理，"
                             "审批人不能是录入该申请的人。")
        return
    open_app = row(db, "SELECT id, app_no FROM applications WHERE household_id = ? AND kind = 'new_archive' "
                       "AND status IN ('returned', 'accepted', 'reviewing', 'publicity', 'pending', 'second') "
                       "ORDER BY id DESC LIMIT 1", [h["id"]])
    if open_app is not None and open_app["id"] != application_id:
        raise StateError(f"档案 {h['archive_no']} 有办理中的新建档申请 {open_app['app_no']}，档案状态随申请的办理环节变化；"
                         "如需中止，请在“帮扶申请”中撤回该申请。")


def set_status(db: Database, actor: Actor, household_id: int, to_status: str, *, reason: str | None = None,
               note: str = "", on: _dt.date | None = None, application_id: int | None = None) -> None:
    """Move an archive along its lifecycle. Illegal moves raise ``StateError``.

    ``application_id``: the 新建档 application (core.workflow) making the move. 在档 needs its approval.
    """
    actor.require("register.status")
    on = on or _dt.date.today()
    book = codes.load(db)
    with write(db):
        h = row(db, "SELECT id, archive_no, status, id_number FROM households WHERE id = ?", [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        frm = h["status"]
        if to_status not in TRANSITIONS.get(frm, frozenset()):
            raise StateError(f"档案 {h['archive_no']} 当前为“{book.label('status', frm)}”，"
                             f"不能改为“{book.label('status', to_status)}”。")
        _check_application(db, h, to_status, application_id)
        updates: dict[str, Any] = {"status": to_status, "updated_at": now_iso()}
        if to_status == "cancelled":
            if not reason or not book.has_code("exit_reason", reason):
                raise ValidationError("注销原因", "必须从退休、调离、死亡、不符合条件、弄虚作假中选择", reason)
            updates["exit_reason"] = reason
            updates["exit_date"] = on.isoformat()
        elif to_status == "exited":
            updates["exit_date"] = on.isoformat()
        elif frm == "exited" and to_status == "applying":  # 返困
            members = [m["id_number"] for m in rows(db, "SELECT id_number FROM members WHERE household_id = ?",
                                                    [household_id]) if m["id_number"]]
            for idn in [h["id_number"], *members]:
                other = find_active_person(db, idn, exclude_household=household_id)
                if other:
                    raise DuplicatePersonError(mask_id(idn), other[0], other[1])
            updates["exit_date"] = None
            updates["exit_reason"] = None
        db.execute(f"UPDATE households SET {', '.join(k + ' = ?' for k in updates)} WHERE id = ?",
                   [*updates.values(), household_id])
        db.execute("INSERT INTO status_history (household_id, from_status, to_status, reason, note, at, by_user) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", [household_id, frm, to_status, reason, note, updates["updated_at"],
                                                    actor.username])
        audit.record(db, actor.username, "status", "household", h["archive_no"], {"status": frm},
                     {"status": to_status, "reason": reason, "note": note})


def add_attachment(db: Database, actor: Actor, household_id: int, material_type: str, title: str,
                   file_name: str = "", sha256: str = "") -> int:
    actor.require("register.edit")
    book = codes.load(db)
    if not book.has_code("material_type", material_type):
        raise ValidationError("材料类型", "不是可选值", material_type)
    with write(db):
        archive_no = scalar(db, "SELECT archive_no FROM households WHERE id = ?", [household_id])
        if archive_no is None:
            raise NotFoundError("档案", household_id)
        cur = db.execute("INSERT INTO attachments (household_id, material_type, title, file_name, sha256, added_at, "
                         "added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [household_id, material_type, title, file_name, sha256, now_iso(), actor.username])
        audit.record(db, actor.username, "attach", "household", archive_no, None,
                     {"material_type": material_type, "title": title, "file_name": file_name})
    return int(cur.lastrowid or 0)


#: personal numbers kept in the audit trail masked only: the trail is append-only (hash chain), so what it
#: holds outlives the retention purge of an archive (PIPL)
_AUDIT_MASKS = {"id_number": mask_id, "phone": mask_phone, "bank_account": mask_bank}


def _audit_view(f: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (_AUDIT_MASKS[k](v) if k in _AUDIT_MASKS and v else v) for k, v in f.items()
            if k not in ("name_pinyin", "name_initials", "id_rev", "phone_rev")}


# ---------------------------------------------------------------- reads

def get_household(db: Database, household_id: int) -> dict[str, Any]:
    h = row(db, "SELECT h.*, e.name AS employer_name, e.nature AS employer_nature, e.condition AS employer_condition, "
                "o.name AS org_unit_name FROM households h LEFT JOIN employers e ON e.id = h.employer_id "
                "LEFT JOIN org_units o ON o.id = h.org_unit_id WHERE h.id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    h["members"] = rows(db, "SELECT * FROM members WHERE household_id = ? ORDER BY ord, id", [household_id])
    h["income_items"] = rows(db, "SELECT * FROM income_items WHERE household_id = ? ORDER BY id", [household_id])
    h["expenses"] = rows(db, "SELECT * FROM rigid_expenses WHERE household_id = ? ORDER BY id", [household_id])
    h["exclusions"] = rows(db, "SELECT * FROM exclusions WHERE household_id = ? ORDER BY id", [household_id])
    h["attachments"] = rows(db, "SELECT * FROM attachments WHERE household_id = ? ORDER BY id", [household_id])
    h["history"] = rows(db, "SELECT * FROM status_history WHERE household_id = ? ORDER BY id", [household_id])
    return h


def household_id_by_archive(db: Database, archive_no: str, sender_code: str | None = None) -> int:
    if sender_code:
        hid = scalar(db, "SELECT id FROM households WHERE sender_code = ? AND archive_no = ?", [sender_code, archive_no])
    else:
        hid = scalar(db, "SELECT id FROM households WHERE archive_no = ? ORDER BY id LIMIT 1", [archive_no])
    if hid is None:
        raise NotFoundError("档案", archive_no)
    return int(hid)


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


def townships(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT township FROM households WHERE township <> '' ORDER BY township")]


def count_by(db: Database, column: str, statuses: Sequence[str] | None = None) -> dict[str, int]:
    if column not in ("status", "category", "cause_main", "township", "archive_type"):
        raise ValueError(column)
    where = ""
    params: list[Any] = []
    if statuses:
        where = f"WHERE status IN ({','.join('?' * len(statuses))})"
        params = list(statuses)
    return {str(k): int(n) for k, n in db.execute(
        f"SELECT coalesce({column}, ''), count(*) FROM households {where} GROUP BY 1", params)}



def reveal(db: Database, actor: Actor, household_id: int, *, members: bool = False) -> dict[str, str]:
    """The unmasked ID number, phone and bank account of one archive, for a role that may see them.
    Every reveal is written to the audit trail (``members``: the archive editor also shows the family
    members' ID numbers, and the audit row says so)."""
    actor.require("register.reveal")
    with write(db):
        h = row(db, "SELECT archive_no, name, id_number, phone, bank_name, bank_account FROM households WHERE id = ?",
                [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        audit.record(db, actor.username, "reveal", "household", h["archive_no"], None,
                     {"fields": ["id_number", "phone", "bank_account", *(["members.id_number"] if members else [])]})
    return {k: str(h[k] or "") for k in ("archive_no", "name", "id_number", "phone", "bank_name", "bank_account")}
