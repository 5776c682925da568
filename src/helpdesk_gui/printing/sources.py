"""Where a form's data comes from: the register, the assistance records, the period figures.

Each source declares the data items a template may use (so a typo in a template is caught when
it is loaded, naming the file and the key) and builds one data dictionary per printed document.
Sensitive numbers (ID numbers, phones, bank accounts) arrive masked unless the caller may and
asks to reveal them; public forms (公示名单) are always masked. A birth date is the hidden middle of
an ID number, so it is masked with it (as the household editor shows it); ``age`` is printed instead.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.privacy import mask_bank, mask_birth_date, mask_id, mask_phone
from helpdesk_gui.core.casework import reception
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import get_meta
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.core.workflow import applications
from helpdesk_gui.printing import mutual_sources


@dataclass(frozen=True)
class Selection:
    """What to print: households, a roster query, or a period (and the publicity place)."""

    household_ids: tuple[int, ...] = ()
    roster: rosters.RosterQuery | None = None
    date_from: _dt.date | None = None
    date_to: _dt.date | None = None
    place: str = ""
    mutual_settlement: int | None = None        # 医疗互助 settlement id (form mutual_roster)
    mutual_claims: tuple[int, ...] = ()         # 医疗互助 claim ids (form mutual_claim)
    county: str = ""                            # statistics of one county at the city (its sender code)


@dataclass(frozen=True)
class Common:
    """Items every document has: who prints, when, for which union."""

    operator: str
    operator_username: str
    union_name: str
    county_code: str
    today: _dt.date
    reveal: bool

    def data(self) -> dict[str, Any]:
        t = self.today
        return {"print_date": f"{t.year}年{t.month}月{t.day}日", "print_date_iso": t.isoformat(),
                "today": t.isoformat(), "year": t.year, "month": t.month, "operator": self.operator,
                "operator_username": self.operator_username, "union_name": self.union_name,
                "county_code": self.county_code}


COMMON_KEYS = frozenset({"print_date", "print_date_iso", "today", "year", "month", "operator", "operator_username",
                         "union_name", "county_code"})
PAGE_KEYS = frozenset({"page", "pages"})
ROW_KEYS = frozenset({"_n"})

HOUSEHOLD_COLUMNS = frozenset({
    "id", "sender_code", "archive_no", "archive_type", "status", "exit_reason", "status_note", "category",
    "category_suggested", "legacy_category_text", "name", "gender", "ethnicity", "political", "id_number",
    "birth_date", "health", "disability_type", "disability_grade", "work_status", "model_worker", "phone",
    "other_contact", "employer_id", "work_start_date", "marital", "hukou_type", "is_union_member", "is_migrant",
    "contract_signed_date", "contract_months", "org_unit_id", "township", "address", "hukou_region_code",
    "housing_type", "housing_area_m2", "medical_insurance", "single_parent", "zero_employment", "self_help_ability",
    "bank_name", "bank_branch", "bank_account", "cause_main", "causes_secondary", "cause_other_text", "family_size",
    "income_from", "income_to", "annual_income_fen", "rigid_expense_fen", "per_capita_month_fen", "created_date",
    "exit_date", "last_review_date", "remarks", "created_at", "updated_at",
    "employer_name", "employer_nature", "employer_condition", "org_unit_name"})
MEMBER_KEYS = frozenset({"id", "household_id", "ord", "name", "relation", "id_number", "birth_date", "age", "gender",
                         "health", "identity", "school_or_employer", "monthly_income_fen", "has_income_proof"})
RECORD_KEYS = frozenset({"id", "sender_code", "record_no", "household_id", "project", "fund_source", "amount_fen",
                         "paid_date", "method", "approver", "remarks", "origin", "created_at"})
ITEM_KEYS = frozenset({"id", "household_id", "kind", "amount_fen", "note"})
#: member identities that are students (研究生 … 小学)
STUDENT_IDENTITIES = frozenset({"20", "21", "22", "23", "24", "25"})


@dataclass(frozen=True)
class Source:
    key: str
    title: str                       # shown in ``print --list``
    needs: str                       # "household" | "project" | "period" | "publicity" | "mutual_settlement" | "mutual_claim"
    keys: frozenset[str]             # document-level items
    lists: dict[str, frozenset[str]]  # table rows: list name -> row items
    documents: Callable[[Database, codes.CodeBook, Selection, Common], Iterator[dict[str, Any]]]
    count: Callable[[Selection], int]
    public: bool = False
    sensitive: bool = False          # carries ID numbers, phones or bank accounts (masked unless revealed)


def _number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, item in enumerate(items, start=1):
        item["_n"] = i
    return items


def _mask(item: dict[str, Any], reveal: bool) -> None:
    if reveal:
        return
    if item.get("id_number"):
        if item.get("birth_date"):       # the digits the masked number hides: hidden with it
            item["birth_date"] = mask_birth_date(item["birth_date"])
        item["id_number"] = mask_id(item["id_number"])
    if item.get("phone"):
        item["phone"] = mask_phone(item["phone"])
    if item.get("bank_account"):
        item["bank_account"] = mask_bank(item["bank_account"])


def _age(item: dict[str, Any], today: _dt.date) -> None:
    """``age`` (whole years today) from the birth date, before the date is masked: the age gives no digit away."""
    born = item.get("birth_date")
    try:
        item["age"] = ids.age_on(_dt.date.fromisoformat(str(born)[:10]), today) if born else None
    except ValueError:
        item["age"] = None


# ----------------------------------------------------------------------------- household

def _household_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    base = common.data()
    county = common.county_code
    dibao_cache: dict[str, int] = {}
    for hid in sel.household_ids:
        h = register.get_household(db, hid)
        region = h.get("hukou_region_code") or county
        if region not in dibao_cache:
            dibao_cache[region] = policy.lookup(db, region, common.today).dibao_month_fen
        members = _number(h["members"])
        for item in (*members, h):
            _age(item, common.today)
            _mask(item, common.reveal)
        records = _number(rosters.household_records(db, hid))
        h.update(base)
        h["members"] = members
        h["students"] = _number([dict(m) for m in members if m.get("identity") in STUDENT_IDENTITIES])
        h["income_items"] = _number(h["income_items"])
        h["expenses"] = _number(h["expenses"])
        h["exclusions"] = _number(h["exclusions"])
        h["assistance"] = records
        h["assistance_total_fen"] = sum(r["amount_fen"] for r in records)
        h["income_total_fen"] = sum(i["amount_fen"] for i in h["income_items"])
        h["expense_total_fen"] = sum(i["amount_fen"] for i in h["expenses"])
        h["illness_expense_fen"] = sum(i["amount_fen"] for i in h["expenses"] if i["kind"] == "illness")
        h["member_income_month_fen"] = sum(m["monthly_income_fen"] or 0 for m in members)
        h["dibao_month_fen"] = dibao_cache[region]
        h["member_count"] = len(members)
        h["student_count"] = len(h["students"])
        h.update(applications.archive_trail(db, hid))      # the opinion boxes of the 建档申请审批表
        yield h


HOUSEHOLD_KEYS = HOUSEHOLD_COLUMNS | COMMON_KEYS | {
    "age", "assistance_total_fen", "income_total_fen", "expense_total_fen", "illness_expense_fen", "member_income_month_fen",
    "dibao_month_fen", "member_count", "student_count", "app_no", "review_opinion", "review_by", "review_date",
    "publicity_from", "publicity_to", "publicity_text", "approve_opinion", "approve_by", "approve_date"}


# ----------------------------------------------------------------------------- roster

def _roster_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    query = sel.roster or rosters.RosterQuery(
        date_from=sel.date_from.isoformat() if sel.date_from else None,
        date_to=sel.date_to.isoformat() if sel.date_to else None)
    items = _number(rosters.roster_rows(db, query))
    for r in items:
        _mask(r, common.reveal)
    doc = common.data()
    period = ""
    if query.date_from or query.date_to:
        period = f"{_cn_date(query.date_from)}至{_cn_date(query.date_to)}"
    doc.update({
        "project": query.project or "", "project_label": book.label("project", query.project) if query.project
        else "帮扶", "date_from": query.date_from or "", "date_to": query.date_to or "", "period_text": period,
        "query_text": query.describe(book), "rows": items, "count": len(items),
        "households": len({r["household_id"] for r in items}), "total_fen": sum(r["amount_fen"] for r in items)})
    yield doc


ROSTER_ROW_KEYS = RECORD_KEYS | {"archive_no", "name", "gender", "id_number", "phone", "township", "address",
                                 "category", "status", "family_size", "bank_name", "bank_branch", "bank_account",
                                 "employer_name"}


def _cn_date(iso: str | None) -> str:
    if not iso:
        return "……"
    d = _dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


# ----------------------------------------------------------------------------- publicity

def _publicity_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    items = _number(rosters.publicity_households(db, list(sel.household_ids) if sel.household_ids else None))
    for r in items:
        _age(r, common.today)
        _mask(r, False)  # a public list: always masked
    days = int(settings.get(db, "publicity_days"))
    start = sel.date_from or common.today
    end = sel.date_to or start + _dt.timedelta(days=days - 1)
    doc = common.data()
    doc.update({"rows": items, "count": len(items), "date_from": start.isoformat(), "date_to": end.isoformat(),
                "period_text": f"{_cn_date(start.isoformat())}至{_cn_date(end.isoformat())}",
                "days": (end - start).days + 1,
                "place": sel.place or str(settings.get(db, "publicity_place")),
                "centre_phone": str(settings.get(db, "centre_phone") or "")})
    yield doc


PUBLICITY_ROW_KEYS = frozenset({"id", "archive_no", "name", "gender", "birth_date", "age", "id_number", "township",
                                "address", "category", "category_suggested", "archive_type", "cause_main",
                                "family_size", "per_capita_month_fen", "status", "employer_name", "org_unit_name"})


# ----------------------------------------------------------------------------- period figures

def _period(sel: Selection, today: _dt.date) -> tuple[_dt.date, _dt.date]:
    if sel.date_from and sel.date_to:
        if sel.date_to < sel.date_from:
            raise ValidationError("统计期间", "结束日期早于开始日期", f"{sel.date_from} 至 {sel.date_to}")
        return sel.date_from, sel.date_to
    first = today.replace(day=1)
    return first, today


#: register figures the city's list (core.reports.CITY_ITEMS) does not carry, appended to section 二
EXTRA_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("members_end", "期末在档家庭成员（不含户主）", "人"),
    ("households_cancelled", "注销档案", "户"),
)


def _stat_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    start, end = _period(sel, common.today)
    # the city's figures (core.reports owns them); at the city, of one county when chosen
    report = reports.build(db, reports.Period(start, end), county=sel.county or None,
                           county_name=region.name_of(db, sel.county) if sel.county else "")
    now, ytd = report.now, report.ytd                        # the period and its year to date, counted once
    figures: list[dict[str, Any]] = []
    section = ""
    n = 0
    for meta, row in zip(report.rows(), reports.print_rows(report)):
        if meta["section"] != section:
            if section.startswith("二"):
                for key, label, unit in EXTRA_ITEMS:
                    n += 1
                    figures.append({"_n": n, "item": label, "unit": unit, "period": f"{now[key]:,}",
                                    "ytd": f"{ytd[key]:,}", "note": "期末时点数" if key.endswith("_end") else ""})
            section = str(meta["section"])
            figures.append({"_n": "", "item": section, "unit": "", "period": "", "ytd": "", "note": ""})
        n += 1
        figures.append({**row, "_n": n})
    by_project: list[dict[str, Any]] = []
    for item in book.items("project", active_only=False):
        a = now["by_project"].get(item.code, {})
        b = ytd["by_project"].get(item.code, {})
        if not a and not b:
            continue
        by_project.append({"label": item.label, "count": a.get("count", 0), "households": a.get("households", 0),
                           "amount_fen": a.get("fen", 0), "ytd_count": b.get("count", 0),
                           "ytd_households": b.get("households", 0), "ytd_amount_fen": b.get("fen", 0)})
    by_category: list[dict[str, Any]] = []
    for item in book.items("category", active_only=False):
        a = now["by_category"].get(item.code, {})
        b = ytd["by_category"].get(item.code, {})
        by_category.append({"label": item.label, "households_end": now["end_by_category"].get(item.code, 0),
                            "count": a.get("count", 0), "households": a.get("households", 0),
                            "amount_fen": a.get("fen", 0), "ytd_count": b.get("count", 0),
                            "ytd_amount_fen": b.get("fen", 0)})
    doc = common.data()
    if sel.county:   # the county's figures: the county's union is the 填报单位
        doc["union_name"] = report.county_name
    doc.update({"date_from": start.isoformat(), "date_to": end.isoformat(),
                "period_text": f"{_cn_date(start.isoformat())}至{_cn_date(end.isoformat())}",
                "report_year": end.year, "report_month": end.month,
                "figures": figures, "by_project": _number(by_project), "by_category": _number(by_category),
                "assistance_fen": now["assistance_fen"], "ytd_assistance_fen": ytd["assistance_fen"],
                # the 合计 row of by_project: 户次 and 金额 add up; 户数 is each household once, whatever projects
                "assisted_count": sum(int(r["count"]) for r in by_project),
                "assisted_households": now["assisted_households"],
                "ytd_assisted_count": sum(int(r["ytd_count"]) for r in by_project),
                "ytd_assisted_fen": sum(int(r["ytd_amount_fen"]) for r in by_project)})
    yield doc


# ----------------------------------------------------------------------------- reception log sheet

def _reception_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    start, end = _period(sel, common.today)
    doc = common.data()
    doc.update({"date_from": start.isoformat(), "date_to": end.isoformat(),
                "period_text": f"{_cn_date(start.isoformat())}至{_cn_date(end.isoformat())}",
                "rows": _number(reception.sheet_rows(db, start.isoformat(), end.isoformat(), reveal=common.reveal))})
    yield doc


RECEPTION_ROW_KEYS = frozenset({"date", "time", "kind", "name", "id_number", "phone", "unit", "matter",
                                "responsible", "deadline", "result", "closed_date"})


def _one(_sel: Selection) -> int:
    return 1


def _per_household(sel: Selection) -> int:
    return len(sel.household_ids)


SOURCES: dict[str, Source] = {
    "household": Source("household", "按档案（--household）", "household", HOUSEHOLD_KEYS, {
        "members": MEMBER_KEYS | ROW_KEYS, "students": MEMBER_KEYS | ROW_KEYS,
        "income_items": ITEM_KEYS | ROW_KEYS, "expenses": ITEM_KEYS | ROW_KEYS,
        "exclusions": frozenset({"id", "household_id", "kind", "evidence", "_n"}),
        "assistance": RECORD_KEYS | ROW_KEYS}, _household_docs, _per_household, sensitive=True),
    "roster": Source("roster", "按项目（--project）或发放日期（--from/--to）", "project",
                     COMMON_KEYS | {"project", "project_label", "date_from", "date_to", "period_text", "query_text",
                                    "count", "households", "total_fen"},
                     {"rows": ROSTER_ROW_KEYS | ROW_KEYS}, _roster_docs, _one, sensitive=True),
    "publicity": Source("publicity", "公示中的档案，或指定档案（--household）；公示期 --from/--to", "publicity",
                        COMMON_KEYS | {"count", "date_from", "date_to", "period_text", "days", "place",
                                       "centre_phone"},
                        {"rows": PUBLICITY_ROW_KEYS | ROW_KEYS}, _publicity_docs, _one, public=True),
    "statistics": Source("statistics", "按统计期间（--from/--to，默认本月）", "period",
                         COMMON_KEYS | {"date_from", "date_to", "period_text", "report_year", "report_month",
                                        "assistance_fen", "ytd_assistance_fen", "assisted_count",
                                        "assisted_households", "ytd_assisted_count", "ytd_assisted_fen"},
                         {"figures": frozenset({"item", "unit", "period", "ytd", "note", "_n"}),
                          "by_project": frozenset({"label", "count", "households", "amount_fen", "ytd_count",
                                                   "ytd_households", "ytd_amount_fen", "_n"}),
                          "by_category": frozenset({"label", "households_end", "count", "households", "amount_fen",
                                                    "ytd_count", "ytd_amount_fen", "_n"})},
                         _stat_docs, _one),
    "reception": Source("reception", "按接待日期（--from/--to，默认本月）", "period",
                        COMMON_KEYS | {"date_from", "date_to", "period_text"},
                        {"rows": RECEPTION_ROW_KEYS | ROW_KEYS}, _reception_docs, _one, sensitive=True),
    # 职工医疗互助 (printing/mutual_sources.py)
    "mutual_settlement": Source("mutual_settlement", "医疗互助季度结算（--settlement 结算单号）", "mutual_settlement",
                                COMMON_KEYS | mutual_sources.ROSTER_KEYS, {"rows": mutual_sources.ROSTER_ROW_KEYS},
                                mutual_sources.settlement_docs, mutual_sources.count_settlement, sensitive=True),
    "mutual_claim": Source("mutual_claim", "医疗互助报销（--claim 报销编号，可多个）", "mutual_claim",
                           COMMON_KEYS | mutual_sources.CLAIM_KEYS,
                           {"receipts": mutual_sources.RECEIPT_KEYS, "steps": mutual_sources.STEP_KEYS},
                           mutual_sources.claim_docs, mutual_sources.count_claims, sensitive=True),
}


def common_for(db: Database, display_name: str, username: str, *, reveal: bool,
               today: _dt.date | None = None) -> Common:
    return Common(operator=display_name, operator_username=username, union_name=get_meta(db, "union_name"),
                  county_code=get_meta(db, "county_code"), today=today or _dt.date.today(), reveal=reveal)
