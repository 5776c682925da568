"""Campaigns: pick by filter, propose by rule, review, publicise once, approve in one step with exceptions."""

from __future__ import annotations

import datetime as dt

import pytest
from test_workflow_kit import active_household, team

from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.register import search
from helpdesk_gui.core.workflow import approval, campaigns
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.core.workflow.campaigns import ProposalRule, RowException
from helpdesk_gui.core.workflow.steps import DutyConflict

ON = dt.date(2026, 8, 17)   # a Monday
STUDENTS = [{"name": "张大学", "relation": "2", "identity": "21"}, {"name": "张高中", "relation": "2", "identity": "23"},
            {"name": "张小学", "relation": "2", "identity": "25"}]


@pytest.fixture
def county(database):
    t = team(database)
    families = [
        active_household(database, t, 123, category="1", members=STUDENTS, township="城关镇"),
        active_household(database, t, 125, category="2", name="李四", township="城关镇",
                         members=[{"name": "李大学", "relation": "2", "identity": "21"}]),
        active_household(database, t, 127, category="1", name="王五", township="板桥镇"),
    ]
    return t, families


def test_golden_autumn_by_school_level(database, county):
    t, (zhang, li, wang) = county
    rule = ProposalRule("by_level", levels={"21": 500_000, "23": 300_000})
    cid = campaigns.create(database, t.clerk, "2026年金秋助学", "3", rule, text="", today=ON)
    listed = campaigns.campaign_rows(database, cid, today=ON)
    assert [(r["name"], r["beneficiary"], r["proposed_fen"]) for r in listed] == [
        ("张三", "张大学", 500_000), ("张三", "张高中", 300_000), ("李四", "李大学", 500_000)]
    assert {r["status"] for r in listed} == {"reviewing"}        # no home visit for a campaign list
    # caps: 10 / 8 months of 低保 (700.00 元) per student-year
    by_student = {r["beneficiary"]: r for r in listed}
    assert by_student["张大学"]["cap_fen"] == 700_000 and not by_student["张大学"]["over_cap"]
    assert by_student["李大学"]["cap_fen"] == 560_000 and not by_student["李大学"]["over_cap"]
    # review the list: one amount changed, one row excluded
    campaigns.set_amount(database, t.reviewer, by_student["李大学"]["id"], 600_000, "特殊困难", today=ON)
    workflow.withdraw(database, t.clerk, by_student["张高中"]["id"], "已获其他资助", today=ON)
    assert campaigns.publicise(database, t.reviewer, cid, "经评议同意", place="县总工会网站", today=ON) == 2
    with pytest.raises(StateError, match="公示期至 2026-08-23 止"):
        campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=3))
    oid = workflow.log_objection(database, t.clerk, by_student["张大学"]["id"], "其子在读民办高收费学校",
                                 today=ON + dt.timedelta(days=2))
    assert campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=7)) == {"pending": 1,
                                                                                                  "waiting": 1}
    workflow.handle_objection(database, t.reviewer, oid, "dismissed", "经核实为公办学校", today=ON + dt.timedelta(days=7))
    assert campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=7))["pending"] == 1
    day = ON + dt.timedelta(days=8)
    # the creator entered every row: never the approver
    with pytest.raises(PermissionDenied):
        campaigns.approve(database, t.clerk, cid, "同意", today=day)
    # 李大学 is above the cap: refused as a whole until an override reason is given
    with pytest.raises(StateError) as info:
        campaigns.approve(database, t.approver, cid, "同意", today=day)
    assert "李四" in str(info.value) and "超限理由" in str(info.value)
    assert scalar(database, "SELECT count(*) FROM decisions d JOIN applications a ON a.id = d.application_id "
                            "WHERE a.campaign_id = ?", [cid]) == 0
    counts = campaigns.approve(database, t.approver, cid, "同意", today=day, exceptions={
        by_student["李大学"]["id"]: RowException(override_reason="经主任办公会研究，按大学生标准资助")})
    assert counts == {"approved": 2, "second": 0, "rejected": 0}
    assert campaigns.get(database, cid)["status"] == "approved"
    payable = approval.payable_decisions(database, campaign_id=cid)
    assert sorted(p["amount_fen"] for p in payable) == [500_000, 600_000]


def test_fixed_amount_with_filters_and_row_exceptions(database, county):
    t, (zhang, li, wang) = county
    cid = campaigns.create(database, t.clerk, "2027年两节送温暖", "4", ProposalRule("fixed", amount_fen=200_000),
                           filters=search.Filters(township="城关镇"), today=ON)
    listed = campaigns.campaign_rows(database, cid, today=ON)
    assert [r["name"] for r in listed] == ["张三", "李四"]
    campaigns.publicise(database, t.reviewer, cid, "同意", today=ON)
    campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=7))
    counts = campaigns.approve(database, t.approver, cid, "同意", today=ON + dt.timedelta(days=7), exceptions={
        listed[0]["id"]: RowException(amount_fen=300_000),
        listed[1]["id"]: RowException(reject=True, reason="本年已享受生活救助")})
    assert counts == {"approved": 1, "second": 0, "rejected": 1}
    assert rows(database, "SELECT a.status, d.amount_fen FROM applications a JOIN decisions d ON d.application_id = a.id "
                          "WHERE a.campaign_id = ? ORDER BY a.id", [cid]) == [
        {"status": "approved", "amount_fen": 300_000}, {"status": "rejected", "amount_fen": None}]


def test_months_and_cap_proposals_and_refusals(database, county):
    t, _ = county
    cid = campaigns.create(database, t.clerk, "2026年生活救助", "1", ProposalRule("months", months="3"), today=ON)
    assert {r["proposed_fen"] for r in campaigns.campaign_rows(database, cid, today=ON)} == {210_000}
    cid2 = campaigns.create(database, t.clerk, "按上限", "4", ProposalRule("cap"), today=ON)
    assert {r["proposed_fen"] for r in campaigns.campaign_rows(database, cid2, today=ON)} == {300_000}
    with pytest.raises(ValidationError, match="同名"):
        campaigns.create(database, t.clerk, "按上限", "4", ProposalRule("cap"), today=ON)
    with pytest.raises(ValidationError, match="没有符合条件"):
        campaigns.create(database, t.clerk, "空", "4", ProposalRule("cap"), filters=search.Filters(township="无此镇"),
                         today=ON)
    with pytest.raises(ValidationError):
        ProposalRule("fixed").check()
    with pytest.raises(PermissionDenied):
        campaigns.publicise(database, t.clerk, cid, "同意", today=ON)
    campaigns.publicise(database, t.reviewer, cid, "同意", today=ON)
    with pytest.raises(StateError, match="已公示"):
        campaigns.publicise(database, t.reviewer, cid, "同意", today=ON)
    row_id = campaigns.campaign_rows(database, cid)[0]["id"]
    with pytest.raises(StateError, match="名单已公示"):
        campaigns.set_amount(database, t.clerk, row_id, 1, today=ON)
    campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=9))
    with pytest.raises(PermissionDenied):
        approval.approve(database, t.clerk, row_id, "同意", today=ON + dt.timedelta(days=9))  # not even row by row


def test_a_campaign_created_by_an_approver_is_decided_by_another(database, county):
    t, _ = county
    cid = campaigns.create(database, t.admin, "2026年送温暖", "4", ProposalRule("fixed", amount_fen=100_000), today=ON)
    campaigns.publicise(database, t.reviewer, cid, "同意", today=ON)
    campaigns.close_publicity(database, t.clerk, cid, today=ON + dt.timedelta(days=7))
    with pytest.raises(StateError, match="不能审批自己录入的申请"):
        campaigns.approve(database, t.admin, cid, "同意", today=ON + dt.timedelta(days=7))
    with pytest.raises(DutyConflict):
        approval.approve(database, t.admin, campaigns.campaign_rows(database, cid)[0]["id"], "同意",
                         today=ON + dt.timedelta(days=7))
    assert campaigns.approve(database, t.approver, cid, "同意", today=ON + dt.timedelta(days=7))["approved"] == 3
