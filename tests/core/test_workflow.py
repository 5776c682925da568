"""The workflow state machine: every step recorded, illegal steps impossible, separation of duties,
公示 by calendar or working days, objections, the second level, snapshots and decisions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_workflow_kit import (
    ARCHIVE_MATERIALS,
    DAY,
    active_household,
    archive,
    grant,
    new_household,
    team,
    to_pending,
)

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import workdays
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import row, rows, scalar, write
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.core.workflow import applications, approval
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.core.workflow.steps import DutyConflict

D = dt.timedelta


def status(db, app: int) -> str:
    return str(scalar(db, "SELECT status FROM applications WHERE id = ?", [app]))


def hh_status(db, hid: int) -> str:
    return str(scalar(db, "SELECT status FROM households WHERE id = ?", [hid]))


def test_new_archive_goes_through_every_step_and_drives_the_archive(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    t = team(database)
    hid = new_household(database, t)
    app = workflow.file_application(database, t.clerk, hid, "new_archive", reason="本人申请", today=DAY)
    a = workflow.load(database, app)
    assert a["app_no"] == "SQ2026000001" and a["status"] == "accepted" and a["entered_by"] == "clerk"
    assert a["visit_due_date"] == (DAY + D(days=5)).isoformat()
    assert hh_status(database, hid) == "visiting"
    blockers = workflow.investigation_blockers(database, a)
    assert blockers[0] == "缺少必备材料：申请书、身份证、户口簿、收入证明、家庭经济状况核对授权书"
    assert "尚未入户调查（应于 2026-03-07 前完成）" in blockers and "尚未申请经济状况核对" in blockers
    with pytest.raises(StateError, match="缺少必备材料"):
        workflow.evaluate(database, t.reviewer, app, "同意", today=DAY)   # still 受理: cannot evaluate
    for m in ARCHIVE_MATERIALS[:-1]:
        workflow.add_material(database, t.clerk, app, m, title="扫描件", file_name="a.pdf", today=DAY)
    register.add_attachment(database, t.clerk, hid, "10", "核对授权书")       # an archive attachment counts too
    workflow.record_visit(database, t.reviewer, app, DAY + D(days=1), "李审核、王干事", "住房简陋，配偶下岗", today=DAY + D(days=1))
    workflow.request_civil_check(database, t.reviewer, app, "请民政核对", today=DAY + D(days=1))
    assert status(database, app) == "accepted"
    assert workflow.investigation_blockers(database, workflow.load(database, app)) == ["经济状况核对尚未回复"]
    workflow.answer_civil_check(database, t.reviewer, app, "pass", today=DAY + D(days=3))
    assert status(database, app) == "reviewing" and hh_status(database, hid) == "visiting"
    workflow.evaluate(database, t.reviewer, app, "经评议，同意公示", category="1", place="社区公示栏",
                      today=DAY + D(days=3))
    pub = workflow.publicity_of(database, workflow.load(database, app))
    assert (pub["start_date"], pub["end_date"], pub["days"]) == ("2026-03-05", "2026-03-11", 7)
    assert hh_status(database, hid) == "publicity"
    workflow.close_publicity(database, t.clerk, app, today=DAY + D(days=10))
    assert hh_status(database, hid) == "pending"
    result = approval.approve(database, t.approver, app, "同意建档", today=DAY + D(days=10))
    assert result.status == "approved" and hh_status(database, hid) == "active"
    h = register.get_household(database, hid)
    assert h["category"] == "1"
    assert [(s["from_status"], s["to_status"], s["by_user"]) for s in h["history"]] == [
        (None, "applying", "clerk"), ("applying", "visiting", "clerk"), ("visiting", "publicity", "reviewer"),
        ("publicity", "pending", "clerk"), ("pending", "active", "approver")]
    steps = rows(database, "SELECT action, from_status, to_status, by_user, on_date, opinion FROM application_steps "
                           "WHERE application_id = ? ORDER BY id", [app])
    assert [s["action"] for s in steps] == ["file", "material", "material", "material", "material", "visit",
                                            "civil_request", "civil_answer", "advance", "evaluate", "close_publicity",
                                            "approve"]
    assert steps[-1] == {"action": "approve", "from_status": "pending", "to_status": "approved", "by_user": "approver",
                         "on_date": "2026-03-12", "opinion": "同意建档"}
    assert steps[5]["opinion"] == "住房简陋，配偶下岗" and steps[5]["by_user"] == "reviewer"
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE entity = 'application' AND entity_id = 'SQ2026000001'") \
        == len(steps)


def test_whoever_entered_never_decides(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    t = team(database)
    boss = t.admin   # the admin holds every permission, yet cannot approve what it entered
    hid = new_household(database, t)
    app = workflow.file_application(database, boss, hid, "new_archive", today=DAY)
    for m in ARCHIVE_MATERIALS:
        workflow.add_material(database, boss, app, m, today=DAY)
    workflow.record_visit(database, boss, app, DAY, "管理员", "属实", today=DAY)
    workflow.request_civil_check(database, boss, app, today=DAY)
    workflow.answer_civil_check(database, boss, app, "pass", today=DAY)
    workflow.evaluate(database, boss, app, "同意", category="2", today=DAY)
    workflow.close_publicity(database, boss, app, today=DAY + D(days=7))
    for call in (lambda: approval.approve(database, boss, app, "同意", today=DAY + D(days=7)),
                 lambda: approval.reject(database, boss, app, "不同意", today=DAY + D(days=7))):
        with pytest.raises(DutyConflict) as info:
            call()
        assert "录入人" in str(info.value) and "不能审批自己录入的申请" in str(info.value)
    assert isinstance(DutyConflict("x"), PermissionDenied)
    assert applications.available_actions(database, boss, app, today=DAY + D(days=7))["approve"].startswith("您是申请")
    with pytest.raises(PermissionDenied):
        approval.approve(database, t.clerk, app, "同意", today=DAY + D(days=7))
    with pytest.raises(StateError):
        register.set_status(database, boss, hid, "active")
    assert status(database, app) == "pending" and hh_status(database, hid) == "pending"
    approval.approve(database, t.approver, app, "同意", today=DAY + D(days=7))
    assert hh_status(database, hid) == "active"


def test_above_the_threshold_needs_a_second_different_approver(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    t = team(database)
    hid = active_household(database, t, category="1")
    on = dt.date(2026, 4, 1)
    app = to_pending(database, t, hid, "2", 2_500_000, on=on, cost_fen=3_000_000)
    later = on + D(days=7)
    assert approval.preview(database, t.approver, app, today=later).needs_second
    r = approval.approve(database, t.approver, app, "初审同意", today=later)
    assert r == approval.Result("second", None) and status(database, app) == "second"
    assert scalar(database, "SELECT count(*) FROM decisions WHERE application_id = ?", [app]) == 0
    with pytest.raises(DutyConflict, match="另一位审批人"):
        approval.approve(database, t.approver, app, "同意", today=later)
    assert applications.available_actions(database, t.approver, app, today=later)["approve"]
    r = approval.approve(database, t.approver2, app, "上级同意", today=later + D(days=1))
    d = approval.decision_of(database, app)
    assert r.status == "approved" and d["amount_fen"] == 2_500_000 and d["first_approver"] == "approver"
    assert d["approved_by"] == "approver2" and d["status"] == "unpaid"
    # the threshold is a setting
    app2 = to_pending(database, t, hid, "2", 400_000, on=dt.date(2026, 6, 1), cost_fen=400_000)
    with write(database):
        database.execute("INSERT INTO settings (key, value) VALUES ('second_approval_fen', '300000') "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    assert approval.approve(database, t.approver, app2, "同意", today=dt.date(2026, 6, 8)).status == "second"
    assert approval.approve(database, t.admin, app2, "同意", today=dt.date(2026, 6, 8)).status == "approved"


@pytest.mark.parametrize(("working", "start", "end"), [
    (False, "2026-03-05", "2026-03-11"),        # 7 calendar days
    (True, "2026-03-05", "2026-03-13"),         # 7 working days over a weekend
    (True, "2026-09-29", "2026-10-13"),         # National Day: 9-29, 9-30, 10-8, 10-9, 10-10 (Saturday, worked) …
])
def test_publicity_period_counts_weekends_and_holidays(database, working, start, end):
    t = team(database)
    with write(database):
        database.execute("INSERT INTO settings (key, value) VALUES ('publicity_working_days', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         [json.dumps(working)])
    hid = active_household(database, t, category="1")
    s = dt.date.fromisoformat(start)
    app = workflow.file_application(database, t.clerk, hid, "project", project="1", requested_fen=100_000, today=s)
    workflow.add_material(database, t.clerk, app, "1", today=s)
    workflow.record_visit(database, t.reviewer, app, s, "李审核", "属实", today=s)
    workflow.evaluate(database, t.reviewer, app, "同意", today=s)
    assert workflow.publicity_of(database, workflow.load(database, app))["end_date"] == end
    last = dt.date.fromisoformat(end)
    for day in (s, last):
        with pytest.raises(StateError) as info:
            workflow.close_publicity(database, t.clerk, app, today=day)
        assert f"公示期至 {end} 止，{(last + D(days=1)).isoformat()} 起才能审批" in str(info.value)
    workflow.close_publicity(database, t.clerk, app, today=last + D(days=1))
    assert status(database, app) == "pending"


def test_calendar_rules():
    cal = workdays.Calendar({"2026-10-01": "off", "2026-10-10": "work", "2026-05-01": "off"})
    assert not cal.is_working_day(dt.date(2026, 10, 1)) and cal.is_working_day(dt.date(2026, 10, 10))
    assert not cal.is_working_day(dt.date(2026, 3, 7)) and cal.is_working_day(dt.date(2026, 3, 9))
    assert cal.period_end(dt.date(2026, 3, 7), 1, working=True) == dt.date(2026, 3, 9)   # starts on a Saturday
    assert cal.period_end(dt.date(2026, 3, 7), 5, working=False) == dt.date(2026, 3, 11)
    assert cal.working_days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 8)) == 5
    with pytest.raises(ValidationError):
        cal.period_end(dt.date(2026, 3, 7), 0, working=True)


def test_holidays_are_configurable(database):
    t = team(database)
    assert scalar(database, "SELECT kind FROM holidays WHERE day = '2026-10-01'") == "off"
    with pytest.raises(PermissionDenied):
        workdays.put_holidays(database, t.clerk, [("2027-01-01", "off", "元旦")])
    assert workdays.put_holidays(database, t.admin, [("2027-01-01", "off", "元旦"), ("2027-02-06", "work", "")]) == 2
    cal = workdays.load(database)
    assert not cal.is_working_day(dt.date(2027, 1, 1)) and cal.is_working_day(dt.date(2027, 2, 6))
    with pytest.raises(ValidationError, match="本来就是工作日"):
        workdays.put_holidays(database, t.admin, [("2027-02-08", "work", "")])
    assert workdays.delete_holiday(database, t.admin, "2027-01-01")
    assert [h["day"] for h in workdays.list_holidays(database, 2027)] == ["2027-02-06"]


def test_objections_must_be_handled_before_approval(database):
    t = team(database)
    hid = active_household(database, t, category="1")
    on = dt.date(2026, 4, 1)
    app = workflow.file_application(database, t.clerk, hid, "project", project="1", requested_fen=200_000, today=on)
    workflow.add_material(database, t.clerk, app, "1", today=on)
    workflow.record_visit(database, t.reviewer, app, on, "李审核", "属实", today=on)
    workflow.evaluate(database, t.reviewer, app, "同意", today=on)
    oid = workflow.log_objection(database, t.clerk, app, "邻居反映其子女有经营收入", raised_by="匿名来电",
                                 today=on + D(days=2))
    after = on + D(days=8)
    with pytest.raises(StateError, match="有 1 条异议尚未处理"):
        workflow.close_publicity(database, t.clerk, app, today=after)
    with pytest.raises(PermissionDenied):
        workflow.handle_objection(database, t.clerk, oid, "dismissed", "查无此事", today=after)
    workflow.handle_objection(database, t.reviewer, oid, "dismissed", "经核实，子女在外务工收入已计入", today=after)
    with pytest.raises(StateError, match="已经处理"):
        workflow.handle_objection(database, t.reviewer, oid, "upheld", "再议", today=after)
    with pytest.raises(Exception, match="异议已处理"):
        database.execute("UPDATE objections SET result = 'upheld' WHERE id = ?", [oid])
    workflow.close_publicity(database, t.clerk, app, today=after)
    # a late objection while waiting for approval blocks the approval too
    late = workflow.log_objection(database, t.clerk, app, "再次反映", today=after)
    with pytest.raises(StateError, match="异议尚未处理"):
        approval.approve(database, t.approver, app, "同意", today=after)
    workflow.handle_objection(database, t.reviewer, late, "upheld", "核实有经营收入，须重新核算", today=after)
    assert status(database, app) == "returned"
    workflow.resubmit(database, t.clerk, app, "已补充经营收入证明", today=after + D(days=1))
    a = workflow.load(database, app)
    assert a["status"] == "reviewing" and a["publicity_id"] is None   # visit and materials still count; new 公示 needed


def test_upheld_objection_sends_a_new_archive_back(database):
    t = team(database)
    hid = new_household(database, t)
    app = workflow.file_application(database, t.clerk, hid, "new_archive", today=DAY)
    for m in ARCHIVE_MATERIALS:
        workflow.add_material(database, t.clerk, app, m, today=DAY)
    workflow.record_visit(database, t.reviewer, app, DAY, "李审核", "属实", today=DAY)
    workflow.request_civil_check(database, t.reviewer, app, today=DAY)
    workflow.answer_civil_check(database, t.reviewer, app, "partial", "有一辆摩托车", today=DAY)
    workflow.evaluate(database, t.reviewer, app, "同意公示", category="2", today=DAY)
    oid = workflow.log_objection(database, t.clerk, app, "有私家车", today=DAY + D(days=1))
    workflow.handle_objection(database, t.reviewer, oid, "upheld", "属实", today=DAY + D(days=2))
    assert status(database, app) == "returned" and hh_status(database, hid) == "applying"
    workflow.withdraw(database, t.clerk, app, "不符合条件，申请人撤回", today=DAY + D(days=3))
    assert status(database, app) == "withdrawn" and hh_status(database, hid) == "applying"


def test_illegal_steps_change_nothing(database):
    t = team(database)
    hid = active_household(database, t)
    on = dt.date(2026, 4, 1)
    app = workflow.file_application(database, t.clerk, hid, "project", project="4", requested_fen=100_000, today=on)
    before = (scalar(database, "SELECT count(*) FROM application_steps"), scalar(database, "SELECT count(*) FROM audit_log"))
    attempts = [
        lambda: workflow.evaluate(database, t.reviewer, app, "同意", today=on),
        lambda: workflow.close_publicity(database, t.clerk, app, today=on),
        lambda: workflow.log_objection(database, t.clerk, app, "x", today=on),
        lambda: workflow.resubmit(database, t.clerk, app, today=on),
        lambda: approval.approve(database, t.approver, app, "同意", today=on),
        lambda: approval.reject(database, t.approver, app, "否", today=on),
        lambda: workflow.answer_civil_check(database, t.reviewer, app, "pass", today=on),
    ]
    for attempt in attempts:
        with pytest.raises(StateError):
            attempt()
    with pytest.raises(ValidationError, match="不能早于上一办理环节"):
        workflow.record_visit(database, t.reviewer, app, on - D(days=1), "x", "y", today=on - D(days=1))
    with pytest.raises(StateError, match="已有办理中的同类申请"):
        workflow.file_application(database, t.clerk, hid, "project", project="4", today=on)
    with pytest.raises(StateError, match="新建档申请只受理"):
        workflow.file_application(database, t.clerk, hid, "new_archive", today=on)
    assert (scalar(database, "SELECT count(*) FROM application_steps"),
            scalar(database, "SELECT count(*) FROM audit_log")) == before
    with pytest.raises(Exception, match="只能追加"):
        database.execute("UPDATE application_steps SET opinion = 'x'")
    with pytest.raises(Exception, match="只能追加"):
        database.execute("DELETE FROM application_steps")


def test_project_aid_only_for_archived_households_except_temporary_aid(database):
    t = team(database)
    hid = new_household(database, t)
    with pytest.raises(StateError, match="只受理“在档”"):
        workflow.file_application(database, t.clerk, hid, "project", project="1", today=DAY)
    app = workflow.file_application(database, t.clerk, hid, "project", project="5", requested_fen=100_000, today=DAY)
    assert status(database, app) == "accepted"
    with pytest.raises(ValidationError, match="自付"):
        workflow.file_application(database, t.clerk, active_household(database, t, 125), "project", project="2",
                                  today=DAY + D(days=7))


def test_snapshot_keeps_what_was_approved(database):
    t = team(database)
    hid = active_household(database, t, category="1", members=[{"name": "李四", "relation": "1"}])
    app = grant(database, t, hid, "1", 300_000, on=dt.date(2026, 4, 1))
    d = approval.decision_of(database, app)
    snap = d["snapshot"]
    assert snap["household"]["name"] == "张三" and snap["household"]["members"][0]["name"] == "李四"
    assert snap["amounts"]["approved_fen"] == 300_000 and snap["rule"]["rule"]["basis"] == "months_dibao"
    assert snap["publicity"]["days"] == 7 and snap["decided_by"] == "approver"
    h = register.get_household(database, hid)
    draft = draft_from(h)
    draft.fields["name"] = "张三丰"
    draft.fields["bank_account"] = "6222020000000000001"
    draft.members = []
    register.update_household(database, t.clerk, hid, draft, today=dt.date(2026, 5, 1))
    again = approval.decision_of(database, app)["snapshot"]
    assert again == snap and again["household"]["bank_account"] == "6228480123456789012"
    payable = approval.payable_decisions(database)
    assert [p["app_no"] for p in payable] == [workflow.load(database, app)["app_no"]]
    assert payable[0]["bank_account"] == "6228480123456789012" and payable[0]["name"] == "张三丰"
    for sql in ("UPDATE decisions SET amount_fen = 1", "UPDATE decisions SET snapshot = '{}'",
                "UPDATE decisions SET override_reason = 'x'", "DELETE FROM decisions"):
        with pytest.raises(Exception, match="不能"):
            database.execute(sql)


def test_decisions_are_paid_by_the_ledger(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    t = team(database)
    hid = active_household(database, t)
    app = grant(database, t, hid, "4", 200_000, on=dt.date(2026, 1, 20))
    did = approval.decision_of(database, app)["id"]
    assert approval.unpaid_total(database) == 200_000
    with pytest.raises(PermissionDenied):
        approval.mark_paid(database, t.clerk, did, "记-2026-0001")
    finance = auth.get_actor(database, "finance")
    approval.mark_paid(database, finance, did, "记-2026-0001")
    assert approval.payable_decisions(database) == [] and approval.unpaid_total(database) == 0
    with pytest.raises(StateError, match="不是待发放"):
        approval.mark_paid(database, finance, did, "记-2026-0002")
    with pytest.raises(Exception, match="不能"):
        database.execute("UPDATE decisions SET status = 'unpaid' WHERE id = ?", [did])
    assert rows(database, "SELECT action FROM application_steps WHERE application_id = ? ORDER BY id DESC LIMIT 1",
                [app]) == [{"action": "paid"}]


def test_rejected_new_archive_cancels_the_archive(database):
    t = team(database)
    hid = new_household(database, t)
    app = workflow.file_application(database, t.clerk, hid, "new_archive", today=DAY)
    for m in ARCHIVE_MATERIALS:
        workflow.add_material(database, t.clerk, app, m, today=DAY)
    workflow.record_visit(database, t.reviewer, app, DAY, "李审核", "有私家车", today=DAY)
    workflow.request_civil_check(database, t.reviewer, app, today=DAY)
    workflow.answer_civil_check(database, t.reviewer, app, "fail", "名下有车辆", today=DAY)
    workflow.evaluate(database, t.reviewer, app, "建议不予建档", category="2", today=DAY)
    workflow.return_application(database, t.reviewer, app, "请补充车辆情况说明", today=DAY + D(days=1))
    assert hh_status(database, hid) == "applying"
    workflow.resubmit(database, t.clerk, app, "已补充", today=DAY + D(days=2))
    assert status(database, app) == "reviewing" and hh_status(database, hid) == "visiting"
    workflow.evaluate(database, t.reviewer, app, "公示", category="2", today=DAY + D(days=2))
    workflow.close_publicity(database, t.clerk, app, today=DAY + D(days=9))
    approval.reject(database, t.approver, app, "名下有机动车，不符合建档条件", today=DAY + D(days=9))
    h = register.get_household(database, hid)
    assert (h["status"], h["exit_reason"]) == ("cancelled", "ineligible")
    d = approval.decision_of(database, app)
    assert d["outcome"] == "rejected" and d["amount_fen"] is None and d["status"] == "none"


def test_change_and_exit_applications(database):
    t = team(database)
    hid = active_household(database, t, category="2")
    on = dt.date(2026, 5, 1)
    app = workflow.file_application(database, t.clerk, hid, "change", details={"category": "1"}, reason="病情加重",
                                    today=on)
    workflow.add_material(database, t.clerk, app, "1", today=on)
    workflow.record_visit(database, t.reviewer, app, on, "李审核", "属实", today=on)
    workflow.evaluate(database, t.reviewer, app, "同意调整为深度困难", today=on)
    assert status(database, app) == "pending"                      # no 公示 for a change
    approval.approve(database, t.approver, app, "同意", today=on)
    assert scalar(database, "SELECT category FROM households WHERE id = ?", [hid]) == "1"
    with pytest.raises(ValidationError, match="注销原因"):
        workflow.file_application(database, t.clerk, hid, "exit", details={"to": "cancelled"}, today=on)
    ex = workflow.file_application(database, t.clerk, hid, "exit", details={"to": "cancelled", "reason": "retired"},
                                   today=on)
    assert status(database, ex) == "reviewing"
    workflow.evaluate(database, t.reviewer, ex, "已退休，按规定注销", today=on)
    approval.approve(database, t.approver, ex, "同意注销", today=on)
    h = register.get_household(database, hid)
    assert (h["status"], h["exit_reason"]) == ("cancelled", "retired")


def test_worklists_show_the_workflow(database):
    t = team(database)
    hid = new_household(database, t)
    app = workflow.file_application(database, t.clerk, hid, "new_archive", today=DAY)
    counts = worklists.counts(database, today=DAY)
    assert counts["visit_due"] == 1 and counts["approvals_waiting"] == 0
    for m in ARCHIVE_MATERIALS:
        workflow.add_material(database, t.clerk, app, m, today=DAY)
    workflow.record_visit(database, t.reviewer, app, DAY, "李审核", "属实", today=DAY)
    workflow.request_civil_check(database, t.reviewer, app, today=DAY)
    counts = worklists.counts(database, today=DAY)
    assert counts["visit_due"] == 0 and counts["civil_unanswered"] == 1
    workflow.answer_civil_check(database, t.reviewer, app, "pass", today=DAY)
    workflow.evaluate(database, t.reviewer, app, "同意", category="1", today=DAY)
    workflow.log_objection(database, t.clerk, app, "有异议", today=DAY)
    counts = worklists.counts(database, today=DAY + D(days=5))
    assert counts["publicity_ending"] == 1 and counts["objections_open"] == 1 and counts["civil_unanswered"] == 0
    item = worklists.items(database, "objections_open", today=DAY)[0]
    assert (item["id"], item["archive_no"], item["name"], item["township"], item["status"]) == (
        app, "SQ2026000001", "张三", "新建档", "1 条异议")
    assert worklists.items(database, "publicity_ending", today=DAY + D(days=7))[0]["status"] == "已期满，可提交审批"


def test_lists_and_available_actions(database):
    t = team(database)
    hid = active_household(database, t)
    on = dt.date(2026, 4, 1)
    app = to_pending(database, t, hid, "1", 100_000, on=on)
    assert applications.counts_by_status(database) == {"approved": 1, "pending": 1}
    assert [a["id"] for a in applications.list_applications(database, applications.Query(status="pending"))] == [app]
    assert applications.count(database, applications.Query(text="张")) == 2
    assert applications.count(database, applications.Query(text="zs", kind="project")) == 1
    clerk_actions = applications.available_actions(database, t.clerk, app, today=on + D(days=7))
    assert clerk_actions["approve"] and clerk_actions["withdraw"] == ""
    approver_actions = applications.available_actions(database, t.approver, app, today=on + D(days=7))
    assert approver_actions["approve"] == "" and approver_actions["visit"]
    detail = applications.detail(database, app, today=on + D(days=7))
    assert [s["action"] for s in detail["steps"]][-1] == "close_publicity" and detail["blockers"] == []
    assert applications.publicity_list(database, detail["publicity_id"])[0]["id_number"].count("*") == 8


def test_existing_household_edit_does_not_touch_open_applications(database):
    """Editing the archive while its 新建档 application is open keeps the workflow status."""
    t = team(database)
    hid = new_household(database, t)
    archive(database, t, hid)
    draft = draft_from(register.get_household(database, hid))
    register.update_household(database, t.clerk, hid, HouseholdDraft(fields={**draft.fields, "phone": "13900001111"}))
    assert hh_status(database, hid) == "active"
    assert row(database, "SELECT count(*) AS n FROM decisions WHERE household_id = ?", [hid]) == {"n": 1}
