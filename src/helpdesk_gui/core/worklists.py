"""The clerk's worklists on the home page (工作台): what needs doing, with counts and the archives.

Each worklist is a SQL condition over active archives; later parts of the program (workflow,
reception, ledger) add theirs here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import rows


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    hint: str
    where: str  # condition on households h; parameters :year_ago, :today


WORKLISTS: tuple[Worklist, ...] = (
    Worklist("stale", "一年未更新的档案", "在档档案最近一年没有任何修改，请核实家庭情况是否变化",
             "h.status = 'active' AND h.updated_at < :year_ago"),
    Worklist("never_assisted", "从未帮扶的在档户", "已建档但还没有任何帮扶记录",
             "h.status = 'active' AND NOT EXISTS (SELECT 1 FROM assistance_records a WHERE a.household_id = h.id)"),
    Worklist("review_due", "到期应复核", "在档满一年且一年内未复核（年度复核）",
             "h.status = 'active' AND coalesce(h.last_review_date, h.created_date) < :year_ago"),
    Worklist("applications_open", "办理中的申请", "申请中、入户调查、公示中、待审批的档案",
             "h.status IN ('applying', 'visiting', 'publicity', 'pending')"),
)
_BY_KEY = {w.key: w for w in WORKLISTS}


def _params(today: _dt.date) -> dict[str, Any]:
    return {"year_ago": (today - _dt.timedelta(days=365)).isoformat(), "today": today.isoformat()}


def counts(db: Database, today: _dt.date | None = None) -> dict[str, int]:
    p = _params(today or _dt.date.today())
    return {w.key: int(db.execute(f"SELECT count(*) FROM households h WHERE {w.where}", p).fetchone()[0])
            for w in WORKLISTS}


def items(db: Database, key: str, *, limit: int = 200, today: _dt.date | None = None) -> list[dict[str, Any]]:
    w = _BY_KEY[key]
    p = {**_params(today or _dt.date.today()), "limit": limit}
    return rows(db, f"SELECT h.id, h.archive_no, h.name, h.township, h.status, h.category, h.updated_at, "
                    f"h.last_review_date FROM households h WHERE {w.where} ORDER BY h.updated_at LIMIT :limit", p)
