"""The caps engine: the most a household may be granted for a project, by its 困难类别.

One rule per project × category (table ``cap_rules``, seeded with the defaults of DOMAIN.md and
editable by the admin). A rule has a **basis** for one grant —

* ``months_dibao``: N months of the local 低保 standard (生活救助 12/8 months, 助学 10/8 months);
* ``fixed``: a fixed amount (送温暖 3,000 per time);
* ``percent``: a share of the self-paid cost above a deductible, optionally at most X per time
  (医疗救助 80 % up to 16,000; 大病救助 80 % above 5,000 up to 10,000; 医疗互助 50 % above 1,000,
  +5 points for each 5 years of membership);
* ``none``: the category does not get this project by default —

and a **period** over which grants add up: per time, per household-year, per student-year (by
the student), per person-year; plus an optional lifetime (cumulative) maximum. Relative-hardship
households may be limited to one project a year (setting). The cap is never a refusal on its
own: granting more needs an approver's recorded override reason (see ``core.approval``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, ValidationError
from helpdesk_gui.core.base.money import format_yuan, round_fen
from helpdesk_gui.core.db import row, rows, write

BASES = ("months_dibao", "fixed", "percent", "none")
PERIODS = ("time", "household_year", "student_year", "person_year")
#: category key used when a household has no 困难类别 yet (temporary aid to a family not yet archived)
ANY_CATEGORY = "*"


@dataclass(frozen=True)
class CapRule:
    project: str
    category: str
    basis: str
    months: Decimal | None = None
    amount_fen: int | None = None
    percent: Decimal | None = None
    deductible_fen: int = 0
    max_time_fen: int | None = None
    period: str = "time"
    period_max_fen: int | None = None
    lifetime_max_fen: int | None = None
    bonus_per_5y: Decimal | None = None
    note: str = ""

    def needs_cost(self) -> bool:
        return self.basis == "percent"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("months", "percent", "bonus_per_5y"):
            d[k] = None if d[k] is None else str(d[k])
        return d

    def describe(self, book: codes.CodeBook | None = None) -> str:
        """The rule in a sentence, e.g. “每户每年不超过 8 个月低保标准”."""
        book = book or codes.CodeBook.defaults()
        per = book.label("cap_period", self.period)
        y = _y
        if self.basis == "none":
            cat = book.label("category", self.category) if self.category != ANY_CATEGORY else "未定类别"
            return f"{cat}家庭默认不享受{book.label('project', self.project)}"
        if self.basis == "months_dibao":
            text = f"{per}不超过 {_num(self.months)} 个月低保标准"
        elif self.basis == "fixed":
            text = f"每次不超过 {y(self.amount_fen or 0)}"
        else:
            pct = f"{_num((self.percent or Decimal(0)) * 100)}%"
            cost = "致困费用" if self.project == "1" else "自付费用"
            base = f"{cost}超过 {y(self.deductible_fen)}部分的 {pct}" if self.deductible_fen else f"{cost}的 {pct}"
            if self.bonus_per_5y:
                base += f"（每满 5 年加 {_num(self.bonus_per_5y * 100)} 个百分点）"
            text = base + (f"，每次最多 {y(self.max_time_fen)}" if self.max_time_fen is not None else "")
            if self.period != "time" and self.period_max_fen is None and self.max_time_fen is None:
                text = f"{per}不超过" + text
        limit = self.period_limit_text()
        if limit and self.period != "time":
            text += f"，{per}合计不超过 {limit}"
        if self.lifetime_max_fen is not None:
            text += f"，累计不超过 {y(self.lifetime_max_fen)}"
        return text

    def period_limit_text(self) -> str:
        if self.period_max_fen is not None:
            return format_yuan(self.period_max_fen, grouping=True) + " 元"
        return ""


def _y(fen: int | None) -> str:
    return format_yuan(fen or 0, grouping=True) + " 元"


def _num(value: Decimal | None) -> str:
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _r(project: str, category: str, basis: str, **kw: Any) -> CapRule:
    for k in ("months", "percent", "bonus_per_5y"):
        if k in kw and kw[k] is not None:
            kw[k] = Decimal(str(kw[k]))
    return CapRule(project, category, basis, **kw)


ASSUMED = "默认值为估计，请按本地办法修改"
#: The defaults of DOMAIN.md's table (amounts in fen). 1 深度困难, 2 相对困难, 3 意外致困.
DEFAULT_RULES: tuple[CapRule, ...] = (
    _r("1", "1", "months_dibao", months=12, period="household_year"),
    _r("1", "2", "months_dibao", months=8, period="household_year"),
    _r("1", "3", "percent", percent="0.15", max_time_fen=1_000_000, period="household_year", period_max_fen=1_000_000),
    _r("2", "1", "percent", percent=1, period="household_year"),
    _r("2", "2", "percent", percent="0.8", max_time_fen=1_600_000, period="household_year", period_max_fen=1_600_000),
    _r("2", "3", "none"),
    _r("3", "1", "months_dibao", months=10, period="student_year"),
    _r("3", "2", "months_dibao", months=8, period="student_year"),
    _r("3", "3", "none"),
    *[_r("4", c, "fixed", amount_fen=300_000, period="person_year", period_max_fen=600_000) for c in "123"],
    *[_r("5", c, "fixed", amount_fen=500_000, period="household_year", period_max_fen=1_000_000, note=ASSUMED)
      for c in ("1", "2", "3", ANY_CATEGORY)],
    *[_r(p, c, "fixed", amount_fen=300_000, period="person_year", period_max_fen=300_000)
      for p in ("6", "7") for c in "12"],
    _r("6", "3", "none"), _r("7", "3", "none"),
    *[_r("8", c, "fixed", amount_fen=300_000, period="time", note="当地法律援助补贴标准；" + ASSUMED) for c in "12"],
    _r("8", "3", "none"),
    *[_r("9", c, "percent", percent="0.5", deductible_fen=100_000, bonus_per_5y="0.05", period="time") for c in "123"],
    *[_r("10", c, "none") for c in "123"],
)

RULE_COLUMNS = ("project", "category", "basis", "months", "amount_fen", "percent", "deductible_fen", "max_time_fen",
                "period", "period_max_fen", "lifetime_max_fen", "bonus_per_5y", "note")


def _from_row(r: Mapping[str, Any]) -> CapRule:
    def dec(v: Any) -> Decimal | None:
        return None if v in (None, "") else Decimal(str(v))
    return CapRule(str(r["project"]), str(r["category"]), str(r["basis"]), dec(r["months"]), r["amount_fen"],
                   dec(r["percent"]), int(r["deductible_fen"] or 0), r["max_time_fen"], str(r["period"]),
                   r["period_max_fen"], r["lifetime_max_fen"], dec(r["bonus_per_5y"]), str(r["note"] or ""))


def load_rules(db: Database) -> dict[tuple[str, str], CapRule]:
    return {(r.project, r.category): r for r in map(_from_row, rows(db, "SELECT * FROM cap_rules"))}


def rule_for(rules: Mapping[tuple[str, str], CapRule], project: str, category: str | None) -> CapRule:
    """The rule for a project and category; a category without its own rule falls back to ``*``."""
    key = (project, category or ANY_CATEGORY)
    if key in rules:
        return rules[key]
    if (project, ANY_CATEGORY) in rules:
        return rules[(project, ANY_CATEGORY)]
    return CapRule(project, category or ANY_CATEGORY, "none", note="未设定上限规则")


def validate_rule(rule: CapRule) -> CapRule:
    book = codes.CodeBook.defaults()
    if not book.has_code("project", rule.project):
        raise ValidationError("帮扶项目", "不是可选值", rule.project)
    if rule.category != ANY_CATEGORY and not book.has_code("category", rule.category):
        raise ValidationError("困难类别", "不是可选值", rule.category)
    if rule.basis not in BASES:
        raise ValidationError("上限计算方式", "不是可选值", rule.basis)
    if rule.period not in PERIODS:
        raise ValidationError("上限计算周期", "不是可选值", rule.period)
    if rule.basis == "months_dibao" and (rule.months is None or rule.months <= 0):
        raise ValidationError("低保标准月数", "应大于 0", rule.months)
    if rule.basis == "fixed" and (rule.amount_fen is None or rule.amount_fen <= 0):
        raise ValidationError("固定金额", "应大于 0", rule.amount_fen)
    if rule.basis == "percent" and (rule.percent is None or not Decimal(0) < rule.percent <= Decimal(1)):
        raise ValidationError("自付费用比例", "应大于 0 且不超过 100%", rule.percent)
    for name, value in (("起付金额", rule.deductible_fen), ("每次最多", rule.max_time_fen),
                        ("每期合计上限", rule.period_max_fen), ("累计上限", rule.lifetime_max_fen)):
        if value is not None and value < 0:
            raise ValidationError(name, "不能为负数", value)
    return rule


def put_rule(db: Database, actor: Actor, rule: CapRule) -> None:
    """Add or replace the rule of one project × category (admin)."""
    actor.require("settings.edit")
    validate_rule(rule)
    values = rule.as_dict()
    with write(db):
        before = row(db, "SELECT * FROM cap_rules WHERE project = ? AND category = ?", [rule.project, rule.category])
        db.execute(f"INSERT INTO cap_rules ({', '.join(RULE_COLUMNS)}) VALUES ({', '.join('?' * len(RULE_COLUMNS))}) "
                   "ON CONFLICT (project, category) DO UPDATE SET "
                   + ", ".join(f"{c} = excluded.{c}" for c in RULE_COLUMNS if c not in ("project", "category")),
                   [values[c] for c in RULE_COLUMNS])
        audit.record(db, actor.username, "put", "cap_rule", f"{rule.project}/{rule.category}", before, values)


def parse_decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%"))
    except InvalidOperation:
        raise ValidationError(field, "应为数字", text) from None
    return value / 100 if str(text).strip().endswith("%") else value


# ---------------------------------------------------------------- computing a cap

@dataclass(frozen=True)
class CapInput:
    """What a cap depends on besides the rule."""

    dibao_month_fen: int
    cost_fen: int | None = None
    membership_years: int = 0
    used_in_period_fen: int = 0
    used_lifetime_fen: int = 0
    #: 相对困难 one-project-a-year: the other projects already granted this year (labels)
    other_projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cap:
    cap_fen: int
    rule: CapRule
    text: str          # the rule and the figures, for the approval screen and the snapshot
    per_time_fen: int
    remaining_fen: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"cap_fen": self.cap_fen, "text": self.text, "per_time_fen": self.per_time_fen,
                "remaining_fen": self.remaining_fen, "rule": self.rule.as_dict()}


def compute(rule: CapRule, inp: CapInput, book: codes.CodeBook | None = None) -> Cap:
    """The cap for one grant under ``rule``. Raises ``ValidationError`` when the rule needs the cost."""
    y = _y
    parts = [rule.describe(book)]
    if rule.basis == "none":
        per_time = 0
    elif rule.basis == "months_dibao":
        per_time = round_fen((rule.months or Decimal(0)) * inp.dibao_month_fen)
        parts.append(f"低保标准 {y(inp.dibao_month_fen)}/月 × {_num(rule.months)} = {y(per_time)}")
    elif rule.basis == "fixed":
        per_time = int(rule.amount_fen or 0)
    else:
        if inp.cost_fen is None:
            raise ValidationError("自付费用", "按此项目的上限规则须填写自付（或致困）费用金额")
        pct = (rule.percent or Decimal(0)) + (rule.bonus_per_5y or Decimal(0)) * (max(inp.membership_years, 0) // 5)
        pct = min(pct, Decimal(1))
        base = max(inp.cost_fen - rule.deductible_fen, 0)
        per_time = round_fen(Decimal(base) * pct)
        base_text = f"（{y(inp.cost_fen)} − {y(rule.deductible_fen)}）" if rule.deductible_fen else y(inp.cost_fen)
        parts.append(f"{base_text} × {_num(pct * 100)}% = {y(per_time)}")
        if rule.max_time_fen is not None and per_time > rule.max_time_fen:
            per_time = rule.max_time_fen
            parts.append(f"按每次最多 {y(rule.max_time_fen)} 计")
    cap = per_time
    remaining: int | None = None
    if rule.period != "time" and rule.basis != "none":
        limit = rule.period_max_fen if rule.period_max_fen is not None else (
            per_time if rule.basis in ("months_dibao", "fixed") else rule.max_time_fen)
        if limit is not None:
            remaining = max(limit - inp.used_in_period_fen, 0)
            if inp.used_in_period_fen:
                parts.append(f"本期已批 {y(inp.used_in_period_fen)}，还可批 {y(remaining)}")
            cap = min(cap, remaining)
    if rule.lifetime_max_fen is not None and rule.basis != "none":
        left = max(rule.lifetime_max_fen - inp.used_lifetime_fen, 0)
        parts.append(f"累计已批 {y(inp.used_lifetime_fen)}，还可批 {y(left)}")
        cap = min(cap, left)
        remaining = left if remaining is None else min(remaining, left)
    if inp.other_projects and rule.basis != "none":
        parts.append(f"相对困难家庭每年限享受一个帮扶项目，本年已享受：{'、'.join(inp.other_projects)}")
        cap = 0
    return Cap(max(cap, 0), rule, "；".join(parts), per_time, remaining)


# ---------------------------------------------------------------- from the database

def _year_bounds(on: _dt.date) -> tuple[str, str]:
    return f"{on.year:04d}-01-01", f"{on.year + 1:04d}-01-01"


def used(db: Database, household_id: int, project: str, rule: CapRule, on: _dt.date, *, beneficiary: str = "",
         exclude_application: int | None = None) -> tuple[int, int]:
    """(granted in the rule's period, granted ever) for this household and project, from decisions."""
    base = ("SELECT coalesce(sum(d.amount_fen), 0) FROM decisions d JOIN applications a ON a.id = d.application_id "
            "WHERE d.outcome = 'approved' AND d.household_id = ? AND d.project = ? AND d.application_id <> ?")
    params: list[Any] = [household_id, project, exclude_application or -1]
    lifetime = int(db.execute(base, params).fetchone()[0])
    if rule.period == "time":
        return 0, lifetime
    lo, hi = _year_bounds(on)
    sql = base + " AND d.decided_on >= ? AND d.decided_on < ?"
    p2 = [*params, lo, hi]
    if rule.period == "student_year":
        sql += " AND a.beneficiary = ?"
        p2.append(beneficiary)
    return int(db.execute(sql, p2).fetchone()[0]), lifetime


def other_projects_this_year(db: Database, household_id: int, project: str, on: _dt.date,
                             exclude_application: int | None = None,
                             book: codes.CodeBook | None = None) -> tuple[str, ...]:
    """Projects (labels) other than ``project`` already granted this year, for the one-project rule."""
    if not settings.get(db, "relative_one_project_a_year"):
        return ()
    exempt = {str(p) for p in settings.get(db, "one_project_exempt") or []}
    if project in exempt:
        return ()
    lo, hi = _year_bounds(on)
    found = [str(r[0]) for r in db.execute(
        "SELECT DISTINCT project FROM decisions WHERE outcome = 'approved' AND household_id = ? AND project <> ? "
        "AND decided_on >= ? AND decided_on < ? AND application_id <> ? ORDER BY project",
        [household_id, project, lo, hi, exclude_application or -1])]
    book = book or codes.load(db)
    return tuple(book.label("project", p) for p in found if p not in exempt)


def cap_for(db: Database, household_id: int, project: str, *, on: _dt.date, cost_fen: int | None = None,
            beneficiary: str = "", membership_years: int = 0, exclude_application: int | None = None,
            rules: Mapping[tuple[str, str], CapRule] | None = None, book: codes.CodeBook | None = None) -> Cap:
    """The cap for a grant to a household now: its category's rule, the 低保 standard of its region on
    ``on``, and what was already granted in the period (``exclude_application``: the one being decided)."""
    h = row(db, "SELECT category, hukou_region_code FROM households WHERE id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    rule = rule_for(rules if rules is not None else load_rules(db), project, h["category"])
    std = policy.lookup(db, str(h["hukou_region_code"] or ""), on)
    in_period, lifetime = used(db, household_id, project, rule, on, beneficiary=beneficiary,
                               exclude_application=exclude_application)
    book = book or codes.load(db)
    others = other_projects_this_year(db, household_id, project, on, exclude_application, book) \
        if h["category"] == "2" else ()
    inp = CapInput(std.dibao_month_fen, cost_fen, membership_years, in_period, lifetime, others)
    return compute(rule, inp, book)


def rules_table(db: Database) -> list[CapRule]:
    """Every project × category in code-list order, with its rule (or the ``none`` fallback)."""
    book = codes.load(db)
    rules = load_rules(db)
    out: list[CapRule] = []
    for p in book.items("project"):
        for c in [*(i.code for i in book.items("category")), ANY_CATEGORY]:
            if c == ANY_CATEGORY and (p.code, c) not in rules:
                continue
            out.append(rule_for(rules, p.code, c) if (p.code, c) in rules else
                       replace(rule_for({}, p.code, c), category=c))
    return out
