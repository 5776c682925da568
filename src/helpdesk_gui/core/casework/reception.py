"""The reception log (接待登记): every visit, letter, phone call or online letter, with its first-responsible
person (首问负责制) and a deadline by kind (限期办理).

The deadline of an entry received on day D is D plus the days of its kind (setting
``reception_deadlines``: 求助, 咨询, 维权, 投诉, 其他, each in working days, over the holiday calendar of
``core.workdays``, or in calendar days; 0 means the same day). It is fixed when the entry is logged,
so later changes to the settings do not move it. An open entry whose deadline has passed is overdue
(逾期) and stands out on the list and on the home page. Closing needs a result; handling notes are
append-only. An entry can be linked to an archive and can start an application for it
(``core.workflow.file_application``) in the same transaction.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings, workdays
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.base.privacy import mask_id, mask_phone
from helpdesk_gui.core.casework import common as casework
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where, prefix_args, starts_with
from helpdesk_gui.core.workflow import steps as workflow

KINDS = ("help", "consult", "rights", "complaint", "other")
#: roles that supervise the reception log: they may close or reassign anybody's entry
SUPERVISORS = frozenset({"reviewer", "approver", "admin"})


# ---------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class DeadlineRule:
    days: int
    working: bool

    def describe(self) -> str:
        if self.days == 0:
            return "当日办结"
        return f"{self.days} 个工作日" if self.working else f"{self.days} 天（自然日）"


def deadline_rules(db: Database) -> dict[str, DeadlineRule]:
    table: Mapping[str, Any] = settings.get(db, "reception_deadlines") or {}
    default = settings.DEFAULTS[[s.key for s in settings.DEFAULTS].index("reception_deadlines")].default
    out: dict[str, DeadlineRule] = {}
    for kind in KINDS:
        item = table.get(kind) or default[kind]
        out[kind] = DeadlineRule(int(item["days"]), bool(item["working"]))
    return out


def deadline_on(calendar: workdays.Calendar, rule: DeadlineRule, received: _dt.date) -> _dt.date:
    """The last day to finish an entry received on ``received`` (the day of receipt does not count)."""
    if rule.days == 0:
        return received
    return calendar.period_end(received + _dt.timedelta(days=1), rule.days, working=rule.working)


def deadline_for(db: Database, kind: str, received: _dt.date) -> tuple[_dt.date, DeadlineRule]:
    rule = deadline_rules(db)[kind]
    return deadline_on(workdays.load(db), rule, received), rule


def overdue_days(deadline: str | _dt.date, today: _dt.date, *, status: str = "open") -> int:
    """Calendar days past the deadline of an open entry (0 when not overdue)."""
    if status != "open":
        return 0
    end = deadline if isinstance(deadline, _dt.date) else _dt.date.fromisoformat(deadline)
    return max((today - end).days, 0)


def set_deadline_rules(db: Database, actor: Actor, rules: Mapping[str, DeadlineRule]) -> None:
    """An admin changes the deadlines by kind (entries already logged keep theirs)."""
    actor.require("settings.edit")
    table: dict[str, dict[str, Any]] = {}
    book = codes.load(db)
    for kind in KINDS:
        rule = rules.get(kind)
        if rule is None:
            raise ValidationError("限期办理", f"缺少“{book.label('reception_kind', kind)}”的期限")
        if not 0 <= rule.days <= 365:
            raise ValidationError(f"{book.label('reception_kind', kind)}的办理期限", "应为 0 到 365 天", rule.days)
        table[kind] = {"days": rule.days, "working": rule.working}
    with write(db):
        before = settings.get(db, "reception_deadlines")
        settings.put(db, "reception_deadlines", table)
        audit.record(db, actor.username, "put", "setting", "reception_deadlines", before, table)


# ---------------------------------------------------------------- writing

@dataclass
class EntryDraft:
    channel: str
    kind: str
    visitor_name: str
    matter: str
    received_date: _dt.date | str | None = None
    received_time: str = ""
    visitor_id_number: str = ""
    visitor_phone: str = ""
    visitor_unit: str = ""
    visitors: int = 1
    household_id: int | None = None
    responsible: str = ""            # username; the one logging it by default (首问负责)


def _responsible(db: Database, username: str) -> str:
    r = row(db, "SELECT username, roles, active FROM users WHERE username = ?", [username])
    if r is None or not r["active"]:
        raise ValidationError("首问负责人", "不是有效的用户", username)
    roles = set(str(r["roles"]).split(","))
    if not roles & {"clerk", "reviewer", "approver", "admin"}:
        raise ValidationError("首问负责人", "该用户的角色不能办理接待事项", username)
    return str(r["username"])


def _note(db: Database, actor: Actor, entry_id: int, on: _dt.date, action: str, note: str) -> None:
    db.execute("INSERT INTO reception_notes (entry_id, on_date, action, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?)",
               [entry_id, on.isoformat(), action, note, actor.username, now_iso()])


def log_entry(db: Database, actor: Actor, draft: EntryDraft, *, today: _dt.date | None = None) -> int:
    """登记: a new entry with its deadline. Returns its id."""
    actor.require("reception.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    channel = casework.code(book, "reception_channel", draft.channel, "接待方式")
    kind = casework.code(book, "reception_kind", draft.kind, "事项类别")
    received = casework.day(draft.received_date, "接待日期", default=today)
    casework.not_future(received, today, "接待日期")
    values: dict[str, Any] = {
        "channel": channel, "kind": kind, "received_date": received.isoformat(),
        "received_time": casework.clock(draft.received_time),
        "visitor_name": casework.text(draft.visitor_name, "来访（来信、来电）人", max_len=60),
        "visitor_id_number": casework.id_number(draft.visitor_id_number, today=today),
        "visitor_phone": casework.phone(draft.visitor_phone),
        "visitor_unit": casework.text(draft.visitor_unit, "工作单位", required=False, max_len=100),
        "visitors": int(draft.visitors or 1),
        "matter": casework.text(draft.matter, "反映事项"),
    }
    if values["visitors"] < 1:
        raise ValidationError("人数", "至少为 1", draft.visitors)
    with write(db):
        values["responsible"] = _responsible(db, draft.responsible or actor.username)
        h = casework.household(db, draft.household_id)
        values["household_id"] = h["id"] if h else None
        deadline, rule = deadline_for(db, kind, received)
        at = now_iso()
        values.update({"entry_no": casework.next_number(db, "JD", received.year), "deadline": deadline.isoformat(),
                       "deadline_rule": rule.describe(), "created_by": actor.username, "created_at": at,
                       "updated_at": at})
        cur = db.execute(f"INSERT INTO reception_entries ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        entry_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "reception", values["entry_no"], None, values)
    return entry_id


def load(db: Database, entry_id: int) -> dict[str, Any]:
    e = row(db, "SELECT * FROM reception_entries WHERE id = ?", [entry_id])
    if e is None:
        raise NotFoundError("接待登记", entry_id)
    return e


def _require_open(e: Mapping[str, Any], doing: str) -> None:
    if e["status"] != "open":
        raise StateError(f"接待登记 {e['entry_no']} 已办结，不能{doing}。")


def _business_day(e: Mapping[str, Any], on: _dt.date | str | None, today: _dt.date, field: str) -> _dt.date:
    d = casework.day(on, field, default=today)
    casework.not_future(d, today, field)
    casework.not_before(d, str(e["received_date"]), field, "接待日期")
    return d


def add_note(db: Database, actor: Actor, entry_id: int, note: str, *, on: _dt.date | str | None = None,
             today: _dt.date | None = None) -> None:
    """办理情况: what was done today (append-only)."""
    actor.require("reception.edit")
    today = today or _dt.date.today()
    note = casework.text(note, "办理情况")
    with write(db):
        e = load(db, entry_id)
        _require_open(e, "再记录办理情况")
        d = _business_day(e, on, today, "办理日期")
        _note(db, actor, entry_id, d, "note", note)
        db.execute("UPDATE reception_entries SET updated_at = ? WHERE id = ?", [now_iso(), entry_id])
        audit.record(db, actor.username, "note", "reception", e["entry_no"], None, {"on": d.isoformat(), "note": note})


def _may_supervise(actor: Actor, e: Mapping[str, Any], doing: str) -> None:
    if actor.username != e["responsible"] and not (actor.roles & SUPERVISORS):
        raise PermissionDenied(f"{doing}接待登记 {e['entry_no']}（首问负责人为 {e['responsible']}，"
                               "只有负责人本人或审核人、审批人、管理员可以操作）")


def close_entry(db: Database, actor: Actor, entry_id: int, result: str, *, on: _dt.date | str | None = None,
                today: _dt.date | None = None) -> None:
    """办结: closing needs a result; the closing date may not be before the entry was received."""
    actor.require("reception.edit")
    today = today or _dt.date.today()
    result = casework.text(result, "办理结果")
    with write(db):
        e = load(db, entry_id)
        _require_open(e, "再次办结")
        _may_supervise(actor, e, "办结")
        d = _business_day(e, on, today, "办结日期")
        db.execute("UPDATE reception_entries SET status = 'closed', result = ?, closed_date = ?, closed_by = ?, "
                   "updated_at = ? WHERE id = ?", [result, d.isoformat(), actor.username, now_iso(), entry_id])
        _note(db, actor, entry_id, d, "close", result)
        late = overdue_days(str(e["deadline"]), d)
        audit.record(db, actor.username, "close", "reception", e["entry_no"], {"status": "open"},
                     {"status": "closed", "result": result, "closed_date": d.isoformat(), "days_late": late})


def reassign(db: Database, actor: Actor, entry_id: int, username: str, reason: str, *,
             today: _dt.date | None = None) -> None:
    """Hand an open entry to another responsible person (e.g. the first one left); the reason is kept."""
    actor.require("reception.edit")
    today = today or _dt.date.today()
    reason = casework.text(reason, "转交原因")
    with write(db):
        e = load(db, entry_id)
        _require_open(e, "转交")
        _may_supervise(actor, e, "转交")
        new = _responsible(db, username)
        if new == e["responsible"]:
            raise ValidationError("首问负责人", "与原负责人相同", username)
        db.execute("UPDATE reception_entries SET responsible = ?, updated_at = ? WHERE id = ?",
                   [new, now_iso(), entry_id])
        _note(db, actor, entry_id, today, "reassign", f"负责人由 {e['responsible']} 转交 {new}：{reason}")
        audit.record(db, actor.username, "reassign", "reception", e["entry_no"], {"responsible": e["responsible"]},
                     {"responsible": new, "reason": reason})


def link_household(db: Database, actor: Actor, entry_id: int, household_id: int, *,
                   today: _dt.date | None = None) -> None:
    actor.require("reception.edit")
    today = today or _dt.date.today()
    with write(db):
        e = load(db, entry_id)
        h = casework.household(db, household_id)
        assert h is not None
        if e["household_id"] == h["id"]:
            return
        db.execute("UPDATE reception_entries SET household_id = ?, updated_at = ? WHERE id = ?",
                   [h["id"], now_iso(), entry_id])
        _note(db, actor, entry_id, max(today, _dt.date.fromisoformat(str(e["received_date"]))), "link",
              f"关联档案 {h['archive_no']}（{h['name']}）")
        audit.record(db, actor.username, "link", "reception", e["entry_no"], {"household_id": e["household_id"]},
                     {"household_id": h["id"], "archive_no": h["archive_no"]})


def start_application(db: Database, actor: Actor, entry_id: int, kind: str, *, project: str | None = None,
                      requested_fen: int | None = None, cost_fen: int | None = None, beneficiary: str = "",
                      reason: str = "", details: dict[str, Any] | None = None,
                      today: _dt.date | None = None) -> int:
    """发起申请: file an application for the entry's archive (``workflow.file_application``) and record it
    on the entry, in one transaction. Returns the application id."""
    actor.require("reception.edit")
    today = today or _dt.date.today()
    with write(db):
        e = load(db, entry_id)
        if e["household_id"] is None:
            raise StateError(f"接待登记 {e['entry_no']} 还没有关联档案：请先关联（或新建）档案，再发起申请。")
        if e["application_id"] is not None:
            app_no = scalar(db, "SELECT app_no FROM applications WHERE id = ?", [e["application_id"]])
            raise StateError(f"接待登记 {e['entry_no']} 已发起申请 {app_no}。")
        received = _dt.date.fromisoformat(str(e["received_date"]))
        app_id = workflow.file_application(
            db, actor, int(e["household_id"]), kind, project=project, requested_fen=requested_fen,
            cost_fen=cost_fen, beneficiary=beneficiary, reason=reason or str(e["matter"]), details=details,
            received=min(received, today), today=today)
        app_no = scalar(db, "SELECT app_no FROM applications WHERE id = ?", [app_id])
        db.execute("UPDATE reception_entries SET application_id = ?, updated_at = ? WHERE id = ?",
                   [app_id, now_iso(), entry_id])
        _note(db, actor, entry_id, today, "application", f"已受理申请 {app_no}")
        audit.record(db, actor.username, "application", "reception", e["entry_no"], None,
                     {"application": app_no, "kind": kind, "project": project})
    return app_id


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class EntryFilter:
    text: str = ""
    channel: str | None = None
    kind: str | None = None
    state: str | None = None          # open / overdue / closed / late (closed after the deadline)
    responsible: str | None = None
    date_from: str = ""               # received, inclusive (YYYY-MM-DD)
    date_to: str = ""
    household_id: int | None = None


SORT_KEYS = {"entry_no": "r.entry_no", "received_date": "r.received_date", "channel": "r.channel",
             "kind": "r.kind", "visitor_name": "r.visitor_name", "deadline": "r.deadline",
             "status": "r.status", "responsible": "r.responsible", "overdue": "overdue_days"}

LIST_SQL = ("SELECT r.id, r.entry_no, r.channel, r.kind, r.received_date, r.received_time, r.visitor_name, "
            "r.visitor_phone, r.visitor_unit, r.visitors, r.matter, r.responsible, "
            "coalesce(u.display_name, r.responsible) AS responsible_name, r.deadline, r.deadline_rule, r.status, "
            "r.result, r.closed_date, r.household_id, h.archive_no, r.application_id, "
            "CASE WHEN r.status = 'open' AND r.deadline < :today "
            "THEN CAST(julianday(:today) - julianday(r.deadline) AS INTEGER) ELSE 0 END AS overdue_days "
            "FROM reception_entries r LEFT JOIN users u ON u.username = r.responsible "
            "LEFT JOIN households h ON h.id = r.household_id")


#: the 状态 filter's conditions
STATES = {"open": "r.status = 'open'", "overdue": "r.status = 'open' AND r.deadline < :today",
          "closed": "r.status = 'closed'", "late": "r.status = 'closed' AND r.closed_date > r.deadline"}


def _where(f: EntryFilter, today: _dt.date) -> tuple[str, dict[str, Any]]:
    w = Where(today=today.isoformat())
    q = f.text.strip()
    if q:
        w.add(f"({starts_with('r.entry_no', 'q')} OR {starts_with('r.visitor_name', 'q')} "
              f"OR {starts_with('r.visitor_phone', 'q')} OR instr(r.matter, :q) > 0 OR instr(r.visitor_unit, :q) > 0)",
              q=q, **prefix_args("q", q))
    for col, value in (("channel", f.channel), ("kind", f.kind), ("responsible", f.responsible)):
        w.equal(f"r.{col}", value, col)
    if f.state in STATES:
        w.add(STATES[f.state])
    w.at_least("r.received_date", f.date_from, "date_from")
    w.at_most("r.received_date", f.date_to, "date_to")
    w.equal("r.household_id", f.household_id, "household_id")
    return w.sql, w.named


def entry_ids(db: Database, f: EntryFilter = EntryFilter(), *, today: _dt.date | None = None,
              order_by: str = "received_date", descending: bool = True) -> list[int]:
    """Every matching entry id in order (the window's lazy list holds these)."""
    today = today or _dt.date.today()
    where, p = _where(f, today)
    direction = "DESC" if descending else "ASC"
    expr = SORT_KEYS.get(order_by, "r.received_date")
    if expr == "overdue_days":
        expr = "CASE WHEN r.status = 'open' AND r.deadline < :today THEN r.deadline ELSE '9999' END"
        direction = "ASC" if descending else "DESC"
    sql = f"SELECT r.id FROM reception_entries r{where} ORDER BY {expr} {direction}, r.id {direction}"
    return [int(r[0]) for r in db.execute(sql, p)]


def rows_by_ids(db: Database, ids: Sequence[int], *, today: _dt.date | None = None) -> dict[int, dict[str, Any]]:
    today = today or _dt.date.today()
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        chunk = [int(i) for i in ids[start:start + 900]]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        params: dict[str, Any] = {"today": today.isoformat(), **{f"i{n}": v for n, v in enumerate(chunk)}}
        for r in rows(db, f"{LIST_SQL} WHERE r.id IN ({marks})", params):
            out[int(r["id"])] = r
    return out


def list_entries(db: Database, f: EntryFilter = EntryFilter(), *, today: _dt.date | None = None,
                 limit: int = 200) -> list[dict[str, Any]]:
    today = today or _dt.date.today()
    ids = entry_ids(db, f, today=today)[:limit]
    found = rows_by_ids(db, ids, today=today)
    return [found[i] for i in ids if i in found]


def count(db: Database, f: EntryFilter = EntryFilter(), *, today: _dt.date | None = None) -> int:
    where, p = _where(f, today or _dt.date.today())
    return int(scalar(db, f"SELECT count(*) FROM reception_entries r{where}", p))


def get_entry(db: Database, entry_id: int, *, today: _dt.date | None = None) -> dict[str, Any]:
    """One entry with its notes, archive and application (for the handling dialog)."""
    today = today or _dt.date.today()
    found = rows_by_ids(db, [entry_id], today=today)
    if entry_id not in found:
        raise NotFoundError("接待登记", entry_id)
    e = dict(load(db, entry_id))
    e.update(found[entry_id])
    e["notes"] = rows(db, "SELECT n.on_date, n.action, n.note, n.by_user, coalesce(u.display_name, n.by_user) AS by_name, "
                          "n.at FROM reception_notes n LEFT JOIN users u ON u.username = n.by_user "
                          "WHERE n.entry_id = ? ORDER BY n.id", [entry_id])
    e["household_name"] = scalar(db, "SELECT name FROM households WHERE id = ?", [e["household_id"]]) \
        if e["household_id"] else None
    e["app_no"] = scalar(db, "SELECT app_no FROM applications WHERE id = ?", [e["application_id"]]) \
        if e["application_id"] else None
    e["cases"] = rows(db, "SELECT id, case_no, kind, status FROM service_cases WHERE reception_id = ? ORDER BY id",
                      [entry_id])
    return e


def responsible_users(db: Database) -> list[dict[str, Any]]:
    """Active users who may be first-responsible (username, display name)."""
    out = []
    for r in rows(db, "SELECT username, display_name, roles FROM users WHERE active = 1 ORDER BY id"):
        if set(str(r["roles"]).split(",")) & {"clerk", "reviewer", "approver", "admin"}:
            out.append({"username": r["username"], "display_name": r["display_name"]})
    return out


def overdue_count(db: Database, today: _dt.date | None = None) -> int:
    today = today or _dt.date.today()
    return int(scalar(db, "SELECT count(*) FROM reception_entries WHERE status = 'open' AND deadline < ?",
                      [today.isoformat()]))


def sheet_rows(db: Database, date_from: str, date_to: str, *, reveal: bool = False) -> list[dict[str, Any]]:
    """The printed 接待登记表: one row per entry received in the period (labels, not codes; ID numbers and
    phones masked unless ``reveal``). Keys match ``printing.sources.RECEPTION_ROW_KEYS``."""
    book = codes.load(db)
    out: list[dict[str, Any]] = []
    for r in rows(db, "SELECT r.*, coalesce(u.display_name, r.responsible) AS responsible_name "
                      "FROM reception_entries r LEFT JOIN users u ON u.username = r.responsible "
                      "WHERE r.received_date BETWEEN ? AND ? ORDER BY r.received_date, r.id", [date_from, date_to]):
        out.append({
            "date": r["received_date"], "time": r["received_time"],
            "kind": f"{book.label('reception_channel', r['channel'])}·{book.label('reception_kind', r['kind'])}",
            "name": r["visitor_name"] + (f"等 {r['visitors']} 人" if r["visitors"] > 1 else ""),
            "id_number": r["visitor_id_number"] if reveal else mask_id(r["visitor_id_number"]),
            "phone": r["visitor_phone"] if reveal else mask_phone(r["visitor_phone"]),
            "unit": r["visitor_unit"], "matter": r["matter"], "responsible": r["responsible_name"],
            "deadline": r["deadline"], "result": r["result"], "closed_date": r["closed_date"] or "",
        })
    return out
