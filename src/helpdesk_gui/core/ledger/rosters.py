"""The lists printed forms are made of: payment rosters (发放花名册), publicity lists (公示名单),
a household's assistance records, and the print log for revealed personal data.

A roster is chosen by a ``RosterQuery``: a project (帮扶项目 code) with a period, or an explicit
list of assistance records. The workflow and ledger parts feed their decisions and payments
into ``roster_rows`` through the same query (``record_ids``), so every roster prints one way.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.db import rows, write
from helpdesk_gui.core.db.where import Where


@dataclass(frozen=True)
class RosterQuery:
    """Which assistance records make a roster.

    ``project`` is a code of the ``project`` list (None: every project); ``date_from``/``date_to``
    bound the payment date (inclusive, ISO dates); ``record_nos`` or ``record_ids`` name the
    records outright (a decision list, a payment batch) and then the other fields only filter.
    """

    project: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    record_ids: tuple[int, ...] = ()
    record_nos: tuple[str, ...] = ()

    def describe(self, book: codes.CodeBook) -> str:
        parts = [book.label("project", self.project) if self.project else "全部项目"]
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '……'} 至 {self.date_to or '……'}")
        if self.record_ids or self.record_nos:
            parts.append(f"指定 {len(self.record_ids) + len(self.record_nos)} 条记录")
        return "，".join(parts)


_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


def parse_period(text: str, field: str = "期间") -> tuple[str, str]:
    """``2026`` / ``2026-03`` / ``2026-Q1`` / ``2026-03-01..2026-03-31`` → (first day, last day)."""
    t = text.strip()
    try:
        if ".." in t:
            a, b = (p.strip() for p in t.split("..", 1))
            start, end = _dt.date.fromisoformat(a), _dt.date.fromisoformat(b)
        elif m := _QUARTER.match(t):
            year, q = int(m.group(1)), int(m.group(2))
            start = _dt.date(year, 3 * q - 2, 1)
            end = _dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        elif re.fullmatch(r"\d{4}", t):
            start, end = _dt.date(int(t), 1, 1), _dt.date(int(t), 12, 31)
        elif re.fullmatch(r"\d{4}-\d{1,2}", t):
            year, month = (int(p) for p in t.split("-"))
            start = _dt.date(year, month, 1)
            end = _dt.date(year, month, calendar.monthrange(year, month)[1])
        else:
            start = end = _dt.date.fromisoformat(t)
    except ValueError:
        raise ValidationError(field, "应写成 2026、2026-03、2026-Q1 或 2026-03-01..2026-03-31", text) from None
    if end < start:
        raise ValidationError(field, "结束日期早于开始日期", text)
    return start.isoformat(), end.isoformat()


def parse_project_id(book: codes.CodeBook, text: str) -> RosterQuery:
    """The ``--project ID`` of ``helpdesk print``: ``PROJECT[:PERIOD]`` or ``records:NO,NO,...``.

    PROJECT is a code or label of the 帮扶项目 list (``4``, ``送温暖``, ``金秋助学``); PERIOD as in
    ``parse_period``. ``records:`` lists 帮扶记录编号 outright.
    """
    t = text.strip()
    if not t:
        raise ValidationError("项目", "不能为空")
    head, sep, rest = t.partition(":")
    if head.strip().lower() == "records":
        nos = tuple(n.strip() for n in re.split(r"[,，、\s]+", rest) if n.strip())
        if not nos:
            raise ValidationError("帮扶记录编号", "records: 后面应列出记录编号，用逗号分隔", text)
        return RosterQuery(record_nos=nos)
    project = book.code("project", head.strip(), field="帮扶项目")
    if not sep:
        return RosterQuery(project=project)
    start, end = parse_period(rest, "项目期间")
    return RosterQuery(project=project, date_from=start, date_to=end)


_ROSTER_SELECT = """
SELECT a.id, a.record_no, a.project, a.fund_source, a.amount_fen, a.paid_date, a.method, a.approver,
       a.remarks, a.origin, h.id AS household_id, h.archive_no, h.name, h.gender, h.id_number, h.phone,
       h.township, h.address, h.category, h.status, h.family_size, h.bank_name, h.bank_branch,
       h.bank_account, e.name AS employer_name
FROM assistance_records a
JOIN households h ON h.id = a.household_id
LEFT JOIN employers e ON e.id = h.employer_id
"""


def roster_rows(db: Database, query: RosterQuery) -> list[dict[str, Any]]:
    """The records of a roster with the household's name, ID, bank account, township; sorted by
    township, archive number and payment date (the order the signing goes in)."""
    w = Where()
    if query.record_ids or query.record_nos:
        alts = []
        if query.record_ids:
            alts.append(f"a.id IN ({','.join('?' * len(query.record_ids))})")
        if query.record_nos:
            alts.append(f"a.record_no IN ({','.join('?' * len(query.record_nos))})")
        w.add("(" + " OR ".join(alts) + ")", *query.record_ids, *query.record_nos)
    w.equal("a.project", query.project)
    w.at_least("a.paid_date", query.date_from)
    w.at_most("a.paid_date", query.date_to)
    return rows(db, f"{_ROSTER_SELECT}{w.sql} ORDER BY h.township, h.archive_no, a.paid_date, a.id", w.args)


def household_records(db: Database, household_id: int) -> list[dict[str, Any]]:
    """A household's assistance records, oldest first."""
    return rows(db, "SELECT * FROM assistance_records WHERE household_id = ? ORDER BY paid_date, id", [household_id])


def publicity_households(db: Database, household_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Households for a publicity list (公示名单): the given ones, or every archive now 公示中."""
    sql = ("SELECT h.id, h.archive_no, h.name, h.gender, h.birth_date, h.id_number, h.township, h.address, "
           "h.category, h.category_suggested, h.archive_type, h.cause_main, h.family_size, "
           "h.per_capita_month_fen, h.status, e.name AS employer_name, o.name AS org_unit_name "
           "FROM households h LEFT JOIN employers e ON e.id = h.employer_id "
           "LEFT JOIN org_units o ON o.id = h.org_unit_id ")
    if household_ids is None:
        return rows(db, sql + "WHERE h.status = 'publicity' ORDER BY h.township, h.archive_no")
    found: list[dict[str, Any]] = []
    ids = list(household_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found += rows(db, sql + f"WHERE h.id IN ({','.join('?' * len(chunk))})", chunk)
    order = {hid: i for i, hid in enumerate(ids)}
    found.sort(key=lambda r: order[r["id"]])
    return found


def log_revealed_print(db: Database, actor: Actor, form_key: str, form_title: str, documents: int) -> None:
    """Printing full ID numbers and bank accounts is a reveal: it is written to the audit log."""
    actor.require("register.reveal")
    with write(db):
        audit.record(db, actor.username, "print_reveal", "form", form_key, None,
                     {"title": form_title, "documents": documents})
