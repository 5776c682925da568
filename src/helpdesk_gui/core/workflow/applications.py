"""Reading applications: lists by state with filters, one application in full (its timeline), and
which steps the acting user may take now (the window enables exactly these buttons)."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.db import row, rows, scalar
from helpdesk_gui.core.db.where import TOP, Where
from helpdesk_gui.core.workflow import approval
from helpdesk_gui.core.workflow import steps as workflow

LIST_COLUMNS = ("a.id, a.app_no, a.kind, a.project, a.status, a.household_id, h.archive_no, h.name, h.township, "
                "h.category, a.beneficiary, a.requested_fen, a.proposed_fen, a.approved_fen, a.received_date, "
                "a.visit_due_date, a.entered_by, a.campaign_id, a.updated_at, p.end_date AS publicity_end")


@dataclass(frozen=True)
class Query:
    status: str | None = None        # one state, or "open" for every state still being handled
    kind: str | None = None
    project: str | None = None
    text: str = ""                   # 申请编号, 档案编号 or name prefix
    campaign_id: int | None = None
    household_id: int | None = None


def _where(q: Query) -> tuple[str, list[Any]]:
    w = Where()
    if q.status == "open":
        w.one_of("a.status", workflow.OPEN)
    else:
        w.equal("a.status", q.status)
    for column, value in (("a.kind", q.kind), ("a.project", q.project), ("a.campaign_id", q.campaign_id),
                          ("a.household_id", q.household_id)):
        w.equal(column, value)
    t = "".join(q.text.split())
    if t:
        starts = [("a.app_no", t.upper()), ("h.archive_no", t), ("h.name", t), ("h.name_initials", t.lower())]
        w.add("(" + " OR ".join(f"({c} >= ? AND {c} < ?)" for c, _ in starts) + ")",
              *(arg for _, p in starts for arg in (p, p + TOP)))
    return w.sql, w.args


def list_applications(db: Database, q: Query = Query(), *, limit: int = 2000) -> list[dict[str, Any]]:
    """Newest first (by last change), at most ``limit`` rows."""
    where, params = _where(q)
    return rows(db, f"SELECT {LIST_COLUMNS} FROM applications a JOIN households h ON h.id = a.household_id "
                    f"LEFT JOIN publicity_periods p ON p.id = a.publicity_id{where} "
                    "ORDER BY a.updated_at DESC, a.id DESC LIMIT ?", [*params, limit])


def id_by_app_no(db: Database, app_no: str) -> int:
    """The application numbered ``app_no`` (申请编号, any case)."""
    found = scalar(db, "SELECT id FROM applications WHERE app_no = ?", [app_no.strip().upper()])
    if found is None:
        raise NotFoundError("申请", app_no)
    return int(found)


def count(db: Database, q: Query = Query()) -> int:
    where, params = _where(q)
    return int(scalar(db, f"SELECT count(*) FROM applications a JOIN households h ON h.id = a.household_id{where}",
                      params))


def counts_by_status(db: Database) -> dict[str, int]:
    return {str(s): int(n) for s, n in db.execute("SELECT status, count(*) FROM applications GROUP BY status")}


def detail(db: Database, application_id: int, *, today: _dt.date | None = None) -> dict[str, Any]:
    """One application with its household, timeline and records."""
    app = workflow.load(db, application_id)
    on = today or _dt.date.today()
    app["details"] = json.loads(app["details"])
    app["household"] = row(db, "SELECT id, archive_no, name, id_number, status, category, category_suggested, township, "
                               "address, per_capita_month_fen, family_size, hukou_region_code "
                               "FROM households WHERE id = ?", [app["household_id"]])
    app["steps"] = rows(db, "SELECT * FROM application_steps WHERE application_id = ? ORDER BY id", [application_id])
    for s in app["steps"]:
        s["data"] = json.loads(s["data"]) if s["data"] else {}
    app["visits"] = rows(db, "SELECT * FROM home_visits WHERE application_id = ? ORDER BY visit_date, id",
                         [application_id])
    app["civil_checks"] = rows(db, "SELECT * FROM civil_checks WHERE application_id = ? ORDER BY id", [application_id])
    app["objections"] = rows(db, "SELECT * FROM objections WHERE application_id = ? ORDER BY id", [application_id])
    app["materials"] = rows(db, "SELECT * FROM application_materials WHERE application_id = ? ORDER BY id",
                            [application_id])
    app["publicity"] = workflow.publicity_of(db, app)
    app["decision"] = approval.decision_of(db, application_id)
    raw = workflow.load(db, application_id)
    app["required_materials"] = workflow.required_materials(db, raw) if raw["needs_materials"] else []
    app["missing_materials"] = workflow.missing_materials(db, raw)
    app["blockers"] = (workflow.investigation_blockers(db, raw) if raw["status"] == "accepted" else
                       workflow.publicity_blockers(db, raw, on) if raw["status"] in ("publicity", "pending", "second")
                       else [])
    return app


#: every step a user may take, in the order the window shows the buttons
ACTIONS = ("material", "visit", "civil_request", "civil_answer", "evaluate", "objection", "handle_objection",
           "close_publicity", "approve", "reject", "return", "resubmit", "withdraw")


def available_actions(db: Database, actor: Actor, application_id: int, *,
                      today: _dt.date | None = None) -> dict[str, str]:
    """action → "" when the user may take it now, or the reason why not (shown as a tooltip)."""
    app = workflow.load(db, application_id)
    on = today or _dt.date.today()
    st = app["status"]
    apply_, review = actor.can("workflow.apply"), actor.can("workflow.review")
    no_role = "您的角色不能办理此环节"
    out: dict[str, str] = {}

    def allow(action: str, permitted: bool, state_ok: bool, why_not: str = "当前状态下不能办理") -> None:
        out[action] = "" if permitted and state_ok else (no_role if not permitted else why_not)

    unanswered = int(scalar(db, "SELECT count(*) FROM civil_checks WHERE application_id = ? AND answered_date IS NULL",
                            [application_id]))
    open_obj = len(workflow.open_objections(db, application_id))
    investigating = st in ("accepted", "reviewing")
    allow("material", apply_, st in workflow.OPEN)
    allow("visit", review, investigating)
    allow("civil_request", review, investigating and not unanswered, "已有未回复的核对申请" if unanswered else "当前状态下不能办理")
    allow("civil_answer", review, investigating and bool(unanswered), "没有待回复的核对申请")
    allow("evaluate", review, st == "reviewing",
          "；".join(workflow.investigation_blockers(db, app)) if st == "accepted" else "当前状态下不能办理")
    allow("objection", apply_, st in ("publicity", "pending", "second"))
    allow("handle_objection", review, bool(open_obj) and st in workflow.OPEN, "没有未处理的异议")
    blockers = workflow.publicity_blockers(db, app, on) if st == "publicity" else []
    allow("close_publicity", apply_ or review, st == "publicity" and not blockers, "；".join(blockers) or
          "当前状态下不能办理")
    if st in ("pending", "second"):
        pv = approval.preview(db, actor, application_id, today=on)
        out["approve"] = pv.duty or "；".join(pv.blockers)
        out["reject"] = pv.duty
    else:
        out["approve"] = out["reject"] = "申请尚未到审批环节" if st in workflow.OPEN else "申请已办结"
    allow("return", review or actor.can("workflow.approve"), st in ("accepted", "reviewing", "publicity", "pending",
                                                                       "second"))
    allow("resubmit", apply_, st == "returned")
    allow("withdraw", apply_, st in workflow.OPEN)
    return {a: out[a] for a in ACTIONS}


def publicity_list(db: Database, publicity_id: int) -> list[dict[str, Any]]:
    """The 公示名单: name, masked ID number, what and how much — nothing else (PIPL)."""
    out = rows(db, "SELECT a.app_no, a.kind, a.project, h.name, h.id_number, h.township, a.beneficiary, "
                   "a.proposed_fen, a.proposed_category FROM applications a JOIN households h ON h.id = a.household_id "
                   "WHERE a.publicity_id = ? ORDER BY a.id", [publicity_id])
    for r in out:
        r["id_number"] = mask_id(str(r["id_number"]))
    return out


def archive_trail(db: Database, household_id: int) -> dict[str, Any]:
    """What the 建档申请审批表 prints in its opinion boxes, from the household's latest 新建档 application:
    the review (评议) opinion, the publicity period and its objections, the approval; each with who and when
    (display names). Empty strings where a step has not happened (the paper is then filled by hand)."""
    out: dict[str, Any] = dict.fromkeys(
        ("app_no", "review_opinion", "review_by", "review_date", "publicity_from", "publicity_to", "publicity_text",
         "approve_opinion", "approve_by", "approve_date"), "")
    app = row(db, "SELECT a.id, a.app_no, p.start_date, p.end_date FROM applications a LEFT JOIN publicity_periods p "
                  "ON p.id = a.publicity_id WHERE a.household_id = ? AND a.kind = 'new_archive' ORDER BY a.id DESC LIMIT 1",
              [household_id])
    if app is None:
        return out
    names = {str(u): str(n) for u, n in db.execute("SELECT username, display_name FROM users")}
    out["app_no"] = app["app_no"]
    review = row(db, "SELECT opinion, by_user, on_date FROM application_steps WHERE application_id = ? "
                     "AND action = 'evaluate' ORDER BY id DESC LIMIT 1", [app["id"]])
    if review:
        out.update(review_opinion=review["opinion"], review_by=names.get(review["by_user"], review["by_user"]),
                   review_date=review["on_date"])
    if app["start_date"]:
        objections = rows(db, "SELECT result FROM objections WHERE application_id = ?", [app["id"]])
        how = ("公示期间无异议" if not objections else f"公示期间有异议 {len(objections)} 件"
               + ("，已处理" if all(o["result"] for o in objections) else "，尚未处理完毕"))
        out.update(publicity_from=app["start_date"], publicity_to=app["end_date"],
                   publicity_text=f"公示时间：{_cn(app['start_date'])}至{_cn(app['end_date'])}，{how}。")
    decision = row(db, "SELECT outcome, opinion, approved_by, decided_on FROM decisions WHERE application_id = ?",
                   [app["id"]])
    if decision:
        verdict = "同意建档" if decision["outcome"] == "approved" else "不予批准"
        out.update(approve_opinion=decision["opinion"] or verdict,
                   approve_by=names.get(decision["approved_by"], decision["approved_by"]),
                   approve_date=decision["decided_on"])
    return out


def _cn(iso: str) -> str:
    d = _dt.date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"
