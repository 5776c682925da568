"""The assistance workflow (先建档、后帮扶、实名制): an application from 受理 to 决定.

States (code list ``application_status``) and who moves them::

    受理 accepted ──入户调查 / 经济状况核对 / 必备材料齐全──▶ 待评议 reviewing
    reviewing ──评议 (reviewer) ──▶ 公示中 publicity ──公示期满、异议已处理──▶ 待审批 pending
                               └──(no publicity needed)──────────────────────▶ pending
    pending ──审批 (approver ≠ the one who entered it)──▶ 已批准 approved / 待上级审批 second (above the
    amount of setting ``second_approval_fen``) ──another approver──▶ approved;  不予批准 rejected
    any open state ──退回补正──▶ returned ──补正后重新提交 (clerk)──▶ accepted;  撤回 ──▶ withdrawn

Every step records who, when (business date and clock time) and the opinion, in the append-only
``application_steps``. Illegal moves raise ``StateError`` here, whatever the window shows. A 新建档
application drives its archive's status (申请中 → 入户调查 → 公示中 → 待审批 → 在档) through
``register.set_status``, which refuses 在档 without an approval by someone other than the enterer.
Approval and decisions are in ``core.approval``; reads in ``core.applications``.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings, workdays
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.db import now_iso, row, scalar, write
from helpdesk_gui.core.workflow import caps
from helpdesk_gui.core.workflow.base import (
    FINAL,
    HOUSEHOLD_STATUS,
    KINDS,
    OPEN,
    DutyConflict,
    KindRule,
    business_day,
    investigation_blockers,
    label_of,
    load,
    maybe_advance,
    missing_materials,
    open_objections,
    publicity_blockers,
    publicity_of,
    require_any,
    require_status,
    required_materials,
    step,
    sync_household,
    text,
)

#: the building blocks (core.workflow_base) are part of this module's interface
__all__ = [
    "FINAL", "HOUSEHOLD_STATUS", "KINDS", "OPEN", "DutyConflict", "KindRule", "business_day",
    "investigation_blockers", "label_of", "load", "maybe_advance", "missing_materials", "open_objections",
    "publicity_blockers", "publicity_of", "require_any", "require_status", "required_materials", "step",
    "sync_household", "text", "next_app_no", "file_application", "add_material", "record_visit",
    "request_civil_check", "answer_civil_check", "evaluate", "log_objection", "handle_objection",
    "close_publicity", "return_application", "resubmit", "withdraw",
]

# ---------------------------------------------------------------- filing

def next_app_no(db: Database, year: int) -> str:
    db.execute("INSERT INTO application_serials (year, last_serial) VALUES (?, 1) ON CONFLICT (year) DO UPDATE "
               "SET last_serial = application_serials.last_serial + 1", [year])
    serial = int(scalar(db, "SELECT last_serial FROM application_serials WHERE year = ?", [year]))
    return f"SQ{year}{serial:06d}"


def _check_kind(db: Database, book: codes.CodeBook, h: dict[str, Any], kind: str, project: str | None,
                details: dict[str, Any]) -> None:
    if kind not in KINDS:
        raise ValidationError("申请类别", "不是可选值", kind)
    allowed = KINDS[kind].household_statuses
    if kind == "project":
        if not project or not book.has_code("project", project):
            raise ValidationError("帮扶项目", "必须从帮扶项目中选择", project)
        if project == "5" and settings.get(db, "temporary_aid_any_status"):
            allowed = ("applying", "visiting", "publicity", "pending", "active")
    if h["status"] not in allowed:
        need = "、".join(book.label("status", s) for s in allowed)
        hint = "；脱困的家庭请先在档案管理中办理返困" if h["status"] == "exited" and kind == "new_archive" else ""
        raise StateError(f"档案 {h['archive_no']} 当前为“{book.label('status', h['status'])}”，"
                         f"{book.label('application_kind', kind)}申请只受理“{need}”的档案{hint}。")
    if kind == "change" and not book.has_code("category", str(details.get("category") or "")):
        raise ValidationError("变更后的困难类别", "必须选择", details.get("category"))
    if kind == "exit":
        to = details.get("to")
        if to not in ("exited", "cancelled"):
            raise ValidationError("脱困/注销", "须选择脱困或注销", to)
        if to == "cancelled" and not book.has_code("exit_reason", str(details.get("reason") or "")):
            raise ValidationError("注销原因", "必须从退休、调离、死亡、不符合条件、弄虚作假中选择", details.get("reason"))


def file_application(db: Database, actor: Actor, household_id: int, kind: str, *, project: str | None = None,
                     requested_fen: int | None = None, cost_fen: int | None = None, beneficiary: str = "",
                     school_level: str | None = None, reason: str = "", details: dict[str, Any] | None = None,
                     received: _dt.date | None = None, today: _dt.date | None = None,
                     campaign_id: int | None = None, review_task_id: int | None = None,
                     book: codes.CodeBook | None = None) -> int:
    """受理: a new application for an archive. Returns its id. The entering user is the actor."""
    actor.require("workflow.apply")
    today = today or _dt.date.today()
    received = received or today
    details = dict(details or {})
    book = book or codes.load(db)
    if received > today:
        raise ValidationError("受理日期", "不能晚于今天", received.isoformat())
    for name, value in (("申请金额", requested_fen), ("自付费用", cost_fen)):
        if value is not None and value < 0:
            raise ValidationError(name, "不能为负数", value)
    if kind != "project":
        project = None
    beneficiary = beneficiary.strip()
    if project == "3" and not beneficiary:
        raise ValidationError("受助学生", "子女助学须填写学生姓名（或身份证号）")
    if school_level and not book.has_code("member_identity", school_level):
        raise ValidationError("学生就读阶段", "不是可选值", school_level)
    with write(db):
        h = row(db, "SELECT id, archive_no, status, category FROM households WHERE id = ?", [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        _check_kind(db, book, h, kind, project, details)
        same = row(db, f"SELECT app_no FROM applications WHERE household_id = ? AND kind = ? "
                       f"AND coalesce(project, '') = ? AND beneficiary = ? AND status IN ({','.join('?' * len(OPEN))})",
                   [household_id, kind, project or "", beneficiary, *OPEN])
        if same:
            raise StateError(f"档案 {h['archive_no']} 已有办理中的同类申请 {same['app_no']}，请在原申请中办理。")
        if kind == "project" and project and campaign_id is None:
            rule = caps.rule_for(caps.load_rules(db), project, h["category"])
            if rule.needs_cost() and cost_fen is None:
                raise ValidationError("自付费用", f"{book.label('project', project)}按自付（或致困）费用计算上限，须填写")
        rule_k = KINDS[kind]
        in_campaign = campaign_id is not None
        app_no = next_app_no(db, today.year)
        at = now_iso()
        due = received + _dt.timedelta(days=int(settings.get(db, "visit_due_days")))
        values: dict[str, Any] = {
            "app_no": app_no, "household_id": household_id, "kind": kind, "project": project, "status": "accepted",
            "campaign_id": campaign_id, "review_task_id": review_task_id, "beneficiary": beneficiary,
            "school_level": school_level, "cost_fen": cost_fen, "requested_fen": requested_fen,
            "reason": reason.strip(), "details": json.dumps(details, ensure_ascii=False),
            "needs_visit": int(rule_k.visit and not in_campaign), "needs_civil_check": int(rule_k.civil_check),
            "needs_publicity": int(rule_k.publicity), "needs_materials": int(not in_campaign),
            "received_date": received.isoformat(),
            "visit_due_date": due.isoformat() if rule_k.visit and not in_campaign else None,
            "last_step_date": today.isoformat(), "entered_by": actor.username, "entered_at": at, "updated_at": at}
        cur = db.execute(f"INSERT INTO applications ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        app = load(db, int(cur.lastrowid or 0))
        app["status"] = None  # the first step comes from nowhere
        step(db, actor, app, "file", "accepted", today, reason.strip(),
             {"kind": kind, "project": project, "requested_fen": requested_fen, "cost_fen": cost_fen})
        sync_household(db, actor, app, today, note=f"受理新建档申请 {app_no}")
        maybe_advance(db, actor, app, today)
    return int(app["id"])


# ---------------------------------------------------------------- investigation

def add_material(db: Database, actor: Actor, application_id: int, material_type: str, title: str = "",
                 file_name: str = "", sha256: str = "", *, today: _dt.date | None = None) -> int:
    actor.require("workflow.apply")
    book = codes.load(db)
    if not book.has_code("material_type", material_type):
        raise ValidationError("材料类型", "不是可选值", material_type)
    with write(db):
        app = load(db, application_id)
        require_status(db, app, OPEN, "补充材料")
        on = business_day(app, today)
        cur = db.execute("INSERT INTO application_materials (application_id, material_type, title, file_name, sha256, "
                         "added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [application_id, material_type, title.strip() or book.label("material_type", material_type),
                          file_name, sha256, now_iso(), actor.username])
        step(db, actor, app, "material", app["status"], on, book.label("material_type", material_type),
             {"material_type": material_type, "title": title, "file_name": file_name})
        maybe_advance(db, actor, app, on)
    return int(cur.lastrowid or 0)


def record_visit(db: Database, actor: Actor, application_id: int, visit_date: _dt.date, visitors: str,
                 findings: str, *, today: _dt.date | None = None) -> int:
    """入户调查: date, who went, what they found."""
    actor.require("workflow.review")
    visitors = text(visitors, "调查人员")
    findings = text(findings, "调查情况")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("accepted", "reviewing"), "登记入户调查")
        on = business_day(app, today)
        if visit_date > on:
            raise ValidationError("调查日期", "不能晚于今天", visit_date.isoformat())
        if visit_date.isoformat() < str(app["received_date"]):
            raise ValidationError("调查日期", f"不能早于受理日期 {app['received_date']}", visit_date.isoformat())
        cur = db.execute("INSERT INTO home_visits (application_id, visit_date, visitors, findings, recorded_by, "
                         "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                         [application_id, visit_date.isoformat(), visitors, findings, actor.username, now_iso()])
        step(db, actor, app, "visit", app["status"], on, findings,
             {"visit_date": visit_date.isoformat(), "visitors": visitors})
        maybe_advance(db, actor, app, on)
    return int(cur.lastrowid or 0)


def request_civil_check(db: Database, actor: Actor, application_id: int, note: str = "", *,
                        today: _dt.date | None = None) -> int:
    """经济状况核对: the request to the civil-affairs verification centre."""
    actor.require("workflow.review")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("accepted", "reviewing"), "申请经济状况核对")
        on = business_day(app, today)
        if scalar(db, "SELECT count(*) FROM civil_checks WHERE application_id = ? AND answered_date IS NULL",
                  [application_id]):
            raise StateError(f"{label_of(db, app)}已有尚未回复的经济状况核对申请。")
        cur = db.execute("INSERT INTO civil_checks (application_id, requested_date, requested_by, request_note) "
                         "VALUES (?, ?, ?, ?)", [application_id, on.isoformat(), actor.username, note.strip()])
        step(db, actor, app, "civil_request", app["status"], on, note.strip())
    return int(cur.lastrowid or 0)


def answer_civil_check(db: Database, actor: Actor, application_id: int, result: str, note: str = "", *,
                       answered: _dt.date | None = None, today: _dt.date | None = None) -> None:
    """The civil-affairs answer to the open request."""
    actor.require("workflow.review")
    book = codes.load(db)
    if not book.has_code("civil_check_result", result):
        raise ValidationError("核对结果", "不是可选值", result)
    if result != "pass" and not note.strip():
        raise ValidationError("核对说明", "核对结果不相符时须说明情况")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("accepted", "reviewing"), "登记经济状况核对结果")
        on = business_day(app, today)
        answered = answered or on
        check = row(db, "SELECT id, requested_date FROM civil_checks WHERE application_id = ? AND answered_date IS NULL "
                        "ORDER BY id LIMIT 1", [application_id])
        if check is None:
            raise StateError(f"{label_of(db, app)}没有待回复的经济状况核对申请，请先申请核对。")
        if answered > on or answered.isoformat() < str(check["requested_date"]):
            raise ValidationError("回复日期", f"应在申请日期 {check['requested_date']} 与今天之间", answered.isoformat())
        db.execute("UPDATE civil_checks SET answered_date = ?, answered_by = ?, result = ?, answer_note = ? WHERE id = ?",
                   [answered.isoformat(), actor.username, result, note.strip(), check["id"]])
        step(db, actor, app, "civil_answer", app["status"], on,
             book.label("civil_check_result", result) + (f"：{note.strip()}" if note.strip() else ""),
             {"result": result, "answered_date": answered.isoformat()})
        maybe_advance(db, actor, app, on)


# ---------------------------------------------------------------- 评议 and 公示

def evaluate(db: Database, actor: Actor, application_id: int, opinion: str, *, proposed_fen: int | None = None,
             category: str | None = None, publicity_start: _dt.date | None = None, place: str = "",
             today: _dt.date | None = None) -> None:
    """评议: the reviewer's opinion and proposal; then 公示 (when the kind needs it) or straight to 待审批."""
    actor.require("workflow.review")
    opinion = text(opinion, "评议意见")
    book = codes.load(db)
    with write(db):
        app = load(db, application_id)
        if app["status"] == "accepted":
            raise StateError(f"{label_of(db, app)}尚不能评议：" + "；".join(investigation_blockers(db, app)) + "。")
        require_status(db, app, ("reviewing",), "评议")
        on = business_day(app, today)
        updates: dict[str, Any] = {}
        data: dict[str, Any] = {}
        if app["kind"] == "project":
            amount = proposed_fen if proposed_fen is not None else app["proposed_fen"] or app["requested_fen"]
            if not amount or amount <= 0:
                raise ValidationError("拟帮扶金额", "应大于 0", amount)
            updates["proposed_fen"] = amount
            cap = caps.cap_for(db, int(app["household_id"]), str(app["project"]), on=on, cost_fen=app["cost_fen"],
                               beneficiary=str(app["beneficiary"]), exclude_application=int(app["id"]),
                               membership_years=int(json.loads(app["details"]).get("membership_years", 0)))
            data.update(proposed_fen=amount, cap_fen=cap.cap_fen, cap_rule=cap.text)
        if app["kind"] in ("new_archive", "change"):
            category = category or app["proposed_category"] or (json.loads(app["details"]).get("category")
                                                                if app["kind"] == "change" else None)
            if category is None and app["kind"] == "new_archive":
                category = scalar(db, "SELECT coalesce(category, category_suggested) FROM households WHERE id = ?",
                                  [app["household_id"]])
            if not category or not book.has_code("category", str(category)):
                raise ValidationError("困难类别", "评议时须确定困难类别", category)
            updates["proposed_category"] = str(category)
            data["category"] = str(category)
        if app["needs_publicity"]:
            start = publicity_start or on
            if start < on:
                raise ValidationError("公示开始日期", "不能早于评议日期", start.isoformat())
            end, rule = workdays.publicity_end(db, start)
            cur = db.execute("INSERT INTO publicity_periods (campaign_id, start_date, end_date, days, working_days, place, "
                             "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [app["campaign_id"], start.isoformat(), end.isoformat(), rule.days, int(rule.working),
                              place.strip(), actor.username, now_iso()])
            updates["publicity_id"] = int(cur.lastrowid or 0)
            data.update(publicity_start=start.isoformat(), publicity_end=end.isoformat(), rule=rule.describe(),
                        place=place.strip())
            step(db, actor, app, "evaluate", "publicity", on, opinion, data, **updates)
        else:
            step(db, actor, app, "evaluate", "pending", on, opinion, data, **updates)
        sync_household(db, actor, app, on, note=opinion)






def log_objection(db: Database, actor: Actor, application_id: int, content: str, *, raised_by: str = "",
                  raised: _dt.date | None = None, today: _dt.date | None = None) -> int:
    """异议登记: an objection to a publicised application. It must be handled before approval."""
    actor.require("workflow.apply")
    content = text(content, "异议内容")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("publicity", "pending", "second"), "登记异议（只有公示中或待审批的申请可以）")
        on = business_day(app, today)
        raised = raised or on
        pub = publicity_of(db, app)
        if raised > on or (pub is not None and raised.isoformat() < str(pub["start_date"])):
            raise ValidationError("提出日期", "应在公示开始后、不晚于今天", raised.isoformat())
        cur = db.execute("INSERT INTO objections (application_id, publicity_id, raised_date, raised_by, content, logged_by, "
                         "logged_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [application_id, app["publicity_id"], raised.isoformat(), raised_by.strip(), content,
                          actor.username, now_iso()])
        oid = int(cur.lastrowid or 0)
        step(db, actor, app, "objection", app["status"], on, content,
             {"objection_id": oid, "raised_by": raised_by.strip(), "raised_date": raised.isoformat()})
    return oid


def handle_objection(db: Database, actor: Actor, objection_id: int, result: str, handling: str, *,
                     today: _dt.date | None = None) -> None:
    """异议处理: 不成立 (the application goes on) or 成立 (it goes back for correction and a new 公示)."""
    actor.require("workflow.review")
    handling = text(handling, "处理情况")
    book = codes.load(db)
    if not book.has_code("objection_result", result):
        raise ValidationError("处理结果", "应为异议成立或不成立", result)
    with write(db):
        obj = row(db, "SELECT * FROM objections WHERE id = ?", [objection_id])
        if obj is None:
            raise NotFoundError("异议", objection_id)
        if obj["result"] is not None:
            raise StateError("这条异议已经处理过了。")
        app = load(db, int(obj["application_id"]))
        require_status(db, app, OPEN, "处理异议")
        on = business_day(app, today)
        db.execute("UPDATE objections SET result = ?, handling = ?, handled_date = ?, handled_by = ?, handled_at = ? "
                   "WHERE id = ?", [result, handling, on.isoformat(), actor.username, now_iso(), objection_id])
        step(db, actor, app, "objection_handled", app["status"], on,
             f"{book.label('objection_result', result)}：{handling}", {"objection_id": objection_id, "result": result})
        if result == "upheld" and app["status"] != "returned":
            _return(db, actor, app, on, f"异议成立，退回补正：{handling}")


def close_publicity(db: Database, actor: Actor, application_id: int, *, today: _dt.date | None = None) -> None:
    """公示期满: no open objection → 待审批."""
    require_any(actor, "workflow.apply", "workflow.review")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("publicity",), "结束公示")
        on = business_day(app, today)
        blockers = publicity_blockers(db, app, on)
        if blockers:
            raise StateError(f"{label_of(db, app)}还不能提交审批：" + "；".join(blockers) + "。")
        pub = publicity_of(db, app)
        step(db, actor, app, "close_publicity", "pending", on, "公示期满，无未处理的异议",
             {"publicity_end": pub["end_date"] if pub else None})
        sync_household(db, actor, app, on, note="公示期满")




# ---------------------------------------------------------------- back, again, away

def _return(db: Database, actor: Actor, app: dict[str, Any], on: _dt.date, opinion: str) -> None:
    step(db, actor, app, "return", "returned", on, opinion, approved_fen=None, override_reason="", first_approver=None)
    sync_household(db, actor, app, on, note=opinion)


def return_application(db: Database, actor: Actor, application_id: int, opinion: str, *,
                       today: _dt.date | None = None) -> None:
    """退回补正: back to the clerk with what must be corrected."""
    require_any(actor, "workflow.review", "workflow.approve")
    opinion = text(opinion, "退回意见")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("accepted", "reviewing", "publicity", "pending", "second"), "退回")
        _return(db, actor, app, business_day(app, today), opinion)


def resubmit(db: Database, actor: Actor, application_id: int, note: str = "", *, today: _dt.date | None = None) -> None:
    """补正后重新提交: back to 受理; a new 公示 will be needed."""
    actor.require("workflow.apply")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, ("returned",), "重新提交")
        on = business_day(app, today)
        due = on + _dt.timedelta(days=int(settings.get(db, "visit_due_days")))
        step(db, actor, app, "resubmit", "accepted", on, note.strip(), publicity_id=None,
             visit_due_date=due.isoformat() if app["needs_visit"] else None)
        sync_household(db, actor, app, on, note=note.strip() or "补正后重新提交")
        maybe_advance(db, actor, app, on)


def withdraw(db: Database, actor: Actor, application_id: int, reason: str, *, today: _dt.date | None = None) -> None:
    """撤回 (the applicant gives up, or the application was filed by mistake)."""
    actor.require("workflow.apply")
    reason = text(reason, "撤回原因")
    with write(db):
        app = load(db, application_id)
        require_status(db, app, OPEN, "撤回")
        on = business_day(app, today)
        step(db, actor, app, "withdraw", "withdrawn", on, reason)
        sync_household(db, actor, app, on, note=f"申请 {app['app_no']} 已撤回：{reason}")
        if app["review_task_id"]:
            db.execute("UPDATE review_tasks SET status = 'open', application_id = NULL WHERE id = ?",
                       [app["review_task_id"]])
