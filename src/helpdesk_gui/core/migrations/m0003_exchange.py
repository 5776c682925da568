"""Migration 0003_exchange: the bookkeeping of the Excel exchange with the city union.

Batches sent and received (append-only), the last exchange per counterpart, the version of each
received household last applied, held conflicts, saved column mappings, flags from 核查结果,
received fund allocations (fixed once received; the ledger marks them posted) and fund summaries.
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import code_rows

MIGRATION_0003 = r"""
CREATE TABLE exchange_batches (
    id INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,                -- 批次编号 (UUID); 'sheet:<sha256>' for a station's own sheet
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind TEXT NOT NULL DEFAULT 'batch',    -- batch | sheet
    counterpart_code TEXT NOT NULL DEFAULT '',
    counterpart_name TEXT NOT NULL DEFAULT '',
    generated_at TEXT NOT NULL DEFAULT '', -- 生成时间 written in the batch
    exchanged_at TEXT NOT NULL,            -- when this program imported or exported it
    mode TEXT NOT NULL DEFAULT '',         -- out: full | incremental
    since TEXT,                            -- out, incremental: changes after this time
    rows_json TEXT NOT NULL DEFAULT '{}',  -- {sheet name: data rows}
    result TEXT NOT NULL,                  -- exchange_result code
    summary_json TEXT NOT NULL DEFAULT '{}',
    file_name TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    checksum TEXT NOT NULL DEFAULT '',
    signed INTEGER NOT NULL DEFAULT 0,
    by_user TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_exchange_batches_done ON exchange_batches (batch_id, direction)
    WHERE result IN ('imported', 'sent');
CREATE INDEX ix_exchange_batches_time ON exchange_batches (exchanged_at);
CREATE TRIGGER exchange_batches_no_update BEFORE UPDATE ON exchange_batches BEGIN
    SELECT RAISE(ABORT, '交换批次记录只能追加，不能修改');
END;
CREATE TRIGGER exchange_batches_no_delete BEFORE DELETE ON exchange_batches BEGIN
    SELECT RAISE(ABORT, '交换批次记录只能追加，不能删除');
END;

CREATE TABLE exchange_counterparts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    last_sent_at TEXT,
    last_sent_batch TEXT,
    last_received_at TEXT,
    last_received_batch TEXT
);

-- The version (最后修改时间) of each received household last applied here: a household is
-- "changed locally" when its updated_at no longer equals it.
CREATE TABLE exchange_sync (
    household_id INTEGER PRIMARY KEY REFERENCES households (id) ON DELETE CASCADE,
    counterpart_code TEXT NOT NULL,
    remote_updated_at TEXT NOT NULL,
    batch_id TEXT NOT NULL
);

CREATE TABLE exchange_conflicts (
    id INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    sender_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('household', 'record')),
    key TEXT NOT NULL,                     -- 档案编号 or 记录编号
    household_id INTEGER REFERENCES households (id),
    record_id INTEGER REFERENCES assistance_records (id),
    incoming_json TEXT NOT NULL,           -- the batch's version, as labels
    local_json TEXT NOT NULL,              -- ours when the conflict was found, as labels
    status TEXT NOT NULL DEFAULT 'open',   -- conflict_status code
    resolution_json TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE INDEX ix_exchange_conflicts_status ON exchange_conflicts (status, id);

CREATE TABLE exchange_mappings (
    name TEXT PRIMARY KEY,
    mapping_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    by_user TEXT NOT NULL
);

-- 核查结果 from the city: 退回 and 跨县重复 are for the clerk to handle.
CREATE TABLE exchange_flags (
    id INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    sender_code TEXT NOT NULL,
    household_id INTEGER REFERENCES households (id),
    archive_no TEXT NOT NULL,
    result TEXT NOT NULL,                  -- verify_result code
    note TEXT NOT NULL DEFAULT '',
    keep_archive_no TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    handled_at TEXT,
    handled_by TEXT,
    handled_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_exchange_flags_household ON exchange_flags (household_id);

-- 下拨资金 received in 政策参数: kept here until the fund ledger posts them as receipts.
CREATE TABLE exchange_allocations (
    id INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    sender_code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    fund_source TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
    dibao_month_fen INTEGER NOT NULL CHECK (typeof(dibao_month_fen) = 'integer'),
    received_at TEXT NOT NULL,
    posted_at TEXT,
    posted_ref TEXT
);
CREATE TRIGGER exchange_allocations_fixed BEFORE UPDATE OF batch_id, sender_code, region_code, year, fund_source,
    amount_fen, dibao_month_fen, received_at ON exchange_allocations BEGIN
    SELECT RAISE(ABORT, '收到的下拨资金记录不能修改');
END;
CREATE TRIGGER exchange_allocations_no_delete BEFORE DELETE ON exchange_allocations BEGIN
    SELECT RAISE(ABORT, '收到的下拨资金记录不能删除');
END;

-- 资金收支 received from a county (the city side of the exchange).
CREATE TABLE exchange_fund_reports (
    id INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    sender_code TEXT NOT NULL,
    fund_source TEXT NOT NULL,
    opening_fen INTEGER NOT NULL,
    income_fen INTEGER NOT NULL,
    expense_fen INTEGER NOT NULL,
    closing_fen INTEGER NOT NULL,
    received_at TEXT NOT NULL
);
"""

#: Code lists of this module (also in ``codes.DEFAULT_LISTS``; inserted here for older databases).
EXCHANGE_LISTS = ("exchange_direction", "exchange_result", "conflict_status")


def m0003_exchange(db: Any) -> None:
    run_script(db, MIGRATION_0003)
    db.conn.executemany(
        "INSERT OR IGNORE INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)",
        code_rows(EXCHANGE_LISTS))
