"""医疗互助 quarterly settlement (季度结算), returned payments, reports and the consistency check.

* ``create_settlement`` gathers the approved claims of a fund not yet in a settlement, approved by
  the end of the quarter, into a draft (the roster is printed from it, form ``mutual_roster``);
  ``cancel_settlement`` lets them go again. ``post_settlement`` pays it: one payment voucher with a
  ``mutual_aid`` line per claim with something to pay, refused as a whole if the fund cannot cover
  it; the claims become 已结算. The ledger payments of a settlement always equal its roster total.
* A returned payment (退回) is a reversal of its line: the claim goes back to 已批准待结算 and is
  paid by a later settlement. A reversed advance is void. A reversed contribution makes its members
  unpaid again. These follow any reversal of such a line (``core.ledger.reverse`` calls ``on_reversed``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.mutual import plans as mutual_plans

LIMIT = 20


def quarter_of(day: _dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[str, str]:
    try:
        year, q = int(quarter[:4]), int(quarter[-1])
        if quarter[4:6] != "-Q" or len(quarter) != 7 or not 1 <= q <= 4:
            raise ValueError
    except ValueError:
        raise ValidationError("结算季度", "应写成 YYYY-Qn，如 2026-Q3", quarter) from None
    first = _dt.date(year, 3 * q - 2, 1)
    last = _dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - _dt.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def quarter_label(quarter: str) -> str:
    return f"{quarter[:4]}年第{'一二三四'[int(quarter[-1]) - 1]}季度"


def pending(db: Database, quarter: str, fund_id: int | None = None) -> list[dict[str, Any]]:
    """Approved claims of the fund not in any settlement, approved by the end of ``quarter``."""
    _first, last = quarter_bounds(quarter)
    fund_id = fund_id or mutual_plans.default_fund(db)
    return rows(db, """
        SELECT c.id, c.claim_no, c.payable_fen, c.decided_at, m.name, u.name AS unit_name
        FROM mutual_claims c JOIN mutual_plans p ON p.id = c.plan_id JOIN mutual_members m ON m.id = c.member_id
        JOIN mutual_units u ON u.id = m.unit_id
        WHERE c.status = 'approved' AND c.settlement_id IS NULL AND p.fund_id = ? AND substr(c.decided_at, 1, 10) <= ?
        ORDER BY u.name, m.name, c.id""", [fund_id, last])


def create_settlement(db: Database, actor: Actor, quarter: str, *, fund_id: int | None = None, note: str = "") -> int:
    actor.require("mutual.pay")
    with write(db):
        fund_id = fund_id or mutual_plans.default_fund(db)
        if fund_id is None:
            raise StateError("没有“职工医疗互助金”资金，请先在资金设置中新建。")
        claims = pending(db, quarter, fund_id)
        if not claims:
            raise StateError(f"{quarter_label(quarter)}没有已批准待结算的报销。")
        seq = int(scalar(db, "SELECT count(*) FROM mutual_settlements WHERE quarter = ?", [quarter])) + 1
        number = f"JS{quarter.replace('-', '')}-{seq:02d}"
        total = sum(int(c["payable_fen"]) for c in claims)
        cur = db.execute("INSERT INTO mutual_settlements (settle_no, quarter, fund_id, claims, total_fen, note, created_by, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [number, quarter, fund_id, len(claims), total, note.strip(), actor.username, now_iso()])
        sid = int(cur.lastrowid or 0)
        db.conn.executemany("UPDATE mutual_claims SET settlement_id = ? WHERE id = ?", [(sid, c["id"]) for c in claims])
        audit.record(db, actor.username, "create", "mutual_settlement", number, None,
                     {"quarter": quarter, "claims": len(claims), "total_fen": total})
    return sid


def get_settlement(db: Database, settlement_id: int) -> dict[str, Any]:
    s = row(db, "SELECT s.*, f.name AS fund_name, v.voucher_no FROM mutual_settlements s JOIN funds f ON f.id = s.fund_id "
                "LEFT JOIN vouchers v ON v.id = s.voucher_id WHERE s.id = ?", [settlement_id])
    if s is None:
        raise NotFoundError("医疗互助结算", settlement_id)
    return s


def settlement_by_no(db: Database, number: str) -> dict[str, Any]:
    sid = scalar(db, "SELECT id FROM mutual_settlements WHERE upper(settle_no) = upper(?)", [number.strip()])
    if sid is None:
        raise NotFoundError("医疗互助结算", number)
    return get_settlement(db, int(sid))


def list_settlements(db: Database, *, year: int | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE s.quarter LIKE ?", [f"{year}-%"]) if year else ("", [])
    return rows(db, f"SELECT s.*, f.name AS fund_name, v.voucher_no FROM mutual_settlements s JOIN funds f ON "
                    f"f.id = s.fund_id LEFT JOIN vouchers v ON v.id = s.voucher_id {where} ORDER BY s.id DESC", params)


def settlement_lines(db: Database, settlement_id: int) -> list[dict[str, Any]]:
    """The roster: one row per claim, with the member's bank account (masked by the caller)."""
    return rows(db, """
        SELECT c.id AS claim_id, c.claim_no, c.status, c.total_fen, c.insurance_fen, c.self_fen, c.rate_pct,
               c.subsidy_fen, c.rehab_fen, c.offset_fen, c.payable_fen, m.name, m.id_number, m.gender, m.phone,
               m.bank_name, m.bank_account, u.name AS unit_name, p.period
        FROM mutual_claims c JOIN mutual_members m ON m.id = c.member_id JOIN mutual_units u ON u.id = m.unit_id
        JOIN mutual_plans p ON p.id = c.plan_id
        WHERE c.settlement_id = ? ORDER BY u.name, m.name, c.id""", [settlement_id])


def _draft(db: Database, settlement_id: int) -> dict[str, Any]:
    s = get_settlement(db, settlement_id)
    if s["status"] != "draft":
        raise StateError(f"结算 {s['settle_no']} 已{'记账' if s['status'] == 'posted' else '作废'}，不能再改。")
    return s


def remove_claims(db: Database, actor: Actor, settlement_id: int, claim_ids: Sequence[int]) -> int:
    """Take claims out of a draft settlement (they wait for the next one)."""
    actor.require("mutual.pay")
    with write(db):
        s = _draft(db, settlement_id)
        n = 0
        for cid in claim_ids:
            n += db.execute("UPDATE mutual_claims SET settlement_id = NULL WHERE id = ? AND settlement_id = ?",
                            [cid, settlement_id]).rowcount
        left = rows(db, "SELECT payable_fen FROM mutual_claims WHERE settlement_id = ?", [settlement_id])
        db.execute("UPDATE mutual_settlements SET claims = ?, total_fen = ? WHERE id = ?",
                   [len(left), sum(int(c["payable_fen"]) for c in left), settlement_id])
        audit.record(db, actor.username, "remove", "mutual_settlement", s["settle_no"], None, {"claims": list(claim_ids)})
    return n


def cancel_settlement(db: Database, actor: Actor, settlement_id: int, reason: str) -> None:
    actor.require("mutual.pay")
    if not reason.strip():
        raise ValidationError("作废原因", "必须填写")
    with write(db):
        s = _draft(db, settlement_id)
        db.execute("UPDATE mutual_claims SET settlement_id = NULL WHERE settlement_id = ?", [settlement_id])
        db.execute("UPDATE mutual_settlements SET status = 'cancelled', note = ? WHERE id = ?",
                   [(s["note"] + "　作废：" + reason.strip()).strip(), settlement_id])
        audit.record(db, actor.username, "cancel", "mutual_settlement", s["settle_no"], None, {"reason": reason.strip()})


def post_settlement(db: Database, actor: Actor, settlement_id: int, *, paid_date: _dt.date | None = None,
                    bank_batch: str = "", today: _dt.date | None = None) -> ledger.Posted | None:
    """记账: a payment voucher with one line per claim (none when advances settled everything)."""
    actor.require("mutual.pay")
    with write(db):
        s = _draft(db, settlement_id)
        lines = settlement_lines(db, settlement_id)
        if not lines:
            raise StateError(f"结算 {s['settle_no']} 中没有报销。")
        day = ledger.business_date(paid_date, today, "支付日期")
        payable = [c for c in lines if int(c["payable_fen"]) > 0]
        total = sum(int(c["payable_fen"]) for c in lines)
        posted = None
        if payable:
            posted = ledger.post(
                db, actor, "payment", day, f"{quarter_label(s['quarter'])}医疗互助报销结算 {s['settle_no']}（{len(payable)} 人次）",
                [ledger.Line(int(s["fund_id"]), "mutual_aid", -int(c["payable_fen"]),
                             memo=f"医疗互助报销 {c['claim_no']}", counterparty=str(c["name"]),
                             bank_name=str(c["bank_name"]), bank_account=str(c["bank_account"])) for c in payable],
                ref_no=bank_batch.strip() or str(s["settle_no"]), counterparty="医疗互助会员", today=today,
                audit_detail={"mutual_settlement": s["settle_no"], "total_fen": total})
            db.conn.executemany(
                "INSERT INTO mutual_payments (entry_id, claim_id, settlement_id, amount_fen) VALUES (?, ?, ?, ?)",
                [(eid, c["claim_id"], settlement_id, int(c["payable_fen"])) for eid, c in zip(posted.entry_ids, payable,
                                                                                             strict=True)])
        db.execute("UPDATE mutual_claims SET status = 'settled' WHERE settlement_id = ?", [settlement_id])
        db.execute("UPDATE mutual_settlements SET status = 'posted', claims = ?, total_fen = ?, paid_date = ?, "
                   "voucher_id = ?, posted_by = ?, posted_at = ? WHERE id = ?",
                   [len(lines), total, day.isoformat(), posted.voucher_id if posted else None, actor.username, now_iso(),
                    settlement_id])
        audit.record(db, actor.username, "post", "mutual_settlement", s["settle_no"], {"status": "draft"},
                     {"status": "posted", "voucher": posted.voucher_no if posted else None, "total_fen": total})
    return posted


def return_payment(db: Database, actor: Actor, claim_id: int, reason: str, *, on: _dt.date | None = None,
                   today: _dt.date | None = None) -> ledger.Posted:
    """退回: the bank sent a claim's payment back; its line is reversed and the claim waits again."""
    entry = scalar(db, "SELECT p.entry_id FROM mutual_payments p WHERE p.claim_id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM ledger_entries r WHERE r.reverses_id = p.entry_id)", [claim_id])
    if entry is None:
        raise StateError("这笔报销没有可以退回的支付。")
    voucher_id = int(scalar(db, "SELECT voucher_id FROM ledger_entries WHERE id = ?", [entry]))
    return ledger.reverse(db, actor, voucher_id, reason, entry_ids=[int(entry)], on=on, today=today)


# ---------------------------------------------------------------------------------------- reversals

def check_reversal(db: Database, chosen: Sequence[dict[str, Any]]) -> None:
    """Refuse a reversal that would leave the scheme inconsistent (called by ``ledger.reverse``)."""
    for e in chosen:
        if e["kind"] != "mutual_aid":
            continue
        p = row(db, "SELECT * FROM mutual_payments WHERE entry_id = ?", [e["id"]])
        if p is not None and p["advance_id"] is not None and scalar(
                db, "SELECT 1 FROM mutual_offsets o JOIN mutual_claims c ON c.id = o.claim_id WHERE o.advance_id = ? "
                    "AND c.status IN ('approved', 'settled')", [p["advance_id"]]):
            raise StateError("这笔特殊救助预付已被报销冲抵，不能冲销；请先撤销冲抵它的报销的批准。")


def on_reversed(db: Database, actor: Actor, chosen: Sequence[dict[str, Any]], red_voucher: str, reason: str) -> None:
    """After a reversal of mutual lines (inside its transaction): claims wait again, advances are void,
    contributions are unpaid again."""
    for e in chosen:
        if e["kind"] == "mutual_aid":
            p = row(db, "SELECT * FROM mutual_payments WHERE entry_id = ?", [e["id"]])
            if p is None:
                continue
            if p["claim_id"] is not None:
                c = row(db, "SELECT claim_no FROM mutual_claims WHERE id = ?", [p["claim_id"]])
                db.execute("UPDATE mutual_claims SET status = 'approved', settlement_id = NULL WHERE id = ?",
                           [p["claim_id"]])
                audit.record(db, actor.username, "return", "mutual_claim", c["claim_no"] if c else p["claim_id"],
                             {"status": "settled"}, {"status": "approved", "red_voucher": red_voucher, "reason": reason})
            else:
                db.execute("UPDATE mutual_advances SET closed_at = ?, closed_by = ?, closed_reason = ? WHERE id = ? "
                           "AND closed_at IS NULL", [now_iso(), actor.username, f"预付款退回（{red_voucher}）：{reason}",
                                                     p["advance_id"]])
        elif e["kind"] == "contribution":
            cid = scalar(db, "SELECT id FROM mutual_contributions WHERE voucher_id = ?", [e["voucher_id"]])
            if cid is not None and db.execute("UPDATE mutual_enrolments SET contribution_id = NULL "
                                              "WHERE contribution_id = ?", [cid]).rowcount:
                audit.record(db, actor.username, "reverse", "mutual_contribution", cid, None,
                             {"red_voucher": red_voucher, "reason": reason})


# ---------------------------------------------------------------------------------------- reports

def report_members(db: Database, plan_id: int) -> list[dict[str, Any]]:
    """Per unit: members enrolled, paid, unpaid, and claims granted in the plan."""
    return rows(db, """
        SELECT u.name AS unit_name, count(e.id) AS enrolled, count(e.contribution_id) AS paid,
               count(e.id) - count(e.contribution_id) AS unpaid,
               (SELECT count(*) FROM mutual_claims c JOIN mutual_members m ON m.id = c.member_id WHERE m.unit_id = u.id
                AND c.plan_id = :p AND c.status IN ('approved', 'settled')) AS claims
        FROM mutual_units u JOIN mutual_enrolments e ON e.unit_id = u.id AND e.plan_id = :p
        GROUP BY u.id ORDER BY u.name""", {"p": plan_id})


def report_contributions(db: Database, plan_id: int) -> list[dict[str, Any]]:
    """Per unit: contributions received (reversed receipts left out)."""
    return rows(db, """
        SELECT u.name AS unit_name, sum(c.members) AS members, sum(c.worker_fen) AS worker_fen,
               sum(c.unit_fen) AS unit_fen, sum(c.union_fen) AS union_fen, sum(c.amount_fen) AS amount_fen,
               count(*) AS receipts
        FROM mutual_contributions c JOIN mutual_units u ON u.id = c.unit_id
        WHERE c.plan_id = ? AND NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_entries r ON r.reverses_id = e.id
                                            WHERE e.voucher_id = c.voucher_id)
        GROUP BY u.id ORDER BY u.name""", [plan_id])


def report_claims_paid(db: Database, date_from: str, date_to: str) -> list[dict[str, Any]]:
    """Per unit, paid in the period (by ledger date, returns deducted): claims, 补助, 康复金, advances."""
    return rows(db, """
        SELECT u.name AS unit_name,
               count(DISTINCT p.claim_id) AS claims,
               coalesce(sum(CASE WHEN p.claim_id IS NOT NULL THEN -e.amount_fen END), 0) AS claims_fen,
               coalesce(sum(CASE WHEN p.advance_id IS NOT NULL THEN -e.amount_fen END), 0) AS advances_fen,
               coalesce(sum(-e.amount_fen), 0) AS paid_fen
        FROM ledger_entries e
        JOIN mutual_payments p ON p.entry_id = coalesce(e.reverses_id, e.id)
        LEFT JOIN mutual_claims c ON c.id = p.claim_id LEFT JOIN mutual_advances a ON a.id = p.advance_id
        JOIN mutual_members m ON m.id = coalesce(c.member_id, a.member_id) JOIN mutual_units u ON u.id = m.unit_id
        WHERE e.kind = 'mutual_aid' AND e.entry_date BETWEEN ? AND ?
        GROUP BY u.id ORDER BY u.name""", [date_from, date_to])


def fund_report(db: Database, plan_id: int) -> dict[str, Any]:
    """The plan year's fund: opening balance, contributions, reimbursements, advances, closing balance."""
    plan = mutual_plans.get_plan(db, plan_id)
    first, last = plan["start_date"], plan["end_date"]
    opening = ledger_reports.balances_before(db, first).get(int(plan["fund_id"]), 0)
    sums = {k: int(v) for k, v in db.execute(
        "SELECT kind, coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE fund_id = ? AND entry_date BETWEEN ? AND ? "
        "GROUP BY kind", [plan["fund_id"], first, last])}
    paid = {k: int(v) for k, v in db.execute(
        "SELECT CASE WHEN p.claim_id IS NULL THEN 'advance' ELSE 'claim' END, coalesce(sum(-e.amount_fen), 0) "
        "FROM ledger_entries e JOIN mutual_payments p ON p.entry_id = coalesce(e.reverses_id, e.id) "
        "WHERE e.fund_id = ? AND e.entry_date BETWEEN ? AND ? GROUP BY 1", [plan["fund_id"], first, last])}
    other = sum(v for k, v in sums.items() if k not in ("contribution", "mutual_aid"))
    closing = opening + sum(sums.values())
    return {"period": plan["period"], "fund_name": plan["fund_name"], "date_from": first, "date_to": last,
            "opening_fen": opening, "contributions_fen": sums.get("contribution", 0),
            "claims_fen": paid.get("claim", 0), "advances_fen": paid.get("advance", 0), "other_fen": other,
            "closing_fen": closing,
            "owed_fen": int(scalar(db, "SELECT coalesce(sum(payable_fen), 0) FROM mutual_claims c JOIN mutual_plans p "
                                       "ON p.id = c.plan_id WHERE c.status = 'approved' AND p.fund_id = ?",
                                   [plan["fund_id"]]))}


# ---------------------------------------------------------------------------------------- check

def check(db: Database) -> list[str]:
    """``helpdesk check``: every mutual payment matches its claim or advance, every settlement its roster."""
    if "mutual_payments" not in db.table_names():
        return []
    out: list[str] = []
    for no, line in db.execute(
            "SELECT v.voucher_no, e.line FROM ledger_entries e JOIN vouchers v ON v.id = e.voucher_id "
            "WHERE e.kind = 'mutual_aid' AND e.reverses_id IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM mutual_payments p WHERE p.entry_id = e.id) LIMIT ?", [LIMIT]):
        out.append(f"凭证 {no} 第 {line} 行的互助金支付没有对应的报销或预付")
    for no, paid, amount in db.execute(
            "SELECT s.settle_no, -coalesce(sum(e.amount_fen), 0), s.total_fen FROM mutual_settlements s "
            "LEFT JOIN mutual_payments p ON p.settlement_id = s.id LEFT JOIN ledger_entries e ON e.id = p.entry_id "
            "WHERE s.status = 'posted' GROUP BY s.id HAVING -coalesce(sum(e.amount_fen), 0) <> s.total_fen LIMIT ?", [LIMIT]):
        out.append(f"医疗互助结算 {no} 的支付分录合计 {yuan(paid)} 元与花名册合计 {yuan(amount)} 元不符")
    for no, pay, fen in db.execute(
            "SELECT c.claim_no, c.payable_fen, -e.amount_fen FROM mutual_claims c JOIN mutual_payments p "
            "ON p.claim_id = c.id JOIN ledger_entries e ON e.id = p.entry_id WHERE c.status = 'settled' "
            "AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id) AND -e.amount_fen <> c.payable_fen "
            "LIMIT ?", [LIMIT]):
        out.append(f"医疗互助报销 {no} 核定应付 {yuan(pay)} 元，实际支付 {yuan(fen)} 元")
    for (no,) in db.execute(
            "SELECT c.claim_no FROM mutual_claims c WHERE c.status = 'settled' AND c.payable_fen > 0 AND NOT EXISTS "
            "(SELECT 1 FROM mutual_payments p JOIN ledger_entries e ON e.id = p.entry_id WHERE p.claim_id = c.id "
            "AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)) LIMIT ?", [LIMIT]):
        out.append(f"医疗互助报销 {no} 登记为已结算，但没有有效的支付分录")
    for (no,) in db.execute(
            "SELECT c.claim_no FROM mutual_claims c WHERE c.status IN ('approved', 'settled') AND "
            "(c.payable_fen <> c.subsidy_fen + c.rehab_fen - c.offset_fen OR c.offset_fen <> coalesce((SELECT "
            "sum(o.amount_fen) FROM mutual_offsets o WHERE o.claim_id = c.id), 0)) LIMIT ?", [LIMIT]):
        out.append(f"医疗互助报销 {no} 的补助、康复金、冲抵与应付金额不相符")
    for no, settled, amount in db.execute(
            "SELECT a.advance_no, sum(o.amount_fen), a.amount_fen FROM mutual_advances a JOIN mutual_offsets o "
            "ON o.advance_id = a.id JOIN mutual_claims c ON c.id = o.claim_id AND c.status IN ('approved', 'settled') "
            "GROUP BY a.id HAVING sum(o.amount_fen) > a.amount_fen LIMIT ?", [LIMIT]):
        out.append(f"特殊救助预付 {no} 被冲抵 {yuan(settled)} 元，超过预付金额 {yuan(amount)} 元")
    for (no,) in db.execute(
            "SELECT v.voucher_no FROM mutual_contributions c JOIN vouchers v ON v.id = c.voucher_id WHERE c.amount_fen <> "
            "(SELECT sum(e.amount_fen) FROM ledger_entries e WHERE e.voucher_id = c.voucher_id AND e.reverses_id IS NULL "
            "AND e.kind = 'contribution') LIMIT ?", [LIMIT]):
        out.append(f"互助金缴费凭证 {no} 的金额与缴费登记不符")
    return out


def settlement_returns(db: Database, settlement_id: int) -> list[dict[str, Any]]:
    """Claims this settlement paid whose payment came back (退回): they left its roster and wait again.
    Each row: the claim, the member, the amount returned, the red voucher and its reason."""
    return rows(db, """
        SELECT c.id AS claim_id, c.claim_no, c.status, c.subsidy_fen, c.rehab_fen, c.offset_fen, p.amount_fen,
               m.name, m.id_number, m.bank_name, m.bank_account, u.name AS unit_name, rv.voucher_no AS red_voucher_no,
               rv.reason AS return_reason
        FROM mutual_payments p JOIN mutual_claims c ON c.id = p.claim_id JOIN mutual_members m ON m.id = c.member_id
        JOIN mutual_units u ON u.id = m.unit_id JOIN ledger_entries r ON r.reverses_id = p.entry_id
        JOIN vouchers rv ON rv.id = r.voucher_id
        WHERE p.settlement_id = ? ORDER BY u.name, m.name, c.id""", [settlement_id])


#: 医疗互助 claims, advances and contributions follow a reversal of their ledger lines.
ledger.on_reversal(("mutual_aid", "contribution"), ledger.ReversalHook(check_reversal, on_reversed))
