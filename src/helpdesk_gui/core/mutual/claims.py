"""医疗互助 claims (报销) with their receipts, and special advances (大病特殊救助预付).

* A **claim** is registered by the clerk for a member who is enrolled and paid in the plan of the
  claim's year, with receipts of the four kinds; a receipt (member, kind, number) can be in one
  live claim only (a rejected or cancelled claim frees it). The reimbursement is computed by
  ``core.mutual_rule`` and shown with its steps while the claim is typed.
* An approver (not the clerk who registered it) **approves**: the calculation is frozen in the
  claim (steps, rate, 补助, 康复金, the advances it settles and the amount the quarterly settlement
  will pay), or **rejects** it with a reason. An approval can be revoked until a settlement takes it.
* An **advance** is paid at once from the plan's fund for an urgent case, approved by an approver;
  later claims of the member settle it (oldest first). What no claim settles can be written off
  by an approver as special aid, with a reason.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.rule import History, Receipt, Result, compute

LIVE = ("draft", "approved", "settled")
GRANTED = ("approved", "settled")


@dataclass(frozen=True)
class ReceiptDraft:
    kind: str
    receipt_no: str
    receipt_date: str
    total_fen: int
    insurance_fen: int
    self_fen: int
    hospital: str = ""


def _serial(db: Database, kind: str, year: int) -> int:
    db.execute("INSERT INTO mutual_serials (kind, year, last_serial) VALUES (?, ?, 1) ON CONFLICT (kind, year) "
               "DO UPDATE SET last_serial = mutual_serials.last_serial + 1", [kind, year])
    return int(scalar(db, "SELECT last_serial FROM mutual_serials WHERE kind = ? AND year = ?", [kind, year]))


def check_receipts(db: Database, plan: dict[str, Any], member_id: int, receipts: Sequence[ReceiptDraft], *,
                   claim_id: int | None = None) -> list[ReceiptDraft]:
    """Each receipt checked, naming it by its position (第 N 张): kind, number, date within the plan, amounts,
    and not already in another live claim of the member."""
    if not receipts:
        raise ValidationError("报销单据", "至少要有一张单据")
    book = codes.load(db)
    seen: set[tuple[str, str]] = set()
    out: list[ReceiptDraft] = []
    for i, r in enumerate(receipts, start=1):
        where = f"第 {i} 张单据"
        if not book.has_code("mutual_receipt_kind", r.kind):
            raise ValidationError(f"{where}的种类", "须为特检费用报销单、慢性病门诊收据、住院费用结算单或医保费用结算单", r.kind)
        number = "".join(r.receipt_no.split())
        if not number:
            raise ValidationError(f"{where}的单据号", "不能为空")
        try:
            day = _dt.date.fromisoformat(r.receipt_date)
        except ValueError:
            raise ValidationError(f"{where}的日期", "应写成 YYYY-MM-DD", r.receipt_date) from None
        if not plan["start_date"] <= day.isoformat() <= plan["end_date"]:
            raise ValidationError(f"{where}的日期", f"不在 {plan['period']} 年度方案期间（{plan['start_date']} 至 "
                                  f"{plan['end_date']}）内", r.receipt_date)
        if day > _dt.date.today():
            raise ValidationError(f"{where}的日期", "不能晚于今天", r.receipt_date)
        if r.total_fen <= 0:
            raise ValidationError(f"{where}的医疗总费用", "应大于 0", yuan(r.total_fen))
        if r.insurance_fen < 0 or r.self_fen < 0:
            raise ValidationError(f"{where}的统筹支付和自付", "不能为负数")
        if r.insurance_fen + r.self_fen > r.total_fen:
            raise ValidationError(f"{where}的金额", f"统筹支付 {yuan(r.insurance_fen)} 元加统筹段自付 {yuan(r.self_fen)} 元，"
                                  f"超过了医疗总费用 {yuan(r.total_fen)} 元")
        key = (r.kind, number)
        if key in seen:
            raise ValidationError(f"{where}", f"与前面的单据重复（{book.label('mutual_receipt_kind', r.kind)} {number}）")
        seen.add(key)
        other = row(db, "SELECT c.claim_no, c.status FROM mutual_receipts x JOIN mutual_claims c ON c.id = x.claim_id "
                        "WHERE x.member_id = ? AND x.kind = ? AND x.receipt_no = ? AND x.live = 1 AND x.claim_id IS DISTINCT FROM ?",
                    [member_id, r.kind, number, claim_id])
        if other:
            raise ValidationError(where, f"{book.label('mutual_receipt_kind', r.kind)} {number} 已在报销 {other['claim_no']}"
                                  f"（{book.label('mutual_claim_status', other['status'])}）中，同一张单据不能重复报销")
        out.append(ReceiptDraft(r.kind, number, day.isoformat(), r.total_fen, r.insurance_fen, r.self_fen,
                                r.hospital.strip()))
    return out


def open_advances(db: Database, member_id: int, *, exclude_claim: int | None = None) -> list[dict[str, Any]]:
    """The member's advances not yet settled in full (oldest first) with ``open_fen``."""
    out = rows(db, """
        SELECT a.*, a.amount_fen - coalesce((SELECT sum(o.amount_fen) FROM mutual_offsets o
            JOIN mutual_claims c ON c.id = o.claim_id WHERE o.advance_id = a.id AND c.status IN ('approved', 'settled')
            AND c.id IS DISTINCT FROM :x), 0) AS open_fen
        FROM mutual_advances a WHERE a.member_id = :m AND a.closed_at IS NULL ORDER BY a.paid_on, a.id""",
               {"m": member_id, "x": exclude_claim})
    return [a for a in out if int(a["open_fen"]) > 0]


def history(db: Database, plan: dict[str, Any], member_id: int, *, exclude_claim: int | None = None) -> History:
    s = row(db, "SELECT coalesce(sum(subsidy_fen + rehab_fen), 0) AS paid, coalesce(sum(insurance_fen), 0) AS ins, "
                "coalesce(sum(rehab_fen), 0) AS rehab FROM mutual_claims WHERE plan_id = ? AND member_id = ? "
                "AND status IN ('approved', 'settled') AND id IS DISTINCT FROM ?", [plan["id"], member_id, exclude_claim])
    assert s is not None
    advances = tuple((str(a["advance_no"]), int(a["open_fen"])) for a in open_advances(db, member_id,
                                                                                       exclude_claim=exclude_claim))
    return History(mutual_members.consecutive_years(db, member_id, plan["period"]), int(s["paid"]), int(s["ins"]),
                   int(s["rehab"]), advances)


def _require_paid(db: Database, plan: dict[str, Any], member_id: int) -> None:
    e = row(db, "SELECT contribution_id FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?",
            [plan["id"], member_id])
    m = mutual_members.get_member(db, member_id)
    if e is None:
        raise StateError(f"{m['name']} 没有参加 {plan['period']} 年度医疗互助，不能报销。")
    if e["contribution_id"] is None:
        raise StateError(f"{m['name']} 所在单位尚未缴纳 {plan['period']} 年度互助金，缴费入账后才能报销。")


def preview(db: Database, plan_id: int, member_id: int, receipts: Sequence[ReceiptDraft], *,
            claim_id: int | None = None) -> Result:
    """The reimbursement as it would be approved now (nothing written)."""
    plan = mutual_plans.get_plan(db, plan_id)
    checked = check_receipts(db, plan, member_id, receipts, claim_id=claim_id)
    return compute(mutual_plans.rule_of(plan), [Receipt(r.total_fen, r.insurance_fen, r.self_fen) for r in checked],
                   history(db, plan, member_id, exclude_claim=claim_id))


def _write_receipts(db: Database, claim_id: int, member_id: int, receipts: Sequence[ReceiptDraft]) -> None:
    db.execute("DELETE FROM mutual_receipts WHERE claim_id = ?", [claim_id])
    db.conn.executemany(
        "INSERT INTO mutual_receipts (claim_id, member_id, ord, kind, receipt_no, hospital, receipt_date, total_fen, "
        "insurance_fen, self_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(claim_id, member_id, i, r.kind, r.receipt_no, r.hospital, r.receipt_date, r.total_fen, r.insurance_fen,
          r.self_fen) for i, r in enumerate(receipts)])
    db.execute("UPDATE mutual_claims SET total_fen = ?, insurance_fen = ?, self_fen = ? WHERE id = ?",
               [sum(r.total_fen for r in receipts), sum(r.insurance_fen for r in receipts),
                sum(r.self_fen for r in receipts), claim_id])


def create_claim(db: Database, actor: Actor, plan_id: int, member_id: int, receipts: Sequence[ReceiptDraft], *,
                 submitted_on: _dt.date | None = None, note: str = "") -> int:
    actor.require("mutual.claim")
    on = submitted_on or _dt.date.today()
    with write(db):
        plan = mutual_plans.get_plan(db, plan_id)
        mutual_plans.require_open(plan, "登记报销")
        _require_paid(db, plan, member_id)
        checked = check_receipts(db, plan, member_id, receipts)
        number = f"HZ{on.year}-{_serial(db, 'claim', on.year):04d}"
        cur = db.execute("INSERT INTO mutual_claims (claim_no, plan_id, member_id, submitted_on, note, created_by, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [number, plan_id, member_id, on.isoformat(), note.strip(), actor.username, now_iso()])
        claim_id = int(cur.lastrowid or 0)
        _write_receipts(db, claim_id, member_id, checked)
        audit.record(db, actor.username, "create", "mutual_claim", number, None,
                     {"member_id": member_id, "plan": plan["period"], "receipts": [asdict(r) for r in checked]})
    return claim_id


def update_claim(db: Database, actor: Actor, claim_id: int, receipts: Sequence[ReceiptDraft], *, note: str = "") -> None:
    actor.require("mutual.claim")
    with write(db):
        c = _claim_row(db, claim_id)
        if c["status"] != "draft":
            raise StateError(f"报销 {c['claim_no']} 已{_status(db, c)}，不能再修改单据。")
        plan = mutual_plans.get_plan(db, c["plan_id"])
        checked = check_receipts(db, plan, c["member_id"], receipts, claim_id=claim_id)
        _write_receipts(db, claim_id, c["member_id"], checked)
        db.execute("UPDATE mutual_claims SET note = ? WHERE id = ?", [note.strip(), claim_id])
        audit.record(db, actor.username, "update", "mutual_claim", c["claim_no"], None,
                     {"receipts": [asdict(r) for r in checked], "note": note.strip()})


def _claim_row(db: Database, claim_id: int) -> dict[str, Any]:
    c = row(db, "SELECT * FROM mutual_claims WHERE id = ?", [claim_id])
    if c is None:
        raise NotFoundError("医疗互助报销", claim_id)
    return c


def _status(db: Database, c: dict[str, Any]) -> str:
    return codes.load(db).label("mutual_claim_status", c["status"])


def receipt_drafts(db: Database, claim_id: int) -> list[ReceiptDraft]:
    return [ReceiptDraft(r["kind"], r["receipt_no"], r["receipt_date"], int(r["total_fen"]), int(r["insurance_fen"]),
                         int(r["self_fen"]), r["hospital"])
            for r in rows(db, "SELECT * FROM mutual_receipts WHERE claim_id = ? ORDER BY ord", [claim_id])]


def preview_claim(db: Database, claim_id: int) -> Result:
    """A registered claim's reimbursement as it would be approved now."""
    c = _claim_row(db, claim_id)
    return preview(db, c["plan_id"], c["member_id"], receipt_drafts(db, claim_id), claim_id=claim_id)


def approve_claim(db: Database, actor: Actor, claim_id: int) -> Result:
    """批准: the calculation as of now is frozen in the claim; the advances it settles are recorded."""
    actor.require("mutual.approve")
    with write(db):
        c = _claim_row(db, claim_id)
        if c["status"] != "draft":
            raise StateError(f"报销 {c['claim_no']} 已{_status(db, c)}，不能再审批。")
        if c["created_by"] == actor.username:
            raise StateError("登记报销的人不能审批自己登记的报销，请由另一位审批人审批。")
        plan = mutual_plans.get_plan(db, c["plan_id"])
        _require_paid(db, plan, c["member_id"])
        hist = history(db, plan, c["member_id"], exclude_claim=claim_id)
        result = compute(mutual_plans.rule_of(plan),
                         [Receipt(r.total_fen, r.insurance_fen, r.self_fen) for r in receipt_drafts(db, claim_id)], hist)
        years = hist.years
        db.execute("UPDATE mutual_claims SET status = 'approved', years = ?, rate_pct = ?, subsidy_fen = ?, rehab_fen = ?, "
                   "offset_fen = ?, payable_fen = ?, steps = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                   [years, result.rate_pct, result.subsidy_fen, result.rehab_fen, result.offset_fen,
                    result.payable_fen, json.dumps(list(result.steps), ensure_ascii=False), actor.username, now_iso(),
                    claim_id])
        for number, fen in result.offsets:
            db.execute("INSERT INTO mutual_offsets (claim_id, advance_id, amount_fen) VALUES "
                       "(?, (SELECT id FROM mutual_advances WHERE advance_no = ?), ?)", [claim_id, number, fen])
        audit.record(db, actor.username, "approve", "mutual_claim", c["claim_no"], {"status": "draft"},
                     {"status": "approved", "subsidy_fen": result.subsidy_fen, "rehab_fen": result.rehab_fen,
                      "offset_fen": result.offset_fen, "payable_fen": result.payable_fen, "rate_pct": result.rate_pct,
                      "years": years})
    return result


def reject_claim(db: Database, actor: Actor, claim_id: int, reason: str) -> None:
    """不予报销 (approver) — the receipts are freed."""
    actor.require("mutual.approve")
    _end(db, actor, claim_id, "rejected", reason)


def cancel_claim(db: Database, actor: Actor, claim_id: int, reason: str) -> None:
    """作废 a claim registered by mistake (before approval) — the receipts are freed."""
    actor.require("mutual.claim")
    _end(db, actor, claim_id, "cancelled", reason)


def _end(db: Database, actor: Actor, claim_id: int, status: str, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError("原因", "必须填写")
    with write(db):
        c = _claim_row(db, claim_id)
        if c["status"] != "draft":
            raise StateError(f"报销 {c['claim_no']} 已{_status(db, c)}，只有待审批的报销可以{'不予报销' if status == 'rejected' else '作废'}。")
        db.execute("UPDATE mutual_claims SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                   [status, reason, actor.username, now_iso(), claim_id])
        db.execute("UPDATE mutual_receipts SET live = 0 WHERE claim_id = ?", [claim_id])
        audit.record(db, actor.username, "reject" if status == "rejected" else "cancel", "mutual_claim", c["claim_no"],
                     {"status": "draft"}, {"status": status, "reason": reason})


def revoke_approval(db: Database, actor: Actor, claim_id: int, reason: str) -> None:
    """撤销批准: back to 待审批 (no settlement has taken it yet); its advance offsets go."""
    actor.require("mutual.approve")
    reason = reason.strip()
    if not reason:
        raise ValidationError("撤销原因", "必须填写")
    with write(db):
        c = _claim_row(db, claim_id)
        if c["status"] != "approved":
            raise StateError(f"报销 {c['claim_no']} {_status(db, c)}，不能撤销批准。")
        if c["settlement_id"] is not None:
            no = scalar(db, "SELECT settle_no FROM mutual_settlements WHERE id = ?", [c["settlement_id"]])
            raise StateError(f"报销 {c['claim_no']} 已列入结算 {no}，请先把它移出结算。")
        if scalar(db, "SELECT 1 FROM mutual_payments WHERE claim_id = ?", [claim_id]):
            raise StateError(f"报销 {c['claim_no']} 曾经支付过（已退回），不能撤销批准，请重新结算。")
        db.execute("DELETE FROM mutual_offsets WHERE claim_id = ?", [claim_id])
        db.execute("UPDATE mutual_claims SET status = 'draft', years = NULL, rate_pct = NULL, subsidy_fen = NULL, "
                   "rehab_fen = NULL, offset_fen = NULL, payable_fen = NULL, steps = NULL, decided_by = NULL, "
                   "decided_at = NULL WHERE id = ?", [claim_id])
        audit.record(db, actor.username, "revoke", "mutual_claim", c["claim_no"],
                     {"status": "approved", "payable_fen": c["payable_fen"]}, {"status": "draft", "reason": reason})


def get_claim(db: Database, claim_id: int) -> dict[str, Any]:
    c = row(db, """
        SELECT c.*, p.period, m.name, m.id_number, m.gender, m.phone, m.bank_name, m.bank_account, u.name AS unit_name,
               s.settle_no, s.status AS settlement_status
        FROM mutual_claims c JOIN mutual_plans p ON p.id = c.plan_id JOIN mutual_members m ON m.id = c.member_id
        JOIN mutual_units u ON u.id = m.unit_id LEFT JOIN mutual_settlements s ON s.id = c.settlement_id
        WHERE c.id = ?""", [claim_id])
    if c is None:
        raise NotFoundError("医疗互助报销", claim_id)
    c["receipts"] = rows(db, "SELECT * FROM mutual_receipts WHERE claim_id = ? ORDER BY ord", [claim_id])
    c["steps"] = json.loads(c["steps"]) if c["steps"] else []
    c["offsets"] = rows(db, "SELECT o.amount_fen, a.advance_no FROM mutual_offsets o JOIN mutual_advances a "
                            "ON a.id = o.advance_id WHERE o.claim_id = ? ORDER BY a.paid_on", [claim_id])
    return c


def claim_by_no(db: Database, claim_no: str) -> dict[str, Any]:
    cid = scalar(db, "SELECT id FROM mutual_claims WHERE claim_no = ?", [claim_no.strip()])
    if cid is None:
        raise NotFoundError("医疗互助报销", claim_no)
    return get_claim(db, int(cid))


def list_claims(db: Database, *, plan_id: int | None = None, status: str | None = None, text: str = "",
                member_id: int | None = None, settlement_id: int | None = None, limit: int = 5000) -> list[dict[str, Any]]:
    w = Where(limit=limit)
    for key, col, value in (("p", "c.plan_id", plan_id), ("s", "c.status", status), ("m", "c.member_id", member_id),
                            ("st", "c.settlement_id", settlement_id)):
        w.equal(col, value, key)
    if text.strip():
        w.add("(c.claim_no LIKE :t OR m.name LIKE :t OR m.id_number LIKE :t OR u.name LIKE :t)", t=f"%{text.strip()}%")
    return rows(db, f"""
        SELECT c.id, c.claim_no, c.status, c.submitted_on, c.total_fen, c.insurance_fen, c.self_fen, c.rate_pct,
               c.subsidy_fen, c.rehab_fen, c.offset_fen, c.payable_fen, c.decided_by, c.decided_at, c.reason,
               c.created_by, p.period, m.id AS member_id, m.name, m.id_number, u.name AS unit_name, s.settle_no,
               (SELECT count(*) FROM mutual_receipts x WHERE x.claim_id = c.id) AS receipts
        FROM mutual_claims c JOIN mutual_plans p ON p.id = c.plan_id JOIN mutual_members m ON m.id = c.member_id
        JOIN mutual_units u ON u.id = m.unit_id LEFT JOIN mutual_settlements s ON s.id = c.settlement_id
        {w.sql} ORDER BY c.id DESC LIMIT :limit""", w.named)


# ---------------------------------------------------------------------------------------- advances

def pay_advance(db: Database, actor: Actor, plan_id: int, member_id: int, amount_fen: int, *, reason: str,
                approved_by: str, on: _dt.date | None = None, today: _dt.date | None = None) -> int:
    """大病特殊救助预付: paid at once from the plan's fund (finance), approved by an approver."""
    actor.require("mutual.pay")
    reason = reason.strip()
    if not reason:
        raise ValidationError("预付原因", "必须填写（病种、病情和急需用钱的情况）")
    amount_fen = ledger.positive_amount(amount_fen, "预付金额")
    approver = auth.get_actor(db, approved_by.strip())
    if not approver.can("mutual.approve") or approver.username == actor.username:
        raise ValidationError("批准人", "须为审批人（且不是付款人本人）", approved_by)
    with write(db):
        plan = mutual_plans.get_plan(db, plan_id)
        mutual_plans.require_open(plan, "预付")
        _require_paid(db, plan, member_id)
        cap = plan["advance_cap_fen"]
        if cap is not None and amount_fen > int(cap):
            raise ValidationError("预付金额", f"超过每笔预付最高 {yuan(cap)} 元", yuan(amount_fen))
        m = mutual_members.get_member(db, member_id)
        day = ledger.business_date(on, today)
        number = f"YF{day.year}-{_serial(db, 'advance', day.year):04d}"
        posted = ledger.post(db, actor, "payment", day, f"医疗互助大病特殊救助预付 {number} {m['name']}",
                             [ledger.Line(int(plan["fund_id"]), "mutual_aid", -amount_fen,
                                          memo=f"特殊救助预付 {number}：{reason}", counterparty=str(m["name"]),
                                          bank_name=str(m["bank_name"]), bank_account=str(m["bank_account"]))],
                             ref_no=number, counterparty=str(m["name"]), today=today,
                             audit_detail={"mutual_advance": number, "approved_by": approver.username})
        cur = db.execute("INSERT INTO mutual_advances (advance_no, plan_id, member_id, amount_fen, reason, approved_by, "
                         "paid_on, voucher_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [number, plan_id, member_id, amount_fen, reason, approver.username, day.isoformat(),
                          posted.voucher_id, actor.username, now_iso()])
        advance_id = int(cur.lastrowid or 0)
        db.execute("INSERT INTO mutual_payments (entry_id, advance_id, amount_fen) VALUES (?, ?, ?)",
                   [posted.entry_ids[0], advance_id, amount_fen])
    return advance_id


def close_advance(db: Database, actor: Actor, advance_id: int, reason: str) -> None:
    """核销: what no claim settled stays with the member as special aid (approver, with a reason)."""
    actor.require("mutual.approve")
    reason = reason.strip()
    if not reason:
        raise ValidationError("核销原因", "必须填写")
    with write(db):
        a = row(db, "SELECT * FROM mutual_advances WHERE id = ?", [advance_id])
        if a is None:
            raise NotFoundError("特殊救助预付", advance_id)
        if a["closed_at"]:
            raise StateError(f"预付 {a['advance_no']} 已于 {a['closed_at'][:10]} 核销或退回。")
        db.execute("UPDATE mutual_advances SET closed_at = ?, closed_by = ?, closed_reason = ? WHERE id = ?",
                   [now_iso(), actor.username, reason, advance_id])
        audit.record(db, actor.username, "close", "mutual_advance", a["advance_no"], None, {"reason": reason})


def list_advances(db: Database, *, member_id: int | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    w = Where().equal("a.member_id", member_id)
    out = rows(db, f"""
        SELECT a.*, m.name, m.id_number, u.name AS unit_name, v.voucher_no,
               coalesce((SELECT sum(o.amount_fen) FROM mutual_offsets o JOIN mutual_claims c ON c.id = o.claim_id
                         WHERE o.advance_id = a.id AND c.status IN ('approved', 'settled')), 0) AS settled_fen
        FROM mutual_advances a JOIN mutual_members m ON m.id = a.member_id JOIN mutual_units u ON u.id = m.unit_id
        JOIN vouchers v ON v.id = a.voucher_id{w.sql} ORDER BY a.paid_on DESC, a.id DESC""", w.args)
    for a in out:
        a["open_fen"] = 0 if a["closed_at"] else int(a["amount_fen"]) - int(a["settled_fen"])
    return [a for a in out if a["open_fen"] > 0] if open_only else out


def member_standing(db: Database, plan_id: int, member_id: int) -> dict[str, Any]:
    """A member as the claim and advance dialogs show them: the member row with ``enrolled`` and ``paid`` in the
    plan, consecutive ``years`` and the advances still open (``advances``, ``open_fen``)."""
    m = mutual_members.get_member(db, member_id)
    plan = mutual_plans.get_plan(db, plan_id)
    e = row(db, "SELECT contribution_id FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?", [plan_id, member_id])
    advances = open_advances(db, member_id)
    return {**m, "enrolled": e is not None, "paid": e is not None and e["contribution_id"] is not None,
            "years": mutual_members.consecutive_years(db, member_id, plan["period"]), "advances": advances,
            "open_fen": sum(int(a["open_fen"]) for a in advances)}
