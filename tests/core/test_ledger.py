"""The fund ledger: funds, receipts, transfers, reversals, voucher numbers, overdraw, append-only entries."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from test_ledger_kit import TODAY, balance, finance_actor, fund_id, own_fund, receive

from helpdesk_gui.core import check
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.reports import stats
from helpdesk_gui.core.sync import allocations

CORE = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "core"


def test_default_funds_cover_every_source_and_the_ten_purpose_funds(database):
    book = codes.load(database)
    rows = funds.list_funds(database)
    assert {r["source"] for r in rows} == {i.code for i in book.items("fund_source")}
    purposes = {book.label("fund_purpose", r["purpose"]) for r in rows if r["purpose"]}
    assert {"大病救助金", "创业周转金", "中小学助学金", "大学助学金", "法律援助金", "租赁住房救助金"} <= purposes
    revolving = [r["name"] for r in rows if r["kind"] == "revolving"]
    assert revolving == ["创业周转金"]
    central = funds.get(database, fund_id(database, "中央财政帮扶资金"))
    assert "深度困难" in funds.restrictions_text(book, central)


def test_receipt_posts_a_numbered_voucher_and_moves_the_balance(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    fid = own_fund(database)
    posted = receive(database, fid, 12_345)
    assert posted.voucher_no == "2026-0001"
    assert balance(database, fid) == 1_234_500
    v = ledger.voucher_detail(database, posted.voucher_id)
    assert v["ref_no"] == "县工发〔2026〕1号" and v["entry_date"] == "2026-04-01"
    assert [(ln["kind"], ln["amount_fen"]) for ln in v["lines"]] == [("allocation", 1_234_500)]
    last = audit.query(database, audit.AuditFilter(entity="voucher"))[0]
    assert last["entity_id"] == "2026-0001" and last["username"] == "finance"


def test_receipt_needs_its_reference_and_donor(database, finance):
    fid = own_fund(database)
    with pytest.raises(ValidationError, match="拨款文号"):
        ledger.post_receipt(database, finance, fid, 100, "allocation", "拨款", today=TODAY)
    with pytest.raises(ValidationError, match="捐赠人"):
        ledger.post_receipt(database, finance, fid, 100, "donation", "一日捐", today=TODAY)
    with pytest.raises(ValidationError, match="应大于 0"):
        ledger.post_receipt(database, finance, fid, 0, "interest", "利息", today=TODAY)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        ledger.post_receipt(database, finance, fid, 100, "interest", "利息", on=TODAY + dt.timedelta(days=1),
                            today=TODAY)
    assert database.execute("SELECT count(*) FROM vouchers").fetchone()[0] == 0


def test_clerk_and_approver_do_not_post(database, clerk, approver):
    for actor in (clerk, approver):
        with pytest.raises(PermissionDenied, match="记账"):
            ledger.post_receipt(database, actor, own_fund(database), 100, "interest", "利息", today=TODAY)


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entries SET amount_fen = 1 WHERE id = 1",
    "UPDATE ledger_entries SET entry_date = '2026-01-01'",
    "DELETE FROM ledger_entries WHERE id = 1",
    "UPDATE vouchers SET summary = '改过' WHERE id = 1",
    "DELETE FROM vouchers",
])
def test_posted_entries_cannot_be_changed_or_deleted_through_raw_sql(database, finance, sql):
    receive(database, own_fund(database), 100)
    with pytest.raises(sqlite3.DatabaseError, match="不能(修改|删除)"):
        database.execute(sql)
    assert database.execute("SELECT amount_fen, entry_date FROM ledger_entries").fetchall() == [(10_000, "2026-04-01")]
    assert check.run(database) == []


def test_the_core_has_no_way_to_change_an_entry():
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORE.rglob("*.py")
                     if "migrations" not in p.parts)
    assert not re.search(r"(UPDATE|DELETE FROM)\s+(ledger_entries|vouchers|voucher_attachments|loans)\b", text)


def test_voucher_numbers_are_consecutive_per_year_and_never_reused(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    finance = finance_actor(database)
    fid = own_fund(database)
    receive(database, fid, 100, on=dt.date(2025, 12, 30))
    receive(database, fid, 100, on=dt.date(2026, 1, 5))
    with pytest.raises(ledger.OverdrawError):
        ledger.post_transfer(database, finance, fid, fund_id(database, "大病救助金"), 10**9, "调拨", today=TODAY)
    receive(database, fid, 100, on=dt.date(2026, 1, 6))
    ledger.reverse(database, finance, 3, "金额有误", today=TODAY)
    nos = [r[0] for r in database.execute("SELECT voucher_no FROM vouchers ORDER BY id")]
    assert nos == ["2025-0001", "2026-0001", "2026-0002", "2026-0003"]


def test_two_desks_posting_at_once_leave_no_gap_and_no_duplicate(engine_database):
    """Two connections (two desks) post receipts at the same moment: on a server the year's serial row makes
    them take turns, on a file SQLite's single writer does; the numbers run 1..N either way."""
    import threading

    from helpdesk_gui.core import db as dbm
    fid, each = own_fund(engine_database), 8
    desks = [engine_database, dbm.reopen(engine_database)]
    start, errors = threading.Barrier(len(desks)), []

    def desk(db) -> None:
        try:
            start.wait()
            for _ in range(each):
                receive(db, fid, 1)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)
    threads = [threading.Thread(target=desk, args=(db,)) for db in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dbm.close(desks[1])
    assert errors == []
    seqs = [int(r[0]) for r in engine_database.execute("SELECT seq FROM vouchers WHERE year = 2026 ORDER BY seq")]
    assert seqs == list(range(1, 2 * each + 1))
    assert balance(engine_database, fid) == 2 * each * 100

def test_the_schema_refuses_a_gap_or_a_duplicate_voucher_number(database, finance):
    receive(database, own_fund(database), 100)
    insert = ("INSERT INTO vouchers (year, seq, voucher_no, kind, entry_date, summary, posted_by, posted_at) "
              "VALUES (2026, ?, ?, 'receipt', '2026-04-02', 'x', 'finance', '2026-04-02T10:00:00+08:00')")
    with pytest.raises(sqlite3.DatabaseError, match="连续编号"):
        database.execute(insert, [3, "2026-0003"])
    with pytest.raises(sqlite3.DatabaseError):
        database.execute(insert, [1, "2026-0001b"])


def test_a_payment_that_would_overdraw_is_refused_showing_the_balance(engine_database):
    database = engine_database   # on SQLite, then on PostgreSQL
    finance = finance_actor(database)
    fid, target = own_fund(database), fund_id(database, "大病救助金")
    receive(database, fid, 1_000)
    with pytest.raises(ledger.OverdrawError, match=r"余额 1,000.00 元，本次支出 1,500.00 元.*差 500.00 元"):
        ledger.post_transfer(database, finance, fid, target, 150_000, "调拨", today=TODAY)
    assert balance(database, fid) == 100_000 and balance(database, target) == 0


def test_a_back_dated_payment_cannot_make_an_earlier_day_negative(database, finance):
    fid, target = own_fund(database), fund_id(database, "大病救助金")
    receive(database, fid, 1_000, on=dt.date(2026, 5, 10))
    with pytest.raises(ledger.OverdrawError, match="2026-05-01 当日"):
        ledger.post_transfer(database, finance, fid, target, 50_000, "调拨", on=dt.date(2026, 5, 1), today=TODAY)
    ledger.post_transfer(database, finance, fid, target, 50_000, "调拨", on=dt.date(2026, 5, 10), today=TODAY)
    assert check.run(database) == []


def test_the_database_itself_refuses_an_overdraw(database, finance):
    receive(database, own_fund(database), 1)
    with pytest.raises(sqlite3.IntegrityError):
        database.execute("INSERT INTO ledger_entries (voucher_id, line, fund_id, entry_date, kind, amount_fen) "
                         "VALUES (1, 2, ?, '2026-04-01', 'transfer_out', -1000)", [own_fund(database)])


def test_transfer_moves_money_and_keeps_earmarked_money_earmarked(database, finance):
    own, medical, central = own_fund(database), fund_id(database, "大病救助金"), fund_id(database, "中央财政帮扶资金")
    receive(database, own, 5_000)
    receive(database, central, 5_000)
    posted = ledger.post_transfer(database, finance, own, medical, 200_000, "补充大病救助金", today=TODAY)
    assert balance(database, own) == 300_000 and balance(database, medical) == 200_000
    assert len(posted.entry_ids) == 2
    with pytest.raises(StateError, match="限定了困难类别"):
        ledger.post_transfer(database, finance, central, own, 100, "挪用", today=TODAY)
    with pytest.raises(StateError, match="范围更宽"):
        ledger.post_transfer(database, finance, medical, own, 100, "调回", today=TODAY)
    with pytest.raises(StateError, match="周转金"):
        ledger.post_transfer(database, finance, fund_id(database, "创业周转金"), own, 100, "调回", today=TODAY)


def test_reversal_negates_the_entry_once_and_shows_what_it_reversed(database, finance):
    fid = own_fund(database)
    first = receive(database, fid, 800)
    red = ledger.reverse(database, finance, first.voucher_id, "拨款文号填错", today=TODAY)
    assert balance(database, fid) == 0
    v = ledger.voucher_detail(database, red.voucher_id)
    assert v["kind"] == "reversal" and v["reverses_no"] == first.voucher_no and v["reason"] == "拨款文号填错"
    assert v["lines"][0]["amount_fen"] == -80_000 and v["lines"][0]["reverses_id"] == first.entry_ids[0]
    original = ledger.voucher_detail(database, first.voucher_id)
    assert original["lines"][0]["reversed_by_no"] == red.voucher_no
    with pytest.raises(StateError, match="没有可以冲销"):
        ledger.reverse(database, finance, first.voucher_id, "再冲一次", today=TODAY)
    with pytest.raises(StateError, match="没有可以冲销"):
        ledger.reverse(database, finance, red.voucher_id, "冲销冲销", today=TODAY)
    with pytest.raises(ValidationError, match="冲销原因"):
        ledger.reverse(database, finance, first.voucher_id, " ", today=TODAY)
    assert check.run(database) == []


def test_reversing_a_receipt_already_spent_is_refused(database, finance):
    own, medical = own_fund(database), fund_id(database, "大病救助金")
    first = receive(database, own, 100)
    ledger.post_transfer(database, finance, own, medical, 6_000, "调拨", today=TODAY)
    with pytest.raises(ledger.OverdrawError, match="余额不足"):
        ledger.reverse(database, finance, first.voucher_id, "冲销", today=TODAY)


def test_reversing_a_transfer_line_reverses_both_lines(database, finance):
    own, medical = own_fund(database), fund_id(database, "大病救助金")
    receive(database, own, 100)
    t = ledger.post_transfer(database, finance, own, medical, 6_000, "调拨", today=TODAY)
    red = ledger.reverse(database, finance, t.voucher_id, "调错了", entry_ids=[t.entry_ids[1]], today=TODAY)
    assert len(red.entry_ids) == 2
    assert balance(database, own) == 10_000 and balance(database, medical) == 0


def test_an_inactive_fund_takes_no_entries_and_one_with_money_cannot_be_stopped(database, finance, admin):
    fid = fund_id(database, "其他资金")
    draft = funds.draft_of(funds.get(database, fid))
    receive(database, fid, 10)
    draft.active = False
    with pytest.raises(StateError, match="还有余额"):
        funds.update_fund(database, admin, fid, draft)
    other = funds.create_fund(database, admin, funds.FundDraft(name="某公司捐赠助学款", source="6", earmark="2026 金秋助学",
                                                               restrict_projects=["3"]))
    d2 = funds.draft_of(funds.get(database, other))
    d2.active = False
    funds.update_fund(database, admin, other, d2)
    with pytest.raises(StateError, match="已停用"):
        receive(database, other, 10, kind="donation")


def test_fund_source_cannot_change_once_it_has_entries(database, finance, admin):
    fid = fund_id(database, "其他资金")
    receive(database, fid, 10)
    draft = funds.draft_of(funds.get(database, fid))
    draft.source = "5"
    with pytest.raises(StateError, match="不能再修改资金来源"):
        funds.update_fund(database, admin, fid, draft)
    draft.source = "9"
    draft.bank_account = "6228 4801 2345"
    funds.update_fund(database, admin, fid, draft)
    assert funds.get(database, fid)["bank_account"] == "622848012345"


def test_stats_lists_fund_balances_by_source(database, finance):
    receive(database, own_fund(database), 300)
    receive(database, fund_id(database, "大病救助金"), 200)
    s = stats.summary(database)
    by_source = {f["source"]: f["balance_fen"] for f in s["funds"]}
    assert by_source["本级工会经费"] == 50_000 and by_source["中央财政"] == 0
    assert {"name": "大病救助金", "source": "本级工会经费", "balance_fen": 20_000} in s["fund_accounts"]


def test_check_finds_a_tampered_ledger(database, finance):
    fid = own_fund(database)
    receive(database, fid, 100)
    receive(database, fid, 100)
    database.execute("DROP TRIGGER ledger_entries_no_update")
    database.execute("UPDATE ledger_entries SET amount_fen = 5 WHERE id = 2")
    database.execute("DROP TRIGGER vouchers_no_delete")
    database.execute("DROP TRIGGER ledger_entries_no_delete")
    database.execute("DELETE FROM ledger_entries WHERE voucher_id = 1")
    database.execute("DELETE FROM vouchers WHERE id = 1")
    failures = "\n".join(check.run(database))
    assert "与分录合计" in failures
    assert "凭证号不连续，缺少：2026-0001" in failures


def test_attach_a_scan_to_a_voucher(database, finance, folder, tmp_path):
    posted = receive(database, own_fund(database), 100)
    scan = tmp_path / "拨款通知.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    ledger.attach(database, finance, folder, posted.voucher_id, scan, "拨款通知")
    atts = ledger.voucher_detail(database, posted.voucher_id)["attachments"]
    assert [a["title"] for a in atts] == ["拨款通知"]
    assert (folder / atts[0]["file_name"]).read_bytes() == b"%PDF-1.4 scan"
    with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        database.execute("DELETE FROM voucher_attachments")


def test_allocation_from_the_city_posts_as_a_receipt_once(database, finance):
    database.execute("INSERT INTO exchange_allocations (batch_id, sender_code, region_code, year, fund_source, amount_fen, "
                     "dibao_month_fen, received_at) VALUES ('b-1', '530100', '530122', 2026, '1', 3000000, 70000, "
                     "'2026-03-01T10:00:00+08:00')")
    assert len(allocations.unposted_allocations(database)) == 1
    posted = allocations.post_allocation(database, finance, 1, today=TODAY)
    assert balance(database, fund_id(database, "中央财政帮扶资金")) == 3_000_000
    a = database.execute("SELECT posted_ref FROM exchange_allocations").fetchone()
    assert a[0] == posted.voucher_no
    assert allocations.unposted_allocations(database) == []
    with pytest.raises(StateError, match="已入账"):
        allocations.post_allocation(database, finance, 1, today=TODAY)
    assert finance_actor(database).username == "finance"
