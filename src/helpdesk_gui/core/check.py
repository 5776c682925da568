"""``helpdesk check``: the database engine's own checks plus the project's invariants. Returns the failures."""

from __future__ import annotations

from sqlite_utils import Database

from helpdesk_gui.core.access import verify as audit_verify
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import on_server
from helpdesk_gui.core.ledger import check as ledger_check
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.register.households import ACTIVE_STATUSES, per_capita_disagreements
from helpdesk_gui.core.workflow import check as workflow_check


def _engine_checks(db: Database) -> list[str]:
    """The database engine's own checks. SQLite: its page-level integrity check and the foreign keys (a file
    may have been written by something that did not enforce them). A PostgreSQL server checks its pages
    itself and enforces every foreign key on each write, so there is nothing of the kind to ask it."""
    if on_server(db):
        return []
    failures: list[str] = []
    result = [r[0] for r in db.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        failures += [f"数据库完整性检查失败：{r}" for r in result[:20]]
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        failures.append(f"表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
    return failures


def _duplicate_ids(db: Database) -> list[str]:
    """An ID number in more than one active archive (as head or member): at most 20, with their archives."""
    placeholders = ",".join("?" * len(ACTIVE_STATUSES))
    # at the city, one person in two counties is the 跨县重复 list's business (core.city.duplicates), not a fault
    per_county = "sender_code, " if region.is_city(db) else ""
    people = f"""SELECT h.id_number, h.archive_no, h.sender_code FROM households h
              WHERE h.status IN ({placeholders}) AND h.id_number <> ''
              UNION ALL
              SELECT m.id_number, h.archive_no, h.sender_code FROM members m JOIN households h ON h.id = m.household_id
              WHERE h.status IN ({placeholders}) AND m.id_number <> ''"""
    dupes = db.execute(
        f"SELECT {per_county}id_number FROM ({people}) AS p GROUP BY {per_county}id_number HAVING count(*) > 1 "
        f"ORDER BY {per_county}id_number LIMIT 20", [*ACTIVE_STATUSES, *ACTIVE_STATUSES]).fetchall()
    if not dupes:
        return []
    # the archives of each (joined here: the engines share no string aggregate)
    archives: dict[tuple[str, ...], list[str]] = {tuple(str(v) for v in d): [] for d in dupes}
    idns = sorted({str(d[-1]) for d in dupes})
    for idn, archive_no, sender in db.execute(
            f"SELECT id_number, archive_no, sender_code FROM ({people}) AS p "
            f"WHERE id_number IN ({','.join('?' * len(idns))}) ORDER BY id_number, archive_no",
            [*ACTIVE_STATUSES, *ACTIVE_STATUSES, *idns]):
        key = (str(sender), str(idn)) if per_county else (str(idn),)
        if key in archives:
            archives[key].append(str(archive_no))
    return [f"公民身份号码 {mask_id(key[-1])} 同时在多个有效档案中：{'、'.join(nos)}" for key, nos in archives.items()]


def run(db: Database) -> list[str]:
    """Every failure as a Chinese sentence; an empty list means all is well."""
    failures = _engine_checks(db)
    failures += _duplicate_ids(db)
    failures += per_capita_disagreements(db)
    failures += audit_verify.chain_problems(db)
    failures += audit_verify.household_problems(db)
    failures += ledger_check.run(db)
    failures += mutual_settle.check(db)
    failures += workflow_check.run(db)
    return failures
