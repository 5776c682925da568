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
