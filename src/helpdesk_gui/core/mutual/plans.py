"""职工医疗互助 plans (互助方案): one per year, each with its own copy of the rules.

A **plan** covers one year (``period`` '2026', a start and an end date that no other plan's
overlap) and keeps its own copy of the rules — the contribution per party (职工、单位、工会), the
deductible, the rate and its loyalty steps, the caps, the 康复金 bands and the advance cap —
started from the settings (``default_draft``). Its rules can change until the first claim under it
is approved; its contributions and its fund until the first unit has paid. A closed plan takes no
enrolment, payment or claim (``require_open``). ``rule_of`` hands a plan's rules to
``core.mutual.rule`` and ``describe_rule`` says them in one sentence for the window and the forms.

Units, members and their consecutive years are in ``core.mutual.members``; enrolment in
``core.mutual.enrolment``; the units' payments in ``core.mutual.contributions``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.mutual.rule import Rule

FUND_PURPOSE = "4"          # 职工医疗互助金 in the fund_purpose list


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
