"""What the city decides and sends down to one county (EXCHANGE_FORMAT.md, city to county).

核查结果 (``city_verdicts``): 通过, 退回 (with the reason) or 跨县重复 (naming the archive of another county
that stays) on one archive of a county. Until a batch carries it, a verdict can be changed (a new
decision on the same archive replaces it) or withdrawn; once sent it is fixed, and a later decision is
a new row. 下拨资金 (``city_allocations``): money the city allocates to a county for a year from a fund
source; each is sent once, in the 政策参数 sheet, beside the county's 低保 standard for that year (from
the city's own standards table, ``core.admin.policy``). ``pending`` is what the next batch to a county
carries; ``mark_sent`` records the batch that carried it (inside the exporter's transaction).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import now_iso, row, rows, write

PASSED, RETURNED, DUPLICATE = "1", "2", "3"


def _require_city(db: Database) -> str:
    own = region.own_code(db)
    if region.level(own) != region.CITY:
        raise StateError(f"只有市总工会的数据库（代码以 00 结尾，如 {own[:4]}00）才向各县下发核查结果和下拨资金。")
    return own


def _household(db: Database, household_id: int) -> dict[str, Any]:
    h = row(db, "SELECT id, sender_code, archive_no, name, status FROM households WHERE id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    return h


def _people(db: Database, household_id: int) -> set[str]:
    return {str(i) for (i,) in db.execute(
        "SELECT id_number FROM households WHERE id = ? AND id_number <> '' UNION "
        "SELECT id_number FROM members WHERE household_id = ? AND id_number <> ''", [household_id, household_id])}


def record_verdict(db: Database, actor: Actor, household_id: int, result: str, note: str = "", *,
                   keep_household_id: int | None = None) -> int:
    """The city's 核查结果 on one county archive (replacing a decision on it not sent yet). ``result``: a
    verify_result code or label. 退回 needs a reason; 跨县重复 needs the archive of another county that stays
    (it must hold one of the same people), and its 说明 names that archive (the county reads it there)."""
    actor.require("exchange.import")
    own = _require_city(db)
    book = codes.load(db)
    code = result if book.has_code("verify_result", result) else book.code("verify_result", result, field="核查结果")
    note = note.strip()
    h = _household(db, household_id)
    if h["sender_code"] == own:
        raise ValidationError("档案", "这是本单位自己的档案，核查结果只发给各县", h["archive_no"])
    keep_no = keep_county = ""
    if code == RETURNED and not note:
        raise ValidationError("说明", "退回须写明原因（县里据此修改后重新上报）")
    if code == DUPLICATE:
        if keep_household_id is None:
            raise ValidationError("保留的档案", "跨县重复须指明保留哪个县的档案")
        keep = _household(db, keep_household_id)
        if keep["sender_code"] == h["sender_code"]:
            raise ValidationError("保留的档案", "应是另一个县的档案", keep["archive_no"])
        if not _people(db, household_id) & _people(db, keep_household_id):
            raise ValidationError("保留的档案", f"与档案 {h['archive_no']} 没有相同的人员", keep["archive_no"])
        keep_no, keep_county = str(keep["archive_no"]), str(keep["sender_code"])
        told = f"与{region.name_of(db, keep_county)}（{keep_county}）档案 {keep_no} 重复，保留 {keep_no}"
        note = told + (f"；{note}" if note else "")
    stamp = now_iso()
    with write(db):
        old = row(db, "SELECT * FROM city_verdicts WHERE household_id = ? AND sent_batch IS NULL", [household_id])
        values = {"result": code, "note": note, "keep_archive_no": keep_no, "keep_county_code": keep_county,
                  "decided_at": stamp, "decided_by": actor.username}
        if old is not None:
            db.execute("UPDATE city_verdicts SET result = :result, note = :note, keep_archive_no = :keep_archive_no, "
                       "keep_county_code = :keep_county_code, decided_at = :decided_at, decided_by = :decided_by "
                       "WHERE id = :id", {**values, "id": old["id"]})
            verdict_id = int(old["id"])
        else:
            cur = db.execute(
                "INSERT INTO city_verdicts (household_id, county_code, archive_no, result, note, keep_archive_no, "
                "keep_county_code, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [household_id, h["sender_code"], h["archive_no"], code, note, keep_no, keep_county, stamp,
                 actor.username])
            verdict_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "city_verdict", "city_verdict", f"{h['sender_code']}/{h['archive_no']}",
                     {k: old[k] for k in ("result", "note", "keep_archive_no")} if old else None,
                     {"county_code": h["sender_code"], "archive_no": h["archive_no"], "result": code, "note": note,
                      "keep_archive_no": keep_no})
    return verdict_id


def withdraw_verdict(db: Database, actor: Actor, verdict_id: int) -> None:
    """Take back a verdict not sent yet."""
    actor.require("exchange.import")
    with write(db):
        v = row(db, "SELECT * FROM city_verdicts WHERE id = ?", [verdict_id])
        if v is None:
            raise NotFoundError("核查结果", verdict_id)
        if v["sent_batch"]:
            raise StateError(f"档案 {v['archive_no']} 的核查结果已于 {v['sent_at'][:10]} 发给县里，不能撤销；"
                             "可以另下一个核查结果。")
        db.execute("DELETE FROM city_verdicts WHERE id = ?", [verdict_id])
        audit.record(db, actor.username, "withdraw_verdict", "city_verdict", f"{v['county_code']}/{v['archive_no']}",
                     {"result": v["result"], "note": v["note"]}, None)


def verdicts(db: Database, *, county: str | None = None, result: str | None = None) -> list[dict[str, Any]]:
    """The city's verdicts (newest first) with the archive's head and status now."""
    where, args = ["1 = 1"], []
    if county:
        where.append("v.county_code = ?")
        args.append(county)
    if result:
        where.append("v.result = ?")
        args.append(result)
    return rows(db, "SELECT v.*, h.name AS household_name, h.status AS household_status FROM city_verdicts v "
                    f"LEFT JOIN households h ON h.id = v.household_id WHERE {' AND '.join(where)} ORDER BY v.id DESC",
                args)


def returned(db: Database, county: str | None = None) -> list[dict[str, Any]]:
    """The archives the city returned (退回) to their county."""
    return verdicts(db, county=county, result=RETURNED)


# ------------------------------------------------------------------------------------------ allocations

def add_allocation(db: Database, actor: Actor, county: str, year: int, fund_source: str, amount_fen: int,
                   note: str = "") -> int:
    """下拨资金 to a county for a year (sent in its next batch, with its 低保 standard). ``fund_source``: code or
    label. 0 yuan sends the 低保 standard alone."""
    actor.require("policy.edit")
    own = _require_city(db)
    county = county.strip()
    if not region.in_city(own, county):
        raise ValidationError("县区代码", f"不是本市（{own}）的县级代码", county)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError("年度", "应为四位年份", year)
    if amount_fen < 0:
        raise ValidationError("下拨资金", "不能小于 0", amount_fen)
    book = codes.load(db)
    source = fund_source if book.has_code("fund_source", fund_source) else book.code(
        "fund_source", fund_source, field="资金来源")
    standard_for(db, county, int(year))  # refuses now, not when the batch is written, if there is none
    with write(db):
        cur = db.execute("INSERT INTO city_allocations (county_code, year, fund_source, amount_fen, note, created_at, "
                         "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [county, int(year), source, int(amount_fen), note.strip(), now_iso(), actor.username])
        allocation_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "city_allocation", "city_allocation", allocation_id, None,
                     {"county_code": county, "year": int(year), "fund_source": source, "amount_fen": int(amount_fen),
                      "note": note.strip()})
    return allocation_id


def delete_allocation(db: Database, actor: Actor, allocation_id: int) -> None:
    actor.require("policy.edit")
    with write(db):
        a = row(db, "SELECT * FROM city_allocations WHERE id = ?", [allocation_id])
        if a is None:
            raise NotFoundError("下拨资金", allocation_id)
        if a["sent_batch"]:
            raise StateError("这笔下拨资金已发给县里，不能删除。")
        db.execute("DELETE FROM city_allocations WHERE id = ?", [allocation_id])
        audit.record(db, actor.username, "delete", "city_allocation", allocation_id,
                     {k: a[k] for k in ("county_code", "year", "fund_source", "amount_fen")}, None)


def allocations(db: Database, county: str | None = None) -> list[dict[str, Any]]:
    if county:
        return rows(db, "SELECT * FROM city_allocations WHERE county_code = ? ORDER BY id DESC", [county])
    return rows(db, "SELECT * FROM city_allocations ORDER BY id DESC")


def standard_for(db: Database, county: str, year: int) -> int:
    """The county's 低保 standard (fen a month) on 1 January of ``year``, from this city's standards table."""
    found = policy.lookup(db, county, _dt.date(int(year), 1, 1))
    if not found.region_code:
        raise ValidationError("低保标准", f"没有登记 {county} 在 {year} 年适用的低保标准，请先在“系统设置—低保标准”中登记"
                              f"（地区代码可以是该县或本市）")
    return found.dibao_month_fen


# ------------------------------------------------------------------------------------------ the next batch

@dataclass
class Pending:
    """What the next batch to ``county`` carries."""

    county: str
    verdict_ids: list[int] = field(default_factory=list)
    verify_rows: list[tuple[str, str, str]] = field(default_factory=list)       # (档案编号, 结果 code, 说明)
    allocation_ids: list[int] = field(default_factory=list)
    policy_rows: list[tuple[str, int, int, int, str]] = field(default_factory=list)  # (地区, 年度, 低保, 金额, 来源)

    @property
    def empty(self) -> bool:
        return not self.verify_rows and not self.policy_rows


def pending(db: Database, county: str) -> Pending:
    """The verdicts and allocations not sent to ``county`` yet, as the rows of its batch."""
    out = Pending(county)
    for v in rows(db, "SELECT id, archive_no, result, note FROM city_verdicts WHERE county_code = ? "
                      "AND sent_batch IS NULL ORDER BY archive_no, id", [county]):
        out.verdict_ids.append(int(v["id"]))
        out.verify_rows.append((str(v["archive_no"]), str(v["result"]), str(v["note"])))
    for a in rows(db, "SELECT * FROM city_allocations WHERE county_code = ? AND sent_batch IS NULL "
                      "ORDER BY year, id", [county]):
        out.allocation_ids.append(int(a["id"]))
        out.policy_rows.append((county, int(a["year"]), standard_for(db, county, int(a["year"])),
                                int(a["amount_fen"]), str(a["fund_source"])))
    return out


def pending_counts(db: Database) -> dict[str, tuple[int, int]]:
    """County → (verdicts, allocations) waiting for its next batch."""
    out: dict[str, tuple[int, int]] = {}
    for c, n in db.execute("SELECT county_code, count(*) FROM city_verdicts WHERE sent_batch IS NULL GROUP BY 1"):
        out[str(c)] = (int(n), 0)
    for c, n in db.execute("SELECT county_code, count(*) FROM city_allocations WHERE sent_batch IS NULL GROUP BY 1"):
        out[str(c)] = (out.get(str(c), (0, 0))[0], int(n))
    return out


def mark_sent(db: Database, p: Pending, batch_id: str, at: str) -> None:
    """The batch ``batch_id`` carried ``p`` (in the exporter's transaction)."""
    with write(db):
        db.conn.executemany("UPDATE city_verdicts SET sent_batch = ?, sent_at = ? WHERE id = ? AND sent_batch IS NULL",
                            [(batch_id, at, i) for i in p.verdict_ids])
        db.conn.executemany("UPDATE city_allocations SET sent_batch = ?, sent_at = ? "
                            "WHERE id = ? AND sent_batch IS NULL", [(batch_id, at, i) for i in p.allocation_ids])
