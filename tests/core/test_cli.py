"""The ``helpdesk`` command line as CLI.md specifies it: outputs, Chinese messages, exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk_gui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_demo_stats_check(folder: Path, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    code, out, _ = run(capsys, "init", "--county-code", "530122", "--union-name", "某某县总工会")
    assert code == 0 and "已创建数据库" in out
    code, out, _ = run(capsys, "demo", "--households", "300", "--seed", "7")
    assert code == 0 and "300 户" in out
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["households"]["total"] == 300
    assert sum(stats["households"]["by_status"].values()) == 300
    assert set(stats["households"]["by_category"]) <= {"深度困难", "相对困难", "意外致困"}
    assert stats["members"] > 300
    assert stats["assistance_records"] > 0 and stats["paid_total_fen"] > 0
    assert {"applications", "funds"} <= set(stats)
    code, out, _ = run(capsys, "check")
    assert code == 0 and "检查通过" in out


def test_demo_same_seed_same_data(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    dumps = []
    for name in ("a", "b"):
        d = str(tmp_path / name)
        assert main(["--data-dir", d, "init", "--county-code", "530122", "--union-name", "某县总工会"]) == 0
        assert main(["--data-dir", d, "demo", "--households", "50", "--seed", "3"]) == 0
        conn = sqlite3.connect(Path(d) / "helpdesk.db")
        dumps.append(conn.execute("SELECT archive_no, name, id_number, per_capita_month_fen FROM households "
                                  "ORDER BY id").fetchall())
        conn.close()
    capsys.readouterr()
    assert dumps[0] == dumps[1]


def test_init_refuses_existing_database(database, folder, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    code, _, err = run(capsys, "init", "--county-code", "530122", "--union-name", "某某县总工会")
    assert code == 2 and "已有数据库" in err


@pytest.mark.parametrize("argv, needle", [
    (["init", "--county-code", "53012", "--union-name", "x"], "6 位"),
    (["init", "--county-code", "530122", "--union-name", "  "], "工会名称"),
])
def test_init_bad_input_is_chinese_data_error(folder, capsys, monkeypatch, argv, needle):
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    code, _, err = run(capsys, *argv)
    assert code == 1 and needle in err
    assert not (folder / "helpdesk.db").exists()


def test_weak_admin_password_refused(folder, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "123")
    code, _, err = run(capsys, "init", "--county-code", "530122", "--union-name", "某县总工会")
    assert code == 1 and "密码" in err


def test_usage_errors_exit_2_in_chinese(folder, capsys):
    code, _, err = run(capsys, "init")
    assert code == 2 and "缺少必需的参数" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "用法错误" in err
    code, _, err = run(capsys, "demo", "--households", "many")
    assert code == 2 and "格式不正确" in err


def test_commands_without_database_say_so(folder, capsys):
    code, _, err = run(capsys, "stats", "--json")
    assert code == 2 and "请先初始化" in err


def test_foreign_file_is_refused_untouched(folder, capsys):
    folder.mkdir(parents=True)
    target = folder / "helpdesk.db"
    target.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = target.read_bytes()
    code, _, err = run(capsys, "check")
    assert code == 2 and "不是帮扶中心工作台的数据库" in err
    assert target.read_bytes() == before


def test_check_reports_duplicate_active_person(database, folder, capsys):
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.demo import households as demo
    demo.generate(database, auth.SYSTEM, 20, seed=1)
    a, b = database.execute("SELECT id, id_number FROM households WHERE status = 'active' LIMIT 2").fetchall()
    database.execute("UPDATE households SET id_number = ? WHERE id = ?", [a[1], b[0]])
    code, out, _ = run(capsys, "check")
    assert code == 1 and "同时在多个有效档案中" in out


def test_check_names_broken_audit_row(database, folder, capsys):
    database.execute("DROP TRIGGER audit_log_no_update")
    database.execute("UPDATE audit_log SET action = 'tampered' WHERE id = 2")
    code, out, _ = run(capsys, "check")
    assert code == 1 and "审计日志第 2 行" in out


def test_core_imports_leave_qt_unloaded():
    code = ("import sys; import helpdesk_gui.core.register.households, helpdesk_gui.core.register.search, helpdesk_gui.exchange, "
            "helpdesk_gui.printing, helpdesk_gui.cli; "
            "assert not any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules), 'Qt loaded'")
    src = str(Path(__file__).resolve().parents[2] / "src")
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
