"""互助方案 and 统计报表, driven as finance would: a plan through the dialog, its rules changed until a claim
is approved, closing and reopening the year; the four reports with their totals and the Excel export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from mutual_gui_kit import Page, answering
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import row
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.mutual.claims import ReceiptDraft
from helpdesk_gui.core.mutual.members import MemberDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.mutual.plan_dialog import PlanDialog
from helpdesk_gui.gui.mutual.plans_tab import PlansTab
from helpdesk_gui.gui.mutual.reports_tab import ReportsTab

Y = 100
THIS_YEAR = dt.date.today().year


pytestmark = pytest.mark.usefixtures("own_settings")


def build(qtbot, cls, folder, database, actor, *, readonly: bool = False):
    ctx = AppContext(folder=folder, db=database, actor=actor, readonly=readonly)
    page = Page(ctx.db)
    qtbot.addWidget(page)
    tab = cls(ctx, page)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def cells(model, r: int) -> list[str]:
    return [model.data(model.index(r, c)) for c in range(model.columnCount())]


def test_finance_creates_a_plan_through_the_dialog(qtbot, folder, database, finance, monkeypatch):
    tab = build(qtbot, PlansTab, folder, database, finance)
    assert tab.model.rowCount() == 0 and "还没有医疗互助方案" in tab.rule.text()
    assert tab.new_button.isEnabled() and not tab.edit_button.isEnabled()

    def fill(d: PlanDialog) -> None:
        assert d.year.value() == THIS_YEAR and d.name.text() == f"{THIS_YEAR}年度职工医疗互助"
        assert (d.worker.text(), d.unit.text(), d.union.text()) == ("20.00", "5.00", "10.00")
        assert d.per_member.text() == "35.00 元" and d.deductible.text() == "1000.00"
        assert (d.rate.value(), d.loyalty_years.value(), d.loyalty_points.value(), d.max_rate.value()) == (50, 5, 5, 80)
        assert d.bands.rowCount() == 3 and d.bands.item(0, 0).text() == "120000.00"
        assert d.fund.currentText().startswith("职工医疗互助金")
        d.worker.setText("30")
        assert d.per_member.text() == "45.00 元"
        d.year_cap.clear()                                # 不限
        d.add_band()
        d.bands.item(3, 0).setText("400000")
        d.bands.item(3, 1).setText("12000")

    answering(monkeypatch, PlanDialog, fill)
    assert tab.new_plan()
    p = row(database, "SELECT * FROM mutual_plans")
    assert (p["period"], p["worker_fen"], p["year_cap_fen"]) == (str(THIS_YEAR), 3000, None)
    assert json.loads(p["rehab_bands"])[-1] == [400000 * Y, 12000 * Y]
    assert cells(tab.model, 0) == [str(THIS_YEAR), f"{THIS_YEAR}年度职工医疗互助", f"{THIS_YEAR}-01-01 至 {THIS_YEAR}-12-31",
                                   "职工医疗互助金", "45.00", "0 / 0", "0.00", "0", "进行中"]
    assert "每人每期 45.00 元" in tab.rule.text() and "每人每年最高" not in tab.rule.text()
    assert tab.page.plan_id() == p["id"]

    # the next new plan is for the following year, with its own dates
    dialog = PlanDialog(tab.ctx, tab)
    qtbot.addWidget(dialog)
    assert dialog.year.value() == THIS_YEAR + 1 and dialog.start.date().toString("yyyy-MM-dd") == f"{THIS_YEAR + 1}-01-01"
    dialog.year.setValue(THIS_YEAR + 3)
    assert dialog.name.text() == f"{THIS_YEAR + 3}年度职工医疗互助"
    assert dialog.end.date().toString("yyyy-MM-dd") == f"{THIS_YEAR + 3}-12-31"


def test_plan_dialog_says_what_is_wrong(qtbot, folder, database, finance):
    tab = build(qtbot, PlansTab, folder, database, finance)
    dialog = PlanDialog(tab.ctx, tab)
    qtbot.addWidget(dialog)
    dialog.deductible.setText("一千")
    dialog.accept()
    assert "起付线" in dialog.error_text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.deductible.setText("1000")
    dialog.bands.item(0, 1).setText("")
    dialog.accept()
    assert "康复金档次" in dialog.error_text() and "第 1 行" in dialog.error_text()
    dialog.bands.item(0, 1).setText("5000")
    dialog.max_rate.setValue(40)
    dialog.accept()
    assert "最高比例" in dialog.error_text()
    assert row(database, "SELECT count(*) AS n FROM mutual_plans")["n"] == 0


def test_rules_lock_after_an_approval_and_the_year_closes(qtbot, folder, database, clerk, approver, finance,
                                                         monkeypatch, message_boxes):
    plan = mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2026))
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    mid = mutual_members.save_member(database, clerk,
                                     MemberDraft("张三", ids.make("530122", dt.date(1970, 1, 1), 11), unit))
    tab = build(qtbot, PlansTab, folder, database, finance)

    def cheaper(d: PlanDialog) -> None:
        assert not d.year.isEnabled()
        d.deductible.setText("800")

    answering(monkeypatch, PlanDialog, cheaper)
    assert tab.edit_plan()                                     # no approval yet: the rule may change
    assert mutual_plans.get_plan(database, plan)["deductible_fen"] == 800 * Y
    mutual_enrolment.enrol(database, clerk, plan, [mid])
    mutual_contributions.receive_contribution(database, finance, plan, unit, on=dt.date(2026, 1, 20))
    cid = mutual_claims.create_claim(database, clerk, plan, mid, [ReceiptDraft("3", "ZY1", "2026-03-01", 5_000 * Y,
                                                                               1_000 * Y, 4_000 * Y, "县医院")])
    mutual_claims.approve_claim(database, approver, cid)
    tab.refresh()
    assert cells(tab.model, 0)[5:8] == ["1 / 1", "35.00", "1"]
    dialog = PlanDialog(tab.ctx, tab, plan_id=plan)
    qtbot.addWidget(dialog)
    dialog.rate.setValue(60)
    dialog.accept()
    assert "已有批准的报销" in dialog.error_text() and dialog.result() != QDialog.DialogCode.Accepted
    assert mutual_plans.get_plan(database, plan)["rate_pct"] == 50

    assert tab.status_button.text() == "关闭方案…"
    assert tab.toggle_status()
    assert message_boxes[-1][0] == "question" and "关闭 2026 年度方案" in message_boxes[-1][2]
    assert mutual_plans.get_plan(database, plan)["status"] == "closed"
    assert cells(tab.model, 0)[-1] == "已关闭" and tab.status_button.text() == "重新打开方案…"
    assert tab.toggle_status()
    assert mutual_plans.get_plan(database, plan)["status"] == "open"


def test_only_finance_sets_plans(qtbot, folder, database, clerk, finance):
    mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2026))
    tab = build(qtbot, PlansTab, folder, database, clerk)
    assert tab.model.rowCount() == 1 and "每人每期 35.00 元" in tab.rule.text()
    assert not any(b.isEnabled() for b in (tab.new_button, tab.edit_button, tab.status_button))
    assert not tab.edit_plan() and not tab.toggle_status()
    ro = build(qtbot, PlansTab, folder, database, finance, readonly=True)
    assert not any(b.isEnabled() for b in (ro.new_button, ro.edit_button, ro.status_button))


@pytest.fixture
def year(database, clerk, approver, finance):
    """2026: two units paid; a claim each, settled in November."""
    db = database
    plan = mutual_plans.create_plan(db, finance, mutual_plans.default_draft(db, 2026))
    units = [mutual_members.save_unit(db, clerk, n) for n in ("县煤业公司工会", "县人民医院工会")]
    members = [mutual_members.save_member(db, clerk, MemberDraft(f"会员{i}", ids.make("530122", dt.date(1970 + i, 3, 1),
                                                                                    i * 2 + 1), units[i % 2]))
               for i in range(5)]
    mutual_enrolment.enrol(db, clerk, plan, members, on=dt.date(2026, 1, 5))
    for u in units:
        mutual_contributions.receive_contribution(db, finance, plan, u, on=dt.date(2026, 1, 20))
    ledger.post_receipt(db, finance, mutual_plans.default_fund(db), 100_000 * Y, "other_in", "工会划入",
                        on=dt.date(2026, 2, 1))
    for n, mid in (("ZY1", members[0]), ("ZY2", members[1])):
        cid = mutual_claims.create_claim(db, clerk, plan, mid, [ReceiptDraft("3", n, "2026-03-01", 9_000 * Y, 2_000 * Y,
                                                                             7_000 * Y, "县医院")])
        mutual_claims.approve_claim(db, approver, cid)
    sid = mutual_settle.create_settlement(db, finance, "2026-Q4")
    mutual_settle.post_settlement(db, finance, sid, paid_date=dt.date(2026, 11, 5), today=dt.date(2026, 11, 5))
    return plan


@pytest.mark.skipif(THIS_YEAR < 2026, reason="the fixture pays in 2026")
def test_reports_show_totals_and_export(qtbot, folder, database, clerk, year, tmp_path):
    tab = build(qtbot, ReportsTab, folder, database, clerk)
    assert tab.key() == "members" and not tab.date_from.isVisibleTo(tab)
    m = tab.models["members"]
    assert [cells(m, r) for r in range(m.rowCount())] == [["县人民医院工会", "2", "2", "0", "1"],
                                                          ["县煤业公司工会", "3", "3", "0", "1"],
                                                          ["合计", "5", "5", "0", "2"]]
    tab.choose("contributions")
    c = tab.models["contributions"]
    assert cells(c, c.rowCount() - 1) == ["合计", "5", "100.00", "25.00", "50.00", "175.00", "2"]
    assert tab.title.text() == "2026 年度职工医疗互助金缴费情况"
    tab.choose("claims")
    assert tab.date_from.isVisibleTo(tab) and tab.span() == ("2026-01-01", "2026-12-31")
    p = tab.models["claims"]
    assert cells(p, p.rowCount() - 1) == ["合计", "2", "6,000.00", "0.00", "6,000.00"]
    tab.date_to.setDate(tab.date_to.date().fromString("2026-10-31", "yyyy-MM-dd"))
    assert p.rowCount() == 1 and cells(p, 0) == ["合计", "0", "0.00", "0.00", "0.00"]
    tab.choose("fund")
    f = tab.models["fund"]
    fund = {cells(f, r)[0]: cells(f, r)[1] for r in range(f.rowCount())}
    assert fund["互助金缴费收入"] == "175.00" and fund["报销支付"] == "-6,000.00"
    assert fund["其他收支（净额）"] == "100,000.00" and fund["期末余额"] == "94,175.00"

    tab.choose("contributions")
    task = tab.export(str(tmp_path / "缴费.xlsx"))
    assert task is not None
    wait(task)
    ws = load_workbook(tmp_path / "缴费.xlsx")["缴费情况"]
    assert ws["A1"].value == "2026 年度职工医疗互助金缴费情况"
    assert [c.value for c in ws[6]] == ["合计", 5, 100.0, 25.0, 50.0, 175.0, 2]
    task = tab.export(str(tmp_path / "全部.xlsx"), everything=True)
    wait(task)
    wb = load_workbook(tmp_path / "全部.xlsx")
    assert wb.sheetnames == ["会员情况", "缴费情况", "报销支付", "资金收支"]
    assert wb["报销支付"]["A3"].value == "单位" and wb["报销支付"]["B2"].value is None
    assert "2026-01-01 至 2026-10-31" in wb["报销支付"]["A2"].value    # the range shown on screen


def test_reports_without_a_plan(qtbot, folder, database, clerk):
    tab = build(qtbot, ReportsTab, folder, database, clerk)
    assert tab.title.text() == "还没有医疗互助方案" and not tab.export_button.isEnabled()
    assert tab.export(str(folder / "x.xlsx")) is None
