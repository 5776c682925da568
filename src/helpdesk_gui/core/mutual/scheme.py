"""职工医疗互助: plans per year, participating units, members, enrolment and contributions.

* A **plan** (互助方案) covers one year (``period`` '2026') and keeps its own copy of the rules
  (contributions per party, deductible, rate, loyalty steps, caps, 康复金 bands, advance cap),
  started from the settings. Its rules can change until the first claim under it is approved;
  its contributions until the first unit has paid. A closed plan takes no enrolment, payment or claim.
* **Members** are union members of a unit (not necessarily hardship households), one record per
  ID number; ``since_year`` carries the years of membership from paper records before the first
  plan kept here.
* **Enrolment** is per plan; it is paid when the unit's contribution covering it is received: one
  receipt voucher into the plan's fund (职工医疗互助金) with a line per party (职工、单位、工会).
* **Consecutive years**: counted back from a plan year through paid enrolments; a year without
  one breaks the run (``since_year`` only bridges years before any plan kept here).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual.rule import Rule

FUND_PURPOSE = "4"          # 职工医疗互助金 in the fund_purpose list


# ---------------------------------------------------------------------------------------- plans

@dataclass(frozen=True)
class PlanDraft:
    period: str
    name: str
    start_date: str
    end_date: str
    fund_id: int
    worker_fen: int
    unit_fen: int
    union_fen: int
    deductible_fen: int
    rate_pct: int
    loyalty_years: int
    loyalty_points: int
    max_rate_pct: int
    claim_cap_fen: int | None
    year_cap_fen: int | None
    rehab_bands: tuple[tuple[int, int], ...]
    advance_cap_fen: int | None
    note: str = ""

    @property
    def per_member_fen(self) -> int:
        return self.worker_fen + self.unit_fen + self.union_fen


RULE_FIELDS = ("deductible_fen", "rate_pct", "loyalty_years", "loyalty_points", "max_rate_pct", "claim_cap_fen",
               "year_cap_fen", "rehab_bands", "advance_cap_fen")
SHARE_FIELDS = ("worker_fen", "unit_fen", "union_fen")


def default_fund(db: Database) -> int | None:
    found = scalar(db, "SELECT id FROM funds WHERE purpose = ? AND active = 1 ORDER BY ord, id LIMIT 1", [FUND_PURPOSE])
    return None if found is None else int(found)


def default_draft(db: Database, year: int) -> PlanDraft:
    """A new plan for ``year`` with the rules of the settings."""
    s = settings.get_all(db)
    return PlanDraft(
        str(year), f"{year}年度职工医疗互助", f"{year}-01-01", f"{year}-12-31", int(default_fund(db) or 0),
        int(s["mutual_worker_fen"]), int(s["mutual_unit_fen"]), int(s["mutual_union_fen"]),
        int(s["mutual_deductible_fen"]), int(s["mutual_rate_pct"]), int(s["mutual_loyalty_years"]),
        int(s["mutual_loyalty_points"]), int(s["mutual_max_rate_pct"]), s["mutual_claim_cap_fen"] or None,
        s["mutual_year_cap_fen"] or None, tuple((int(a), int(b)) for a, b in s["mutual_rehab_bands"]),
        s["mutual_advance_cap_fen"] or None)


def draft_of(plan: dict[str, Any]) -> PlanDraft:
    values = {k: plan[k] for k in PlanDraft.__dataclass_fields__ if k != "rehab_bands"}
    return PlanDraft(**values, rehab_bands=bands_of(plan))


def bands_of(plan: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in json.loads(plan["rehab_bands"] or "[]"))


def rule_of(plan: dict[str, Any]) -> Rule:
    return Rule(int(plan["deductible_fen"]), int(plan["rate_pct"]), int(plan["loyalty_years"]),
                int(plan["loyalty_points"]), int(plan["max_rate_pct"]), plan["claim_cap_fen"], plan["year_cap_fen"],
                bands_of(plan))


def describe_rule(plan: dict[str, Any]) -> str:
    """The plan's rules in one sentence, as shown beside a claim and printed on the forms."""
    def y(fen: Any) -> str:
        return format_yuan(int(fen), grouping=True)

    text = (f"每人每期 {y(int(plan['worker_fen']) + int(plan['unit_fen']) + int(plan['union_fen']))} 元（职工 "
            f"{y(plan['worker_fen'])}、单位 {y(plan['unit_fen'])}、工会 {y(plan['union_fen'])}）；统筹段自付超过 "
            f"{y(plan['deductible_fen'])} 元的部分按 {plan['rate_pct']}% 补助，每连续参加 {plan['loyalty_years']} 年提高 "
            f"{plan['loyalty_points']} 个百分点（最高 {plan['max_rate_pct']}%）")
    if plan["claim_cap_fen"]:
        text += f"，每次最高 {y(plan['claim_cap_fen'])} 元"
    if plan["year_cap_fen"]:
        text += f"，每人每年最高 {y(plan['year_cap_fen'])} 元"
    bands = bands_of(plan)
    if bands:
        text += "；康复金：本年统筹支付" + "、".join(f"超过 {y(a)} 元 {y(b)} 元" for a, b in sorted(bands))
    return text + "。"


def _validate_plan(db: Database, d: PlanDraft) -> PlanDraft:
    if not (len(d.period) == 4 and d.period.isdigit()):
        raise ValidationError("互助年度", "应为四位年份，如 2026", d.period)
    if not d.name.strip():
        raise ValidationError("方案名称", "不能为空")
    for f, label in (("start_date", "开始日期"), ("end_date", "结束日期")):
        try:
            _dt.date.fromisoformat(getattr(d, f))
        except ValueError:
            raise ValidationError(label, "应写成 YYYY-MM-DD", getattr(d, f)) from None
    if d.start_date > d.end_date:
        raise ValidationError("结束日期", "不能早于开始日期", d.end_date)
    fund = funds.get(db, d.fund_id) if d.fund_id else None
    if fund is None or not fund["active"]:
        raise ValidationError("互助金账户", "请选择一个在用的资金（通常是“职工医疗互助金”）")
    for f, label in (("worker_fen", "职工缴纳"), ("unit_fen", "单位补贴"), ("union_fen", "工会补贴"),
                     ("deductible_fen", "起付线")):
        if getattr(d, f) < 0:
            raise ValidationError(label, "不能为负数", format_yuan(getattr(d, f)))
    if d.per_member_fen <= 0:
        raise ValidationError("缴费标准", "三方缴费合计应大于 0")
    if not 0 <= d.rate_pct <= 100 or not 0 <= d.max_rate_pct <= 100:
        raise ValidationError("补助比例", "应在 0 到 100 之间")
    if d.max_rate_pct < d.rate_pct:
        raise ValidationError("最高比例", f"不能低于基础比例 {d.rate_pct}%", d.max_rate_pct)
    if d.loyalty_years < 1 or d.loyalty_points < 0:
        raise ValidationError("连续参加年限", "每满几年应至少为 1，提高的百分点不能为负数")
    for f, label in (("claim_cap_fen", "每次最高"), ("year_cap_fen", "每年最高"), ("advance_cap_fen", "预付最高")):
        v = getattr(d, f)
        if v is not None and v <= 0:
            raise ValidationError(label, "应大于 0（不限请留空）", format_yuan(v))
    bands = tuple(sorted((int(a), int(b)) for a, b in d.rehab_bands))
    for (a, b) in bands:
        if a <= 0 or b <= 0:
            raise ValidationError("康复金档次", "起点和金额都应大于 0", f"{format_yuan(a)} / {format_yuan(b)}")
    if len({a for a, _ in bands}) != len(bands):
        raise ValidationError("康复金档次", "有两个档次的起点相同")
    if any(b2 < b1 for (_, b1), (_, b2) in zip(bands, bands[1:], strict=False)):
        raise ValidationError("康复金档次", "起点越高，康复金不应越少")
    overlap = scalar(db, "SELECT period FROM mutual_plans WHERE period <> ? AND start_date <= ? AND end_date >= ?",
                     [d.period, d.end_date, d.start_date])
    if overlap:
        raise ValidationError("起止日期", f"与 {overlap} 年度方案的期间重叠")
    return replace(d, name=d.name.strip(), note=d.note.strip(), rehab_bands=bands)


def _plan_values(d: PlanDraft) -> dict[str, Any]:
    v = asdict(d)
    v["rehab_bands"] = json.dumps([list(b) for b in d.rehab_bands])
    return v


def create_plan(db: Database, actor: Actor, draft: PlanDraft) -> int:
    actor.require("mutual.plans")
    with write(db):
        d = _validate_plan(db, draft)
        if scalar(db, "SELECT 1 FROM mutual_plans WHERE period = ?", [d.period]):
            raise StateError(f"{d.period} 年度已有医疗互助方案。")
        v = _plan_values(d)
        at = now_iso()
        cols = [*v, "created_by", "created_at", "updated_at"]
        cur = db.execute(f"INSERT INTO mutual_plans ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [*v.values(), actor.username, at, at])
        plan_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "mutual_plan", d.period, None, v)
    return plan_id


def update_plan(db: Database, actor: Actor, plan_id: int, draft: PlanDraft) -> None:
    actor.require("mutual.plans")
    with write(db):
        old = get_plan(db, plan_id)
        d = _validate_plan(db, replace(draft, period=old["period"]))
        v = _plan_values(d)
        changed = {k: val for k, val in v.items() if old[k] != val}
        if not changed:
            return
        if any(k in changed for k in RULE_FIELDS) and scalar(
                db, "SELECT 1 FROM mutual_claims WHERE plan_id = ? AND status IN ('approved', 'settled')", [plan_id]):
            raise StateError(f"{old['period']} 年度已有批准的报销，报销规则不能再改（可在下一年度方案中调整）。")
        if any(k in changed for k in SHARE_FIELDS) and scalar(
                db, "SELECT 1 FROM mutual_contributions WHERE plan_id = ?", [plan_id]):
            raise StateError(f"{old['period']} 年度已有单位缴费入账，缴费标准不能再改。")
        if "fund_id" in changed and scalar(db, "SELECT 1 FROM mutual_contributions WHERE plan_id = ?", [plan_id]):
            raise StateError(f"{old['period']} 年度已有缴费记入“{funds.get(db, old['fund_id'])['name']}”，不能改换资金。")
        sets = ", ".join(f"{k} = ?" for k in changed)
        db.execute(f"UPDATE mutual_plans SET {sets}, updated_at = ? WHERE id = ?", [*changed.values(), now_iso(), plan_id])
        audit.record(db, actor.username, "update", "mutual_plan", old["period"], {k: old[k] for k in changed}, changed)


def set_plan_status(db: Database, actor: Actor, plan_id: int, status: str) -> None:
    actor.require("mutual.plans")
    if status not in ("open", "closed"):
        raise ValidationError("方案状态", "须为 open 或 closed", status)
    with write(db):
        old = get_plan(db, plan_id)
        if old["status"] == status:
            return
        db.execute("UPDATE mutual_plans SET status = ?, updated_at = ? WHERE id = ?", [status, now_iso(), plan_id])
        audit.record(db, actor.username, "close" if status == "closed" else "reopen", "mutual_plan", old["period"],
                     {"status": old["status"]}, {"status": status})


def get_plan(db: Database, plan_id: int) -> dict[str, Any]:
    p = row(db, "SELECT p.*, f.name AS fund_name FROM mutual_plans p JOIN funds f ON f.id = p.fund_id WHERE p.id = ?",
            [plan_id])
    if p is None:
        raise NotFoundError("医疗互助方案", plan_id)
    return p


def plan_by_period(db: Database, period: str | int) -> dict[str, Any]:
    pid = scalar(db, "SELECT id FROM mutual_plans WHERE period = ?", [str(period)])
    if pid is None:
        raise NotFoundError("医疗互助方案（年度）", period)
    return get_plan(db, int(pid))


def plan_for_date(db: Database, day: str) -> dict[str, Any] | None:
    pid = scalar(db, "SELECT id FROM mutual_plans WHERE ? BETWEEN start_date AND end_date", [day])
    return None if pid is None else get_plan(db, int(pid))


def list_plans(db: Database) -> list[dict[str, Any]]:
    return rows(db, """
        SELECT p.*, f.name AS fund_name,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.plan_id = p.id) AS enrolled,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.plan_id = p.id AND e.contribution_id IS NOT NULL) AS paid,
               (SELECT coalesce(sum(amount_fen), 0) FROM mutual_contributions c WHERE c.plan_id = p.id) AS received_fen,
               (SELECT count(*) FROM mutual_claims c WHERE c.plan_id = p.id AND c.status IN ('approved', 'settled'))
                   AS claims
        FROM mutual_plans p JOIN funds f ON f.id = p.fund_id ORDER BY p.period DESC""")


def require_open(plan: dict[str, Any], doing: str) -> None:
    if plan["status"] != "open":
        raise StateError(f"{plan['period']} 年度医疗互助方案已关闭，不能再{doing}。")


# ---------------------------------------------------------------------------------------- units

def save_unit(db: Database, actor: Actor, name: str, *, contact: str = "", phone: str = "", note: str = "",
              unit_id: int | None = None, active: bool = True) -> int:
    actor.require("mutual.enrol")
    name = name.strip()
    if not name:
        raise ValidationError("单位名称", "不能为空")
    with write(db):
        other = scalar(db, "SELECT id FROM mutual_units WHERE name = ? AND id IS NOT ?", [name, unit_id])
        if other:
            raise ValidationError("单位名称", "已有同名单位", name)
        values = {"name": name, "contact": contact.strip(), "phone": phone.strip(), "note": note.strip(),
                  "active": int(active)}
        if unit_id is None:
            cur = db.execute("INSERT INTO mutual_units (name, contact, phone, note, active, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [*values.values(), now_iso()])
            unit_id = int(cur.lastrowid or 0)
            audit.record(db, actor.username, "create", "mutual_unit", unit_id, None, values)
        else:
            old = row(db, "SELECT name, contact, phone, note, active FROM mutual_units WHERE id = ?", [unit_id])
            if old is None:
                raise NotFoundError("参加单位", unit_id)
            db.execute("UPDATE mutual_units SET name = ?, contact = ?, phone = ?, note = ?, active = ? WHERE id = ?",
                       [*values.values(), unit_id])
            audit.record(db, actor.username, "update", "mutual_unit", unit_id, old, values)
    return unit_id


def unit_id_for(db: Database, actor: Actor, name: str) -> int:
    """The unit of that name, created when new (Excel lists name their unit)."""
    found = scalar(db, "SELECT id FROM mutual_units WHERE name = ?", [name.strip()])
    return int(found) if found else save_unit(db, actor, name)


def list_units(db: Database, plan_id: int | None = None, *, active_only: bool = False) -> list[dict[str, Any]]:
    """Units with their member count and, for a plan, enrolled / paid / unpaid counts."""
    return rows(db, f"""
        SELECT u.*, (SELECT count(*) FROM mutual_members m WHERE m.unit_id = u.id) AS members,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.unit_id = u.id AND e.plan_id = :p) AS enrolled,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.unit_id = u.id AND e.plan_id = :p
                    AND e.contribution_id IS NULL) AS unpaid
        FROM mutual_units u {'WHERE u.active = 1' if active_only else ''} ORDER BY u.name""", {"p": plan_id})


# ---------------------------------------------------------------------------------------- members

@dataclass(frozen=True)
class MemberDraft:
    name: str
    id_number: str
    unit_id: int
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    since_year: int | None = None
    note: str = ""


def _validate_member(db: Database, d: MemberDraft, today: _dt.date) -> dict[str, Any]:
    name = d.name.strip()
    if not name:
        raise ValidationError("姓名", "不能为空")
    parsed = ids.parse(d.id_number, today=today)
    if not scalar(db, "SELECT 1 FROM mutual_units WHERE id = ?", [d.unit_id]):
        raise ValidationError("所在单位", "请选择参加单位")
    if d.since_year is not None and not 1990 <= d.since_year <= today.year:
        raise ValidationError("连续参加起始年度", f"应在 1990 到 {today.year} 之间", d.since_year)
    account = "".join(d.bank_account.split())
    if account and not account.isdigit():
        raise ValidationError("银行账号", "只能是数字", d.bank_account)
    return {"name": name, "id_number": parsed.value, "gender": parsed.sex, "birth_date": parsed.birth_date.isoformat(),
            "unit_id": d.unit_id, "phone": d.phone.strip(), "bank_name": d.bank_name.strip(), "bank_account": account,
            "since_year": d.since_year, "note": d.note.strip()}


def save_member(db: Database, actor: Actor, draft: MemberDraft, member_id: int | None = None, *,
                today: _dt.date | None = None) -> int:
    actor.require("mutual.enrol")
    with write(db):
        v = _validate_member(db, draft, today or _dt.date.today())
        other = row(db, "SELECT id, name FROM mutual_members WHERE id_number = ? AND id IS NOT ?",
                    [v["id_number"], member_id])
        if other:
            raise ValidationError("公民身份号码", f"已登记为会员“{other['name']}”")
        at = now_iso()
        if member_id is None:
            cols = [*v, "created_by", "created_at", "updated_at"]
            cur = db.execute(f"INSERT INTO mutual_members ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [*v.values(), actor.username, at, at])
            member_id = int(cur.lastrowid or 0)
            audit.record(db, actor.username, "create", "mutual_member", member_id, None, _audit_view(v))
        else:
            old = get_member(db, member_id)
            changed = {k: val for k, val in v.items() if old[k] != val}
            if changed:
                db.execute(f"UPDATE mutual_members SET {', '.join(f'{k} = ?' for k in changed)}, updated_at = ? "
                           "WHERE id = ?", [*changed.values(), at, member_id])
                audit.record(db, actor.username, "update", "mutual_member", member_id,
                             _audit_view({k: old[k] for k in changed}), _audit_view(changed))
    return member_id


def _audit_view(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    if out.get("bank_account"):
        out["bank_account"] = mask_bank(out["bank_account"])
    return out


def get_member(db: Database, member_id: int) -> dict[str, Any]:
    m = row(db, "SELECT m.*, u.name AS unit_name FROM mutual_members m JOIN mutual_units u ON u.id = m.unit_id "
                "WHERE m.id = ?", [member_id])
    if m is None:
        raise NotFoundError("医疗互助会员", member_id)
    return m


def member_by_id_number(db: Database, id_number: str) -> dict[str, Any] | None:
    mid = scalar(db, "SELECT id FROM mutual_members WHERE id_number = ?", [ids.normalise(id_number)])
    return None if mid is None else get_member(db, int(mid))


def list_members(db: Database, *, plan_id: int | None = None, unit_id: int | None = None, text: str = "",
                 unpaid_only: bool = False, enrolled_only: bool = False, limit: int = 5000) -> list[dict[str, Any]]:
    """Members with, for ``plan_id``, their enrolment, whether paid and their consecutive years; ``archive_no``
    names the member's 困难职工档案 when the member is the head of an archive in the register."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"p": plan_id, "limit": limit}
    if unit_id:
        where.append("m.unit_id = :u")
        params["u"] = unit_id
    if text.strip():
        where.append("(m.name LIKE :t OR m.id_number LIKE :t OR u.name LIKE :t)")
        params["t"] = f"%{text.strip()}%"
    if enrolled_only or unpaid_only:
        where.append("e.id IS NOT NULL")
    if unpaid_only:
        where.append("e.contribution_id IS NULL")
    out = rows(db, f"""
        SELECT m.*, u.name AS unit_name, e.id AS enrolment_id, e.enrolled_on, e.contribution_id,
               (SELECT h.archive_no FROM households h WHERE h.id_number = m.id_number
                AND h.status IN ('applying', 'visiting', 'publicity', 'pending', 'active') LIMIT 1) AS archive_no
        FROM mutual_members m JOIN mutual_units u ON u.id = m.unit_id
        LEFT JOIN mutual_enrolments e ON e.member_id = m.id AND e.plan_id = :p
        WHERE {' AND '.join(where)} ORDER BY u.name, m.name LIMIT :limit""", params)
    if plan_id is not None and out:
        period = int(get_plan(db, plan_id)["period"])
        paid = _paid_years(db, [m["id"] for m in out])
        first = _first_plan_year(db)
        for m in out:
            m["years"] = _run(paid.get(m["id"], set()), period, m["since_year"], first)
    return out


# ---------------------------------------------------------------------------------------- enrolment

def enrol(db: Database, actor: Actor, plan_id: int, member_ids: Sequence[int], *, on: _dt.date | None = None) -> int:
    """Enrol members in a plan (their current unit); returns how many were newly enrolled."""
    actor.require("mutual.enrol")
    on = on or _dt.date.today()
    with write(db):
        plan = get_plan(db, plan_id)
        require_open(plan, "登记参加")
        added = 0
        for mid in member_ids:
            m = get_member(db, mid)
            if scalar(db, "SELECT 1 FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?", [plan_id, mid]):
                continue
            db.execute("INSERT INTO mutual_enrolments (plan_id, member_id, unit_id, enrolled_on, created_by, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [plan_id, mid, m["unit_id"], on.isoformat(), actor.username, now_iso()])
            added += 1
        if added:
            audit.record(db, actor.username, "enrol", "mutual_plan", plan["period"], None,
                         {"members": added, "of": len(member_ids)})
    return added


def withdraw(db: Database, actor: Actor, plan_id: int, member_id: int) -> None:
    """Take an unpaid enrolment back (entered by mistake); a paid one stays."""
    actor.require("mutual.enrol")
    with write(db):
        e = row(db, "SELECT * FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?", [plan_id, member_id])
        if e is None:
            raise NotFoundError("参加登记", member_id)
        if e["contribution_id"] is not None:
            raise StateError("该会员本年度已缴费，参加登记不能撤销。")
        db.execute("DELETE FROM mutual_enrolments WHERE id = ?", [e["id"]])
        audit.record(db, actor.username, "withdraw", "mutual_member", member_id, e, None)


@dataclass(frozen=True)
class ListResult:
    created: int
    updated: int
    enrolled: int
    already: int


def enrol_list(db: Database, actor: Actor, plan_id: int, drafts: Sequence[MemberDraft], *,
               on: _dt.date | None = None) -> ListResult:
    """A unit's list: members created or updated (by ID number), all enrolled; one transaction."""
    actor.require("mutual.enrol")
    created = updated = 0
    with write(db):
        ids_: list[int] = []
        for d in drafts:
            found = member_by_id_number(db, d.id_number)
            if found is None:
                ids_.append(save_member(db, actor, d))
                created += 1
            else:
                merged = replace(d, phone=d.phone or found["phone"], bank_name=d.bank_name or found["bank_name"],
                                 bank_account=d.bank_account or found["bank_account"],
                                 since_year=d.since_year if d.since_year is not None else found["since_year"],
                                 note=d.note or found["note"])
                save_member(db, actor, merged, int(found["id"]))
                after = get_member(db, int(found["id"]))
                updated += any(after[k] != found[k] for k in found if k not in ("updated_at", "unit_name"))
                ids_.append(int(found["id"]))
        enrolled = enrol(db, actor, plan_id, ids_, on=on)
    return ListResult(created, updated, enrolled, len(ids_) - enrolled)


# ---------------------------------------------------------------------------------------- years

def _paid_years(db: Database, member_ids: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for chunk in range(0, len(member_ids), 900):
        part = list(member_ids[chunk:chunk + 900])
        for mid, period in db.execute(
                f"SELECT e.member_id, p.period FROM mutual_enrolments e JOIN mutual_plans p ON p.id = e.plan_id "
                f"WHERE e.contribution_id IS NOT NULL AND e.member_id IN ({','.join('?' * len(part))})", part):
            out.setdefault(int(mid), set()).add(int(period))
    return out


def _first_plan_year(db: Database) -> int | None:
    first = scalar(db, "SELECT min(period) FROM mutual_plans")
    return None if first is None else int(first)


def _run(paid: set[int], year: int, since_year: int | None, first_plan_year: int | None) -> int:
    n = 0
    y = year
    while y in paid:
        n += 1
        y -= 1
    earliest = y + 1
    if n and since_year is not None and first_plan_year is not None and earliest == first_plan_year \
            and since_year < earliest:
        n += earliest - since_year
    return n


def consecutive_years(db: Database, member_id: int, period: str | int) -> int:
    """Years of unbroken paid membership up to and including ``period`` (0 when not paid that year)."""
    m = get_member(db, member_id)
    return _run(_paid_years(db, [member_id]).get(member_id, set()), int(period), m["since_year"], _first_plan_year(db))


# ---------------------------------------------------------------------------------------- contributions

def unpaid_count(db: Database, plan_id: int, unit_id: int) -> int:
    return int(scalar(db, "SELECT count(*) FROM mutual_enrolments WHERE plan_id = ? AND unit_id = ? "
                          "AND contribution_id IS NULL", [plan_id, unit_id]))


def receive_contribution(db: Database, actor: Actor, plan_id: int, unit_id: int, *, on: _dt.date | None = None,
                         ref_no: str = "", today: _dt.date | None = None) -> ledger.Posted:
    """A unit pays for its enrolled, unpaid members: one receipt voucher into the plan's fund
    (a line for the workers' shares, one for the unit's, one for the union's); the members are paid."""
    actor.require("mutual.pay")
    with write(db):
        plan = get_plan(db, plan_id)
        require_open(plan, "收取互助金")
        unit = row(db, "SELECT * FROM mutual_units WHERE id = ?", [unit_id])
        if unit is None:
            raise NotFoundError("参加单位", unit_id)
        n = unpaid_count(db, plan_id, unit_id)
        if n == 0:
            raise StateError(f"“{unit['name']}”{plan['period']} 年度没有待缴费的会员。")
        shares = [(n * int(plan["worker_fen"]), "职工个人缴纳", f"{n} 人 × {format_yuan(plan['worker_fen'])} 元"),
                  (n * int(plan["unit_fen"]), "单位补贴", f"{n} 人 × {format_yuan(plan['unit_fen'])} 元"),
                  (n * int(plan["union_fen"]), "工会补贴", f"{n} 人 × {format_yuan(plan['union_fen'])} 元")]
        lines = [ledger.Line(int(plan["fund_id"]), "contribution", fen, memo=f"{plan['period']}年度医疗互助金{who}（{how}）",
                             counterparty="工会" if who == "工会补贴" else str(unit["name"]))
                 for fen, who, how in shares if fen > 0]
        total = sum(fen for fen, _w, _h in shares)
        posted = ledger.post(db, actor, "receipt", ledger.business_date(on, today),
                             f"收{unit['name']}{plan['period']}年度医疗互助金 {n} 人", lines, ref_no=ref_no,
                             counterparty=str(unit["name"]), today=today,
                             audit_detail={"mutual_plan": plan["period"], "members": n})
        cur = db.execute(
            "INSERT INTO mutual_contributions (plan_id, unit_id, members, worker_fen, unit_fen, union_fen, amount_fen, "
            "received_on, voucher_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [plan_id, unit_id, n, shares[0][0], shares[1][0], shares[2][0], total,
             ledger.business_date(on, today).isoformat(), posted.voucher_id, actor.username, now_iso()])
        db.execute("UPDATE mutual_enrolments SET contribution_id = ? WHERE plan_id = ? AND unit_id = ? "
                   "AND contribution_id IS NULL", [int(cur.lastrowid or 0), plan_id, unit_id])
    return posted


def contributions(db: Database, plan_id: int | None = None) -> list[dict[str, Any]]:
    where = "WHERE c.plan_id = ?" if plan_id else ""
    return rows(db, f"""
        SELECT c.*, p.period, u.name AS unit_name, v.voucher_no,
               EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_entries r ON r.reverses_id = e.id
                       WHERE e.voucher_id = c.voucher_id) AS reversed
        FROM mutual_contributions c JOIN mutual_plans p ON p.id = c.plan_id JOIN mutual_units u ON u.id = c.unit_id
        JOIN vouchers v ON v.id = c.voucher_id {where} ORDER BY c.received_on DESC, c.id DESC""",
                [plan_id] if plan_id else [])


# ---------------------------------------------------------------------------------------- window helpers

def save_and_enrol(db: Database, actor: Actor, draft: MemberDraft, member_id: int | None = None, *,
                   plan_id: int | None = None, on: _dt.date | None = None, today: _dt.date | None = None) -> int:
    """The member dialog's OK: save the member and, with ``plan_id``, enrol them too, in one transaction
    (a closed plan refuses the whole, so no half-saved member is left behind)."""
    with write(db):
        mid = save_member(db, actor, draft, member_id, today=today)
        if plan_id is not None:
            enrol(db, actor, plan_id, [mid], on=on)
    return mid
