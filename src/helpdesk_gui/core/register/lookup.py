"""Small reads the window needs beside a whole archive (``households.get_household``): one household's
scans, assistance records and audited changes, its name and number, the category a step proposes, and
the employers table behind the editor's 工作单位 field, and the live check of an ID number as it is typed."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import NotFoundError, ValidationError
from helpdesk_gui.core.db import row, rows, scalar
from helpdesk_gui.core.register import households


def attachments_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    """The household's attached scans, oldest first."""
    return rows(db, "SELECT * FROM attachments WHERE household_id = ? ORDER BY id", [household_id])


def assistance_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    """The household's assistance records (帮扶记录), the latest payment first."""
    return rows(db, "SELECT * FROM assistance_records WHERE household_id = ? ORDER BY paid_date DESC, id DESC",
                [household_id])


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


@dataclass(frozen=True)
class IdCheck:
    """A 公民身份号码 as typed: the number read from it (with its birth date and sex), why a save would refuse
    it ('' when it would not) and what to check by eye."""

    parsed: ids.IdNumber | None
    problem: str = ""
    warnings: tuple[str, ...] = ()


def check_id_number(db: Database, text: str, *, exclude_household: int | None = None,
                    today: _dt.date | None = None) -> IdCheck:
    """The one live check of an ID number in the editor, for the household head and each member alike: the
    number itself (length, date, check digit: ``ids.parse``, as the save checks it) and whether another
    active archive already holds the person. An empty text is no number and no problem: the caller says
    whether the field may stay empty."""
    if not text.strip():
        return IdCheck(None)
    try:
        parsed = ids.parse(text, today=today)
    except ValidationError as e:
        return IdCheck(None, e.reason)
    other = households.find_active_person(db, parsed.value, exclude_household=exclude_household)
    problem = f"此号码已在有效档案 {other[0]} 中登记为{other[1]}" if other else ""
    return IdCheck(parsed, problem, parsed.warnings)
