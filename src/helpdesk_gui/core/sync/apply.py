"""Writing a validated exchange batch (or a station's sheet) into the register: ONE transaction.

The exchange layer parses, validates and plans; this module receives plain rows of stored values
(codes, fen, ISO dates) and writes everything with ``executemany`` inside one ``core.db.write``:
new households (address index filled once, other indexes rebuilt once when the batch is big
compared with the register), updated households with their members replaced, new assistance
records, held conflicts, 核查结果 flags, policy standards, received allocations and fund
summaries, the version of each applied household, the history line and one audit row. Any
failure rolls all of it back. First, in the same transaction, ``recheck`` holds back as conflicts
the rows the register changed under since the preview (never overwritten, never duplicated). Every derived column of a household (pinyin, reversed numbers,
户口所在地, 家庭月人均收入, the income test's figure and suggestion) comes from
``core.register.derive`` through ``household_rows``; held conflicts are resolved in ``conflicts``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import chain
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.db import ids_taken, now_iso, on_server, scalar, write
from helpdesk_gui.core.db.where import prefix_args, starts_with
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.derive import RulesBook
from helpdesk_gui.core.sync import rowstore
from helpdesk_gui.core.sync.household_rows import (
    RECORD_FIELDS,
    Build,
    employers,
    known_households,
    member_dicts,
    write_members,
)
from helpdesk_gui.core.sync.payload import ConflictIn, ImportResult, ImportWrite, Seen
from helpdesk_gui.core.sync.recheck import recheck
from helpdesk_gui.core.sync.state import add_batch

__all__ = ["ConflictIn", "ImportResult", "ImportWrite", "Seen", "apply_import", "indexes_deferred"]

#: Deferring the other indexes pays when the batch adds at least this share of the rows already there.
REBUILD_SHARE = 0.5


Progress = Callable[[int, int], None]

#: The version of a household last applied from its sender (one row per household).
SYNC_UPSERT = ("INSERT INTO exchange_sync (household_id, counterpart_code, remote_updated_at, batch_id) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (household_id) DO UPDATE SET "
               "counterpart_code = excluded.counterpart_code, remote_updated_at = excluded.remote_updated_at, "
               "batch_id = excluded.batch_id")


@contextmanager
def indexes_deferred(db: Database, tables: Sequence[str]) -> Iterator[None]:
    """Drop the ordinary indexes of ``tables`` and build them again once at the end (inside the
    caller's transaction, so the schema is back exactly as it was whatever happens).

    Only in the folder's SQLite file, where the writer holds the one write lock anyway and readers keep
    their snapshot. On a server, DROP INDEX would lock every other desk out of these tables (even their
    reads) until the import commits, and PostgreSQL maintains its indexes well row by row: not done."""
    if on_server(db):
        yield
        return
    marks = ",".join("?" * len(tables))
    saved = [(str(n), str(s)) for n, s in db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL",
        list(tables)).fetchall()]
    for name, _sql in saved:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in saved:
        db.execute(sql)


def _allocate(db: Database, county: str, year: int, count: int) -> list[str]:
    """``count`` fresh archive numbers county + year + serial (never reused)."""
    prefix = f"{county}{year}"
    last = int(scalar(db, "SELECT last_serial FROM archive_serials WHERE prefix = ?", [prefix]) or 0)
    taken = {str(a) for (a,) in db.execute(f"SELECT archive_no FROM households WHERE {starts_with('archive_no', 'p')}",
                                           prefix_args("p", prefix))}
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


def apply_import(db: Database, actor: Actor, w: ImportWrite, *, progress: Progress | None = None,
                 today: _dt.date | None = None) -> ImportResult:
    """Write a whole batch in one transaction (or nothing). ``w.entry`` becomes its history line.
    ``today``: the day of the income test run on each household written (the rules in force then)."""
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
        result.held = recheck(db, w)   # what changed here since the preview is held, not overwritten
        employer_ids: dict[str, int] = {}
        if "employer_name" in ix:
            wanted: dict[str, str | None] = {}
            nat = ix.get("employer_nature")
            for values in chain(w.new_households, (v for _, v in w.updates)):
                name = values[ix["employer_name"]]
                if name:
                    wanted[name] = values[nat] if nat is not None else None
            employer_ids = employers(db, wanted)
        on = today or _dt.date.today()
        build = Build(fields, RulesBook(db, on), on)
        cols = build.columns
        i_archive = ix.get("archive_no")

        def members_of(values: Sequence[Any]) -> list[dict[str, Any]]:
            return member_dicts(w.members.get(values[i_archive], ())) if i_archive is not None else []
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
            renamed: dict[str, str] = {}   # a station's row key → the archive number given here

            def household_rows(lo: int, hi: int) -> Iterator[list[Any]]:
                for k in range(lo, hi):
                    values = w.new_households[k]
                    hid = first_id + k
                    out = [hid, w.sender_code, stamp, *build(values, employer_ids, members_of(values))]
                    if w.allocate_archive_numbers:
                        number = archive_numbers[k]
                        if "archive_no" in cols:
                            renamed[values[ix["archive_no"]]] = number
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
                ids_taken(db, "households")   # numbered here: a server's identity moves past them
                if w.allocate_archive_numbers:  # a station's applications start their history here; a batch's
                    db.conn.executemany(        # archives have theirs at the sender (and the batch line here)
                        "INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                        "VALUES (?, NULL, ?, ?, ?, ?)",
                        ((hid, v[ix["status"]], w.history_note, stamp, actor.username)
                         for v, hid in zip(w.new_households, archive_of.values(), strict=True)))
                if renamed:
                    w.members = rowstore.renamed(w.members, renamed)
                write_members(db, w.members, archive_of)
                if w.sync:
                    db.conn.executemany(
                        SYNC_UPSERT,
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
            sql = (f"UPDATE households SET {', '.join(c + ' = ?' for c in update_cols)}, version = version + 1 "
                   "WHERE id = ?")
            stored = known_households(db, (h for h, _ in w.updates))
            db.conn.executemany(sql, ([*(built[p] for p in positions), hid]
                                      for hid, built in ((h, build(v, employer_ids, members_of(v), stored.get(h)))
                                                         for h, v in w.updates)))
            updated_archives = {v[ix["archive_no"]]: hid for hid, v in w.updates}
            db.conn.executemany("DELETE FROM members WHERE household_id = ?", ((h,) for h in updated_archives.values()))
            write_members(db, w.members, updated_archives)
            if "status" in ix:
                db.conn.executemany(
                    "INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(hid, before.get(hid), v[ix["status"]], w.history_note, stamp, actor.username)
                     for hid, v in w.updates if before.get(hid) != v[ix["status"]]])
            if w.sync:
                db.conn.executemany(
                    SYNC_UPSERT,
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
                    f"origin, created_at) VALUES (?, ?, ?, {', '.join('?' * len(RECORD_FIELDS))}, ?, ?)",
                    ((w.sender_code, r[0], known[r[1]], *r[2:approver], r[approver] or "", r[remarks] or "",
                      w.record_origin, stamp)
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
        if w.add_history:
            if result.held:
                w.entry = replace(w.entry, summary=result.held.adjust(w.entry.summary or {}))
            add_batch(db, actor, w.entry, at=stamp, households=archive_of.values())  # its audit row seals them
        step(1)
    dbm.after_bulk(db)
    return result


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
