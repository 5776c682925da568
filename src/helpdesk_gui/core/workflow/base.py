"""The workflow's building blocks: states, kinds, the step recorder, what blocks progress.

``core.workflow`` re-exports every name here; callers use ``workflow.X``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import (
    HelpdeskError,
    NotFoundError,
    PermissionDenied,
    StateError,
    ValidationError,
)
from helpdesk_gui.core.db import now_iso, row, rows, scalar
from helpdesk_gui.core.register import households as register

OPEN = ("returned", "accepted", "reviewing", "publicity", "pending", "second")
FINAL = ("approved", "rejected", "withdrawn")
#: the archive status that goes with each state of its 新建档 application
HOUSEHOLD_STATUS = {"returned": "applying", "accepted": "visiting", "reviewing": "visiting", "publicity": "publicity",
                    "pending": "pending", "second": "pending", "approved": "active", "rejected": "cancelled",
                    "withdrawn": "applying"}


@dataclass(frozen=True)
class KindRule:
    visit: bool
    civil_check: bool
    publicity: bool
    household_statuses: tuple[str, ...]   # the archive must be in one of these when the application is filed


#: Which steps each kind of application goes through (campaign rows skip the visit: see core.campaigns).
KINDS: dict[str, KindRule] = {
    "new_archive": KindRule(True, True, True, ("applying",)),
    "project": KindRule(True, False, True, ("active",)),
    "review": KindRule(False, False, False, ("active",)),
    "change": KindRule(True, False, False, ("active",)),
    "exit": KindRule(False, False, False, ("active",)),
}


class DutyConflict(PermissionDenied):
    """Separation of duties: the person who entered an application may not decide it."""

    def __init__(self, message: str) -> None:
        HelpdeskError.__init__(self, message)


# ---------------------------------------------------------------- small helpers

def load(db: Database, application_id: int) -> dict[str, Any]:
    app = row(db, "SELECT * FROM applications WHERE id = ?", [application_id])
    if app is None:
        raise NotFoundError("申请", application_id)
    return app


def label_of(db: Database, app: dict[str, Any]) -> str:
    book = codes.load(db)
    what = book.label("project", app["project"]) if app["kind"] == "project" else book.label(
        "application_kind", app["kind"])
    return f"申请 {app['app_no']}（{what}）"


def business_day(app: dict[str, Any], today: _dt.date | None, field: str = "办理日期") -> _dt.date:
    """The step's business date: today by default, never before the application's previous step."""
    day = today or _dt.date.today()
    if day.isoformat() < str(app["last_step_date"]):
        raise ValidationError(field, f"不能早于上一办理环节的日期 {app['last_step_date']}", day.isoformat())
    return day


def require_status(db: Database, app: dict[str, Any], allowed: tuple[str, ...], doing: str) -> None:
    if app["status"] not in allowed:
        book = codes.load(db)
        raise StateError(f"{label_of(db, app)}当前为“{book.label('application_status', app['status'])}”，不能{doing}。")


def require_any(actor: Actor, *permissions: str) -> None:
    if not any(actor.can(p) for p in permissions):
        actor.require(permissions[0])


def text(value: str | None, field: str, *, required: bool = True) -> str:
    clean = (value or "").strip()
    if required and not clean:
        raise ValidationError(field, "不能为空")
    return clean


def step(db: Database, actor: Actor, app: dict[str, Any], action: str, to_status: str, on: _dt.date,
         opinion: str = "", data: dict[str, Any] | None = None, **updates: Any) -> None:
    """Record one step and move the application (inside the caller's transaction), with its audit row."""
    at = now_iso()
    db.execute("INSERT INTO application_steps (application_id, action, from_status, to_status, on_date, at, by_user, "
               "opinion, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [app["id"], action, app["status"], to_status, on.isoformat(), at, actor.username, opinion,
                None if data is None else json.dumps(data, ensure_ascii=False, default=str)])
    fields = {"status": to_status, "last_step_date": max(on.isoformat(), str(app["last_step_date"])),
              "updated_at": at, **updates}
    db.execute(f"UPDATE applications SET {', '.join(k + ' = ?' for k in fields)} WHERE id = ?",
               [*fields.values(), app["id"]])
    audit.record(db, actor.username, f"workflow.{action}", "application", app["app_no"],
                 {"status": app["status"]}, {"status": to_status, "opinion": opinion, **(data or {}), **updates})
    app.update(fields)


def sync_household(db: Database, actor: Actor, app: dict[str, Any], on: _dt.date, note: str = "",
                   reason: str | None = None) -> None:
    """Move the archive of a 新建档 application to the status that goes with the application's state."""
    if app["kind"] != "new_archive":
        return
    target = HOUSEHOLD_STATUS[app["status"]]
    current = scalar(db, "SELECT status FROM households WHERE id = ?", [app["household_id"]])
    if current != target:
        register.set_status(db, actor, int(app["household_id"]), target, reason=reason, note=note, on=on,
                            application_id=int(app["id"]))


# ---------------------------------------------------------------- what blocks progress

def required_materials(db: Database, app: dict[str, Any]) -> list[str]:
    table: dict[str, list[str]] = settings.get(db, "required_materials") or {}
    key = f"project:{app['project']}" if app["kind"] == "project" else str(app["kind"])
    return [str(c) for c in table.get(key, [])]


def missing_materials(db: Database, app: dict[str, Any]) -> list[str]:
    """Labels of the required materials not yet attached (to the application or to the archive)."""
    if not app["needs_materials"]:
        return []
    have = {str(r[0]) for r in db.execute(
        "SELECT material_type FROM application_materials WHERE application_id = ? UNION "
        "SELECT material_type FROM attachments WHERE household_id = ?", [app["id"], app["household_id"]])}
    book = codes.load(db)
    return [book.label("material_type", c) for c in required_materials(db, app) if c not in have]


def investigation_blockers(db: Database, app: dict[str, Any]) -> list[str]:
    """Why an accepted application cannot go on to 评议 yet (empty: it can)."""
    out: list[str] = []
    missing = missing_materials(db, app)
    if missing:
        out.append("缺少必备材料：" + "、".join(missing))
    if app["needs_visit"] and not scalar(db, "SELECT count(*) FROM home_visits WHERE application_id = ?", [app["id"]]):
        due = f"（应于 {app['visit_due_date']} 前完成）" if app["visit_due_date"] else ""
        out.append("尚未入户调查" + due)
    if app["needs_civil_check"]:
        checks = rows(db, "SELECT answered_date FROM civil_checks WHERE application_id = ?", [app["id"]])
        if not checks:
            out.append("尚未申请经济状况核对")
        elif not any(c["answered_date"] for c in checks):
            out.append("经济状况核对尚未回复")
    return out


def maybe_advance(db: Database, actor: Actor, app: dict[str, Any], on: _dt.date) -> None:
    if app["status"] == "accepted" and not investigation_blockers(db, app):
        step(db, actor, app, "advance", "reviewing", on, "入户调查、经济状况核对和必备材料已齐全")



# ---------------------------------------------------------------- the 公示

def publicity_of(db: Database, app: dict[str, Any]) -> dict[str, Any] | None:
    if not app["publicity_id"]:
        return None
    return row(db, "SELECT * FROM publicity_periods WHERE id = ?", [app["publicity_id"]])


def open_objections(db: Database, application_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM objections WHERE application_id = ? AND result IS NULL ORDER BY id", [application_id])


def publicity_blockers(db: Database, app: dict[str, Any], on: _dt.date) -> list[str]:
    """Why the 公示 does not yet allow approval on ``on`` (empty: it does)."""
    out: list[str] = []
    if app["needs_publicity"]:
        pub = publicity_of(db, app)
        if pub is None:
            out.append("尚未公示")
        elif on.isoformat() <= str(pub["end_date"]):
            nxt = _dt.date.fromisoformat(str(pub["end_date"])) + _dt.timedelta(days=1)
            out.append(f"公示期至 {pub['end_date']} 止，{nxt.isoformat()} 起才能审批")
    n = len(open_objections(db, int(app["id"])))
    if n:
        out.append(f"有 {n} 条异议尚未处理")
    return out
