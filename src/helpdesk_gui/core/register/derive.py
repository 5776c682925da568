"""One derivation of a household's computed columns, whoever writes the household.

The editor's save (``households.create_household`` / ``update_household``) and its live preview, the
batch import and the station-sheet import (``core.sync``), the demo and the yearly review all call
``derive``; migration 0008 brought every stored row in line with it. From the household's own fields
(name, ID number, phone, 户口所在地, 家庭人口, 家庭年收入, 刚性支出) and members (plus, when the
register holds them, its exclusion flags and accident losses) it computes:

- ``name_pinyin`` / ``name_initials`` (search keys, surnames read as surnames), ``id_rev`` and
  ``phone_rev`` (reversed, for "last digits" search on an index);
- ``hukou_region_code``: 户口所在地 as entered, else the first six digits of a valid ID number;
- ``per_capita_month_fen`` (家庭月人均收入): the contract's formula on the household's own figures,
  ``(家庭年收入 − 刚性支出) ÷ 家庭人口 ÷ 12``; this is what the batch carries;
- ``income_test_month_fen`` (收入核算月人均): the income test's figure, the same formula after
  crediting the minimum wage to each working-age, able member with no job and no income evidence, and
  counting the members' own 月收入 × 12 where they come to more than the declared 家庭年收入;
- ``category_suggested``: the income test's suggestion (from the income-test figure, the 低保
  standard in force for the region on the day, the exclusion flags and the accident loss).

``derive`` is a pure function of its inputs and a ``RulesBook`` (the rules in force on one day,
looked up once per region), so bulk writers derive 100,000 households without a query per row.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes, ids, pinyin
from helpdesk_gui.core.register import eligibility
from helpdesk_gui.core.register.draft import HouseholdDraft

#: The columns of ``households`` that ``derive`` computes (and nothing else writes).
DERIVED_COLUMNS = ("name_pinyin", "name_initials", "id_rev", "phone_rev", "hukou_region_code",
                   "per_capita_month_fen", "income_test_month_fen", "category_suggested")
#: The household fields ``derive`` reads (besides the members, exclusions and accident loss).
INPUT_FIELDS = ("name", "id_number", "phone", "hukou_region_code", "family_size", "annual_income_fen",
                "rigid_expense_fen")

#: What a clerk reads for each derived column (the editor's change history names them).
LABELS = {"name_pinyin": "姓名拼音", "name_initials": "姓名首字母", "id_rev": "身份证号码（倒序）",
          "phone_rev": "手机号码（倒序）", "hukou_region_code": "户口所在地行政区划",
          "per_capita_month_fen": "家庭月人均收入", "income_test_month_fen": "收入核算月人均收入",
          "category_suggested": "系统建议的困难类别"}

RulesOf = Callable[[str], eligibility.Rules]


@dataclass(frozen=True)
class Derived:
    name_pinyin: str
    name_initials: str
    id_rev: str
    phone_rev: str
    hukou_region_code: str
    #: 家庭月人均收入: (家庭年收入 − 刚性支出) ÷ 家庭人口 ÷ 12, as stored, shown and exported
    per_capita_month_fen: int
    #: 收入核算月人均: the income test's figure, with the minimum wage credited to idle able members
    income_test_month_fen: int
    category_suggested: str | None
    #: the whole income test (credited income, 低保 line, reasons) for the editor's preview
    test: eligibility.IncomeTest

    def columns(self) -> dict[str, Any]:
        """The derived columns as they are stored."""
        return {c: getattr(self, c) for c in DERIVED_COLUMNS}


class RulesBook:
    """The income-test rules in force on one day, looked up once per region (``policy.lookup``:
    the most specific 低保 and minimum-wage standard, else the county default) with the settings
    (相对困难 multiplier, 意外致困 ratio, working ages) read once."""

    def __init__(self, db: Database, on: _dt.date) -> None:
        self.on = on
        self._db = db
        self._settings = settings.get_all(db)
        self._cache: dict[str, eligibility.Rules] = {}

    def __call__(self, region: str) -> eligibility.Rules:
        hit = self._cache.get(region)
        if hit is None:
            std = policy.lookup(self._db, region, self.on)
            s = self._settings
            hit = self._cache[region] = eligibility.Rules(
                dibao_month_fen=std.dibao_month_fen, min_wage_month_fen=std.min_wage_month_fen,
                relative_multiplier=Decimal(str(s["relative_multiplier"])),
                accident_ratio=Decimal(str(s["accident_ratio"])),
                working_age_min=int(s["working_age_min"]), working_age_max_male=int(s["working_age_max_male"]),
                working_age_max_female=int(s["working_age_max_female"]))
        return hit


def rules_for(db: Database, region_code: str, on: _dt.date) -> eligibility.Rules:
    """The rules in force for one region on one day (an empty region: the county's)."""
    return RulesBook(db, on)(region_code)


def exclusion_labels(book: codes.CodeBook) -> dict[str, str]:
    return {i.code: i.label for i in book.items("exclusion", active_only=False)}


def home_region(fields: Mapping[str, Any]) -> str:
    """户口所在地行政区划 with its default: as entered, else the first six digits of a valid ID number
    (the county that issued it), else empty (the income test then uses the county's own standard)."""
    region = str(fields.get("hukou_region_code") or "").strip()
    if region:
        return region
    idn = str(fields.get("id_number") or "")
    if idn and ids.is_valid(idn):
        return ids.normalise(idn)[:6]
    return ""


def _born(idn: str) -> tuple[str, str] | None:
    """(birth date, sex code) written in an 18-character ID number, if it holds a date."""
    idn = idn.strip().upper()
    if len(idn) != 18 or not idn[:17].isdigit():
        return None
    try:
        birth = _dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return None
    return birth.isoformat(), "1" if int(idn[16]) % 2 else "2"


def _person(m: Mapping[str, Any]) -> Mapping[str, Any]:
    """A member as the income test reads them: age and sex from the ID number when it holds them
    (as validation stores them; a batch's 家庭成员 sheet has no 性别 column)."""
    if m.get("identity") not in eligibility.UNEMPLOYED_IDENTITIES:
        return m  # the test only looks further at jobless members
    born = _born(str(m.get("id_number") or ""))
    if born is None or (m.get("birth_date"), m.get("gender")) == born:
        return m
    return {**m, "birth_date": born[0], "gender": born[1]}


def derive(fields: Mapping[str, Any], members: Iterable[Mapping[str, Any]], rules: RulesOf, *, on: _dt.date,
           exclusions: Iterable[str] = (), accident_loss_fen: int = 0,
           exclusion_labels: Mapping[str, str] | None = None) -> Derived:
    """Every derived column of one household from its own fields (``INPUT_FIELDS``) and members.

    ``rules`` gives the income-test rules for a region (a ``RulesBook``); ``on`` is the day of the test.
    """
    full, initials = pinyin.keys(str(fields.get("name") or ""))
    region = home_region(fields)
    size = int(fields.get("family_size") or 1)
    income = int(fields.get("annual_income_fen") or 0)
    rigid = int(fields.get("rigid_expense_fen") or 0)
    test = eligibility.run(
        family_size=size, annual_income_fen=income, rigid_expense_fen=rigid, rules=rules(region),
        members=[_person(m) for m in members], accident_loss_fen=accident_loss_fen, exclusions=exclusions,
        exclusion_labels=exclusion_labels, on=on)
    return Derived(
        name_pinyin=full, name_initials=initials,
        id_rev=str(fields.get("id_number") or "")[::-1], phone_rev=str(fields.get("phone") or "")[::-1],
        hukou_region_code=region,
        per_capita_month_fen=eligibility.per_capita_month(income, rigid, size),
        income_test_month_fen=test.per_capita_month_fen, category_suggested=test.suggested_category, test=test)


def derive_draft(db: Database, draft: HouseholdDraft, *, on: _dt.date, base: Mapping[str, Any] | None = None,
                 book: codes.CodeBook | None = None) -> Derived:
    """``derive`` for a clerk's draft (validated for a save, as typed for the editor's preview):
    家庭人口 and the totals from its members and items (``HouseholdDraft.figures``), its exclusion
    flags and accident losses. ``base``: the stored household, for the fields a partial draft leaves out."""
    fields = {**(base or {}), **draft.fields, **draft.figures()}
    return derive(fields, draft.members, RulesBook(db, on), on=on, exclusions=draft.exclusion_kinds(),
                  accident_loss_fen=draft.accident_loss_fen(),
                  exclusion_labels=exclusion_labels(book or codes.load(db)))

