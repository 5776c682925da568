"""The audit trail cannot shrink or be rewritten unseen: triggers, the keyed chain, the anchor outside the
database, the household seals, and the seal of a chain written before signatures (migration 0009)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import audit, auth, chain, fingerprint, keyring
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import row, rows, scalar, write
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from

ON = dt.date(2026, 3, 2)


def _person(n: int) -> str:
    return ids.make("530122", dt.date(1975, 1, 1), n)


def _household(db, clerk, n: int = 1) -> int:
    return register.create_household(db, clerk, HouseholdDraft(fields={
        "name": f"张{n}", "id_number": _person(n), "cause_main": "3"},
        members=[{"name": f"李{n}", "relation": "1", "gender": "2"}]), today=ON)


def _add(db, n: int) -> None:
    with write(db):
        for i in range(n):
            audit.record(db, "clerk", "test", "thing", i, {"v": i}, {"v": i + 1})


def _unguard(db) -> None:
    """What someone with SQLite tools does first."""
    for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_households_no_update",
                    "audit_households_no_delete"):
        db.execute(f"DROP TRIGGER {trigger}")


def _forge(db, at: str, username: str, action: str, before=None, after=None) -> int:
    """Append a row the way a forger would: the SHA-256 chain recomputed, no key."""
    prev = scalar(db, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
    b, a = audit._dump(before), audit._dump(after)
    h = audit._digest(prev, at, username, action, "household", "x", b, a)
    cur = db.execute("INSERT INTO audit_log (at, username, action, entity, entity_id, before, after, prev_hash, hash) "
                     "VALUES (?, ?, ?, 'household', 'x', ?, ?, ?, ?)", [at, username, action, b, a, prev, h])
    return int(cur.lastrowid)


def _rechain(db, start_id: int) -> None:
    """Recompute every SHA-256 link from ``start_id`` on, as a forger would after rewriting a row."""
    prev = scalar(db, "SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", [start_id]) or audit.GENESIS
    for r in rows(db, "SELECT * FROM audit_log WHERE id >= ? ORDER BY id", [start_id]):
        h = audit._digest(prev, r["at"], r["username"], r["action"], r["entity"], r["entity_id"], r["before"],
                          r["after"])
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, h, r["id"]])
        prev = h


# ---------------------------------------------------------------- the triggers

def test_deleting_audit_rows_is_refused(database, clerk):
    _household(database, clerk)
    _add(database, 3)
    with pytest.raises(sqlite3.IntegrityError, match="不能删除"):
        database.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    with pytest.raises(sqlite3.IntegrityError, match="不能删除"):
        database.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.IntegrityError, match="不能修改"):
        database.execute("UPDATE audit_households SET content_hash = 'x'")
    assert check.run(database) == []


def test_the_retention_purge_deletes_no_audit_row():
    """The one place that clears personal data never touches the trail (README, 审计)."""
    from pathlib import Path
    src = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for verb in ("DELETE FROM audit_log", "UPDATE audit_log", "DELETE FROM audit_households"):
            assert verb not in text, f"{path.name}: {verb}"


# ---------------------------------------------------------------- key and anchor files

def test_key_and_anchor_live_in_the_data_folder(database, folder):
    key, anchor = folder / keyring.KEY_FILE, folder / keyring.ANCHOR_FILE
    assert key.is_file() and anchor.is_file()
    if os.name != "nt":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    _add(database, 2)
    a = keyring.read_anchor(folder)
    assert a is not None and a.rows == scalar(database, "SELECT count(*) FROM audit_log")
    assert a.last_hash == scalar(database, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
    raw = database.execute("SELECT hex(group_concat(coalesce(mac, ''))) FROM audit_log").fetchone()[0]
    assert json.loads(key.read_text())["keys"][0]["key"].upper() not in raw   # never in the database


def test_a_failed_transaction_leaves_the_anchor_as_it_was(database, folder):
    before = (folder / keyring.ANCHOR_FILE).read_text()
    with pytest.raises(RuntimeError), write(database):
        audit.record(database, "clerk", "test", "thing", 1)
        raise RuntimeError
    assert (folder / keyring.ANCHOR_FILE).read_text() == before
    assert check.run(database) == []


def test_truncated_chain_is_detected(database):
    _add(database, 4)
    _unguard(database)
    database.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)")
    failures = check.run(database)
    assert any("审计日志比锚点记录的少" in f and "末尾的记录被删除" in f for f in failures), failures


def test_emptied_chain_is_detected(database):
    _unguard(database)
    database.execute("DELETE FROM audit_households")
    database.execute("DELETE FROM audit_log")
    failures = check.run(database)
    assert any("审计日志比锚点记录的少" in f and "现只有 0 行" in f for f in failures), failures


def test_forged_appended_row_is_named(database):
    _add(database, 2)
    forged = _forge(database, "2026-03-02T10:00:00+08:00", "admin", "update")
    failures = check.run(database)
    assert failures[0].startswith(f"审计日志第 {forged} 行（2026-03-02 10:00:00，admin，修改）")
    assert "没有密钥签名" in failures[0]
    # a made-up signature does not help either
    _unguard(database)
    database.execute("UPDATE audit_log SET mac = ? WHERE id = ?", ["0" * 12 + ":" + "ab" * 32, forged])
    assert f"第 {forged} 行" in check.run(database)[0]


def test_rewritten_row_with_recomputed_chain_is_named(database):
    _add(database, 4)
    target = scalar(database, "SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET 2")
    _unguard(database)
    database.execute("UPDATE audit_log SET username = 'admin' WHERE id = ?", [target])
    _rechain(database, target)
    assert audit.verify.chain_problems(database)[0].startswith(f"审计日志第 {target} 行（")
    assert "签名不符" in check.run(database)[0]


def test_whole_chain_rewritten_without_signatures_is_detected(database):
    """Signatures stripped and the chain recomputed: the anchor and the key still say otherwise."""
    _unguard(database)
    database.execute("UPDATE audit_log SET mac = NULL")
    _rechain(database, 1)
    failures = check.run(database)
    assert any("没有一行带密钥签名" in f for f in failures), failures
    assert any("与锚点记录的不符" in f for f in failures), failures


def test_missing_key_file_is_said(database, folder):
    (folder / keyring.KEY_FILE).unlink()
    failures = check.run(database)
    assert any(f"审计密钥文件 {folder / keyring.KEY_FILE} 缺失" in f for f in failures), failures


def test_missing_anchor_file_is_said(database, folder):
    (folder / keyring.ANCHOR_FILE).unlink()
    failures = check.run(database)
    assert any("审计锚点文件" in f and "缺失" in f for f in failures), failures


def test_a_lost_key_is_replaced_and_the_old_rows_reported_until_it_comes_back(database, folder, clerk):
    _household(database, clerk)
    old = (folder / keyring.KEY_FILE).read_text()
    (folder / keyring.KEY_FILE).unlink()
    database.conn.close()
    db = dbm.open_db(folder / "helpdesk.db")                  # a new key, and a signed rekey row
    assert row(db, "SELECT action, username FROM audit_log ORDER BY id DESC LIMIT 1") == {
        "action": "rekey", "username": "system"}
    failures = check.run(db)
    assert len(failures) == 1 and "数据文件夹中没有这把密钥" in failures[0], failures
    (folder / "audit-旧.key").write_text(old)
    assert check.run(db) == []


# ---------------------------------------------------------------- household seals

def test_household_changed_by_raw_sql_is_named(engine_database):
    database, clerk = engine_database, auth.get_actor(engine_database, "clerk")
    hid = _household(database, clerk)
    other = _household(database, clerk, 2)
    archive_no = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [hid])
    assert check.run(database) == []
    database.execute("UPDATE households SET bank_account = '6217000000000000000' WHERE id = ?", [hid])
    assert check.run(database) == [f"档案 {archive_no} 的内容与审计日志最后一次记录不一致（可能被绕过程序修改）"]
    # a member changed (or added) by raw SQL counts too
    database.execute("UPDATE members SET monthly_income_fen = 1 WHERE household_id = ?", [other])
    other_no = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [other])
    assert any(other_no in f and "绕过程序修改" in f for f in check.run(database))


def test_household_added_by_raw_sql_is_named(engine_database):
    database, clerk = engine_database, auth.get_actor(engine_database, "clerk")
    hid = _household(database, clerk)
    h = row(database, "SELECT * FROM households WHERE id = ?", [hid])
    h.update(id=None, archive_no="530122202699999", id_number=_person(9), id_rev="")
    cols = [c for c in h if c != "id"]
    database.execute(f"INSERT INTO households ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [h[c] for c in cols])
    assert check.run(database) == ["档案 530122202699999 没有任何审计记录（可能被绕过程序添加）"]


def test_deleted_seal_is_detected(database, clerk):
    hid = _household(database, clerk)
    draft = draft_from(register.get_household(database, hid))
    draft.fields["address"] = "新地址"
    register.update_household(database, clerk, hid, draft, today=ON)
    _unguard(database)   # drop the newest seal, and put the content back as the older one had it
    last = scalar(database, "SELECT max(audit_id) FROM audit_households WHERE household_id = ?", [hid])
    database.execute("DELETE FROM audit_households WHERE audit_id = ?", [last])
    database.execute("UPDATE households SET address = '' WHERE id = ?", [hid])
    failures = check.run(database)
    assert any(f"审计日志第 {last} 行记下了 1 户档案的内容，现只有 0 户" in f for f in failures), failures


def test_edits_through_the_core_keep_check_green(database, clerk, admin):
    hid = _household(database, clerk)
    draft = draft_from(register.get_household(database, hid))
    draft.fields["address"] = "城关镇一号"
    draft.members.append({"name": "张小", "relation": "2", "gender": "1"})
    register.update_household(database, clerk, hid, draft, today=ON)
    register.set_status(database, admin, hid, "cancelled", reason="ineligible", on=ON)
    demo.generate(database, auth.SYSTEM, 30, seed=2, today=ON)
    assert check.run(database) == []
    sealed = scalar(database, "SELECT count(DISTINCT household_id) FROM audit_households")
    assert sealed == scalar(database, "SELECT count(*) FROM households")


def test_a_seal_is_taken_at_commit_after_every_change_of_the_transaction(database, clerk):
    """A writer that records first and changes the household afterwards (same transaction) is still sealed right."""
    hid = _household(database, clerk)
    with write(database):
        audit.record(database, "clerk", "update", "household", "x", None, {"k": 1}, households=[hid])
        database.execute("UPDATE households SET remarks = '后改的' WHERE id = ?", [hid])
    assert check.run(database) == []


def test_every_households_column_is_hashed_or_named_as_left_out(database):
    columns = {c.name for c in database["households"].columns}
    assert columns == set(fingerprint.HOUSEHOLD_COLUMNS) | set(fingerprint.NOT_HASHED)
    assert {c.name for c in database["members"].columns} == set(fingerprint.MEMBER_COLUMNS) | {"id", "household_id"}


# ---------------------------------------------------------------- backups

def test_backup_carries_its_own_anchor_and_restore_puts_it_back(database, folder, clerk):
    _household(database, clerk)
    made = backup.create(database, folder, "manual")
    conn = sqlite3.connect(made.path)
    stored = keyring.Anchor.from_json(conn.execute("SELECT value FROM meta WHERE key = 'audit_anchor'").fetchone()[0])
    assert stored.rows == conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    conn.close()
    _household(database, clerk, 2)                             # the live anchor moves on
    database.conn.close()
    backup.restore(folder, made.path)
    assert keyring.read_anchor(folder) == stored
    db = dbm.open_db(folder / "helpdesk.db")
    assert scalar(db, "SELECT count(*) FROM meta WHERE key = 'audit_anchor'") == 0
    assert check.run(db) == []


# ---------------------------------------------------------------- a database written before 0009

def test_a_chain_written_before_signatures_is_sealed_on_first_open(tmp_path):
    path = tmp_path / "data" / "helpdesk.db"
    path.parent.mkdir()
    db = dbm.connect(path)
    db.execute(f"PRAGMA application_id = {dbm.APPLICATION_ID}")
    dbm._migrations.apply(db, stop_before="0009_audit")
    stamp = "2025-01-01T09:00:00+08:00"
    with db.conn:
        db.execute("INSERT INTO households (id, sender_code, archive_no, name, id_number, created_date, created_at, "
                   "updated_at) VALUES (1, '530122', 'A1', '张三', ?, '2025-01-01', ?, ?)", [_person(1), stamp, stamp])
        prev = audit.GENESIS
        for i in range(3):   # rows as the older program chained them
            h = audit._digest(prev, stamp, "clerk", "update", "household", "A1", None, json.dumps({"i": i}))
            db.execute("INSERT INTO audit_log (at, username, action, entity, entity_id, before, after, prev_hash, hash) "
                       "VALUES (?, 'clerk', 'update', 'household', 'A1', NULL, ?, ?, ?)", [stamp, json.dumps({"i": i}), prev, h])
            prev = h
    db.conn.close()
    assert not (path.parent / keyring.KEY_FILE).exists()
    db = dbm.open_db(path)                                     # 0009, then the seal
    seal = row(db, "SELECT id, action, mac, sealed FROM audit_log ORDER BY id DESC LIMIT 1")
    assert seal is not None and seal["action"] == "seal" and seal["mac"] and seal["sealed"] == 1
    assert (path.parent / keyring.KEY_FILE).is_file() and (path.parent / keyring.ANCHOR_FILE).is_file()
    assert check.run(db) == []
    db.conn.close()
    db = dbm.open_db(path)                                     # sealed once only
    assert scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'seal'") == 1
    # a legacy row rewritten after the seal breaks the link the signed seal row holds
    _unguard(db)
    db.execute("UPDATE audit_log SET username = 'admin' WHERE id = 2")
    _rechain(db, 2)
    assert "签名不符" in check.run(db)[0]


def test_check_on_a_database_not_yet_sealed_says_so(tmp_path):
    path = tmp_path / "helpdesk.db"
    db = dbm.connect(path)
    db.execute(f"PRAGMA application_id = {dbm.APPLICATION_ID}")
    dbm._migrations.apply(db)                                  # no open hook: as if sealed never ran
    with db.conn:
        db.execute("INSERT INTO audit_log (at, username, action, entity, prev_hash, hash) VALUES (?, 'x', 'init', "
                   "'database', ?, ?)", ["t", audit.GENESIS, audit._digest(audit.GENESIS, "t", "x", "init", "database",
                                                                         "", None, None)])
    chain.forget(db)
    assert any("尚未用密钥封存" in f for f in check.run(db))
