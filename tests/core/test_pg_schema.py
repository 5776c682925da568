"""The PostgreSQL schema is the SQLite one: same tables and columns, triggers that refuse the same
statements with the same message, and a copy of a filled SQLite database that loses nothing."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg")

from helpdesk_gui.core.base.errors import DatabaseRefused  # noqa: E402
from helpdesk_gui.core.db import pg  # noqa: E402
from helpdesk_gui.core.migrations import SCHEMA_VERSION  # noqa: E402

ADMIN_PASSWORD = "admin1234"


@pytest.fixture(scope="module")
def fresh_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh SQLite database as the program creates it."""
    from helpdesk_gui.core.db import close, open_db
    path = tmp_path_factory.mktemp("fresh") / "helpdesk.db"
    close(open_db(path, create=True))
    return path


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised database (users, settings, a sealed audit trail) with 300 demo households and
    everything the demo writes with them (workflow, ledger, reception, mutual aid). Never written by
    a test: each test that changes rows works on its own copy."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.db import close
    from helpdesk_gui.core.demo import households as demo
    path = tmp_path_factory.mktemp("demo") / "helpdesk.db"
    db = setup.initialise(path, "530122", "某某县总工会", ADMIN_PASSWORD)
    demo.generate(db, auth.SYSTEM, 300, seed=1)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    close(db)
    return path


@pytest.fixture
def lite(demo_sqlite: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A private copy of the demo database, opened like the program opens it (foreign keys on, autocommit)."""
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(demo_sqlite)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


@pytest.fixture
def pgconn(pg_url: str) -> Iterator[Any]:
    conn = psycopg.connect(pg_url, autocommit=True)
    yield conn
    conn.close()


@pytest.fixture
def both(lite: sqlite3.Connection, pgconn: Any) -> tuple[sqlite3.Connection, Any]:
    """The demo database on SQLite and its copy on PostgreSQL."""
    pg.create_schema(pgconn)
    pg.copy_from_sqlite(lite, pgconn)
    return lite, pgconn


def refusal(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> str:
    """Run ``sql`` (SQLite ``?`` placeholders) expecting a refusal; return its message."""
    if isinstance(conn, sqlite3.Connection):
        with pytest.raises(sqlite3.IntegrityError) as lite_err:
            conn.execute(sql, params)
        return str(lite_err.value)
    with pytest.raises(psycopg.IntegrityError) as pg_err, conn.transaction():
        conn.execute(sql.replace("?", "%s"), params)
    return str(pg_err.value.diag.message_primary)


def same_refusal(both: tuple[sqlite3.Connection, Any], sql: str, params: tuple[Any, ...] = (),
                 expected: str | None = None) -> None:
    lite, conn = both
    on_lite, on_pg = refusal(lite, sql, params), refusal(conn, sql, params)
    assert on_pg == on_lite
    if expected is not None:
        assert on_lite == expected


def one(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, params).fetchone()
    return conn.execute(sql.replace("?", "%s"), params).fetchone()


# --- structure -------------------------------------------------------------------------------------

def test_same_tables_and_columns(fresh_sqlite: Path, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    lite = sqlite3.connect(fresh_sqlite)
    on_lite = pg.sqlite_columns(lite)
    on_pg = {t: [c for c, _ in cols] for t, cols in pg.pg_columns(pgconn).items()}
    assert sorted(on_pg) == sorted(on_lite) == sorted(pg.tables())
    for table, columns in on_lite.items():
        assert on_pg[table] == columns, table


def test_same_triggers_and_indexes(fresh_sqlite: Path, pgconn: Any) -> None:
    """Every SQLite trigger has a PostgreSQL one of the same name (the FTS5 ones excepted), and every
    named index exists, plus the address index that replaces FTS5."""
    pg.create_schema(pgconn)
    lite = sqlite3.connect(fresh_sqlite)
    lite_triggers = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                     if not r[0].startswith("households_fts")}
    pg_triggers = {r[0] for r in pgconn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert pg_triggers == lite_triggers
    lite_indexes = {r[0] for r in lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name <> '_sqlite_migrations'")}
    pg_indexes = {r[0] for r in pgconn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
    assert lite_indexes <= pg_indexes
    assert pg_indexes & {"ix_households_address_trgm", "ix_households_address"}


def test_trigram_index_when_pg_trgm_is_there(pgconn: Any) -> None:
    available = pgconn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").fetchone()
    if available is None:
        pytest.skip("pg_trgm 不可用")
    pg.create_schema(pgconn)
    assert pgconn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_households_address_trgm'").fetchone()


def test_same_messages_in_every_refusing_trigger(fresh_sqlite: Path, pgconn: Any) -> None:
    """The Chinese text of each RAISE(ABORT, …) is in the PostgreSQL trigger of the same name."""
    pg.create_schema(pgconn)
    lite = sqlite3.connect(fresh_sqlite)
    body = {str(name): str(src) for name, src in pgconn.execute(
        "SELECT t.tgname, pg_get_triggerdef(t.oid) || p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal")}
    messages = 0
    for name, sql in lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"):
        m = re.search(r"RAISE\(ABORT, '([^']*)'\)", sql)
        if m:
            messages += 1
            assert m.group(1) in body[name], name
    assert messages > 40


def test_fresh_schema_has_the_seed_rows_of_sqlite(fresh_sqlite: Path, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    lite = sqlite3.connect(fresh_sqlite)
    assert pg.table_counts(pgconn) == pg.sqlite_counts(lite)
    for table, key in [("code_lists", "list, code"), ("code_aliases", "list, alias"), ("cap_rules", "project, category"),
                       ("holidays", "day"), ("fund_balances", "fund_id")]:
        sql = f"SELECT * FROM {table} ORDER BY {key}"
        assert [tuple(r) for r in pgconn.execute(sql)] == lite.execute(sql).fetchall(), table
    sql = "SELECT id, name, source, purpose, kind, restrict_projects, ord FROM funds ORDER BY id"
    assert [tuple(r) for r in pgconn.execute(sql)] == lite.execute(sql).fetchall()


def test_schema_version(pgconn: Any) -> None:
    pg.create_schema(pgconn)
    assert pg.schema_version(pgconn) == SCHEMA_VERSION


def test_create_refuses_a_database_with_our_tables(pgconn: Any) -> None:
    pg.create_schema(pgconn)
    with pytest.raises(DatabaseRefused, match="已有帮扶中心工作台的数据表"):
        pg.create_schema(pgconn)
    assert pg.schema_version(pgconn) == SCHEMA_VERSION


def test_create_is_all_or_nothing(pgconn: Any) -> None:
    pgconn.execute("CREATE FUNCTION hd_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
    with pytest.raises(psycopg.errors.DuplicateFunction):
        pg.create_schema(pgconn)
    assert pg.existing_tables(pgconn) == []


def test_create_refuses_a_schema_file_behind_the_migrations(pgconn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(DatabaseRefused, match="不一致"):
        pg.create_schema(pgconn)
    assert pg.existing_tables(pgconn) == []


# --- triggers, at the level a user notices ------------------------------------------------------

def test_posted_ledger_entries_and_vouchers_cannot_change(both: tuple[sqlite3.Connection, Any]) -> None:
    entry = one(both[0], "SELECT id, voucher_id FROM ledger_entries ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE ledger_entries SET memo = 'x' WHERE id = ?", (entry[0],),
                 "已记账的分录不能修改，请用红字冲销更正")
    same_refusal(both, "DELETE FROM ledger_entries WHERE id = ?", (entry[0],), "已记账的分录不能删除，请用红字冲销更正")
    same_refusal(both, "UPDATE vouchers SET summary = 'x' WHERE id = ?", (entry[1],), "已记账的凭证不能修改，请用红字冲销更正")
    same_refusal(both, "DELETE FROM vouchers WHERE id = ?", (entry[1],), "已记账的凭证不能删除，请用红字冲销更正")


def test_voucher_numbers_are_consecutive(both: tuple[sqlite3.Connection, Any]) -> None:
    year, seq = one(both[0], "SELECT year, max(seq) FROM vouchers GROUP BY year ORDER BY year DESC LIMIT 1")
    same_refusal(both, "INSERT INTO vouchers (year, seq, voucher_no, kind, entry_date, summary, posted_by, posted_at) "
                       "VALUES (?, ?, 'X-1', 'receipt', ?, 's', 'u', 't')", (year, seq + 2, f"{year}-12-31"),
                 "凭证号必须按年度连续编号，不能跳号或重复")


def test_closed_period_takes_no_entries_and_balances_follow_entries(both: tuple[sqlite3.Connection, Any]) -> None:
    lite, conn = both
    start, end = one(lite, "SELECT start_date, end_date FROM ledger_periods WHERE kind = 'month' ORDER BY start_date LIMIT 1")
    fund = one(lite, "SELECT id FROM funds WHERE name = '本级工会帮扶经费'")[0]
    outcome = {}
    for side in both:
        year, seq = one(side, "SELECT year, max(seq) FROM vouchers WHERE year = ? GROUP BY year", (int(start[:4]),))
        one(side, "INSERT INTO vouchers (year, seq, voucher_no, kind, entry_date, summary, posted_by, posted_at) "
                  "VALUES (?, ?, 'T-1', 'receipt', ?, 's', 'u', 't') RETURNING id", (year, seq + 1, end))
        voucher = one(side, "SELECT id FROM vouchers WHERE voucher_no = 'T-1'")[0]
        entry = ("INSERT INTO ledger_entries (voucher_id, line, fund_id, entry_date, kind, amount_fen) "
                 "VALUES (?, 1, ?, ?, 'donation', 500)")
        outcome[side is lite] = refusal(side, entry, (voucher, fund, end))
        before = one(side, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", (fund,))[0]
        one(side, entry.replace("line, ", "line, memo, ").replace("VALUES (?, 1, ", "VALUES (?, 2, 'open', ")
            + " RETURNING id", (voucher, fund, "2999-01-01"))
        assert one(side, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", (fund,))[0] == before + 500
    assert outcome[True] == outcome[False] == "该期间已结账，不能再记入凭证"


def test_new_fund_gets_its_balance_row_and_funds_are_never_deleted(both: tuple[sqlite3.Connection, Any]) -> None:
    for side in both:
        one(side, "INSERT INTO funds (name, source, created_by, created_at) VALUES ('新资金', '5', 'u', 't') RETURNING id")
        fid = one(side, "SELECT id FROM funds WHERE name = '新资金'")[0]
        assert one(side, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", (fid,)) == (0,)
    same_refusal(both, "DELETE FROM funds WHERE name = '新资金'", (), "资金不能删除，不再使用的资金请停用")


def test_audit_rows_refuse_update_and_delete(both: tuple[sqlite3.Connection, Any]) -> None:
    audit_id = one(both[0], "SELECT min(id) FROM audit_log")[0]
    same_refusal(both, "DELETE FROM audit_log WHERE id = ?", (audit_id,), "审计日志只能追加，不能删除")
    same_refusal(both, "UPDATE audit_log SET username = 'x' WHERE id = ?", (audit_id,), "审计日志只能追加，不能修改")
    seal = one(both[0], "SELECT audit_id, household_id FROM audit_households LIMIT 1")
    same_refusal(both, "DELETE FROM audit_households WHERE audit_id = ? AND household_id = ?", seal,
                 "审计日志只能追加，不能删除")
    same_refusal(both, "UPDATE audit_households SET mac = 'x' WHERE audit_id = ? AND household_id = ?", seal,
                 "审计日志只能追加，不能修改")


def test_household_version_rises_with_every_update(both: tuple[sqlite3.Connection, Any]) -> None:
    for side in both:
        hid, version = one(side, "SELECT id, version FROM households ORDER BY id LIMIT 1")
        one(side, "UPDATE households SET remarks = 'a' WHERE id = ? RETURNING id", (hid,))
        assert one(side, "SELECT version FROM households WHERE id = ?", (hid,)) == (version + 1,)
        # a writer that raises the version itself is not raised twice
        one(side, "UPDATE households SET remarks = 'b', version = version + 1 WHERE id = ? RETURNING id", (hid,))
        assert one(side, "SELECT version FROM households WHERE id = ?", (hid,)) == (version + 2,)


def test_append_only_workflow_records(both: tuple[sqlite3.Connection, Any]) -> None:
    step = one(both[0], "SELECT min(id) FROM application_steps")[0]
    same_refusal(both, "UPDATE application_steps SET opinion = 'x' WHERE id = ?", (step,), "办理记录只能追加，不能修改")
    same_refusal(both, "DELETE FROM application_steps WHERE id = ?", (step,), "办理记录只能追加，不能删除")
    objection = one(both[0], "SELECT min(id) FROM objections")[0]
    same_refusal(both, "DELETE FROM objections WHERE id = ?", (objection,), "异议登记不能删除")
    decision = one(both[0], "SELECT min(id) FROM decisions")[0]
    same_refusal(both, "UPDATE decisions SET snapshot = '{}' WHERE id = ?", (decision,),
                 "审批决定及其快照不能修改（已发放的决定也不能再改状态）")
    same_refusal(both, "DELETE FROM decisions WHERE id = ?", (decision,), "审批决定不能删除")


def test_decision_payment_status_may_move_until_paid(both: tuple[sqlite3.Connection, Any]) -> None:
    unpaid = one(both[0], "SELECT id FROM decisions WHERE status = 'unpaid' ORDER BY id LIMIT 1")
    paid = one(both[0], "SELECT id FROM decisions WHERE status = 'paid' ORDER BY id LIMIT 1")
    assert unpaid and paid
    for side in both:
        one(side, "UPDATE decisions SET paid_ref = 'r' WHERE id = ? RETURNING id", unpaid)
    same_refusal(both, "UPDATE decisions SET paid_ref = 'r' WHERE id = ?", paid)


def test_handled_objection_is_fixed(both: tuple[sqlite3.Connection, Any]) -> None:
    handled = one(both[0], "SELECT id FROM objections WHERE result IS NOT NULL ORDER BY id LIMIT 1")
    assert handled
    same_refusal(both, "UPDATE objections SET handling = 'again' WHERE id = ?", handled, "异议已处理，处理结果不能修改")
    open_one = one(both[0], "SELECT id FROM objections WHERE result IS NULL ORDER BY id LIMIT 1")
    if open_one:
        for side in both:
            one(side, "UPDATE objections SET result = '1', handling = 'h' WHERE id = ? RETURNING id", open_one)


def test_exchange_records(both: tuple[sqlite3.Connection, Any]) -> None:
    same_refusal(both, "UPDATE exchange_allocations SET amount_fen = 1", (), "收到的下拨资金记录不能修改")
    same_refusal(both, "DELETE FROM exchange_allocations", (), "收到的下拨资金记录不能删除")
    for side in both:  # the posting columns may still be written
        one(side, "UPDATE exchange_allocations SET posted_ref = 'p' RETURNING id")
    for side in both:
        one(side, "INSERT INTO exchange_batches (batch_id, direction, exchanged_at, result, by_user) "
                  "VALUES ('b1', 'in', 't', 'imported', 'u') RETURNING id")
    same_refusal(both, "UPDATE exchange_batches SET file_name = 'x'", (), "交换批次记录只能追加，不能修改")
    same_refusal(both, "DELETE FROM exchange_batches", (), "交换批次记录只能追加，不能删除")


def test_rosters_loans_periods_and_attachments(both: tuple[sqlite3.Connection, Any]) -> None:
    paid = one(both[0], "SELECT id FROM payment_rosters WHERE status = 'paid' ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE payment_rosters SET note = 'x' WHERE id = ?", paid, "已发放或已作废的花名册不能修改")
    same_refusal(both, "DELETE FROM payment_rosters WHERE id = ?", paid, "花名册不能删除，不用的花名册请作废")
    same_refusal(both, "UPDATE payment_roster_rows SET amount_fen = amount_fen + 1 WHERE roster_id = ?", paid,
                 "已发放或已作废的花名册不能修改")
    same_refusal(both, "DELETE FROM payment_roster_rows WHERE roster_id = ?", paid, "已发放或已作废的花名册不能修改")
    same_refusal(both, "UPDATE loans SET purpose = 'x'", (), "周转金借款登记不能修改")
    same_refusal(both, "DELETE FROM loans", (), "周转金借款登记不能删除")
    same_refusal(both, "UPDATE loan_schedule SET due_date = 'x'", (), "还款计划不能修改")
    same_refusal(both, "DELETE FROM loan_schedule", (), "还款计划不能删除")
    same_refusal(both, "UPDATE ledger_period_log SET reason = 'x'", (), "结账记录只能追加，不能修改")
    same_refusal(both, "DELETE FROM ledger_period_log", (), "结账记录只能追加，不能删除")
    voucher = one(both[0], "SELECT min(id) FROM vouchers")
    for side in both:
        one(side, "INSERT INTO voucher_attachments (voucher_id, title, file_name, sha256, added_at, added_by) "
                  "VALUES (?, 't', 'f', 's', 'a', 'u') RETURNING id", voucher)
    same_refusal(both, "UPDATE voucher_attachments SET title = 'x'", (), "凭证附件只能追加，不能修改")
    same_refusal(both, "DELETE FROM voucher_attachments", (), "凭证附件只能追加，不能删除")


def test_reception_and_service_cases(both: tuple[sqlite3.Connection, Any]) -> None:
    closed = one(both[0], "SELECT id FROM reception_entries WHERE status = 'closed' ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE reception_entries SET result = 'other' WHERE id = ?", closed,
                 "已办结的接待登记不能修改办理结果和日期")
    for side in both:  # other columns of a closed entry may change
        one(side, "UPDATE reception_entries SET visitor_phone = '1' WHERE id = ? RETURNING id", closed)
    same_refusal(both, "DELETE FROM reception_entries WHERE id = ?", closed, "接待登记不能删除")
    same_refusal(both, "UPDATE reception_notes SET note = 'x'", (), "办理情况只能追加，不能修改")
    same_refusal(both, "DELETE FROM reception_notes", (), "办理情况只能追加，不能删除")
    case = one(both[0], "SELECT id FROM service_cases WHERE status = 'closed' ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE service_cases SET amount_fen = amount_fen + 1 WHERE id = ?", case,
                 "已办结的服务事项不能修改结果和金额")
    same_refusal(both, "DELETE FROM service_cases WHERE id = ?", case, "服务事项登记不能删除")


def test_mutual_aid(both: tuple[sqlite3.Connection, Any]) -> None:
    same_refusal(both, "UPDATE mutual_contributions SET members = members", (), "已入账的互助金缴费不能修改，请冲销凭证后重新登记")
    same_refusal(both, "DELETE FROM mutual_contributions", (), "已入账的互助金缴费不能删除，请冲销凭证后重新登记")
    same_refusal(both, "DELETE FROM mutual_enrolments WHERE contribution_id IS NOT NULL", (), "已缴费的参加登记不能删除")
    posted = one(both[0], "SELECT id FROM mutual_settlements WHERE status = 'posted' ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE mutual_settlements SET note = 'x' WHERE id = ?", posted, "已记账或已作废的结算不能修改")
    same_refusal(both, "DELETE FROM mutual_settlements WHERE id = ?", posted, "结算不能删除，不用的结算请作废")
    settled = one(both[0], "SELECT id FROM mutual_claims WHERE status = 'settled' ORDER BY id LIMIT 1")
    same_refusal(both, "UPDATE mutual_claims SET note = 'x' WHERE id = ?", settled, "已结算或已作废的报销不能修改")
    same_refusal(both, "DELETE FROM mutual_claims WHERE id = ?", settled, "报销登记不能删除，不用的请作废")
    receipt = one(both[0], "SELECT r.id FROM mutual_receipts r JOIN mutual_claims c ON c.id = r.claim_id "
                           "WHERE c.status NOT IN ('draft', 'rejected', 'cancelled') ORDER BY r.id LIMIT 1")
    same_refusal(both, "UPDATE mutual_receipts SET hospital = 'x' WHERE id = ?", receipt, "已批准的报销单据不能修改")
    same_refusal(both, "DELETE FROM mutual_receipts WHERE id = ?", receipt, "只有待审批的报销可以删改单据")
    same_refusal(both, "UPDATE mutual_payments SET amount_fen = amount_fen", (), "已记账的互助金支付不能修改")
    same_refusal(both, "DELETE FROM mutual_payments", (), "已记账的互助金支付不能删除")
    # a settled claim may go back to approved when its settlement is cancelled
    for side in both:
        one(side, "UPDATE mutual_claims SET status = 'approved', settlement_id = NULL WHERE id = ? RETURNING id", settled)


def test_city_rows_are_fixed_once_sent(both: tuple[sqlite3.Connection, Any]) -> None:
    hid = one(both[0], "SELECT min(id) FROM households")[0]
    for side in both:
        one(side, "INSERT INTO city_verdicts (household_id, county_code, archive_no, result, decided_at, decided_by) "
                  "VALUES (?, '530122', 'a', '1', 't', 'u') RETURNING id", (hid,))
        one(side, "INSERT INTO city_allocations (county_code, year, fund_source, amount_fen, created_at, created_by) "
                  "VALUES ('530122', 2026, '1', 100, 't', 'u') RETURNING id")
        one(side, "UPDATE city_verdicts SET note = 'n', sent_batch = 'b' RETURNING id")
        one(side, "UPDATE city_allocations SET note = 'n', sent_batch = 'b' RETURNING id")
    same_refusal(both, "UPDATE city_verdicts SET note = 'x'", (), "已发给县里的核查结果不能修改")
    same_refusal(both, "DELETE FROM city_verdicts", (), "已发给县里的核查结果不能删除")
    same_refusal(both, "UPDATE city_allocations SET note = 'x'", (), "已发给县里的下拨资金不能修改")
    same_refusal(both, "DELETE FROM city_allocations", (), "已发给县里的下拨资金不能删除")


# --- copy --------------------------------------------------------------------------------------------

def test_copy_keeps_every_row(lite: sqlite3.Connection, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    seen: list[tuple[int, int]] = []
    counts = pg.copy_from_sqlite(lite, pgconn, progress=lambda done, total: seen.append((done, total)))
    assert counts == pg.sqlite_counts(lite) == pg.table_counts(pgconn)
    assert counts["households"] == 300 and counts["ledger_entries"] > 0 and counts["audit_log"] > 0
    assert seen[-1][0] == seen[-1][1] == sum(counts.values())
    for table, key in [("households", "id"), ("members", "id"), ("ledger_entries", "id"), ("vouchers", "id"),
                       ("audit_log", "id"), ("audit_households", "audit_id, household_id"), ("fund_balances", "fund_id"),
                       ("meta", "key"), ("settings", "key"), ("users", "id"), ("decisions", "id")]:
        sql = f"SELECT * FROM {table} ORDER BY {key}"
        assert [tuple(r) for r in pgconn.execute(sql)] == lite.execute(sql).fetchall(), table


def test_after_a_copy_new_rows_get_new_ids(lite: sqlite3.Connection, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    pg.copy_from_sqlite(lite, pgconn)
    top = pgconn.execute("SELECT max(id) FROM households").fetchone()[0]
    new = pgconn.execute(
        "INSERT INTO households (sender_code, archive_no, name, id_number, created_date, created_at, updated_at) "
        "VALUES ('530122', 'NEW-1', '新户', '1', '2026-01-01', 't', 't') RETURNING id").fetchone()[0]
    assert new == top + 1
    top_audit = pgconn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    assert pgconn.execute("INSERT INTO audit_log (at, username, action, entity, prev_hash, hash) "
                          "VALUES ('t', 'u', 'a', 'e', 'p', 'h') RETURNING id").fetchone()[0] == top_audit + 1
    # the copy left every trigger on
    assert pgconn.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'").fetchone() == (0,)


def test_copy_refuses_a_database_in_use(lite: sqlite3.Connection, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    pg.copy_from_sqlite(lite, pgconn)
    before = pg.table_counts(pgconn)
    with pytest.raises(DatabaseRefused, match="已有数据"):
        pg.copy_from_sqlite(lite, pgconn)
    assert pg.table_counts(pgconn) == before


def test_copy_refuses_values_of_the_wrong_kind(lite: sqlite3.Connection, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    lite.execute("UPDATE households SET contract_months = '十二' WHERE id = (SELECT min(id) FROM households)")
    with pytest.raises(DatabaseRefused, match="households 列 contract_months 有 1 个值不是整数"):
        pg.copy_from_sqlite(lite, pgconn)
    assert pg.table_counts(pgconn)["households"] == 0


def test_copy_refuses_another_schema_version(lite: sqlite3.Connection, pgconn: Any) -> None:
    pg.create_schema(pgconn)
    lite.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    with pytest.raises(DatabaseRefused, match="结构版本"):
        pg.copy_from_sqlite(lite, pgconn)


def test_address_search_on_the_copy(both: tuple[sqlite3.Connection, Any]) -> None:
    """What households_fts finds on SQLite, address LIKE finds on PostgreSQL."""
    lite, conn = both
    address = one(lite, "SELECT address FROM households WHERE length(address) >= 6 ORDER BY id LIMIT 1")[0]
    needle = address[2:5]
    on_lite = [r[0] for r in lite.execute(
        "SELECT rowid FROM households_fts WHERE households_fts MATCH ? ORDER BY rowid", ['"' + needle + '"'])]
    on_pg = [r[0] for r in conn.execute("SELECT id FROM households WHERE address LIKE %s ORDER BY id",
                                        ["%" + needle + "%"])]
    assert on_pg == on_lite and on_pg
