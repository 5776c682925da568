"""The register (困难职工档案): one household, one archive.

Households (the worker is the head), family members, income items, rigid expenses, exclusion
flags and attachments; archive numbers; the one-active-archive-per-person rule; the status
lifecycle with exit reasons and 返困. Every write takes the acting user, runs in one
transaction and writes its audit row in that transaction. What a clerk enters is a
``draft.HouseholdDraft`` (validated there); the computed columns come from ``derive``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.audit_labels import action_label
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import (
    ChangedMeanwhile,
    DuplicatePersonError,
    NotFoundError,
    StateError,
    ValidationError,
)
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id, mask_phone
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.db import get_meta, now_iso, on_server, row, rows, scalar, write
from helpdesk_gui.core.register import derive, eligibility
from helpdesk_gui.core.register.draft import MEMBER_FIELDS, HouseholdDraft, clean_text, validate

ACTIVE_STATUSES = ("applying", "visiting", "publicity", "pending", "active")
CLOSED_STATUSES = ("exited", "cancelled")

#: Allowed status changes. Back to ``applying`` is 退回 (correction); exited → applying is 返困.
TRANSITIONS: dict[str, frozenset[str]] = {
    "applying": frozenset({"visiting", "cancelled"}),
    "visiting": frozenset({"publicity", "applying", "cancelled"}),
    "publicity": frozenset({"pending", "applying", "cancelled"}),
    "pending": frozenset({"active", "applying", "cancelled"}),
    "active": frozenset({"exited", "cancelled"}),
    "exited": frozenset({"applying"}),
    "cancelled": frozenset(),
}


# ---------------------------------------------------------------- lookups

def find_active_person(db: Database, id_number: str, *, exclude_household: int | None = None) -> tuple[str, str] | None:
    """(archive number, role) of an active archive that already holds this person, if any."""
    ex = exclude_household or -1
    placeholders = ",".join("?" * len(ACTIVE_STATUSES))
    hit = row(db, f"SELECT archive_no FROM households WHERE id_number = ? AND id <> ? AND status IN ({placeholders}) "
                  "LIMIT 1", [id_number, ex, *ACTIVE_STATUSES])
    if hit:
        return str(hit["archive_no"]), "户主"
    hit = row(db, f"SELECT h.archive_no FROM members m JOIN households h ON h.id = m.household_id "
                  f"WHERE m.id_number = ? AND h.id <> ? AND h.status IN ({placeholders}) LIMIT 1",
              [id_number, ex, *ACTIVE_STATUSES])
    if hit:
        return str(hit["archive_no"]), "家庭成员"
    return None


def _ensure_unique_people(db: Database, draft: HouseholdDraft, household_id: int | None) -> None:
    people = [draft.fields.get("id_number")] + [m.get("id_number") for m in draft.members]
    for idn in people:
        if not idn:
            continue
        other = find_active_person(db, idn, exclude_household=household_id)
        if other:
            raise DuplicatePersonError(mask_id(idn), other[0], other[1])


def allocate_archive_no(db: Database, county_code: str, year: int) -> str:
    """County code + year + 5-digit serial, never reused. Call inside a write transaction."""
    prefix = f"{county_code}{year}"
    last = scalar(db, "SELECT last_serial FROM archive_serials WHERE prefix = ?", [prefix])
    serial = int(last or 0)
    while True:
        serial += 1
        if serial > 99999:
            raise StateError(f"{year} 年的档案编号已用完（{prefix}99999）。")
        candidate = f"{prefix}{serial:05d}"
        if not scalar(db, "SELECT 1 FROM households WHERE archive_no = ?", [candidate]):
            break
    db.execute("INSERT INTO archive_serials (prefix, last_serial) VALUES (?, ?) "
               "ON CONFLICT (prefix) DO UPDATE SET last_serial = excluded.last_serial", [prefix, serial])
    return candidate


def get_or_create_employer(db: Database, name: str, *, nature: str | None = None, condition: str | None = None,
                           industry: str | None = None) -> int | None:
    name = clean_text(name)
    if not name:
        return None
    hit = scalar(db, "SELECT id FROM employers WHERE name = ?", [name])
    if hit is not None:
        if nature or condition or industry:
            db.execute("UPDATE employers SET nature = coalesce(?, nature), condition = coalesce(?, condition), "
                       "industry = coalesce(?, industry) WHERE id = ?", [nature, condition, industry, hit])
        return int(hit)
    cur = db.execute("INSERT INTO employers (name, nature, condition, industry) VALUES (?, ?, ?, ?)",
                     [name, nature, condition, industry])
    return int(cur.lastrowid or 0)




def _resolve_employer(db: Database, draft: HouseholdDraft, f: dict[str, Any]) -> None:
    if draft.employer is not None:
        name, nature, condition = draft.employer
        f["employer_id"] = get_or_create_employer(db, name, nature=nature, condition=condition)


@contextmanager
def fts_deferred(db: Database) -> Iterator[None]:
    """Bulk inserts of households (demo, batch import): fill the address index once at the end
    instead of once per row. Must run inside the caller's write transaction, so it is all or nothing.

    SQLite only: on a server the address index is pg_trgm's GIN index on ``households.address``, kept by
    PostgreSQL itself (no FTS table, no trigger), so there is nothing to defer."""
    if on_server(db):
        yield
        return
    first = int(scalar(db, "SELECT coalesce(max(id), 0) FROM households")) + 1
    db.execute("DROP TRIGGER households_fts_ai")
    yield
    db.execute("INSERT INTO households_fts (rowid, address) SELECT id, address FROM households WHERE id >= ?", [first])
    db.execute("CREATE TRIGGER households_fts_ai AFTER INSERT ON households BEGIN "
               "INSERT INTO households_fts (rowid, address) VALUES (new.id, new.address); END")


def _write_children(db: Database, household_id: int, draft: HouseholdDraft) -> None:
    db.execute("DELETE FROM members WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM income_items WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM rigid_expenses WHERE household_id = ?", [household_id])
    db.execute("DELETE FROM exclusions WHERE household_id = ?", [household_id])
    cols = list(MEMBER_FIELDS)
    db.conn.executemany(
        f"INSERT INTO members (household_id, ord, {', '.join(cols)}) VALUES (?, ?, {', '.join('?' * len(cols))})",
        [[household_id, i, *[m.get(c) for c in cols]] for i, m in enumerate(draft.members)])
    db.conn.executemany("INSERT INTO income_items (household_id, kind, amount_fen, note) VALUES (?, ?, ?, ?)",
                        [[household_id, it["kind"], it["amount_fen"], it["note"]] for it in draft.income_items])
    db.conn.executemany("INSERT INTO rigid_expenses (household_id, kind, amount_fen, note) VALUES (?, ?, ?, ?)",
                        [[household_id, it["kind"], it["amount_fen"], it["note"]] for it in draft.expenses])
    db.conn.executemany("INSERT INTO exclusions (household_id, kind, evidence) VALUES (?, ?, ?)",
                        [[household_id, it["kind"], it["evidence"]] for it in draft.exclusions])


def create_household(db: Database, actor: Actor, draft: HouseholdDraft, *, today: _dt.date | None = None) -> int:
    """A new archive in status 申请中 with a fresh archive number. Returns the household id."""
    actor.require("register.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    clean = validate(book, draft, today=today)
    with write(db):
        _ensure_unique_people(db, clean, None)
        f = {**clean.fields, **clean.figures(), **derive.derive_draft(db, clean, on=today, book=book).columns()}
        _resolve_employer(db, clean, f)
        county = get_meta(db, "county_code")
        f["archive_no"] = allocate_archive_no(db, county, today.year)
        f["sender_code"] = county
        f["status"] = "applying"
        f["archive_type"] = f.get("archive_type") or "1"
        f["created_date"] = f.get("created_date") or today.isoformat()
        f["created_at"] = f["updated_at"] = now_iso()
        cols = list(f)
        cur = db.execute(f"INSERT INTO households ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [f[c] for c in cols])
        hid = int(cur.lastrowid or 0)
        _write_children(db, hid, clean)
        db.execute("INSERT INTO status_history (household_id, from_status, to_status, at, by_user) VALUES (?, NULL, ?, ?, ?)",
                   [hid, "applying", f["created_at"], actor.username])
        audit.record(db, actor.username, "create", "household", f["archive_no"], None,
                     {**_audit_view(f), "members": len(clean.members)}, households=[hid])
    return hid


def check_version(db: Database, household: Mapping[str, Any], expected_version: int | None) -> None:
    """The optimistic check of a form's save: ``household`` (its stored row, read inside the write
    transaction) must still be at the version the form loaded, else ``ChangedMeanwhile`` names who
    changed it and when (the household's last audit row). ``expected_version`` None: no form, no check."""
    if expected_version is None or int(household["version"]) == int(expected_version):
        return
    change = audit.last_change(db, int(household["id"]))
    if change is None:
        raise ChangedMeanwhile(str(household["archive_no"]), at=local_time(household.get("updated_at")))
    raise ChangedMeanwhile(str(household["archive_no"]), change.display_name, local_time(change.at),
                           action_label(change.action))


def household_version(db: Database, household_id: int) -> int:
    """The stored version of a household (a form remembers it when it loads the household)."""
    v = scalar(db, "SELECT version FROM households WHERE id = ?", [household_id])
    if v is None:
        raise NotFoundError("档案", household_id)
    return int(v)


def update_household(db: Database, actor: Actor, household_id: int, draft: HouseholdDraft, *,
                     today: _dt.date | None = None, expected_version: int | None = None) -> None:
    """Replace the editable fields and the child lists of an archive (closed archives are read-only).

    ``expected_version``: the version the editor loaded; a household changed since is not saved over
    (``ChangedMeanwhile``, nothing written)."""
    actor.require("register.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    clean = validate(book, draft, today=today)
    with write(db):
        before = row(db, "SELECT * FROM households WHERE id = ?", [household_id])
        if before is None:
            raise NotFoundError("档案", household_id)
        check_version(db, before, expected_version)
        if before["status"] in CLOSED_STATUSES:
            raise StateError(f"档案 {before['archive_no']} 已{book.label('status', before['status'])}，不能修改；"
                             "如需恢复请办理返困。")
        _ensure_unique_people(db, clean, household_id)
        f = {**clean.fields, **clean.figures(),
             **derive.derive_draft(db, clean, on=today, base=before, book=book).columns()}
        _resolve_employer(db, clean, f)
        f["updated_at"] = now_iso()
        cols = [c for c in f if c not in ("archive_no", "sender_code", "status", "created_at")
                and not (c in ("archive_type", "created_date") and not f[c])]  # NOT NULL: keep stored
        db.execute(f"UPDATE households SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                   [*[f[c] for c in cols], household_id])
        _write_children(db, household_id, clean)
        changed = {c: [before.get(c), f[c]] for c in cols if before.get(c) != f[c] and c != "updated_at"}
        audit.record(db, actor.username, "update", "household", before["archive_no"],
                     _audit_view({c: v[0] for c, v in changed.items()}), _audit_view({c: v[1] for c, v in changed.items()}),
                     households=[household_id])


def _check_application(db: Database, h: Mapping[str, Any], to_status: str, application_id: int | None) -> None:
    """在档 only through an approved 新建档 application decided by someone other than its enterer; while
    such an application is open, only its own steps (core.workflow) move the archive."""
    if to_status == "active":
        approved = application_id is not None and row(
            db, "SELECT 1 FROM decisions d JOIN applications a ON a.id = d.application_id WHERE a.id = ? "
                "AND a.household_id = ? AND a.kind = 'new_archive' AND d.outcome = 'approved' "
                "AND d.approved_by <> a.entered_by", [application_id, h["id"]])
        if not approved:
            raise StateError(f"档案 {h['archive_no']} 只能经新建档申请审批后进入“在档”：请在“帮扶申请”中办理，"
                             "审批人不能是录入该申请的人。")
        return
    open_app = row(db, "SELECT id, app_no FROM applications WHERE household_id = ? AND kind = 'new_archive' "
                       "AND status IN ('returned', 'accepted', 'reviewing', 'publicity', 'pending', 'second') "
                       "ORDER BY id DESC LIMIT 1", [h["id"]])
    if open_app is not None and open_app["id"] != application_id:
        raise StateError(f"档案 {h['archive_no']} 有办理中的新建档申请 {open_app['app_no']}，档案状态随申请的办理环节变化；"
                         "如需中止，请在“帮扶申请”中撤回该申请。")


def set_status(db: Database, actor: Actor, household_id: int, to_status: str, *, reason: str | None = None,
               note: str = "", on: _dt.date | None = None, application_id: int | None = None,
               expected_version: int | None = None) -> None:
    """Move an archive along its lifecycle. Illegal moves raise ``StateError``.

    ``application_id``: the 新建档 application (core.workflow) making the move. 在档 needs its approval.
    ``expected_version``: the version the form (脱困 / 注销 / 返困) loaded, checked as ``update_household`` does.
    """
    actor.require("register.status")
    on = on or _dt.date.today()
    book = codes.load(db)
    with write(db):
        h = row(db, "SELECT id, archive_no, status, id_number, version, updated_at FROM households WHERE id = ?",
                [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        check_version(db, h, expected_version)
        frm = h["status"]
        if to_status not in TRANSITIONS.get(frm, frozenset()):
            raise StateError(f"档案 {h['archive_no']} 当前为“{book.label('status', frm)}”，"
                             f"不能改为“{book.label('status', to_status)}”。")
        _check_application(db, h, to_status, application_id)
        updates: dict[str, Any] = {"status": to_status, "updated_at": now_iso()}
        if to_status == "cancelled":
            if not reason or not book.has_code("exit_reason", reason):
                raise ValidationError("注销原因", "必须从退休、调离、死亡、不符合条件、弄虚作假中选择", reason)
            updates["exit_reason"] = reason
            updates["exit_date"] = on.isoformat()
        elif to_status == "exited":
            updates["exit_date"] = on.isoformat()
        elif frm == "exited" and to_status == "applying":  # 返困
            members = [m["id_number"] for m in rows(db, "SELECT id_number FROM members WHERE household_id = ?",
                                                    [household_id]) if m["id_number"]]
            for idn in [h["id_number"], *members]:
                other = find_active_person(db, idn, exclude_household=household_id)
                if other:
                    raise DuplicatePersonError(mask_id(idn), other[0], other[1])
            updates["exit_date"] = None
            updates["exit_reason"] = None
        db.execute(f"UPDATE households SET {', '.join(k + ' = ?' for k in updates)} WHERE id = ?",
                   [*updates.values(), household_id])
        db.execute("INSERT INTO status_history (household_id, from_status, to_status, reason, note, at, by_user) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", [household_id, frm, to_status, reason, note, updates["updated_at"],
                                                    actor.username])
        audit.record(db, actor.username, "status", "household", h["archive_no"], {"status": frm},
                     {"status": to_status, "reason": reason, "note": note}, households=[household_id])


def add_attachment(db: Database, actor: Actor, household_id: int, material_type: str, title: str,
                   file_name: str = "", sha256: str = "") -> int:
    actor.require("register.edit")
    book = codes.load(db)
    if not book.has_code("material_type", material_type):
        raise ValidationError("材料类型", "不是可选值", material_type)
    with write(db):
        archive_no = scalar(db, "SELECT archive_no FROM households WHERE id = ?", [household_id])
        if archive_no is None:
            raise NotFoundError("档案", household_id)
        cur = db.execute("INSERT INTO attachments (household_id, material_type, title, file_name, sha256, added_at, "
                         "added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [household_id, material_type, title, file_name, sha256, now_iso(), actor.username])
        audit.record(db, actor.username, "attach", "household", archive_no, None,
                     {"material_type": material_type, "title": title, "file_name": file_name})
    return int(cur.lastrowid or 0)


#: personal numbers kept in the audit trail masked only: the trail is append-only (hash chain), so what it
#: holds outlives the retention purge of an archive (PIPL)
_AUDIT_MASKS = {"id_number": mask_id, "phone": mask_phone, "bank_account": mask_bank}


def _audit_view(f: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (_AUDIT_MASKS[k](v) if k in _AUDIT_MASKS and v else v) for k, v in f.items()
            if k not in ("name_pinyin", "name_initials", "id_rev", "phone_rev")}


# ---------------------------------------------------------------- reads

def get_household(db: Database, household_id: int) -> dict[str, Any]:
    h = row(db, "SELECT h.*, e.name AS employer_name, e.nature AS employer_nature, e.condition AS employer_condition, "
                "o.name AS org_unit_name FROM households h LEFT JOIN employers e ON e.id = h.employer_id "
                "LEFT JOIN org_units o ON o.id = h.org_unit_id WHERE h.id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    h["members"] = rows(db, "SELECT * FROM members WHERE household_id = ? ORDER BY ord, id", [household_id])
    h["income_items"] = rows(db, "SELECT * FROM income_items WHERE household_id = ? ORDER BY id", [household_id])
    h["expenses"] = rows(db, "SELECT * FROM rigid_expenses WHERE household_id = ? ORDER BY id", [household_id])
    h["exclusions"] = rows(db, "SELECT * FROM exclusions WHERE household_id = ? ORDER BY id", [household_id])
    h["attachments"] = rows(db, "SELECT * FROM attachments WHERE household_id = ? ORDER BY id", [household_id])
    h["history"] = rows(db, "SELECT * FROM status_history WHERE household_id = ? ORDER BY id", [household_id])
    return h


def household_id_by_archive(db: Database, archive_no: str, sender_code: str | None = None) -> int:
    if sender_code:
        hid = scalar(db, "SELECT id FROM households WHERE sender_code = ? AND archive_no = ?", [sender_code, archive_no])
    else:
        hid = scalar(db, "SELECT id FROM households WHERE archive_no = ? ORDER BY id LIMIT 1", [archive_no])
    if hid is None:
        raise NotFoundError("档案", archive_no)
    return int(hid)



def townships(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT township FROM households WHERE township <> '' ORDER BY township")]


def count_by(db: Database, column: str, statuses: Sequence[str] | None = None) -> dict[str, int]:
    if column not in ("status", "category", "cause_main", "township", "archive_type"):
        raise ValueError(column)
    where = ""
    params: list[Any] = []
    if statuses:
        where = f"WHERE status IN ({','.join('?' * len(statuses))})"
        params = list(statuses)
    return {str(k): int(n) for k, n in db.execute(
        f"SELECT coalesce({column}, ''), count(*) FROM households {where} GROUP BY 1", params)}



def reveal(db: Database, actor: Actor, household_id: int, *, members: bool = False) -> dict[str, str]:
    """The unmasked ID number, phone and bank account of one archive, for a role that may see them.
    Every reveal is written to the audit trail (``members``: the archive editor also shows the family
    members' ID numbers, and the audit row says so)."""
    actor.require("register.reveal")
    with write(db):
        h = row(db, "SELECT archive_no, name, id_number, phone, bank_name, bank_account FROM households WHERE id = ?",
                [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        audit.record(db, actor.username, "reveal", "household", h["archive_no"], None,
                     {"fields": ["id_number", "phone", "bank_account", *(["members.id_number"] if members else [])]})
    return {k: str(h[k] or "") for k in ("archive_no", "name", "id_number", "phone", "bank_name", "bank_account")}


def per_capita_disagreements(db: Database, *, limit: int = 20) -> list[str]:
    """Archives whose stored 家庭月人均收入 is not what ``derive`` gives for their own figures (for
    ``helpdesk check``; every writer goes through ``derive`` and migration 0008 fixed older rows)."""
    out: list[str] = []
    for archive_no, size, income, rigid, stored in db.execute(
            "SELECT archive_no, family_size, annual_income_fen, rigid_expense_fen, per_capita_month_fen "
            "FROM households ORDER BY id"):
        expected = eligibility.per_capita_month(int(income), int(rigid), max(int(size), 1))
        if stored != expected:
            out.append(f"档案 {archive_no} 的家庭月人均收入 {format_yuan(int(stored))} 元与（家庭年收入 − 刚性支出）"
                       f"÷ 家庭人口 ÷ 12 = {format_yuan(expected)} 元不符")
            if len(out) >= limit:
                break
    return out
