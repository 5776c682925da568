"""Small reads the window needs beside a whole archive (``households.get_household``): one household's
scans, assistance records and audited changes, its name and number, the category a step proposes, and
the employers table behind the editor's 工作单位 field."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base.errors import NotFoundError
from helpdesk_gui.core.db import row, rows, scalar


def attachments_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    """The household's attached scans, oldest first."""
    return rows(db, "SELECT * FROM attachments WHERE household_id = ? ORDER BY id", [household_id])


def assistance_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    """The household's assistance records (帮扶记录), the latest payment first."""
    return rows(db, "SELECT * FROM assistance_records WHERE household_id = ? ORDER BY paid_date DESC", [household_id])


def changes_of(db: Database, archive_no: str) -> list[dict[str, Any]]:
    """Every audited change of the archive (at, username, action, before, after), newest first."""
    return audit.trail(db, "household", archive_no)


def name_and_number(db: Database, household_id: int) -> tuple[str, str]:
    """(户主姓名, 档案编号) of a household."""
    h = row(db, "SELECT name, archive_no FROM households WHERE id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    return str(h["name"]), str(h["archive_no"])


def category_or_suggested(db: Database, household_id: int) -> str | None:
    """The household's 困难类别, or the category the income test suggests when none is set yet."""
    value = scalar(db, "SELECT coalesce(category, category_suggested) FROM households WHERE id = ?", [household_id])
    return None if value is None else str(value)


def employer_names(db: Database, limit: int = 2000) -> list[str]:
    """Employer names in name order (the editor's 工作单位 list), at most ``limit``."""
    return [str(r["name"]) for r in rows(db, "SELECT name FROM employers ORDER BY name LIMIT ?", [limit])]


def employer_by_name(db: Database, name: str) -> dict[str, Any] | None:
    """The employer called ``name`` (id, name, nature, condition), or None."""
    return row(db, "SELECT id, name, nature, condition FROM employers WHERE name = ?", [name.strip()])
