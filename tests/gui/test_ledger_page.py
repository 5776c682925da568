"""The ledger page and its dialogs, driven through real widgets offscreen (pytest-qt)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from test_ledger_kit import fund_id, own_fund, raw_decision  # noqa: E402
from test_workflow_kit import active_household, team  # noqa: E402

from helpdesk_gui.core.ledger import loans, payroll, periods
from helpdesk_gui.core.ledger import posting as ledger  # noqa: E402
from helpdesk_gui.gui.context import AppContext  # noqa: E402
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.ledger.closing_dialog import ClosingDialog  # noqa: E402
from helpdesk_gui.gui.ledger.entries import EntriesTab  # noqa: E402
from helpdesk_gui.gui.ledger.loans_tab import LoansTab  # noqa: E402
from helpdesk_gui.gui.ledger.model import COLUMNS  # noqa: E402
from helpdesk_gui.gui.ledger.overview import OverviewTab  # noqa: E402
from helpdesk_gui.gui.ledger.pay_dialog import PayDialog  # noqa: E402
from helpdesk_gui.gui.ledger.receipt_dialog import ReceiptDialog  # noqa: E402
from helpdesk_gui.gui.ledger.reports_tab import ReportsTab  # noqa: E402
from helpdesk_gui.gui.ledger.reversal_dialog import ReversalDialog  # noqa: E402
from helpdesk_gui.gui.ledger.roster_dialog import RosterDialog  # noqa: E402
from helpdesk_gui.gui.ledger.rosters import RostersTab  # noqa: E402
from helpdesk_gui.gui.ledger.transfer_dialog import TransferDialog  # noqa: E402
from helpdesk_gui.gui.main_window import MainWindow  # noqa: E402

COL = {c.key: i for i, c in enumerate(COLUMNS)}


@pytest.fixture
def ctx(folder, database, finance):
    return AppContext(folder=folder, db=database, actor=finance)


def cell(model, row, key, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, COL[key]), role)


def receipt(ctx, yuan_text: str, ref: str = "县工发〔2026〕5号") -> ReceiptDialog:
    dialog = ReceiptDialog(ctx, fund_id=own_fund(ctx.db))
    dialog.amount.edit.insert(yuan_text)
    dialog.ref_no.insert(ref)
    dialog.summary.insert("上级拨款")
    dialog.accept()
    return dialog


def test_finance_sees_the_ledger_page_and_the_clerk_does_not(qtbot, folder, database, finance, clerk):
    window = MainWindow(AppContext(folder=folder, db=database, actor=finance))
    qtbot.addWidget(window)
    assert window.show_page("ledger")
    assert "资金台账" in [window.nav.item(i).text() for i in range(window.nav.count())]
    other = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(other)
    assert not other.show_page("ledger")


def test_receipt_dialog_posts_and_the_table_shows_the_running_balance(qtbot, ctx):
    tab = EntriesTab(ctx)
    qtbot.addWidget(tab)
    first = receipt(ctx, "1000")
    assert "人民币壹仟元整" in first.amount.upper.text()
    assert first.posted is not None and first.result() == ReceiptDialog.DialogCode.Accepted
    receipt(ctx, "234.5")
    tab.refresh()
    assert tab.model.rowCount() == 2
    assert cell(tab.model, 0, "voucher_no") == first.posted.voucher_no
    assert [cell(tab.model, r, "in") for r in (0, 1)] == ["1,000.00", "234.50"]
    assert [cell(tab.model, r, "balance") for r in (0, 1)] == ["1,000.00", "1,234.50"]
    assert "收入 1,234.50 元" in tab.count_label.text()


def test_receipt_dialog_keeps_a_refusal_inside_and_posts_nothing(qtbot, ctx):
    dialog = ReceiptDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.amount.edit.insert("100")
    dialog.accept()
    assert "拨款文号" in dialog.error_text() and dialog.posted is None
    dialog.amount.edit.setText("12.345")
    assert "最多两位小数" in dialog.amount.upper.text()
    assert ctx.db.execute("SELECT count(*) FROM vouchers").fetchone()[0] == 0


def test_transfer_dialog_refuses_to_move_earmarked_money(qtbot, ctx):
    central = fund_id(ctx.db, "中央财政帮扶资金")
    ledger.post_receipt(ctx.db, ctx.actor, central, 100_000, "allocation", "拨款", ref_no="财社1号")
    dialog = TransferDialog(ctx, from_fund=central)
    qtbot.addWidget(dialog)
    dialog.target.setCurrentIndex(dialog.target.findData(own_fund(ctx.db)))
    dialog.amount.edit.insert("100")
    dialog.accept()
    assert "限定了困难类别" in dialog.error_text() and dialog.posted is None


def test_reversal_dialog_shows_the_entry_it_reverses_and_the_table_shows_red(qtbot, ctx):
    posted = receipt(ctx, "500").posted
    dialog = ReversalDialog(ctx, posted.voucher_id)
    qtbot.addWidget(dialog)
    assert posted.voucher_no in dialog.header.text() and "上级拨款" in dialog.header.text()
    assert dialog.lines.rowCount() == 1 and dialog.lines.item(0, 5).text() == "500.00"
    assert dialog.chosen() == [posted.entry_ids[0]]
    dialog.accept()
    assert "冲销原因" in dialog.error_text()
    dialog.reason.insert("重复入账")
    dialog.accept()
    assert dialog.posted is not None
    tab = EntriesTab(ctx)
    qtbot.addWidget(tab)
    assert cell(tab.model, 0, "state") == "已冲销" and cell(tab.model, 1, "state") == "红字冲销"
    assert cell(tab.model, 1, "in") == "-500.00" and cell(tab.model, 1, "balance") == "0.00"
    assert cell(tab.model, 1, "in", Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"


def test_overview_lists_balances_draws_months_and_posts_an_allocation(qtbot, ctx, message_boxes):
    receipt(ctx, "800")
    ctx.db.execute("INSERT INTO exchange_allocations (batch_id, sender_code, region_code, year, fund_source, amount_fen, "
                   "dibao_month_fen, received_at) VALUES ('b1', '530100', '530122', 2026, '4', 5000000, 70000, "
                   "'2026-03-01T09:00:00+08:00')")
    tab = OverviewTab(ctx)
    qtbot.addWidget(tab)
    row = tab.model.row_of(own_fund(ctx.db))
    assert tab.model.rows[row].cells[3] == "800.00"
    assert len(tab.chart.months) == 12 and sum(r for _m, r, _p in tab.chart.months) == 80_000
    assert "资金余额合计 800.00 元" in tab.summary.text()
    assert not tab.alloc_box.isHidden() and tab.alloc_model.rowCount() == 1
    assert tab.post_allocation()
    assert message_boxes[-1][0] == "question"
    upper = tab.model.row_of(fund_id(ctx.db, "上级工会拨付资金"))
    assert tab.model.rows[upper].cells[3] == "50,000.00" and tab.alloc_box.isHidden()


def test_roster_drafted_paid_and_shown(qtbot, ctx, database):
    t = team(database)
    h1 = active_household(database, t, 123, name="张三")
    h2 = active_household(database, t, 125, name="李四", category="3")
    d1 = raw_decision(database, h1, 60_000)
    raw_decision(database, h2, 70_000)
    ledger.post_receipt(database, ctx.actor, fund_id(database, "中央财政帮扶资金"), 1_000_000, "allocation", "拨款",
                        ref_no="财社1号")
    dialog = RosterDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.fund.setCurrentIndex(dialog.fund.findData(fund_id(database, "中央财政帮扶资金")))
    assert dialog.table.rowCount() == 2
    assert "只能用于深度困难、相对困难家庭" in dialog.table.item(1, 8).text()
    dialog.tick_all(True)
    assert [it["decision_id"] for it in dialog.chosen()] == [d1]
    assert "1 户 1 笔，合计 600.00 元" in dialog.total_label.text()
    dialog.title.insert("六月生活救助")
    dialog.accept()
    assert dialog.roster_id is not None
    pay = PayDialog(ctx, dialog.roster_id)
    qtbot.addWidget(pay)
    pay.accept()
    assert "银行批次号" in pay.error_text()
    pay.batch.insert("NH-0601")
    pay.accept()
    assert pay.posted is not None
    tab = RostersTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rows[0].cells[3] == "已发放"
    assert tab.lines_model.rows[0].cells[1] == "张三" and tab.lines_model.rows[0].cells[8] == "已发放"
    assert tab.return_button.isEnabled() and not tab.pay_button.isEnabled()


def test_every_total_row_fills_the_households(qtbot, ctx, database, tmp_path):
    """One household with two grants (生活救助 and 送温暖) on one roster: every 合计 says 1 户, 2 笔."""
    t = team(database)
    hid = active_household(database, t, 123, name="张三")
    other = active_household(database, t, 125, name="李四")
    ids_ = [raw_decision(database, hid, 60_000, project="1"), raw_decision(database, hid, 30_000, project="4"),
            raw_decision(database, other, 50_000, project="4")]
    fund = fund_id(database, "中央财政帮扶资金")
    ledger.post_receipt(database, ctx.actor, fund, 1_000_000, "allocation", "拨款", ref_no="财社1号")
    roster = payroll.create_roster(database, ctx.actor, "六月发放", fund, ids_)
    tab = RostersTab(ctx)
    qtbot.addWidget(tab)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    listed = dict(zip(headers, tab.model.rows[0].cells, strict=True))
    assert (listed["户数"], listed["笔数"], listed["金额（元）"]) == ("2", "3", "1,400.00")
    assert "2 户 3 笔，合计 1,400.00 元" in tab.lines_label.text()
    pay = PayDialog(ctx, roster)
    qtbot.addWidget(pay)
    pay.batch.insert("NH-0601")
    pay.accept()
    assert pay.posted is not None
    today = dt.date.today().isoformat()
    reports = ReportsTab(ctx)
    qtbot.addWidget(reports)
    reports.date_from.setDate(QDate.fromString(today, "yyyy-MM-dd"))
    reports.date_to.setDate(QDate.fromString(today, "yyyy-MM-dd"))
    reports.dimension.setCurrentIndex(reports.dimension.findData("project"))
    by = [r.cells for r in reports.by_model.rows]
    assert [r[0] for r in by] == ["生活救助", "送温暖", "合计"]
    assert [r[2] for r in by] == ["1", "2", "2"]           # 户数: 张三 is in both groups, counted once in the 合计
    assert by[-1] == ["合计", "3", "2", "1,400.00"]
    wait(reports.export(str(tmp_path / "台账.xlsx")))
    sheet = load_workbook(tmp_path / "台账.xlsx")["按帮扶项目"]
    assert list(list(sheet.iter_rows(min_row=4, values_only=True))[-1]) == ["合计", 3, 2, 1400.0]


def test_closing_dialog_closes_in_order_and_the_admin_reopens(qtbot, ctx, folder, database, admin):
    ledger.post_receipt(database, ctx.actor, own_fund(database), 100, "interest", "利息", on=dt.date(2026, 3, 3),
                        today=dt.date(2026, 6, 15))
    dialog = ClosingDialog(ctx, today=dt.date(2026, 6, 15))
    qtbot.addWidget(dialog)
    dialog.year.setCurrentIndex(dialog.year.findData(2026))
    assert "2026年3月" in dialog.next_label.text()
    assert dialog.close_next() and periods.is_closed(database, "2026-03")
    assert dialog.model.rows[2].cells[2] == "已结账"
    assert dialog.reopen_button.isHidden()
    boss = ClosingDialog(AppContext(folder=folder, db=database, actor=admin), today=dt.date(2026, 6, 15))
    qtbot.addWidget(boss)
    boss.year.setCurrentIndex(boss.year.findData(2026))
    boss.table.selectRow(2)
    assert boss.reopen(reason="补记利息")
    assert not periods.is_closed(database, "2026-03")


def test_loans_tab_shows_an_overdue_loan_first_in_red(qtbot, ctx, database, approver):
    t = team(database)
    hid = active_household(database, t, 123)
    rev = fund_id(database, "创业周转金")
    ledger.post_receipt(database, ctx.actor, rev, 5_000_000, "allocation", "拨入", on=dt.date(2025, 12, 1), ref_no="x")
    loans.issue(database, ctx.actor, rev, hid, 1_200_000, purpose="开早餐店", approved_by="approver", approval_ref="批1",
                installments=12, first_due=dt.date(2026, 1, 15), on=dt.date(2025, 12, 10))
    tab = LoansTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rows[0].cells[0].startswith("JK2025")
    assert tab.model.rows[0].cells[8] == "2026-01-15"
    brush = tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#b3261e"
    assert tab.plan_model.rowCount() == 12 and "逾期 1 笔" in tab.summary.text()


def test_reports_tab_statement_has_a_total_and_exports(qtbot, ctx, tmp_path):
    receipt(ctx, "300")
    tab = ReportsTab(ctx)
    qtbot.addWidget(tab)
    total = tab.statement_model.rows[-1].cells
    assert total[0] == "合计" and total[3] == "300.00" and total[7] == "300.00"
    task = tab.export(str(tmp_path / "台账.xlsx"))
    wait(task)
    wb = load_workbook(tmp_path / "台账.xlsx")
    assert wb.sheetnames[0] == "资金收支表"


def test_paying_from_the_roster_dialog_writes_the_assistance_record(qtbot, ctx, database):
    t = team(database)
    hid = active_household(database, t, 123)
    d = raw_decision(database, hid, 30_000)
    ledger.post_receipt(database, ctx.actor, own_fund(database), 100_000, "allocation", "拨款", ref_no="x")
    rid, _posted = payroll.pay_decisions(database, ctx.actor, [d], own_fund(database), paid_date=dt.date.today(),
                                         bank_batch="B")
    assert database.execute("SELECT amount_fen FROM assistance_records").fetchone()[0] == 30_000
    tab = RostersTab(ctx)
    qtbot.addWidget(tab)
    assert tab.print_button.isEnabled() and tab.lines_model.rows[0].cells[8] == "已发放"


def test_the_page_loads_a_tab_only_when_it_is_shown(qtbot, ctx):
    from helpdesk_gui.gui.ledger.page import LedgerPage
    receipt(ctx, "100")
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    assert page.entries.model.rowCount() == 0 and page.overview.model.rowCount() == 0
    page.show()
    page.refresh()
    assert page.overview.model.rowCount() > 0 and page.entries.model.rowCount() == 0
    page.show_tab("entries")
    assert page.entries.model.rowCount() == 1
    page.overview.fund_opened.emit(own_fund(ctx.db))
    assert page.entries.fund.currentData() == own_fund(ctx.db)
