"""Bookkeeping of the Excel exchange with the city union (migration ``0003_exchange``).

What was sent and received (批次编号, time, counterpart, direction, rows, result, file), the last
exchange per counterpart (for incremental export and conflict detection), the version of each
received household last applied, conflicts held for the clerk, saved column mappings of
grassroots stations' sheets, flags from the city's 核查结果, received fund allocations (posted as
fund receipts once the ledger exists) and received fund summaries. Also the reads the exporter
and the importer need, so that only ``core`` touches SQL.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.db import now_iso, on_server, row, rows, scalar, write
from helpdesk_gui.core.ledger import reports as ledger_reports

# ------------------------------------------------------------------------------------------ batches

@dataclass(frozen=True)
class BatchEntry:
    """One line of the exchange history, as written to ``exchange_batches``."""

    batch_id: str
    direction: str
    result: str
    counterpart_code: str = ""
    counterpart_name: str = ""
    kind: str = "batch"
    generated_at: str = ""
    mode: str = ""
    since: str | None = None
    rows: dict[str, int] | None = None
    summary: dict[str, Any] | None = None
    file_name: str = ""
    file_sha256: str = ""
    checksum: str = ""
    signed: bool = False


def add_batch(db: Database, actor: Actor, entry: BatchEntry, *, at: str | None = None,
              households: Iterable[int] = ()) -> int:
    """Append one history line (inside the caller's transaction, or its own) with its audit row, which
    seals the ``households`` the batch wrote."""
    at = at or now_iso()
    with write(db):
        cur = db.execute(
            "INSERT INTO exchange_batches (batch_id, direction, kind, counterpart_code, counterpart_name, "
            "generated_at, exchanged_at, mode, since, rows_json, result, summary_json, file_name, file_sha256, "
            "checksum, signed, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [entry.batch_id, entry.direction, entry.kind, entry.counterpart_code, entry.counterpart_name,
             entry.generated_at, at, entry.mode, entry.since, _dump(entry.rows or {}), entry.result,
             _dump(entry.summary or {}), entry.file_name, entry.file_sha256, entry.checksum, int(entry.signed),
             actor.username])
        # a 建库导入 (``core.sync.adopt``) is an action of its own, not a batch from a counterpart
        audit.record(db, actor.username,
                     "adopt_import" if entry.kind == "adopt" else f"exchange_{entry.direction}_{entry.result}",
                     "exchange_batch",
                     entry.batch_id, None, {"counterpart": entry.counterpart_code, "kind": entry.kind,
                                            "rows": entry.rows or {}, "file": entry.file_name,
                                            **{k: v for k, v in (entry.summary or {}).items()
                                               if isinstance(v, (int, str, bool))}}, households=households)
        if entry.counterpart_code and entry.result in ("imported", "sent"):
            column = "sent" if entry.direction == "out" else "received"
            db.execute(
                f"INSERT INTO exchange_counterparts (code, name, last_{column}_at, last_{column}_batch) "
                f"VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                f"name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE exchange_counterparts.name END, "
                f"last_{column}_at = excluded.last_{column}_at, last_{column}_batch = excluded.last_{column}_batch",
                [entry.counterpart_code, entry.counterpart_name, at, entry.batch_id])
    return int(cur.lastrowid or 0)


def applied_batch(db: Database, batch_id: str, direction: str = "in") -> dict[str, Any] | None:
    """The history line of a batch already imported (or sent), if any."""
    return row(db, "SELECT * FROM exchange_batches WHERE batch_id = ? AND direction = ? "
                   "AND result IN ('imported', 'sent') ORDER BY id LIMIT 1", [batch_id, direction])


def history(db: Database, *, limit: int = 500) -> list[dict[str, Any]]:
    out = rows(db, "SELECT * FROM exchange_batches ORDER BY id DESC LIMIT ?", [limit])
    for r in out:
        r["rows"] = json.loads(r.pop("rows_json") or "{}")
        r["summary"] = json.loads(r.pop("summary_json") or "{}")
    return out


def counterpart(db: Database, code: str) -> dict[str, Any] | None:
    return row(db, "SELECT * FROM exchange_counterparts WHERE code = ?", [code])


def counterparts(db: Database) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM exchange_counterparts ORDER BY code")


def last_exchange_at(db: Database, code: str) -> str | None:
    """The later of the last batch sent to and received from ``code`` (our clock)."""
    c = counterpart(db, code)
    if c is None:
        return None
    times = [t for t in (c["last_sent_at"], c["last_received_at"]) if t]
    if not times:
        return None
    return str(max(times, key=lambda t: scalar(db, "SELECT julianday(?)", [t]) or 0))


# ------------------------------------------------------------------------------------------ export reads

#: Household columns read for a batch (employer name and nature joined from ``employers``).
EXPORT_HOUSEHOLD_COLUMNS = (
    "id", "archive_no", "name", "gender", "ethnicity", "id_number", "birth_date", "phone", "employer_name",
    "employer_nature", "work_status", "is_migrant", "model_worker", "health", "address", "family_size",
    "annual_income_fen", "rigid_expense_fen", "per_capita_month_fen", "category", "cause_main",
    "causes_secondary", "status", "created_date", "exit_date", "bank_name", "bank_account", "updated_at")
EXPORT_MEMBER_COLUMNS = ("archive_no", "name", "relation", "id_number", "birth_date", "health", "identity",
                         "school_or_employer", "monthly_income_fen")
EXPORT_RECORD_COLUMNS = ("record_no", "archive_no", "project", "fund_source", "amount_fen", "paid_date", "method",
                         "approver", "remarks")

_CHANGED_SINCE = "julianday(h.updated_at) >= julianday(:since)"  # same second: sent again, harmless


def export_counts(db: Database, sender_code: str, since: str | None) -> dict[str, int]:
    """How many households, members and records a (full or incremental) batch would carry."""
    p = {"sender": sender_code, "since": since}
    where = "h.sender_code = :sender" + (f" AND {_CHANGED_SINCE}" if since else "")
    households = int(scalar(db, f"SELECT count(*) FROM households h WHERE {where}", p))
    members = int(scalar(db, f"SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
                             f"WHERE {where}", p))
    rwhere = "a.sender_code = :sender" + (" AND julianday(a.created_at) >= julianday(:since)" if since else "")
    records = int(scalar(db, f"SELECT count(*) FROM assistance_records a WHERE {rwhere}", p))
    return {"households": households, "members": members, "records": records}


def export_households(db: Database, sender_code: str, since: str | None) -> Iterator[tuple[Any, ...]]:
    """Our households (all, or changed after ``since``) in ``EXPORT_HOUSEHOLD_COLUMNS`` order, by id."""
    where = "h.sender_code = :sender" + (f" AND {_CHANGED_SINCE}" if since else "")
    cols = ", ".join(f"h.{c}" if c not in ("employer_name", "employer_nature") else
                     {"employer_name": "e.name", "employer_nature": "e.nature"}[c] for c in EXPORT_HOUSEHOLD_COLUMNS)
    cur = db.conn.execute(f"SELECT {cols} FROM households h LEFT JOIN employers e ON e.id = h.employer_id "
                          f"WHERE {where} ORDER BY h.id", {"sender": sender_code, "since": since})
    yield from cur


def export_members(db: Database, sender_code: str, since: str | None) -> Iterator[tuple[Any, ...]]:
    where = "h.sender_code = :sender" + (f" AND {_CHANGED_SINCE}" if since else "")
    cur = db.conn.execute(
        "SELECT h.archive_no, m.name, m.relation, m.id_number, m.birth_date, m.health, m.identity, "
        f"m.school_or_employer, m.monthly_income_fen FROM members m JOIN households h ON h.id = m.household_id "
        f"WHERE {where} ORDER BY m.household_id, m.ord, m.id", {"sender": sender_code, "since": since})
    yield from cur


def export_records(db: Database, sender_code: str, since: str | None) -> Iterator[tuple[Any, ...]]:
    where = "a.sender_code = :sender" + (" AND julianday(a.created_at) >= julianday(:since)" if since else "")
    cur = db.conn.execute(
        "SELECT a.record_no, h.archive_no, a.project, a.fund_source, a.amount_fen, a.paid_date, a.method, "
        f"a.approver, a.remarks FROM assistance_records a JOIN households h ON h.id = a.household_id "
        f"WHERE {where} ORDER BY a.id", {"sender": sender_code, "since": since})
    yield from cur


def export_fund_summary(db: Database, date_from: str, date_to: str) -> list[tuple[str, int, int, int, int]]:
    """资金收支: (资金来源, 期初, 收入, 支出, 期末) per source over the period, from the fund ledger."""
    return [(str(r["fund_source"]), int(r["opening_fen"]), int(r["income_fen"]), int(r["expense_fen"]),
             int(r["closing_fen"])) for r in ledger_reports.source_summary(db, date_from, date_to)]


# ------------------------------------------------------------------------------------------ import reads

@dataclass(frozen=True)
class LocalHousehold:
    id: int
    status: str
    updated_at: str
    remote_updated_at: str | None   # the version last received from this sender, if any
    version: int = 0                # the row's version here (re-checked at the commit)


def households_of_sender(db: Database, sender_code: str) -> dict[str, LocalHousehold]:
    """Archive number → what the importer needs to decide new / update / older / conflict."""
    cur = db.conn.execute(
        "SELECT h.archive_no, h.id, h.status, h.updated_at, s.remote_updated_at, h.version FROM households h "
        "LEFT JOIN exchange_sync s ON s.household_id = h.id WHERE h.sender_code = ?", [sender_code])
    return {a: LocalHousehold(i, st, u, r, v) for a, i, st, u, r, v in cur}


def household_ids(db: Database, sender_code: str, archive_nos: Iterable[str]) -> dict[str, int]:
    wanted = set(archive_nos)
    if not wanted:
        return {}
    cur = db.conn.execute("SELECT archive_no, id FROM households WHERE sender_code = ?", [sender_code])
    return {a: int(i) for a, i in cur if a in wanted}


def records_of_sender(db: Database, sender_code: str) -> dict[str, tuple[Any, ...]]:
    """Record number → (id, archive_no, project, fund_source, amount_fen, paid_date, method, approver, remarks)."""
    cur = db.conn.execute(
        "SELECT a.record_no, a.id, h.archive_no, a.project, a.fund_source, a.amount_fen, a.paid_date, a.method, "
        "a.approver, a.remarks FROM assistance_records a JOIN households h ON h.id = a.household_id "
        "WHERE a.sender_code = ?", [sender_code])
    return {r[0]: tuple(r[1:]) for r in cur}


@dataclass(frozen=True)
class PersonHit:
    id_number: str
    household_id: int
    sender_code: str
    archive_no: str
    role: str            # 户主 | 家庭成员


def active_people(db: Database, id_numbers: Collection[str], statuses: Sequence[str]) -> list[PersonHit]:
    """Every active archive in the database that holds one of ``id_numbers`` (as head or member).

    Few numbers against a big register go through a temporary table (one join); many numbers are
    checked against one scan of the register's active people (one pass, no per-number queries).
    """
    if not id_numbers:
        return []
    conn = db.conn
    marks = ",".join("?" * len(statuses))
    heads = (f"SELECT h.id_number, h.id, h.sender_code, h.archive_no, '户主' FROM {{src}} "
             f"WHERE h.status IN ({marks})")
    members = (f"SELECT m.id_number, h.id, h.sender_code, h.archive_no, '家庭成员' FROM {{src}} "
               f"JOIN households h ON h.id = m.household_id WHERE h.status IN ({marks})")
    size = int(scalar(db, "SELECT count(*) FROM households"))
    if len(id_numbers) * 4 < size:
        _id_table(db)
        conn.execute("DELETE FROM _exchange_ids")
        conn.executemany("INSERT INTO _exchange_ids VALUES (?) ON CONFLICT DO NOTHING", ((i,) for i in id_numbers))
        try:
            found = conn.execute(
                heads.format(src="_exchange_ids t JOIN households h ON h.id_number = t.id_number") + " UNION ALL "
                + members.format(src="_exchange_ids t JOIN members m ON m.id_number = t.id_number"),
                [*statuses, *statuses]).fetchall()
        finally:
            conn.execute("DELETE FROM _exchange_ids")
    else:
        cur = conn.execute(heads.format(src="households h") + " AND h.id_number <> '' UNION ALL "
                           + members.format(src="members m") + " AND m.id_number <> ''", [*statuses, *statuses])
        found = [r for r in cur if r[0] in id_numbers]
    return [PersonHit(str(a), int(b), str(c), str(d), str(e)) for a, b, c, d, e in found]


def _id_table(db: Database) -> None:
    """The connection's temporary table of ID numbers to look up (``active_people``). Its DDL differs: SQLite
    keeps a text key best WITHOUT ROWID; PostgreSQL has no such clause and compares our text columns in
    ``COLLATE "C"``, which the key takes too so the join uses the households' and members' indexes."""
    if on_server(db):
        db.execute('CREATE TEMP TABLE IF NOT EXISTS _exchange_ids (id_number text COLLATE "C" PRIMARY KEY)')
    else:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _exchange_ids (id_number TEXT PRIMARY KEY) WITHOUT ROWID")


def employer_ids(db: Database) -> dict[str, tuple[int, str | None]]:
    return {str(n): (int(i), nat) for i, n, nat in db.conn.execute("SELECT id, name, nature FROM employers")}


# ------------------------------------------------------------------------------------------ conflicts

def open_conflicts(db: Database) -> list[dict[str, Any]]:
    out = rows(db, "SELECT * FROM exchange_conflicts WHERE status = 'open' ORDER BY id")
    for r in out:
        r["incoming"] = json.loads(r.pop("incoming_json"))
        r["local"] = json.loads(r.pop("local_json"))
    return out


def get_conflict(db: Database, conflict_id: int) -> dict[str, Any]:
    r = row(db, "SELECT * FROM exchange_conflicts WHERE id = ?", [conflict_id])
    if r is None:
        raise NotFoundError("冲突记录", conflict_id)
    r["incoming"] = json.loads(r.pop("incoming_json"))
    r["local"] = json.loads(r.pop("local_json"))
    return r


def count_open_conflicts(db: Database) -> int:
    return int(scalar(db, "SELECT count(*) FROM exchange_conflicts WHERE status = 'open'"))


def close_conflict(db: Database, actor: Actor, conflict_id: int, status: str, resolution: dict[str, Any],
                   households: Iterable[int] = ()) -> None:
    """Mark a conflict resolved (inside the caller's transaction, which applied the resolution)."""
    actor.require("exchange.import")
    if status not in ("ours", "theirs", "edited"):
        raise ValueError(status)
    with write(db):
        c = row(db, "SELECT id, status, kind, key FROM exchange_conflicts WHERE id = ?", [conflict_id])
        if c is None:
            raise NotFoundError("冲突记录", conflict_id)
        if c["status"] != "open":
            raise StateError(f"冲突 {c['key']} 已处理，不能再次处理。")
        db.execute("UPDATE exchange_conflicts SET status = ?, resolution_json = ?, resolved_at = ?, resolved_by = ? "
                   "WHERE id = ?", [status, _dump(resolution), now_iso(), actor.username, conflict_id])
        audit.record(db, actor.username, "resolve_conflict", "exchange_conflict", c["key"],
                     {"status": "open"}, {"status": status, **resolution}, households=households)


def set_sync(db: Database, household_id: int, counterpart_code: str, remote_updated_at: str, batch_id: str) -> None:
    db.execute("INSERT INTO exchange_sync (household_id, counterpart_code, remote_updated_at, batch_id) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (household_id) DO UPDATE SET counterpart_code = excluded.counterpart_code, "
               "remote_updated_at = excluded.remote_updated_at, batch_id = excluded.batch_id",
               [household_id, counterpart_code, remote_updated_at, batch_id])


# ------------------------------------------------------------------------------------------ mappings

def save_mapping(db: Database, actor: Actor, name: str, mapping: dict[str, Any]) -> None:
    """Save (or replace) a named column mapping of a station's sheet."""
    actor.require("exchange.import")
    name = name.strip()
    if not name:
        raise ValidationError("映射名称", "不能为空")
    if len(name) > 60:
        raise ValidationError("映射名称", "不能超过 60 个字", name)
    now = now_iso()
    with write(db):
        old = row(db, "SELECT mapping_json FROM exchange_mappings WHERE name = ?", [name])
        db.execute("INSERT INTO exchange_mappings (name, mapping_json, created_at, updated_at, by_user) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET mapping_json = excluded.mapping_json, "
                   "updated_at = excluded.updated_at, by_user = excluded.by_user",
                   [name, _dump(mapping), now, now, actor.username])
        audit.record(db, actor.username, "save_mapping", "exchange_mapping", name,
                     json.loads(old["mapping_json"]) if old else None, mapping)


def get_mapping(db: Database, name: str) -> dict[str, Any] | None:
    raw = scalar(db, "SELECT mapping_json FROM exchange_mappings WHERE name = ?", [name.strip()])
    return None if raw is None else dict(json.loads(raw))


def list_mappings(db: Database) -> list[dict[str, Any]]:
    out = rows(db, "SELECT name, mapping_json, updated_at, by_user FROM exchange_mappings ORDER BY name")
    for r in out:
        r["mapping"] = json.loads(r.pop("mapping_json"))
    return out


def delete_mapping(db: Database, actor: Actor, name: str) -> None:
    actor.require("exchange.import")
    with write(db):
        old = get_mapping(db, name)
        if old is None:
            raise NotFoundError("列映射", name)
        db.execute("DELETE FROM exchange_mappings WHERE name = ?", [name])
        audit.record(db, actor.username, "delete_mapping", "exchange_mapping", name, old, None)


# ------------------------------------------------------------------------------------------ flags, allocations

def open_flags(db: Database) -> list[dict[str, Any]]:
    """核查结果 that need the clerk (退回, 跨县重复) and are not handled yet, with the household's name."""
    return rows(db, "SELECT f.*, h.name AS household_name FROM exchange_flags f "
                    "LEFT JOIN households h ON h.id = f.household_id "
                    "WHERE f.handled_at IS NULL AND f.result <> '1' ORDER BY f.id")


def flags_of_household(db: Database, household_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM exchange_flags WHERE household_id = ? ORDER BY id", [household_id])


def handle_flag(db: Database, actor: Actor, flag_id: int, note: str) -> None:
    """The clerk has dealt with a returned or duplicate archive."""
    actor.require("exchange.import")
    with write(db):
        f = row(db, "SELECT * FROM exchange_flags WHERE id = ?", [flag_id])
        if f is None:
            raise NotFoundError("核查结果", flag_id)
        if f["handled_at"]:
            raise StateError(f"档案 {f['archive_no']} 的核查结果已处理。")
        db.execute("UPDATE exchange_flags SET handled_at = ?, handled_by = ?, handled_note = ? WHERE id = ?",
                   [now_iso(), actor.username, note.strip(), flag_id])
        audit.record(db, actor.username, "handle_flag", "household", f["archive_no"], None,
                     {"result": f["result"], "note": note.strip()})


def allocations(db: Database, *, unposted_only: bool = False) -> list[dict[str, Any]]:
    where = "WHERE posted_at IS NULL" if unposted_only else ""
    return rows(db, f"SELECT * FROM exchange_allocations {where} ORDER BY id DESC")


def mark_allocation_posted(db: Database, actor: Actor, allocation_id: int, ref: str) -> None:
    """For the fund ledger: an allocation has been posted as a fund receipt (voucher ``ref``)."""
    with write(db):
        a = row(db, "SELECT * FROM exchange_allocations WHERE id = ?", [allocation_id])
        if a is None:
            raise NotFoundError("下拨资金", allocation_id)
        if a["posted_at"]:
            raise StateError(f"下拨资金（{a['region_code']} {a['year']} 年）已入账（{a['posted_ref']}）。")
        db.execute("UPDATE exchange_allocations SET posted_at = ?, posted_ref = ? WHERE id = ?",
                   [now_iso(), ref, allocation_id])
        audit.record(db, actor.username, "post_allocation", "exchange_allocation", allocation_id, None, {"ref": ref})


def fund_reports(db: Database) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM exchange_fund_reports ORDER BY id DESC")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
