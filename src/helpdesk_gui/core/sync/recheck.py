"""An import's commit re-checks its rows inside its write transaction: the preview is not trusted.

Between an import's preview and its 导入 the register may change: a clerk edits an archive in the
editor or changes its status, a workflow step moves it, another window imports a batch, a clerk
creates an archive for a person the batch also brings. The preview remembers what it saw
(``payload.Seen``: the register's stamp and the version of each household it planned to update);
at the commit, in the write transaction (so nothing can slip in between):

* a household changed since the preview is not overwritten: it is held as a conflict
  (待处理冲突, reason 预览后本地已修改), as a household changed on both sides is;
* a new archive whose (sender, archive number) exists now is held against that archive;
* a row whose head or member is now in another active archive is held, never written twice: a new
  archive (with its payment records) waits in its conflict, ``theirs`` adds it later;
* a payment record that arrived meanwhile is skipped when identical, held when different;
* a batch imported meanwhile (another window) is not applied again (``AlreadyImported``).

When ``households`` did not change at all since the preview (same count, last id and sum of
versions: every write raises a household's version) the household checks are skipped: one
aggregate query. Every writer of members also writes the household row, so a member change is seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.city import region
from helpdesk_gui.core.register.households import ACTIVE_STATUSES
from helpdesk_gui.core.sync import state
from helpdesk_gui.core.sync.household_rows import (
    MEMBER_FIELDS,
    RECORD_FIELDS,
    household_snapshot,
    record_snapshot,
)
from helpdesk_gui.core.sync.payload import ConflictIn, Held, ImportWrite, Seen
from helpdesk_gui.core.sync.rowstore import keep_only

CHANGED = "预览后本地已修改"
CREATED = "预览后本库已新建这个档案"
RECORD_CREATED = "预览后本库已收到这条记录（内容不同）"
_MEMBER_ID = 1 + MEMBER_FIELDS.index("id_number")


class AlreadyImported(StateError):
    """The batch was imported (in another window) after this preview: nothing is written again."""

    def __init__(self, line: dict[str, Any]) -> None:
        self.line = line
        super().__init__(f"这个批次已于 {local_time(line['exchanged_at'])} 导入过（在预览之后），本次没有做任何修改。")


def register_stamp(db: Database) -> tuple[int, int, int]:
    """(count, last id, sum of versions) of ``households``: equal stamps, no household changed between them."""
    n, last, total = db.execute("SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) "
                                "FROM households").fetchone()
    return int(n), int(last), int(total)


#: Values per ``IN (?, ?, …)`` list (a list of parameters both engines take, unlike SQLite's json_each).
_CHUNK = 900


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for lo in range(0, len(values), _CHUNK):
        yield values[lo:lo + _CHUNK]


def _versions(db: Database, household_ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(set(household_ids))):
        out.update((int(i), int(v)) for i, v in db.execute(
            f"SELECT id, version FROM households WHERE id IN ({', '.join('?' * len(chunk))})", list(chunk)))
    return out


def _existing_records(db: Database, sender: str, numbers: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Record number → (id, archive_no, *RECORD_FIELDS) of the ones already held from ``sender``."""
    out: dict[str, tuple[Any, ...]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        out.update((str(r[0]), tuple(r[1:])) for r in db.execute(
            f"SELECT a.record_no, a.id, h.archive_no, {', '.join('a.' + f for f in RECORD_FIELDS)} "
            "FROM assistance_records a JOIN households h ON h.id = a.household_id "
            f"WHERE a.sender_code = ? AND a.record_no IN ({', '.join('?' * len(chunk))})", [sender, *chunk]))
    return out


def _plain(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple("" if v is None else v for v in values)


class _Check:
    def __init__(self, db: Database, w: ImportWrite) -> None:
        self.db, self.w = db, w
        self.fields = list(w.household_fields)
        self.ix = {f: i for i, f in enumerate(self.fields) if f}
        self.carried = [f for f in self.fields if f]
        self.keep_new = [True] * len(w.new_households)
        self.keep_update = [True] * len(w.updates)
        self.held = Held()
        self.held_archives: set[str] = set()

    def archive(self, values: Sequence[Any]) -> str | None:
        """The row's archive number; None for a station's row (its ``#row`` key is not a number yet)."""
        if self.w.allocate_archive_numbers:
            return None
        return self.key(values)

    def key(self, values: Sequence[Any]) -> str | None:
        """What the row's members are filed under in ``w.members`` (the archive number, or a station row's key)."""
        i = self.ix.get("archive_no")
        return None if i is None else values[i]

    def incoming(self, values: Sequence[Any], rownum: int | None, reason: str, **extra: Any) -> dict[str, Any]:
        placeholder = "archive_no" if self.w.allocate_archive_numbers else ""   # a station row's key, not a number
        return {"values": {f: v for f, v in zip(self.fields, values, strict=True) if f and f != placeholder},
                "members": [list(m[1:]) for m in self.w.members.get(self.key(values) or "", ())], "row": rownum,
                "reason": reason, **extra}

    def hold_update(self, k: int, reason: str, *, people: bool = False) -> None:
        hid, values = self.w.updates[k]
        self.keep_update[k] = False
        self.w.conflicts.append(ConflictIn("household", str(self.archive(values)), hid, None,
                                           self.incoming(values, _at(self.w.update_rownums, k), reason),
                                           household_snapshot(self.db, hid, self.carried)))
        if people:
            self.held.people += 1
        else:
            self.held.changed += 1

    def hold_new(self, k: int, reason: str, against: int, *, people: bool) -> None:
        """A new archive not written: held against the archive of ours that is in its way."""
        w, values = self.w, self.w.new_households[k]
        self.keep_new[k] = False
        archive, rownum = self.archive(values), _at(w.new_rownums, k)
        extra: dict[str, Any] = {}
        if people:
            records = [list(r) for r in w.new_records if archive is not None and r[1] == archive]
            extra = {"new": True, "sheet": w.allocate_archive_numbers, "records": records, "note": w.history_note}
            self.held_archives.add(archive or "")
            self.held.people += 1
            self.held.records_moved += len(records)
        else:
            self.held.changed += 1
        self.held.new += 1
        key = archive or _row_key(values, self.ix, rownum)
        w.conflicts.append(ConflictIn("household", key, against, None, self.incoming(values, rownum, reason, **extra),
                                      household_snapshot(self.db, against, self.carried)))

    # ---- the checks
    def versions(self, seen: Seen) -> None:
        current = _versions(self.db, (hid for hid, _ in self.w.updates))
        for k, (hid, _values) in enumerate(self.w.updates):
            if hid in current and current[hid] != seen.versions.get(hid):
                self.hold_update(k, CHANGED)

    def created(self) -> None:
        w = self.w
        if "archive_no" not in self.ix or w.allocate_archive_numbers or not w.new_households:
            return
        there = state.household_ids(self.db, w.sender_code, (self.archive(v) or "" for v in w.new_households))
        for k, values in enumerate(w.new_households):
            hid = there.get(self.archive(values) or "")
            if hid is not None:
                self.hold_new(k, CREATED, hid, people=False)

    def people(self) -> None:
        """Rule 4 against what the register holds now, until no row is held any more (a held update keeps
        its people, which may stand in the way of another row)."""
        w, ix = self.w, self.ix
        i_status, i_id = ix.get("status"), ix.get("id_number")
        # at the city a person in another county's archive is 跨县重复 (listed), not held; the city's own archives hold
        own = region.own_code(self.db) if region.is_city(self.db) else None
        while True:
            replaced = {hid for k, (hid, _v) in enumerate(w.updates) if self.keep_update[k]}
            wanted: dict[str, list[tuple[str, int]]] = {}
            rows = [("new", k, v) for k, v in enumerate(w.new_households) if self.keep_new[k]]
            rows += [("update", k, v) for k, (_h, v) in enumerate(w.updates) if self.keep_update[k]]
            for kind, k, values in rows:
                archive = self.archive(values)
                if archive in w.allowed_duplicates or (i_status is not None and values[i_status] not in ACTIVE_STATUSES):
                    continue
                ids = [values[i_id]] if i_id is not None and values[i_id] else []
                ids += [m[_MEMBER_ID] for m in w.members.get(self.key(values) or "", ()) if m[_MEMBER_ID]]
                for idn in ids:
                    wanted.setdefault(idn, []).append((kind, k))
            hits = [h for h in state.active_people(self.db, wanted, ACTIVE_STATUSES)
                    if h.household_id not in replaced and h.archive_no not in w.allowed_duplicates
                    and not (own and h.sender_code not in (w.sender_code, own))]
            if not hits:
                return
            for hit in hits:
                reason = f"预览后本库有效档案 {hit.archive_no} 已登记同一公民身份号码（{hit.role}）"
                for kind, k in wanted[hit.id_number]:
                    if kind == "new" and self.keep_new[k]:
                        self.hold_new(k, reason, hit.household_id, people=True)
                    elif kind == "update" and self.keep_update[k]:
                        self.hold_update(k, reason, people=True)

    def records(self) -> None:
        w = self.w
        if not w.new_records:
            return
        have = _existing_records(self.db, w.sender_code, [str(r[0]) for r in w.new_records])
        keep = [str(r[1]) not in self.held_archives for r in w.new_records]
        for k, r in enumerate(w.new_records):
            ours = have.get(str(r[0]))
            if ours is None or not keep[k]:
                continue
            keep[k] = False
            if _plain(ours[1:]) == _plain(r[1:]):
                self.held.records_same += 1
                continue
            self.held.records += 1
            w.conflicts.append(ConflictIn("record", str(r[0]), None, int(ours[0]), {
                "values": dict(zip(RECORD_FIELDS, r[2:], strict=True)), "archive_no": r[1],
                "row": _at(w.record_rownums, k), "reason": RECORD_CREATED}, record_snapshot(self.db, int(ours[0]))))
        if not all(keep):
            if w.record_rownums:
                w.record_rownums = [n for n, ok in zip(w.record_rownums, keep, strict=True) if ok]
            w.new_records = keep_only(w.new_records, keep)

    def finish(self) -> None:
        w = self.w
        if not all(self.keep_new):
            if w.new_rownums:
                w.new_rownums = [n for n, ok in zip(w.new_rownums, self.keep_new, strict=True) if ok]
            w.new_households = keep_only(w.new_households, self.keep_new)
        if not all(self.keep_update):
            if w.update_rownums:
                w.update_rownums = [n for n, ok in zip(w.update_rownums, self.keep_update, strict=True) if ok]
            w.updates = keep_only(w.updates, self.keep_update)


def recheck(db: Database, w: ImportWrite) -> Held:
    """Inside the import's write transaction: hold back (into ``w.conflicts``) what changed here since the
    preview, remove it from ``w``'s rows, and say how much. Nothing when ``w.seen`` is None."""
    if w.seen is None:
        return Held()
    line = state.applied_batch(db, w.entry.batch_id)
    if line is not None:
        raise AlreadyImported(line)
    check = _Check(db, w)
    if register_stamp(db) != w.seen.stamp:
        check.versions(w.seen)
        check.created()
        check.people()
    check.records()
    check.finish()
    return check.held


def _at(rownums: Sequence[int], k: int) -> int | None:
    return rownums[k] if k < len(rownums) else None


def _row_key(values: Sequence[Any], ix: dict[str, int], rownum: int | None) -> str:
    """The key of a station's row (no archive number yet): 姓名 and the sheet row."""
    name = values[ix["name"]] if "name" in ix else ""
    return f"{name}（第 {rownum} 行）" if rownum else str(name)
