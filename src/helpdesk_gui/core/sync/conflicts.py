"""Held exchange conflicts: a household changed both here and in a batch, or an assistance record
that differs from ours. The clerk keeps ours, takes theirs, or (households) applies an edited
version; the household's derived columns come from ``core.register.derive`` as on import.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError, StateError
from helpdesk_gui.core.db import now_iso, row, rows, write
from helpdesk_gui.core.register.derive import RulesBook
from helpdesk_gui.core.sync.household_rows import (
    EMPLOYER_FIELDS,
    MEMBER_FIELDS,
    RECORD_FIELDS,
    TEXT_DEFAULTS,
    Build,
    employers,
    known_households,
    member_dicts,
    write_members,
)
from helpdesk_gui.core.sync.state import close_conflict, set_sync


def _household_values(household: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    out = {f: household.get(f) for f in fields if f not in EMPLOYER_FIELDS}
    if "employer_name" in fields:
        out["employer_name"] = household.get("employer_name")
    if "employer_nature" in fields:
        out["employer_nature"] = household.get("employer_nature")
    return out


def resolve_conflict(db: Database, actor: Actor, conflict_id: int, choice: str,
                     values: dict[str, Any] | None = None, *, keep_members: bool = False) -> None:
    """Resolve a held conflict: ``ours`` keeps the local version, ``theirs`` applies the batch's,
    ``edited`` applies ``values`` (stored values, e.g. chosen field by field) with the batch's
    members (or ours, with ``keep_members``).

    One transaction; the household's version from the batch is recorded so the same version is
    not held again, while a local edit (ours or edited) stays "changed locally" for the next batch.
    """
    actor.require("exchange.import")
    if choice not in ("ours", "theirs", "edited"):
        raise ValueError(choice)
    with write(db):
        c = row(db, "SELECT * FROM exchange_conflicts WHERE id = ?", [conflict_id])
        if c is None:
            raise NotFoundError("冲突记录", conflict_id)
        if c["status"] != "open":
            raise StateError(f"冲突 {c['key']} 已处理，不能再次处理。")
        incoming = json.loads(c["incoming_json"])
        if c["kind"] == "record":
            if choice == "theirs":
                v = incoming["values"]
                db.execute(f"UPDATE assistance_records SET {', '.join(f + ' = ?' for f in RECORD_FIELDS)} WHERE id = ?",
                           [*(v.get(f) if v.get(f) is not None else TEXT_DEFAULTS.get(f) for f in RECORD_FIELDS),
                            c["record_id"]])
            elif choice == "edited":
                raise StateError("帮扶记录的冲突只能保留本地或采用对方。")
            close_conflict(db, actor, conflict_id, choice, {"record_no": c["key"]})
            return
        hid = int(c["household_id"])
        remote_ts = str(incoming["values"]["updated_at"])
        if choice == "ours":
            set_sync(db, hid, c["sender_code"], remote_ts, c["batch_id"])
            close_conflict(db, actor, conflict_id, choice, {"archive_no": c["key"]})
            return
        chosen = dict(incoming["values"]) if choice == "theirs" else dict(values or {})
        chosen["updated_at"] = remote_ts if choice == "theirs" else now_iso()
        fields = [f for f in incoming["values"] if f in chosen]
        today = _dt.date.today()
        build = Build(fields, RulesBook(db, today), today)
        employer_ids: dict[str, int] = {}
        if chosen.get("employer_name"):
            employer_ids = employers(db, {chosen["employer_name"]: chosen.get("employer_nature")})
        if keep_members:
            members = [(c["key"], *(m[f] for f in MEMBER_FIELDS)) for m in rows(
                db, f"SELECT {', '.join(MEMBER_FIELDS)} FROM members WHERE household_id = ? ORDER BY ord, id", [hid])]
        else:
            members = [(c["key"], *m) for m in incoming.get("members", [])]
        built = build(tuple(chosen[f] for f in fields), employer_ids, member_dicts(members),
                      known_households(db, [hid]).get(hid))
        cols = build.columns
        update_cols = [col for col in cols if col not in ("archive_no", "created_at")]
        before = row(db, "SELECT status FROM households WHERE id = ?", [hid])
        db.execute(f"UPDATE households SET {', '.join(col + ' = ?' for col in update_cols)} WHERE id = ?",
                   [*(built[cols.index(col)] for col in update_cols), hid])
        if not keep_members:
            db.execute("DELETE FROM members WHERE household_id = ?", [hid])
            write_members(db, {c["key"]: members}, {c["key"]: hid})
        if before and "status" in chosen and before["status"] != chosen["status"]:
            db.execute("INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [hid, before["status"], chosen["status"],
                                                     f"处理交换冲突（批次 {c['batch_id'][:8]}）", now_iso(),
                                                     actor.username])
        set_sync(db, hid, c["sender_code"], remote_ts, c["batch_id"])
        close_conflict(db, actor, conflict_id, choice, {"archive_no": c["key"], "fields": sorted(chosen)},
                       households=[hid])


def household_snapshot(db: Database, household_id: int, fields: Sequence[str]) -> dict[str, Any]:
    """Stored values of a household for the fields a batch carries, and its members (for conflicts)."""
    h = row(db, "SELECT h.*, e.name AS employer_name, e.nature AS employer_nature FROM households h "
                "LEFT JOIN employers e ON e.id = h.employer_id WHERE h.id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    members = [tuple(m[f] for f in MEMBER_FIELDS) for m in rows(
        db, f"SELECT {', '.join(MEMBER_FIELDS)} FROM members WHERE household_id = ? ORDER BY ord, id", [household_id])]
    values = _household_values(h, fields)
    if "is_migrant" in values and values["is_migrant"] is not None:
        values["is_migrant"] = str(values["is_migrant"])
    return {"values": values, "members": members}


def record_snapshot(db: Database, record_id: int) -> dict[str, Any]:
    r = row(db, f"SELECT {', '.join(RECORD_FIELDS)} FROM assistance_records WHERE id = ?", [record_id])
    if r is None:
        raise NotFoundError("帮扶记录", record_id)
    return {"values": r}
