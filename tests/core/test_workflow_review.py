"""年度复核: a task per 在档 archive, the income test re-run, flags, a random sample ≥ 30 %, outcomes."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from test_workflow_kit import active_household, team

from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import row, scalar, write
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.core.workflow import approval, review
from helpdesk_gui.core.workflow.steps import DutyConflict

ON = dt.date(2026, 12, 1)


@pytest.fixture
def archives(database):
    t = team(database)
    ids = [active_household(database, t, 101 + 2 * i, category="1", name=f"复核{i}",
                            annual_income_fen=300_000 + i * 1_000) for i in range(8)]
    # one household's income rose: no longer qualifies; one is now relative hardship
    with write(database):
        database.execute("UPDATE households SET annual_income_fen = 9000000 WHERE id = ?", [ids[0]])
        database.execute("UPDATE households SET annual_income_fen = 1200000 WHERE id = ?", [ids[1]])
    return t, ids


def test_tasks_flags_and_sample(database, archives):
    t, ids = archives
    with pytest.raises(PermissionDenied):
        review.create_tasks(database, t.clerk, 2026, today=ON)
    counts = review.create_tasks(database, t.reviewer, 2026, today=ON, seed=7)
    assert counts == {"tasks": 8, "flagged": 2, "sampled": math.ceil(0.3 * 8)}
    tasks = {int(x["household_id"]): x for x in review.list_tasks(database, 2026)}
    assert tasks[ids[0]]["flagged"] == 1 and tasks[ids[0]]["category_suggested"] is None
    assert "不再符合建档条件" in tasks[ids[0]]["flag_reason"]
    assert tasks[ids[1]]["category_suggested"] == "2" and "相对困难" in tasks[ids[1]]["flag_reason"]
    assert sum(x["flagged"] for x in tasks.values()) == 2
    # running it again adds nothing; the same seed draws the same sample
    assert review.create_tasks(database, t.reviewer, 2026, today=ON)["tasks"] == 0
    assert worklists.counts(database, today=ON)["review_tasks_open"] == 8
    assert review.summary(database, 2026)["sampled"] == 3


def test_sample_ratio_is_a_setting(database, archives):
    t, _ = archives
    with write(database):
        database.execute("INSERT INTO settings (key, value) VALUES ('review_random_ratio', '\"0.5\"') "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    assert review.create_tasks(database, t.reviewer, 2026, today=ON)["sampled"] == 4


def test_outcomes_keep_change_exit(database, archives):
    t, ids = archives
    review.create_tasks(database, t.reviewer, 2026, today=ON, seed=1)
    tasks = {int(x["household_id"]): x for x in review.list_tasks(database, 2026)}
    for task in tasks.values():
        if task["sampled"]:
            with pytest.raises(StateError, match="被抽中入户核查"):
                review.decide(database, t.reviewer, task["id"], "keep", "正常", today=ON)
            review.record_check(database, t.reviewer, task["id"], ON, "入户核查，情况属实", today=ON)
    keep = next(x for hid, x in tasks.items() if hid not in ids[:2])
    assert review.decide(database, t.reviewer, keep["id"], "keep", today=ON) is None
    assert register.get_household(database, keep["household_id"])["last_review_date"] == ON.isoformat()
    with pytest.raises(ValidationError, match="保留原类别须写明理由"):
        review.decide(database, t.reviewer, tasks[ids[0]]["id"], "keep", today=ON)
    # exit: an application the approver (not the reviewer) decides
    app = review.decide(database, t.reviewer, tasks[ids[0]]["id"], "exit", "家庭收入明显提高，已脱困", today=ON)
    assert row(database, "SELECT status FROM review_tasks WHERE id = ?", [tasks[ids[0]]["id"]]) == {"status": "approval"}
    with pytest.raises(PermissionDenied):
        approval.approve(database, t.reviewer, app, "同意", today=ON)
    approval.approve(database, t.approver, app, "同意脱困", today=ON)
    h = register.get_household(database, ids[0])
    assert h["status"] == "exited" and h["last_review_date"] == ON.isoformat()
    # change of category
    with pytest.raises(ValidationError, match="与现在的类别相同"):
        review.decide(database, t.reviewer, tasks[ids[1]]["id"], "change", "x", new_category="1", today=ON)
    app2 = review.decide(database, t.reviewer, tasks[ids[1]]["id"], "change", "收入提高，调整为相对困难",
                         new_category="2", today=ON)
    approval.reject(database, t.approver, app2, "请再核实", today=ON)
    assert row(database, "SELECT status FROM review_tasks WHERE id = ?", [tasks[ids[1]]["id"]]) == {"status": "open"}
    app3 = review.decide(database, t.reviewer, tasks[ids[1]]["id"], "change", "再次核实，调整为相对困难",
                         new_category="2", today=ON)
    approval.approve(database, t.approver, app3, "同意", today=ON)
    assert scalar(database, "SELECT category FROM households WHERE id = ?", [ids[1]]) == "2"
    assert review.summary(database, 2026)["done"] == 3


def test_reviewer_who_files_the_outcome_cannot_approve_it(database, archives):
    t, ids = archives
    review.create_tasks(database, t.admin, 2026, today=ON, seed=3)
    task = next(x for x in review.list_tasks(database, 2026) if int(x["household_id"]) == ids[0])
    if task["sampled"]:
        review.record_check(database, t.admin, task["id"], ON, "核查", today=ON)
    app = review.decide(database, t.admin, task["id"], "exit", "已脱困", today=ON)
    with pytest.raises(DutyConflict):
        approval.approve(database, t.admin, app, "同意", today=ON)
