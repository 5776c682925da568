"""Backups through SQLite's online backup API: verified, rotated, restorable.

A backup is written to ``backups/<name>.db.part``, checked with ``integrity_check``, fsynced and
only then renamed, so a half-written file never looks like a backup. Routine backups (daily, on
exit) are rotated: for each of the last 7 days the day's first and its newest (the data as the day began
and as it ended: a day's later exits no longer wipe out the morning's state), then the newest per week
for 4 weeks and per month for 12 months.
Safety backups (before an import, a restore or an upgrade) keep the newest 10 of each kind.
Manual backups are never deleted; ``helpdesk backup OUT.db`` writes where it is told.

Every backup carries the audit trail's anchor (rows, last row, signed: ``core.access.keyring``) of
its own chain in its ``meta`` table (key ``audit_anchor``); a restore writes it back as the data
folder's ``audit.anchor``, so the restored chain checks against its own anchor, not the newer one
of the database it replaced. The audit key itself is never put in a backup.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import audit, chain, keyring
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import DatabaseRefused, HelpdeskError, StateError
from helpdesk_gui.core.base.paths import db_path

KINDS = {"daily": "每日自动", "exit": "退出时", "before_import": "导入前", "before_restore": "恢复前",
         "manual": "手动", "before_migration": "升级前"}
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
KEEP_SAFETY = 10
ROUTINE = frozenset({"daily", "exit"})
#: a routine backup's place in its day, when the day has more than one (both are kept for 7 days)
OF_DAY = {"first": "当天第一份", "latest": "当天最新"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    created: _dt.datetime
    size: int
    #: "first" or "latest" among the routine backups of its day (set by ``list_backups``), else ""
    of_day: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """What the backup page shows: the kind, and for a routine backup its place in the day."""
        return f"{self.kind_label}（{OF_DAY[self.of_day]}）" if self.of_day else self.kind_label


def set_copy_dir(db: Database, actor: Actor, folder: str) -> None:
    """Where every backup is copied as well (a USB stick, an external disk); '' copies nowhere."""
    actor.require("backup.manage")
    with dbm.write(db):
        old = settings.get(db, "backup_copy_dir")
        settings.put(db, "backup_copy_dir", folder)
        audit.record(db, actor.username, "put", "setting", "backup_copy_dir", old, folder)


def backups_dir(folder: Path) -> Path:
    return folder / "backups"


def remove_stale_parts(folder: Path) -> int:
    """Half-written copies left by a backup that was killed (``*.part`` in ``backups/``); call only while holding
    the data folder's lock, so no backup of this folder can be running. Returns how many were removed."""
    removed = 0
    for part in backups_dir(folder).glob("*.part"):
        part.unlink(missing_ok=True)
        removed += 1
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_copy(db: Database, target: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Copy the open database to ``target`` (online backup API), verify it, then move it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")   # never another copy's
    dest = sqlite3.connect(str(part))
    try:
        def step(_status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)
        db.conn.backup(dest, pages=1024, progress=step)
        dest.execute("PRAGMA journal_mode = DELETE")
        _put_anchor(db, dest)
        result = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if result != "ok":
        part.unlink(missing_ok=True)
        raise HelpdeskError(f"备份文件校验失败（{result}），未保留该备份。请检查磁盘后重试。")
    _fsync(part)
    part.replace(target)


ANCHOR_META = "audit_anchor"


def _put_anchor(db: Database, dest: sqlite3.Connection) -> None:
    """The anchor of the copy's own chain, signed with the data folder's key, into the copy's ``meta``."""
    key = chain.state(db).key
    if key is None:
        return
    anchor = chain.anchor_of(Database(dest, execute_plugins=False), key)
    with dest:
        if anchor is None:
            dest.execute("DELETE FROM meta WHERE key = ?", [ANCHOR_META])
        else:
            dest.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "value = excluded.value", [ANCHOR_META, anchor.to_json()])


def _take_anchor(folder: Path, dest: sqlite3.Connection, text: str | None) -> None:
    """After a restore: the backup's anchor becomes the data folder's (none: the folder's old one goes)."""
    if text is None:
        keyring.remove_anchor(folder)
        return
    keyring.write_anchor(folder, keyring.Anchor.from_json(text))
    with dest:
        dest.execute("DELETE FROM meta WHERE key = ?", [ANCHOR_META])


def create(db: Database, folder: Path, kind: str = "daily", *, now: _dt.datetime | None = None,
           progress: Callable[[int, int], None] | None = None) -> BackupInfo:
    """An automatic backup into the data folder's ``backups/`` (then rotated, then copied if configured).
    A register on the centre's server is backed up on the server (README: 服务器), not by each desk."""
    if dbm.on_server(db):
        raise StateError(f"档案库在本中心的服务器（{getattr(db, 'shown', '')}）上，由服务器统一备份（见说明书“服务器”一节），"
                         "本机不另做备份。")
    now = now or _dt.datetime.now()
    target = backups_dir(folder) / f"helpdesk-{now:%Y%m%d-%H%M%S}-{kind}.db"
    n = 1
    while target.exists():
        n += 1
        target = backups_dir(folder) / f"helpdesk-{now:%Y%m%d-%H%M%S}-{kind}-{n}.db"
    write_copy(db, target, progress)
    rotate(folder, today=now.date())
    copy_dir = str(settings.get(db, "backup_copy_dir") or "")
    if copy_dir:
        try:
            Path(copy_dir).mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, Path(copy_dir) / target.name)
        except OSError as e:
            raise HelpdeskError(f"备份已保存在 {target}，但复制到第二位置 {copy_dir} 失败：{e.strerror or e}。"
                                "请检查 U 盘或移动硬盘是否已连接。") from None
    return info(target)


def info(path: Path) -> BackupInfo:
    parts = path.stem.split("-")
    try:
        created = _dt.datetime.strptime(parts[1] + parts[2], "%Y%m%d%H%M%S")
        kind = parts[3]
    except (IndexError, ValueError):
        created = _dt.datetime.fromtimestamp(path.stat().st_mtime)
        kind = "manual"
    return BackupInfo(path, kind, created, path.stat().st_size)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Newest first; on a day with several routine backups the first and the newest are marked (``of_day``)."""
    d = backups_dir(folder)
    if not d.is_dir():
        return []
    found = sorted((info(p) for p in d.glob("helpdesk-*.db")), key=lambda b: b.created, reverse=True)
    days: dict[_dt.date, list[int]] = {}
    for i, b in enumerate(found):
        if b.kind in ROUTINE:
            days.setdefault(b.created.date(), []).append(i)
    for at in days.values():
        if len(at) > 1:
            found[at[0]] = replace(found[at[0]], of_day="latest")
            found[at[-1]] = replace(found[at[-1]], of_day="first")
    return found


def counts(path: Path) -> dict[str, int]:
    """Households, members and audit rows in a backup file (read-only)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        out = {}
        for table in ("households", "members", "assistance_records", "audit_log"):
            try:
                out[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            except sqlite3.DatabaseError:
                out[table] = 0
        return out
    finally:
        conn.close()


def rotate(folder: Path, *, today: _dt.date | None = None) -> list[Path]:
    """Delete routine backups (daily, on exit) outside 7 days (each day's first and newest) / 4 weekly /
    12 monthly, and safety backups (before an import, restore or upgrade) beyond the newest ``KEEP_SAFETY``
    of each kind. Manual backups are never deleted. Returns what was deleted."""
    today = today or _dt.date.today()
    keep: set[Path] = set()
    everything = list_backups(folder)  # newest first
    backups = [b for b in everything if b.kind in ROUTINE]
    safety: dict[str, list[BackupInfo]] = {}
    for b in everything:
        if b.kind not in ROUTINE and b.kind != "manual":
            safety.setdefault(b.kind, []).append(b)
    day_seen: dict[_dt.date, Path] = {}
    day_first: dict[_dt.date, Path] = {}
    week_seen: dict[tuple[int, int], Path] = {}
    month_seen: dict[tuple[int, int], Path] = {}
    for b in backups:
        d = b.created.date()
        day_seen.setdefault(d, b.path)
        day_first[d] = b.path  # newest first: the last one seen is the day's first
        week_seen.setdefault(d.isocalendar()[:2], b.path)
        month_seen.setdefault((d.year, d.month), b.path)
    for d in list(day_seen)[:KEEP_DAILY]:
        keep.update((day_seen[d], day_first[d]))
    keep.update(list(week_seen.values())[:KEEP_WEEKLY])
    keep.update(list(month_seen.values())[:KEEP_MONTHLY])
    doomed = [b for b in backups if b.path not in keep]
    for group in safety.values():
        doomed += group[KEEP_SAFETY:]
    for b in doomed:
        b.path.unlink(missing_ok=True)
    return [b.path for b in doomed]


def has_backup_today(folder: Path, today: _dt.date | None = None) -> bool:
    today = today or _dt.date.today()
    return any(b.created.date() == today for b in list_backups(folder))


def restore(folder: Path, source: Path) -> BackupInfo | None:
    """Replace the database of ``folder`` with ``source`` (which must be our database and intact).

    The current database, if any, is backed up first (kind ``before_restore``). No connection to the
    current database may be open in this process while restoring.
    """
    if not source.is_file():
        raise DatabaseRefused(f"找不到备份文件 {source}。")
    dbm.check_file(source)
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        result = src.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise DatabaseRefused(f"备份文件 {source} 已损坏（{result}），未做恢复。")
        if src.execute("PRAGMA application_id").fetchone()[0] != dbm.APPLICATION_ID:
            raise DatabaseRefused(f"文件 {source} 不是帮扶中心工作台的数据库，未做恢复。")
        try:
            anchor = src.execute("SELECT value FROM meta WHERE key = ?", [ANCHOR_META]).fetchone()
        except sqlite3.DatabaseError:
            anchor = None
        target = db_path(folder)
        safety: BackupInfo | None = None
        if target.exists():
            current = dbm.open_db(target)
            try:
                safety = create(current, folder, "before_restore")
            finally:
                current.conn.close()
        dest = sqlite3.connect(str(target))
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = WAL")
            _take_anchor(folder, dest, str(anchor[0]) if anchor else None)
        finally:
            dest.close()
    finally:
        src.close()
    return safety

