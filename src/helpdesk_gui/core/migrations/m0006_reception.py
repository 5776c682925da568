"""Migration 0006_reception: the reception log (接待登记), care visits (走访慰问), cadres and their pairs
with households (结对帮扶), the service cases the city counts (维权/法律援助, 追回欠薪, 就业介绍, 技能培训,
应保未保), and the covering indexes the statistics dashboard reads.

Handling notes of a reception entry are append-only; a closed entry must carry its result (a CHECK),
and once closed its result and dates cannot change.
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import code_rows

MIGRATION_0006 = r"""
-- entry and case numbers: prefix (JD2026, FW2026) -> last serial used. Never reused.
CREATE TABLE reception_serials (
    prefix TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE reception_entries (
    id INTEGER PRIMARY KEY,
    entry_no TEXT NOT NULL UNIQUE,         -- 登记编号 JD + year + serial
    channel TEXT NOT NULL,                 -- reception_channel: 来访 / 来信 / 来电 / 网上
    kind TEXT NOT NULL,                    -- reception_kind: 求助 / 咨询 / 维权 / 投诉 / 其他
    received_date TEXT NOT NULL,
    received_time TEXT NOT NULL DEFAULT '',
    visitor_name TEXT NOT NULL,
    visitor_id_number TEXT NOT NULL DEFAULT '',
    visitor_phone TEXT NOT NULL DEFAULT '',
    visitor_unit TEXT NOT NULL DEFAULT '',
    visitors INTEGER NOT NULL DEFAULT 1 CHECK (visitors >= 1),   -- 人数 (a group visit counts its people)
    household_id INTEGER REFERENCES households (id),
    matter TEXT NOT NULL,                  -- 反映事项
    responsible TEXT NOT NULL,             -- 首问负责人 (username)
    deadline TEXT NOT NULL,                -- 限期办结日期 (inclusive)
    deadline_rule TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    result TEXT NOT NULL DEFAULT '',
    closed_date TEXT,
    closed_by TEXT,
    application_id INTEGER REFERENCES applications (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (deadline >= received_date),
    CHECK (status = 'open' OR (length(trim(result)) > 0 AND closed_date IS NOT NULL AND closed_date >= received_date))
);
CREATE INDEX ix_reception_open ON reception_entries (status, deadline);
CREATE INDEX ix_reception_received ON reception_entries (received_date, channel, kind, visitors);
CREATE INDEX ix_reception_closed ON reception_entries (closed_date);
CREATE INDEX ix_reception_household ON reception_entries (household_id);
CREATE INDEX ix_reception_responsible ON reception_entries (responsible, status);
CREATE INDEX ix_reception_name ON reception_entries (visitor_name);
CREATE TRIGGER reception_closed_frozen BEFORE UPDATE ON reception_entries
WHEN old.status = 'closed' AND (new.status IS NOT old.status OR new.result IS NOT old.result
  OR new.closed_date IS NOT old.closed_date OR new.received_date IS NOT old.received_date
  OR new.deadline IS NOT old.deadline)
BEGIN
    SELECT RAISE(ABORT, '已办结的接待登记不能修改办理结果和日期');
END;
CREATE TRIGGER reception_no_delete BEFORE DELETE ON reception_entries BEGIN
    SELECT RAISE(ABORT, '接待登记不能删除');
END;

-- 办理情况: what was done, append-only.
CREATE TABLE reception_notes (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES reception_entries (id),
    on_date TEXT NOT NULL,
    action TEXT NOT NULL,                  -- note / reassign / link / application / close
    note TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_reception_notes_entry ON reception_notes (entry_id);
CREATE TRIGGER reception_notes_no_update BEFORE UPDATE ON reception_notes BEGIN
    SELECT RAISE(ABORT, '办理情况只能追加，不能修改');
END;
CREATE TRIGGER reception_notes_no_delete BEFORE DELETE ON reception_notes BEGIN
    SELECT RAISE(ABORT, '办理情况只能追加，不能删除');
END;

-- 帮扶干部: the people paired with households.
CREATE TABLE cadres (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (name, unit)
);

-- 结对帮扶: cadre × household (one-to-one, one-to-many and many-to-one are all rows here).
CREATE TABLE pairs (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES cadres (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    start_date TEXT NOT NULL,
    end_date TEXT,                         -- NULL while the pair stands
    visit_every_days INTEGER NOT NULL CHECK (visit_every_days >= 1),
    note TEXT NOT NULL DEFAULT '',
    end_reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX ux_pairs_standing ON pairs (cadre_id, household_id) WHERE end_date IS NULL;
CREATE INDEX ix_pairs_household ON pairs (household_id);
CREATE INDEX ix_pairs_dates ON pairs (start_date, end_date);

-- 走访慰问: a visit to a household (by a paired cadre or anyone), with money or goods given.
CREATE TABLE care_visits (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    pair_id INTEGER REFERENCES pairs (id),
    visit_date TEXT NOT NULL,
    kind TEXT NOT NULL,                    -- visit_kind
    visitors TEXT NOT NULL,
    money_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(money_fen) = 'integer' AND money_fen >= 0),
    goods TEXT NOT NULL DEFAULT '',
    goods_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(goods_fen) = 'integer' AND goods_fen >= 0),
    notes TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_care_visits_household ON care_visits (household_id, visit_date);
CREATE INDEX ix_care_visits_date ON care_visits (visit_date, kind, money_fen, goods_fen);
CREATE INDEX ix_care_visits_pair ON care_visits (pair_id, visit_date);

-- 维权/法律援助, 追回欠薪, 就业介绍, 技能培训, 应保未保.
CREATE TABLE service_cases (
    id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,          -- FW + year + serial
    kind TEXT NOT NULL,                    -- service_kind
    household_id INTEGER REFERENCES households (id),
    reception_id INTEGER REFERENCES reception_entries (id),
    person_name TEXT NOT NULL,
    person_id_number TEXT NOT NULL DEFAULT '',
    people INTEGER NOT NULL DEFAULT 1 CHECK (people >= 1),        -- workers covered (a wage case may cover many)
    opened_date TEXT NOT NULL,
    counterpart TEXT NOT NULL DEFAULT '',  -- 对方单位 / 用人单位 / 培训机构 / 民政部门
    matter TEXT NOT NULL DEFAULT '',       -- 案由 / 岗位 / 培训项目 / 情况
    claimed_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(claimed_fen) = 'integer' AND claimed_fen >= 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome TEXT,                          -- service_outcome
    amount_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
    result TEXT NOT NULL DEFAULT '',
    closed_date TEXT,
    closed_by TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (status = 'open' OR (outcome IS NOT NULL AND closed_date IS NOT NULL AND closed_date >= opened_date
                               AND length(trim(result)) > 0))
);
CREATE INDEX ix_service_opened ON service_cases (opened_date, kind, people);
CREATE INDEX ix_service_closed ON service_cases (closed_date, kind, outcome, people, amount_fen);
CREATE INDEX ix_service_kind ON service_cases (kind, status);
CREATE INDEX ix_service_household ON service_cases (household_id);
CREATE INDEX ix_service_reception ON service_cases (reception_id);
CREATE TRIGGER service_closed_frozen BEFORE UPDATE ON service_cases
WHEN old.status = 'closed' AND (new.status IS NOT old.status OR new.outcome IS NOT old.outcome
  OR new.amount_fen IS NOT old.amount_fen OR new.closed_date IS NOT old.closed_date)
BEGIN
    SELECT RAISE(ABORT, '已办结的服务事项不能修改结果和金额');
END;
CREATE TRIGGER service_no_delete BEFORE DELETE ON service_cases BEGIN
    SELECT RAISE(ABORT, '服务事项登记不能删除');
END;

-- The dashboard's GROUP BYs read these covering indexes instead of the tables.
CREATE INDEX ix_households_status_cause ON households (status, cause_main);
CREATE INDEX ix_households_status_township ON households (status, township);
-- the register at the end of a period (在档 then): status, then dates, covering the category
CREATE INDEX ix_households_period ON households (status, created_date, exit_date, category);
CREATE INDEX ix_assistance_date_fund ON assistance_records (paid_date, fund_source, project, amount_fen, household_id);
"""

#: the code lists this migration adds to an existing database
LISTS = ("reception_channel", "reception_kind", "reception_status", "visit_kind", "service_kind", "service_outcome")


def m0006_reception(db: Any) -> None:
    run_script(db, MIGRATION_0006)
    db.conn.executemany("INSERT OR IGNORE INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)",
                        code_rows(LISTS))
