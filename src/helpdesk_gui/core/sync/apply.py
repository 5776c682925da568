"""Writing a validated exchange batch (or a station's sheet) into the register: ONE transaction.

The exchange layer parses, validates and plans; this module receives plain rows of stored values
(codes, fen, ISO dates) and writes everything with ``executemany`` inside one ``core.db.write``:
new households (address index filled once, other indexes rebuilt once when the batch is big
compared with the register), updated households with their members replaced, new assistance
records, held conflicts, 核查结果 flags, policy standards, received allocations and fund
summaries, the version of each applied household, the history line and one audit row. Any
failure rolls all of it back. Conflicts are later resolved here too (keep ours / take theirs / edit).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.base import pinyin
from helpdesk_gui.core.base.errors import NotFoundError, StateError
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.sync.state import BatchEntry, add_batch, close_conflict, set_sync

#: Household fields a batch may carry besides the plain columns (resolved to ``employer_id``).
EMPLOYER_FIELDS = ("employer_name", "employer_nature")
MEMBER_FIELDS = ("name", "relation", "id_number", "birth_date", "health", "identity", "school_or_employer",
                 "monthly_income_fen")
RECORD_FIELDS = ("project", "fund_source", "amount_fen", "paid_date", "method", "approver", "remarks")
_TEXT_DEFAULTS = {"phone": "", "address": "", "bank_name": "", "bank_account": "", "causes_secondary": "",
                  "school_or_employer": "", "approver": "", "remarks": "", "id_number": "", "monthly_income_fen": 0}
#: Deferring the other indexes pays when the batch adds at least this share of the rows already there.
REBUILD_SHARE = 0.5


@dataclass
class ConflictIn:
    kind: str                        # household | record
    key: str                         # 档案编号 or 记录编号
    household_id: int | None
    record_id: int | None
    incoming: dict[str, Any]         # {"values": {...stored...}, "labels": {...}, "members": [...], ...}
    local: dict[str, Any]


@dataclass
class ImportWrite:
    entry: BatchEntry
    sender_code: str
    #: the field of each value of a household row; "" for a column the batch does not carry (left alone)
    household_fields: Sequence[str] = ()
    new_households: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)     # (household id, values)
    #: archive no → member rows (archive_no, *MEMBER_FIELDS) of the households written
    members: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    #: record rows (record_no, archive_no, *RECORD_FIELDS)
    new_records: list[tuple[Any, ...]] = field(default_factory=list)
    conflicts: list[ConflictIn] = field(default_factory=list)
    flags: list[tuple[int | None, str, str, str, str]] = field(default_factory=list)  # (hid, archive, result, note, keep)
    standards: list[tuple[str, str, int]] = field(default_factory=list)          # (region, effective_from, 低保 fen)
    allocations: list[tuple[str, int, str, int, int]] = field(default_factory=list)  # (region, year, source, fen, 低保)
    fund_reports: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    allocate_archive_numbers: bool = False   # a station's sheet: new archives get numbers here
    history_note: str = ""
    sync: bool = True                        # record the applied version (batches; not stations' sheets)


@dataclass
class ImportResult:
    new_households: int = 0
    updated_households: int = 0
    members: int = 0
    records: int = 0
    conflicts: int = 0
    flags: int = 0
    standards: int = 0
    allocations: int = 0
    archive_numbers: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)


Progress = Callable[[int, int], None]


@contextmanager
def indexes_deferred(db: Database, tables: Sequence[str]) -> Iterator[None]:
    """Drop the ordinary indexes of ``tables`` and build them again once at the end (inside the
    caller's transaction, so the schema is back exactly as it was whatever happens)."""
    marks = ",".join("?" * len(tables))
    saved = [(str(n), str(s)) for n, s in db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL",
        list(tables)).fetchall()]
    for name, _sql in saved:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in saved:
        db.execute(sql)


def _employers(db: Database, wanted: dict[str, str | None]) -> dict[str, int]:
    """Employer name → id, creating the missing ones (with their 单位性质)."""
    known = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM employers")}
    missing = [(n, nat) for n, nat in wanted.items() if n not in known]
    if missing:
        db.conn.executemany("INSERT INTO employers (name, nature) VALUES (?, ?)", missing)
        known = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM employers")}
    nature_updates = [(nat, known[n]) for n, nat in wanted.items() if nat]
    if nature_updates:
        db.conn.executemany("UPDATE employers SET nature = ? WHERE id = ? AND coalesce(nature, '') <> ?",
                            [(nat, i, nat) for nat, i in nature_updates])
    return known


def _household_columns(fields: Sequence[str]) -> tuple[list[str], Callable[[tuple[Any, ...]], list[Any]]]:
    """The database columns written for a household and a function building their values."""
    ix = {f: i for i, f in enumerate(fields) if f}
    plain = [f for f in fields if f and f not in EMPLOYER_FIELDS and f != "per_capita_month_fen"]
    cols = list(plain)
    if "name" in ix:
        cols += ["name_pinyin", "name_initials"]
    if "id_number" in ix:
        cols.append("id_rev")
    if "phone" in ix:
        cols.append("phone_rev")
    has_money = all(f in ix for f in ("family_size", "annual_income_fen", "rigid_expense_fen"))
    if has_money:
        cols.append("per_capita_month_fen")
    has_employer = "employer_name" in ix
    if has_employer:
        cols.append("employer_id")
    plain_ix = [ix[f] for f in plain]
    take = operator.itemgetter(*plain_ix) if len(plain_ix) > 1 else (lambda v: (v[plain_ix[0]],))
    defaults = [(k, _TEXT_DEFAULTS[f]) for k, f in enumerate(plain) if f in _TEXT_DEFAULTS]
    yes_no = [k for k, f in enumerate(plain) if f == "is_migrant"]
    i_name, i_id, i_phone = ix.get("name"), ix.get("id_number"), ix.get("phone")
    i_income, i_rigid, i_size = ix.get("annual_income_fen"), ix.get("rigid_expense_fen"), ix.get("family_size")
    i_employer = ix.get("employer_name")
    names: dict[str, tuple[str, str]] = {}

    def build(values: tuple[Any, ...], employer_ids: dict[str, int] | None = None) -> list[Any]:
        out = list(take(values))
        for k, default in defaults:
            if out[k] is None:
                out[k] = default
        for k in yes_no:
            if out[k] is not None:
                out[k] = int(out[k])
        if i_name is not None:
            name = values[i_name] or ""
            keys = names.get(name)
            if keys is None:
                keys = names[name] = pinyin.keys(name)
            out += keys
        if i_id is not None:
            out.append((values[i_id] or "")[::-1])
        if i_phone is not None:
            out.append((values[i_phone] or "")[::-1])
        if has_money:
            out.append(_per_capita(values[i_income], values[i_rigid], values[i_size]))  # type: ignore[index]
        if has_employer:
            name = values[i_employer]  # type: ignore[index]
            out.append(employer_ids.get(name) if (employer_ids is not None and name) else None)
        return out
    return cols, build


def _per_capita(income: int, rigid: int, size: int) -> int:
    """``eligibility.per_capita_month`` in integers: (income − rigid) ÷ size ÷ 12, half away from zero."""
    num, den = income - rigid, size * 12
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


def _allocate(db: Database, county: str, year: int, count: int) -> list[str]:
    """``count`` fresh archive numbers county + year + serial (never reused)."""
    prefix = f"{county}{year}"
    last = int(scalar(db, "SELECT last_serial FROM archive_serials WHERE prefix = ?", [prefix]) or 0)
    taken = {str(a) for (a,) in db.execute("SELECT archive_no FROM households WHERE archive_no GLOB ?",
                                           [prefix + "*"])}
    out: list[str] = []
    serial = last
    while len(out) < count:
        serial += 1
        if serial > 99999:
            raise StateError(f"{year} 年的档案编号已用完（{prefix}99999）。")
        candidate = f"{prefix}{serial:05d}"
        if candidate not in taken:
            out.append(candidate)
    db.execute("INSERT INTO archive_serials (prefix, last_serial) VALUES (?, ?) "
               "ON CONFLICT (prefix) DO UPDATE SET last_serial = excluded.last_serial", [prefix, serial])
    return out


def apply_import(db: Database, actor: Actor, w: ImportWrite, *, progress: Progress | None = None) -> ImportResult:
    """Write a whole batch in one transaction (or nothing). ``w.entry`` becomes its history line."""
    actor.require("exchange.import")
    if w.standards:
        actor.require("policy.edit")
    result = ImportResult()
    fields = list(w.household_fields)
    ix = {f: i for i, f in enumerate(fields) if f}
    stamp = now_iso()
    total = len(w.new_households) + len(w.updates) + len(w.new_records) + 1
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total), total)

    with write(db):
        add_batch(db, actor, w.entry, at=stamp)
        employer_ids: dict[str, int] = {}
        if "employer_name" in ix:
            wanted: dict[str, str | None] = {}
            nat = ix.get("employer_nature")
            for values in [*w.new_households, *(v for _, v in w.updates)]:
                name = values[ix["employer_name"]]
                if name:
                    wanted[name] = values[nat] if nat is not None else None
            employer_ids = _employers(db, wanted)
        cols, build = _household_columns(fields)
        # ---- new households
        if w.new_households:
            existing = int(scalar(db, "SELECT count(*) FROM households"))
            big = len(w.new_households) >= max(REBUILD_SHARE * existing, 2000)
            archive_numbers: list[str] = []
            if w.allocate_archive_numbers:
                county = w.sender_code
                by_year: dict[int, int] = {}
                for values in w.new_households:
                    year = int(str(values[ix["created_date"]])[:4])
                    by_year[year] = by_year.get(year, 0) + 1
                pools = {y: iter(_allocate(db, county, y, n)) for y, n in by_year.items()}
                archive_numbers = [next(pools[int(str(v[ix["created_date"]])[:4])]) for v in w.new_households]
            first_id = int(scalar(db, "SELECT coalesce(max(id), 0) FROM households")) + 1
            insert_cols = ["id", "sender_code", "created_at", *cols]
            if w.allocate_archive_numbers and "archive_no" not in cols:
                insert_cols.append("archive_no")
            sql = f"INSERT INTO households ({', '.join(insert_cols)}) VALUES ({', '.join('?' * len(insert_cols))})"
            archive_of: dict[str, int] = {}

            def household_rows(lo: int, hi: int) -> Iterator[list[Any]]:
                for k in range(lo, hi):
                    values = w.new_households[k]
                    hid = first_id + k
                    out = [hid, w.sender_code, stamp, *build(values, employer_ids)]  # type: ignore[call-arg]
                    if w.allocate_archive_numbers:
                        number = archive_numbers[k]
                        if "archive_no" in cols:
                            out[3 + cols.index("archive_no")] = number
                        else:
                            out.append(number)
                    else:
                        number = values[ix["archive_no"]]
                    archive_of[number] = hid
                    yield out

            tables = ("households", "members", "status_history", "exchange_sync")
            n_new = len(w.new_households)
            with register.fts_deferred(db), (indexes_deferred(db, tables) if big else _nothing()):
                for lo in range(0, n_new, 20000):
                    hi = min(lo + 20000, n_new)
                    db.conn.executemany(sql, household_rows(lo, hi))
                    step(hi - lo)
                if w.allocate_archive_numbers:  # a station's applications start their history here; a batch's
                    db.conn.executemany(        # archives have theirs at the sender (and the batch line here)
                        "INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                        "VALUES (?, NULL, ?, ?, ?, ?)",
                        ((hid, v[ix["status"]], w.history_note, stamp, actor.username)
                         for v, hid in zip(w.new_households, archive_of.values(), strict=True)))
                _write_members(db, w, archive_of)
                if w.sync:
                    db.conn.executemany(
                        "INSERT OR REPLACE INTO exchange_sync (household_id, counterpart_code, remote_updated_at, "
                        "batch_id) VALUES (?, ?, ?, ?)",
                        ((hid, w.sender_code, v[ix["updated_at"]], w.entry.batch_id)
                         for v, hid in zip(w.new_households, archive_of.values(), strict=True)))
            result.new_households = len(w.new_households)
            result.archive_numbers = list(archive_of) if w.allocate_archive_numbers else []
            result.new_ids = list(archive_of.values())
        else:
            archive_of = {}
        # ---- updated households
        if w.updates:
            before = {int(i): str(s) for i, s in db.execute(
                "SELECT id, status FROM households WHERE sender_code = ?", [w.sender_code])}
            update_cols = [c for c in cols if c not in ("archive_no", "created_at")]
            positions = [cols.index(c) for c in update_cols]
            sql = f"UPDATE households SET {', '.join(c + ' = ?' for c in update_cols)} WHERE id = ?"
            db.conn.executemany(sql, ([*(built[p] for p in positions), hid]
                                      for hid, built in ((h, build(v, employer_ids))  # type: ignore[call-arg]
                                                         for h, v in w.updates)))
            updated_archives = {v[ix["archive_no"]]: hid for hid, v in w.updates}
            db.conn.executemany("DELETE FROM members WHERE household_id = ?", ((h,) for h in updated_archives.values()))
            _write_members(db, w, updated_archives)
            if "status" in ix:
                db.conn.executemany(
                    "INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(hid, before.get(hid), v[ix["status"]], w.history_note, stamp, actor.username)
                     for hid, v in w.updates if before.get(hid) != v[ix["status"]]])
            if w.sync:
                db.conn.executemany(
                    "INSERT OR REPLACE INTO exchange_sync (household_id, counterpart_code, remote_updated_at, batch_id) "
                    "VALUES (?, ?, ?, ?)",
                    ((hid, w.sender_code, v[ix["updated_at"]], w.entry.batch_id) for hid, v in w.updates))
            result.updated_households = len(w.updates)
            archive_of.update(updated_archives)
            step(len(w.updates))
        result.members = sum(len(w.members.get(a, ())) for a in archive_of)
        # ---- assistance records
        if w.new_records:
            known = {str(a): int(i) for a, i in db.execute(
                "SELECT archive_no, id FROM households WHERE sender_code = ?", [w.sender_code])}
            existing = int(scalar(db, "SELECT count(*) FROM assistance_records"))
            big = len(w.new_records) >= max(REBUILD_SHARE * existing, 2000)
            approver, remarks = 2 + RECORD_FIELDS.index("approver"), 2 + RECORD_FIELDS.index("remarks")
            with indexes_deferred(db, ("assistance_records",)) if big else _nothing():
                db.conn.executemany(
                    f"INSERT INTO assistance_records (sender_code, record_no, household_id, {', '.join(RECORD_FIELDS)}, "
                    f"origin, created_at) VALUES (?, ?, ?, {', '.join('?' * len(RECORD_FIELDS))}, 'batch', ?)",
                    ((w.sender_code, r[0], known[r[1]], *r[2:approver], r[approver] or "", r[remarks] or "", stamp)
                     for r in w.new_records))
            result.records = len(w.new_records)
            step(len(w.new_records))
        # ---- conflicts, flags, policy, allocations, fund reports
        if w.conflicts:
            db.conn.executemany(
                "INSERT INTO exchange_conflicts (batch_id, sender_code, kind, key, household_id, record_id, "
                "incoming_json, local_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(w.entry.batch_id, w.sender_code, c.kind, c.key, c.household_id, c.record_id, _dump(c.incoming),
                  _dump(c.local), stamp) for c in w.conflicts])
            result.conflicts = len(w.conflicts)
        if w.flags:
            db.conn.executemany(
                "INSERT INTO exchange_flags (batch_id, sender_code, household_id, archive_no, result, note, "
                "keep_archive_no, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(w.entry.batch_id, w.sender_code, hid, archive, res, note, keep, stamp)
                 for hid, archive, res, note, keep in w.flags])
            result.flags = len(w.flags)
        for region, effective_from, dibao in w.standards:
            policy.put_standard(db, actor, region, effective_from, dibao,
                                source=f"{w.sender_code} 批次 {w.entry.batch_id[:8]}")
        result.standards = len(w.standards)
        if w.allocations:
            db.conn.executemany(
                "INSERT INTO exchange_allocations (batch_id, sender_code, region_code, year, fund_source, amount_fen, "
                "dibao_month_fen, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(w.entry.batch_id, w.sender_code, *a, stamp) for a in w.allocations])
            result.allocations = len(w.allocations)
        if w.fund_reports:
            db.conn.executemany(
                "INSERT INTO exchange_fund_reports (batch_id, sender_code, fund_source, opening_fen, income_fen, "
                "expense_fen, closing_fen, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(w.entry.batch_id, w.sender_code, *f, stamp) for f in w.fund_reports])
        step(1)
    return result


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _write_members(db: Database, w: ImportWrite, archive_of: dict[str, int]) -> None:
    sql = (f"INSERT INTO members (household_id, ord, gender, {', '.join(MEMBER_FIELDS)}) "
           f"VALUES (?, ?, ?, {', '.join('?' * len(MEMBER_FIELDS))})")
    id_pos = 1 + MEMBER_FIELDS.index("id_number")
    birth_pos = 1 + MEMBER_FIELDS.index("birth_date")
    defaults = [(2 + k, _TEXT_DEFAULTS[f]) for k, f in enumerate(MEMBER_FIELDS, start=1) if f in _TEXT_DEFAULTS]
    members = w.members

    def member_rows() -> Iterator[list[Any]]:
        for archive, hid in archive_of.items():
            for order, m in enumerate(members.get(archive, ())):
                idn = m[id_pos]
                out = [hid, order, ("1" if int(idn[16]) % 2 else "2") if idn and len(idn) == 18 else None, *m[1:]]
                for k, default in defaults:
                    if out[k] is None:
                        out[k] = default
                if m[birth_pos] is None and idn and len(idn) == 18:
                    out[2 + birth_pos] = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
                yield out
    db.conn.executemany(sql, member_rows())


# ------------------------------------------------------------------------------------------ conflicts

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
                           [*(v.get(f) if v.get(f) is not None else _TEXT_DEFAULTS.get(f) for f in RECORD_FIELDS),
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
        cols, build = _household_columns(fields)
        employer_ids: dict[str, int] = {}
        if chosen.get("employer_name"):
            employer_ids = _employers(db, {chosen["employer_name"]: chosen.get("employer_nature")})
        built = build(tuple(chosen[f] for f in fields), employer_ids)  # type: ignore[call-arg]
        update_cols = [col for col in cols if col not in ("archive_no", "created_at")]
        before = row(db, "SELECT status FROM households WHERE id = ?", [hid])
        db.execute(f"UPDATE households SET {', '.join(col + ' = ?' for col in update_cols)} WHERE id = ?",
                   [*(built[cols.index(col)] for col in update_cols), hid])
        if not keep_members:
            members = [(c["key"], *m) for m in incoming.get("members", [])]
            db.execute("DELETE FROM members WHERE household_id = ?", [hid])
            w = ImportWrite(BatchEntry("", "in", ""), c["sender_code"], members={c["key"]: members})
            _write_members(db, w, {c["key"]: hid})
        if before and "status" in chosen and before["status"] != chosen["status"]:
            db.execute("INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [hid, before["status"], chosen["status"],
                                                     f"处理交换冲突（批次 {c['batch_id'][:8]}）", now_iso(),
                                                     actor.username])
        set_sync(db, hid, c["sender_code"], remote_ts, c["batch_id"])
        close_conflict(db, actor, conflict_id, choice, {"archive_no": c["key"], "fields": sorted(chosen)})


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


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
