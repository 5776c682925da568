"""Backups: verified copies, rotation, restore with a safety copy, one program per data folder."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from helpdesk_gui.cli import main
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import DatabaseRefused
from helpdesk_gui.core.base.instance import InstanceLock
from helpdesk_gui.core.base.netshare import is_network_path, warning
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft


def _count(path: Path, table: str = "households") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_backup_is_a_verified_copy_and_restore_round_trips(database, folder, clerk):
    demo.generate(database, auth.SYSTEM, 40, seed=3)
    made = backup.create(database, folder, "manual")
    assert made.path.parent == folder / "backups" and made.kind_label == "手动"
    assert not list((folder / "backups").glob("*.part"))
    assert backup.counts(made.path)["households"] == 40
    # a change after the backup ...
    register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "后来的", "id_number": ids.make("530122", dt.date(1981, 1, 1), 5), "cause_main": "3"}))
    assert _count(folder / "helpdesk.db") == 41
    database.conn.close()
    safety = backup.restore(folder, made.path)
    # ... is undone by the restore, and kept in the safety copy taken first
    assert _count(folder / "helpdesk.db") == 40
    assert safety is not None and safety.kind == "before_restore" and backup.counts(safety.path)["households"] == 41
    reopened = dbm.open_db(folder / "helpdesk.db")
    from helpdesk_gui.core import check
    assert check.run(reopened) == []
    reopened.conn.close()


def test_restore_refuses_foreign_or_broken_files(database, folder, tmp_path):
    database.conn.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 50)
    with pytest.raises(DatabaseRefused):
        backup.restore(folder, junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseRefused, match="不是帮扶中心工作台"):
        backup.restore(folder, other)
    assert _count(folder / "helpdesk.db", "users") == 5  # untouched


def test_rotation_keeps_7_daily_4_weekly_12_monthly(database, folder):
    start = dt.datetime(2025, 1, 1, 18, 0)
    for day in range(400):
        backup.write_copy(database, folder / "backups" / f"helpdesk-{start + dt.timedelta(days=day):%Y%m%d-%H%M%S}-daily.db")
    deleted = backup.rotate(folder, today=(start + dt.timedelta(days=399)).date())
    kept = backup.list_backups(folder)
    assert deleted and len(kept) <= 7 + 4 + 12
    days = [b.created.date() for b in kept]
    newest = (start + dt.timedelta(days=399)).date()
    assert all(newest - dt.timedelta(days=i) in days for i in range(7))        # the last 7 days
    assert len({(d.year, d.month) for d in days}) >= 12                      # one per month for a year


def test_cli_backup_and_restore(database, folder, capsys, tmp_path):
    out = tmp_path / "copy.db"
    database.conn.close()
    assert main(["backup", str(out)]) == 0 and out.exists()
    assert main(["backup", str(out)]) == 2                                  # refuses to overwrite
    assert main(["restore", str(out)]) == 0
    text = capsys.readouterr().out
    assert "已备份到" in text and "恢复前的数据库已备份到" in text and "已从" in text


def test_second_program_is_told_who_holds_the_folder(folder, capsys):
    folder.mkdir(parents=True, exist_ok=True)
    first = InstanceLock(folder)
    assert first.acquire()
    # a second holder in another process cannot take it (locks are per process: use a child)
    import subprocess
    import sys
    code = ("import sys; from pathlib import Path; from helpdesk_gui.core.base.instance import InstanceLock; "
            f"l = InstanceLock(Path({str(folder)!r})); ok = l.acquire(); h = l.holder(); "
            "print(ok, h.user if h else None, h.pid if h else None)")
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, capture_output=True, text=True)
    ok, user, pid = out.stdout.split()
    assert ok == "False" and pid == str(__import__("os").getpid())
    (folder / "whatever.db").write_bytes(b"")
    restore = subprocess.run([sys.executable, "-m", "helpdesk_gui", "--data-dir", str(folder), "restore",
                              str(folder / "whatever.db")], capture_output=True, text=True,
                             env={"PYTHONPATH": src, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": "admin1234"})
    assert restore.returncode == 1 and "正被另一个程序使用" in restore.stderr and str(os.getpid()) in restore.stderr
    first.release()
    again = InstanceLock(folder)
    assert again.acquire()
    again.release()


def test_local_folder_is_not_a_network_share(tmp_path):
    assert not is_network_path(tmp_path)
    assert warning(tmp_path) == ""


def test_rotation_never_deletes_manual_and_keeps_ten_safety_copies(database, folder):
    base = dt.datetime(2026, 3, 1, 9, 0)
    for i in range(12):
        stamp = base + dt.timedelta(minutes=i)
        backup.write_copy(database, folder / "backups" / f"helpdesk-{stamp:%Y%m%d-%H%M%S}-before_import.db")
    backup.write_copy(database, folder / "backups" / f"helpdesk-{base:%Y%m%d-%H%M%S}-manual.db")
    made = backup.create(database, folder, "exit", now=base + dt.timedelta(hours=1))
    kinds = [b.kind for b in backup.list_backups(folder)]
    assert kinds.count("before_import") == 10 and kinds.count("manual") == 1 and made.path.exists()


def test_a_second_backup_place_is_an_audited_setting(database, folder, clerk, admin, tmp_path):
    from helpdesk_gui.core.access import audit
    from helpdesk_gui.core.admin import settings
    from helpdesk_gui.core.base.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        backup.set_copy_dir(database, clerk, str(tmp_path / "usb"))
    (tmp_path / "usb").mkdir()
    backup.set_copy_dir(database, admin, str(tmp_path / "usb"))
    assert settings.get(database, "backup_copy_dir") == str(tmp_path / "usb")
    last = audit.query(database, audit.AuditFilter(entity="setting"), limit=1)[0]
    assert (last["username"], last["action"], last["entity_id"]) == ("admin", "put", "backup_copy_dir")
    info = backup.create(database, folder, "manual")
    assert (tmp_path / "usb" / info.path.name).is_file()
    backup.set_copy_dir(database, admin, "")
    assert settings.get(database, "backup_copy_dir") == ""


def test_exits_on_one_day_keep_the_days_first_backup_and_the_latest(database, folder, clerk):
    """Each exit used to push out the day's earlier backup, and with it the data as the day began."""
    morning = dt.datetime(2026, 3, 2, 8, 30)
    first = backup.create(database, folder, "daily", now=morning)              # the program's first start
    register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "上午录的", "id_number": ids.make("530122", dt.date(1980, 2, 2), 3), "cause_main": "3"}))
    noon = backup.create(database, folder, "exit", now=morning.replace(hour=12))
    register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "下午录的", "id_number": ids.make("530122", dt.date(1982, 3, 3), 7), "cause_main": "3"}))
    evening = backup.create(database, folder, "exit", now=morning.replace(hour=17, minute=45))
    kept = backup.list_backups(folder)
    assert [b.path for b in kept] == [evening.path, first.path] and not noon.path.exists()
    assert [b.label for b in kept] == ["退出时（当天最新）", "每日自动（当天第一份）"]
    assert backup.counts(first.path)["households"] == 0 and backup.counts(evening.path)["households"] == 2
    # the next days: each keeps its own first and latest, for 7 days; the oldest day then keeps one
    for day in range(1, 9):
        at = morning + dt.timedelta(days=day)
        backup.create(database, folder, "daily", now=at)
        backup.create(database, folder, "exit", now=at.replace(hour=18))
    kept = backup.list_backups(folder)
    recent = [b for b in kept if b.created.date() > (morning + dt.timedelta(days=1)).date()]
    assert len(recent) == 14 and {b.of_day for b in recent} == {"first", "latest"}
    assert len(kept) <= 2 * backup.KEEP_DAILY + backup.KEEP_WEEKLY + backup.KEEP_MONTHLY


def test_a_day_with_one_routine_backup_is_labelled_by_its_kind_only(database, folder):
    made = backup.create(database, folder, "daily", now=dt.datetime(2026, 3, 2, 8, 0))
    backup.create(database, folder, "manual", now=dt.datetime(2026, 3, 2, 9, 0))
    assert [b.label for b in backup.list_backups(folder)] == ["手动", "每日自动"] and made.of_day == ""


def test_after_a_normal_close_the_database_file_alone_has_the_last_write(database, folder, clerk, tmp_path):
    # another connection stays open (as a worker's may): SQLite's own last-close checkpoint would not run
    other = dbm.connect(folder / "helpdesk.db")
    register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "最后一笔", "id_number": ids.make("530122", dt.date(1979, 4, 4), 1), "cause_main": "3"}))
    wal = folder / "helpdesk.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    assert dbm.checkpoint(database)
    dbm.close(database)
    assert not wal.exists() or wal.stat().st_size == 0
    alone = tmp_path / "copied" / "helpdesk.db"
    alone.parent.mkdir()
    alone.write_bytes((folder / "helpdesk.db").read_bytes())                 # the file alone, no -wal beside it
    assert not alone.with_name("helpdesk.db-wal").exists()
    conn = sqlite3.connect(alone.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT name FROM households").fetchall() == [("最后一笔",)]
    finally:
        conn.close()
    other.conn.close()
