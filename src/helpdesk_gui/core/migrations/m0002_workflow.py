"""Migration 0002_workflow: applications and their steps, visits, civil-affairs checks, publicity
periods, objections, decisions (with the snapshot of what was approved), cap rules, campaigns,
yearly review tasks and the holiday calendar.

Steps are append-only; a decision's content (amounts, rule, override, approvers, snapshot) can
never change or be deleted: only its payment status moves (待发放 → 已发放).
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import code_rows
from helpdesk_gui.core.migrations.m0002_seed import CAP_COLUMNS, CAP_ROWS, HOLIDAY_ROWS

MIGRATION_0002 = r"""
CREATE TABLE application_serials (
    year INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE publicity_periods (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER,                   -- one period for a whole campaign list, else NULL
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,                -- last day of the period (inclusive)
    days INTEGER NOT NULL CHECK (days >= 1),
    working_days INTEGER NOT NULL CHECK (working_days IN (0, 1)),
    place TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_date >= start_date)
);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    project TEXT NOT NULL,
    rule TEXT NOT NULL,                    -- JSON: how amounts are proposed
    filters TEXT NOT NULL,                 -- JSON: how households were picked
    status TEXT NOT NULL DEFAULT 'draft',  -- campaign_status
    publicity_id INTEGER REFERENCES publicity_periods (id),
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE review_tasks (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approval', 'done')),
    category_before TEXT,
    per_capita_fen INTEGER NOT NULL,
    dibao_month_fen INTEGER NOT NULL,
    category_suggested TEXT,
    flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    flag_reason TEXT NOT NULL DEFAULT '',
    sampled INTEGER NOT NULL DEFAULT 0 CHECK (sampled IN (0, 1)),
    checked_date TEXT,
    checked_by TEXT,
    check_note TEXT NOT NULL DEFAULT '',
    outcome TEXT,                          -- review_outcome
    new_category TEXT,
    outcome_note TEXT NOT NULL DEFAULT '',
    decided_by TEXT,
    decided_at TEXT,
    application_id INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year, household_id)
);
CREATE INDEX ix_review_tasks_status ON review_tasks (status, year);
CREATE INDEX ix_review_tasks_household ON review_tasks (household_id);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    app_no TEXT NOT NULL UNIQUE,           -- 申请编号 SQ + year + serial
    household_id INTEGER NOT NULL REFERENCES households (id),
    kind TEXT NOT NULL,                    -- application_kind
    project TEXT,                          -- project code, for kind = project
    status TEXT NOT NULL,                  -- application_status
    campaign_id INTEGER REFERENCES campaigns (id),
    review_task_id INTEGER REFERENCES review_tasks (id),
    beneficiary TEXT NOT NULL DEFAULT '',  -- the student (name / ID number) for 助学: caps per student-year
    school_level TEXT,                     -- member_identity code of the student
    cost_fen INTEGER CHECK (cost_fen IS NULL OR (typeof(cost_fen) = 'integer' AND cost_fen >= 0)),
    requested_fen INTEGER CHECK (requested_fen IS NULL OR (typeof(requested_fen) = 'integer' AND requested_fen >= 0)),
    proposed_fen INTEGER CHECK (proposed_fen IS NULL OR (typeof(proposed_fen) = 'integer' AND proposed_fen >= 0)),
    proposed_category TEXT,
    approved_fen INTEGER,                  -- set by the first approval when a second level is needed
    override_reason TEXT NOT NULL DEFAULT '',
    first_approver TEXT,
    reason TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',    -- JSON: membership years, exit reason, new category ...
    needs_visit INTEGER NOT NULL CHECK (needs_visit IN (0, 1)),
    needs_civil_check INTEGER NOT NULL CHECK (needs_civil_check IN (0, 1)),
    needs_publicity INTEGER NOT NULL CHECK (needs_publicity IN (0, 1)),
    needs_materials INTEGER NOT NULL CHECK (needs_materials IN (0, 1)),
    publicity_id INTEGER REFERENCES publicity_periods (id),
    received_date TEXT NOT NULL,
    visit_due_date TEXT,
    last_step_date TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (kind <> 'project' OR project IS NOT NULL)
);
CREATE INDEX ix_applications_status ON applications (status, kind);
CREATE INDEX ix_applications_household ON applications (household_id);
CREATE INDEX ix_applications_campaign ON applications (campaign_id);
CREATE INDEX ix_applications_publicity ON applications (publicity_id);

CREATE TABLE application_steps (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    action TEXT NOT NULL,                  -- workflow_action
    from_status TEXT,
    to_status TEXT NOT NULL,
    on_date TEXT NOT NULL,                 -- the business date of the step
    at TEXT NOT NULL,                      -- when it was recorded
    by_user TEXT NOT NULL,
    opinion TEXT NOT NULL DEFAULT '',
    data TEXT                              -- JSON
);
CREATE INDEX ix_application_steps_app ON application_steps (application_id);
CREATE TRIGGER application_steps_no_update BEFORE UPDATE ON application_steps BEGIN
    SELECT RAISE(ABORT, '办理记录只能追加，不能修改');
END;
CREATE TRIGGER application_steps_no_delete BEFORE DELETE ON application_steps BEGIN
    SELECT RAISE(ABORT, '办理记录只能追加，不能删除');
END;

CREATE TABLE application_materials (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    material_type TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE INDEX ix_application_materials_app ON application_materials (application_id);

CREATE TABLE home_visits (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    visit_date TEXT NOT NULL,
    visitors TEXT NOT NULL,
    findings TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_home_visits_app ON home_visits (application_id);

CREATE TABLE civil_checks (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    requested_date TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    request_note TEXT NOT NULL DEFAULT '',
    answered_date TEXT,
    answered_by TEXT,
    result TEXT,                           -- civil_check_result
    answer_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_civil_checks_app ON civil_checks (application_id);

CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    publicity_id INTEGER REFERENCES publicity_periods (id),
    raised_date TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',    -- who objected (may be anonymous)
    content TEXT NOT NULL,
    logged_by TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    result TEXT,                           -- objection_result; NULL while open
    handling TEXT NOT NULL DEFAULT '',
    handled_date TEXT,
    handled_by TEXT,
    handled_at TEXT
);
CREATE INDEX ix_objections_app ON objections (application_id);
CREATE TRIGGER objections_handled_once BEFORE UPDATE ON objections WHEN old.result IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '异议已处理，处理结果不能修改');
END;
CREATE TRIGGER objections_no_delete BEFORE DELETE ON objections BEGIN
    SELECT RAISE(ABORT, '异议登记不能删除');
END;

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected')),
    kind TEXT NOT NULL,
    project TEXT,
    amount_fen INTEGER CHECK (amount_fen IS NULL OR (typeof(amount_fen) = 'integer' AND amount_fen > 0)),
    cap_fen INTEGER,
    cap_rule TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    category TEXT,                         -- the 困难类别 decided (新建档, 变更, 复核)
    opinion TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    first_approver TEXT,
    approved_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    snapshot TEXT NOT NULL,                -- JSON: household, application, amounts, rule, as approved
    status TEXT NOT NULL,                  -- decision_status: none / unpaid / paid
    paid_at TEXT,
    paid_by TEXT,
    paid_ref TEXT NOT NULL DEFAULT '',
    CHECK (approved_by <> entered_by AND (first_approver IS NULL OR first_approver <> entered_by)),
    CHECK (amount_fen IS NULL OR cap_fen IS NULL OR amount_fen <= cap_fen OR length(trim(override_reason)) > 0)
);
CREATE INDEX ix_decisions_household ON decisions (household_id, project, decided_on);
CREATE INDEX ix_decisions_status ON decisions (status, project);
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions BEGIN
    SELECT RAISE(ABORT, '审批决定不能删除');
END;
CREATE TRIGGER decisions_frozen BEFORE UPDATE ON decisions
WHEN new.application_id IS NOT old.application_id OR new.household_id IS NOT old.household_id
  OR new.outcome IS NOT old.outcome OR new.kind IS NOT old.kind OR new.project IS NOT old.project
  OR new.amount_fen IS NOT old.amount_fen OR new.cap_fen IS NOT old.cap_fen OR new.cap_rule IS NOT old.cap_rule
  OR new.override_reason IS NOT old.override_reason OR new.category IS NOT old.category
  OR new.opinion IS NOT old.opinion OR new.entered_by IS NOT old.entered_by
  OR new.first_approver IS NOT old.first_approver OR new.approved_by IS NOT old.approved_by
  OR new.decided_on IS NOT old.decided_on OR new.decided_at IS NOT old.decided_at
  OR new.snapshot IS NOT old.snapshot OR (old.status = 'paid')
BEGIN
    SELECT RAISE(ABORT, '审批决定及其快照不能修改（已发放的决定也不能再改状态）');
END;

CREATE TABLE cap_rules (
    project TEXT NOT NULL,
    category TEXT NOT NULL,                -- category code, or * for households without one
    basis TEXT NOT NULL,                   -- cap_basis
    months TEXT,
    amount_fen INTEGER,
    percent TEXT,
    deductible_fen INTEGER NOT NULL DEFAULT 0,
    max_time_fen INTEGER,
    period TEXT NOT NULL,                  -- cap_period
    period_max_fen INTEGER,
    lifetime_max_fen INTEGER,
    bonus_per_5y TEXT,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project, category)
);

CREATE TABLE holidays (
    day TEXT PRIMARY KEY,                  -- YYYY-MM-DD
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name TEXT NOT NULL DEFAULT ''
);
"""

#: the code lists this migration adds to an existing database
LISTS = ("application_kind", "application_status", "workflow_action", "civil_check_result", "objection_result",
         "decision_status", "cap_basis", "cap_period", "campaign_status", "review_outcome", "holiday_kind")


def m0002_workflow(db: Any) -> None:
    run_script(db, MIGRATION_0002)
    db.conn.executemany("INSERT OR IGNORE INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)",
                        code_rows(LISTS))
    db.conn.executemany(f"INSERT OR IGNORE INTO cap_rules ({', '.join(CAP_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(CAP_COLUMNS))})", CAP_ROWS)
    db.conn.executemany("INSERT OR IGNORE INTO holidays (day, kind, name) VALUES (?, ?, ?)", HOLIDAY_ROWS)
