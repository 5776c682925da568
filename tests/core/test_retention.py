"""Archives past their retention period can be de-identified by an admin; payments stay."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import retention
from helpdesk_gui.core.base.errors import PermissionDenied
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import search


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then on a PostgreSQL server."""
    return engine_database


def test_only_old_closed_archives_are_cleared_and_payments_stay(database, admin, clerk):
    demo.generate(database, auth.SYSTEM, 120, seed=8)
    today = dt.date.today()
    old, recent = database.execute(
        "SELECT id FROM households WHERE status IN ('exited', 'cancelled') ORDER BY id LIMIT 2").fetchall()
    database.execute("UPDATE households SET exit_date = ? WHERE id = ?",
                     [(today - dt.timedelta(days=365 * 11)).isoformat(), old[0]])
    database.execute("UPDATE households SET exit_date = ? WHERE id = ?",
                     [(today - dt.timedelta(days=365 * 2)).isoformat(), recent[0]])
    database.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                     "amount_fen, paid_date, method, created_at) VALUES ('530122', 'T1', ?, '1', '5', 50000, "
                     "'2014-01-01', '2', 'x')", [old[0]])
    due = [r["id"] for r in retention.due(database)]
    assert old[0] in due and recent[0] not in due
    name, idn = database.execute("SELECT name, id_number FROM households WHERE id = ?", [old[0]]).fetchone()
    with pytest.raises(PermissionDenied):
        retention.deidentify(database, clerk, [old[0]])
    assert retention.deidentify(database, admin, [old[0], recent[0]]) == 1
    h = database.execute("SELECT name, id_number, phone, address, bank_account FROM households WHERE id = ?",
                         [old[0]]).fetchone()
    assert h == (retention.PURGED_NAME, "", "", "", "")
    assert database.execute("SELECT count(*) FROM members WHERE household_id = ?", [old[0]]).fetchone()[0] == 0
    assert database.execute("SELECT amount_fen FROM assistance_records WHERE record_no = 'T1'").fetchone()[0] == 50000
    assert old[0] not in search.search_ids(database, idn[-6:]) and old[0] not in search.search_ids(database, name)
    assert retention.due(database) == [r for r in retention.due(database) if r["id"] != old[0]]
