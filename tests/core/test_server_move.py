"""Moving up to the centre's server: ``helpdesk server init`` / ``upload`` / ``status`` on a real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import server_move, setup
from helpdesk_gui.core.db import pg, server
from helpdesk_gui.core.demo import households as demo

SRC = Path(__file__).resolve().parents[2] / "src"
PASSWORD = "admin1234"


def helpdesk(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(SRC), "HELPDESK_DATA_DIR": str(folder), "HELPDESK_ADMIN_PASSWORD": PASSWORD,
            "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": PASSWORD, **env}
    full.pop(server.ENV, None)
    return subprocess.run([sys.executable, "-m", "helpdesk_gui", *args], env=full, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def desk(tmp_path):
    """A desk's register with 200 demo households."""
    folder = tmp_path / "desk"
    db = setup.initialise(folder / "helpdesk.db", "530122", "某某县总工会", PASSWORD)
    demo.generate(db, auth.SYSTEM, 200, seed=3)
    dbm.close(db)
    return folder


def test_upload_moves_every_row_and_the_audit_chain(desk, pg_url):
    r = helpdesk(desk, "server", "upload", "--database", pg_url)
    assert r.returncode == 0, r.stderr
    assert "逐表核对行数和内容一致" in r.stdout and "两边相同" in r.stdout
    lite = dbm.open_db(desk / "helpdesk.db", readonly=True)
    with psycopg.connect(pg_url) as conn:
        theirs = pg.table_counts(conn)
        assert theirs["households"] == 200
        ours = pg.sqlite_counts(lite.conn)
        assert {t: theirs[t] for t in ours} == ours
        assert server_move.differences(lite.conn, conn, list(ours)) == []
        assert conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == \
            lite.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    dbm.close(lite)
    status = helpdesk(desk, "server", "status", "--database", pg_url)
    assert status.returncode == 0 and "困难职工档案 200 户" in status.stdout
    again = helpdesk(desk, "server", "upload", "--database", pg_url)   # never over a register already there
    assert again.returncode == 2 and "已有帮扶中心工作台的数据表" in again.stderr + again.stdout


def test_a_difference_leaves_nothing_on_the_server(desk, pg_url, monkeypatch):
    lite = dbm.open_db(desk / "helpdesk.db", readonly=True)
    real = pg.copy_from_sqlite

    def lossy(sqlite_conn, conn, **kw):
        counts = real(sqlite_conn, conn, **kw)
        conn.execute("DELETE FROM members WHERE id = (SELECT max(id) FROM members)")   # a row lost on the way
        return counts
    monkeypatch.setattr(pg, "copy_from_sqlite", lossy)
    with pytest.raises(server_move.MoveFailed, match="表 members：本机 .* 行，服务器 .* 行"):
        server_move.upload(lite, server.parse(pg_url))
    dbm.close(lite)
    with psycopg.connect(pg_url) as conn:
        assert pg.existing_tables(conn) == []


def test_server_init_makes_an_empty_register(tmp_path, pg_url):
    r = helpdesk(tmp_path / "desk", "server", "init", "--database", pg_url, "--county-code", "530122",
                 "--union-name", "某某县总工会")
    assert r.returncode == 0, r.stderr
    assert "已在服务器" in r.stdout and "管理员用户名为 admin" in r.stdout
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'county_code'").fetchone()[0] == "530122"
        assert conn.execute("SELECT username FROM users").fetchall() == [("admin",)]
        assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 0
    assert (tmp_path / "desk" / "audit.key").exists()   # the key that signed the first audit row: the desks' key


def test_the_commands_say_what_is_wrong_in_chinese(desk, tmp_path):
    r = helpdesk(desk, "server", "status")
    assert r.returncode == 2 and "请用 --database" in r.stderr
    r = helpdesk(desk, "server", "status", "--database", f"postgresql://x@/db?host={tmp_path}&port=1")
    assert r.returncode == 1 and "无法连接到服务器" in r.stderr and "Traceback" not in r.stderr
    r = helpdesk(desk, "server", "status", "--database", "mysql://x/y")
    assert r.returncode == 2 and "应以 postgresql:// 开头" in r.stderr


def test_a_desk_is_pointed_at_the_server_and_back(desk, pg_url):
    assert helpdesk(desk, "server", "upload", "--database", pg_url).returncode == 0
    r = helpdesk(desk, "server", "use", "--database", pg_url)
    assert r.returncode == 0 and "今后使用服务器" in r.stdout
    assert server.chosen(desk) is not None
    payable = helpdesk(desk, "decisions", "--payable", "--json")   # now read from the server
    assert payable.returncode == 0, payable.stderr
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE meta SET value = '某某县总工会（服务器）' WHERE key = 'union_name'")
    r = helpdesk(desk, "server", "use", "--off")
    assert r.returncode == 0 and "改回使用" in r.stdout and server.chosen(desk) is None


def test_a_database_whose_character_class_cannot_index_chinese_is_refused(pg_server, tmp_path):
    """Under LC_CTYPE C pg_trgm finds no letters in 马街镇: the address search would read the whole index.
    ``server init`` says how to make the database instead, and leaves nothing behind."""
    import pg as pgtest
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute("CREATE DATABASE t_ctype_c TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    url = pgtest.with_dbname(pg_server, "t_ctype_c")
    try:
        with pytest.raises(dbm.DatabaseRefused, match=r"字符分类（LC_CTYPE）是 C.*--lc-ctype=C.UTF-8.*未做任何修改"):
            server_move.init_server(tmp_path, server.parse(url), "530122", "某某县总工会", PASSWORD)
        with psycopg.connect(url) as conn:
            assert pg.existing_tables(conn) == []
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute("DROP DATABASE t_ctype_c")
