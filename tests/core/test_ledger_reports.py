"""Statements, the overview, payments by dimension, the Excel export, revolving-fund loans, the demo year."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from test_ledger_kit import TODAY, balance, fund_id, own_fund, raw_decision, receive
from test_workflow_kit import active_household, team

from helpdesk_gui.core import check
from helpdesk_gui.core.access.auth import SYSTEM
from helpdesk_gui.core.base.errors import StateError, ValidationError
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.ledger import loans, payroll
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.ledger import query as ledger_query
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.ledger import xlsx as ledger_xlsx
from helpdesk_gui.core.reports import stats


@pytest.fixture
def books(database, finance):
    """Receipts in March and May, a transfer, two payments in May (one returned in June)."""
    t = team(database)
    h1 = active_household(database, t, 123, name="张三", township="城关镇")
    h2 = active_household(database, t, 125, name="李四", township="板桥镇", category="2")
    own, medical = own_fund(database), fund_id(database, "大病救助金")
    receive(database, own, 10_000, on=dt.date(2026, 3, 5))
    receive(database, own, 2_000, on=dt.date(2026, 5, 6), kind="donation")
    ledger.post_transfer(database, finance, own, medical, 300_000, "补充", on=dt.date(2026, 5, 7), today=TODAY)
    d1 = raw_decision(database, h1, 50_000, project="1")
    d2 = raw_decision(database, h2, 120_000, project="2")
    _r, p1 = payroll.pay_decisions(database, finance, [d1], own, paid_date=dt.date(2026, 5, 20), bank_batch="B1",
                                   today=TODAY)
    payroll.pay_decisions(database, finance, [d2], medical, paid_date=dt.date(2026, 5, 21), bank_batch="B2", today=TODAY)
    payroll.return_payment(database, finance, p1.entry_ids[0], "退回", on=dt.date(2026, 6, 2), today=TODAY)
    return own, medical


def test_statement_for_a_period_adds_up(database, books):
    own, medical = books
    rows = {r.name: r for r in ledger_reports.statement(database, "2026-05-01", "2026-05-31")}
    r = rows["本级工会帮扶经费"]
    assert (r.opening_fen, r.receipts_fen, r.payments_fen, r.transfers_out_fen, r.closing_fen) == \
        (1_000_000, 200_000, 50_000, 300_000, 850_000)
    m = rows["大病救助金"]
    assert (m.opening_fen, m.transfers_in_fen, m.payments_fen, m.closing_fen) == (0, 300_000, 120_000, 180_000)
    june = {r.name: r for r in ledger_reports.statement(database, "2026-06-01", "2026-06-30")}["本级工会帮扶经费"]
    assert june.opening_fen == 850_000 and june.payments_fen == -50_000 and june.closing_fen == balance(database, own)
    whole = ledger_reports.total(ledger_reports.statement(database, "2026-01-01", "2026-12-31"))
    assert whole.opening_fen == 0 and whole.closing_fen == sum(f["balance_fen"] for f in stats.summary(database)[
        "fund_accounts"])
    assert whole.transfers_in_fen == whole.transfers_out_fen == 300_000


def test_statement_is_the_same_counted_from_either_end(database, books):
    early = ledger_reports.statement(database, "2026-03-01", "2026-03-31")      # nearer the start
    late = ledger_reports.statement(database, "2026-06-01", "2026-06-30")       # nearer the end
    assert {r.name: r.closing_fen for r in early}["本级工会帮扶经费"] == 1_000_000
    assert {r.name: r.opening_fen for r in late}["本级工会帮扶经费"] == 850_000


def test_overview_has_balances_and_monthly_receipts_and_payments(database, books):
    own, _medical = books
    ov = ledger_reports.overview(database, 2026)
    by_name = {f["name"]: f for f in ov.funds}
    assert by_name["本级工会帮扶经费"]["balance_fen"] == 900_000
    assert by_name["大病救助金"]["payments_fen"] == 120_000
    months = {m: (r, p) for m, r, p in ov.months}
    assert months[3] == (1_000_000, 0) and months[5] == (200_000, 170_000) and months[6] == (0, -50_000)
    assert ov.year_receipts_fen == 1_200_000 and ov.year_payments_fen == 120_000
    one = ledger_reports.overview(database, 2026, fund_id=own)
    assert {m: (r, p) for m, r, p in one.months}[5] == (200_000, 350_000)


def test_payments_by_dimension_add_up_to_the_statement(database, books):
    for dim in ledger_reports.DIMENSIONS:
        found = ledger_reports.payments_by(database, "2026-05-01", "2026-06-30", dim)
        assert sum(r["fen"] for r in found) == 120_000, dim
    by_project = {r["label"]: (r["fen"], r["payments"]) for r in ledger_reports.payments_by(
        database, "2026-05-01", "2026-05-31", "project")}
    assert by_project == {"生活救助": (50_000, 1), "医疗救助": (120_000, 1)}
    townships = {r["label"] for r in ledger_reports.payments_by(database, "2026-05-01", "2026-05-31", "township")}
    assert townships == {"城关镇", "板桥镇"}


def test_excel_export_totals_add_up(database, books, tmp_path):
    out = ledger_xlsx.export(database, tmp_path / "台账.xlsx", "2026-05-01", "2026-05-31")
    wb = load_workbook(out)
    ws = wb["资金收支表"]
    assert ws["A1"].value == "帮扶资金收支表"
    body = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    total = body[-1]
    assert total[0] == "合计"
    for col in range(2, 8):
        assert round(sum(r[col] for r in body[:-1]) * 100) == round(total[col] * 100)
    for r in body:
        assert round((r[2] + r[3] - r[4] + r[5] - r[6]) * 100) == round(r[7] * 100)
    ws = wb["按帮扶项目"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert rows[-1][0] == "合计" and rows[-1][3] == 1700.0 == total[4]
    assert {r[0] for r in rows[:-1]} == {"生活救助", "医疗救助"}


def test_entries_table_queries_and_running_balance(database, books):
    own, _medical = books
    f = ledger_query.EntryFilter(fund_id=own)
    ids = ledger_query.entry_ids(database, f)
    got = ledger_query.rows_by_ids(database, ids)
    dates = [(i, got[i]["entry_date"]) for i in ids]
    run = ledger_query.running_balances(database, own, dates)
    assert [run[i] for i in ids] == [1_000_000, 1_200_000, 900_000, 850_000, 900_000]
    assert ledger_query.running_balances(database, own, dates[2:4]) == {ids[2]: 900_000, ids[3]: 850_000}
    assert ledger_query.count(database, ledger_query.EntryFilter(group="reversal")) == 1
    assert ledger_query.totals(database, ledger_query.EntryFilter(fund_id=own, date_from="2026-05-01")) == (250_000, 350_000)
    voucher_no = got[ids[0]]["voucher_no"]
    assert ledger_query.entry_ids(database, ledger_query.EntryFilter(text=voucher_no)) == [ids[0]]
    assert len(ledger_query.entry_ids(database, ledger_query.EntryFilter(text="张三"))) == 2
    everything = ledger_query.entry_ids(database)
    all_dates = [(i, r["entry_date"]) for i, r in sorted(ledger_query.rows_by_ids(database, everything).items(),
                                                        key=lambda kv: (kv[1]["entry_date"], kv[0]))]
    assert ledger_query.running_balances(database, None, all_dates)[everything[-1]] == 900_000 + 180_000


def test_source_summary_cancels_transfers_within_a_source(database, books):
    s = {r["label"]: r for r in ledger_reports.source_summary(database, "2026-05-01", "2026-05-31")}
    own = s["本级工会经费"]
    assert own["income_fen"] == 200_000 and own["expense_fen"] == 170_000
    assert own["opening_fen"] + own["income_fen"] - own["expense_fen"] == own["closing_fen"] == 1_030_000


def test_revolving_fund_loans_schedule_repayments_and_overdue(database, finance, approver):
    t = team(database)
    hid = active_household(database, t, 123)
    rev = fund_id(database, "创业周转金")
    with pytest.raises(StateError, match="只能办理借款"):
        payroll.create_roster(database, finance, "x", rev, [raw_decision(database, hid, 100)])
    receive(database, rev, 50_000, on=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError, match="批准人"):
        loans.issue(database, finance, rev, hid, 3_000_000, purpose="开早餐店", approved_by="clerk", approval_ref="批1",
                    installments=10, first_due=dt.date(2026, 2, 15), on=dt.date(2026, 1, 10), today=TODAY)
    with pytest.raises(StateError, match="不是周转金"):
        loans.issue(database, finance, own_fund(database), hid, 100, purpose="x", approved_by="approver",
                    approval_ref="批1", installments=1, first_due=dt.date(2026, 2, 15), on=dt.date(2026, 1, 10),
                    today=TODAY)
    with pytest.raises(ValidationError, match="超过单笔上限"):
        loans.issue(database, finance, rev, hid, 6_000_000, purpose="x", approved_by="approver", approval_ref="批1",
                    installments=10, first_due=dt.date(2026, 2, 15), on=dt.date(2026, 1, 10), today=TODAY)
    lid = loans.issue(database, finance, rev, hid, 3_000_000, purpose="开早餐店", approved_by="approver",
                      approval_ref="县工发〔2026〕8号", installments=10, first_due=dt.date(2026, 2, 15),
                      on=dt.date(2026, 1, 10), today=TODAY)
    assert balance(database, rev) == 2_000_000
    plan = loans.schedule_of(database, lid)
    assert len(plan) == 10 and plan[0]["due_date"] == "2026-02-15" and sum(p["amount_fen"] for p in plan) == 3_000_000
    loans.repay(database, finance, lid, 600_000, on=dt.date(2026, 3, 10), today=TODAY)
    st = loans.state(database, lid, TODAY)   # due by 6-15: Feb–Jun = 1,500,000; paid 600,000; late: Feb–May (30 days)
    assert st.outstanding_fen == 2_400_000 and st.overdue_fen == 600_000 and st.overdue_since == "2026-04-15"
    assert [ln["loan_no"] for ln in loans.list_loans(database, today=TODAY, overdue_only=True)] == ["JK20260001"]
    with pytest.raises(StateError, match="未还清"):
        loans.issue(database, finance, rev, hid, 100, purpose="x", approved_by="approver", approval_ref="批2",
                    installments=1, first_due=dt.date(2026, 7, 1), today=TODAY)
    with pytest.raises(ValidationError, match="超过尚欠"):
        loans.repay(database, finance, lid, 2_400_001, today=TODAY)
    loans.repay(database, finance, lid, 2_400_000, today=TODAY)
    assert loans.state(database, lid, TODAY).outstanding_fen == 0 and balance(database, rev) == 5_000_000
    assert check.run(database) == []


def test_a_loan_is_void_when_reversed_before_any_repayment(database, finance, approver):
    t = team(database)
    hid = active_household(database, t, 123)
    rev = fund_id(database, "创业周转金")
    receive(database, rev, 1_000, on=dt.date(2026, 1, 5))
    lid = loans.issue(database, finance, rev, hid, 50_000, purpose="x", approved_by="approver", approval_ref="批",
                      installments=2, first_due=dt.date(2026, 7, 15), today=TODAY)
    voucher_id = database.execute("SELECT voucher_id FROM ledger_entries WHERE loan_id = ?", [lid]).fetchone()[0]
    ledger.reverse(database, finance, voucher_id, "借款人放弃", today=TODAY)
    st = loans.state(database, lid, TODAY)
    assert st.void and st.outstanding_fen == 0 and balance(database, rev) == 100_000


def test_demo_posts_a_year_that_passes_the_check(database):
    counts = demo.generate(database, SYSTEM, 300, seed=3, today=dt.date(2026, 6, 15))
    assert counts["vouchers"] > 20 and counts["ledger_entries"] > 100 and counts["closed_months"] >= 10
    assert check.run(database) == []
    kinds = {r[0] for r in database.execute("SELECT DISTINCT kind FROM vouchers")}
    assert {"receipt", "payment", "transfer", "loan", "repayment"} <= kinds
    assert len(loans.list_loans(database, today=dt.date(2026, 6, 15))) >= 2
    paid = database.execute("SELECT count(*) FROM decisions WHERE status = 'paid'").fetchone()[0]
    assert paid == database.execute("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'").fetchone()[0]
    again = database.execute("SELECT group_concat(voucher_no) FROM vouchers").fetchone()[0]
    assert again.startswith("2025-0001")


def test_cli_ledger_commands(database, books, capsys, tmp_path):
    from helpdesk_gui import cli
    assert cli.main(["ledger", "statement", "--from", "2026-05-01", "--to", "2026-05-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["payments_fen"] == 170_000
    assert cli.main(["ledger", "overview", "--year", "2026"]) == 0
    assert "资金余额合计 10,800.00 元" in capsys.readouterr().out
    assert cli.main(["ledger", "statement", "--from", "2026-05-01", "--to", "2026-04-01"]) == 1
    assert "早于" in capsys.readouterr().err
    assert cli.main(["ledger", "statement", "--from", "2026-05-01", "--to", "2026-05-31",
                     "--out", str(tmp_path / "a.xlsx")]) == 0
    assert (tmp_path / "a.xlsx").exists()
    capsys.readouterr()
    assert cli.main(["ledger", "payable"]) == 0
    assert "张三  500.00 元（退回待重发）" in capsys.readouterr().out


def test_opening_balances_are_the_same_from_every_anchor(database, books, finance):
    from helpdesk_gui.core.ledger import periods
    for p in ("2026-03", "2026-04"):
        periods.close_month(database, finance, p, today=TODAY)

    def brute(day: str) -> dict[int, int]:
        return {int(f): int(s) for f, s in database.execute(
            "SELECT fund_id, sum(amount_fen) FROM ledger_entries WHERE entry_date < ? GROUP BY 1", [day])}

    for day in ("2026-01-01", "2026-03-05", "2026-03-06", "2026-04-30", "2026-05-01", "2026-05-08", "2026-05-21",
                "2026-05-22", "2026-06-02", "2026-06-03", "2026-12-31"):
        got = {f: v for f, v in ledger_reports.balances_before(database, day).items() if v}
        assert got == {f: v for f, v in brute(day).items() if v}, day
