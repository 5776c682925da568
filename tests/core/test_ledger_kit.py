"""Helpers for the ledger tests: funds with money, households 在档, approved decisions to pay."""

from __future__ import annotations

import datetime as dt
import json

from test_workflow_kit import DAY, Team, active_household, grant, team  # noqa: F401

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import now_iso, write
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.workflow import steps as workflow

TODAY = dt.date(2026, 6, 15)


def fund_id(db, name: str) -> int:
    return int(db.execute("SELECT id FROM funds WHERE name = ?", [name]).fetchone()[0])


def own_fund(db) -> int:
    return fund_id(db, "本级工会帮扶经费")


def finance_actor(db):
    return auth.get_actor(db, "finance")


def receive(db, fid: int, yuan: int, *, on: dt.date = dt.date(2026, 4, 1), kind: str = "allocation",
            today: dt.date = TODAY) -> ledger.Posted:
    return ledger.post_receipt(db, finance_actor(db), fid, yuan * 100, kind, "拨款", on=on, ref_no="县工发〔2026〕1号",
                               counterparty="捐赠人" if kind == "donation" else "", today=today)


def raw_decision(db, household_id: int, amount_fen: int, *, project: str = "1", decided_on: str = "2026-04-01",
                 entered_by: str = "clerk", approved_by: str = "approver", campaign_id: int | None = None) -> int:
    """An approved, unpaid decision written directly (for the many-payment tests; the full workflow is
    exercised by ``grant`` in the other tests)."""
    with write(db):
        h = db.execute("SELECT bank_name, bank_branch, bank_account, id_number, name FROM households WHERE id = ?",
                       [household_id]).fetchone()
        app_no = workflow.next_app_no(db, int(decided_on[:4]))
        at = now_iso()
        cur = db.execute(
            "INSERT INTO applications (app_no, household_id, kind, project, status, requested_fen, proposed_fen, "
            "needs_visit, needs_civil_check, needs_publicity, needs_materials, received_date, last_step_date, "
            "entered_by, entered_at, updated_at, campaign_id) VALUES (?, ?, 'project', ?, 'approved', ?, ?, 0, 0, 0, 0, "
            "?, ?, ?, ?, ?, ?)",
            [app_no, household_id, project, amount_fen, amount_fen, decided_on, decided_on, entered_by, at, at,
             campaign_id])
        app_id = int(cur.lastrowid)
        snap = {"household": {"bank_name": h[0], "bank_branch": h[1], "bank_account": h[2], "id_number": h[3],
                              "name": h[4]}}
        cur = db.execute(
            "INSERT INTO decisions (application_id, household_id, outcome, kind, project, amount_fen, entered_by, "
            "approved_by, decided_on, decided_at, snapshot, status) VALUES (?, ?, 'approved', 'project', ?, ?, ?, ?, ?, ?, ?, "
            "'unpaid')", [app_id, household_id, project, amount_fen, entered_by, approved_by, decided_on, at,
                          json.dumps(snap, ensure_ascii=False)])
        return int(cur.lastrowid)


def balance(db, fid: int) -> int:
    return int(funds.get(db, fid)["balance_fen"])
