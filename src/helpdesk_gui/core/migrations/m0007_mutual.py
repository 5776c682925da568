"""Migration 0007_mutual: 职工医疗互助 — plans, units, members, enrolments, contributions, claims
with their receipts, special advances and quarterly settlements.

Money moves only through the fund ledger: a unit's contributions are a receipt voucher (entry
kind ``contribution``) into the plan's fund, an advance and a settlement are payment vouchers
(entry kind ``mutual_aid``). Each such entry is listed in ``mutual_payments`` (append-only), so
``helpdesk check`` can match every entry with the claim or advance it paid.

Integrity in the schema: a receipt (by member, kind and number) can sit in one live claim only
(partial UNIQUE index), posted contributions and payments are never changed, a posted settlement
is fixed, and a claim paid by a posted settlement can no longer change.

Older databases were created with a closed list of entry kinds in ``ledger_entries``; this
migration widens that CHECK to the two new kinds (the table's rows and format are unchanged, only
the constraint text, the procedure the SQLite documentation gives for loosening a CHECK).
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script
from helpdesk_gui.core.migrations.m0001_seed import code_rows
from helpdesk_gui.core.migrations.m0005_ledger import INFLOW_KINDS, OUTFLOW_KINDS

MIGRATION_0007 = r"""
CREATE TABLE mutual_plans (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL UNIQUE CHECK (length(period) = 4),   -- the plan year (互助期), e.g. '2026'
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    fund_id INTEGER NOT NULL REFERENCES funds (id),
    worker_fen INTEGER NOT NULL CHECK (typeof(worker_fen) = 'integer' AND worker_fen >= 0),
    unit_fen INTEGER NOT NULL CHECK (typeof(unit_fen) = 'integer' AND unit_fen >= 0),
    union_fen INTEGER NOT NULL CHECK (typeof(union_fen) = 'integer' AND union_fen >= 0),
    deductible_fen INTEGER NOT NULL CHECK (deductible_fen >= 0),
    rate_pct INTEGER NOT NULL CHECK (rate_pct BETWEEN 0 AND 100),
    loyalty_years INTEGER NOT NULL CHECK (loyalty_years >= 1),
    loyalty_points INTEGER NOT NULL CHECK (loyalty_points >= 0),
    max_rate_pct INTEGER NOT NULL CHECK (max_rate_pct BETWEEN 0 AND 100),
    claim_cap_fen INTEGER CHECK (claim_cap_fen IS NULL OR claim_cap_fen > 0),
    year_cap_fen INTEGER CHECK (year_cap_fen IS NULL OR year_cap_fen > 0),
    rehab_bands TEXT NOT NULL DEFAULT '[]',  -- JSON [[pooled payment above (fen), 康复金 (fen)], ...]
    advance_cap_fen INTEGER CHECK (advance_cap_fen IS NULL OR advance_cap_fen > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (start_date <= end_date)
);

CREATE TABLE mutual_units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE mutual_members (
    id INTEGER PRIMARY KEY,
    id_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    gender TEXT,
    birth_date TEXT,
    unit_id INTEGER NOT NULL REFERENCES mutual_units (id),
    phone TEXT NOT NULL DEFAULT '',
    bank_name TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    since_year INTEGER,                     -- 连续参加起始年度 from paper records (before the first plan here)
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_mutual_members_unit ON mutual_members (unit_id);
CREATE INDEX ix_mutual_members_name ON mutual_members (name);

CREATE TABLE mutual_contributions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES mutual_plans (id),
    unit_id INTEGER NOT NULL REFERENCES mutual_units (id),
    members INTEGER NOT NULL CHECK (members > 0),
    worker_fen INTEGER NOT NULL CHECK (worker_fen >= 0),
    unit_fen INTEGER NOT NULL CHECK (unit_fen >= 0),
    union_fen INTEGER NOT NULL CHECK (union_fen >= 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0 AND amount_fen = worker_fen + unit_fen + union_fen),
    received_on TEXT NOT NULL,
    voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_mutual_contributions_plan ON mutual_contributions (plan_id, unit_id);
CREATE TRIGGER mutual_contributions_no_update BEFORE UPDATE ON mutual_contributions BEGIN
    SELECT RAISE(ABORT, '已入账的互助金缴费不能修改，请冲销凭证后重新登记');
END;
CREATE TRIGGER mutual_contributions_no_delete BEFORE DELETE ON mutual_contributions BEGIN
    SELECT RAISE(ABORT, '已入账的互助金缴费不能删除，请冲销凭证后重新登记');
END;

CREATE TABLE mutual_enrolments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES mutual_plans (id),
    member_id INTEGER NOT NULL REFERENCES mutual_members (id),
    unit_id INTEGER NOT NULL REFERENCES mutual_units (id),
    enrolled_on TEXT NOT NULL,
    contribution_id INTEGER REFERENCES mutual_contributions (id),   -- NULL: 待缴费
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (plan_id, member_id)
);
CREATE INDEX ix_mutual_enrolments_member ON mutual_enrolments (member_id, plan_id);
CREATE INDEX ix_mutual_enrolments_unit ON mutual_enrolments (plan_id, unit_id);
CREATE TRIGGER mutual_enrolments_paid BEFORE DELETE ON mutual_enrolments WHEN old.contribution_id IS NOT NULL BEGIN
    SELECT RAISE(ABORT, '已缴费的参加登记不能删除');
END;

CREATE TABLE mutual_settlements (
    id INTEGER PRIMARY KEY,
    settle_no TEXT NOT NULL UNIQUE,          -- JS + quarter + serial, e.g. JS2026Q3-01
    quarter TEXT NOT NULL,                   -- '2026-Q3'
    fund_id INTEGER NOT NULL REFERENCES funds (id),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'posted', 'cancelled')),
    claims INTEGER NOT NULL DEFAULT 0,
    total_fen INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    paid_date TEXT,
    voucher_id INTEGER REFERENCES vouchers (id),
    posted_by TEXT,
    posted_at TEXT
);
CREATE TRIGGER mutual_settlements_fixed BEFORE UPDATE ON mutual_settlements WHEN old.status <> 'draft' BEGIN
    SELECT RAISE(ABORT, '已记账或已作废的结算不能修改');
END;
CREATE TRIGGER mutual_settlements_no_delete BEFORE DELETE ON mutual_settlements BEGIN
    SELECT RAISE(ABORT, '结算不能删除，不用的结算请作废');
END;

CREATE TABLE mutual_claims (
    id INTEGER PRIMARY KEY,
    claim_no TEXT NOT NULL UNIQUE,           -- HZ + year + serial
    plan_id INTEGER NOT NULL REFERENCES mutual_plans (id),
    member_id INTEGER NOT NULL REFERENCES mutual_members (id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'approved', 'rejected', 'settled', 'cancelled')),
    submitted_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    total_fen INTEGER NOT NULL DEFAULT 0,
    insurance_fen INTEGER NOT NULL DEFAULT 0,
    self_fen INTEGER NOT NULL DEFAULT 0,
    years INTEGER,                           -- consecutive years of membership used
    rate_pct INTEGER,
    subsidy_fen INTEGER,                     -- 补助 after caps
    rehab_fen INTEGER,                       -- 康复金
    offset_fen INTEGER,                      -- set against special advances
    payable_fen INTEGER,                     -- paid by the settlement
    steps TEXT,                              -- JSON list of the calculation's steps, as approved
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    settlement_id INTEGER REFERENCES mutual_settlements (id),
    CHECK (status NOT IN ('approved', 'settled') OR payable_fen IS NOT NULL),
    CHECK (status <> 'settled' OR settlement_id IS NOT NULL)
);
CREATE INDEX ix_mutual_claims_member ON mutual_claims (member_id, plan_id);
CREATE INDEX ix_mutual_claims_status ON mutual_claims (status, decided_at);
CREATE INDEX ix_mutual_claims_settlement ON mutual_claims (settlement_id) WHERE settlement_id IS NOT NULL;
CREATE TRIGGER mutual_claims_settled BEFORE UPDATE ON mutual_claims WHEN old.status IN ('settled', 'cancelled')
    AND NOT (old.status = 'settled' AND new.status = 'approved' AND new.settlement_id IS NULL) BEGIN
    SELECT RAISE(ABORT, '已结算或已作废的报销不能修改');
END;
CREATE TRIGGER mutual_claims_no_delete BEFORE DELETE ON mutual_claims BEGIN
    SELECT RAISE(ABORT, '报销登记不能删除，不用的请作废');
END;

CREATE TABLE mutual_receipts (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES mutual_claims (id),
    member_id INTEGER NOT NULL REFERENCES mutual_members (id),
    ord INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,                      -- mutual_receipt_kind
    receipt_no TEXT NOT NULL,
    hospital TEXT NOT NULL DEFAULT '',
    receipt_date TEXT NOT NULL,
    total_fen INTEGER NOT NULL CHECK (typeof(total_fen) = 'integer' AND total_fen > 0),
    insurance_fen INTEGER NOT NULL CHECK (typeof(insurance_fen) = 'integer' AND insurance_fen >= 0),
    self_fen INTEGER NOT NULL CHECK (typeof(self_fen) = 'integer' AND self_fen >= 0),
    live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1)),  -- 0 once its claim is rejected or cancelled
    CHECK (insurance_fen + self_fen <= total_fen)
);
CREATE INDEX ix_mutual_receipts_claim ON mutual_receipts (claim_id);
CREATE UNIQUE INDEX ux_mutual_receipts_live ON mutual_receipts (member_id, kind, receipt_no) WHERE live = 1;
CREATE TRIGGER mutual_receipts_fixed BEFORE UPDATE ON mutual_receipts
WHEN (SELECT status FROM mutual_claims WHERE id = old.claim_id) NOT IN ('draft', 'rejected', 'cancelled')
    OR old.live = 0 BEGIN
    SELECT RAISE(ABORT, '已批准的报销单据不能修改');
END;
CREATE TRIGGER mutual_receipts_no_delete BEFORE DELETE ON mutual_receipts
WHEN (SELECT status FROM mutual_claims WHERE id = old.claim_id) <> 'draft' BEGIN
    SELECT RAISE(ABORT, '只有待审批的报销可以删改单据');
END;

CREATE TABLE mutual_advances (
    id INTEGER PRIMARY KEY,
    advance_no TEXT NOT NULL UNIQUE,         -- YF + year + serial
    plan_id INTEGER NOT NULL REFERENCES mutual_plans (id),
    member_id INTEGER NOT NULL REFERENCES mutual_members (id),
    amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen > 0),
    reason TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
    closed_at TEXT,                          -- written off (转为特殊救助) with a reason
    closed_by TEXT,
    closed_reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (approved_by <> created_by)
);
CREATE INDEX ix_mutual_advances_member ON mutual_advances (member_id);

-- Which later claim settled how much of which advance (written when the claim is approved).
CREATE TABLE mutual_offsets (
    claim_id INTEGER NOT NULL REFERENCES mutual_claims (id),
    advance_id INTEGER NOT NULL REFERENCES mutual_advances (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (claim_id, advance_id)
);
CREATE INDEX ix_mutual_offsets_advance ON mutual_offsets (advance_id);

-- Every ledger entry of kind mutual_aid with what it paid (append-only, like the entries).
CREATE TABLE mutual_payments (
    entry_id INTEGER PRIMARY KEY REFERENCES ledger_entries (id),
    claim_id INTEGER REFERENCES mutual_claims (id),
    advance_id INTEGER REFERENCES mutual_advances (id),
    settlement_id INTEGER REFERENCES mutual_settlements (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    CHECK ((claim_id IS NULL) <> (advance_id IS NULL))
);
CREATE INDEX ix_mutual_payments_claim ON mutual_payments (claim_id);
CREATE TRIGGER mutual_payments_no_update BEFORE UPDATE ON mutual_payments BEGIN
    SELECT RAISE(ABORT, '已记账的互助金支付不能修改');
END;
CREATE TRIGGER mutual_payments_no_delete BEFORE DELETE ON mutual_payments BEGIN
    SELECT RAISE(ABORT, '已记账的互助金支付不能删除');
END;

CREATE TABLE mutual_serials (
    kind TEXT NOT NULL,                      -- 'claim', 'advance', 'settlement'
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
);
"""

#: Code lists of the feature (also in ``codes.DEFAULT_LISTS``; inserted here for older databases).
MUTUAL_LISTS = ("mutual_receipt_kind", "mutual_claim_status", "ledger_entry_kind")

#: the ledger entry kinds this feature adds (money in: contributions; out: reimbursements and advances)
NEW_ENTRY_KINDS = ("contribution", "mutual_aid")


def _widen_entry_kinds(db: Any) -> None:
    """Let ``ledger_entries.kind`` take the new kinds in a database made before they existed."""
    sql = str(db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger_entries'").fetchone()[0])
    if "'mutual_aid'" in sql:
        return                              # created by a 0005 that already knows them
    old_all = ", ".join(f"'{k}'" for k in INFLOW_KINDS + OUTFLOW_KINDS if k not in NEW_ENTRY_KINDS)
    old_in = ", ".join(f"'{k}'" for k in INFLOW_KINDS if k not in NEW_ENTRY_KINDS)
    new_all = ", ".join(f"'{k}'" for k in INFLOW_KINDS + OUTFLOW_KINDS)
    new_in = ", ".join(f"'{k}'" for k in INFLOW_KINDS)
    widened = sql.replace(f"kind IN ({old_all})", f"kind IN ({new_all})").replace(
        f"(kind IN ({old_in}))", f"(kind IN ({new_in}))")
    if "'mutual_aid'" not in widened or "'contribution'" not in widened:
        raise RuntimeError("ledger_entries 的收支类别约束与预期不符，无法升级")
    version = int(db.execute("PRAGMA schema_version").fetchone()[0])
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'ledger_entries'", [widened])
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")


def m0007_mutual(db: Any) -> None:
    _widen_entry_kinds(db)
    run_script(db, MIGRATION_0007)
    db.conn.executemany(
        "INSERT OR IGNORE INTO code_lists (list, code, label, ord, active) VALUES (?, ?, ?, ?, ?)",
        code_rows(MUTUAL_LISTS))
