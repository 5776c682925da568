"""Opening the database: pragmas, migrations once, refusing files that are not ours, one transaction per write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core import migrations as schema
from helpdesk_gui.core.base.errors import DatabaseRefused


def _pragma(db, name: str):
    return db.execute(f"PRAGMA {name}").fetchone()[0]


def _files(path: Path) -> dict[str, bytes]:
    """The bytes of the database file and any -wal/-journal companion."""
    out = {}
    for p in path.parent.iterdir():
        if p.name.startswith(path.name) and not p.name.endswith("-shm"):
            out[p.name] = p.read_bytes()
    return out


def test_new_database_pragmas(tmp_path: Path):
    path = tmp_path / "new.db"
    db = dbm.open_db(path, create=True)
    try:
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "synchronous") == 2
        assert _pragma(db, "foreign_keys") == 1
        assert _pragma(db, "user_version") == schema.SCHEMA_VERSION
        assert _pragma(db, "application_id") == dbm.APPLICATION_ID
        assert dbm.schema_version(db) == schema.SCHEMA_VERSION
        assert dbm.pending_migrations(db) == []
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"households", "members", "audit_log", "code_lists", "archive_serials"} <= tables
        # the default code lists are seeded by the first migration
        assert dbm.scalar(db, "SELECT label FROM code_lists WHERE list = 'status' AND code = 'applying'") == "申请中"
    finally:
        db.conn.close()
    # the application id and version are on disk, readable by any SQLite client
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x4844534B
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    finally:
        conn.close()


def test_foreign_keys_enforced(database):
    with pytest.raises(sqlite3.IntegrityError):
        database.execute("INSERT INTO members (household_id, name, relation) VALUES (999999, '某某', '1')")


def test_reopen_does_not_rerun_migrations(tmp_path: Path):
    path = tmp_path / "again.db"
    db = dbm.open_db(path, create=True)
    applied = dbm.rows(db, "SELECT name, applied_at FROM _sqlite_migrations ORDER BY id")
    with dbm.write(db):
        dbm.set_meta(db, "county_code", "530122")
        db.execute("DELETE FROM code_lists WHERE list = 'pay_method'")
    db.conn.close()

    for _ in range(2):
        db = dbm.open_db(path)
        try:
            assert dbm.rows(db, "SELECT name, applied_at FROM _sqlite_migrations ORDER BY id") == applied
            assert len(applied) == schema.SCHEMA_VERSION
            # data written after the first run survives (the seed rows were not inserted again)
            assert dbm.get_meta(db, "county_code") == "530122"
            assert dbm.scalar(db, "SELECT count(*) FROM code_lists WHERE list = 'pay_method'") == 0
            assert _pragma(db, "journal_mode") == "wal"
            assert _pragma(db, "synchronous") == 2
            assert _pragma(db, "foreign_keys") == 1
        finally:
            db.conn.close()


def test_readonly_open_does_not_write(database, folder: Path):
    from helpdesk_gui.core.base import paths

    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ro = dbm.open_db(paths.db_path(folder), readonly=True)
    try:
        assert dbm.scalar(ro, "SELECT count(*) FROM users") == 5
        with pytest.raises(sqlite3.OperationalError):
            ro.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    finally:
        ro.conn.close()


def test_newer_database_refused_unchanged(tmp_path: Path):
    path = tmp_path / "newer.db"
    db = dbm.open_db(path, create=True)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    db.execute("PRAGMA journal_mode = DELETE")
    db.conn.close()
    before = _files(path)
    with pytest.raises(DatabaseRefused) as info:
        dbm.open_db(path)
    assert "更新版本" in str(info.value)
    assert str(schema.SCHEMA_VERSION + 1) in str(info.value)
    assert info.value.exit_code == 2
    assert _files(path) == before
    with pytest.raises(DatabaseRefused, match="更新版本"):
        dbm.open_db(path, create=True)
    assert _files(path) == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database\n" * 20, b"SQLite format 3\x00" + b"\xff" * 200,
                                     b"PK\x03\x04" + b"\x00" * 100])
def test_non_sqlite_file_refused_unchanged(tmp_path: Path, content: bytes):
    path = tmp_path / "helpdesk.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseRefused) as info:
        dbm.open_db(path, create=True)
    assert "未做任何修改" in str(info.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["helpdesk.db"]


def test_other_programs_database_refused_unchanged(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 12345")
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('王五')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(DatabaseRefused) as info:
            dbm.open_db(path, create=create)
        assert "其他程序" in str(info.value)
        assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("contacts",)]
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 12345
    finally:
        conn.close()


def test_plain_sqlite_database_with_tables_refused(tmp_path: Path):
    """No application id at all (0), but tables: still somebody else's file."""
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused):
        dbm.open_db(path)
    assert path.read_bytes() == before


def test_missing_file_without_create(tmp_path: Path):
    path = tmp_path / "nowhere" / "helpdesk.db"
    with pytest.raises(DatabaseRefused) as info:
        dbm.open_db(path)
    assert "初始化" in str(info.value)
    assert not path.exists()
    assert not path.parent.exists()


def test_create_makes_missing_folder(tmp_path: Path):
    path = tmp_path / "a" / "b" / "helpdesk.db"
    db = dbm.open_db(path, create=True)
    db.conn.close()
    assert path.exists()
    dbm.check_file(path)  # ours now


# ---------------------------------------------------------------- write()

def _meta_keys(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT key FROM meta")}


def test_write_commits(database):
    with dbm.write(database):
        dbm.set_meta(database, "a", "1")
        dbm.set_meta(database, "b", "2")
    assert not database.conn.in_transaction
    assert dbm.get_meta(database, "a") == "1" and dbm.get_meta(database, "b") == "2"


def test_write_rolls_back_everything_on_exception(database):
    keys = _meta_keys(database)
    audit_rows = dbm.scalar(database, "SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError), dbm.write(database):
        dbm.set_meta(database, "partial1", "x")
        database.execute("INSERT INTO employers (name) VALUES ('半途而废有限公司')")
        dbm.set_meta(database, "partial2", "y")
        raise RuntimeError("boom")
    assert not database.conn.in_transaction
    assert _meta_keys(database) == keys
    assert dbm.scalar(database, "SELECT count(*) FROM employers") == 0
    assert dbm.scalar(database, "SELECT count(*) FROM audit_log") == audit_rows


def test_write_rolls_back_after_constraint_error(database):
    keys = _meta_keys(database)
    with pytest.raises(sqlite3.IntegrityError), dbm.write(database):
        dbm.set_meta(database, "before_error", "x")
        database.execute("INSERT INTO users (username, display_name, roles, password_hash, created_at) "
                         "VALUES ('admin', 'dup', 'admin', 'x', 'now')")
    assert _meta_keys(database) == keys
    assert not database.conn.in_transaction


def test_write_takes_the_write_lock_at_begin(database):
    """BEGIN IMMEDIATE: a second connection cannot write while the transaction is open."""
    other = sqlite3.connect(database.conn.execute("PRAGMA database_list").fetchone()[2], timeout=0.05,
                            isolation_level=None)
    try:
        with dbm.write(database), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO meta (key, value) VALUES ('z', 'z')")
        other.execute("INSERT INTO meta (key, value) VALUES ('z', 'z')")
    finally:
        other.close()
    assert dbm.get_meta(database, "z") == "z"


def test_nested_write_uses_savepoint(database):
    statements: list[str] = []
    database.conn.set_trace_callback(statements.append)
    try:
        with dbm.write(database):
            dbm.set_meta(database, "outer", "1")
            with pytest.raises(ValueError), dbm.write(database):
                dbm.set_meta(database, "inner", "2")
                raise ValueError("inner fails")
            assert database.conn.in_transaction  # the outer transaction is still open
            with dbm.write(database):
                dbm.set_meta(database, "inner_ok", "3")
            dbm.set_meta(database, "outer2", "4")
    finally:
        database.conn.set_trace_callback(None)
    assert dbm.get_meta(database, "outer") == "1"
    assert dbm.get_meta(database, "inner") == ""
    assert dbm.get_meta(database, "inner_ok") == "3"
    assert dbm.get_meta(database, "outer2") == "4"
    upper = [s.strip().upper() for s in statements]
    assert upper.count("BEGIN IMMEDIATE") == 1
    assert sum(s.startswith("SAVEPOINT") for s in upper) == 2
    assert sum(s.startswith("ROLLBACK TO SAVEPOINT") for s in upper) == 1
    assert upper.count("COMMIT") == 1


def test_outer_failure_rolls_back_committed_inner_savepoint(database):
    with pytest.raises(KeyError), dbm.write(database):
        with dbm.write(database):
            dbm.set_meta(database, "inner", "1")
        raise KeyError("outer fails")
    assert dbm.get_meta(database, "inner") == ""


def test_query_helpers(database):
    assert dbm.row(database, "SELECT username FROM users WHERE username = ?", ["nobody"]) is None
    assert dbm.scalar(database, "SELECT username FROM users WHERE username = ?", ["nobody"]) is None
    assert dbm.row(database, "SELECT username, roles FROM users WHERE username = ?", ["clerk"]) == {
        "username": "clerk", "roles": "clerk"}
    assert [r["username"] for r in dbm.rows(database, "SELECT username FROM users ORDER BY id")] == [
        "admin", "clerk", "reviewer", "approver", "finance"]
    assert dbm.get_meta(database, "county_code") == "530122"
    assert dbm.get_meta(database, "missing", "默认") == "默认"
    dbm.set_meta(database, "county_code", "530123")
    assert dbm.get_meta(database, "county_code") == "530123"


def test_failed_commit_rolls_back_and_leaves_no_open_transaction(database):
    """A COMMIT refused by a deferred constraint must not leave later writes inside a dead transaction."""
    with pytest.raises(sqlite3.IntegrityError), dbm.write(database):
        database.execute("PRAGMA defer_foreign_keys = ON")
        dbm.set_meta(database, "doomed", "1")
        database.execute("INSERT INTO members (household_id, name, relation) VALUES (999999, '某某', '1')")
    assert not database.conn.in_transaction
    assert dbm.get_meta(database, "doomed") == ""
    assert dbm.scalar(database, "SELECT count(*) FROM members") == 0
    with dbm.write(database):
        dbm.set_meta(database, "later", "1")
    assert not database.conn.in_transaction
    # committed for real: another connection sees it
    other = sqlite3.connect(database.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        assert other.execute("SELECT value FROM meta WHERE key = 'later'").fetchone() == ("1",)
    finally:
        other.close()


def test_files_are_replaced_whole_or_not_at_all(tmp_path):
    """An export that fails half-way leaves the previous file as it was and no part behind."""
    import pytest

    from helpdesk_gui.core.base import paths
    target = tmp_path / "报表" / "统计.xlsx"
    with paths.replacing(target) as part:
        part.write_text("第一版", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "第一版"
    with pytest.raises(OSError), paths.replacing(target) as part:
        part.write_text("写了一半", encoding="utf-8")
        raise OSError("磁盘已满")
    assert target.read_text(encoding="utf-8") == "第一版"
    assert sorted(p.name for p in target.parent.iterdir()) == ["统计.xlsx"]


def test_where_builds_the_filters_of_a_list():
    from helpdesk_gui.core.db.where import Where, glob_prefix, like_pattern

    assert Where().sql == "" and not Where() and Where().args == []
    w = Where().equal("a", "x").equal("b", None).equal("c", "").equal("d", 0).at_least("e", "2025-01-01")
    w.at_most("e", None).one_of("k", ("in", "out")).add("f IS NULL")
    assert w.sql == " WHERE a = ? AND d = ? AND e >= ? AND k IN (?,?) AND f IS NULL"
    assert w.args == ["x", 0, "2025-01-01", "in", "out"] and w.named == {}
    n = Where(limit=5).equal("r.kind", "help", "kind").at_most("r.day", "2025-03-31", "to").add("x GLOB :g", g="1*")
    assert n.sql == " WHERE r.kind = :kind AND r.day <= :to AND x GLOB :g"
    assert n.named == {"limit": 5, "kind": "help", "to": "2025-03-31", "g": "1*"} and n.args == []
    assert glob_prefix("a*b?[c") == "a[*]b[?][[]c*"
    assert like_pattern("5%_a\\b") == "%5\\%\\_a\\\\b%"


def test_where_patterns_match_what_was_typed_literally(database):
    from helpdesk_gui.core.db.where import Where, glob_prefix, like_pattern

    database.execute("CREATE TEMP TABLE t (v TEXT)")
    database.conn.executemany("INSERT INTO t VALUES (?)", [(v,) for v in ("a*b", "axb", "50%", "50 yuan", "x_y", "xzy",
                                                                      "[1]", "11")])

    def found(w: Where) -> list[str]:
        return [r[0] for r in database.execute(f"SELECT v FROM t{w.sql} ORDER BY v", w.args)]

    assert found(Where().add("v GLOB ?", glob_prefix("a*"))) == ["a*b"]
    assert found(Where().add("v GLOB ?", glob_prefix("[1"))) == ["[1]"]
    assert found(Where().add("v LIKE ? ESCAPE '\\'", like_pattern("0%"))) == ["50%"]
    assert found(Where().add("v LIKE ? ESCAPE '\\'", like_pattern("_"))) == ["x_y"]
    assert found(Where()) == sorted(["a*b", "axb", "50%", "50 yuan", "x_y", "xzy", "[1]", "11"])


def test_a_busy_database_says_so_in_chinese(folder, database):
    """Another connection holds the write lock past the busy timeout: a Chinese refusal, nothing written."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.base import paths
    from helpdesk_gui.core.base.errors import DatabaseBusy

    other = dbm.open_db(paths.db_path(folder))
    other.execute("BEGIN IMMEDIATE")
    try:
        database.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(DatabaseBusy, match="另一个程序正在写入数据库"), dbm.write(database):
            database.execute("UPDATE meta SET value = value")
    finally:
        other.execute("ROLLBACK")
        dbm.close(other)
