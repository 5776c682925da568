"""审批 and 决定: approving or rejecting an application, with separation of duties, the cap, the
second level, and a snapshot of what was approved.

* Whoever entered an application never approves or rejects it (``DutyConflict``).
* A grant above the setting ``second_approval_fen`` needs a second, higher approval: after the first
  approver, a **different** user holding ``workflow.approve_second`` (another 审批人, or the
  admin / director account) approves it — never the enterer, never the first approver.
* Approval needs the 公示 to be over (the day after its last day) and every objection handled.
* A grant above the computed cap (``core.caps``) needs the approver's written override reason;
  the database refuses a decision above its cap without one (CHECK constraint).
* The decision stores a snapshot (household as approved, amounts, the rule used); triggers refuse
  any later change. Project decisions start 待发放 (``unpaid``): the ledger lists them with
  ``payable_decisions`` and marks each paid with ``mark_paid`` inside its own transaction.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.workflow import caps, review
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.core.workflow.steps import DutyConflict

TEMPORARY_AID = "5"
_SNAPSHOT_FIELDS = ("archive_no", "sender_code", "status", "archive_type", "category", "category_suggested", "name",
                    "gender", "id_number", "birth_date", "phone", "health", "work_status", "township", "address",
                    "hukou_region_code", "employer_name", "org_unit_name", "bank_name", "bank_branch", "bank_account",
                    "cause_main", "causes_secondary", "family_size", "annual_income_fen", "rigid_expense_fen",
                    "per_capita_month_fen", "created_date", "updated_at")


@dataclass
class Preview:
    """What the approval screen shows before the approver decides."""

    stage: str                    # "first" | "second"
    amount_fen: int | None        # proposed (first) or approved by the first level (second)
    cap: caps.Cap | None
    needs_second: bool
    category: str | None
    blockers: list[str] = field(default_factory=list)
    duty: str = ""                # why this user may not decide (empty: may)

    @property
    def over_cap(self) -> bool:
        return bool(self.cap is not None and self.amount_fen is not None and self.amount_fen > self.cap.cap_fen)


def _duty(app: dict[str, Any], actor: Actor) -> str:
    if actor.username == app["entered_by"]:
        return f"您是申请 {app['app_no']} 的录入人，按规定不能审批自己录入的申请，请由其他审批人办理。"
    if app["status"] == "second" and actor.username == app["first_approver"]:
        return f"申请 {app['app_no']} 已由您作初审批准，上级审批须由另一位审批人（或中心主任）办理。"
    return ""


def _permission(app: dict[str, Any]) -> str:
    return "workflow.approve_second" if app["status"] == "second" else "workflow.approve"


@dataclass(frozen=True)
class Books:
    """Code lists and cap rules read once for many decisions (a campaign approved in one step)."""

    book: codes.CodeBook
    rules: dict[tuple[str, str], caps.CapRule]

    @classmethod
    def load(cls, db: Database) -> Books:
        return cls(codes.load(db), caps.load_rules(db))


def _cap(db: Database, app: dict[str, Any], on: _dt.date, books: Books | None = None) -> caps.Cap:
    return caps.cap_for(db, int(app["household_id"]), str(app["project"]), on=on, cost_fen=app["cost_fen"],
                        beneficiary=str(app["beneficiary"]), exclude_application=int(app["id"]),
                        membership_years=int(json.loads(app["details"]).get("membership_years", 0)),
                        rules=books.rules if books else None, book=books.book if books else None)


def preview(db: Database, actor: Actor, application_id: int, *, today: _dt.date | None = None,
            books: Books | None = None) -> Preview:
    app = workflow.load(db, application_id)
    on = today or _dt.date.today()
    blockers: list[str] = []
    if app["status"] not in ("pending", "second"):
        book = codes.load(db)
        blockers.append(f"申请当前为“{book.label('application_status', app['status'])}”，不是待审批")
    blockers += workflow.publicity_blockers(db, app, on)
    missing = workflow.missing_materials(db, app)
    if missing:
        blockers.append("缺少必备材料：" + "、".join(missing))
    h = row(db, "SELECT status, category, category_suggested FROM households WHERE id = ?", [app["household_id"]])
    assert h is not None
    cap: caps.Cap | None = None
    amount: int | None = None
    if app["kind"] == "project":
        if h["status"] != "active" and not (app["project"] == TEMPORARY_AID and settings.get(db, "temporary_aid_any_status")):
            blockers.append("帮扶只发给在档的家庭，该档案尚未在档")
        amount = app["approved_fen"] if app["status"] == "second" else app["proposed_fen"] or app["requested_fen"]
        try:
            cap = _cap(db, app, on, books)
        except ValidationError as e:
            blockers.append(str(e))
    category = app["proposed_category"] or (h["category"] or h["category_suggested"]
                                            if app["kind"] == "new_archive" else None)
    threshold = int(settings.get(db, "second_approval_fen"))
    needs_second = app["status"] == "pending" and amount is not None and amount > threshold
    duty = _duty(app, actor) or ("" if actor.can(_permission(app)) else "您的角色无权审批")
    return Preview("second" if app["status"] == "second" else "first", amount, cap, needs_second, category,
                   blockers, duty)


def _check(db: Database, actor: Actor, app: dict[str, Any], doing: str) -> None:
    workflow.require_status(db, app, ("pending", "second"), doing)
    actor.require(_permission(app))
    duty = _duty(app, actor)
    if duty:
        raise DutyConflict(duty)


def snapshot(db: Database, app: dict[str, Any], *, amount_fen: int | None, cap: caps.Cap | None,
             category: str | None, on: _dt.date, actor: Actor) -> dict[str, Any]:
    """What was decided, as it stood: later edits of the household do not change it."""
    h = register.get_household(db, int(app["household_id"]))
    std = policy.lookup(db, str(h["hukou_region_code"] or ""), on)
    pub = workflow.publicity_of(db, app)
    strip = ("id", "household_id")
    return {
        "household": {**{k: h.get(k) for k in _SNAPSHOT_FIELDS},
                      "members": [{k: v for k, v in m.items() if k not in strip} for m in h["members"]],
                      "income_items": [{k: v for k, v in i.items() if k not in strip} for i in h["income_items"]],
                      "expenses": [{k: v for k, v in e.items() if k not in strip} for e in h["expenses"]],
                      "exclusions": [{k: v for k, v in e.items() if k not in strip} for e in h["exclusions"]]},
        "application": {k: app[k] for k in ("app_no", "kind", "project", "beneficiary", "school_level", "cost_fen",
                                            "requested_fen", "proposed_fen", "reason", "received_date", "entered_by",
                                            "campaign_id")} | {"details": json.loads(app["details"])},
        "amounts": {"approved_fen": amount_fen, "cap_fen": cap.cap_fen if cap else None,
                    "requested_fen": app["requested_fen"], "proposed_fen": app["proposed_fen"]},
        "rule": cap.as_dict() if cap else None,
        "category": category,
        "dibao": {"region_code": std.region_code, "effective_from": std.effective_from,
                  "dibao_month_fen": std.dibao_month_fen},
        "publicity": {k: pub[k] for k in ("start_date", "end_date", "days", "working_days", "place")} if pub else None,
        "decided_on": on.isoformat(), "decided_by": actor.username, "first_approver": app["first_approver"],
    }


@dataclass(frozen=True)
class Result:
    status: str                   # the application's state after the step
    decision_id: int | None


def approve(db: Database, actor: Actor, application_id: int, opinion: str, *, amount_fen: int | None = None,
            override_reason: str = "", category: str | None = None, today: _dt.date | None = None,
            books: Books | None = None) -> Result:
    """审批通过. Above ``second_approval_fen`` the first approval sends it to 待上级审批."""
    opinion = workflow.text(opinion, "审批意见")
    override_reason = override_reason.strip()
    books = books or Books.load(db)
    book = books.book
    with write(db):
        app = workflow.load(db, application_id)
        _check(db, actor, app, "审批")
        on = workflow.business_day(app, today)
        pv = preview(db, actor, application_id, today=on, books=books)
        if pv.blockers:
            raise StateError(f"{workflow.label_of(db, app)}还不能审批：" + "；".join(pv.blockers) + "。")
        cap = pv.cap
        amount: int | None = None
        if app["kind"] == "project":
            amount = pv.amount_fen if pv.stage == "second" or amount_fen is None else amount_fen
            if not amount or amount <= 0:
                raise ValidationError("审批金额", "应大于 0", amount)
            override_reason = override_reason or (str(app["override_reason"]) if pv.stage == "second" else "")
            assert cap is not None
            if amount > cap.cap_fen and not override_reason:
                raise ValidationError("超限理由", f"审批金额 {format_yuan(amount, grouping=True)} 元超过上限 "
                                      f"{format_yuan(cap.cap_fen, grouping=True)} 元（{cap.text}），须由审批人写明超限理由")
        decided_category = category or pv.category
        if app["kind"] in ("new_archive", "change") and not book.has_code("category", str(decided_category or "")):
            raise ValidationError("困难类别", "审批时须确定困难类别", decided_category)
        if app["kind"] not in ("new_archive", "change"):
            decided_category = None
        threshold = int(settings.get(db, "second_approval_fen"))
        if pv.stage == "first" and amount is not None and amount > threshold:
            workflow.step(db, actor, app, "approve_first", "second", on, opinion,
                          {"amount_fen": amount, "cap_fen": cap.cap_fen if cap else None, "override_reason": override_reason,
                           "threshold_fen": threshold},
                          approved_fen=amount, override_reason=override_reason, first_approver=actor.username)
            return Result("second", None)
        snap = snapshot(db, app, amount_fen=amount, cap=cap, category=decided_category, on=on, actor=actor)
        at = now_iso()
        cur = db.execute(
            "INSERT INTO decisions (application_id, household_id, outcome, kind, project, amount_fen, cap_fen, cap_rule, "
            "override_reason, category, opinion, entered_by, first_approver, approved_by, decided_on, decided_at, "
            "snapshot, status) VALUES (?, ?, 'approved', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [app["id"], app["household_id"], app["kind"], app["project"], amount, cap.cap_fen if cap else None,
             cap.text if cap else "", override_reason,
             decided_category, opinion, app["entered_by"], app["first_approver"], actor.username, on.isoformat(), at,
             json.dumps(snap, ensure_ascii=False, default=str), "unpaid" if amount else "none"])
        decision_id = int(cur.lastrowid or 0)
        workflow.step(db, actor, app, "approve", "approved", on, opinion,
                      {"decision_id": decision_id, "amount_fen": amount, "cap_fen": cap.cap_fen if cap else None,
                       "override_reason": override_reason, "category": decided_category},
                      approved_fen=amount, override_reason=override_reason)
        _apply(db, actor, app, decided_category, on, opinion)
    return Result("approved", decision_id)


def _set_category(db: Database, actor: Actor, household_id: int, category: str, why: str) -> None:
    before = row(db, "SELECT archive_no, category FROM households WHERE id = ?", [household_id])
    assert before is not None
    if before["category"] != category:
        db.execute("UPDATE households SET category = ?, updated_at = ? WHERE id = ?", [category, now_iso(), household_id])
        audit.record(db, actor.username, "update", "household", before["archive_no"], {"category": before["category"]},
                     {"category": category, "why": why}, households=[household_id])


def _apply(db: Database, actor: Actor, app: dict[str, Any], category: str | None, on: _dt.date, opinion: str) -> None:
    """What an approved decision changes in the register."""
    hid = int(app["household_id"])
    details = json.loads(app["details"])
    if app["kind"] == "new_archive":
        assert category is not None
        _set_category(db, actor, hid, category, f"新建档申请 {app['app_no']} 审批确定")
        workflow.sync_household(db, actor, app, on, note=opinion)
    elif app["kind"] == "change":
        assert category is not None
        _set_category(db, actor, hid, category, f"变更申请 {app['app_no']} 审批通过")
    elif app["kind"] == "exit":
        register.set_status(db, actor, hid, str(details["to"]), reason=details.get("reason"),
                            note=f"申请 {app['app_no']} 审批通过：{opinion}", on=on)
    elif app["kind"] == "review":
        review.apply_approved(db, actor, app, details, on)


def reject(db: Database, actor: Actor, application_id: int, opinion: str, *, today: _dt.date | None = None) -> int:
    """不予批准: recorded as a decision too (with its snapshot); a 新建档 archive is cancelled (不符合条件)."""
    opinion = workflow.text(opinion, "不予批准的理由")
    with write(db):
        app = workflow.load(db, application_id)
        _check(db, actor, app, "作出不予批准的决定")
        on = workflow.business_day(app, today)
        snap = snapshot(db, app, amount_fen=None, cap=None, category=None, on=on, actor=actor)
        cur = db.execute(
            "INSERT INTO decisions (application_id, household_id, outcome, kind, project, opinion, entered_by, "
            "first_approver, approved_by, decided_on, decided_at, snapshot, status) "
            "VALUES (?, ?, 'rejected', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'none')",
            [app["id"], app["household_id"], app["kind"], app["project"], opinion, app["entered_by"],
             app["first_approver"], actor.username, on.isoformat(), now_iso(),
             json.dumps(snap, ensure_ascii=False, default=str)])
        decision_id = int(cur.lastrowid or 0)
        workflow.step(db, actor, app, "reject", "rejected", on, opinion, {"decision_id": decision_id})
        workflow.sync_household(db, actor, app, on, note=f"新建档申请 {app['app_no']} 不予批准：{opinion}",
                                reason="ineligible")
        if app["review_task_id"]:
            db.execute("UPDATE review_tasks SET status = 'open', application_id = NULL WHERE id = ?",
                       [app["review_task_id"]])
    return decision_id


# ---------------------------------------------------------------- for the ledger (issue: fund ledgers)

def _decided_in(w: Where, year: int | None) -> Where:
    if year:
        w.add("d.decided_on >= ? AND d.decided_on < ?", f"{year:04d}-01-01", f"{year + 1:04d}-01-01")
    return w


def payable_decisions(db: Database, *, project: str | None = None, year: int | None = None,
                      campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Approved grants not yet paid (待发放), oldest first: what the ledger pays. Amounts in fen; the bank
    account is the one in the snapshot (as approved)."""
    w = Where().add("d.outcome = 'approved'").add("d.status = 'unpaid'").equal("d.project", project)
    _decided_in(w, year)
    w.equal("a.campaign_id", campaign_id)
    out = rows(db, "SELECT d.id AS decision_id, d.application_id, a.app_no, d.household_id, h.archive_no, h.name, "
                   "d.project, d.amount_fen, d.decided_on, d.approved_by, a.beneficiary, a.campaign_id, d.snapshot "
                   "FROM decisions d JOIN applications a ON a.id = d.application_id "
                   f"JOIN households h ON h.id = d.household_id{w.sql} ORDER BY d.id", w.args)
    for r in out:
        snap = json.loads(r.pop("snapshot"))["household"]
        r.update(bank_name=snap.get("bank_name"), bank_branch=snap.get("bank_branch"),
                 bank_account=snap.get("bank_account"), id_number=snap.get("id_number"))
    return out


def list_decisions(db: Database, *, year: int | None = None) -> list[dict[str, Any]]:
    """Every decision (approved or not, paid or not), oldest first; ``year``: decided in that year."""
    w = _decided_in(Where(), year)
    return rows(db, "SELECT d.id AS decision_id, a.app_no, h.archive_no, h.name, d.outcome, d.project, d.amount_fen, "
                    "d.status, d.decided_on, d.approved_by FROM decisions d JOIN applications a ON a.id = d.application_id "
                    f"JOIN households h ON h.id = d.household_id{w.sql} ORDER BY d.id", w.args)


def mark_paid(db: Database, actor: Actor, decision_id: int, ref: str, *, paid_at: str | None = None) -> None:
    """待发放 → 已发放. Call it inside the ledger's payment transaction; ``ref`` names the payment (凭证号)."""
    actor.require("decisions.pay")
    ref = workflow.text(ref, "发放凭证")
    with write(db):
        d = row(db, "SELECT d.id, d.status, a.app_no, a.id AS application_id FROM decisions d "
                    "JOIN applications a ON a.id = d.application_id WHERE d.id = ?", [decision_id])
        if d is None:
            raise NotFoundError("审批决定", decision_id)
        if d["status"] != "unpaid":
            raise StateError(f"申请 {d['app_no']} 的决定不是待发放状态，不能登记发放。")
        db.execute("UPDATE decisions SET status = 'paid', paid_at = ?, paid_by = ?, paid_ref = ? WHERE id = ?",
                   [paid_at or now_iso(), actor.username, ref, decision_id])
        app = workflow.load(db, int(d["application_id"]))
        on = max(_dt.date.today(), _dt.date.fromisoformat(str(app["last_step_date"])))
        workflow.step(db, actor, app, "paid", app["status"], on, f"已发放（{ref}）", {"decision_id": decision_id})


def decision_of(db: Database, application_id: int) -> dict[str, Any] | None:
    d = row(db, "SELECT * FROM decisions WHERE application_id = ?", [application_id])
    if d is not None:
        d["snapshot"] = json.loads(d["snapshot"])
    return d


def unpaid_total(db: Database) -> int:
    return int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM decisions WHERE status = 'unpaid'"))
