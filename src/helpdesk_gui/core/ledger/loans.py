"""创业周转金: a revolving fund lends to households 在档 (to start a small business); loans are repaid
by instalments on a schedule, repayments are receipts of the same fund, and overdue loans are listed.

* Only a revolving fund (``funds.kind = 'revolving'``) lends, and it does nothing else but take money
  in and lend it. A loan needs an approver (a user who may approve applications, not the one who
  posts it) and the approval reference; the amount and term are capped by the settings
  ``loan_max_fen`` and ``loan_max_months``; one household has one loan outstanding at a time.
* The loan and its schedule are fixed once written (triggers). Repayments are applied to the
  instalments in order; an instalment unpaid ``loan_grace_days`` after its due date is overdue.
* Lending posts a voucher (kind 借款) with a ``loan`` line, repaying one (还款) with a ``repayment``
  line; both are reversible like any entry (a loan only before any repayment: it is then void).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger


def add_months(day: _dt.date, months: int) -> _dt.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(principal_fen: int, installments: int, first_due: _dt.date, every_months: int = 1) -> list[tuple[str, int]]:
    """Equal instalments (the remainder in the last), due every ``every_months`` from ``first_due``."""
    base = principal_fen // installments
    amounts = [base] * installments
    amounts[-1] += principal_fen - base * installments
    return [(add_months(first_due, i * every_months).isoformat(), a) for i, a in enumerate(amounts)]


@dataclass(frozen=True)
class LoanState:
    principal_fen: int
    repaid_fen: int
    due_to_date_fen: int
    overdue_fen: int
    overdue_since: str | None        # due date of the first instalment not covered, when overdue
    void: bool                       # the loan line was reversed

    @property
    def outstanding_fen(self) -> int:
        return 0 if self.void else self.principal_fen - self.repaid_fen


def _serial(db: Database, year: int) -> int:
    db.execute("INSERT INTO ledger_serials (kind, year, last_serial) VALUES ('loan', ?, 1) ON CONFLICT (kind, year) "
               "DO UPDATE SET last_serial = ledger_serials.last_serial + 1", [year])
    return int(scalar(db, "SELECT last_serial FROM ledger_serials WHERE kind = 'loan' AND year = ?", [year]))


def state(db: Database, loan_id: int, today: _dt.date | None = None) -> LoanState:
    today = today or _dt.date.today()
    loan = get(db, loan_id)
    lent = int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE loan_id = ? AND kind = 'loan'",
                      [loan_id]))
    repaid = int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE loan_id = ? "
                            "AND kind = 'repayment'", [loan_id]))
    grace = int(settings.get(db, "loan_grace_days"))
    covered = repaid
    due = overdue = 0
    since: str | None = None
    for r in rows(db, "SELECT due_date, amount_fen FROM loan_schedule WHERE loan_id = ? ORDER BY seq", [loan_id]):
        if r["due_date"] > today.isoformat():
            break
        due += int(r["amount_fen"])
        short = max(0, int(r["amount_fen"]) - max(covered, 0))
        covered -= int(r["amount_fen"])
        late = _dt.date.fromisoformat(r["due_date"]) + _dt.timedelta(days=grace) < today
        if short and late:
            overdue += short
            since = since or str(r["due_date"])
    void = lent == 0
    return LoanState(int(loan["principal_fen"]), repaid, due, 0 if void else overdue, None if void else since, void)


def get(db: Database, loan_id: int) -> dict[str, Any]:
    loan = row(db, "SELECT l.*, h.name AS household_name, h.archive_no, f.name AS fund_name FROM loans l "
                   "JOIN households h ON h.id = l.household_id JOIN funds f ON f.id = l.fund_id WHERE l.id = ?", [loan_id])
    if loan is None:
        raise NotFoundError("周转金借款", loan_id)
    return loan


def issue(db: Database, actor: Actor, fund_id: int, household_id: int, principal_fen: int, *, purpose: str,
          approved_by: str, approval_ref: str, installments: int, first_due: _dt.date, every_months: int = 1,
          guarantor: str = "", on: _dt.date | None = None, today: _dt.date | None = None) -> int:
    """借出: a loan from a revolving fund with its repayment schedule, in one voucher."""
    actor.require("ledger.post")
    principal_fen = ledger.positive_amount(principal_fen, "借款金额")
    on = ledger.business_date(on, today, "借款日期")
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError("借款用途", "必须填写")
    if not approval_ref.strip():
        raise ValidationError("批准文号", "必须填写")
    cap = int(settings.get(db, "loan_max_fen"))
    if principal_fen > cap:
        raise ValidationError("借款金额", f"超过单笔上限 {format_yuan(cap, grouping=True)} 元", format_yuan(principal_fen))
    if installments < 1 or every_months < 1:
        raise ValidationError("还款期数", "应至少 1 期")
    months = int(settings.get(db, "loan_max_months"))
    last_due = add_months(first_due, (installments - 1) * every_months)
    if first_due <= on or last_due > add_months(on, months):
        raise ValidationError("还款计划", f"首期应在借款日之后，末期不晚于借款后 {months} 个月", last_due.isoformat())
    approver = auth.get_actor(db, approved_by.strip())
    if not approver.can("workflow.approve") or approver.username == actor.username:
        raise ValidationError("批准人", "须为审批人（且不是记账人本人）", approved_by)
    with write(db):
        fund = funds.get(db, fund_id)
        if fund["kind"] != "revolving":
            raise StateError(f"资金“{fund['name']}”不是周转金，不能办理借款。")
        h = row(db, "SELECT id, name, archive_no, status, bank_name, bank_branch, bank_account FROM households WHERE id = ?",
                [household_id])
        if h is None:
            raise NotFoundError("档案", household_id)
        if h["status"] != "active":
            raise StateError(f"{h['name']}（{h['archive_no']}）不是在档家庭，周转金只借给在档的困难职工家庭。")
        for other in rows(db, "SELECT id, loan_no FROM loans WHERE household_id = ?", [household_id]):
            if state(db, int(other["id"]), today).outstanding_fen:
                raise StateError(f"{h['name']}还有未还清的周转金借款 {other['loan_no']}，还清后才能再借。")
        loan_no = f"JK{on.year}{_serial(db, on.year):04d}"
        cur = db.execute("INSERT INTO loans (loan_no, fund_id, household_id, principal_fen, issued_date, purpose, "
                         "approved_by, approval_ref, guarantor, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [loan_no, fund_id, household_id, principal_fen, on.isoformat(), purpose, approver.username,
                          approval_ref.strip(), guarantor.strip(), actor.username, now_iso()])
        loan_id = int(cur.lastrowid or 0)
        plan = schedule(principal_fen, installments, first_due, every_months)
        db.conn.executemany("INSERT INTO loan_schedule (loan_id, seq, due_date, amount_fen) VALUES (?, ?, ?, ?)",
                            [(loan_id, i + 1, d, a) for i, (d, a) in enumerate(plan)])
        ledger.post(db, actor, "loan", on, f"创业周转金借款 {loan_no} {h['name']}：{purpose}", [ledger.Line(
            fund_id, "loan", -principal_fen, memo=f"借款 {loan_no}", counterparty=str(h["name"]), household_id=household_id,
            bank_name=str(h["bank_name"]), bank_branch=str(h["bank_branch"]), bank_account=str(h["bank_account"]),
            loan_id=loan_id)], ref_no=approval_ref.strip(), counterparty=str(h["name"]), today=today)
        audit.record(db, actor.username, "create", "loan", loan_no, None,
                     {"principal_fen": principal_fen, "schedule": plan, "approved_by": approver.username})
    return loan_id


def repay(db: Database, actor: Actor, loan_id: int, amount_fen: int, *, on: _dt.date | None = None, ref_no: str = "",
          today: _dt.date | None = None) -> ledger.Posted:
    """还款: a receipt of the revolving fund against the loan (never more than is outstanding)."""
    amount_fen = ledger.positive_amount(amount_fen, "还款金额")
    with write(db):
        loan = get(db, loan_id)
        st = state(db, loan_id, today)
        if st.void:
            raise StateError(f"借款 {loan['loan_no']} 已冲销作废。")
        if amount_fen > st.outstanding_fen:
            raise ValidationError("还款金额", f"超过尚欠 {format_yuan(st.outstanding_fen, grouping=True)} 元",
                                  format_yuan(amount_fen))
        return ledger.post(db, actor, "repayment", ledger.business_date(on, today), f"收回周转金借款 {loan['loan_no']} "
                           f"{loan['household_name']}", [ledger.Line(
                               int(loan["fund_id"]), "repayment", amount_fen, memo=f"还款 {loan['loan_no']}",
                               counterparty=str(loan["household_name"]), household_id=int(loan["household_id"]),
                               loan_id=loan_id)], ref_no=ref_no, counterparty=str(loan["household_name"]), today=today)


def list_loans(db: Database, *, today: _dt.date | None = None, overdue_only: bool = False) -> list[dict[str, Any]]:
    """Every loan with its state; overdue ones first (longest overdue first), then by number."""
    out = []
    for loan in rows(db, "SELECT l.*, h.name AS household_name, h.archive_no, h.phone, f.name AS fund_name FROM loans l "
                         "JOIN households h ON h.id = l.household_id JOIN funds f ON f.id = l.fund_id ORDER BY l.id"):
        st = state(db, int(loan["id"]), today)
        if overdue_only and not st.overdue_fen:
            continue
        loan.update(repaid_fen=st.repaid_fen, outstanding_fen=st.outstanding_fen, overdue_fen=st.overdue_fen,
                    overdue_since=st.overdue_since, due_to_date_fen=st.due_to_date_fen, void=st.void)
        out.append(loan)
    out.sort(key=lambda r: (r["overdue_since"] is None, r["overdue_since"] or "", r["loan_no"]))
    return out


def schedule_of(db: Database, loan_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT seq, due_date, amount_fen FROM loan_schedule WHERE loan_id = ? ORDER BY seq", [loan_id])
