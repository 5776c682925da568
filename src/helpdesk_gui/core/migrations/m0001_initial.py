"""0001: the register, users, settings, code lists, audit chain. Shipped: never edit; add the next number."""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import ALIAS_ROWS, CODE_ROWS

MIGRATION_0001 = r"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE code_lists (
    list TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    ord INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (list, code)
);

CREATE TABLE code_aliases (
    list TEXT NOT NULL,
    alias TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (list, alias),
    FOREIGN KEY (list, code) REFERENCES code_lists (list, code)
);

-- 低保 and minimum wage per region (6-digit code, or a prefix such as 5301 / 53) and date.
CREATE TABLE policy_standards (
    id INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    effective_from TEXT NOT NULL,          -- YYYY-MM-DD
    dibao_month_fen INTEGER NOT NULL CHECK (typeof(dibao_month_fen) = 'integer' AND dibao_month_fen > 0),
    min_wage_month_fen INTEGER NOT NULL CHECK (typeof(min_wage_month_fen) = 'integer' AND min_wage_month_fen > 0),
    source TEXT NOT NULL DEFAULT '',
    UNIQUE (region_code, effective_from)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,                   -- comma-separated role codes
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

-- 建档工会: the body that built and holds the archive.
CREATE TABLE org_units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    level TEXT NOT NULL,                   -- code list org_level
    parent_id INTEGER REFERENCES org_units (id),
    region_code TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);

-- Employers as records, so the centre sees how many households each troubled enterprise has.
CREATE TABLE employers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    nature TEXT,                           -- employer_nature
    condition TEXT,                        -- enterprise_condition
    industry TEXT,                         -- industry
    region_code TEXT NOT NULL DEFAULT ''
);

-- Archive numbers: prefix (county code + year) -> last serial used. Never reused.
CREATE TABLE archive_serials (
    prefix TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    sender_code TEXT NOT NULL,             -- county that owns the archive (ours, or a batch sender)
    archive_no TEXT NOT NULL,
    archive_type TEXT NOT NULL DEFAULT '1',
    status TEXT NOT NULL DEFAULT 'applying',
    exit_reason TEXT,
    status_note TEXT NOT NULL DEFAULT '',
    category TEXT,                         -- decided by a person
    category_suggested TEXT,               -- computed by the income test
    legacy_category_text TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL DEFAULT '',
    name_initials TEXT NOT NULL DEFAULT '',
    gender TEXT,
    ethnicity TEXT,
    political TEXT,
    id_number TEXT NOT NULL,
    id_rev TEXT NOT NULL DEFAULT '',       -- reversed, for "last digits" search on an index
    birth_date TEXT,
    health TEXT,
    disability_type TEXT,
    disability_grade TEXT,
    work_status TEXT,
    model_worker TEXT,
    phone TEXT NOT NULL DEFAULT '',
    phone_rev TEXT NOT NULL DEFAULT '',
    other_contact TEXT NOT NULL DEFAULT '',
    employer_id INTEGER REFERENCES employers (id),
    work_start_date TEXT,
    marital TEXT,
    hukou_type TEXT,
    is_union_member INTEGER,
    is_migrant INTEGER,
    contract_signed_date TEXT,
    contract_months INTEGER,
    org_unit_id INTEGER REFERENCES org_units (id),
    township TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    hukou_region_code TEXT NOT NULL DEFAULT '',
    housing_type TEXT,
    housing_area_m2 REAL,
    medical_insurance TEXT,
    single_parent INTEGER,
    zero_employment INTEGER,
    self_help_ability INTEGER,
    bank_name TEXT NOT NULL DEFAULT '',
    bank_branch TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    cause_main TEXT,
    causes_secondary TEXT NOT NULL DEFAULT '',   -- comma-separated cause codes, at most 3
    cause_other_text TEXT NOT NULL DEFAULT '',
    family_size INTEGER NOT NULL DEFAULT 1 CHECK (family_size >= 1),
    income_from TEXT,                      -- the 12 months before the application
    income_to TEXT,
    annual_income_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(annual_income_fen) = 'integer'),
    rigid_expense_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(rigid_expense_fen) = 'integer'),
    per_capita_month_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(per_capita_month_fen) = 'integer'),
    created_date TEXT NOT NULL,            -- 建档日期
    exit_date TEXT,
    last_review_date TEXT,
    remarks TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,              -- 最后修改时间 (ISO 8601 with offset)
    UNIQUE (sender_code, archive_no)
);
CREATE INDEX ix_households_name ON households (name);
CREATE INDEX ix_households_initials ON households (name_initials);
CREATE INDEX ix_households_pinyin ON households (name_pinyin);
CREATE INDEX ix_households_id_number ON households (id_number);
CREATE INDEX ix_households_id_rev ON households (id_rev);
CREATE INDEX ix_households_phone ON households (phone);
CREATE INDEX ix_households_phone_rev ON households (phone_rev);
CREATE INDEX ix_households_employer ON households (employer_id);
CREATE INDEX ix_households_status ON households (status, category);
CREATE INDEX ix_households_township ON households (township);
CREATE INDEX ix_households_created ON households (created_date);
CREATE INDEX ix_households_updated ON households (updated_at);
CREATE INDEX ix_households_archive_no ON households (archive_no);

CREATE VIRTUAL TABLE households_fts USING fts5 (
    address, content = 'households', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER households_fts_ai AFTER INSERT ON households BEGIN
    INSERT INTO households_fts (rowid, address) VALUES (new.id, new.address);
END;
CREATE TRIGGER households_fts_ad AFTER DELETE ON households BEGIN
    INSERT INTO households_fts (households_fts, rowid, address) VALUES ('delete', old.id, old.address);
END;
CREATE TRIGGER households_fts_au AFTER UPDATE OF address ON households BEGIN
    INSERT INTO households_fts (households_fts, rowid, address) VALUES ('delete', old.id, old.address);
    INSERT INTO households_fts (rowid, address) VALUES (new.id, new.address);
END;

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    gender TEXT,
    health TEXT,
    identity TEXT,
    school_or_employer TEXT NOT NULL DEFAULT '',
    monthly_income_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(monthly_income_fen) = 'integer'),
    has_income_proof INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_members_household ON members (household_id);
CREATE INDEX ix_members_id_number ON members (id_number);

-- Income over the 12 months before application, and rigid expenses, item by item.
CREATE TABLE income_items (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer'),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_income_household ON income_items (household_id);

CREATE TABLE rigid_expenses (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_expense_household ON rigid_expenses (household_id);

CREATE TABLE exclusions (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    UNIQUE (household_id, kind)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    material_type TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE INDEX ix_attachments_household ON attachments (household_id);

CREATE TABLE status_history (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by_user TEXT NOT NULL
);
CREATE INDEX ix_status_history_household ON status_history (household_id);

-- 帮扶记录: assistance paid to a household (local, or received in a batch).
CREATE TABLE assistance_records (
    id INTEGER PRIMARY KEY,
    sender_code TEXT NOT NULL,
    record_no TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    project TEXT NOT NULL,
    fund_source TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer'),
    paid_date TEXT NOT NULL,
    method TEXT NOT NULL,
    approver TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'local',
    created_at TEXT NOT NULL,
    UNIQUE (sender_code, record_no)
);
CREATE INDEX ix_assistance_household ON assistance_records (household_id);
CREATE INDEX ix_assistance_date ON assistance_records (paid_date);

-- Append-only audit trail, each row chained to the previous one by a hash.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL DEFAULT '',
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
"""


def m0001_initial(db: Any) -> None:
    run_script(db, MIGRATION_0001)
    db.conn.executemany("INSERT INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)", CODE_ROWS)
    db.conn.executemany("INSERT INTO code_aliases (list, alias, code) VALUES (?, ?, ?)", ALIAS_ROWS)
