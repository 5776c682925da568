"""The caps engine: DOMAIN.md's table for every project × category, periods, cumulative caps,
the one-project rule, configuration, and the override an approver must write to exceed a cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_workflow_kit import DAY, active_household, grant, team, to_pending

from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import PermissionDenied, ValidationError
from helpdesk_gui.core.db import row, scalar, write
from helpdesk_gui.core.workflow import approval, caps

DIBAO = 71_000        # 710.00 元 a month
BOOK = codes.CodeBook.defaults()
RULES = {(r.project, r.category): r for r in caps.DEFAULT_RULES}

# project, category, cost (fen), membership years, expected cap (fen), words the rule shows
CASES = [
    ("1", "1", None, 0, 12 * DIBAO, "每户每年不超过 12 个月低保标准"),
    ("1", "2", None, 0, 8 * DIBAO, "每户每年不超过 8 个月低保标准"),
    ("1", "3", 2_000_000, 0, 300_000, "致困费用的 15%"),
    ("1", "3", 10_000_000, 0, 1_000_000, "每次最多 10,000.00 元"),
    ("2", "1", 3_456_789, 0, 3_456_789, "自付费用的 100%"),
    ("2", "2", 1_000_000, 0, 800_000, "自付费用的 80%"),
    ("2", "2", 3_000_000, 0, 1_600_000, "每次最多 16,000.00 元"),
    ("2", "3", 1_000_000, 0, 0, "意外致困家庭默认不享受医疗救助"),
    ("3", "1", None, 0, 10 * DIBAO, "每生每年不超过 10 个月低保标准"),
    ("3", "2", None, 0, 8 * DIBAO, "每生每年不超过 8 个月低保标准"),
    ("3", "3", None, 0, 0, "默认不享受子女助学"),
    ("4", "1", None, 0, 300_000, "每次不超过 3,000.00 元，每人每年合计不超过 6,000.00 元"),
    ("4", "2", None, 0, 300_000, "每人每年合计不超过 6,000.00 元"),
    ("4", "3", None, 0, 300_000, "每次不超过 3,000.00 元"),
    ("5", "1", None, 0, 500_000, "每次不超过 5,000.00 元"),
    ("5", "2", None, 0, 500_000, "每户每年合计不超过 10,000.00 元"),
    ("5", "3", None, 0, 500_000, "每次不超过 5,000.00 元"),
    ("6", "1", None, 0, 300_000, "每人每年合计不超过 3,000.00 元"),
    ("6", "2", None, 0, 300_000, "每次不超过 3,000.00 元"),
    ("6", "3", None, 0, 0, "默认不享受职业培训"),
    ("7", "1", None, 0, 300_000, "每人每年合计不超过 3,000.00 元"),
    ("7", "2", None, 0, 300_000, "每次不超过 3,000.00 元"),
    ("7", "3", None, 0, 0, "默认不享受职业介绍"),
    ("8", "1", None, 0, 300_000, "每次不超过 3,000.00 元"),
    ("8", "2", None, 0, 300_000, "每次不超过 3,000.00 元"),
    ("8", "3", None, 0, 0, "默认不享受法律援助"),
    ("9", "1", 500_000, 0, 200_000, "自付费用超过 1,000.00 元部分的 50%"),
    ("9", "2", 500_000, 12, 240_000, "每满 5 年加 5 个百分点"),
    ("9", "3", 50_000, 0, 0, "自付费用超过 1,000.00 元部分的 50%"),
    ("10", "1", None, 0, 0, "默认不享受其他"),
    ("10", "2", None, 0, 0, "默认不享受其他"),
    ("10", "3", None, 0, 0, "默认不享受其他"),
]


@pytest.mark.parametrize(("project", "category", "cost", "years", "expected", "words"), CASES,
                         ids=[f"{BOOK.label('project', c[0])}-{BOOK.label('category', c[1])}-{i}"
                              for i, c in enumerate(CASES)])
def test_default_caps(project, category, cost, years, expected, words):
    rule = caps.rule_for(RULES, project, category)
    cap = caps.compute(rule, caps.CapInput(DIBAO, cost_fen=cost, membership_years=years), BOOK)
    assert cap.cap_fen == expected
    assert words in cap.text


def test_every_project_and_category_has_a_case():
    covered = {(p, c) for p, c, *_ in CASES}
    every = {(p.code, c.code) for p in BOOK.items("project") for c in BOOK.items("category")}
    assert every <= covered


def test_household_without_category_falls_back_for_temporary_aid():
    assert caps.rule_for(RULES, "5", None).category == caps.ANY_CATEGORY
    assert caps.rule_for(RULES, "1", None).basis == "none"   # no rule: any grant needs an override


def test_percent_rule_needs_the_cost():
    with pytest.raises(ValidationError, match="自付"):
        caps.compute(RULES[("2", "2")], caps.CapInput(DIBAO), BOOK)


@pytest.mark.parametrize(("used", "lifetime_used", "others", "expected"), [
    (0, 0, (), 800_000), (1_000_000, 0, (), 600_000), (1_600_000, 0, (), 0), (2_000_000, 0, (), 0),
    (0, 0, ("生活救助",), 0)])
def test_period_and_one_project_limits(used, lifetime_used, others, expected):
    cap = caps.compute(RULES[("2", "2")], caps.CapInput(DIBAO, cost_fen=1_000_000, used_in_period_fen=used,
                                                         used_lifetime_fen=lifetime_used, other_projects=others), BOOK)
    assert cap.cap_fen == expected
    if others:
        assert "每年限享受一个帮扶项目" in cap.text and "生活救助" in cap.text


def test_lifetime_cap():
    rule = caps.CapRule("2", "2", "percent", percent=Decimal("0.8"), period="household_year",
                        lifetime_max_fen=15_000_000)
    cap = caps.compute(rule, caps.CapInput(DIBAO, cost_fen=5_000_000, used_lifetime_fen=14_000_000), BOOK)
    assert cap.cap_fen == 1_000_000 and "累计不超过 150,000.00 元" in cap.text


# ---------------------------------------------------------------- from the database

def _set_standard(db, dibao_fen: int, region: str = "530122", since: str = "2024-01-01") -> None:
    with write(db):
        db.execute("INSERT INTO policy_standards (region_code, effective_from, dibao_month_fen, min_wage_month_fen, "
                   "source) VALUES (?, ?, ?, 190000, 'test')", [region, since, dibao_fen])


def test_cap_uses_the_dibao_of_the_region_and_date(database):
    t = team(database)
    _set_standard(database, 70_000)
    _set_standard(database, 75_000, since="2026-07-01")
    hid = active_household(database, t, category="2")
    assert caps.cap_for(database, hid, "1", on=dt.date(2026, 6, 30)).cap_fen == 8 * 70_000
    assert caps.cap_for(database, hid, "1", on=dt.date(2026, 7, 1)).cap_fen == 8 * 75_000
    assert policy.lookup(database, "530122", dt.date(2026, 7, 1)).dibao_month_fen == 75_000


def test_household_year_adds_up_and_restarts_next_year(database):
    t = team(database)
    _set_standard(database, DIBAO)
    hid = active_household(database, t, category="1")
    grant(database, t, hid, "1", 500_000, on=dt.date(2026, 4, 1))
    cap = caps.cap_for(database, hid, "1", on=dt.date(2026, 9, 1))
    assert cap.cap_fen == 12 * DIBAO - 500_000 and "本期已批 5,000.00 元" in cap.text
    assert caps.cap_for(database, hid, "1", on=dt.date(2027, 1, 5)).cap_fen == 12 * DIBAO


def test_student_year_is_per_student(database):
    t = team(database)
    _set_standard(database, DIBAO)
    hid = active_household(database, t, category="2")
    grant(database, t, hid, "3", 400_000, on=dt.date(2026, 8, 20), beneficiary="张小明")
    assert caps.cap_for(database, hid, "3", on=dt.date(2026, 9, 1), beneficiary="张小明").cap_fen == 8 * DIBAO - 400_000
    assert caps.cap_for(database, hid, "3", on=dt.date(2026, 9, 1), beneficiary="张小红").cap_fen == 8 * DIBAO


def test_song_wennuan_per_person_year(database):
    t = team(database)
    hid = active_household(database, t, category="1")
    grant(database, t, hid, "4", 300_000, on=dt.date(2026, 1, 20))
    assert caps.cap_for(database, hid, "4", on=dt.date(2026, 2, 10)).cap_fen == 300_000
    grant(database, t, hid, "4", 300_000, on=dt.date(2026, 2, 10))
    cap = caps.cap_for(database, hid, "4", on=dt.date(2026, 9, 10))
    assert cap.cap_fen == 0 and "还可批 0.00 元" in cap.text


def test_relative_hardship_one_project_a_year(database):
    t = team(database)
    hid = active_household(database, t, category="2")
    grant(database, t, hid, "1", 100_000, on=dt.date(2026, 4, 1))
    cap = caps.cap_for(database, hid, "2", on=dt.date(2026, 5, 1), cost_fen=1_000_000)
    assert cap.cap_fen == 0 and "本年已享受：生活救助" in cap.text
    assert caps.cap_for(database, hid, "4", on=dt.date(2026, 5, 1)).cap_fen == 300_000      # 送温暖 is exempt
    assert caps.cap_for(database, hid, "2", on=dt.date(2027, 5, 1), cost_fen=1_000_000).cap_fen == 800_000
    with write(database):
        settings.put(database, "relative_one_project_a_year", False)
    assert caps.cap_for(database, hid, "2", on=dt.date(2026, 5, 1), cost_fen=1_000_000).cap_fen == 800_000


def test_rules_are_configurable_by_the_admin_only(database):
    """The coal group's 大病救助金: self-paid above 5,000 at 80 %, at most 10,000 a time."""
    t = team(database)
    big_illness = caps.CapRule("2", "1", "percent", percent=Decimal("0.8"), deductible_fen=500_000,
                               max_time_fen=1_000_000, period="time")
    with pytest.raises(PermissionDenied):
        caps.put_rule(database, t.approver, big_illness)
    caps.put_rule(database, t.admin, big_illness)
    hid = active_household(database, t, category="1")
    assert caps.cap_for(database, hid, "2", on=DAY, cost_fen=1_200_000).cap_fen == 560_000
    assert caps.cap_for(database, hid, "2", on=DAY, cost_fen=9_000_000).cap_fen == 1_000_000
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE entity = 'cap_rule' AND entity_id = '2/1'") == 1
    for bad in (caps.CapRule("2", "1", "percent", percent=Decimal("1.5")), caps.CapRule("1", "9", "fixed", amount_fen=1),
                caps.CapRule("1", "1", "months_dibao"), caps.CapRule("1", "1", "fixed", amount_fen=0)):
        with pytest.raises(ValidationError):
            caps.put_rule(database, t.admin, bad)
    assert len(caps.rules_table(database)) == 31


def test_above_the_cap_needs_the_approvers_override(database):
    t = team(database)
    hid = active_household(database, t, category="2")
    on = dt.date(2026, 5, 4)
    app = to_pending(database, t, hid, "2", 900_000, on=on, cost_fen=1_000_000)
    pv = approval.preview(database, t.approver, app, today=on + dt.timedelta(days=7))
    assert pv.cap.cap_fen == 800_000 and pv.over_cap and "自付费用的 80%" in pv.cap.text
    with pytest.raises(ValidationError) as info:
        approval.approve(database, t.approver, app, "同意", today=on + dt.timedelta(days=7))
    assert "超过上限 8,000.00 元" in str(info.value) and "超限理由" in str(info.value)
    assert scalar(database, "SELECT count(*) FROM decisions WHERE application_id = ?", [app]) == 0
    approval.approve(database, t.approver, app, "同意", override_reason="家庭突发重大变故，经主任办公会研究",
                     today=on + dt.timedelta(days=7))
    d = row(database, "SELECT amount_fen, cap_fen, override_reason, cap_rule FROM decisions WHERE application_id = ?",
            [app])
    assert d == {"amount_fen": 900_000, "cap_fen": 800_000, "override_reason": "家庭突发重大变故，经主任办公会研究",
                 "cap_rule": pv.cap.text}
    # and the database itself refuses a decision above its cap without a reason
    with pytest.raises(Exception, match="CHECK"):
        database.execute("INSERT INTO decisions (application_id, household_id, outcome, kind, project, amount_fen, "
                         "cap_fen, entered_by, approved_by, decided_on, decided_at, snapshot, status) "
                         "VALUES (?, ?, 'approved', 'project', '2', 900000, 800000, 'clerk', 'x', '2026-01-01', 'x', "
                         "'{}', 'unpaid')", [app, hid])
