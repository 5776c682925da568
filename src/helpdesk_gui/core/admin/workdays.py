"""Working days and holidays: how long a 公示 runs and when it ends.

A publicity period is at least N days (setting ``publicity_days``), counted as calendar days or,
with ``publicity_working_days``, as working days. Working days are Monday to Friday, except the
public holidays in the ``holidays`` table (kind ``off``), plus the weekend days the State Council
moves to work (调休上班, kind ``work``). The table is configurable: each year's schedule is entered
once the 国务院办公厅 notice is out (the migration seeds 2025 and 2026).

The period includes its first day; ``end`` is its last day. Objections may be raised up to and
including ``end``; the application can be approved from the day after.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.db import row, rows, write

# The official schedules (国务院办公厅关于节假日安排的通知) of 2025–2026 are seeded by migration 0002
# (``migrations.m0002_seed.HOLIDAY_ROWS``); later years are entered on the settings page.


@dataclass(frozen=True)
class Calendar:
    """Holiday adjustments: day → ``off`` (holiday on a weekday) or ``work`` (weekend made a working day)."""

    adjustments: Mapping[str, str]

    def is_working_day(self, day: _dt.date) -> bool:
        kind = self.adjustments.get(day.isoformat())
        if kind == "off":
            return False
        if kind == "work":
            return True
        return day.weekday() < 5

    def period_end(self, start: _dt.date, days: int, *, working: bool) -> _dt.date:
        """The last day of a period of ``days`` days starting on ``start`` (``start`` counts if it is one)."""
        if days < 1:
            raise ValidationError("公示天数", "至少为 1 天", days)
        if not working:
            return start + _dt.timedelta(days=days - 1)
        day, counted = start, 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted == days:
                    return day
            day += _dt.timedelta(days=1)

    def working_days_between(self, first: _dt.date, last: _dt.date) -> int:
        """Working days in ``first`` … ``last``, both included."""
        n, day = 0, first
        while day <= last:
            n += self.is_working_day(day)
            day += _dt.timedelta(days=1)
        return n


def load(db: Database) -> Calendar:
    return Calendar({str(r["day"]): str(r["kind"]) for r in rows(db, "SELECT day, kind FROM holidays")})


@dataclass(frozen=True)
class PublicityRule:
    days: int
    working: bool

    def describe(self) -> str:
        return f"{self.days} 个工作日" if self.working else f"{self.days} 天（自然日）"


def publicity_rule(db: Database) -> PublicityRule:
    return PublicityRule(int(settings.get(db, "publicity_days")), bool(settings.get(db, "publicity_working_days")))


def publicity_end(db: Database, start: _dt.date) -> tuple[_dt.date, PublicityRule]:
    """The last day of a 公示 starting on ``start`` under the current settings, and the rule used."""
    rule = publicity_rule(db)
    return load(db).period_end(start, rule.days, working=rule.working), rule


def list_holidays(db: Database, year: int | None = None) -> list[dict[str, object]]:
    if year is None:
        return rows(db, "SELECT day, kind, name FROM holidays ORDER BY day")
    return rows(db, "SELECT day, kind, name FROM holidays WHERE day >= ? AND day < ? ORDER BY day",
                [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"])


def _day(value: str | _dt.date) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError("日期", "格式应为 YYYY-MM-DD", value) from None


def put_holidays(db: Database, actor: Actor, entries: Iterable[tuple[str | _dt.date, str, str]]) -> int:
    """Add or replace calendar adjustments (day, ``off``/``work``, name). Returns how many were written."""
    actor.require("settings.edit")
    clean: list[tuple[str, str, str]] = []
    for value, kind, name in entries:
        day = _day(value)
        if kind not in ("off", "work"):
            raise ValidationError("日历调整", "应为“放假”或“调休上班”", kind)
        if kind == "work" and day.weekday() < 5:
            raise ValidationError("调休上班", f"{day} 本来就是工作日", day.isoformat())
        if kind == "off" and day.weekday() >= 5 and not name.strip():
            raise ValidationError("放假", f"{day} 是周末，请写明节日名称", day.isoformat())
        clean.append((day.isoformat(), kind, name.strip() or ("调休上班" if kind == "work" else "节假日")))
    with write(db):
        for day_iso, kind, name in clean:
            before = row(db, "SELECT kind, name FROM holidays WHERE day = ?", [day_iso])
            db.execute("INSERT INTO holidays (day, kind, name) VALUES (?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                       "kind = excluded.kind, name = excluded.name", [day_iso, kind, name])
            audit.record(db, actor.username, "put", "holiday", day_iso, before, {"kind": kind, "name": name})
    return len(clean)


def delete_holiday(db: Database, actor: Actor, day: str | _dt.date) -> bool:
    actor.require("settings.edit")
    day_iso = _day(day).isoformat()
    with write(db):
        before = row(db, "SELECT kind, name FROM holidays WHERE day = ?", [day_iso])
        if before is None:
            return False
        db.execute("DELETE FROM holidays WHERE day = ?", [day_iso])
        audit.record(db, actor.username, "delete", "holiday", day_iso, before, None)
    return True
