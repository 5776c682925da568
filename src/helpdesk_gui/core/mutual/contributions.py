"""职工医疗互助 contributions: a unit pays for its enrolled members.

One payment covers all of a unit's enrolled, unpaid members of a plan at the plan's rates: one
receipt voucher into the plan's fund (职工医疗互助金) with a line per party (职工个人缴纳、单位补贴、
工会补贴), a ``mutual_contributions`` row naming the voucher, and those enrolments marked paid, in
one transaction. A closed plan takes no payment. A contribution whose voucher the ledger has
reversed is listed as ``reversed``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError, StateError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual.plans import get_plan, require_open


def unpaid_count(db: Database, plan_id: int, unit_id: int) -> int:
    return int(scalar(db, "SELECT count(*) FROM mutual_enrolments WHERE plan_id = ? AND unit_id = ? "
                          "AND contribution_id IS NULL", [plan_id, unit_id]))


def receive_contribution(db: Database, actor: Actor, plan_id: int, unit_id: int, *, on: _dt.date | None = None,
                         ref_no: str = "", today: _dt.date | None = None) -> ledger.Posted:
    """A unit pays for its enrolled, unpaid members: one receipt voucher into the plan's fund
    (a line for the workers' shares, one for the unit's, one for the union's); the members are paid."""
    actor.require("mutual.pay")
    with write(db):
        plan = get_plan(db, plan_id)
        require_open(plan, "收取互助金")
        unit = row(db, "SELECT * FROM mutual_units WHERE id = ?", [unit_id])
        if unit is None:
            raise NotFoundError("参加单位", unit_id)
        n = unpaid_count(db, plan_id, unit_id)
        if n == 0:
            raise StateError(f"“{unit['name']}”{plan['period']} 年度没有待缴费的会员。")
        shares = [(n * int(plan["worker_fen"]), "职工个人缴纳", f"{n} 人 × {format_yuan(plan['worker_fen'])} 元"),
                  (n * int(plan["unit_fen"]), "单位补贴", f"{n} 人 × {format_yuan(plan['unit_fen'])} 元"),
                  (n * int(plan["union_fen"]), "工会补贴", f"{n} 人 × {format_yuan(plan['union_fen'])} 元")]
        lines = [ledger.Line(int(plan["fund_id"]), "contribution", fen, memo=f"{plan['period']}年度医疗互助金{who}（{how}）",
                             counterparty="工会" if who == "工会补贴" else str(unit["name"]))
                 for fen, who, how in shares if fen > 0]
        total = sum(fen for fen, _w, _h in shares)
        posted = ledger.post(db, actor, "receipt", ledger.business_date(on, today),
                             f"收{unit['name']}{plan['period']}年度医疗互助金 {n} 人", lines, ref_no=ref_no,
                             counterparty=str(unit["name"]), today=today,
                             audit_detail={"mutual_plan": plan["period"], "members": n})
        cur = db.execute(
            "INSERT INTO mutual_contributions (plan_id, unit_id, members, worker_fen, unit_fen, union_fen, amount_fen, "
            "received_on, voucher_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [plan_id, unit_id, n, shares[0][0], shares[1][0], shares[2][0], total,
             ledger.business_date(on, today).isoformat(), posted.voucher_id, actor.username, now_iso()])
        db.execute("UPDATE mutual_enrolments SET contribution_id = ? WHERE plan_id = ? AND unit_id = ? "
                   "AND contribution_id IS NULL", [int(cur.lastrowid or 0), plan_id, unit_id])
    return posted


def contributions(db: Database, plan_id: int | None = None) -> list[dict[str, Any]]:
    where = "WHERE c.plan_id = ?" if plan_id else ""
    return rows(db, f"""
        SELECT c.*, p.period, u.name AS unit_name, v.voucher_no,
               EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_entries r ON r.reverses_id = e.id
                       WHERE e.voucher_id = c.voucher_id) AS reversed
        FROM mutual_contributions c JOIN mutual_plans p ON p.id = c.plan_id JOIN mutual_units u ON u.id = c.unit_id
        JOIN vouchers v ON v.id = c.voucher_id {where} ORDER BY c.received_on DESC, c.id DESC""",
                [plan_id] if plan_id else [])
