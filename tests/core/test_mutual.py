"""医疗互助 end to end in the core: plan, unit, members, contributions, claims, advances, settlement."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import _migrations, row, rows, scalar
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.mutual.claims import ReceiptDraft
from helpdesk_gui.core.mutual.members import MemberDraft
from helpdesk_gui.core.register.draft import HouseholdDraft
from mutual_kit import Y, idn, receipt


@pytest.fixture
def scheme(mutual_scheme):
    return mutual_scheme


def test_contributions_are_posted_per_party(scheme, finance) -> None:
    db = scheme["db"]
    c = mutual_contributions.contributions(db, scheme["plan"])[0]
    assert (c["members"], c["worker_fen"], c["unit_fen"], c["union_fen"], c["amount_fen"]) == (3, 60 * Y, 15 * Y, 30 * Y,
                                                                                              105 * Y)
    lines = rows(db, "SELECT kind, amount_fen, counterparty FROM ledger_entries WHERE voucher_id = ? ORDER BY line",
                 [c["voucher_id"]])
    assert [(r["kind"], r["amount_fen"]) for r in lines] == [("contribution", 6000), ("contribution", 1500),
                                                             ("contribution", 3000)]
    assert lines[0]["counterparty"] == "县煤业公司工会" and lines[2]["counterparty"] == "工会"
    # everyone is paid: a second receipt has nothing to take
    with pytest.raises(StateError, match="没有待缴费"):
        mutual_contributions.receive_contribution(db, finance, scheme["plan"], scheme["unit"], on=dt.date(2026, 2, 2))
    assert check.run(db) == []


def test_consecutive_years_and_gaps(scheme, clerk, finance) -> None:
    db = scheme["db"]
    zhang, li, _wang = scheme["members"]
    assert mutual_members.consecutive_years(db, zhang, 2026) == 2
    # paper records: in since 2016 -> 2016..2026 = 11 years, bridged because 2025 is the first plan kept here
    m = mutual_members.get_member(db, zhang)
    mutual_members.save_member(db, clerk, MemberDraft(m["name"], m["id_number"], m["unit_id"], since_year=2016), zhang)
    assert mutual_members.consecutive_years(db, zhang, 2026) == 11
    # a new member who joins only in 2026 has one year, and a gap breaks the run
    unit = scheme["unit"]
    new = mutual_members.save_member(db, clerk, MemberDraft("赵六", idn(9), unit, since_year=2010))
    mutual_enrolment.enrol(db, clerk, scheme["plan"], [new])
    assert mutual_members.consecutive_years(db, new, 2026) == 0          # not paid yet
    mutual_contributions.receive_contribution(db, finance, scheme["plan"], unit, on=dt.date(2026, 3, 1))
    assert mutual_members.consecutive_years(db, new, 2026) == 1   # 2025 missing: since_year does not bridge the gap
    listed = {m["name"]: m["years"] for m in mutual_members.list_members(db, plan_id=scheme["plan"])}
    assert listed == {"张三": 11, "李四": 2, "王五": 2, "赵六": 1}
    assert mutual_members.consecutive_years(db, li, 2027) == 0


def test_claim_approve_settle_and_check(scheme, clerk, approver, finance) -> None:
    db = scheme["db"]
    zhang, li, wang = scheme["members"]
    plan = scheme["plan"]
    c1 = mutual_claims.create_claim(db, clerk, plan, zhang, [receipt("ZY001", 5_000), receipt("MZ01", 1_000, kind="2")],
                                    submitted_on=dt.date(2026, 4, 2))
    c2 = mutual_claims.create_claim(db, clerk, plan, li, [receipt("ZY002", 800)], submitted_on=dt.date(2026, 4, 3))
    c3 = mutual_claims.create_claim(db, clerk, plan, wang, [receipt("ZY003", 3_000, 130_000)],
                                    submitted_on=dt.date(2026, 4, 3))
    # the same receipt cannot be claimed twice
    with pytest.raises(ValidationError, match="ZY001 已在报销 HZ2026-0001"):
        mutual_claims.create_claim(db, clerk, plan, zhang, [receipt("ZY001", 5_000)])
    # the clerk who registered it does not approve it; approver does
    with pytest.raises(PermissionDenied):
        mutual_claims.approve_claim(db, clerk, c1)
    r1 = mutual_claims.approve_claim(db, approver, c1)
    assert (r1.rate_pct, r1.subsidy_fen, r1.payable_fen) == (50, 2_500 * Y, 2_500 * Y)
    mutual_claims.approve_claim(db, approver, c2)
    r3 = mutual_claims.approve_claim(db, approver, c3)
    assert (r3.subsidy_fen, r3.rehab_fen) == (1_000 * Y, 5_000 * Y)
    stored = mutual_claims.get_claim(db, c3)
    assert stored["status"] == "approved" and any("康复金 5,000.00 元" in s for s in stored["steps"])

    sid = mutual_settle.create_settlement(db, finance, "2026-Q4")
    s = mutual_settle.get_settlement(db, sid)
    assert s["settle_no"] == "JS2026Q4-01" and s["claims"] == 3 and s["total_fen"] == (2_500 + 0 + 6_000) * Y
    before = scalar(db, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", [scheme["fund"]])
    posted = mutual_settle.post_settlement(db, finance, sid, paid_date=dt.date(2026, 11, 5), today=dt.date(2026, 11, 5))
    assert posted is not None
    paid = -scalar(db, "SELECT sum(amount_fen) FROM ledger_entries WHERE voucher_id = ?", [posted.voucher_id])
    assert paid == mutual_settle.get_settlement(db, sid)["total_fen"] == 8_500 * Y
    assert scalar(db, "SELECT count(*) FROM ledger_entries WHERE voucher_id = ?", [posted.voucher_id]) == 2  # 0 not paid
    assert scalar(db, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", [scheme["fund"]]) == before - paid
    assert {c["status"] for c in mutual_claims.list_claims(db, settlement_id=sid)} == {"settled"}
    assert check.run(db) == []
    # a settled claim is fixed
    with pytest.raises(Exception, match="已结算"):
        db.execute("UPDATE mutual_claims SET payable_fen = 1 WHERE id = ?", [c1])

    # the bank returns 张三's payment: the claim waits for the next settlement, check stays green
    mutual_settle.return_payment(db, finance, c1, "账号已销户", on=dt.date(2026, 11, 10), today=dt.date(2026, 11, 10))
    assert mutual_claims.get_claim(db, c1)["status"] == "approved"
    assert check.run(db) == []
    assert mutual_settle.pending(db, "2026-Q3") == []            # approved after the third quarter
    sid2 = mutual_settle.create_settlement(db, finance, "2026-Q4")
    assert [c["claim_no"] for c in mutual_settle.settlement_lines(db, sid2)] == ["HZ2026-0001"]
    mutual_settle.post_settlement(db, finance, sid2, paid_date=dt.date(2026, 11, 20), today=dt.date(2026, 11, 20))
    assert check.run(db) == []
    report = mutual_settle.fund_report(db, plan)
    assert report["contributions_fen"] == 105 * Y and report["claims_fen"] == 8_500 * Y
    assert report["closing_fen"] == report["opening_fen"] + 105 * Y + 200_000 * Y - 8_500 * Y


def test_advance_settled_by_a_later_claim(scheme, clerk, approver, finance) -> None:
    db = scheme["db"]
    zhang = scheme["members"][0]
    with pytest.raises(ValidationError, match="批准人"):
        mutual_claims.pay_advance(db, finance, scheme["plan"], zhang, 3_000 * Y, reason="尿毒症透析", approved_by="clerk",
                                  on=dt.date(2026, 3, 1))
    aid = mutual_claims.pay_advance(db, finance, scheme["plan"], zhang, 3_000 * Y, reason="尿毒症透析急需",
                                    approved_by="approver", on=dt.date(2026, 3, 1))
    assert mutual_claims.list_advances(db, open_only=True)[0]["open_fen"] == 3_000 * Y
    assert check.run(db) == []
    cid = mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, [receipt("ZY100", 9_000)])
    preview = mutual_claims.preview(db, scheme["plan"], zhang, [receipt("ZY100", 9_000)], claim_id=cid)
    assert preview.offsets == (("YF2026-0001", 3_000 * Y),) and preview.payable_fen == 1_000 * Y
    mutual_claims.approve_claim(db, approver, cid)
    assert mutual_claims.list_advances(db, open_only=True) == []
    # the advance cannot be reversed now that a claim settled it
    with pytest.raises(StateError, match="已被报销冲抵"):
        ledger.reverse(db, finance, int(row(db, "SELECT voucher_id FROM mutual_advances WHERE id = ?", [aid])["voucher_id"]),
                       "误付")
    sid = mutual_settle.create_settlement(db, finance, "2026-Q4")
    mutual_settle.post_settlement(db, finance, sid, paid_date=dt.date(2026, 11, 20), today=dt.date(2026, 11, 20))
    assert check.run(db) == []
    assert mutual_settle.get_settlement(db, sid)["total_fen"] == 1_000 * Y


def test_reject_frees_receipts_and_revoke(scheme, clerk, approver) -> None:
    db = scheme["db"]
    zhang = scheme["members"][0]
    cid = mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, [receipt("TJ1", 2_000, kind="1")])
    mutual_claims.reject_claim(db, approver, cid, "非定点医院")
    again = mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, [receipt("TJ1", 2_000, kind="1")])
    mutual_claims.approve_claim(db, approver, again)
    mutual_claims.revoke_approval(db, approver, again, "金额录错")
    assert mutual_claims.get_claim(db, again)["status"] == "draft"
    mutual_claims.update_claim(db, clerk, again, [receipt("TJ1", 3_000, kind="1")])
    assert mutual_claims.approve_claim(db, approver, again).subsidy_fen == 1_000 * Y


def test_bad_receipts_say_which_and_why(scheme, clerk) -> None:
    db = scheme["db"]
    zhang = scheme["members"][0]
    bad = [receipt("A1", 100), ReceiptDraft("3", "A2", "2025-12-31", 10_000, 0, 5_000)]
    with pytest.raises(ValidationError, match="第 2 张单据的日期：不在 2026 年度方案期间"):
        mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, bad)
    with pytest.raises(ValidationError, match="第 1 张单据的金额：统筹支付"):
        mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, [ReceiptDraft("3", "A3", "2026-02-01", 100, 80, 80)])
    assert scalar(db, "SELECT count(*) FROM mutual_claims") == 0
    outsider = mutual_members.save_member(db, clerk, MemberDraft("钱七", idn(20), scheme["unit"]))
    with pytest.raises(StateError, match="没有参加 2026 年度"):
        mutual_claims.create_claim(db, clerk, scheme["plan"], outsider, [receipt("B1", 2_000)])


def test_settlement_refused_when_the_fund_is_short(scheme, clerk, approver, finance) -> None:
    db = scheme["db"]
    # three big claims at the caps (30,000 yuan each)
    for i, m in enumerate(scheme["members"]):
        cid = mutual_claims.create_claim(db, clerk, scheme["plan"], m, [receipt(f"BIG{i}", 60_000, 400_000)])
        mutual_claims.approve_claim(db, approver, cid)
    union_money = int(scalar(db, "SELECT id FROM vouchers WHERE summary = '工会划入互助金'"))
    ledger.reverse(db, finance, union_money, "工会经费未到账")       # the fund keeps 2 × 105 yuan of contributions
    sid = mutual_settle.create_settlement(db, finance, "2026-Q4")
    with pytest.raises(ledger.OverdrawError, match="余额不足"):
        mutual_settle.post_settlement(db, finance, sid, paid_date=dt.date(2026, 11, 20), today=dt.date(2026, 11, 20))
    assert mutual_settle.get_settlement(db, sid)["status"] == "draft"
    assert scalar(db, "SELECT count(*) FROM mutual_payments") == 0


def test_plan_rules_lock_after_the_first_approval(scheme, clerk, approver, finance) -> None:
    db = scheme["db"]
    plan = mutual_plans.get_plan(db, scheme["plan"])
    d = mutual_plans.draft_of(plan)
    mutual_plans.update_plan(db, finance, plan["id"], d.__class__(**{**d.__dict__, "rate_pct": 60}))
    cid = mutual_claims.create_claim(db, clerk, plan["id"], scheme["members"][0], [receipt("R1", 2_000)])
    assert mutual_claims.approve_claim(db, approver, cid).rate_pct == 60
    with pytest.raises(StateError, match="规则不能再改"):
        mutual_plans.update_plan(db, finance, plan["id"], d.__class__(**{**d.__dict__, "rate_pct": 70}))
    with pytest.raises(StateError, match="缴费标准不能再改"):
        mutual_plans.update_plan(db, finance, plan["id"],
                                 d.__class__(**{**d.__dict__, "rate_pct": 60, "worker_fen": 3_000}))
    assert json.loads(mutual_plans.get_plan(db, plan["id"])["rehab_bands"])[0] == [12_000_000, 500_000]


def test_reversed_contribution_unpays_members(scheme, finance) -> None:
    db = scheme["db"]
    c = mutual_contributions.contributions(db, scheme["plan"])[0]
    line = int(scalar(db, "SELECT id FROM ledger_entries WHERE voucher_id = ? AND line = 1", [c["voucher_id"]]))
    ledger.reverse(db, finance, c["voucher_id"], "单位缴错年度", entry_ids=[line])
    # the whole receipt is reversed, and the members are unpaid again
    assert scalar(db, "SELECT count(*) FROM ledger_entries WHERE reverses_id IS NOT NULL") == 3
    assert mutual_contributions.unpaid_count(db, scheme["plan"], scheme["unit"]) == 3
    assert mutual_contributions.contributions(db, scheme["plan"])[0]["reversed"] == 1
    assert check.run(db) == []


def test_old_database_gets_the_new_entry_kinds(tmp_path) -> None:
    """A database made before 0007 (closed list of entry kinds) is widened, and its rows stay intact."""
    from helpdesk_gui.core import db as dbm
    path = tmp_path / "old.db"
    db = dbm.connect(path)
    _migrations.apply(db, stop_before="0007_mutual")
    sql = str(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'ledger_entries'"))
    old = sql.replace(", 'contribution'", "").replace(", 'mutual_aid'", "")
    version = int(db.execute("PRAGMA schema_version").fetchone()[0])
    with db.conn:
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'ledger_entries'", [old])
        db.execute(f"PRAGMA schema_version = {version + 1}")
        db.execute("PRAGMA writable_schema = OFF")
    db.conn.close()
    db = dbm.connect(path)
    assert "'mutual_aid'" not in str(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'ledger_entries'"))
    _migrations.apply(db)
    assert "'mutual_aid'" in str(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'ledger_entries'"))
    assert [r[0] for r in db.execute("PRAGMA integrity_check")] == ["ok"]
    assert scalar(db, "SELECT label FROM code_lists WHERE list = 'ledger_entry_kind' AND code = 'mutual_aid'") == "互助金支付"


def test_members_list_names_the_hardship_archive(scheme, clerk) -> None:
    """A member who heads an archive in the register (applying or 在档) is shown with its 档案编号."""
    from helpdesk_gui.core.register import households as register
    db = scheme["db"]
    zhang = mutual_members.get_member(db, scheme["members"][0])
    hid = register.create_household(db, clerk, HouseholdDraft(fields={
        "name": zhang["name"], "id_number": zhang["id_number"], "cause_main": "3"}))
    archive = register.get_household(db, hid)["archive_no"]
    listed = {m["name"]: m["archive_no"] for m in mutual_members.list_members(db, plan_id=scheme["plan"])}
    assert listed == {"张三": archive, "李四": None, "王五": None}


def test_home_worklists_count_claims_to_approve_and_to_settle(scheme, clerk, approver) -> None:
    from helpdesk_gui.core.reports import worklists
    db = scheme["db"]
    zhang, li, _wang = scheme["members"]
    waiting = mutual_claims.create_claim(db, clerk, scheme["plan"], zhang, [receipt("W1", 3_000)])
    mutual_claims.approve_claim(db, approver, mutual_claims.create_claim(db, clerk, scheme["plan"], li,
                                                                         [receipt("W2", 5_000)]))
    counts = worklists.counts(db)
    assert (counts["mutual_claims_waiting"], counts["mutual_to_settle"]) == (1, 1)
    item = worklists.items(db, "mutual_to_settle")[0]
    assert (item["name"], item["status"]) == ("李四", "应付 2000.00 元")
    assert worklists.items(db, "mutual_claims_waiting")[0]["id"] == waiting
