"""Helpers for the workflow tests: households made 在档 the proper way, and grants through every step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.workflow import approval
from helpdesk_gui.core.workflow import steps as workflow

COUNTY = "530122"
DAY = dt.date(2026, 3, 2)            # a Monday
ARCHIVE_MATERIALS = ("1", "2", "3", "4", "10")


@dataclass
class Team:
    clerk: Actor
    reviewer: Actor
    approver: Actor
    admin: Actor
    approver2: Actor


def team(db) -> Team:
    admin = auth.get_actor(db, "admin")
    if not db.execute("SELECT 1 FROM users WHERE username = 'approver2'").fetchone():
        auth.create_user(db, admin, "approver2", "陈副主席", ["approver"], "passw0rd!")
    return Team(*(auth.get_actor(db, n) for n in ("clerk", "reviewer", "approver", "admin", "approver2")))


def person(seq: int, birth: dt.date = dt.date(1975, 5, 6)) -> str:
    return ids.make(COUNTY, birth, seq)


def new_household(db, t: Team, seq: int = 123, *, name: str = "张三", members: list | None = None,
                  annual_income_fen: int = 600_000, region: str = COUNTY, **fields) -> int:
    f = {"name": name, "id_number": person(seq), "cause_main": "3", "hukou_region_code": region,
         "annual_income_fen": annual_income_fen, "bank_name": "中国农业银行", "bank_account": "6228480123456789012",
         **fields}
    return register.create_household(db, t.clerk, HouseholdDraft(fields=f, members=list(members or [])), today=DAY)


def archive(db, t: Team, hid: int, *, category: str = "1", start: dt.date = DAY) -> int:
    """File, investigate, publicise and approve a 新建档 application: the archive becomes 在档."""
    app = workflow.file_application(db, t.clerk, hid, "new_archive", today=start)
    for m in ARCHIVE_MATERIALS:
        workflow.add_material(db, t.clerk, app, m, today=start)
    workflow.record_visit(db, t.reviewer, app, start, "李审核、王干事", "家庭困难属实", today=start)
    workflow.request_civil_check(db, t.reviewer, app, today=start)
    workflow.answer_civil_check(db, t.reviewer, app, "pass", today=start)
    workflow.evaluate(db, t.reviewer, app, "同意公示", category=category, today=start)
    end = publicity_over(db, app)
    workflow.close_publicity(db, t.clerk, app, today=end)
    approval.approve(db, t.approver, app, "同意建档", today=end)
    return app


def publicity_over(db, app: int) -> dt.date:
    """The first day the application's 公示 allows approval."""
    end = workflow.publicity_of(db, workflow.load(db, app))["end_date"]
    return dt.date.fromisoformat(end) + dt.timedelta(days=1)


def active_household(db, t: Team, seq: int = 123, *, category: str = "1", **kw) -> int:
    hid = new_household(db, t, seq, **kw)
    archive(db, t, hid, category=category)
    return hid


def to_pending(db, t: Team, hid: int, project: str, amount: int, *, on: dt.date, cost_fen: int | None = None,
               beneficiary: str = "", details: dict | None = None) -> int:
    """A project application up to 待审批 (materials, visit, 评议, 公示 served)."""
    app = workflow.file_application(db, t.clerk, hid, "project", project=project, requested_fen=amount,
                                    cost_fen=cost_fen, beneficiary=beneficiary, details=details, today=on)
    for m in workflow.required_materials(db, workflow.load(db, app)):
        workflow.add_material(db, t.clerk, app, m, today=on)
    workflow.record_visit(db, t.reviewer, app, on, "李审核", "情况属实", today=on)
    workflow.evaluate(db, t.reviewer, app, "同意", proposed_fen=amount, today=on)
    workflow.close_publicity(db, t.clerk, app, today=publicity_over(db, app))
    return app


def grant(db, t: Team, hid: int, project: str, amount: int, *, on: dt.date, cost_fen: int | None = None,
          beneficiary: str = "", override: str = "", details: dict | None = None) -> int:
    app = to_pending(db, t, hid, project, amount, on=on, cost_fen=cost_fen, beneficiary=beneficiary, details=details)
    approval.approve(db, t.approver, app, "同意", override_reason=override, today=publicity_over(db, app))
    return app
