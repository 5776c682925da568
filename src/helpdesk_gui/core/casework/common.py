"""Small helpers shared by the reception log, the visits and pairs, and the service cases:
serial numbers, dates, required text, phones and ID numbers checked the same way everywhere."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.core.base.errors import NotFoundError, ValidationError
from helpdesk_gui.core.db import scalar

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$", re.ASCII)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)


def next_number(db: Database, prefix: str, year: int) -> str:
    """``JD2026000001``: the next serial for prefix + year (inside the caller's transaction)."""
    key = f"{prefix}{year:04d}"
    db.execute("INSERT INTO reception_serials (prefix, last_serial) VALUES (?, 1) ON CONFLICT (prefix) DO UPDATE "
               "SET last_serial = reception_serials.last_serial + 1", [key])
    serial = int(scalar(db, "SELECT last_serial FROM reception_serials WHERE prefix = ?", [key]))
    return f"{key}{serial:06d}"


def text(value: Any, field: str, *, required: bool = True, max_len: int = 2000) -> str:
    clean = unicodedata.normalize("NFC", str(value or "")).strip()
    if required and not clean:
        raise ValidationError(field, "不能为空")
    if len(clean) > max_len:
        raise ValidationError(field, f"不能超过 {max_len} 个字", clean[:20] + "…")
    return clean


def day(value: _dt.date | str | None, field: str, *, default: _dt.date | None = None) -> _dt.date:
    if value is None or value == "":
        if default is None:
            raise ValidationError(field, "不能为空")
        return default
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(field, "格式应为 YYYY-MM-DD", value) from None


def not_future(d: _dt.date, today: _dt.date, field: str) -> None:
    if d > today:
        raise ValidationError(field, "不能晚于今天", d.isoformat())


def not_before(d: _dt.date, earliest: str | _dt.date, field: str, what: str) -> None:
    first = earliest if isinstance(earliest, str) else earliest.isoformat()
    if d.isoformat() < first:
        raise ValidationError(field, f"不能早于{what} {first}", d.isoformat())


def phone(value: Any, field: str = "联系电话") -> str:
    clean = "".join(unicodedata.normalize("NFKC", str(value or "")).split())
    if clean and not _PHONE.match(clean):
        raise ValidationError(field, "应为 11 位手机号码或带区号的固定电话", clean)
    return clean


def clock(value: Any, field: str = "接待时间") -> str:
    clean = unicodedata.normalize("NFKC", str(value or "")).strip()
    if clean and not _TIME.match(clean):
        raise ValidationError(field, "格式应为 HH:MM（如 09:30）", clean)
    return clean


def id_number(value: Any, field: str = "公民身份号码", *, today: _dt.date | None = None) -> str:
    clean = ids.normalise(str(value or ""))
    if not clean:
        return ""
    try:
        return ids.parse(clean, today=today).value
    except ValidationError as e:
        raise ValidationError(field, e.reason, value) from None


def code(book: codes.CodeBook, list_name: str, value: Any, field: str) -> str:
    v = str(value or "")
    if not book.has_code(list_name, v):
        allowed = "、".join(i.label for i in book.items(list_name))
        raise ValidationError(field, f"须从{allowed}中选择", value)
    return v


def money(value: Any, field: str) -> int:
    fen = int(value or 0)
    if fen < 0:
        raise ValidationError(field, "不能为负数", fen / 100)
    return fen


def household(db: Database, household_id: int | None) -> dict[str, Any] | None:
    if household_id is None:
        return None
    cur = db.execute("SELECT id, archive_no, name, id_number, status FROM households WHERE id = ?", [household_id])
    r = cur.fetchone()
    if r is None:
        raise NotFoundError("档案", household_id)
    return dict(zip([d[0] for d in cur.description], r))

