"""Migration 0011_city: what the city union decides about its counties' archives and sends back down.

A database initialised with a city code (``530100``) holds every county's archives (kept apart by
``households.sender_code``). Its own decisions go down to each county in a batch (EXCHANGE_FORMAT.md,
city to county): 核查结果 (``city_verdicts``: 通过, 退回 or 跨县重复 for one archive, with which archive
stays) and 下拨资金 in 政策参数 (``city_allocations``, each row sent once with the county's 低保 standard).
A row is marked with the batch that carried it; a sent row is never changed again.

Numbered 0011: the branch that adds 0010 (household versions) was written at the same time.
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script

MIGRATION_0011 = r"""
CREATE TABLE city_verdicts (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    county_code TEXT NOT NULL,             -- the archive's sender (households.sender_code)
    archive_no TEXT NOT NULL,
    result TEXT NOT NULL,                  -- verify_result code: 1 通过, 2 退回, 3 跨县重复
    note TEXT NOT NULL DEFAULT '',         -- 说明 (跨县重复: names the archive that stays)
    keep_archive_no TEXT NOT NULL DEFAULT '',
    keep_county_code TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    sent_batch TEXT,                       -- the batch that carried it to the county
    sent_at TEXT
);
CREATE INDEX ix_city_verdicts_county ON city_verdicts (county_code, sent_batch);
CREATE INDEX ix_city_verdicts_household ON city_verdicts (household_id, id);
CREATE TRIGGER city_verdicts_sent_fixed BEFORE UPDATE ON city_verdicts WHEN OLD.sent_batch IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '已发给县里的核查结果不能修改');
END;
CREATE TRIGGER city_verdicts_sent_kept BEFORE DELETE ON city_verdicts WHEN OLD.sent_batch IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '已发给县里的核查结果不能删除');
END;

CREATE TABLE city_allocations (
    id INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    fund_source TEXT NOT NULL,             -- fund_source code
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    sent_batch TEXT,
    sent_at TEXT
);
CREATE INDEX ix_city_allocations_county ON city_allocations (county_code, sent_batch);
CREATE TRIGGER city_allocations_sent_fixed BEFORE UPDATE ON city_allocations WHEN OLD.sent_batch IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '已发给县里的下拨资金不能修改');
END;
CREATE TRIGGER city_allocations_sent_kept BEFORE DELETE ON city_allocations WHEN OLD.sent_batch IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '已发给县里的下拨资金不能删除');
END;
"""


def m0011_city(db: Any) -> None:
    run_script(db, MIGRATION_0011)
