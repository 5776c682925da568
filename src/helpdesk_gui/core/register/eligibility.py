"""The income test: per-capita monthly net income against the 低保 line, and a suggested category.

``家庭月人均纯收入 = (家庭年收入 − 刚性支出) ÷ 家庭人口 ÷ 12`` over the 12 months before the
application, rounded half-up to the fen. The test counts two incomes the declared 家庭年收入 may leave
out: a working-age, able member with no job and no evidence of income is credited with the local
minimum wage; and the members' own 月收入 (the 家庭成员 table) are part of the household's income, so
when twelve months of them come to more than the declared 家庭年收入, the difference is counted
(``member_topup_fen``). The program only *suggests* a category; a person decides, and both are kept.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from helpdesk_gui.core.base.ids import age_on
from helpdesk_gui.core.base.money import format_yuan, round_fen

#: 人员身份 codes meaning "not working" (下岗, 失业, 无业).
UNEMPLOYED_IDENTITIES = frozenset({"2", "3", "9"})
HEALTH_GOOD = "1"


@dataclass(frozen=True)
class Rules:
    dibao_month_fen: int
    min_wage_month_fen: int
    relative_multiplier: Decimal = Decimal(2)
    accident_ratio: Decimal = Decimal("0.8")
    working_age_min: int = 16
    working_age_max_male: int = 60
    working_age_max_female: int = 55


@dataclass(frozen=True)
class IncomeTest:
    family_size: int
    declared_income_fen: int
    credited_income_fen: int
    rigid_expense_fen: int
    accident_loss_fen: int
    per_capita_month_fen: int
    dibao_month_fen: int
    relative_line_fen: int
    suggested_category: str | None
    reasons: tuple[str, ...] = field(default=())
    #: the members' 月收入 × 12 beyond the declared 家庭年收入 (0 when the declared income covers them)
    member_topup_fen: int = 0

    @property
    def annual_income_fen(self) -> int:
        return self.declared_income_fen + self.credited_income_fen + self.member_topup_fen


def per_capita_month(annual_income_fen: int, rigid_expense_fen: int, family_size: int) -> int:
    if family_size < 1:
        raise ValueError("family_size must be at least 1")
    return round_fen(Decimal(annual_income_fen - rigid_expense_fen) / family_size / 12)


def credited_income(members: Iterable[Mapping[str, Any]], rules: Rules, on: _dt.date) -> tuple[int, list[str]]:
    """Minimum wage × 12 for each working-age, able, jobless member with no income evidence."""
    total = 0
    notes: list[str] = []
    for m in members:
        if m.get("identity") not in UNEMPLOYED_IDENTITIES or m.get("has_income_proof"):
            continue
        if (m.get("monthly_income_fen") or 0) > 0 or m.get("health") not in (HEALTH_GOOD, None, ""):
            continue
        birth = m.get("birth_date")
        if not birth:
            continue
        age = age_on(_dt.date.fromisoformat(str(birth)), on)
        upper = rules.working_age_max_male if m.get("gender") == "1" else rules.working_age_max_female
        if rules.working_age_min <= age < upper:
            total += rules.min_wage_month_fen * 12
            notes.append(f"{m.get('name', '')}处于劳动年龄、身体健康、无业且无收入证明，按最低工资标准计入收入")
    return total, notes


def member_topup(members: Iterable[Mapping[str, Any]], annual_income_fen: int) -> tuple[int, list[str]]:
    """The members' 月收入 × 12 beyond the declared 家庭年收入: a member's own income is household income, so
    the test counts at least what the 家庭成员 table says the members earn."""
    members_year = sum(int(m.get("monthly_income_fen") or 0) for m in members) * 12
    topup = max(members_year - annual_income_fen, 0)
    if not topup:
        return 0, []
    return topup, [f"家庭成员月收入合计 × 12 = {format_yuan(members_year)} 元，多于申报的家庭年收入 "
                   f"{format_yuan(annual_income_fen)} 元，差额 {format_yuan(topup)} 元计入收入"]


def run(
    *,
    family_size: int,
    annual_income_fen: int,
    rigid_expense_fen: int,
    rules: Rules,
    members: Iterable[Mapping[str, Any]] = (),
    accident_loss_fen: int = 0,
    exclusions: Iterable[str] = (),
    exclusion_labels: Mapping[str, str] | None = None,
    on: _dt.date | None = None,
) -> IncomeTest:
    on = on or _dt.date.today()
    members = list(members)
    credited, reasons = credited_income(members, rules, on)
    topup, notes = member_topup(members, annual_income_fen)
    reasons += notes
    income = annual_income_fen + credited + topup
    pc = per_capita_month(income, rigid_expense_fen, family_size)
    relative_line = round_fen(Decimal(rules.dibao_month_fen) * rules.relative_multiplier)
    excl = list(exclusions)
    suggestion: str | None
    if excl:
        names = "、".join((exclusion_labels or {}).get(e, e) for e in excl)
        reasons.append(f"存在排除条件：{names}，不予建档")
        suggestion = None
    elif pc < rules.dibao_month_fen:
        reasons.append(f"月人均 {format_yuan(pc)} 元低于低保标准 {format_yuan(rules.dibao_month_fen)} 元")
        suggestion = "1"
    elif pc < relative_line:
        reasons.append(f"月人均 {format_yuan(pc)} 元低于相对困难线 {format_yuan(relative_line)} 元"
                       f"（低保标准的 {rules.relative_multiplier} 倍）")
        suggestion = "2"
    elif accident_loss_fen > 0 and Decimal(accident_loss_fen) > Decimal(income) * rules.accident_ratio:
        reasons.append(f"年度致困费用 {format_yuan(accident_loss_fen)} 元超过家庭年收入的 "
                       f"{rules.accident_ratio * 100:.0f}%")
        suggestion = "3"
    else:
        reasons.append(f"月人均 {format_yuan(pc)} 元不低于相对困难线 {format_yuan(relative_line)} 元，"
                       "不符合建档条件")
        suggestion = None
    return IncomeTest(family_size, annual_income_fen, credited, rigid_expense_fen, accident_loss_fen, pc,
                      rules.dibao_month_fen, relative_line, suggestion, tuple(reasons), topup)
