"""The data of the 职工医疗互助 forms (registered in ``printing.sources``).

* ``mutual_settlement`` → the quarterly 报销结算花名册 (form ``mutual_roster``): one document per
  settlement, a row per claim (``core.mutual_settle.settlement_lines``) with its sums.
* ``mutual_claim`` → the 医疗互助报销审批表 (form ``mutual_claim``): one document per claim with its
  receipts and the calculation's steps — as approved, or for a claim still waiting the live
  calculation marked 未审批.

Without a selection each prints one blank form (to fill in by hand). ID numbers, phones and bank
accounts arrive masked unless the print reveals them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id, mask_phone
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.mutual.claims import ReceiptDraft

if TYPE_CHECKING:
    from helpdesk_gui.printing.sources import Common, Selection

SETTLEMENT_STATUS = {"draft": "未记账", "posted": "已记账", "cancelled": "已作废"}

ROSTER_ROW_KEYS = frozenset({"claim_id", "claim_no", "status", "total_fen", "insurance_fen", "self_fen", "rate_pct",
                             "subsidy_fen", "rehab_fen", "offset_fen", "payable_fen", "name", "id_number", "gender",
                             "phone", "bank_name", "bank_account", "unit_name", "period", "_n"})
_ROSTER_SUMS = {"payable_total_fen": "payable_fen", "self_total_fen": "self_fen", "subsidy_total_fen": "subsidy_fen",
                "rehab_total_fen": "rehab_fen", "offset_total_fen": "offset_fen", "insurance_total_fen": "insurance_fen",
                "claims_total_fen": "total_fen"}
ROSTER_KEYS = frozenset({"settle_no", "quarter", "quarter_label", "fund_name", "status_label", "voucher_no",
                         "paid_date", "note", "created_by_name", "posted_by_name", "count", "members", *_ROSTER_SUMS})

RECEIPT_KEYS = frozenset({"kind", "receipt_no", "hospital", "receipt_date", "total_fen", "insurance_fen", "self_fen",
                          "_n"})
STEP_KEYS = frozenset({"text", "_n"})
CLAIM_KEYS = frozenset({
    "claim_no", "status", "status_label", "draft_mark", "period", "name", "gender", "id_number", "phone", "unit_name",
    "bank_name", "bank_account", "years", "rate_pct", "submitted_on", "note", "total_fen", "insurance_fen", "self_fen",
    "subsidy_fen", "rehab_fen", "granted_fen", "offset_fen", "payable_fen", "offsets_text", "steps_text",
    "created_by_name", "approver", "approve_date", "opinion", "reason", "settle_no", "receipt_count", "clerk_opinion",
    "receipts_total_text"})


def _mask(item: dict[str, Any], reveal: bool) -> None:
    if reveal:
        return
    for key, fn in (("id_number", mask_id), ("phone", mask_phone), ("bank_account", mask_bank)):
        if item.get(key):
            item[key] = fn(item[key])


def _number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, item in enumerate(items, start=1):
        item["_n"] = i
    return items


def _user_name(db: Database, username: str | None) -> str:
    if not username:
        return ""
    try:
        return auth.get_actor(db, username).display_name
    except HelpdeskError:
        return str(username)


# ----------------------------------------------------------------------------- the settlement roster

def settlement_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    doc = common.data()
    if sel.mutual_settlement is None:
        doc.update({k: "" for k in ROSTER_KEYS})
        doc.update({k: None for k in _ROSTER_SUMS})
        doc.update({"rows": [], "count": 0, "members": 0})
        yield doc
        return
    s = mutual_settle.get_settlement(db, sel.mutual_settlement)
    items = _number(mutual_settle.settlement_lines(db, int(s["id"])))
    for r in items:
        _mask(r, common.reveal)
    doc.update({"settle_no": s["settle_no"], "quarter": s["quarter"], "quarter_label": mutual_settle.quarter_label(
        s["quarter"]), "fund_name": s["fund_name"], "status_label": SETTLEMENT_STATUS.get(s["status"], s["status"]),
        "voucher_no": s["voucher_no"] or "", "paid_date": s["paid_date"] or "", "note": s["note"],
        "created_by_name": _user_name(db, s["created_by"]), "posted_by_name": _user_name(db, s["posted_by"]),
        "count": len(items), "members": len({r["id_number"] for r in items}), "rows": items})
    for key, column in _ROSTER_SUMS.items():
        doc[key] = sum(int(r[column] or 0) for r in items)
    yield doc


def count_settlement(_sel: Selection) -> int:
    return 1


# ----------------------------------------------------------------------------- the claim's approval form

def _blank_claim(doc: dict[str, Any]) -> dict[str, Any]:
    doc.update({k: "" for k in CLAIM_KEYS})
    for k in ("total_fen", "insurance_fen", "self_fen", "subsidy_fen", "rehab_fen", "granted_fen", "offset_fen",
              "payable_fen", "years", "rate_pct"):
        doc[k] = None
    doc.update({"receipts": [], "steps": [], "receipt_count": ""})
    return doc


def _live(db: Database, c: dict[str, Any]) -> dict[str, Any]:
    """A claim waiting for approval: the calculation as it would be approved now, or why it cannot be."""
    receipts = [ReceiptDraft(r["kind"], r["receipt_no"], r["receipt_date"], int(r["total_fen"]), int(r["insurance_fen"]),
                             int(r["self_fen"]), r["hospital"]) for r in c["receipts"]]
    years = mutual_members.consecutive_years(db, int(c["member_id"]), c["period"])
    try:
        result = mutual_claims.preview(db, int(c["plan_id"]), int(c["member_id"]), receipts, claim_id=int(c["id"]))
    except HelpdeskError as e:
        return {"years": years, "steps": [f"暂不能试算：{e}"], "offsets": ()}
    return {"years": years, "rate_pct": result.rate_pct, "subsidy_fen": result.subsidy_fen,
            "rehab_fen": result.rehab_fen, "offset_fen": result.offset_fen, "payable_fen": result.payable_fen,
            "steps": list(result.steps), "offsets": result.offsets}


def claim_docs(db: Database, book: codes.CodeBook, sel: Selection, common: Common) -> Iterator[dict[str, Any]]:
    base = common.data()
    if not sel.mutual_claims:
        yield _blank_claim(dict(base))
        return
    for cid in sel.mutual_claims:
        c = mutual_claims.get_claim(db, cid)
        doc = _blank_claim(dict(base))
        doc.update({k: c[k] for k in CLAIM_KEYS if k in c})
        doc["status_label"] = book.label("mutual_claim_status", c["status"])
        doc["steps"] = list(c["steps"])
        granted = c["status"] in mutual_claims.GRANTED
        offsets: Any = [(o["advance_no"], int(o["amount_fen"])) for o in c["offsets"]]
        if c["status"] == "draft":
            live = _live(db, c)
            offsets = live.pop("offsets")
            doc.update(live)
            doc["draft_mark"] = "（未审批，以下为按现行规则的试算）"
        elif not granted:
            doc["steps"] = [f"{doc['status_label']}：{c['reason']}"] if c["reason"] else []
        if doc["subsidy_fen"] is not None:
            doc["granted_fen"] = int(doc["subsidy_fen"]) + int(doc["rehab_fen"] or 0)
        doc["offsets_text"] = "；".join(f"预付 {no} 冲抵 {yuan(fen)} 元"
                                       for no, fen in offsets) or "无"
        doc["steps_text"] = "\n".join(f"{i}. {s}" for i, s in enumerate(doc["steps"], start=1))
        doc["steps"] = _number([{"text": s} for s in doc["steps"]])
        doc["receipts"] = _number([dict(r) for r in c["receipts"]])
        doc["receipt_count"] = len(c["receipts"])
        doc["receipts_total_text"] = (f"{len(c['receipts'])} 张：医疗总费用 {yuan(c['total_fen'])} 元，"
                                      f"统筹支付 {yuan(c['insurance_fen'])} 元")
        doc["clerk_opinion"] = "单据已核对，按方案规则计算如上。"
        doc["created_by_name"] = _user_name(db, c["created_by"])
        doc["settle_no"] = c["settle_no"] or ""
        if granted:
            doc["approver"] = _user_name(db, c["decided_by"])
            doc["approve_date"] = str(c["decided_at"] or "")[:10]
            doc["opinion"] = "同意报销。"
        elif c["status"] in ("rejected", "cancelled"):
            doc["approver"] = _user_name(db, c["decided_by"])
            doc["approve_date"] = str(c["decided_at"] or "")[:10]
            doc["opinion"] = f"{doc['status_label']}：{c['reason']}"
        _mask(doc, common.reveal)
        yield doc


def count_claims(sel: Selection) -> int:
    return max(len(sel.mutual_claims), 1)
