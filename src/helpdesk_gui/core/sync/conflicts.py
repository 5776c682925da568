"""Held exchange conflicts: a household changed both here and in a batch, or an assistance record
that differs from ours. The clerk keeps ours, takes theirs, or (households) applies an edited
version; the household's derived columns come from ``core.register.derive`` as on import.

A conflict held at the commit of an import (``core.sync.recheck``) says why (``incoming["reason"]``,
e.g. 预览后本地已修改). One whose archive is new here (``incoming["new"]``: the batch's or the
station sheet's archive was not written because someone created an archive holding the same person
after the preview) names that archive as ``household_id``; it is never overwritten: ``theirs`` adds
the new archive, once the person is no longer in another active archive.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import DuplicatePersonError, NotFoundError, StateError
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.db import now_iso, row, rows, write
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.derive import RulesBook
from helpdesk_gui.core.sync.apply import ImportWrite, apply_import
from helpdesk_gui.core.sync.household_rows import (
    MEMBER_FIELDS,
    RECORD_FIELDS,
    TEXT_DEFAULTS,
    Build,
    employers,
    household_snapshot,
    known_households,
    member_dicts,
    record_snapshot,
    write_members,
)
from helpdesk_gui.core.sync.state import BatchEntry, close_conflict, set_sync
from helpdesk_gui.core.workflow import steps as workflow

__all__ = ["household_snapshot", "record_snapshot", "resolve_conflict"]

_MEMBER_ID = MEMBER_FIELDS.index("id_number")


def _people_free(db: Database, values: dict[str, Any], members: Sequence[Sequence[Any]],
                 household_id: int | None) -> None:
    """The household about to be written (active) holds no one of another active archive."""
    if values.get("status", "active") not in register.ACTIVE_STATUSES:
        return
    for idn in [values.get("id_number"), *(m[_MEMBER_ID] for m in members)]:
        other = register.find_active_person(db, str(idn), exclude_household=household_id) if idn else None
        if other:
            raise DuplicatePersonError(mask_id(str(idn)), *other)


def resolve_conflict(db: Database, actor: Actor, conflict_id: int, choice: str,
                     values: dict[str, Any] | None = None, *, keep_members: bool = False,
                     expected_version: int | None = None) -> None:
    """Resolve a held conflict: ``ours`` keeps the local version, ``theirs`` applies the batch's,
    ``edited`` applies ``values`` (stored values, e.g. chosen field by field) with the batch's
    members (or ours, with ``keep_members``).

    One transaction; the household's version from the batch is recorded so the same version is
    not held again, while a local edit (ours or edited) stays "changed locally" for the next batch.
    ``expected_version``: the version of our household the conflict screen showed; one changed since
    is not written over (``ChangedMeanwhile``). The household written may not hold a person of
    another active archive (``DuplicatePersonError``).
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
        if incoming.get("new"):
            _resolve_new(db, actor, c, incoming, choice)
            return
        if choice == "ours":
            set_sync(db, hid, c["sender_code"], remote_ts, c["batch_id"])
            close_conflict(db, actor, conflict_id, choice, {"archive_no": c["key"]})
            return
        stored = row(db, "SELECT id, archive_no, status, version, updated_at FROM households WHERE id = ?", [hid])
        if stored is None:
            raise NotFoundError("档案", hid)
        register.check_version(db, stored, expected_version)
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
        _people_free(db, chosen, [m[1:] for m in members], hid)
        built = build(tuple(chosen[f] for f in fields), employer_ids, member_dicts(members),
                      known_households(db, [hid]).get(hid))
        cols = build.columns
        update_cols = [col for col in cols if col not in ("archive_no", "created_at")]
        before = stored
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


def _resolve_new(db: Database, actor: Actor, c: dict[str, Any], incoming: dict[str, Any], choice: str) -> None:
    """An archive held because its person entered another active archive after the preview: ``ours`` leaves
    it out, ``theirs`` adds it now (a station's row as an application with its 新建档 application)."""
    if choice == "edited":
        raise StateError(f"{c['key']} 是本库没有的新档案：只能不新增（保留本库）或按批次新增。")
    if choice == "ours":
        close_conflict(db, actor, int(c["id"]), choice, {"archive_no": c["key"], "added": False})
        return
    values: dict[str, Any] = incoming["values"]
    members: list[list[Any]] = incoming.get("members", [])
    _people_free(db, values, members, None)
    sheet = bool(incoming.get("sheet"))
    archive = str(values.get("archive_no") or c["key"])
    fields = list(values)
    w = ImportWrite(BatchEntry(batch_id=c["batch_id"], direction="in", result="imported"), c["sender_code"],
                    household_fields=fields, new_households=[tuple(values[f] for f in fields)],
                    members={archive: [(archive, *m) for m in members]},
                    new_records=[tuple(r) for r in incoming.get("records", [])],
                    allocate_archive_numbers=sheet, sync=not sheet, add_history=False,
                    history_note=str(incoming.get("note") or f"处理交换冲突（批次 {c['batch_id'][:8]}）"))
    today = _dt.date.today()
    result = apply_import(db, actor, w, today=today)
    hid = result.new_ids[0]
    if sheet:
        received = min(_dt.date.fromisoformat(str(values.get("created_date") or today.isoformat())), today)
        workflow.file_application(db, actor, hid, "new_archive", reason=str(incoming.get("note") or ""),
                                  received=received, today=today)
    number = result.archive_numbers[0] if result.archive_numbers else archive
    close_conflict(db, actor, int(c["id"]), choice, {"archive_no": number, "added": True}, households=[hid])
