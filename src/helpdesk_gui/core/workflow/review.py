"""年度复核: every archive 在档 is reviewed once a year.

``create_tasks`` makes one task per 在档 archive for the year, re-runs the income test with the
rules in force (``register.derive``, the derivation every save uses; earlier union aid counts when
entered as an income item),
flags those whose suggested category is no longer theirs (or who no longer qualify), and draws a
random sample — at least the setting ``review_random_ratio`` (30 %) of the tasks, deterministic from
the seed — for home checks. The reviewer records the check and the outcome: 保留 closes the task;
调整困难类别 and 脱困退出 become a 年度复核 application that an approver (not the reviewer) decides.
"""

from __future__ import annotations

import datetime as _dt
import math
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.db import now_iso, row, rows, write
from helpdesk_gui.core.db.where import Where
from helpdesk_gui.core.register import derive
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.workflow import steps as workflow

_MEMBER_COLS = ("name", "id_number", "identity", "has_income_proof", "monthly_income_fen", "health", "birth_date",
                "gender")


def _members(db: Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for r in rows(db, f"SELECT household_id, {', '.join(_MEMBER_COLS)} FROM members WHERE household_id IN "
                          f"({','.join('?' * len(chunk))})", chunk):
            out.setdefault(int(r.pop("household_id")), []).append(r)
    return out


def _grouped(db: Database, sql: str, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for hid, value in db.execute(sql.format(ids=",".join("?" * len(chunk))), chunk):
            out.setdefault(int(hid), []).append(value)
    return out


def create_tasks(db: Database, actor: Actor, year: int, *, today: _dt.date | None = None, seed: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Tasks for every 在档 archive without one this year. Returns counts (tasks, flagged, sampled)."""
    actor.require("review.manage")
    today = today or _dt.date.today()
    ratio = Decimal(str(settings.get(db, "review_random_ratio")))
    if not Decimal(0) <= ratio <= Decimal(1):
        raise ValidationError("年度复核随机抽查比例", "应在 0 与 1 之间", ratio)
    book = codes.load(db)
    labels = derive.exclusion_labels(book)
    with write(db):
        hh = rows(db, f"SELECT id, category, {', '.join(derive.INPUT_FIELDS)} "
                      "FROM households h WHERE status = 'active' AND NOT EXISTS "
                      "(SELECT 1 FROM review_tasks t WHERE t.household_id = h.id AND t.year = ?) ORDER BY id", [year])
        ids = [int(h["id"]) for h in hh]
        members = _members(db, ids)
        exclusions = _grouped(db, "SELECT household_id, kind FROM exclusions WHERE household_id IN ({ids})", ids)
        accidents = _grouped(db, "SELECT household_id, amount_fen FROM rigid_expenses WHERE kind = 'accident' "
                                 "AND household_id IN ({ids})", ids)
        rules = derive.RulesBook(db, today)
        at = now_iso()
        out: list[list[Any]] = []
        flagged = 0
        for i, h in enumerate(hh):
            test = derive.derive(h, members.get(int(h["id"]), []), rules, on=today,
                                 accident_loss_fen=sum(accidents.get(int(h["id"]), [])),
                                 exclusions=exclusions.get(int(h["id"]), []), exclusion_labels=labels).test
            flag = test.suggested_category != h["category"]
            reason = ""
            if flag:
                flagged += 1
                now = book.label("category", test.suggested_category) if test.suggested_category else "不再符合建档条件"
                reason = f"复核测算：{now}（现为{book.label('category', h['category']) or '未定类别'}）；" + "；".join(
                    test.reasons)
            out.append([year, h["id"], h["category"], test.per_capita_month_fen, test.dibao_month_fen,
                        test.suggested_category, int(flag), reason, actor.username, at])
            if progress and i % 2000 == 0:
                progress(i, len(hh))
        rng = random.Random(f"{year}:{seed if seed is not None else 0}")
        k = math.ceil(ratio * len(out))
        sampled = set(rng.sample(range(len(out)), k)) if out else set()
        db.conn.executemany(
            "INSERT INTO review_tasks (year, household_id, category_before, per_capita_fen, dibao_month_fen, "
            "category_suggested, flagged, flag_reason, created_by, created_at, sampled) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [r + [int(i in sampled)] for i, r in enumerate(out)])
        counts = {"tasks": len(out), "flagged": flagged, "sampled": len(sampled)}
        audit.record(db, actor.username, "review.create", "review_year", year, None, {**counts, "seed": seed})
    if progress:
        progress(len(hh), len(hh))
    return counts


def _task(db: Database, task_id: int) -> dict[str, Any]:
    t = row(db, "SELECT t.*, h.archive_no, h.name, h.category AS category_now FROM review_tasks t "
                "JOIN households h ON h.id = t.household_id WHERE t.id = ?", [task_id])
    if t is None:
        raise NotFoundError("复核任务", task_id)
    return t


def record_check(db: Database, actor: Actor, task_id: int, checked: _dt.date, note: str, *,
                 today: _dt.date | None = None) -> None:
    """入户核查 of a sampled (or flagged) household."""
    actor.require("review.manage")
    note = workflow.text(note, "核查情况")
    today = today or _dt.date.today()
    if checked > today:
        raise ValidationError("核查日期", "不能晚于今天", checked.isoformat())
    with write(db):
        t = _task(db, task_id)
        if t["status"] != "open":
            raise StateError(f"档案 {t['archive_no']} 的 {t['year']} 年复核已办结或在审批中。")
        db.execute("UPDATE review_tasks SET checked_date = ?, checked_by = ?, check_note = ? WHERE id = ?",
                   [checked.isoformat(), actor.username, note, task_id])
        audit.record(db, actor.username, "review.check", "household", t["archive_no"], None,
                     {"year": t["year"], "checked_date": checked.isoformat(), "note": note})


def decide(db: Database, actor: Actor, task_id: int, outcome: str, note: str = "", *, new_category: str | None = None,
           today: _dt.date | None = None) -> int | None:
    """The outcome. 保留 closes the task; the others file a 年度复核 application (returned) for approval."""
    actor.require("review.manage")
    today = today or _dt.date.today()
    book = codes.load(db)
    if not book.has_code("review_outcome", outcome):
        raise ValidationError("复核结论", "不是可选值", outcome)
    note = note.strip()
    with write(db):
        t = _task(db, task_id)
        if t["status"] != "open":
            raise StateError(f"档案 {t['archive_no']} 的 {t['year']} 年复核已办结或在审批中。")
        if t["sampled"] and not t["checked_date"]:
            raise StateError(f"档案 {t['archive_no']} 被抽中入户核查，请先登记核查情况。")
        if outcome == "keep":
            if t["flagged"] and not note:
                raise ValidationError("复核说明", "测算提示该户类别已变化或不再符合条件，保留原类别须写明理由")
            db.execute("UPDATE review_tasks SET status = 'done', outcome = 'keep', outcome_note = ?, decided_by = ?, "
                       "decided_at = ? WHERE id = ?", [note, actor.username, now_iso(), task_id])
            db.execute("UPDATE households SET last_review_date = ?, updated_at = ? WHERE id = ?",
                       [today.isoformat(), now_iso(), t["household_id"]])
            audit.record(db, actor.username, "review.keep", "household", t["archive_no"], None,
                         {"year": t["year"], "note": note}, households=[t["household_id"]])
            return None
        if not note:
            raise ValidationError("复核说明", "调整类别或脱困退出须写明理由")
        details: dict[str, Any] = {"outcome": outcome, "year": t["year"]}
        if outcome == "change":
            if not new_category or not book.has_code("category", new_category):
                raise ValidationError("调整后的困难类别", "必须选择", new_category)
            if new_category == t["category_now"]:
                raise ValidationError("调整后的困难类别", "与现在的类别相同", book.label("category", new_category))
            details["category"] = new_category
        app_id = workflow.file_application(db, actor, int(t["household_id"]), "review", reason=note, details=details,
                                           today=today, review_task_id=task_id)
        workflow.evaluate(db, actor, app_id, note, today=today)
        db.execute("UPDATE review_tasks SET status = 'approval', outcome = ?, new_category = ?, outcome_note = ?, "
                   "decided_by = ?, decided_at = ?, application_id = ? WHERE id = ?",
                   [outcome, details.get("category"), note, actor.username, now_iso(), app_id, task_id])
        return app_id


def apply_approved(db: Database, actor: Actor, app: dict[str, Any], details: dict[str, Any], on: _dt.date) -> None:
    """Called by ``core.approval`` when a 年度复核 application is approved."""
    hid = int(app["household_id"])
    h = row(db, "SELECT archive_no, category FROM households WHERE id = ?", [hid])
    assert h is not None
    if details.get("outcome") == "change":
        db.execute("UPDATE households SET category = ? WHERE id = ?", [details["category"], hid])
        audit.record(db, actor.username, "update", "household", h["archive_no"], {"category": h["category"]},
                     {"category": details["category"], "why": f"年度复核申请 {app['app_no']} 审批通过"},
                     households=[hid])
    elif details.get("outcome") == "exit":
        register.set_status(db, actor, hid, "exited", note=f"年度复核申请 {app['app_no']} 审批通过", on=on)
    db.execute("UPDATE households SET last_review_date = ?, updated_at = ? WHERE id = ?", [on.isoformat(), now_iso(), hid])
    if app["review_task_id"]:
        db.execute("UPDATE review_tasks SET status = 'done' WHERE id = ?", [app["review_task_id"]])


def list_tasks(db: Database, year: int, *, status: str | None = None, flagged: bool | None = None,
               sampled: bool | None = None, limit: int = 5000) -> list[dict[str, Any]]:
    w = Where().add("t.year = ?", year).equal("t.status", status)
    w.equal("t.flagged", None if flagged is None else int(flagged))
    w.equal("t.sampled", None if sampled is None else int(sampled))
    return rows(db, "SELECT t.*, h.archive_no, h.name, h.township, h.category AS category_now, "
                    "a.app_no, a.status AS app_status FROM review_tasks t JOIN households h ON h.id = t.household_id "
                    f"LEFT JOIN applications a ON a.id = t.application_id{w.sql} "
                    "ORDER BY t.flagged DESC, t.sampled DESC, h.archive_no LIMIT ?", [*w.args, limit])


def summary(db: Database, year: int) -> dict[str, int]:
    r = row(db, "SELECT count(*) AS tasks, coalesce(sum(flagged), 0) AS flagged, coalesce(sum(sampled), 0) AS sampled, "
                "coalesce(sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) AS done, "
                "coalesce(sum(CASE WHEN status = 'approval' THEN 1 ELSE 0 END), 0) AS approval, "
                "coalesce(sum(CASE WHEN checked_date IS NOT NULL THEN 1 ELSE 0 END), 0) AS checked "
                "FROM review_tasks WHERE year = ?", [year])
    return {k: int(v) for k, v in (r or {}).items()}
