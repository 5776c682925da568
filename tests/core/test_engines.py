"""The same core on both engines: what a desk does, on the folder's file and on the centre's server."""

from __future__ import annotations

from helpdesk_gui.core.access import auth


def test_login_lockout_and_audit_on_either_engine(engine_database):
    db = engine_database
    assert auth.login(db, "clerk", "passw0rd!").username == "clerk"
    for _ in range(3):
        try:
            auth.login(db, "reviewer", "wrong-9")
        except Exception as e:   # noqa: BLE001 (the message is what a clerk sees)
            assert "密码" in str(e)
    assert db.execute("SELECT failed_logins FROM users WHERE username = 'reviewer'").fetchone()[0] == 3
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[0] == "init" and "login" in actions


def test_a_desk_that_loses_the_server_is_told_and_reconnects(pg_url, tmp_path):
    import psycopg
    import pytest

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import server_move
    from helpdesk_gui.core.db import server

    srv = server.parse(pg_url)
    server_move.init_server(tmp_path, srv, "530122", "某某县总工会", "admin1234")
    db = dbm.open_server(srv, tmp_path)

    def cut() -> None:   # the cable pulled, or the server restarted: the server ends this desk's session
        pid = db.conn.raw.info.backend_pid
        with psycopg.connect(pg_url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    cut()
    with pytest.raises(server.ServerLost, match="连接中断，刚才的操作没有保存") as lost, dbm.write(db):
        dbm.set_meta(db, "note", "保存到一半")
    assert "Traceback" not in str(lost.value)
    # the next try connects again; nothing of the failed one is there
    assert dbm.get_meta(db, "note") == ""
    with dbm.write(db):
        dbm.set_meta(db, "note", "再保存一次")
    assert dbm.get_meta(db, "note") == "再保存一次"
    # lost in the middle of a transaction: rolled back on the server, said so
    with pytest.raises(server.ServerLost), dbm.write(db):
        dbm.set_meta(db, "note", "第三次")
        cut()
        dbm.set_meta(db, "other", "x")
    assert dbm.get_meta(db, "note") == "再保存一次"


def test_four_desks_writing_at_once_keep_one_audit_chain(pg_url, tmp_path):
    """The audit chain stays one chain when desks append at the same moment (serialised on the server)."""
    import threading

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import audit
    from helpdesk_gui.core.admin import server_move
    from helpdesk_gui.core.db import server

    srv = server.parse(pg_url)
    server_move.init_server(tmp_path, srv, "530122", "某某县总工会", "admin1234")
    errors: list[BaseException] = []

    def desk(n: int) -> None:
        db = dbm.open_server(srv, tmp_path)
        try:
            for k in range(15):
                with dbm.write(db):
                    dbm.set_meta(db, f"desk{n}", str(k))
                    audit.record(db, "admin", "settings", "meta", f"desk{n}", None, {"k": k})
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)
        finally:
            dbm.close(db)
    threads = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = dbm.open_server(srv, tmp_path)
    rows = db.execute("SELECT prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert len(rows) >= 61 and all(rows[k][0] == rows[k - 1][1] for k in range(1, len(rows)))   # no fork
    dbm.close(db)


def test_a_desk_that_waits_too_long_for_another_desks_write_is_told_and_keeps_its_work(pg_url, tmp_path,
                                                                                      monkeypatch):
    """One desk's write at a time (the register's write lock): a desk that waits past ``WRITE_WAIT`` is told
    in Chinese and nothing of its save is half-written; once the other desk is done, the same save goes in."""
    import pytest

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import server_move
    from helpdesk_gui.core.base.errors import DatabaseBusy
    from helpdesk_gui.core.db import pgdb, server

    monkeypatch.setattr(pgdb, "WRITE_WAIT", "300ms")
    srv = server.parse(pg_url)
    server_move.init_server(tmp_path, srv, "530122", "某某县总工会", "admin1234")
    a, b = dbm.open_server(srv, tmp_path), dbm.open_server(srv, tmp_path)
    with dbm.write(a):
        dbm.set_meta(a, "note", "甲桌在导入")
        with pytest.raises(DatabaseBusy, match="另一台电脑正在写入.*没有丢失"), dbm.write(b):
            dbm.set_meta(b, "note", "乙桌")
        assert not b.conn.in_transaction
    with dbm.write(b):
        dbm.set_meta(b, "other", "乙桌再试")
    assert (dbm.get_meta(a, "note"), dbm.get_meta(a, "other")) == ("甲桌在导入", "乙桌再试")
    dbm.close(a)
    dbm.close(b)
