"""Which database a desk uses: the folder's own file, or the centre's server, and how its password is kept."""

from __future__ import annotations

import json
import os
import stat

import pytest

from helpdesk_gui.core.db import server


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(server.ENV, raising=False)
    monkeypatch.setattr(server, "_keyring", lambda: None)   # the machine's keyring is not the test's


def test_url_forms_and_what_the_clerk_is_shown():
    s = server.parse("postgres://desk1:p%40ss@192.168.1.10:5433/helpdesk")
    assert s.url == "postgresql://desk1@192.168.1.10:5433/helpdesk" and s.password == "p@ss"
    assert s.shown == "192.168.1.10:5433/helpdesk"
    assert s.dsn == "postgresql://desk1:p%40ss@192.168.1.10:5433/helpdesk"
    sock = server.parse("postgresql://postgres@/helpdesk?host=/run/pg&port=5444")
    assert sock.shown == "/run/pg:5444/helpdesk" and sock.dsn == sock.url
    for bad, says in (("mysql://x/y", "postgresql://"), ("postgresql://host", "数据库名"),
                      ("postgresql://h:port/db", "端口")):
        with pytest.raises(server.BadServerUrl, match=says):
            server.parse(bad)


def test_saved_without_the_password_which_only_the_user_can_read(tmp_path):
    assert server.chosen(tmp_path) is None                      # default: the folder's own file
    where = server.save(tmp_path, server.parse("postgresql://desk1:secret9@srv/helpdesk"))
    assert "server.secret" in where
    assert "secret9" not in (tmp_path / "server.json").read_text(encoding="utf-8")
    mode = stat.S_IMODE(os.stat(tmp_path / "server.secret").st_mode)
    assert mode == 0o600
    again = server.chosen(tmp_path)
    assert again is not None and again.password == "secret9" and again.url == "postgresql://desk1@srv/helpdesk"
    assert server.forget(tmp_path) and server.chosen(tmp_path) is None
    assert not (tmp_path / "server.secret").exists()


def test_option_then_environment_then_folder(tmp_path, monkeypatch):
    server.save(tmp_path, server.parse("postgresql://desk1:pw1@saved/helpdesk"))
    monkeypatch.setenv(server.ENV, "postgresql://desk2@fromenv/helpdesk")
    assert server.chosen(tmp_path).shown == "fromenv:5432/helpdesk"
    assert server.chosen(tmp_path, "postgresql://x@given/db").shown == "given:5432/db"
    monkeypatch.delenv(server.ENV)
    assert server.chosen(tmp_path).password == "pw1"


def test_a_damaged_settings_file_is_named(tmp_path):
    (tmp_path / "server.json").write_text(json.dumps({"address": 1}), encoding="utf-8")
    with pytest.raises(server.BadServerUrl, match="已损坏"):
        server.chosen(tmp_path)


def test_a_server_that_is_not_there_is_said_in_chinese(tmp_path):
    s = server.parse(f"postgresql://nobody@/helpdesk?host={tmp_path}&port=1")
    with pytest.raises(server.ServerUnavailable) as e:
        server.connect(s)
    assert "无法连接到服务器" in str(e.value) and "没有在这个地址和端口上运行" in str(e.value)


def test_a_prefix_is_an_index_range_on_both_engines(tmp_path):
    import sqlite3

    from helpdesk_gui.core.db.where import Where, prefix_args, starts_with
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [(v,) for v in ("zha", "zhang", "zh", "zi", "z", "张三", "张", "zh*",
                                                                  "zh\U0010ffff")])
    w = Where().prefix("v", "zh")
    got = sorted(r[0] for r in conn.execute(f"SELECT v FROM t{w.sql}", w.args))
    assert got == ["zh", "zh*", "zha", "zhang"]
    got = sorted(r[0] for r in conn.execute(f"SELECT v FROM t WHERE {starts_with('v', 'q')}", prefix_args("q", "张")))
    assert got == ["张", "张三"]
    conn.execute("CREATE INDEX ix ON t (v)")
    plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN SELECT v FROM t{w.sql}", w.args))
    assert "USING COVERING INDEX ix (v>? AND v<?)" in plan
