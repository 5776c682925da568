"""Payments from approved decisions through rosters: the voucher, the 帮扶记录, the decision 已发放,
restrictions (专款专用), 在档 only, returns (退回) and paying again, the printed roster."""

from __future__ import annotations

import datetime as dt

import pytest
from test_ledger_kit import TODAY, balance, fund_id, own_fund, raw_decision, receive
from test_workflow_kit import active_household, grant, new_household, team

from helpdesk_gui.core import check
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.ledger import payroll, rosters
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import draft_from
from helpdesk_gui.core.reports import stats
from helpdesk_gui.core.workflow import approval

PAID = dt.date(2026, 5, 20)


@pytest.fixture
def granted(database):
    """Two 在档 households with approved 生活救助 grants (500 and 800 yuan) and 10,000 yuan in the own fund."""
    t = team(database)
    h1 = active_household(database, t, 123, name="张三")
    h2 = active_household(database, t, 125, name="李四", bank_account="6222020000000000001")
    a1 = grant(database, t, h1, "1", 50_000, on=dt.date(2026, 4, 1))
    a2 = grant(database, t, h2, "1", 80_000, on=dt.date(2026, 4, 1))
    receive(database, own_fund(database), 10_000)
    d1, d2 = (approval.decision_of(database, a)["id"] for a in (a1, a2))
    return t, (h1, h2), (d1, d2)


def test_paying_decisions_posts_one_voucher_writes_records_and_marks_them_paid(database, finance, granted):
    _t, (h1, h2), (d1, d2) = granted
    assert {p["decision_id"] for p in payroll.payable(database)} == {d1, d2}
    roster_id, posted = payroll.pay_decisions(database, finance, [d1, d2], own_fund(database), paid_date=PAID,
                                              bank_batch="NH20260520-01", title="5月生活救助", today=TODAY)
    assert balance(database, own_fund(database)) == 1_000_000 - 130_000
    v = payroll.ledger.voucher_detail(database, posted.voucher_id)
    assert v["kind"] == "payment" and v["ref_no"] == "NH20260520-01" and v["total_out_fen"] == 130_000
    assert [ln["bank_account"] for ln in v["lines"]] == ["6228480123456789012", "6222020000000000001"]
    recs = database.execute("SELECT record_no, household_id, amount_fen, fund_source, paid_date, origin, approver "
                            "FROM assistance_records ORDER BY id").fetchall()
    assert recs == [(f"{posted.voucher_no}-001", h1, 50_000, "5", "2026-05-20", "local", "王主任"),
                    (f"{posted.voucher_no}-002", h2, 80_000, "5", "2026-05-20", "local", "王主任")]
    for d in (d1, d2):
        dec = database.execute("SELECT status, paid_ref FROM decisions WHERE id = ?", [d]).fetchone()
        assert dec == ("paid", posted.voucher_no)
    assert payroll.payable(database) == []
    s = stats.summary(database)
    assert s["assistance_records"] == 2 and s["paid_total_fen"] == 130_000
    assert payroll.get_roster(database, roster_id)["status"] == "paid"
    assert check.run(database) == []


def test_a_decision_cannot_be_paid_twice(database, finance, granted):
    _t, _h, (d1, _d2) = granted
    payroll.pay_decisions(database, finance, [d1], own_fund(database), paid_date=PAID, bank_batch="B1", today=TODAY)
    with pytest.raises(StateError, match="不是待发放状态"):
        payroll.pay_decisions(database, finance, [d1], own_fund(database), paid_date=PAID, bank_batch="B2", today=TODAY)


def test_payment_only_to_households_on_file_unless_temporary_aid_is_allowed(database, finance):
    t = team(database)
    hid = new_household(database, t, 131, name="王五")
    receive(database, own_fund(database), 1_000)
    d_life = raw_decision(database, hid, 10_000, project="1")
    d_temp = raw_decision(database, hid, 10_000, project="5")
    with pytest.raises(StateError, match="帮扶只发给在档的家庭"):
        payroll.create_roster(database, finance, "名单", own_fund(database), [d_life])
    payroll.create_roster(database, finance, "临时救助", own_fund(database), [d_temp])
    with pytest.raises(StateError, match="已在待发放的花名册"):
        payroll.create_roster(database, finance, "临时救助二", own_fund(database), [d_temp])
    with pytest.raises(StateError, match="帮扶只发给在档的家庭"):
        settings.put(database, "temporary_aid_any_status", False)
        payroll.pay_decisions(database, finance, [d_life], own_fund(database), paid_date=PAID, bank_batch="B",
                              today=TODAY)


def test_earmarked_funds_pay_only_what_they_are_for(database, finance, granted):
    _t, _h, (d1, _d2) = granted
    medical = fund_id(database, "大病救助金")
    receive(database, medical, 1_000)
    with pytest.raises(StateError, match="只能用于医疗救助"):
        payroll.create_roster(database, finance, "名单", medical, [d1])
    with pytest.raises(StateError, match="周转金"):
        payroll.create_roster(database, finance, "名单", fund_id(database, "创业周转金"), [d1])
    # central money is restricted to 深度困难 and 相对困难 households
    central = fund_id(database, "中央财政帮扶资金")
    receive(database, central, 1_000)
    database.execute("UPDATE households SET category = '3' WHERE id = (SELECT household_id FROM decisions WHERE id = ?)",
                     [d1])
    with pytest.raises(StateError, match="只能用于深度困难、相对困难家庭，该户为意外致困"):
        payroll.create_roster(database, finance, "名单", central, [d1])


def test_a_payment_that_would_overdraw_is_refused_and_nothing_is_written(database, finance, granted):
    _t, _h, (d1, d2) = granted
    upper = fund_id(database, "上级工会拨付资金")
    receive(database, upper, 1_000)
    before = audit.count(database)
    with pytest.raises(payroll.ledger.OverdrawError, match="余额 1,000.00 元，本次支出 1,300.00 元"):
        payroll.pay_decisions(database, finance, [d1, d2], upper, paid_date=PAID, bank_batch="B", today=TODAY)
    assert database.execute("SELECT count(*) FROM assistance_records").fetchone()[0] == 0
    assert database.execute("SELECT count(*) FROM payment_rosters").fetchone()[0] == 0
    assert database.execute("SELECT status FROM decisions WHERE id = ?", [d1]).fetchone()[0] == "unpaid"
    assert audit.count(database) == before


def test_bank_transfer_needs_the_batch_number_and_an_account(database, finance, granted):
    _t, (h1, _h2), (d1, _d2) = granted
    rid = payroll.create_roster(database, finance, "名单", own_fund(database), [d1])
    with pytest.raises(ValidationError, match="银行批次号"):
        payroll.pay_roster(database, finance, rid, paid_date=PAID, today=TODAY)
    payroll.cancel_roster(database, finance, rid, "重做")
    database.execute("UPDATE households SET bank_account = '' WHERE id = ?", [h1])
    # the register has no account now: the one in the approved snapshot is used
    assert payroll.payable(database, decision_ids=[d1])[0]["bank_account"] == "6228480123456789012"


def test_bank_account_changed_since_approval_is_flagged_and_the_paid_one_kept(database, finance, granted):
    _t, (h1, _h2), (d1, _d2) = granted
    database.execute("UPDATE households SET bank_account = '6217000011112222333' WHERE id = ?", [h1])
    item = payroll.payable(database, decision_ids=[d1])[0]
    assert item["bank_changed"] and item["approved_bank_account"] == "6228480123456789012"
    _rid, posted = payroll.pay_decisions(database, finance, [d1], own_fund(database), paid_date=PAID, bank_batch="B",
                                         today=TODAY)
    database.execute("UPDATE households SET bank_account = '6217999999999999999' WHERE id = ?", [h1])
    line = payroll.ledger.voucher_detail(database, posted.voucher_id)["lines"][0]
    assert line["bank_account"] == "6217000011112222333"


def test_clerk_and_approver_do_not_pay(database, granted, clerk, approver):
    _t, _h, (d1, _d2) = granted
    for actor in (clerk, approver):
        with pytest.raises(PermissionDenied):
            payroll.pay_decisions(database, actor, [d1], own_fund(database), paid_date=PAID, bank_batch="B", today=TODAY)


def test_draft_roster_can_lose_rows_and_be_cancelled_paid_one_is_fixed(database, finance, granted):
    _t, _h, (d1, d2) = granted
    rid = payroll.create_roster(database, finance, "6月名单", own_fund(database), [d1, d2])
    assert [ln["decision_id"] for ln in payroll.roster_lines(database, rid)] == [d1, d2]
    assert payroll.remove_from_roster(database, finance, rid, [d2]) == 1
    payroll.pay_roster(database, finance, rid, paid_date=PAID, bank_batch="B", today=TODAY)
    with pytest.raises(StateError, match="已发放或已作废"):
        payroll.remove_from_roster(database, finance, rid, [d1])
    with pytest.raises(Exception, match="不能修改"):
        database.execute("DELETE FROM payment_roster_rows WHERE roster_id = ?", [rid])
    other = payroll.create_roster(database, finance, "补发", own_fund(database), [d2])
    payroll.cancel_roster(database, finance, other, "名单有误")
    assert [p["decision_id"] for p in payroll.payable(database)] == [d2]


def test_returned_payment_is_a_reversal_and_the_decision_can_be_paid_again(database, finance, clerk, granted):
    _t, (h1, _h2), (d1, d2) = granted
    rid, posted = payroll.pay_decisions(database, finance, [d1, d2], own_fund(database), paid_date=PAID,
                                        bank_batch="B1", today=TODAY)
    red = payroll.return_payment(database, finance, posted.entry_ids[0], "账户已销户", today=TODAY)
    assert balance(database, own_fund(database)) == 1_000_000 - 80_000
    assert database.execute("SELECT count(*), sum(amount_fen) FROM assistance_records").fetchone() == (1, 80_000)
    lines = payroll.roster_lines(database, rid)
    assert lines[0]["returned_entry"] == red.entry_ids[0] and lines[1]["returned_entry"] is None
    again = payroll.payable(database)
    assert [(p["decision_id"], p["returned"]) for p in again] == [(d1, True)]
    draft = draft_from(register.get_household(database, h1))   # the clerk corrects the account in the editor
    draft.fields["bank_account"] = "6217000011112222333"
    register.update_household(database, clerk, h1, draft, today=TODAY)
    _rid2, posted2 = payroll.pay_decisions(database, finance, [d1], own_fund(database), paid_date=TODAY,
                                           bank_batch="B2", today=TODAY)
    assert payroll.ledger.voucher_detail(database, posted2.voucher_id)["lines"][0]["bank_account"] == "6217000011112222333"
    assert payroll.paid_net(database, d1) == 50_000
    assert stats.summary(database)["paid_total_fen"] == 130_000
    assert check.run(database) == []


def test_paid_roster_prints_through_the_roster_rows_and_takes_the_signed_scan(database, finance, granted, folder,
                                                                               tmp_path):
    _t, _h, (d1, d2) = granted
    rid, posted = payroll.pay_decisions(database, finance, [d1, d2], own_fund(database), paid_date=PAID,
                                        bank_batch="B1", today=TODAY)
    payroll.return_payment(database, finance, posted.entry_ids[1], "退回", today=TODAY)
    printed = rosters.roster_rows(database, payroll.roster_query(database, rid))
    assert [(r["name"], r["amount_fen"]) for r in printed] == [("张三", 50_000)]
    scan = tmp_path / "signed.jpg"
    scan.write_bytes(b"\xff\xd8 scan")
    payroll.attach_scan(database, finance, folder, rid, scan)
    atts = payroll.ledger.voucher_detail(database, posted.voucher_id)["attachments"]
    assert atts[0]["title"].startswith("签收花名册 HMC2026")


def test_check_flags_a_payment_without_an_approved_decision(database, finance, granted):
    _t, _h, (d1, _d2) = granted
    payroll.pay_decisions(database, finance, [d1], own_fund(database), paid_date=PAID, bank_batch="B", today=TODAY)
    database.execute("DROP TRIGGER decisions_frozen")
    database.execute("UPDATE decisions SET status = 'unpaid' WHERE id = ?", [d1])
    assert any("未登记为已发放" in f for f in check.run(database))
    database.execute("DELETE FROM assistance_records")
    assert any("没有对应的帮扶记录" in f for f in check.run(database))


def test_a_campaign_roster_paid_from_a_donation_earmarked_for_it(database, finance, admin):
    from helpdesk_gui.core.ledger import funds
    t = team(database)
    h1 = active_household(database, t, 123, name="张三")
    h2 = active_household(database, t, 125, name="李四")
    database.execute("INSERT INTO campaigns (name, year, project, rule, filters, status, created_by, created_at) "
                     "VALUES ('2026 金秋助学', 2026, '3', '{}', '{}', 'approved', 'clerk', '2026-08-01')")
    camp = database.execute("SELECT id FROM campaigns").fetchone()[0]
    d1 = raw_decision(database, h1, 300_000, project="3", campaign_id=camp)
    d2 = raw_decision(database, h2, 300_000, project="3")
    gift = funds.create_fund(database, admin, funds.FundDraft(name="某公司金秋助学捐款", source="6", restrict_projects=["3"],
                                                              restrict_campaign_id=camp, earmark="2026 金秋助学"))
    receive(database, gift, 10_000, kind="donation")
    assert [p["decision_id"] for p in payroll.payable(database, campaign_id=camp)] == [d1]
    with pytest.raises(StateError, match="指定用于帮扶活动"):
        payroll.create_roster(database, finance, "名单", gift, [d2])
    rid, _posted = payroll.pay_decisions(database, finance, [d1], gift, paid_date=PAID, bank_batch="B", today=TODAY)
    assert balance(database, gift) == 700_000
    assert check.run(database) == []


def test_bank_transfer_list_of_a_roster(database, finance, clerk, granted, tmp_path):
    """银行代发清单: full accounts and amounts for the bank, the total equal to the roster's; finance only, audited."""
    from openpyxl import load_workbook

    from helpdesk_gui.core.ledger import xlsx as ledger_xlsx
    _t, _h, (d1, d2) = granted
    roster_id, _posted = payroll.pay_decisions(database, finance, [d1, d2], own_fund(database), paid_date=PAID,
                                               bank_batch="NH1", title="5月生活救助", today=TODAY)
    with pytest.raises(PermissionDenied):
        ledger_xlsx.roster_bank_file(database, clerk, roster_id, tmp_path / "x.xlsx")
    n, total = ledger_xlsx.roster_bank_file(database, finance, roster_id, tmp_path / "代发.xlsx")
    assert (n, total) == (2, 130_000)
    ws = load_workbook(tmp_path / "代发.xlsx").active
    assert [ws.cell(r, 4).value for r in (4, 5)] == ["6228480123456789012", "6222020000000000001"]
    assert [ws.cell(r, 5).value for r in (4, 5, 6)] == [500, 800, 1300] and ws.cell(6, 1).value == "合计"
    assert audit.query(database, audit.AuditFilter(action="export_bank"))[0]["entity"] == "payment_roster"
