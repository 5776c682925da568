"""The services the city counts, one register of cases (服务事项):

- ``legal``    维权/法律援助: a rights or legal-aid case (案由, the other side; amount recovered if any)
- ``wages``    追回欠薪: a wage-arrears case (workers covered, amount owed; the amount recovered at closing)
- ``job``      就业介绍: a referral to an employer (岗位); outcome 办成 = 实现就业
- ``training`` 技能培训: a place on a course (培训项目, 培训机构); 办成 = 培训结业
- ``dibao``    应保未保: a household that should have 低保 but has not, pushed to civil affairs; 办成 = 纳入低保

A case is opened (from a reception entry or on its own, for an archive or any person) and closed
with an outcome (code list ``service_outcome``), a written result and, for money cases, the amount
recovered. Closed cases are frozen by a trigger. The figures per period are in ``core.reports``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.casework import common as casework
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where, prefix_args, starts_with

KINDS = ("legal", "wages", "job", "training", "dibao")
#: what 办成 means for each kind (shown beside the outcome)
SUCCESS_MEANS = {"legal": "维权成功", "wages": "欠薪已追回", "job": "实现就业", "training": "培训结业",
                 "dibao": "已纳入低保"}
#: the word for 对方 / 事项 on each kind's form
COUNTERPART_LABEL = {"legal": "对方当事人（单位）", "wages": "欠薪单位", "job": "用人单位", "training": "培训机构",
                     "dibao": "受理的民政部门"}
MATTER_LABEL = {"legal": "案由", "wages": "欠薪情况", "job": "介绍岗位", "training": "培训项目（工种）",
                "dibao": "家庭情况"}
MONEY_KINDS = frozenset({"legal", "wages"})


@dataclass
class CaseDraft:
    kind: str
    person_name: str
    opened_date: _dt.date | str | None = None
    household_id: int | None = None
    reception_id: int | None = None
    person_id_number: str = ""
    people: int = 1
    counterpart: str = ""
    matter: str = ""
    claimed_fen: int = 0


def open_case(db: Database, actor: Actor, draft: CaseDraft, *, today: _dt.date | None = None) -> int:
    actor.require("services.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    kind = casework.code(book, "service_kind", draft.kind, "服务类别")
    opened = casework.day(draft.opened_date, "登记日期", default=today)
    casework.not_future(opened, today, "登记日期")
    values: dict[str, Any] = {
        "kind": kind, "person_name": casework.text(draft.person_name, "服务对象姓名", max_len=60),
        "person_id_number": casework.id_number(draft.person_id_number, today=today),
        "people": int(draft.people or 1), "opened_date": opened.isoformat(),
        "counterpart": casework.text(draft.counterpart, COUNTERPART_LABEL[kind], required=kind in ("wages", "job"),
                                     max_len=100),
        "matter": casework.text(draft.matter, MATTER_LABEL[kind], required=kind != "dibao"),
        "claimed_fen": casework.money(draft.claimed_fen, "涉及金额"),
    }
    if values["people"] < 1:
        raise ValidationError("涉及人数", "至少为 1", draft.people)
    if kind == "wages" and values["claimed_fen"] <= 0:
        raise ValidationError("拖欠金额", "追回欠薪须填写拖欠工资金额")
    with write(db):
        h = casework.household(db, draft.household_id)
        values["household_id"] = h["id"] if h else None
        if draft.reception_id is not None:
            e = row(db, "SELECT id, entry_no, received_date FROM reception_entries WHERE id = ?", [draft.reception_id])
            if e is None:
                raise NotFoundError("接待登记", draft.reception_id)
            casework.not_before(opened, str(e["received_date"]), "登记日期", "接待日期")
        values["reception_id"] = draft.reception_id
        at = now_iso()
        values.update({"case_no": casework.next_number(db, "FW", opened.year), "created_by": actor.username,
                       "created_at": at, "updated_at": at})
        cur = db.execute(f"INSERT INTO service_cases ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        cid = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "service_case", values["case_no"], None, values)
    return cid


def close_case(db: Database, actor: Actor, case_id: int, outcome: str, result: str, *, amount_fen: int = 0,
               on: _dt.date | str | None = None, today: _dt.date | None = None) -> None:
    """办结: the outcome, what happened, and for 维权 and 追回欠薪 the amount recovered."""
    actor.require("services.edit")
    today = today or _dt.date.today()
    book = codes.load(db)
    outcome = casework.code(book, "service_outcome", outcome, "办理结果")
    result = casework.text(result, "办理情况")
    amount = casework.money(amount_fen, "追回金额")
    with write(db):
        c = load(db, case_id)
        if c["status"] != "open":
            raise StateError(f"服务事项 {c['case_no']} 已于 {c['closed_date']} 办结。")
        d = casework.day(on, "办结日期", default=today)
        casework.not_future(d, today, "办结日期")
        casework.not_before(d, str(c["opened_date"]), "办结日期", "登记日期")
        if amount and c["kind"] not in MONEY_KINDS:
            raise ValidationError("追回金额", f"{book.label('service_kind', c['kind'])}没有追回金额")
        if c["kind"] == "wages" and outcome in ("success", "partial") and amount <= 0:
            raise ValidationError("追回金额", "欠薪已追回（或部分追回）时须填写追回金额")
        if outcome in ("failed", "withdrawn") and amount:
            raise ValidationError("追回金额", "未办成或终止办理时不应有追回金额", amount / 100)
        db.execute("UPDATE service_cases SET status = 'closed', outcome = ?, result = ?, amount_fen = ?, "
                   "closed_date = ?, closed_by = ?, updated_at = ? WHERE id = ?",
                   [outcome, result, amount, d.isoformat(), actor.username, now_iso(), case_id])
        audit.record(db, actor.username, "close", "service_case", c["case_no"], {"status": "open"},
                     {"status": "closed", "outcome": outcome, "result": result, "amount_fen": amount,
                      "closed_date": d.isoformat()})


def load(db: Database, case_id: int) -> dict[str, Any]:
    c = row(db, "SELECT * FROM service_cases WHERE id = ?", [case_id])
    if c is None:
        raise NotFoundError("服务事项", case_id)
    return c


@dataclass(frozen=True)
class CaseFilter:
    text: str = ""
    kind: str | None = None
    state: str | None = None          # open / closed
    date_from: str = ""               # opened, inclusive
    date_to: str = ""
    household_id: int | None = None


def list_cases(db: Database, f: CaseFilter = CaseFilter(), *, limit: int = 5000) -> list[dict[str, Any]]:
    w = Where(limit=limit)
    q = f.text.strip()
    if q:
        w.add(f"({starts_with('s.case_no', 'q')} OR {starts_with('s.person_name', 'q')} "
              "OR instr(s.counterpart, :q) > 0 OR instr(s.matter, :q) > 0)", q=q, **prefix_args("q", q))
    w.equal("s.kind", f.kind, "kind")
    w.equal("s.status", f.state, "status")
    w.at_least("s.opened_date", f.date_from, "date_from")
    w.at_most("s.opened_date", f.date_to, "date_to")
    w.equal("s.household_id", f.household_id, "household_id")
    return rows(db, "SELECT s.*, h.archive_no, r.entry_no FROM service_cases s "
                    "LEFT JOIN households h ON h.id = s.household_id "
                    "LEFT JOIN reception_entries r ON r.id = s.reception_id"
                    f"{w.sql} ORDER BY s.opened_date DESC, s.id DESC LIMIT :limit", w.named)


def count_open(db: Database, kind: str | None = None) -> int:
    if kind:
        return int(scalar(db, "SELECT count(*) FROM service_cases WHERE kind = ? AND status = 'open'", [kind]))
    return int(scalar(db, "SELECT count(*) FROM service_cases WHERE status = 'open'"))
