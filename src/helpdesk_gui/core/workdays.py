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

from helpdesk_gui.core import audit, settings
from helpdesk_gui.core.auth import Actor
from helpdesk_gui.core.db import row, rows, write
from helpdesk_gui.core.errors import ValidationError

#: The official schedules seeded by the migration (国务院办公厅关于节假日安排的通知): (day, kind, name).
SEED_HOLIDAYS: tuple[tuple[str, str, str], ...] = tuple(
    [(d, "off", n) for n, days in (
        ("元旦", ["2025-01-01"]),
        ("春节", [f"2025-01-{d}" for d in (28, 29, 30, 31)] + [f"2025-02-0{d}" for d in (1, 2, 3, 4)]),
        ("清明节", ["2025-04-04", "2025-04-05", "2025-04-06"]),
        ("劳动节", [f"2025-05-0{d}" for d in (1, 2, 3, 4, 5)]),
        ("端午节", ["2025-05-31", "2025-06-01", "2025-06-02"]),
        ("国庆节、中秋节", [f"2025-10-0{d}" for d in range(1, 9)]),
        ("元旦", ["2026-01-01", "2026-01-02", "2026-01-03"]),
        ("春节", [f"2026-02-{d}" for d in range(15, 24)]),
        ("清明节", ["2026-04-04", "2026-04-05", "2026-04-06"]),
        ("劳动节", [f"2026-05-0{d}" for d in (1, 2, 3, 4, 5)]),
        ("端午节", ["2026-06-19", "2026-06-20", "2026-06-21"]),
        ("中秋节", ["2026-09-25", "2026-09-26", "2026-09-27"]),
        ("国庆节", [f"2026-10-0{d}" for d in range(1, 8)]),
    ) for d in days]
    + [(d, "work", "调休上班") for d in (
        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")]
)


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


def seed_rows() -> list[tuple[str, str, str]]:
    return list(SEED_HOLIDAYS)


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
