"""职工医疗互助 units and members, and each member's consecutive years.

* **Units** (参加单位) are the workplaces whose union members join; a unit named in an Excel list
  is created when new (``unit_id_for``).
* **Members** are union members of a unit (not necessarily hardship households), one record per
  ID number; ``since_year`` carries the years of membership from paper records before the first
  plan kept here. The audit trail masks their ID and bank account numbers.
* **Consecutive years**: counted back from a plan year through paid enrolments; a year without
  one breaks the run (``since_year`` only bridges years before any plan kept here). The members
  page shows them for a whole plan at once (``list_members``), a claim for one member
  (``consecutive_years``).

Enrolling members in a plan is ``core.mutual.enrolment``; a unit's payment for them is
``core.mutual.contributions``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import NotFoundError, ValidationError
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where
from helpdesk_gui.core.mutual.plans import get_plan

# ---------------------------------------------------------------------------------------- units

def save_unit(db: Database, actor: Actor, name: str, *, contact: str = "", phone: str = "", note: str = "",
              unit_id: int | None = None, active: bool = True) -> int:
    actor.require("mutual.enrol")
    name = name.strip()
    if not name:
        raise ValidationError("单位名称", "不能为空")
    with write(db):
        other = scalar(db, "SELECT id FROM mutual_units WHERE name = ? AND id IS DISTINCT FROM ?", [name, unit_id])
        if other:
            raise ValidationError("单位名称", "已有同名单位", name)
        values = {"name": name, "contact": contact.strip(), "phone": phone.strip(), "note": note.strip(),
                  "active": int(active)}
        if unit_id is None:
            cur = db.execute("INSERT INTO mutual_units (name, contact, phone, note, active, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [*values.values(), now_iso()])
            unit_id = int(cur.lastrowid or 0)
            audit.record(db, actor.username, "create", "mutual_unit", unit_id, None, values)
        else:
            old = row(db, "SELECT name, contact, phone, note, active FROM mutual_units WHERE id = ?", [unit_id])
            if old is None:
                raise NotFoundError("参加单位", unit_id)
            db.execute("UPDATE mutual_units SET name = ?, contact = ?, phone = ?, note = ?, active = ? WHERE id = ?",
                       [*values.values(), unit_id])
            audit.record(db, actor.username, "update", "mutual_unit", unit_id, old, values)
    return unit_id


def unit_id_for(db: Database, actor: Actor, name: str) -> int:
    """The unit of that name, created when new (Excel lists name their unit)."""
    found = scalar(db, "SELECT id FROM mutual_units WHERE name = ?", [name.strip()])
    return int(found) if found else save_unit(db, actor, name)


def list_units(db: Database, plan_id: int | None = None, *, active_only: bool = False) -> list[dict[str, Any]]:
    """Units with their member count and, for a plan, enrolled / paid / unpaid counts."""
    return rows(db, f"""
        SELECT u.*, (SELECT count(*) FROM mutual_members m WHERE m.unit_id = u.id) AS members,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.unit_id = u.id AND e.plan_id = :p) AS enrolled,
               (SELECT count(*) FROM mutual_enrolments e WHERE e.unit_id = u.id AND e.plan_id = :p
                    AND e.contribution_id IS NULL) AS unpaid
        FROM mutual_units u {'WHERE u.active = 1' if active_only else ''} ORDER BY u.name""", {"p": plan_id})


# ---------------------------------------------------------------------------------------- members

@dataclass(frozen=True)
class MemberDraft:
    name: str
    id_number: str
    unit_id: int
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    since_year: int | None = None
    note: str = ""


def _validate_member(db: Database, d: MemberDraft, today: _dt.date) -> dict[str, Any]:
    name = d.name.strip()
    if not name:
        raise ValidationError("姓名", "不能为空")
    parsed = ids.parse(d.id_number, today=today)
    if not scalar(db, "SELECT 1 FROM mutual_units WHERE id = ?", [d.unit_id]):
        raise ValidationError("所在单位", "请选择参加单位")
    if d.since_year is not None and not 1990 <= d.since_year <= today.year:
        raise ValidationError("连续参加起始年度", f"应在 1990 到 {today.year} 之间", d.since_year)
    account = "".join(d.bank_account.split())
    if account and not account.isdigit():
        raise ValidationError("银行账号", "只能是数字", d.bank_account)
    return {"name": name, "id_number": parsed.value, "gender": parsed.sex, "birth_date": parsed.birth_date.isoformat(),
            "unit_id": d.unit_id, "phone": d.phone.strip(), "bank_name": d.bank_name.strip(), "bank_account": account,
            "since_year": d.since_year, "note": d.note.strip()}


def save_member(db: Database, actor: Actor, draft: MemberDraft, member_id: int | None = None, *,
                today: _dt.date | None = None) -> int:
    actor.require("mutual.enrol")
    with write(db):
        v = _validate_member(db, draft, today or _dt.date.today())
        other = row(db, "SELECT id, name FROM mutual_members WHERE id_number = ? AND id IS DISTINCT FROM ?",
                    [v["id_number"], member_id])
        if other:
            raise ValidationError("公民身份号码", f"已登记为会员“{other['name']}”")
        at = now_iso()
        if member_id is None:
            cols = [*v, "created_by", "created_at", "updated_at"]
            cur = db.execute(f"INSERT INTO mutual_members ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [*v.values(), actor.username, at, at])
            member_id = int(cur.lastrowid or 0)
            audit.record(db, actor.username, "create", "mutual_member", member_id, None, _audit_view(v))
        else:
            old = get_member(db, member_id)
            changed = {k: val for k, val in v.items() if old[k] != val}
            if changed:
                db.execute(f"UPDATE mutual_members SET {', '.join(f'{k} = ?' for k in changed)}, updated_at = ? "
                           "WHERE id = ?", [*changed.values(), at, member_id])
                audit.record(db, actor.username, "update", "mutual_member", member_id,
                             _audit_view({k: old[k] for k in changed}), _audit_view(changed))
    return member_id


def _audit_view(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    if out.get("bank_account"):
        out["bank_account"] = mask_bank(out["bank_account"])
    return out


def get_member(db: Database, member_id: int) -> dict[str, Any]:
    m = row(db, "SELECT m.*, u.name AS unit_name FROM mutual_members m JOIN mutual_units u ON u.id = m.unit_id "
                "WHERE m.id = ?", [member_id])
    if m is None:
        raise NotFoundError("医疗互助会员", member_id)
    return m


def member_by_id_number(db: Database, id_number: str) -> dict[str, Any] | None:
    mid = scalar(db, "SELECT id FROM mutual_members WHERE id_number = ?", [ids.normalise(id_number)])
    return None if mid is None else get_member(db, int(mid))


def list_members(db: Database, *, plan_id: int | None = None, unit_id: int | None = None, text: str = "",
                 unpaid_only: bool = False, enrolled_only: bool = False, limit: int = 5000) -> list[dict[str, Any]]:
    """Members with, for ``plan_id``, their enrolment, whether paid and their consecutive years; ``archive_no``
    names the member's 困难职工档案 when the member is the head of an archive in the register."""
    w = Where(p=plan_id, limit=limit).equal("m.unit_id", unit_id or None, "u")
    if text.strip():
        w.add("(m.name LIKE :t OR m.id_number LIKE :t OR u.name LIKE :t)", t=f"%{text.strip()}%")
    if enrolled_only or unpaid_only:
        w.add("e.id IS NOT NULL")
    if unpaid_only:
        w.add("e.contribution_id IS NULL")
    out = rows(db, f"""
        SELECT m.*, u.name AS unit_name, e.id AS enrolment_id, e.enrolled_on, e.contribution_id,
               (SELECT h.archive_no FROM households h WHERE h.id_number = m.id_number
                AND h.status IN ('applying', 'visiting', 'publicity', 'pending', 'active') LIMIT 1) AS archive_no
        FROM mutual_members m JOIN mutual_units u ON u.id = m.unit_id
        LEFT JOIN mutual_enrolments e ON e.member_id = m.id AND e.plan_id = :p
        {w.sql} ORDER BY u.name, m.name LIMIT :limit""", w.named)
    if plan_id is not None and out:
        period = int(get_plan(db, plan_id)["period"])
        paid = _paid_years(db, [m["id"] for m in out])
        first = _first_plan_year(db)
        for m in out:
            m["years"] = _run(paid.get(m["id"], set()), period, m["since_year"], first)
    return out


# ---------------------------------------------------------------------------------------- years

def _paid_years(db: Database, member_ids: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for chunk in range(0, len(member_ids), 900):
        part = list(member_ids[chunk:chunk + 900])
        for mid, period in db.execute(
                f"SELECT e.member_id, p.period FROM mutual_enrolments e JOIN mutual_plans p ON p.id = e.plan_id "
                f"WHERE e.contribution_id IS NOT NULL AND e.member_id IN ({','.join('?' * len(part))})", part):
            out.setdefault(int(mid), set()).add(int(period))
    return out


def _first_plan_year(db: Database) -> int | None:
    first = scalar(db, "SELECT min(period) FROM mutual_plans")
    return None if first is None else int(first)


def _run(paid: set[int], year: int, since_year: int | None, first_plan_year: int | None) -> int:
    n = 0
    y = year
    while y in paid:
        n += 1
        y -= 1
    earliest = y + 1
    if n and since_year is not None and first_plan_year is not None and earliest == first_plan_year \
            and since_year < earliest:
        n += earliest - since_year
    return n


def consecutive_years(db: Database, member_id: int, period: str | int) -> int:
    """Years of unbroken paid membership up to and including ``period`` (0 when not paid that year)."""
    m = get_member(db, member_id)
    return _run(_paid_years(db, [member_id]).get(member_id, set()), int(period), m["since_year"], _first_plan_year(db))
