"""Migration 0005_ledger: funds, vouchers and entries (append-only), balances, periods, payment
rosters, revolving-fund loans.

Integrity lives in the schema as well as in the core:

* ``vouchers`` and ``ledger_entries`` refuse UPDATE and DELETE (triggers RAISE(ABORT)); a mistake is
  corrected by a reversing voucher (红字冲销) whose lines point at the lines they reverse (UNIQUE, so
  a line is reversed at most once).
* Voucher numbers are consecutive per year: a trigger refuses a number that is not the year's last
  number plus one, and ``UNIQUE (year, seq)`` refuses a second one.
* ``fund_balances`` is kept by a trigger on every entry and has ``CHECK (balance_fen >= 0)``: no
  statement can overdraw a fund, whatever the caller does. ``helpdesk check`` compares it with the
  sum of the entries.
* A closed period (a row in ``ledger_periods``) takes no entries (trigger).
* Entry signs follow the kind: money in (receipts, transfers in) is positive, money out negative;
  a reversal line has the opposite sign of the line it reverses (CHECK).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import code_rows

INFLOW_KINDS = ("allocation", "donation", "interest", "other_in", "repayment", "transfer_in", "contribution")
OUTFLOW_KINDS = ("payment", "loan", "transfer_out", "mutual_aid")
# contribution / mutual_aid: 医疗互助 (core.mutual_*); older databases get them from migration 0007

_IN = ", ".join(f"'{k}'" for k in INFLOW_KINDS)
_ALL = ", ".join(f"'{k}'" for k in INFLOW_KINDS + OUTFLOW_KINDS)

MIGRATION_0005 = rf"""
CREATE TABLE funds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,                  -- fund_source
    purpose TEXT NOT NULL DEFAULT '',      -- fund_purpose ('' = none)
    kind TEXT NOT NULL DEFAULT 'grant' CHECK (kind IN ('grant', 'revolving')),
    bank_name TEXT NOT NULL DEFAULT '',
    account_name TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    restrict_projects TEXT NOT NULL DEFAULT '',       -- comma-separated project codes ('' = any)
    restrict_categories TEXT NOT NULL DEFAULT '',     -- comma-separated 困难类别 codes ('' = any)
    restrict_archive_types TEXT NOT NULL DEFAULT '',  -- comma-separated 档案类型 codes ('' = any)
    restrict_campaign_id INTEGER REFERENCES campaigns (id),   -- earmarked for one 帮扶活动
    earmark TEXT NOT NULL DEFAULT '',      -- what the money is earmarked for, in words
    note TEXT NOT NULL DEFAULT '',
    ord INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE fund_balances (
    fund_id INTEGER PRIMARY KEY REFERENCES funds (id),
    balance_fen INTEGER NOT NULL DEFAULT 0 CHECK (typeof(balance_fen) = 'integer' AND balance_fen >= 0)
);
CREATE TRIGGER funds_balance_row AFTER INSERT ON funds BEGIN
    INSERT INTO fund_balances (fund_id, balance_fen) VALUES (new.id, 0);
END;
CREATE TRIGGER funds_no_delete BEFORE DELETE ON funds BEGIN
    SELECT RAISE(ABORT, '资金不能删除，不再使用的资金请停用');
END;

CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    voucher_no TEXT NOT NULL UNIQUE,       -- 凭证号: YYYY-NNNN
    kind TEXT NOT NULL,                    -- voucher_kind
    entry_date TEXT NOT NULL,              -- the business date (记账日期)
    summary TEXT NOT NULL,                 -- 摘要
    ref_no TEXT NOT NULL DEFAULT '',       -- 拨款文号, bank batch number, approval reference
    counterparty TEXT NOT NULL DEFAULT '', -- payer, donor
    reverses_voucher_id INTEGER REFERENCES vouchers (id),
    reason TEXT NOT NULL DEFAULT '',       -- why a reversal was made
    posted_by TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    UNIQUE (year, seq),
    CHECK (year = CAST(substr(entry_date, 1, 4) AS INTEGER))
);
CREATE INDEX ix_vouchers_date ON vouchers (entry_date);
CREATE TRIGGER vouchers_consecutive BEFORE INSERT ON vouchers
WHEN new.seq <> coalesce((SELECT max(seq) FROM vouchers WHERE year = new.year), 0) + 1 BEGIN
    SELECT RAISE(ABORT, '凭证号必须按年度连续编号，不能跳号或重复');
END;
CREATE TRIGGER vouchers_no_update BEFORE UPDATE ON vouchers BEGIN
    SELECT RAISE(ABORT, '已记账的凭证不能修改，请用红字冲销更正');
END;
CREATE TRIGGER vouchers_no_delete BEFORE DELETE ON vouchers BEGIN
    SELECT RAISE(ABORT, '已记账的凭证不能删除，请用红字冲销更正');
END;

-- A closed month or year ('2026-03' / '2026'): entries dated inside it are refused.
CREATE TABLE ledger_periods (
    period TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('month', 'year')),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    balances TEXT NOT NULL                 -- JSON: fund id -> closing balance (fen) at end_date
);
CREATE INDEX ix_ledger_periods_dates ON ledger_periods (start_date, end_date);

CREATE TABLE ledger_period_log (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    balances TEXT
);
CREATE TRIGGER ledger_period_log_no_update BEFORE UPDATE ON ledger_period_log BEGIN
    SELECT RAISE(ABORT, '结账记录只能追加，不能修改');
END;
CREATE TRIGGER ledger_period_log_no_delete BEFORE DELETE ON ledger_period_log BEGIN
    SELECT RAISE(ABORT, '结账记录只能追加，不能删除');
END;

CREATE TABLE payment_rosters (
    id INTEGER PRIMARY KEY,
    roster_no TEXT NOT NULL UNIQUE,        -- 花名册编号 FF + year + serial
    title TEXT NOT NULL,
    project TEXT,
    campaign_id INTEGER REFERENCES campaigns (id),
    fund_id INTEGER NOT NULL REFERENCES funds (id),
    pay_method TEXT NOT NULL,              -- pay_method
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'paid', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    paid_date TEXT,
    bank_batch TEXT NOT NULL DEFAULT '',
    voucher_id INTEGER REFERENCES vouchers (id),
    paid_by TEXT,
    paid_at TEXT
);
CREATE INDEX ix_payment_rosters_status ON payment_rosters (status);
CREATE TRIGGER payment_rosters_fixed BEFORE UPDATE ON payment_rosters WHEN old.status <> 'draft' BEGIN
    SELECT RAISE(ABORT, '已发放或已作废的花名册不能修改');
END;
CREATE TRIGGER payment_rosters_no_delete BEFORE DELETE ON payment_rosters BEGIN
    SELECT RAISE(ABORT, '花名册不能删除，不用的花名册请作废');
END;

CREATE TABLE payment_roster_rows (
    id INTEGER PRIMARY KEY,
    roster_id INTEGER NOT NULL REFERENCES payment_rosters (id),
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    UNIQUE (roster_id, decision_id)
);
CREATE INDEX ix_payment_roster_rows_decision ON payment_roster_rows (decision_id);
CREATE TRIGGER payment_roster_rows_fixed BEFORE UPDATE ON payment_roster_rows
WHEN (SELECT status FROM payment_rosters WHERE id = old.roster_id) <> 'draft' BEGIN
    SELECT RAISE(ABORT, '已发放或已作废的花名册不能修改');
END;
CREATE TRIGGER payment_roster_rows_no_delete BEFORE DELETE ON payment_roster_rows
WHEN (SELECT status FROM payment_rosters WHERE id = old.roster_id) <> 'draft' BEGIN
    SELECT RAISE(ABORT, '已发放或已作废的花名册不能修改');
END;

-- 创业周转金: a loan from a revolving fund, repaid by instalments (receipts of kind repayment).
CREATE TABLE loans (
    id INTEGER PRIMARY KEY,
    loan_no TEXT NOT NULL UNIQUE,          -- JK + year + serial
    fund_id INTEGER NOT NULL REFERENCES funds (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    principal_fen INTEGER NOT NULL CHECK (typeof(principal_fen) = 'integer' AND principal_fen > 0),
    issued_date TEXT NOT NULL,
    purpose TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approval_ref TEXT NOT NULL DEFAULT '',
    guarantor TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (approved_by <> created_by)
);
CREATE INDEX ix_loans_household ON loans (household_id);
CREATE TABLE loan_schedule (
    loan_id INTEGER NOT NULL REFERENCES loans (id),
    seq INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    PRIMARY KEY (loan_id, seq)
);
CREATE TRIGGER loans_no_update BEFORE UPDATE ON loans BEGIN
    SELECT RAISE(ABORT, '周转金借款登记不能修改');
END;
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans BEGIN
    SELECT RAISE(ABORT, '周转金借款登记不能删除');
END;
CREATE TRIGGER loan_schedule_no_update BEFORE UPDATE ON loan_schedule BEGIN
    SELECT RAISE(ABORT, '还款计划不能修改');
END;
CREATE TRIGGER loan_schedule_no_delete BEFORE DELETE ON loan_schedule BEGIN
    SELECT RAISE(ABORT, '还款计划不能删除');
END;

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
    line INTEGER NOT NULL,
    fund_id INTEGER NOT NULL REFERENCES funds (id),
    entry_date TEXT NOT NULL,              -- the voucher's date, here for the covering indexes
    kind TEXT NOT NULL CHECK (kind IN ({_ALL})),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen <> 0),
    memo TEXT NOT NULL DEFAULT '',
    counterparty TEXT NOT NULL DEFAULT '',
    household_id INTEGER REFERENCES households (id),
    decision_id INTEGER REFERENCES decisions (id),
    project TEXT,
    pay_method TEXT,
    bank_name TEXT NOT NULL DEFAULT '',    -- the account actually paid to, as it was
    bank_branch TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    record_no TEXT,                        -- the 帮扶记录 written for a payment
    roster_id INTEGER REFERENCES payment_rosters (id),
    loan_id INTEGER REFERENCES loans (id),
    allocation_id INTEGER,                 -- exchange_allocations.id posted by this receipt
    reverses_id INTEGER UNIQUE REFERENCES ledger_entries (id),
    UNIQUE (voucher_id, line),
    CHECK ((amount_fen > 0) = ((kind IN ({_IN})) <> (reverses_id IS NOT NULL))),
    CHECK (kind <> 'payment' OR decision_id IS NOT NULL),
    CHECK (kind NOT IN ('loan', 'repayment') OR loan_id IS NOT NULL)
);
CREATE INDEX ix_entries_fund ON ledger_entries (fund_id, entry_date, kind, amount_fen);
CREATE INDEX ix_entries_date ON ledger_entries (entry_date, fund_id, kind, amount_fen);
CREATE INDEX ix_entries_voucher ON ledger_entries (voucher_id);
CREATE INDEX ix_entries_decision ON ledger_entries (decision_id) WHERE decision_id IS NOT NULL;
CREATE INDEX ix_entries_household ON ledger_entries (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX ix_entries_loan ON ledger_entries (loan_id) WHERE loan_id IS NOT NULL;
CREATE INDEX ix_entries_roster ON ledger_entries (roster_id) WHERE roster_id IS NOT NULL;
CREATE TRIGGER ledger_entries_open_period BEFORE INSERT ON ledger_entries
WHEN EXISTS (SELECT 1 FROM ledger_periods WHERE new.entry_date BETWEEN start_date AND end_date) BEGIN
    SELECT RAISE(ABORT, '该期间已结账，不能再记入凭证');
END;
CREATE TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries BEGIN
    UPDATE fund_balances SET balance_fen = balance_fen + new.amount_fen WHERE fund_id = new.fund_id;
END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN
    SELECT RAISE(ABORT, '已记账的分录不能修改，请用红字冲销更正');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN
    SELECT RAISE(ABORT, '已记账的分录不能删除，请用红字冲销更正');
END;

-- Scans attached to a voucher (the signed roster, the bank slip, the allocation notice).
CREATE TABLE voucher_attachments (
    id INTEGER PRIMARY KEY,
    voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,               -- stored path relative to the data folder
    sha256 TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE INDEX ix_voucher_attachments_voucher ON voucher_attachments (voucher_id);
CREATE TRIGGER voucher_attachments_no_update BEFORE UPDATE ON voucher_attachments BEGIN
    SELECT RAISE(ABORT, '凭证附件只能追加，不能修改');
END;
CREATE TRIGGER voucher_attachments_no_delete BEFORE DELETE ON voucher_attachments BEGIN
    SELECT RAISE(ABORT, '凭证附件只能追加，不能删除');
END;

CREATE TABLE ledger_serials (
    kind TEXT NOT NULL,                    -- 'roster', 'loan'
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
);
"""

#: Code lists of the ledger (also in ``codes.DEFAULT_LISTS``; inserted here for older databases).
LEDGER_LISTS = ("ledger_entry_kind", "voucher_kind", "fund_purpose", "fund_kind", "roster_status")

# (name, source, purpose, kind, restrict_projects, restrict_categories, earmark)
# Sources first (the 资金来源 view), then the ten purpose funds (十项救助金) of a union that keeps them.
DEFAULT_FUNDS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("中央财政帮扶资金", "1", "", "grant", "", "1,2", "中央财政资金只用于全国级档案（深度困难、相对困难）"),
    ("省财政帮扶资金", "2", "", "grant", "", "", ""),
    ("地方财政配套资金", "3", "", "grant", "", "", ""),
    ("上级工会拨付资金", "4", "", "grant", "", "", ""),
    ("本级工会帮扶经费", "5", "", "grant", "", "", ""),
    ("社会捐助（一日捐）", "6", "", "grant", "", "", ""),
    ("专户利息", "7", "", "grant", "", "", ""),
    ("行政拨付资金", "8", "", "grant", "", "", ""),
    ("其他资金", "9", "", "grant", "", "", ""),
    ("在职职工生活困难救助金", "5", "1", "grant", "1,4,5", "", ""),
    ("退休职工生活困难救助金", "5", "2", "grant", "1,4,5", "", ""),
    ("大病救助金", "5", "3", "grant", "2", "", "自付超过起付线的部分按比例救助"),
    ("职工医疗互助金", "5", "4", "grant", "9", "", ""),
    ("中小学助学金", "5", "5", "grant", "3", "", ""),
    ("大学助学金", "5", "6", "grant", "3", "", ""),
    ("残疾困难救助金", "5", "7", "grant", "1,4,5", "", ""),
    ("法律援助金", "5", "8", "grant", "8", "", ""),
    ("创业周转金", "5", "9", "revolving", "", "", "借款须按期归还，归还后循环使用"),
    ("租赁住房救助金", "5", "10", "grant", "1,10", "", ""),
    ("冬季取暖费救助金", "5", "11", "grant", "1,4", "", ""),
)


def default_fund_rows(at: str) -> list[tuple[Any, ...]]:
    return [(name, source, purpose, kind, projects, categories, earmark, i + 1, "system", at)
            for i, (name, source, purpose, kind, projects, categories, earmark) in enumerate(DEFAULT_FUNDS)]


def m0005_ledger(db: Any) -> None:
    run_script(db, MIGRATION_0005)
    db.conn.executemany(
        "INSERT OR IGNORE INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)",
        code_rows(LEDGER_LISTS))
    at = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    db.conn.executemany(
        "INSERT INTO funds (name, source, purpose, kind, restrict_projects, restrict_categories, earmark, ord, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", default_fund_rows(at))
