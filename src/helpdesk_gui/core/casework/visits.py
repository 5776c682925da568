"""走访慰问 and 结对帮扶: care visits to households, cadres, and the pairs of cadres and households.

A pair is one cadre and one household; one cadre with several households (one-to-many) and several
cadres with one household (many-to-one) are simply several pairs. A standing pair (no end date) is
due for a visit every ``visit_every_days`` days (setting ``pair_visit_every_days`` when it is made):
the next visit is due that many days after the pair's last visit, or after its start when it has
none. A visit records its date, who went, the money and goods given and notes; a visit by a paired
cadre carries the pair, so each pair has its visit history.

Money and goods given on a visit are recorded here as 慰问金 / 慰问品; a payment from a fund to the
household is a 帮扶记录 (assistance record) of its own, so the statistics never count it twice.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.casework import common as casework
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where, prefix_args, starts_with

#: archive statuses that can be paired (在档, and archives still being built)
PAIRABLE = ("applying", "visiting", "publicity", "pending", "active")


# ---------------------------------------------------------------- cadres

def add_cadre(db: Database, actor: Actor, name: str, unit: str = "", post: str = "", phone: str = "") -> int:
    actor.require("pairs.manage")
    values = {"name": casework.text(name, "干部姓名", max_len=40), "unit": casework.text(unit, "单位", required=False),
              "post": casework.text(post, "职务", required=False), "phone": casework.phone(phone)}
    with write(db):
        if row(db, "SELECT id FROM cadres WHERE name = ? AND unit = ?", [values["name"], values["unit"]]):
            raise ValidationError("帮扶干部", "同一单位已有同名干部", f"{values['unit']} {values['name']}")
        cur = db.execute("INSERT INTO cadres (name, unit, post, phone, created_at) VALUES (?, ?, ?, ?, ?)",
                         [*values.values(), now_iso()])
        cid = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "cadre", cid, None, values)
    return cid


def set_cadre_active(db: Database, actor: Actor, cadre_id: int, active: bool) -> None:
    """停用 a cadre who left (standing pairs must be ended first) or use one again."""
    actor.require("pairs.manage")
    with write(db):
        c = row(db, "SELECT * FROM cadres WHERE id = ?", [cadre_id])
        if c is None:
            raise NotFoundError("帮扶干部", cadre_id)
        if not active and scalar(db, "SELECT count(*) FROM pairs WHERE cadre_id = ? AND end_date IS NULL", [cadre_id]):
            raise StateError(f"帮扶干部 {c['name']} 还有结对的家庭，请先结束结对（或改由其他干部结对）再停用。")
        db.execute("UPDATE cadres SET active = ? WHERE id = ?", [int(active), cadre_id])
        audit.record(db, actor.username, "update", "cadre", cadre_id, {"active": c["active"]}, {"active": int(active)})


def list_cadres(db: Database, *, active_only: bool = False, today: _dt.date | None = None) -> list[dict[str, Any]]:
    """Cadres with how many households they stand paired with, and how many of those are due a visit."""
    today = today or _dt.date.today()
    where = "WHERE c.active = 1" if active_only else ""
    return rows(db, f"""SELECT c.*, count(p.id) AS households,
                          coalesce(sum(CASE WHEN p.next_due <= :today THEN 1 ELSE 0 END), 0) AS due
                        FROM cadres c LEFT JOIN ({_PAIR_DUE}) p ON p.cadre_id = c.id AND p.end_date IS NULL
                        {where} GROUP BY c.id ORDER BY c.active DESC, c.unit, c.name, c.id""", {"today": today.isoformat()})


# ---------------------------------------------------------------- pairs

_LAST_VISIT = "(SELECT max(v.visit_date) FROM care_visits v WHERE v.pair_id = p.id)"
#: every pair with its last visit and next due date (start + interval when never visited)
_PAIR_DUE = (f"SELECT p.*, {_LAST_VISIT} AS last_visit, "
             f"date(coalesce({_LAST_VISIT}, p.start_date), '+' || p.visit_every_days || ' days') AS next_due "
             "FROM pairs p")


def make_pair(db: Database, actor: Actor, cadre_id: int, household_id: int, *, start: _dt.date | str | None = None,
              every_days: int | None = None, note: str = "", today: _dt.date | None = None) -> int:
    """结对: a cadre takes on a household. Refuses a second standing pair of the same two."""
    actor.require("pairs.manage")
    today = today or _dt.date.today()
    start_day = casework.day(start, "结对日期", default=today)
    casework.not_future(start_day, today, "结对日期")
    with write(db):
        every = int(every_days if every_days is not None else settings.get(db, "pair_visit_every_days"))
        if not 1 <= every <= 366:
            raise ValidationError("走访间隔", "应为 1 到 366 天", every)
        c = row(db, "SELECT * FROM cadres WHERE id = ?", [cadre_id])
        if c is None:
            raise NotFoundError("帮扶干部", cadre_id)
        if not c["active"]:
            raise StateError(f"帮扶干部 {c['name']} 已停用，不能结对。")
        h = casework.household(db, household_id)
        assert h is not None
        if h["status"] not in PAIRABLE:
            book = codes.load(db)
            raise StateError(f"档案 {h['archive_no']} 当前为“{book.label('status', h['status'])}”，不能结对帮扶。")
        if row(db, "SELECT id FROM pairs WHERE cadre_id = ? AND household_id = ? AND end_date IS NULL",
               [cadre_id, household_id]):
            raise StateError(f"{c['name']} 与档案 {h['archive_no']}（{h['name']}）已经结对。")
        cur = db.execute("INSERT INTO pairs (cadre_id, household_id, start_date, visit_every_days, note, created_by, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [cadre_id, household_id, start_day.isoformat(), every, note.strip(), actor.username, now_iso()])
        pid = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "pair", pid, None,
                     {"cadre": c["name"], "archive_no": h["archive_no"], "start_date": start_day.isoformat(),
                      "visit_every_days": every})
    return pid


def end_pair(db: Database, actor: Actor, pair_id: int, reason: str, *, on: _dt.date | str | None = None,
             today: _dt.date | None = None) -> None:
    actor.require("pairs.manage")
    today = today or _dt.date.today()
    reason = casework.text(reason, "结束原因")
    with write(db):
        p = row(db, "SELECT * FROM pairs WHERE id = ?", [pair_id])
        if p is None:
            raise NotFoundError("结对", pair_id)
        if p["end_date"] is not None:
            raise StateError(f"该结对已于 {p['end_date']} 结束。")
        d = casework.day(on, "结束日期", default=today)
        casework.not_future(d, today, "结束日期")
        casework.not_before(d, str(p["start_date"]), "结束日期", "结对日期")
        db.execute("UPDATE pairs SET end_date = ?, end_reason = ? WHERE id = ?", [d.isoformat(), reason, pair_id])
        audit.record(db, actor.username, "end", "pair", pair_id, {"end_date": None},
                     {"end_date": d.isoformat(), "end_reason": reason})


@dataclass(frozen=True)
class PairFilter:
    text: str = ""                   # cadre name or unit, household name or archive number
    state: str | None = None         # standing / due / ended
    cadre_id: int | None = None
    household_id: int | None = None


PAIR_LIST_SQL = (f"SELECT p.id, p.cadre_id, c.name AS cadre_name, c.unit AS cadre_unit, p.household_id, "
                 "h.archive_no, h.name AS household_name, h.township, h.status AS household_status, p.start_date, "
                 "p.end_date, p.visit_every_days, p.last_visit, p.next_due, p.note, p.end_reason, "
                 "(SELECT count(*) FROM care_visits v WHERE v.pair_id = p.id) AS visits, "
                 "CASE WHEN p.end_date IS NULL AND p.next_due < :today "
                 "THEN CAST(julianday(:today) - julianday(p.next_due) AS INTEGER) ELSE 0 END AS overdue_days "
                 f"FROM ({_PAIR_DUE}) p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id")


#: the pairs list's 状态 filter
PAIR_STATES = {"standing": "p.end_date IS NULL", "due": "p.end_date IS NULL AND p.next_due <= :soon",
               "ended": "p.end_date IS NOT NULL"}


def list_pairs(db: Database, f: PairFilter = PairFilter(), *, today: _dt.date | None = None,
               limit: int = 5000) -> list[dict[str, Any]]:
    """Pairs with their last visit and next due date; due ones first."""
    today = today or _dt.date.today()
    soon = int(settings.get(db, "visit_due_soon_days"))
    w = Where(today=today.isoformat(), soon=(today + _dt.timedelta(days=soon)).isoformat(), limit=limit)
    q = f.text.strip()
    if q:
        w.add(f"({starts_with('c.name', 'q')} OR instr(c.unit, :q) > 0 OR {starts_with('h.name', 'q')} "
              f"OR {starts_with('h.archive_no', 'q')})", q=q, **prefix_args("q", q))
    if f.state in PAIR_STATES:
        w.add(PAIR_STATES[f.state])
    w.equal("p.cadre_id", f.cadre_id, "cadre_id")
    w.equal("p.household_id", f.household_id, "household_id")
    return rows(db, f"{PAIR_LIST_SQL}{w.sql} ORDER BY p.end_date IS NOT NULL, p.next_due, p.id LIMIT :limit", w.named)


def pair_history(db: Database, pair_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM care_visits WHERE pair_id = ? ORDER BY visit_date DESC, id DESC", [pair_id])


def due_pairs_count(db: Database, today: _dt.date | None = None) -> int:
    today = today or _dt.date.today()
    return int(scalar(db, f"SELECT count(*) FROM ({_PAIR_DUE}) p WHERE p.end_date IS NULL AND p.next_due <= ?",
                      [today.isoformat()]))


# ---------------------------------------------------------------- visits

@dataclass
class VisitDraft:
    household_id: int
    visit_date: _dt.date | str | None
    kind: str
    visitors: str
    money_fen: int = 0
    goods: str = ""
    goods_fen: int = 0
    notes: str = ""
    pair_id: int | None = None


def record_visit(db: Database, actor: Actor, draft: VisitDraft, *, today: _dt.date | None = None) -> int:
    """走访慰问: one visit to a household. A pair's visit must be to that pair's household."""
    actor.require("pairs.manage")
    today = today or _dt.date.today()
    book = codes.load(db)
    kind = casework.code(book, "visit_kind", draft.kind, "走访类别")
    d = casework.day(draft.visit_date, "走访日期", default=today)
    casework.not_future(d, today, "走访日期")
    values: dict[str, Any] = {
        "household_id": draft.household_id, "pair_id": draft.pair_id, "visit_date": d.isoformat(), "kind": kind,
        "visitors": casework.text(draft.visitors, "走访人员", max_len=200),
        "money_fen": casework.money(draft.money_fen, "慰问金"), "goods": casework.text(draft.goods, "慰问品",
                                                                                       required=False, max_len=200),
        "goods_fen": casework.money(draft.goods_fen, "慰问品折价"),
        "notes": casework.text(draft.notes, "走访情况", required=False),
    }
    if values["goods_fen"] and not values["goods"]:
        raise ValidationError("慰问品", "填写了折价金额，请写明慰问品")
    with write(db):
        h = casework.household(db, draft.household_id)
        assert h is not None
        if draft.pair_id is not None:
            p = row(db, "SELECT * FROM pairs WHERE id = ?", [draft.pair_id])
            if p is None:
                raise NotFoundError("结对", draft.pair_id)
            if p["household_id"] != draft.household_id:
                raise ValidationError("结对", "该结对不是这一户的结对")
            casework.not_before(d, str(p["start_date"]), "走访日期", "结对日期")
            if p["end_date"] is not None and d.isoformat() > str(p["end_date"]):
                raise ValidationError("走访日期", f"该结对已于 {p['end_date']} 结束", d.isoformat())
        values["recorded_by"] = actor.username
        values["recorded_at"] = now_iso()
        cur = db.execute(f"INSERT INTO care_visits ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        vid = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "care_visit", vid, None, {**values, "archive_no": h["archive_no"]})
    return vid


@dataclass(frozen=True)
class VisitFilter:
    text: str = ""
    kind: str | None = None
    date_from: str = ""
    date_to: str = ""
    household_id: int | None = None


def list_visits(db: Database, f: VisitFilter = VisitFilter(), *, limit: int = 5000) -> list[dict[str, Any]]:
    w = Where(limit=limit)
    q = f.text.strip()
    if q:
        w.add(f"({starts_with('h.name', 'q')} OR {starts_with('h.archive_no', 'q')} OR instr(v.visitors, :q) > 0)",
              q=q, **prefix_args("q", q))
    w.equal("v.kind", f.kind, "kind")
    w.at_least("v.visit_date", f.date_from, "date_from")
    w.at_most("v.visit_date", f.date_to, "date_to")
    w.equal("v.household_id", f.household_id, "household_id")
    return rows(db, "SELECT v.*, h.archive_no, h.name AS household_name, h.township, c.name AS cadre_name "
                    "FROM care_visits v JOIN households h ON h.id = v.household_id "
                    "LEFT JOIN pairs p ON p.id = v.pair_id LEFT JOIN cadres c ON c.id = p.cadre_id"
                    f"{w.sql} ORDER BY v.visit_date DESC, v.id DESC LIMIT :limit", w.named)


def standing_pairs_of(db: Database, household_id: int) -> list[dict[str, Any]]:
    """The household's standing pairs (to choose which one a visit belongs to)."""
    return rows(db, "SELECT p.id, c.name AS cadre_name, c.unit AS cadre_unit FROM pairs p "
                    "JOIN cadres c ON c.id = p.cadre_id WHERE p.household_id = ? AND p.end_date IS NULL "
                    "ORDER BY p.id", [household_id])

