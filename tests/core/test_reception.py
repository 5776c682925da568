"""The reception log: deadlines by kind over weekends and holidays, overdue, closing, notes, links,
applications started from an entry; pairs and visits; service cases."""

from __future__ import annotations

import datetime as dt

import pytest
from test_workflow_kit import new_household, team

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.admin import workdays
from helpdesk_gui.core.base.errors import NotFoundError, PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.casework import reception, services, visits
from helpdesk_gui.core.casework.reception import DeadlineRule, EntryDraft, EntryFilter
from helpdesk_gui.core.db import row, scalar
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.core.workflow import steps as workflow


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then on a PostgreSQL server."""
    return engine_database

FRI = dt.date(2025, 3, 7)          # a Friday


def entry(db, actor, kind="help", received=FRI, **kw) -> int:
    today = kw.pop("today", dt.date(2026, 12, 31))
    base = {"channel": "visit", "kind": kind, "visitor_name": "王大妈", "matter": "家中老人住院，生活困难，请求救助",
            "received_date": received}
    base.update(kw)
    return reception.log_entry(db, actor, EntryDraft(**base), today=today)


# ---------------------------------------------------------------- deadlines and overdue

def test_working_day_deadline_skips_the_weekend_and_overdue_starts_the_day_after(database, clerk):
    # 求助: 5 working days by default. Received on Friday 7 March: Mon 10 … Fri 14.
    eid = entry(database, clerk, "help")
    e = reception.load(database, eid)
    assert e["deadline"] == "2025-03-14" and e["deadline_rule"] == "5 个工作日"
    assert reception.overdue_days(e["deadline"], dt.date(2025, 3, 14)) == 0
    assert reception.overdue_days(e["deadline"], dt.date(2025, 3, 15)) == 1      # Saturday: already late
    assert reception.overdue_days(e["deadline"], dt.date(2025, 3, 17)) == 3      # Monday after
    # the list and the count agree with that
    assert reception.count(database, EntryFilter(state="overdue"), today=dt.date(2025, 3, 14)) == 0
    assert reception.count(database, EntryFilter(state="overdue"), today=dt.date(2025, 3, 17)) == 1
    shown = reception.list_entries(database, EntryFilter(), today=dt.date(2025, 3, 17))[0]
    assert shown["overdue_days"] == 3


def test_three_working_days_from_friday_end_on_wednesday_but_three_calendar_days_on_monday(database, admin, clerk):
    rules = reception.deadline_rules(database)
    rules["consult"] = DeadlineRule(3, True)
    rules["other"] = DeadlineRule(3, False)
    reception.set_deadline_rules(database, admin, rules)
    working = reception.load(database, entry(database, clerk, "consult"))
    calendar = reception.load(database, entry(database, clerk, "other"))
    assert working["deadline"] == "2025-03-12"          # Mon, Tue, Wed
    assert calendar["deadline"] == "2025-03-10"         # Sat, Sun, Mon
    on_tuesday = dt.date(2025, 3, 11)
    overdue = reception.list_entries(database, EntryFilter(state="overdue"), today=on_tuesday)
    assert [e["id"] for e in overdue] == [calendar["id"]]
    assert overdue[0]["overdue_days"] == 1
    on_thursday = dt.date(2025, 3, 13)
    assert reception.count(database, EntryFilter(state="overdue"), today=on_thursday) == 2


def test_deadline_skips_the_national_day_holiday_and_counts_the_make_up_saturday(database, clerk):
    # received Friday 26 September 2025; Sunday 28 Sept is a working day (调休), 1–8 October are off,
    # Saturday 11 October is a working day again.
    cal = workdays.load(database)
    rule = DeadlineRule(5, True)
    assert reception.deadline_on(cal, rule, dt.date(2025, 9, 26)) == dt.date(2025, 10, 10)  # 28, 29, 30, 9, 10
    assert reception.deadline_on(cal, DeadlineRule(6, True), dt.date(2025, 9, 26)) == dt.date(2025, 10, 11)
    assert reception.deadline_on(cal, DeadlineRule(0, True), dt.date(2025, 9, 27)) == dt.date(2025, 9, 27)
    e = reception.load(database, entry(database, clerk, "help", dt.date(2025, 9, 26)))
    assert e["deadline"] == "2025-10-10"


def test_a_later_settings_change_does_not_move_a_logged_deadline(database, admin, clerk):
    eid = entry(database, clerk, "rights")
    before = reception.load(database, eid)["deadline"]
    rules = reception.deadline_rules(database)
    rules["rights"] = DeadlineRule(2, False)
    reception.set_deadline_rules(database, admin, rules)
    assert reception.load(database, eid)["deadline"] == before
    assert reception.load(database, entry(database, clerk, "rights"))["deadline"] == "2025-03-09"
    with pytest.raises(PermissionDenied):
        reception.set_deadline_rules(database, clerk, rules)


# ---------------------------------------------------------------- logging, handling, closing

def test_logging_checks_what_a_clerk_types(database, clerk):
    with pytest.raises(ValidationError, match="反映事项"):
        entry(database, clerk, matter="  ")
    with pytest.raises(ValidationError, match="事项类别"):
        entry(database, clerk, kind="gossip")
    with pytest.raises(ValidationError, match="联系电话"):
        entry(database, clerk, visitor_phone="12345")
    with pytest.raises(ValidationError, match="公民身份号码"):
        entry(database, clerk, visitor_id_number="530122198001011234")
    with pytest.raises(ValidationError, match="接待日期：不能晚于今天"):
        reception.log_entry(database, clerk, EntryDraft("visit", "help", "王", "事", received_date="2025-03-08"),
                            today=FRI)
    with pytest.raises(ValidationError, match="首问负责人"):
        entry(database, clerk, responsible="finance")
    assert scalar(database, "SELECT count(*) FROM reception_entries") == 0


def test_entry_numbers_follow_the_year_and_the_first_responsible_is_the_clerk(database, clerk, reviewer):
    a = reception.load(database, entry(database, clerk))
    b = reception.load(database, entry(database, clerk, received=dt.date(2026, 1, 5)))
    c = reception.load(database, entry(database, clerk, responsible="reviewer"))
    assert (a["entry_no"], b["entry_no"], c["entry_no"]) == ("JD2025000001", "JD2026000001", "JD2025000002")
    assert a["responsible"] == "clerk" and c["responsible"] == "reviewer"
    assert row(database, "SELECT action, entity_id FROM audit_log WHERE entity = 'reception' ORDER BY id LIMIT 1") == \
        {"action": "create", "entity_id": "JD2025000001"}


def test_closing_needs_a_result_and_freezes_the_entry(database, clerk):
    eid = entry(database, clerk)
    reception.add_note(database, clerk, eid, "已联系社区核实情况", on="2025-03-10", today=dt.date(2025, 3, 10))
    with pytest.raises(ValidationError, match="办理结果"):
        reception.close_entry(database, clerk, eid, "   ", today=dt.date(2025, 3, 12))
    with pytest.raises(ValidationError, match="不能早于接待日期"):
        reception.close_entry(database, clerk, eid, "已发放临时救助", on="2025-03-06", today=dt.date(2025, 3, 12))
    reception.close_entry(database, clerk, eid, "已发放临时救助 1000 元", on="2025-03-12", today=dt.date(2025, 3, 12))
    e = reception.get_entry(database, eid, today=dt.date(2025, 3, 20))
    assert (e["status"], e["result"], e["closed_date"], e["overdue_days"]) == ("closed", "已发放临时救助 1000 元",
                                                                           "2025-03-12", 0)
    assert [n["action"] for n in e["notes"]] == ["note", "close"]
    with pytest.raises(StateError, match="已办结"):
        reception.close_entry(database, clerk, eid, "再办一次", today=dt.date(2025, 3, 12))
    with pytest.raises(StateError, match="已办结"):
        reception.add_note(database, clerk, eid, "补记", today=dt.date(2025, 3, 12))
    # the database refuses too: a closed entry's result and the notes cannot change, nothing is deleted
    for sql in ("UPDATE reception_entries SET result = '改' WHERE id = 1", "DELETE FROM reception_entries",
                "UPDATE reception_notes SET note = '改'", "DELETE FROM reception_notes"):
        with pytest.raises(Exception, match="不能"):
            database.execute(sql)
    with pytest.raises(Exception, match="(?i)check"):
        database.execute("UPDATE reception_entries SET status = 'closed', result = '' WHERE id = ?",
                         [entry(database, clerk)])


def test_only_the_responsible_person_or_a_supervisor_closes(database, clerk, reviewer, admin):
    from helpdesk_gui.core.access import auth
    auth.create_user(database, admin, "clerk2", "刘经办", ["clerk"], "passw0rd!")
    clerk2 = auth.get_actor(database, "clerk2")
    eid = entry(database, clerk)
    with pytest.raises(PermissionDenied, match="首问负责人为 clerk"):
        reception.close_entry(database, clerk2, eid, "已答复", today=dt.date(2025, 3, 10))
    reception.add_note(database, clerk2, eid, "代为接听回访电话", today=dt.date(2025, 3, 10))   # anyone may note
    reception.reassign(database, clerk, eid, "clerk2", "张经办调岗", today=dt.date(2025, 3, 10))
    assert reception.load(database, eid)["responsible"] == "clerk2"
    reception.close_entry(database, reviewer, eid, "已答复", today=dt.date(2025, 3, 10))   # a supervisor may
    assert reception.load(database, eid)["status"] == "closed"


def test_an_entry_links_to_an_archive_and_starts_its_application(database):
    t = team(database)
    hid = new_household(database, t, name="赵四")
    eid = entry(database, t.clerk, received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    with pytest.raises(StateError, match="还没有关联档案"):
        reception.start_application(database, t.clerk, eid, "new_archive", today=dt.date(2026, 3, 2))
    with pytest.raises(NotFoundError):
        reception.link_household(database, t.clerk, eid, 9999)
    reception.link_household(database, t.clerk, eid, hid, today=dt.date(2026, 3, 2))
    app_id = reception.start_application(database, t.clerk, eid, "new_archive", today=dt.date(2026, 3, 2))
    app = workflow.load(database, app_id)
    assert app["household_id"] == hid and app["status"] == "accepted" and app["reason"].startswith("家中老人")
    e = reception.get_entry(database, eid, today=dt.date(2026, 3, 2))
    assert e["app_no"] == app["app_no"] and e["archive_no"] is not None
    assert [n["action"] for n in e["notes"]] == ["link", "application"]
    with pytest.raises(StateError, match="已发起申请"):
        reception.start_application(database, t.clerk, eid, "new_archive", today=dt.date(2026, 3, 2))
    # a refused application leaves the entry as it was (one transaction)
    other = entry(database, t.clerk, received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    reception.link_household(database, t.clerk, other, hid, today=dt.date(2026, 3, 2))
    with pytest.raises(StateError):
        reception.start_application(database, t.clerk, other, "new_archive", today=dt.date(2026, 3, 2))
    assert reception.load(database, other)["application_id"] is None


def test_search_and_filters(database, clerk, reviewer):
    entry(database, clerk, visitor_name="李红", visitor_phone="13812345678", channel="phone", kind="consult")
    entry(database, clerk, visitor_name="王刚", visitor_unit="金马纺织厂", matter="拖欠三个月工资", kind="rights",
          responsible="reviewer", received=dt.date(2025, 4, 1))
    entry(database, clerk, visitor_name="张三", channel="letter")
    day = dt.date(2025, 4, 2)
    names = lambda f: [e["visitor_name"] for e in reception.list_entries(database, f, today=day)]  # noqa: E731
    assert names(EntryFilter(text="李")) == ["李红"]
    assert names(EntryFilter(text="138")) == ["李红"]
    assert names(EntryFilter(text="工资")) == ["王刚"]
    assert names(EntryFilter(text="纺织")) == ["王刚"]
    assert names(EntryFilter(channel="letter")) == ["张三"]
    assert names(EntryFilter(responsible="reviewer")) == ["王刚"]
    assert names(EntryFilter(date_from="2025-04-01")) == ["王刚"]
    assert set(names(EntryFilter(state="overdue"))) == {"李红", "张三"}
    assert reception.entry_ids(database, EntryFilter(), today=day, order_by="overdue")[0] != \
        reception.entry_ids(database, EntryFilter(), today=day, order_by="received_date")[0]


def test_overdue_entries_are_a_worklist_on_the_home_page(database, clerk):
    eid = entry(database, clerk)
    entry(database, clerk, received=dt.date(2025, 3, 14))
    counts = worklists.counts(database, today=dt.date(2025, 3, 17))
    assert counts["reception_overdue"] == 1
    items = worklists.items(database, "reception_overdue", today=dt.date(2025, 3, 17))
    assert [i["id"] for i in items] == [eid] and items[0]["archive_no"] == "JD2025000001"
    reception.close_entry(database, clerk, eid, "已办结", today=dt.date(2025, 3, 17))
    assert worklists.counts(database, today=dt.date(2025, 3, 17))["reception_overdue"] == 0


def test_printed_sheet_rows_are_masked(database, clerk):
    entry(database, clerk, visitor_id_number="530122197505061239", visitor_phone="13812345678", visitors=3)
    rows = reception.sheet_rows(database, "2025-03-01", "2025-03-31")
    assert rows[0]["id_number"] == "530122********1239" and rows[0]["phone"] == "138****5678"
    assert rows[0]["kind"] == "来访·求助" and rows[0]["name"] == "王大妈等 3 人"
    assert audit.verify_chain(database) is None


# ---------------------------------------------------------------- pairs and visits

def test_pairs_one_to_many_and_many_to_one_with_visits_and_next_due(database):
    t = team(database)
    h1 = new_household(database, t, 201, name="甲")
    h2 = new_household(database, t, 203, name="乙")
    c1 = visits.add_cadre(database, t.clerk, "周书记", "县总工会", "副主席", "13900001111")
    c2 = visits.add_cadre(database, t.clerk, "吴干事", "县总工会")
    start = dt.date(2026, 1, 5)
    p1 = visits.make_pair(database, t.clerk, c1, h1, start=start, today=start)
    p2 = visits.make_pair(database, t.clerk, c1, h2, start=start, every_days=30, today=start)   # one-to-many
    p3 = visits.make_pair(database, t.clerk, c2, h1, start=start, today=start)                  # many-to-one
    with pytest.raises(StateError, match="已经结对"):
        visits.make_pair(database, t.clerk, c1, h1, today=start)
    visits.record_visit(database, t.clerk, visits.VisitDraft(h2, "2026-01-20", "pair", "周书记", money_fen=50000,
                                                             goods="米、油", goods_fen=20000, pair_id=p2),
                        today=dt.date(2026, 1, 20))
    with pytest.raises(ValidationError, match="不是这一户"):
        visits.record_visit(database, t.clerk, visits.VisitDraft(h1, "2026-01-20", "pair", "周书记", pair_id=p2),
                            today=dt.date(2026, 1, 20))
    day = dt.date(2026, 2, 25)
    pairs = {p["id"]: p for p in visits.list_pairs(database, today=day)}
    assert pairs[p2]["last_visit"] == "2026-01-20" and pairs[p2]["next_due"] == "2026-02-19"
    assert pairs[p2]["overdue_days"] == 6 and pairs[p2]["visits"] == 1
    assert pairs[p1]["next_due"] == "2026-04-05" and pairs[p1]["overdue_days"] == 0
    assert [p["id"] for p in visits.list_pairs(database, visits.PairFilter(state="due"), today=day)] == [p2]
    assert visits.due_pairs_count(database, day) == 1
    assert worklists.counts(database, today=day)["visits_due"] == 1
    assert [p["id"] for p in visits.list_pairs(database, visits.PairFilter(cadre_id=c1), today=day)] == [p2, p1]
    cadres = {c["name"]: c for c in visits.list_cadres(database, today=day)}
    assert cadres["周书记"]["households"] == 2 and cadres["周书记"]["due"] == 1
    with pytest.raises(StateError, match="先结束结对"):
        visits.set_cadre_active(database, t.clerk, c2, False)
    visits.end_pair(database, t.clerk, p3, "干部调离", on=day, today=day)
    visits.set_cadre_active(database, t.clerk, c2, False)
    assert [h["id"] for h in visits.pair_history(database, p2)] != []
    with pytest.raises(PermissionDenied):
        visits.add_cadre(database, t.approver, "某", "某")


# ---------------------------------------------------------------- service cases

def test_service_cases_open_and_close_with_amounts(database, clerk):
    day = dt.date(2025, 6, 30)
    wid = services.open_case(database, clerk, services.CaseDraft("wages", "王刚", "2025-06-01", people=12,
                                                                 counterpart="某建筑公司", matter="拖欠 3 个月工资",
                                                                 claimed_fen=36_000_000), today=day)
    with pytest.raises(ValidationError, match="追回金额"):
        services.close_case(database, clerk, wid, "success", "已全部追回", today=day)
    services.close_case(database, clerk, wid, "partial", "追回大部分", amount_fen=30_000_000, on="2025-06-20", today=day)
    c = services.load(database, wid)
    assert (c["case_no"], c["status"], c["amount_fen"]) == ("FW2025000001", "closed", 30_000_000)
    with pytest.raises(StateError, match="已于 2025-06-20 办结"):
        services.close_case(database, clerk, wid, "success", "再办", amount_fen=1, today=day)
    jid = services.open_case(database, clerk, services.CaseDraft("job", "李红", counterpart="某物业公司", matter="保洁员"),
                             today=day)
    with pytest.raises(ValidationError, match="没有追回金额"):
        services.close_case(database, clerk, jid, "success", "已上岗", amount_fen=100, today=day)
    services.close_case(database, clerk, jid, "success", "已上岗", today=day)
    with pytest.raises(ValidationError, match="欠薪单位"):
        services.open_case(database, clerk, services.CaseDraft("wages", "某", claimed_fen=100, matter="欠薪"), today=day)
    assert [c["case_no"] for c in services.list_cases(database, services.CaseFilter(kind="job"))] == ["FW2025000002"]
    with pytest.raises(Exception, match="不能修改"):
        database.execute("UPDATE service_cases SET amount_fen = 1 WHERE id = ?", [wid])


# ---------------------------------------------------------------- demo data

def test_demo_adds_entries_pairs_visits_and_cases_deterministically(database, tmp_path):
    from helpdesk_gui.core import check
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.db import rows
    from helpdesk_gui.core.demo import households as demo
    other = setup.initialise(tmp_path / "other.db", "530122", "某某县总工会", "admin1234")
    day = dt.date(2026, 3, 2)
    counts = demo.generate(database, auth.SYSTEM, 400, seed=4, today=day)
    demo.generate(other, auth.SYSTEM, 400, seed=4, today=day)
    assert counts["reception_entries"] == 60 and counts["pairs"] >= 20 and counts["service_cases"] == 16
    for sql in ("SELECT entry_no, channel, kind, received_date, visitor_name, deadline, status, result, closed_date "
                "FROM reception_entries ORDER BY id", "SELECT cadre_id, household_id, start_date FROM pairs ORDER BY id",
                "SELECT household_id, pair_id, visit_date, money_fen FROM care_visits ORDER BY id",
                "SELECT case_no, kind, outcome, amount_fen FROM service_cases ORDER BY id"):
        assert rows(database, sql) == rows(other, sql)
    other.conn.close()
    # the rows obey the same rules as those typed in
    assert scalar(database, "SELECT count(*) FROM reception_entries WHERE status = 'closed' AND result = ''") == 0
    assert scalar(database, "SELECT count(*) FROM care_visits v JOIN pairs p ON p.id = v.pair_id "
                            "WHERE v.visit_date < p.start_date OR v.visit_date > coalesce(p.end_date, ?)",
                  [day.isoformat()]) == 0
    assert scalar(database, "SELECT count(*) FROM service_cases WHERE kind = 'wages' AND outcome = 'success' "
                            "AND amount_fen <> claimed_fen") == 0
    assert check.run(database) == []
    # new entries continue the demo's numbering
    e = reception.load(database, entry(database, auth.get_actor(database, "clerk"), received=day, today=day))
    assert e["entry_no"] == f"JD2026{scalar(database, 'SELECT count(*) FROM reception_entries WHERE entry_no LIKE ?', ['JD2026%']):06d}"
