"""Policy standards: 低保 and minimum wage per region and date, with the county default as fallback.

A region code may be a full 6-digit county code, a city (``530100``) or a province (``530000``);
the most specific standard in force on the date wins. The city sends these in batches.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.db import row, rows, write


@dataclass(frozen=True)
class Standard:
    region_code: str
    effective_from: str
    dibao_month_fen: int
    min_wage_month_fen: int


def _candidates(region: str) -> list[str]:
    region = (region or "").strip()
    if len(region) != 6 or not region.isdigit():
        return []
    return [region, region[:4] + "00", region[:2] + "0000"]


def lookup(db: Database, region_code: str, on: _dt.date | str) -> Standard:
    """The 低保 and minimum-wage standard for a region on a date."""
    day = on.isoformat() if isinstance(on, _dt.date) else on
    cands = _candidates(region_code) or _candidates(str(settings.get(db, "default_region_code")))
    if cands:
        r = row(db,
                "SELECT region_code, effective_from, dibao_month_fen, min_wage_month_fen FROM policy_standards "
                "WHERE region_code IN (?, ?, ?) AND effective_from <= ? "
                "ORDER BY CASE region_code WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END, effective_from DESC LIMIT 1",
                [*cands, day, cands[0], cands[1]])
        if r:
            return Standard(**r)
    return Standard("", "", int(settings.get(db, "default_dibao_month_fen")),
                    int(settings.get(db, "default_min_wage_month_fen")))


def put_standard(db: Database, actor: Actor, region_code: str, effective_from: str, dibao_month_fen: int,
                 min_wage_month_fen: int | None = None, source: str = "") -> None:
    """Add or replace the standard for (region, date). Runs in the caller's transaction if any."""
    actor.require("policy.edit")
    if not _candidates(region_code):
        raise ValidationError("地区代码", "应为 6 位行政区划代码", region_code)
    try:
        _dt.date.fromisoformat(effective_from)
    except ValueError:
        raise ValidationError("执行日期", "应为 YYYY-MM-DD", effective_from) from None
    if dibao_month_fen <= 0:
        raise ValidationError("低保标准", "应大于 0", dibao_month_fen)
    with write(db):
        old = row(db, "SELECT * FROM policy_standards WHERE region_code = ? AND effective_from = ?",
                  [region_code, effective_from])
        min_wage = min_wage_month_fen or (old["min_wage_month_fen"] if old else
                                          int(settings.get(db, "default_min_wage_month_fen")))
        db.execute(
            "INSERT INTO policy_standards (region_code, effective_from, dibao_month_fen, min_wage_month_fen, source) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (region_code, effective_from) DO UPDATE SET "
            "dibao_month_fen = excluded.dibao_month_fen, min_wage_month_fen = excluded.min_wage_month_fen, "
            "source = excluded.source",
            [region_code, effective_from, dibao_month_fen, min_wage, source])
        audit.record(db, actor.username, "put", "policy_standard", f"{region_code}@{effective_from}", old,
                     {"dibao_month_fen": dibao_month_fen, "min_wage_month_fen": min_wage, "source": source})


def list_standards(db: Database) -> list[dict[str, object]]:
    return rows(db, "SELECT * FROM policy_standards ORDER BY region_code, effective_from DESC")
