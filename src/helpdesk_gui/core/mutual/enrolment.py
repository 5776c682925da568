"""职工医疗互助 enrolment: members joining a year's plan.

Enrolment is per plan and records the member's unit at the time; it stays unpaid until the unit's
contribution covering it is received (``core.mutual.contributions``), and only an unpaid one can be
taken back (``withdraw``). A closed plan takes no enrolment. A unit's whole list (from Excel,
``exchange.mutual_list``) creates or updates its members by ID number and enrols them all in ONE
transaction (``enrol_list``); the member dialog saves a member and enrols them together
(``save_and_enrol``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError, StateError
from helpdesk_gui.core.db import now_iso, row, scalar, write
from helpdesk_gui.core.mutual.members import MemberDraft, get_member, member_by_id_number, save_member
from helpdesk_gui.core.mutual.plans import get_plan, require_open


def enrol(db: Database, actor: Actor, plan_id: int, member_ids: Sequence[int], *, on: _dt.date | None = None) -> int:
    """Enrol members in a plan (their current unit); returns how many were newly enrolled."""
    actor.require("mutual.enrol")
    on = on or _dt.date.today()
    with write(db):
        plan = get_plan(db, plan_id)
        require_open(plan, "登记参加")
        added = 0
        for mid in member_ids:
            m = get_member(db, mid)
            if scalar(db, "SELECT 1 FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?", [plan_id, mid]):
                continue
            db.execute("INSERT INTO mutual_enrolments (plan_id, member_id, unit_id, enrolled_on, created_by, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [plan_id, mid, m["unit_id"], on.isoformat(), actor.username, now_iso()])
            added += 1
        if added:
            audit.record(db, actor.username, "enrol", "mutual_plan", plan["period"], None,
                         {"members": added, "of": len(member_ids)})
    return added


def withdraw(db: Database, actor: Actor, plan_id: int, member_id: int) -> None:
    """Take an unpaid enrolment back (entered by mistake); a paid one stays."""
    actor.require("mutual.enrol")
    with write(db):
        e = row(db, "SELECT * FROM mutual_enrolments WHERE plan_id = ? AND member_id = ?", [plan_id, member_id])
        if e is None:
            raise NotFoundError("参加登记", member_id)
        if e["contribution_id"] is not None:
            raise StateError("该会员本年度已缴费，参加登记不能撤销。")
        db.execute("DELETE FROM mutual_enrolments WHERE id = ?", [e["id"]])
        audit.record(db, actor.username, "withdraw", "mutual_member", member_id, e, None)


@dataclass(frozen=True)
class ListResult:
    created: int
    updated: int
    enrolled: int
    already: int


def enrol_list(db: Database, actor: Actor, plan_id: int, drafts: Sequence[MemberDraft], *,
               on: _dt.date | None = None) -> ListResult:
    """A unit's list: members created or updated (by ID number), all enrolled; one transaction."""
    actor.require("mutual.enrol")
    created = updated = 0
    with write(db):
        ids_: list[int] = []
        for d in drafts:
            found = member_by_id_number(db, d.id_number)
            if found is None:
                ids_.append(save_member(db, actor, d))
                created += 1
            else:
                merged = replace(d, phone=d.phone or found["phone"], bank_name=d.bank_name or found["bank_name"],
                                 bank_account=d.bank_account or found["bank_account"],
                                 since_year=d.since_year if d.since_year is not None else found["since_year"],
                                 note=d.note or found["note"])
                save_member(db, actor, merged, int(found["id"]))
                after = get_member(db, int(found["id"]))
                updated += any(after[k] != found[k] for k in found if k not in ("updated_at", "unit_name"))
                ids_.append(int(found["id"]))
        enrolled = enrol(db, actor, plan_id, ids_, on=on)
    return ListResult(created, updated, enrolled, len(ids_) - enrolled)


def save_and_enrol(db: Database, actor: Actor, draft: MemberDraft, member_id: int | None = None, *,
                   plan_id: int | None = None, on: _dt.date | None = None, today: _dt.date | None = None) -> int:
    """The member dialog's OK: save the member and, with ``plan_id``, enrol them too, in one transaction
    (a closed plan refuses the whole, so no half-saved member is left behind)."""
    with write(db):
        mid = save_member(db, actor, draft, member_id, today=today)
        if plan_id is not None:
            enrol(db, actor, plan_id, [mid], on=on)
    return mid
