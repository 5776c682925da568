"""Migration 0008_derive: every household's computed columns follow one definition.

Before this version the editor stored as 家庭月人均收入 the income test's figure (the minimum wage
credited to idle able members) while batch and station-sheet imports stored the contract's formula;
imports left 户口所在地 and the suggested category empty and the demo copied its category into the
suggestion. From this version ``core.register.derive`` computes them for every writer, and this
migration brings the rows already stored in line:

1. adds ``households.income_test_month_fen`` (收入核算月人均: the income test's figure);
2. fills an empty ``hukou_region_code`` with the first six digits of a valid ID number;
3. recomputes ``per_capita_month_fen`` (家庭月人均收入) with the contract's formula, in SQL:
   (家庭年收入 − 刚性支出) ÷ 家庭人口 ÷ 12, rounded half away from zero to the fen;
4. runs the income test on every household as of the day the migration runs, with the rules
   frozen below (as ``core.register.eligibility`` had them when this migration was written), and
   stores ``income_test_month_fen`` and ``category_suggested``.

Only ``core.base`` is used; nothing here calls the register, so later changes there do not change
what this migration writes. ``updated_at`` is left alone: no household changed, only what is
computed from it.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from helpdesk_gui.core.base import ids

ADD_COLUMN = ("ALTER TABLE households ADD COLUMN income_test_month_fen INTEGER NOT NULL DEFAULT 0 "
              "CHECK (typeof(income_test_month_fen) = 'integer')")

#: (家庭年收入 − 刚性支出) ÷ (家庭人口 × 12), half away from zero, in integers.
PER_CAPITA_SQL = """
UPDATE households SET per_capita_month_fen = CASE
    WHEN annual_income_fen >= rigid_expense_fen
    THEN (2 * (annual_income_fen - rigid_expense_fen) + 12 * family_size) / (24 * family_size)
    ELSE -((2 * (rigid_expense_fen - annual_income_fen) + 12 * family_size) / (24 * family_size))
END
"""

#: The settings the income test reads, with their defaults at the time of this migration.
SETTING_DEFAULTS: dict[str, Any] = {
    "relative_multiplier": "2", "accident_ratio": "0.8", "working_age_min": 16, "working_age_max_male": 60,
    "working_age_max_female": 55, "default_region_code": "", "default_dibao_month_fen": 70_000,
    "default_min_wage_month_fen": 169_000,
}
#: 人员身份 codes meaning "not working" (下岗, 失业, 无业) and the 健康状况 code 良好.
UNEMPLOYED = ("2", "3", "9")
HEALTH_GOOD = "1"


def _half_up(num: int, den: int) -> int:
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


def _candidates(region: str) -> list[str]:
    region = (region or "").strip()
    if len(region) != 6 or not region.isdigit():
        return []
    return [region, region[:4] + "00", region[:2] + "0000"]


class _Standards:
    """低保 and minimum wage for a region on a day: the most specific standard in force, else the default."""

    def __init__(self, db: Any, day: str, s: dict[str, Any]) -> None:
        self.by_region: dict[str, list[tuple[str, int, int]]] = {}
        for region, frm, dibao, wage in db.execute(
                "SELECT region_code, effective_from, dibao_month_fen, min_wage_month_fen FROM policy_standards "
                "WHERE effective_from <= ? ORDER BY effective_from DESC", [day]):
            self.by_region.setdefault(str(region), []).append((str(frm), int(dibao), int(wage)))
        self.default_region = str(s["default_region_code"])
        self.fallback = (int(s["default_dibao_month_fen"]), int(s["default_min_wage_month_fen"]))
        self.cache: dict[str, tuple[int, int]] = {}

    def __call__(self, region: str) -> tuple[int, int]:
        hit = self.cache.get(region)
        if hit is None:
            hit = self.fallback
            for cand in _candidates(region) or _candidates(self.default_region):
                found = self.by_region.get(cand)
                if found:
                    hit = (found[0][1], found[0][2])
                    break
            self.cache[region] = hit
        return hit


def _born(idn: str) -> tuple[_dt.date, str] | None:
    if len(idn) != 18 or not idn[:17].isdigit():
        return None
    try:
        birth = _dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return None
    return birth, "1" if int(idn[16]) % 2 else "2"


def _credited(members: Iterable[tuple[Any, ...]], min_wage: int, on: _dt.date, s: dict[str, Any]) -> int:
    """Minimum wage × 12 for each working-age, able, jobless member without income evidence."""
    total = 0
    for idn, birth, gender, health, income, proof in members:
        if proof or (income or 0) > 0 or health not in (HEALTH_GOOD, None, ""):
            continue
        born = _born(str(idn or "").upper())
        if born is not None:
            day, gender = born
        elif birth:
            day = _dt.date.fromisoformat(str(birth))
        else:
            continue
        age = on.year - day.year - ((on.month, on.day) < (day.month, day.day))
        upper = int(s["working_age_max_male"]) if gender == "1" else int(s["working_age_max_female"])
        if int(s["working_age_min"]) <= age < upper:
            total += min_wage * 12
    return total


def m0008_derive(db: Any, *, today: _dt.date | None = None) -> None:
    on = today or _dt.date.today()
    db.execute(ADD_COLUMN)
    stored = {str(k): json.loads(v) for k, v in db.execute("SELECT key, value FROM settings")}
    s = {k: stored.get(k, default) for k, default in SETTING_DEFAULTS.items()}
    multiplier, ratio = Decimal(str(s["relative_multiplier"])), Decimal(str(s["accident_ratio"]))
    standards = _Standards(db, on.isoformat(), s)
    idle: dict[int, list[tuple[Any, ...]]] = {}
    for hid, *m in db.execute(
            "SELECT household_id, id_number, birth_date, gender, health, monthly_income_fen, has_income_proof "
            f"FROM members WHERE identity IN ({', '.join('?' * len(UNEMPLOYED))})", UNEMPLOYED):
        idle.setdefault(int(hid), []).append(tuple(m))
    excluded = {int(h) for (h,) in db.execute("SELECT DISTINCT household_id FROM exclusions")}
    accident = {int(h): int(a) for h, a in db.execute(
        "SELECT household_id, sum(amount_fen) FROM rigid_expenses WHERE kind = 'accident' GROUP BY household_id")}
    updates: list[tuple[Any, ...]] = []
    for hid, id_number, region, size, income, rigid in db.execute(
            "SELECT id, id_number, hukou_region_code, family_size, annual_income_fen, rigid_expense_fen "
            "FROM households ORDER BY id").fetchall():
        region = str(region or "").strip()
        if not region and id_number and ids.is_valid(str(id_number)):
            region = ids.normalise(str(id_number))[:6]
        dibao, min_wage = standards(region)
        income_t = int(income) + _credited(idle.get(int(hid), ()), min_wage, on, s)
        per_capita = _half_up(income_t - int(rigid), int(size) * 12)
        relative_line = int((Decimal(dibao) * multiplier).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        loss = accident.get(int(hid), 0)
        suggestion: str | None
        if int(hid) in excluded:
            suggestion = None
        elif per_capita < dibao:
            suggestion = "1"
        elif per_capita < relative_line:
            suggestion = "2"
        elif loss > 0 and Decimal(loss) > Decimal(income_t) * ratio:
            suggestion = "3"
        else:
            suggestion = None
        updates.append((region, per_capita, suggestion, hid))
    db.conn.executemany("UPDATE households SET hukou_region_code = ?, income_test_month_fen = ?, "
                        "category_suggested = ? WHERE id = ?", updates)
    db.execute(PER_CAPITA_SQL)
