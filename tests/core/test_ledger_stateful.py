"""A stateful property test of the ledger: random receipts, transfers, payments from decisions, returns,
reversals, month closings and reopenings, with time moving on. After every step every fund's balance
is ≥ 0 on every day, voucher numbers have no gaps, a refused operation wrote nothing, and
``helpdesk check`` is green."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from test_ledger_kit import raw_decision

from helpdesk_gui.core import check
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base import ids, paths
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.ledger import funds, payroll, periods
from helpdesk_gui.core.ledger import posting as ledger

START = dt.date(2026, 1, 5)
FUNDS = ("本级工会帮扶经费", "上级工会拨付资金", "大病救助金", "中央财政帮扶资金")


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        db = setup.initialise(paths.db_path(Path(self.tmp.name)), "530122", "某某县总工会", "admin1234")
        admin = auth.get_actor(db, "admin")
        for name, role in (("clerk", "clerk"), ("approver", "approver"), ("finance", "finance")):
            auth.create_user(db, admin, name, name, [role], "passw0rd!")
        db.execute("PRAGMA synchronous = OFF")   # durability is not what this test is about
        self.db = db
        self.admin = admin
        self.fin = auth.get_actor(db, "finance")
        self.today = START
        self.fund_ids = [int(db.execute("SELECT id FROM funds WHERE name = ?", [n]).fetchone()[0]) for n in FUNDS]
        self.decisions: list[int] = []

    @initialize()
    def households(self) -> None:
        for i in range(4):
            idn = ids.make("530122", dt.date(1970 + i, 3, 4), 11 + 2 * i)
            cur = self.db.execute(
                "INSERT INTO households (sender_code, archive_no, status, category, name, id_number, bank_name, "
                "bank_account, created_date, created_at, updated_at) VALUES ('530122', ?, 'active', ?, ?, ?, '农行', ?, "
                "'2025-01-01', '2025-01-01', '2025-01-01')",
                [f"5301222025{i:05d}", "1" if i % 2 else "3", f"户主{i}", idn, f"622848000000000{i:04d}"])
            for project, amount in (("1", 30_000 + 1_000 * i), ("2", 50_000)):
                self.decisions.append(raw_decision(self.db, int(cur.lastrowid), amount, project=project,
                                                   decided_on="2026-01-02"))
        for fund, yuan in ((0, 2_000), (1, 600)):   # some money to start with, so payments get tried for real
            ledger.post_receipt(self.db, self.fin, self.fund_ids[fund], yuan * 100, "allocation", "期初拨款",
                                on=START, ref_no="文号", today=START)

    def teardown(self) -> None:
        self.db.conn.close()
        self.tmp.cleanup()

    # ---- helpers
    def vouchers(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM vouchers").fetchone()[0])

    def attempt(self, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        before = self.vouchers()
        try:
            fn(*args, **kwargs)
        except HelpdeskError:
            assert self.vouchers() == before, "a refused operation must write nothing"

    def open_day(self, back: int) -> dt.date:
        first_open = START.replace(day=1)
        nxt = periods.next_to_close(self.db)
        if nxt and periods.is_closed(self.db, periods.next_to_close(self.db) or "") is False:
            first_open = dt.date.fromisoformat(nxt + "-01")
        return max(first_open, self.today - dt.timedelta(days=back))

    # ---- rules
    @rule(days=st.integers(1, 25))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule(fund=st.integers(0, 3), yuan=st.integers(1, 20_000), kind=st.sampled_from(["allocation", "donation", "interest"]),
          back=st.integers(0, 20))
    def receipt(self, fund: int, yuan: int, kind: str, back: int) -> None:
        self.attempt(ledger.post_receipt, self.db, self.fin, self.fund_ids[fund], yuan * 100, kind, "收入",
                     on=self.open_day(back), ref_no="文号", counterparty="捐赠人", today=self.today)

    @rule(a=st.integers(0, 3), step=st.integers(1, 3), yuan=st.integers(1, 5_000), back=st.integers(0, 20))
    def transfer(self, a: int, step: int, yuan: int, back: int) -> None:
        b = (a + step) % 4
        self.attempt(ledger.post_transfer, self.db, self.fin, self.fund_ids[a], self.fund_ids[b], yuan * 100, "调拨",
                     on=self.open_day(back), today=self.today)

    @rule(fund=st.sampled_from([0, 0, 1, 2, 3]), pick=st.lists(st.integers(0, 7), min_size=1, max_size=3),
          back=st.integers(0, 5))
    def pay(self, fund: int, pick: list[int], back: int) -> None:
        chosen = [self.decisions[i] for i in pick]
        self.attempt(payroll.pay_decisions, self.db, self.fin, chosen, self.fund_ids[fund], paid_date=self.open_day(back),
                     bank_batch="B", today=self.today)

    @precondition(lambda self: self.vouchers() > 0)
    @rule(which=st.integers(0, 10_000), line_only=st.booleans())
    def reverse(self, which: int, line_only: bool) -> None:
        vid = which % self.vouchers() + 1
        lines = ledger.reversible_lines(self.db, vid)
        entry_ids = [lines[0]["id"]] if line_only and lines else None
        self.attempt(ledger.reverse, self.db, self.fin, vid, "更正", entry_ids=entry_ids, today=self.today)

    @rule()
    def close_next_month(self) -> None:
        nxt = periods.next_to_close(self.db)
        if nxt:
            self.attempt(periods.close_month, self.db, self.fin, nxt, today=self.today)

    @rule()
    def reopen_last_month(self) -> None:
        last = self.db.execute("SELECT max(period) FROM ledger_periods WHERE kind = 'month'").fetchone()[0]
        if last:
            periods.reopen(self.db, self.admin, last, "补记")

    # ---- invariants
    @invariant()
    def balances_never_negative(self) -> None:
        for f in funds.list_funds(self.db):
            assert f["balance_fen"] >= 0

    @invariant()
    def vouchers_gapless_and_check_green(self) -> None:
        for year, n, top in self.db.execute("SELECT year, count(*), max(seq) FROM vouchers GROUP BY year"):
            assert n == top, f"gap in {year}"
        assert check.run(self.db) == []

    @invariant()
    def paid_decisions_match_the_ledger(self) -> None:
        for d in self.decisions:
            net = payroll.paid_net(self.db, d)
            status, amount = self.db.execute("SELECT status, amount_fen FROM decisions WHERE id = ?", [d]).fetchone()
            assert net in (0, amount)
            assert (status == "paid") or net == 0


def test_ledger_state_machine(database):  # ``database`` only for the cheap-scrypt and data-folder fixtures
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
