"""The income test and the policy standards it uses (低保 and minimum wage per region and date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.admin import settings as app_settings
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import PermissionDenied, ValidationError
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.register import derive, eligibility
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.register.eligibility import Rules

ON = dt.date(2025, 3, 10)
RULES = Rules(dibao_month_fen=70_000, min_wage_month_fen=169_000)



def _half_up(value: Fraction) -> int:
    """Reference rounding: to the nearest fen, ties away from zero."""
    sign = -1 if value < 0 else 1
    mag = abs(value)
    whole = int(mag)
    if mag - whole >= Fraction(1, 2):
        whole += 1
    return sign * whole


def member(age: int, gender: str = "1", *, identity: str = "3", health: str | None = "1", proof: bool = False,
           income: int = 0, name: str = "成员") -> dict:
    birth = dt.date(ON.year - age, 1, 1) if age else ON
    return {"name": name, "identity": identity, "health": health, "has_income_proof": proof,
            "monthly_income_fen": income, "gender": gender, "birth_date": birth.isoformat()}


# ---------------------------------------------------------------- per-capita

def test_per_capita_examples():
    assert eligibility.per_capita_month(1_200_000, 0, 1) == 100_000
    assert eligibility.per_capita_month(1_900_000, 900_000, 3) == 27_778     # 27,777.78 → up
    assert eligibility.per_capita_month(1_000_000, 0, 3) == 27_778           # 27,777.78
    assert eligibility.per_capita_month(100, 0, 1) == 8                      # 8.33 → down
    assert eligibility.per_capita_month(6, 0, 1) == 1                        # exactly 0.5 → up
    assert eligibility.per_capita_month(18, 0, 1) == 2                       # 1.5 → 2
    assert eligibility.per_capita_month(0, 0, 5) == 0
    assert eligibility.per_capita_month(0, 1_200_000, 1) == -100_000         # expenses above income
    with pytest.raises(ValueError):
        eligibility.per_capita_month(100, 0, 0)


@given(income=st.integers(0, 10**12), rigid=st.integers(0, 10**12), size=st.integers(1, 20))
@settings(max_examples=300)
def test_per_capita_is_exact_half_up(income, rigid, size):
    got = eligibility.per_capita_month(income, rigid, size)
    assert isinstance(got, int)
    assert got == _half_up(Fraction(income - rigid, size * 12))


# ---------------------------------------------------------------- the categories

def test_deep_hardship_below_dibao():
    t = eligibility.run(family_size=2, annual_income_fen=1_200_000, rigid_expense_fen=0, rules=RULES, on=ON)
    assert t.per_capita_month_fen == 50_000
    assert t.suggested_category == "1"
    assert t.relative_line_fen == 140_000 and t.dibao_month_fen == 70_000
    assert t.reasons == ("月人均 500.00 元低于低保标准 700.00 元",)


def test_boundaries_between_categories():
    def cat(pc: int, rules: Rules = RULES) -> str | None:
        return eligibility.run(family_size=1, annual_income_fen=pc * 12, rigid_expense_fen=0, rules=rules,
                               on=ON).suggested_category

    assert cat(69_999) == "1"
    assert cat(70_000) == "2"
    assert cat(139_999) == "2"
    assert cat(140_000) is None
    wider = Rules(dibao_month_fen=70_000, min_wage_month_fen=169_000, relative_multiplier=Decimal("2.5"))
    assert cat(174_999, wider) == "2" and cat(175_000, wider) is None


def test_relative_hardship_reason_names_the_multiplier():
    t = eligibility.run(family_size=1, annual_income_fen=100_000 * 12, rigid_expense_fen=0, rules=RULES, on=ON)
    assert t.suggested_category == "2"
    assert "相对困难线 1400.00 元" in t.reasons[0] and "2 倍" in t.reasons[0]


def test_not_eligible_reason():
    t = eligibility.run(family_size=1, annual_income_fen=200_000 * 12, rigid_expense_fen=0, rules=RULES, on=ON)
    assert t.suggested_category is None
    assert "不符合建档条件" in t.reasons[-1]


def test_accident_hardship_above_80_percent_of_income():
    # 200,000 yuan income; a loss above 80% of it, the rest still above the relative line
    income = 20_000_000
    t = eligibility.run(family_size=1, annual_income_fen=income, rigid_expense_fen=17_000_000, rules=RULES,
                        accident_loss_fen=17_000_000, on=ON)
    assert t.per_capita_month_fen == 250_000
    assert t.suggested_category == "3"
    assert "超过家庭年收入的 80%" in t.reasons[0]
    # exactly 80% is not "above"
    t = eligibility.run(family_size=1, annual_income_fen=income, rigid_expense_fen=16_000_000, rules=RULES,
                        accident_loss_fen=16_000_000, on=ON)
    assert t.suggested_category is None
    # the ratio is a rule, not a constant
    half = Rules(dibao_month_fen=70_000, min_wage_month_fen=169_000, accident_ratio=Decimal("0.5"))
    t = eligibility.run(family_size=1, annual_income_fen=income, rigid_expense_fen=10_000_001, rules=half,
                        accident_loss_fen=10_000_001, on=ON)
    assert t.suggested_category == "3"
    assert "50%" in t.reasons[0]


@pytest.mark.parametrize("pc", [10_000, 100_000, 300_000])
def test_exclusions_block_with_a_reason(pc):
    t = eligibility.run(family_size=1, annual_income_fen=pc * 12, rigid_expense_fen=0, rules=RULES,
                        exclusions=["vehicle", "multi_home"],
                        exclusion_labels={"vehicle": "拥有机动车", "multi_home": "两套以上住房"}, on=ON)
    assert t.suggested_category is None
    assert t.reasons[-1] == "存在排除条件：拥有机动车、两套以上住房，不予建档"
    assert t.per_capita_month_fen == pc  # still computed and shown


def test_exclusion_without_label_shows_its_code():
    t = eligibility.run(family_size=1, annual_income_fen=0, rigid_expense_fen=0, rules=RULES,
                        exclusions=["refuses_check"], on=ON)
    assert t.suggested_category is None and "refuses_check" in t.reasons[-1]


# ---------------------------------------------------------------- minimum wage credited

@pytest.mark.parametrize(("m", "credited"), [
    (member(30, "1"), True),
    (member(16, "1"), True),
    (member(15, "1"), False),                       # below working age
    (member(59, "1"), True),
    (member(60, "1"), False),                       # men: below 60
    (member(54, "2"), True),
    (member(55, "2"), False),                       # women: below 55
    (member(30, "1", identity="2"), True),          # 下岗
    (member(30, "1", identity="9"), True),          # 无业
    (member(30, "1", identity="1"), False),         # 在岗
    (member(30, "1", identity="21"), False),        # 大学生
    (member(30, "1", identity="4"), False),         # 退休
    (member(30, "1", proof=True), False),           # has evidence
    (member(30, "1", income=50_000), False),        # has declared income
    (member(30, "1", health="3"), False),           # seriously ill
    (member(30, "1", health=None), True),           # health not recorded: assumed able
])
def test_minimum_wage_credited(m, credited):
    total, notes = eligibility.credited_income([m], RULES, ON)
    assert total == (169_000 * 12 if credited else 0)
    assert len(notes) == (1 if credited else 0)
    if credited:
        assert "按最低工资标准计入收入" in notes[0]


def test_member_without_birth_date_not_credited():
    m = member(30)
    m["birth_date"] = None
    assert eligibility.credited_income([m], RULES, ON) == (0, [])


def test_credited_income_changes_the_category():
    members = [member(30, "1", name="张大"), member(40, "2", name="李二")]
    t = eligibility.run(family_size=3, annual_income_fen=0, rigid_expense_fen=0, rules=RULES, members=members, on=ON)
    assert t.credited_income_fen == 2 * 169_000 * 12
    assert t.declared_income_fen == 0
    assert t.annual_income_fen == 2 * 169_000 * 12
    assert t.per_capita_month_fen == _half_up(Fraction(2 * 169_000, 3))  # 112,667
    assert t.suggested_category == "2"
    assert any("张大" in r for r in t.reasons) and any("李二" in r for r in t.reasons)


def test_members_monthly_income_counts_where_the_declared_income_leaves_it_out():
    """The 家庭成员 table's 月收入 is household income: at least 12 months of it are counted."""
    working = [member(30, "1", identity="1", income=150_000, name="张大"), member(60, "2", identity="4",
                                                                                   income=50_000, name="李二")]
    t = eligibility.run(family_size=3, annual_income_fen=1_000_000, rigid_expense_fen=0, rules=RULES,
                        members=working, on=ON)
    assert t.member_topup_fen == (150_000 + 50_000) * 12 - 1_000_000          # 2,400,000 − 1,000,000
    assert t.annual_income_fen == 2_400_000 and t.declared_income_fen == 1_000_000
    assert t.per_capita_month_fen == _half_up(Fraction(2_400_000, 36))          # 66,667 (not 27,778)
    assert t.suggested_category == "1"
    assert any("家庭成员月收入合计 × 12 = 24000.00 元" in r and "差额 14000.00 元计入收入" in r for r in t.reasons)
    # a declared income that already holds the members' incomes: nothing is counted twice
    covered = eligibility.run(family_size=3, annual_income_fen=3_000_000, rigid_expense_fen=0, rules=RULES,
                              members=working, on=ON)
    assert covered.member_topup_fen == 0 and covered.annual_income_fen == 3_000_000
    assert not any("家庭成员月收入" in r for r in covered.reasons)


def test_working_age_comes_from_settings(database, admin):
    rules = derive.rules_for(database, "530122", ON)
    assert (rules.working_age_min, rules.working_age_max_male, rules.working_age_max_female) == (16, 60, 55)
    assert rules.min_wage_month_fen == 169_000 and rules.dibao_month_fen == 70_000
    app_settings.put(database, "working_age_max_female", 50)
    app_settings.put(database, "default_min_wage_month_fen", 200_000)
    app_settings.put(database, "relative_multiplier", "1.5")
    app_settings.put(database, "accident_ratio", "0.6")
    rules = derive.rules_for(database, "530122", ON)
    assert rules.working_age_max_female == 50
    assert rules.min_wage_month_fen == 200_000
    assert rules.relative_multiplier == Decimal("1.5") and rules.accident_ratio == Decimal("0.6")
    assert eligibility.credited_income([member(52, "2")], rules, ON)[0] == 0
    assert eligibility.credited_income([member(49, "2")], rules, ON)[0] == 200_000 * 12


# ---------------------------------------------------------------- through the register

HEAD = ids.make("530122", dt.date(1975, 5, 6), 123)


def _create(db, actor, *, members=(), income=0, rigid=0, **fields) -> dict:
    d = HouseholdDraft(fields={"name": "张三", "id_number": HEAD, "hukou_region_code": "530122", **fields},
                       members=list(members), income_items=[{"kind": "wages", "amount_fen": income}],
                       expenses=[{"kind": "illness", "amount_fen": rigid}] if rigid else [])
    hid = register.create_household(db, actor, d, today=ON)
    return dict(register.get_household(db, hid))


def test_register_uses_the_multiplier_setting(database, admin):
    h = _create(database, admin, income=120_000 * 12)
    assert (h["per_capita_month_fen"], h["category_suggested"]) == (120_000, "2")
    database.execute("DELETE FROM households")
    app_settings.put(database, "relative_multiplier", "1.5")
    h = _create(database, admin, income=120_000 * 12)
    assert (h["per_capita_month_fen"], h["category_suggested"]) == (120_000, None)


def test_register_credits_minimum_wage_for_idle_member(database, admin):
    son = ids.make("530122", dt.date(1995, 6, 1), 331)   # 29, male
    h = _create(database, admin, income=0, members=[
        {"name": "张小", "relation": "子女", "id_number": son, "identity": "失业", "health": "良好"}])
    # the declared income stays as declared; the income test's figure includes the credited minimum wage,
    # 家庭月人均收入 is the contract's formula on the household's own figures (README: 收入核算)
    assert h["annual_income_fen"] == 0
    assert h["income_test_month_fen"] == _half_up(Fraction(169_000, 2))  # 84,500
    assert h["per_capita_month_fen"] == 0                                # (0 − 0) ÷ 2 ÷ 12
    assert h["category_suggested"] == "2"


def test_register_uses_the_regional_standard(database, admin):
    policy.put_standard(database, admin, "530122", "2025-01-01", 90_000, 190_000, "昆明市民政局文件")
    h = _create(database, admin, income=80_000 * 12)
    assert h["category_suggested"] == "1"  # below 900 yuan
    database.execute("DELETE FROM households")
    # the application date decides which standard applies
    hid = register.create_household(database, admin, HouseholdDraft(
        fields={"name": "张三", "id_number": HEAD, "hukou_region_code": "530122"},
        income_items=[{"kind": "wages", "amount_fen": 80_000 * 12}]), today=dt.date(2024, 12, 31))
    assert register.get_household(database, hid)["category_suggested"] == "2"


# ---------------------------------------------------------------- policy.lookup

def _put(db, actor, region: str, day: str, dibao: int, wage: int = 180_000) -> None:
    policy.put_standard(db, actor, region, day, dibao, wage)


def test_lookup_most_specific_region_then_latest_date(database, admin):
    _put(database, admin, "530122", "2024-01-01", 60_000)
    _put(database, admin, "530122", "2025-07-01", 75_000)
    _put(database, admin, "530100", "2025-01-01", 65_000)
    _put(database, admin, "530000", "2023-01-01", 50_000)
    _put(database, admin, "530000", "2026-01-01", 99_000)

    def dibao(region: str, day: str | dt.date) -> tuple[str, int]:
        s = policy.lookup(database, region, day)
        return s.region_code, s.dibao_month_fen

    assert dibao("530122", ON) == ("530122", 60_000)                 # county beats a later city standard
    assert dibao("530122", "2025-06-30") == ("530122", 60_000)
    assert dibao("530122", "2025-07-01") == ("530122", 75_000)       # effective on its first day
    assert dibao("530122", "2030-01-01") == ("530122", 75_000)
    assert dibao("530122", "2023-06-01") == ("530000", 50_000)       # no county or city standard yet
    assert dibao("530125", ON) == ("530100", 65_000)                 # another county of the same city
    assert dibao("530125", "2024-06-01") == ("530000", 50_000)
    assert dibao("530125", "2026-02-01") == ("530100", 65_000)       # city still beats a newer province figure
    assert dibao("532301", "2026-02-01") == ("530000", 99_000)       # another city of the province
    assert dibao("530100", ON) == ("530100", 65_000)
    assert dibao("530122", "2022-12-31") == ("", 70_000)             # nothing yet: the settings default
    assert dibao("520102", ON) == ("", 70_000)                       # another province
    s = policy.lookup(database, "530122", ON)
    assert (s.effective_from, s.min_wage_month_fen) == ("2024-01-01", 180_000)


def test_lookup_without_region_uses_the_county(database, admin):
    _put(database, admin, "530122", "2024-01-01", 61_000)
    for region in ("", "  ", "53", "abcdef"):
        assert policy.lookup(database, region, ON).dibao_month_fen == 61_000


def test_fallback_follows_the_settings(database, admin):
    app_settings.put(database, "default_dibao_month_fen", 81_000)
    app_settings.put(database, "default_min_wage_month_fen", 190_000)
    s = policy.lookup(database, "530122", ON)
    assert (s.region_code, s.dibao_month_fen, s.min_wage_month_fen) == ("", 81_000, 190_000)


def test_put_standard_replaces_and_audits(database, admin, reviewer, clerk):
    policy.put_standard(database, reviewer, "530122", "2025-01-01", 70_000, 170_000, "第一批")
    policy.put_standard(database, admin, "530122", "2025-01-01", 72_000, source="更正")
    stds = policy.list_standards(database)
    assert [(s["region_code"], s["effective_from"], s["dibao_month_fen"], s["min_wage_month_fen"], s["source"])
            for s in stds] == [("530122", "2025-01-01", 72_000, 170_000, "更正")]
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE entity = 'policy_standard'") == 2
    with pytest.raises(PermissionDenied):
        policy.put_standard(database, clerk, "530122", "2025-02-01", 1)
    for args, field in [(("5301", "2025-01-01", 1), "地区代码"), (("530122", "2025-13-01", 1), "执行日期"),
                        (("530122", "2025-01-01", 0), "低保标准")]:
        with pytest.raises(ValidationError, match=field):
            policy.put_standard(database, admin, *args)
    assert len(policy.list_standards(database)) == 1


REGIONS = ["530122", "530125", "530100", "530000", "532301"]
DAYS = [dt.date(2020, 1, 1) + dt.timedelta(days=n * 97) for n in range(30)]


@given(standards=st.dictionaries(st.tuples(st.sampled_from(REGIONS), st.sampled_from(DAYS)),
                                 st.integers(1, 200_000), max_size=12),
       region=st.sampled_from(["530122", "530125", "532301", "530100", "110101"]),
       day=st.sampled_from(DAYS + [dt.date(2019, 6, 1), dt.date(2030, 1, 1)]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_lookup_matches_the_rule(database, standards, region, day):
    database.execute("DELETE FROM policy_standards")
    database.conn.executemany("INSERT INTO policy_standards (region_code, effective_from, dibao_month_fen, "
                              "min_wage_month_fen) VALUES (?, ?, ?, 100)",
                              [(r, d.isoformat(), v) for (r, d), v in standards.items()])
    expected = 70_000
    for candidate in (region, region[:4] + "00", region[:2] + "0000"):
        in_force = [(d, v) for (r, d), v in standards.items() if r == candidate and d <= day]
        if in_force:
            expected = max(in_force)[1]
            break
    assert policy.lookup(database, region, day).dibao_month_fen == expected
