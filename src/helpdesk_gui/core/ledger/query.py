"""Reading the ledger for the entries table: filtered entry ids in ledger order (date, then id),
rows for a block of ids, and the running balance after each entry.

The table holds only ids (an ``array``) and asks for rows 256 at a time; the running balance of a
block costs the balance before its first row (counted from the nearest anchor: the start of the
books, a closing, or today's kept balances) plus the amounts between its first and last row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.db.where import TOP, Where, like_pattern
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.ledger.kinds import INFLOW_KINDS, OUTFLOW_KINDS

GROUPS: dict[str, tuple[str, ...]] = {
    "in": tuple(k for k in INFLOW_KINDS if k != "transfer_in"),
    "out": tuple(k for k in OUTFLOW_KINDS if k != "transfer_out"),
    "transfer": ("transfer_in", "transfer_out"),
}


@dataclass(frozen=True)
class EntryFilter:
    fund_id: int | None = None
    date_from: str | None = None          # ISO dates, inclusive
    date_to: str | None = None
    group: str | None = None              # "in" / "out" / "transfer" / "reversal" / an entry kind
    text: str = ""                        # 凭证号 (prefix), 档案编号, or a word of the summary / counterparty
    household_id: int | None = None
    voucher_id: int | None = None


def _where(f: EntryFilter) -> tuple[str, list[Any]]:
    w = Where()
    w.equal("e.fund_id", f.fund_id)
    w.at_least("e.entry_date", f.date_from)
    w.at_most("e.entry_date", f.date_to)
    if f.group == "reversal":
        w.add("e.reverses_id IS NOT NULL")
    elif f.group in GROUPS:
        w.one_of("e.kind", GROUPS[f.group])
    else:
        w.equal("e.kind", f.group)
    w.equal("e.household_id", f.household_id)
    w.equal("e.voucher_id", f.voucher_id)
    t = "".join(f.text.split())
    if t:
        if t[:4].isdigit() and len(t) >= 5 and t[4] == "-":
            w.add("e.voucher_id IN (SELECT id FROM vouchers WHERE voucher_no >= ? AND voucher_no < ?)", t, t + TOP)
        elif t.isdigit() and len(t) >= 10:
            w.add("e.household_id IN (SELECT id FROM households WHERE archive_no = ?)", t)
        else:
            like = like_pattern(t)
            w.add("(e.memo LIKE ? ESCAPE '\\' OR e.counterparty LIKE ? ESCAPE '\\')", like, like)
    return w.sql, w.args


def entry_ids(db: Database, f: EntryFilter = EntryFilter()) -> list[int]:
    where, params = _where(f)
    return [int(r[0]) for r in db.execute(f"SELECT e.id FROM ledger_entries e{where} ORDER BY e.entry_date, e.id",
                                          params)]


def count(db: Database, f: EntryFilter = EntryFilter()) -> int:
    where, params = _where(f)
    return int(scalar(db, f"SELECT count(*) FROM ledger_entries e{where}", params))


def totals(db: Database, f: EntryFilter = EntryFilter()) -> tuple[int, int]:
    """(money in, money out) of the filtered entries, both positive."""
    where, params = _where(f)
    r = db.execute(f"SELECT coalesce(sum(CASE WHEN e.amount_fen > 0 THEN e.amount_fen ELSE 0 END), 0), "
                   "coalesce(sum(CASE WHEN e.amount_fen < 0 THEN -e.amount_fen ELSE 0 END), 0) "
                   f"FROM ledger_entries e{where}", params).fetchone()
    return int(r[0]), int(r[1])


def rows_by_ids(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The table's rows for these entries, keyed by id."""
    if not ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), 500):
        chunk = id_list[start:start + 500]
        for r in rows(db, "SELECT e.id, e.voucher_id, v.voucher_no, e.line, e.entry_date, e.fund_id, f.name AS fund_name, "
                          "e.kind, e.amount_fen, e.memo, e.counterparty, v.summary, v.ref_no, v.posted_by, e.household_id, "
                          "h.archive_no, h.name AS household_name, e.decision_id, e.project, e.reverses_id, e.record_no, "
                          "e.bank_account, (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id) AS reversed_by "
                          "FROM ledger_entries e JOIN vouchers v ON v.id = e.voucher_id JOIN funds f ON f.id = e.fund_id "
                          f"LEFT JOIN households h ON h.id = e.household_id WHERE e.id IN ({','.join('?' * len(chunk))})",
                          chunk):
            out[int(r["id"])] = r
    return out


def _sum(db: Database, fund_id: int | None, cond: str, params: list[Any]) -> int:
    fund = "fund_id = ? AND " if fund_id is not None else ""
    fp: list[Any] = [fund_id] if fund_id is not None else []
    return int(scalar(db, f"SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE {fund}{cond}", fp + params))


def total_balance(db: Database, fund_id: int | None = None) -> int:
    if fund_id is None:
        return int(scalar(db, "SELECT coalesce(sum(balance_fen), 0) FROM fund_balances"))
    return int(scalar(db, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?", [fund_id]) or 0)


def balance_before(db: Database, fund_id: int | None, day: str, entry_id: int) -> int:
    """The balance (one fund, or all) just before entry ``entry_id`` dated ``day`` in ledger order: the
    balance at the start of the day (from the nearest anchor, ``ledger_reports.balances_before``) plus
    the day's earlier entries."""
    start = ledger_reports.balances_before(db, day)
    base = start.get(fund_id, 0) if fund_id is not None else sum(start.values())
    return base + _sum(db, fund_id, "entry_date = ? AND id < ?", [day, entry_id])


def running_balances(db: Database, fund_id: int | None, block: Sequence[tuple[int, str]]) -> dict[int, int]:
    """Balance after each entry of a block ``[(id, date), ...]`` given in ledger order (fund, or all funds)."""
    if not block:
        return {}
    first_id, first_day = block[0]
    last_id, last_day = block[-1]
    wanted = {i for i, _d in block}
    running = balance_before(db, fund_id, first_day, first_id)
    fund = "fund_id = ? AND " if fund_id is not None else ""
    fp: list[Any] = [fund_id] if fund_id is not None else []
    out: dict[int, int] = {}
    for eid, amount in db.execute(
            f"SELECT id, amount_fen FROM ledger_entries WHERE {fund}entry_date BETWEEN ? AND ? "
            "AND NOT (entry_date = ? AND id < ?) AND NOT (entry_date = ? AND id > ?) ORDER BY entry_date, id",
            fp + [first_day, last_day, first_day, first_id, last_day, last_id]):
        running += int(amount)
        if int(eid) in wanted:
            out[int(eid)] = running
    return out
