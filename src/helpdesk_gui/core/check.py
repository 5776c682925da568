"""``helpdesk check``: SQLite's own checks plus the project's invariants. Returns the failures."""

from __future__ import annotations

from sqlite_utils import Database

from helpdesk_gui.core.access import verify as audit_verify
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.city import region
from helpdesk_gui.core.ledger import check as ledger_check
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.register.households import ACTIVE_STATUSES, per_capita_disagreements
from helpdesk_gui.core.workflow import check as workflow_check


def run(db: Database) -> list[str]:
    """Every failure as a Chinese sentence; an empty list means all is well."""
    failures: list[str] = []
    result = [r[0] for r in db.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        failures += [f"数据库完整性检查失败：{r}" for r in result[:20]]
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        failures.append(f"表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
    placeholders = ",".join("?" * len(ACTIVE_STATUSES))
    # at the city, one person in two counties is the 跨县重复 list's business (core.city.duplicates), not a fault
    per_county = "sender_code, " if region.is_city(db) else ""
    dupes = db.execute(
        f"""SELECT id_number, group_concat(archive_no, '、'), count(*) FROM (
              SELECT h.id_number, h.archive_no, h.sender_code FROM households h
              WHERE h.status IN ({placeholders}) AND h.id_number <> ''
              UNION ALL
              SELECT m.id_number, h.archive_no, h.sender_code FROM members m JOIN households h ON h.id = m.household_id
              WHERE h.status IN ({placeholders}) AND m.id_number <> ''
            ) GROUP BY {per_county}id_number HAVING count(*) > 1 LIMIT 20""",
        [*ACTIVE_STATUSES, *ACTIVE_STATUSES]).fetchall()
    for idn, archives, _n in dupes:
        failures.append(f"公民身份号码 {mask_id(idn)} 同时在多个有效档案中：{archives}")
    failures += per_capita_disagreements(db)
    failures += audit_verify.chain_problems(db)
    failures += audit_verify.household_problems(db)
    failures += ledger_check.run(db)
    failures += mutual_settle.check(db)
    failures += workflow_check.run(db)
    return failures
