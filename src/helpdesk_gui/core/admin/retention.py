"""Retention (PIPL): archives past their keeping period lose their personal information.

Archives that exited (脱困) or were cancelled (注销) more than ``retention_years`` (default 10)
ago can be de-identified by an admin: names, ID numbers, contacts, addresses, bank details,
family members, income details and attachments go; the archive number, category, causes and the
payment records (帮扶记录, which back the ledger vouchers) stay, so statistics and accounts still add up.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.db import on_server, rows, write

PURGED_NAME = "（已清除）"


def cutoff(db: Database, today: _dt.date | None = None) -> _dt.date:
    today = today or _dt.date.today()
    years = int(settings.get(db, "retention_years"))
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def due(db: Database, today: _dt.date | None = None) -> list[dict[str, Any]]:
    """Closed archives whose exit date is older than the retention period and not yet cleared."""
    return rows(db, "SELECT id, archive_no, status, exit_date FROM households WHERE status IN ('exited', 'cancelled') "
                    "AND exit_date IS NOT NULL AND exit_date < ? AND name <> ? ORDER BY exit_date",
                [cutoff(db, today).isoformat(), PURGED_NAME])


def _secure_delete(db: Database, on: bool) -> None:
    """SQLite: overwrite freed pages while purging, so no forensic traces are left in the file. A PostgreSQL
    server has no such switch (its VACUUM reclaims dead rows; the server's own disks are the centre's)."""
    if not on_server(db):
        db.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")


def deidentify(db: Database, actor: Actor, household_ids: Sequence[int], folder: Path | None = None,
               today: _dt.date | None = None) -> int:
    """Clear the personal information of these archives (only those past retention). Returns how many."""
    actor.require("settings.edit")
    eligible = {int(r["id"]): str(r["archive_no"]) for r in due(db, today)}
    chosen = [hid for hid in household_ids if hid in eligible]
    files: list[str] = []
    _secure_delete(db, True)
    try:
        with write(db):
            for hid in chosen:
                files += [r[0] for r in db.execute("SELECT file_name FROM attachments WHERE household_id = ?", [hid])]
                for table in ("members", "income_items", "rigid_expenses", "exclusions", "attachments"):
                    db.execute(f"DELETE FROM {table} WHERE household_id = ?", [hid])
                db.execute(
                    "UPDATE households SET name = ?, name_pinyin = '', name_initials = '', id_number = '', id_rev = '', "
                    "birth_date = NULL, phone = '', phone_rev = '', other_contact = '', address = '', "
                    "hukou_region_code = '', bank_name = '', bank_branch = '', bank_account = '', remarks = '', "
                    "cause_other_text = '', status_note = '' WHERE id = ?", [PURGED_NAME, hid])
                audit.record(db, actor.username, "purge", "household", eligible[hid], None,
                             {"reason": "超过保存期限，清除个人信息"}, households=[hid])
    finally:
        _secure_delete(db, False)
    if folder is not None:
        still_used = {r[0] for r in db.execute("SELECT file_name FROM attachments")}
        for name in set(files) - still_used:
            (folder / name).unlink(missing_ok=True)
    return len(chosen)
