"""Periods and closing (结账): monthly and yearly. A closed period takes no entries.

* Months close in order, after they have ended: a month closes only when the month before it is
  closed (or the books have no entry before it). Closing stores every fund's balance at the end of
  the month (the figures carried forward), and ``helpdesk check`` compares them with the entries.
* A year closes once its December is closed.
* Reopening (反结账) is for the admin only, needs a reason, and reopens the period together with
  every later closed one (the books stay closed in order); both are in the append-only
  ``ledger_period_log`` and in the audit trail.

The schema refuses an entry dated inside a closed period (trigger), whatever the caller does.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import StateError, ValidationError
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write


def label(period: str) -> str:
    """``2026-03`` → ``2026年3月``; ``2026`` → ``2026年度``."""
    if len(period) == 4:
        return f"{period}年度"
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def bounds(period: str) -> tuple[str, str]:
    """First and last day of ``YYYY-MM`` or ``YYYY``."""
    if re.fullmatch(r"\d{4}", period):
        return f"{period}-01-01", f"{period}-12-31"
    m = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValidationError("期间", "应写成 2026-03（月）或 2026（年）", period)
    year, month = int(m.group(1)), int(m.group(2))
    return f"{period}-01", f"{period}-{calendar.monthrange(year, month)[1]:02d}"


def month_of(day: _dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _previous_month(period: str) -> str:
    year, month = (int(p) for p in period.split("-"))
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def closed_containing(db: Database, day: str) -> dict[str, Any] | None:
    """The closed period (month or year) a date falls in, if any."""
    return row(db, "SELECT * FROM ledger_periods WHERE ? BETWEEN start_date AND end_date "
                   "ORDER BY kind = 'year' DESC LIMIT 1", [day])


def require_open(db: Database, day: _dt.date) -> None:
    closed = closed_containing(db, day.isoformat())
    if closed is not None:
        raise StateError(f"{label(closed['period'])}已结账（{closed['closed_by']}，{str(closed['closed_at'])[:10]}），"
                         f"不能再记入日期为 {day.isoformat()} 的凭证；更正请在未结账的期间做红字冲销，"
                         "确需补记请由管理员反结账。")


def is_closed(db: Database, period: str) -> bool:
    return bool(scalar(db, "SELECT 1 FROM ledger_periods WHERE period = ?", [period]))


def balances_at(db: Database, day: str) -> dict[str, int]:
    """Every fund's balance at the end of ``day`` (fund id as text, for JSON)."""
    sums = {int(f): int(s) for f, s in db.execute(
        "SELECT fund_id, sum(amount_fen) FROM ledger_entries WHERE entry_date <= ? GROUP BY fund_id", [day])}
    return {str(f): sums.get(int(f), 0) for (f,) in db.execute("SELECT id FROM funds ORDER BY id")}


@dataclass(frozen=True)
class MonthState:
    period: str
    closed: bool
    closed_at: str
    closed_by: str
    entries: int


def year_status(db: Database, year: int) -> list[MonthState]:
    """The twelve months of a year: closed or not, and how many entries each has."""
    closed = {r["period"]: r for r in rows(db, "SELECT period, closed_at, closed_by FROM ledger_periods "
                                               "WHERE kind = 'month' AND period LIKE ?", [f"{year:04d}-%"])}
    counts = {str(m): int(n) for m, n in db.execute(
        "SELECT substr(entry_date, 1, 7), count(*) FROM ledger_entries WHERE entry_date BETWEEN ? AND ? GROUP BY 1",
        [f"{year:04d}-01-01", f"{year:04d}-12-31"])}
    out = []
    for month in range(1, 13):
        p = f"{year:04d}-{month:02d}"
        c = closed.get(p)
        out.append(MonthState(p, c is not None, str(c["closed_at"]) if c else "", str(c["closed_by"]) if c else "",
                              counts.get(p, 0)))
    return out


def next_to_close(db: Database) -> str | None:
    """The earliest month that is not closed and has entries or follows a closed month."""
    last = scalar(db, "SELECT max(period) FROM ledger_periods WHERE kind = 'month'")
    if last:
        year, month = (int(p) for p in str(last).split("-"))
        return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"
    first = scalar(db, "SELECT min(entry_date) FROM ledger_entries")
    return str(first)[:7] if first else None


def _log(db: Database, actor: Actor, period: str, action: str, reason: str, balances: dict[str, int] | None) -> None:
    db.execute("INSERT INTO ledger_period_log (period, action, at, by_user, reason, balances) VALUES (?, ?, ?, ?, ?, ?)",
               [period, action, now_iso(), actor.username, reason,
                None if balances is None else json.dumps(balances, ensure_ascii=False)])


def close_month(db: Database, actor: Actor, period: str, *, today: _dt.date | None = None) -> dict[str, int]:
    """结账 for one month. Returns the closing balances (fund id → fen)."""
    actor.require("ledger.close")
    start, end = bounds(period)
    if len(period) != 7:
        raise ValidationError("结账月份", "应写成 2026-03", period)
    today = today or _dt.date.today()
    if end >= today.isoformat():
        raise StateError(f"{label(period)}还没有结束（{end} 止），月末之后才能结账。")
    with write(db):
        if is_closed(db, period):
            raise StateError(f"{label(period)}已经结账。")
        prev = _previous_month(period)
        if not is_closed(db, prev) and scalar(db, "SELECT 1 FROM ledger_entries WHERE entry_date < ? LIMIT 1", [start]):
            raise StateError(f"须按月份顺序结账：{label(prev)}还没有结账。")
        balances = balances_at(db, end)
        at = now_iso()
        db.execute("INSERT INTO ledger_periods (period, kind, start_date, end_date, closed_at, closed_by, balances) "
                   "VALUES (?, 'month', ?, ?, ?, ?, ?)", [period, start, end, at, actor.username, json.dumps(balances)])
        _log(db, actor, period, "close", "", balances)
        audit.record(db, actor.username, "close", "ledger_period", period, None, {"balances": balances})
    return balances


def close_year(db: Database, actor: Actor, year: int, *, today: _dt.date | None = None) -> dict[str, int]:
    """年度结账: once December is closed."""
    actor.require("ledger.close")
    period = f"{year:04d}"
    start, end = bounds(period)
    with write(db):
        if is_closed(db, period):
            raise StateError(f"{label(period)}已经结账。")
        if not is_closed(db, f"{year:04d}-12"):
            missing = [m.period for m in year_status(db, year) if not m.closed]
            raise StateError(f"年度结账前须先结完 12 个月，{label(missing[0])}还没有结账。")
        balances = balances_at(db, end)
        db.execute("INSERT INTO ledger_periods (period, kind, start_date, end_date, closed_at, closed_by, balances) "
                   "VALUES (?, 'year', ?, ?, ?, ?, ?)", [period, start, end, now_iso(), actor.username,
                                                       json.dumps(balances)])
        _log(db, actor, period, "close", "", balances)
        audit.record(db, actor.username, "close", "ledger_period", period, None, {"balances": balances})
    return balances


def reopen(db: Database, actor: Actor, period: str, reason: str) -> list[str]:
    """反结账 (admin only): the period and every later closed period are opened again. Returns them."""
    actor.require("ledger.reopen")
    reason = reason.strip()
    if not reason:
        raise ValidationError("反结账原因", "必须填写")
    start, end = bounds(period)
    with write(db):
        if not is_closed(db, period):
            raise StateError(f"{label(period)}没有结账，无需反结账。")
        # a month reopens with everything after it (and its year); a year keeps its months closed
        after = end if len(period) == 4 else start
        affected = rows(db, "SELECT * FROM ledger_periods WHERE period = ? OR end_date > ? OR "
                            "(kind = 'year' AND end_date >= ?) ORDER BY start_date DESC, kind = 'year' DESC",
                        [period, after, after])
        for p in affected:
            db.execute("DELETE FROM ledger_periods WHERE period = ?", [p["period"]])
            _log(db, actor, p["period"], "reopen", reason, None)
            audit.record(db, actor.username, "reopen", "ledger_period", p["period"],
                         {"closed_at": p["closed_at"], "closed_by": p["closed_by"]}, {"reason": reason})
    return [str(p["period"]) for p in affected]


def log(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM ledger_period_log ORDER BY id DESC LIMIT ?", [limit])
