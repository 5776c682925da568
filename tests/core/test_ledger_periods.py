"""Closing (结账): months in order, a closed period takes no entries, the year after December,
reopening only by the admin with a reason (audited), closing balances carried and checked."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from test_ledger_kit import TODAY, own_fund, receive

from helpdesk_gui.core import check
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.ledger import periods
from helpdesk_gui.core.ledger import posting as ledger


def test_a_closed_month_takes_no_entries_in_the_core_or_the_schema(database, finance):
    fid = own_fund(database)
    receive(database, fid, 100, on=dt.date(2026, 3, 10))
    balances = periods.close_month(database, finance, "2026-03", today=TODAY)
    assert balances[str(fid)] == 10_000
    with pytest.raises(StateError, match="2026年3月已结账.*红字冲销"):
        receive(database, fid, 5, on=dt.date(2026, 3, 31))
    with pytest.raises(sqlite3.DatabaseError, match="该期间已结账"):
        database.execute("INSERT INTO ledger_entries (voucher_id, line, fund_id, entry_date, kind, amount_fen) "
                         "VALUES (1, 2, ?, '2026-03-15', 'interest', 5)", [fid])
    receive(database, fid, 5, on=dt.date(2026, 4, 1))
    assert check.run(database) == []


def test_a_reversal_of_a_closed_month_entry_goes_in_the_open_month(database, finance):
    fid = own_fund(database)
    first = receive(database, fid, 100, on=dt.date(2026, 3, 10))
    periods.close_month(database, finance, "2026-03", today=TODAY)
    with pytest.raises(StateError, match="已结账"):
        ledger.reverse(database, finance, first.voucher_id, "x", on=dt.date(2026, 3, 31), today=TODAY)
    red = ledger.reverse(database, finance, first.voucher_id, "重复入账", today=TODAY)
    assert ledger.voucher(database, red.voucher_id)["entry_date"] == TODAY.isoformat()


def test_months_close_in_order_and_only_after_they_end(database, finance):
    receive(database, own_fund(database), 100, on=dt.date(2026, 2, 10))
    with pytest.raises(StateError, match="2026年2月还没有结账"):
        periods.close_month(database, finance, "2026-03", today=TODAY)
    with pytest.raises(StateError, match="还没有结束"):
        periods.close_month(database, finance, "2026-06", today=TODAY)
    periods.close_month(database, finance, "2026-02", today=TODAY)
    with pytest.raises(StateError, match="已经结账"):
        periods.close_month(database, finance, "2026-02", today=TODAY)
    assert periods.next_to_close(database) == "2026-03"
    status = periods.year_status(database, 2026)
    assert [m.closed for m in status[:3]] == [False, True, False] and status[1].entries == 1


def test_year_closes_after_december(database, finance):
    fid = own_fund(database)
    receive(database, fid, 100, on=dt.date(2025, 11, 3))
    today = dt.date(2026, 2, 1)
    with pytest.raises(StateError, match="2025年1月还没有结账|须先结完"):
        periods.close_year(database, finance, 2025, today=today)
    periods.close_month(database, finance, "2025-11", today=today)
    periods.close_month(database, finance, "2025-12", today=today)
    periods.close_year(database, finance, 2025, today=today)
    assert periods.is_closed(database, "2025")
    assert json.loads(database.execute("SELECT balances FROM ledger_periods WHERE period = '2025'").fetchone()[0])[
        str(fid)] == 10_000


def test_only_the_admin_reopens_with_a_reason_and_later_periods_reopen_too(database, finance, admin):
    fid = own_fund(database)
    receive(database, fid, 100, on=dt.date(2026, 3, 10))
    for p in ("2026-03", "2026-04", "2026-05"):
        periods.close_month(database, finance, p, today=TODAY)
    with pytest.raises(PermissionDenied, match="反结账"):
        periods.reopen(database, finance, "2026-04", "补记")
    with pytest.raises(ValidationError, match="反结账原因"):
        periods.reopen(database, admin, "2026-04", " ")
    assert periods.reopen(database, admin, "2026-04", "补记漏记的利息") == ["2026-05", "2026-04"]
    assert periods.is_closed(database, "2026-03") and not periods.is_closed(database, "2026-05")
    receive(database, fid, 1, on=dt.date(2026, 4, 30), kind="interest")
    periods.close_month(database, finance, "2026-04", today=TODAY)
    log = [(r["period"], r["action"], r["reason"]) for r in periods.log(database)]
    assert ("2026-04", "reopen", "补记漏记的利息") in log and log[0] == ("2026-04", "close", "")
    assert [r["entity_id"] for r in audit.query(database, audit.AuditFilter(action="reopen"))] == ["2026-04", "2026-05"]
    assert check.run(database) == []


def test_check_notices_an_entry_slipped_into_a_closed_period(database, finance):
    fid = own_fund(database)
    receive(database, fid, 100, on=dt.date(2026, 3, 10))
    periods.close_month(database, finance, "2026-03", today=TODAY)
    database.execute("DROP TRIGGER ledger_entries_open_period")
    database.execute("INSERT INTO vouchers (year, seq, voucher_no, kind, entry_date, summary, posted_by, posted_at) "
                     "VALUES (2026, 2, '2026-0002', 'receipt', '2026-03-20', '补记', 'finance', '2099-01-01T00:00:00+08:00')")
    database.execute("INSERT INTO ledger_entries (voucher_id, line, fund_id, entry_date, kind, amount_fen) "
                     "VALUES (2, 1, ?, '2026-03-20', 'interest', 7)", [fid])
    failures = "\n".join(check.run(database))
    assert "2026年3月已结账，但凭证 2026-0002 是结账之后记入该期间的" in failures
    assert "已结账期间的账目被改动" in failures
