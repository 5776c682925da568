"""建库导入: a centre's existing register (its own archive list) written as in-register households.

The exchange layer (``exchange.adopt``) reads and checks the list; this module receives plain rows of
stored values (codes, fen, ISO dates) and writes every household, its family members and its past
帮扶记录 in ONE transaction, through the same writer as a batch (``core.sync.apply.apply_import``,
so every derived column comes from ``core.register.derive``). A household keeps the 档案编号 the
list gives it; one without is numbered as the register numbers archives (county + year of 建档日期 +
serial, after every number the list keeps). Each household's status history starts with a line
naming the file and its row; the one audit row (``adopt_import``) records the counts and seals every
household written. Only a system administrator may do it (``register.adopt``), and the same file is
never taken twice.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.db import get_meta, now_iso, scalar, write
from helpdesk_gui.core.db.where import prefix_args, starts_with
from helpdesk_gui.core.sync import state
from helpdesk_gui.core.sync.apply import ImportWrite, apply_import
from helpdesk_gui.core.sync.household_rows import MEMBER_FIELDS, RECORD_FIELDS

#: The fields of a household row, in this order (``archive_no`` None: numbered here).
FIELDS = ("archive_no", "name", "gender", "ethnicity", "id_number", "birth_date", "phone", "employer_name",
          "employer_nature", "work_status", "is_migrant", "model_worker", "health", "address", "family_size",
          "annual_income_fen", "rigid_expense_fen", "category", "legacy_category_text", "cause_main",
          "causes_secondary", "status", "exit_reason", "created_date", "exit_date", "bank_name", "bank_account",
          "remarks")
KIND = "adopt"
ORIGIN = "adopt"
_NUMBER = re.compile(r"(\d{6})(\d{4})(\d{5})")


@dataclass
class AdoptWrite:
    """What one archive list brings in: households (``FIELDS`` order), each one's members
    (``MEMBER_FIELDS``) and 帮扶记录 (``RECORD_FIELDS``), and the Excel row of each household."""

    file_name: str
    file_sha256: str
    rows: dict[str, int] = field(default_factory=dict)          # sheet → data rows read
    households: list[tuple[Any, ...]] = field(default_factory=list)
    source_rows: list[str] = field(default_factory=list)         # "困难职工档案 第 5 行" per household
    members: list[list[tuple[Any, ...]]] = field(default_factory=list)
    records: list[list[tuple[Any, ...]]] = field(default_factory=list)


@dataclass
class AdoptResult:
    households: int = 0
    members: int = 0
    records: int = 0
    amount_fen: int = 0
    kept_numbers: int = 0
    numbered: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    archive_numbers: list[str] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)


def batch_id(file_sha256: str) -> str:
    """The history line's key: the same file (by content) is taken once."""
    return f"{KIND}:{file_sha256}"


def already(db: Database, file_sha256: str) -> dict[str, Any] | None:
    """The history line of this file's earlier 建库导入, if any."""
    return state.applied_batch(db, batch_id(file_sha256))


def taken_archive_numbers(db: Database, numbers: Collection[str]) -> set[str]:
    """Which of ``numbers`` this county's register already holds."""
    county = get_meta(db, "county_code")
    wanted = sorted(set(numbers))
    out: set[str] = set()
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        marks = ",".join("?" * len(chunk))
        out |= {str(a) for (a,) in db.execute(
            f"SELECT archive_no FROM households WHERE sender_code = ? AND archive_no IN ({marks})", [county, *chunk])}
    return out


def _numbers(db: Database, county: str, households: Sequence[tuple[Any, ...]]) -> list[str]:
    """Each household's 档案编号: its own, else the next free one of its 建档 year (never one the list keeps)."""
    i_no, i_day = FIELDS.index("archive_no"), FIELDS.index("created_date")
    kept = {str(h[i_no]) for h in households if h[i_no]}
    serials: dict[str, int] = {}
    for number in kept:   # the list's own numbers in the county's scheme move the year's counter past them
        m = _NUMBER.fullmatch(number)
        if m and m.group(1) == county:
            prefix = m.group(1) + m.group(2)
            serials[prefix] = max(serials.get(prefix, 0), int(m.group(3)))
    out: list[str] = []
    taken: dict[str, set[str]] = {}
    last: dict[str, int] = {}
    for h in households:
        if h[i_no]:
            out.append(str(h[i_no]))
            continue
        prefix = f"{county}{str(h[i_day])[:4]}"
        if prefix not in last:
            last[prefix] = int(scalar(db, "SELECT last_serial FROM archive_serials WHERE prefix = ?", [prefix]) or 0)
            taken[prefix] = {str(a) for (a,) in db.execute(
                f"SELECT archive_no FROM households WHERE {starts_with('archive_no', 'p')}",
                prefix_args("p", prefix))} | kept
        serial = last[prefix]
        while True:
            serial += 1
            if serial > 99999:
                raise StateError(f"{prefix[6:]} 年的档案编号已用完（{prefix}99999）。")
            if f"{prefix}{serial:05d}" not in taken[prefix]:
                break
        last[prefix] = serial
        out.append(f"{prefix}{serial:05d}")
    for prefix, serial in last.items():
        serials[prefix] = max(serials.get(prefix, 0), serial)
    for prefix, serial in serials.items():
        db.execute("INSERT INTO archive_serials (prefix, last_serial) VALUES (?, ?) ON CONFLICT (prefix) "
                   "DO UPDATE SET last_serial = CASE WHEN excluded.last_serial > archive_serials.last_serial "
                   "THEN excluded.last_serial ELSE archive_serials.last_serial END", [prefix, serial])
    return out


def adopt(db: Database, actor: Actor, w: AdoptWrite, *, today: _dt.date | None = None) -> AdoptResult:
    """Write the whole list in one transaction (or nothing). ``today``: the day of the income test run on each
    household (the rules in force then)."""
    actor.require("register.adopt")
    if len(w.households) != len(w.members) or len(w.households) != len(w.records):
        raise ValueError("households, members and records must be given per household")
    county = get_meta(db, "county_code")
    stamp = now_iso()
    i_status, i_no = FIELDS.index("status"), FIELDS.index("archive_no")
    amount = RECORD_FIELDS.index("amount_fen")
    with write(db):
        earlier = already(db, w.file_sha256)
        if earlier is not None:
            raise StateError(f"这个文件已于 {local_time(earlier['exchanged_at'])} 建库导入过，不能再次导入。")
        clash = taken_archive_numbers(db, [str(h[i_no]) for h in w.households if h[i_no]])
        if clash:
            raise StateError(f"档案编号 {'、'.join(sorted(clash)[:5])} 已在本库中，未导入任何数据。")
        numbers = _numbers(db, county, w.households)
        result = AdoptResult(households=len(w.households), kept_numbers=sum(1 for h in w.households if h[i_no]))
        result.numbered = result.households - result.kept_numbers
        result.members = sum(len(m) for m in w.members)
        result.records = sum(len(r) for r in w.records)
        result.amount_fen = sum(int(r[amount]) for rs in w.records for r in rs)
        result.by_status = dict(Counter(str(h[i_status]) for h in w.households))
        entry = state.BatchEntry(
            batch_id=batch_id(w.file_sha256), direction="in", result="imported", kind=KIND,
            counterpart_name="建库导入", rows=dict(w.rows), file_name=w.file_name, file_sha256=w.file_sha256,
            summary={"households": result.households, "family_members": result.members,
                     "assistance_records": result.records, "amount_fen": result.amount_fen,
                     "kept_numbers": result.kept_numbers, "numbered": result.numbered,
                     "by_status": result.by_status})
        households: list[tuple[Any, ...]] = []
        family: dict[str, list[tuple[Any, ...]]] = {}
        payments: list[tuple[Any, ...]] = []
        for number, values, members, records in zip(numbers, w.households, w.members, w.records, strict=True):
            households.append((number, *values[1:], stamp))
            if members:
                family[number] = [(number, *m) for m in members]
            payments += [(f"{number}-J{k:03d}", number, *r) for k, r in enumerate(records, start=1)]
        iw = ImportWrite(entry, county, household_fields=(*FIELDS, "updated_at"), sync=False, record_origin=ORIGIN,
                         new_households=households, members=family, new_records=payments)
        written = apply_import(db, actor, iw, today=today)
        db.conn.executemany(
            "INSERT INTO status_history (household_id, from_status, to_status, note, at, by_user) "
            "VALUES (?, NULL, ?, ?, ?, ?)",
            ((hid, values[i_status], f"建库导入《{PurePath(w.file_name).name}》{where}", stamp, actor.username)
             for hid, values, where in zip(written.new_ids, w.households, w.source_rows or [""] * len(w.households),
                                           strict=True)))
    result.archive_numbers = numbers
    result.household_ids = list(written.new_ids)
    dbm.after_bulk(db)
    return result


__all__ = ["FIELDS", "MEMBER_FIELDS", "RECORD_FIELDS", "AdoptResult", "AdoptWrite", "adopt", "already", "batch_id",
           "taken_archive_numbers"]
