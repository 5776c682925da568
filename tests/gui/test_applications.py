"""The 帮扶申请 page driven through its real buttons: a clerk files a 医疗救助 application, a reviewer
records the visit, the 公示 runs, an approver approves — and the clerk can never press 审批."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import row, scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.approve_dialog import ApproveDialog
from helpdesk_gui.gui.applications.campaign_dialog import CampaignDialog
from helpdesk_gui.gui.applications.new_dialog import NewApplicationDialog
from helpdesk_gui.gui.applications.page import ApplicationsPage
from helpdesk_gui.gui.applications.step_dialog import StepDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow

REAL_TODAY = dt.date.today()


@pytest.fixture
def answers(monkeypatch):
    """Each modal dialog the page opens is filled by the next function in this list, then applied."""
    queue: list = []

    def fake_exec(dialog):
        queue.pop(0)(dialog)
        return QDialog.DialogCode.Accepted if dialog.apply() else QDialog.DialogCode.Rejected

    for cls in (StepDialog, ApproveDialog, NewApplicationDialog, CampaignDialog):
        monkeypatch.setattr(cls, "exec", fake_exec)
    return queue


@pytest.fixture
def household(database, make_active):
    hid = register.create_household(database, auth.get_actor(database, "clerk"), HouseholdDraft(fields={
        "name": "张三", "id_number": ids.make("530122", dt.date(1975, 5, 6), 123), "cause_main": "6",
        "hukou_region_code": "530122", "annual_income_fen": 500_000}))
    make_active(hid, category="1")
    return hid


def page_for(qtbot, folder, database, username: str) -> ApplicationsPage:
    page = ApplicationsPage(AppContext(folder=folder, db=database, actor=auth.get_actor(database, username)))
    qtbot.addWidget(page)
    page.resize(1300, 760)
    return page


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_medical_aid_from_filing_to_approval(qtbot, folder, database, household, answers, monkeypatch):
    clerk_page = page_for(qtbot, folder, database, "clerk")
    detail = clerk_page.applications.detail

    def file(d: NewApplicationDialog) -> None:
        d.set_household(household)
        d.kind.set_code("project")
        d.project.set_code("2")
        d.requested.insert("8000")
        d.cost.insert("12000")
        d.reason.insert("住院治疗，自付费用较大")
        assert "12,000.00 元" in d.cap_label.text()          # the cap shows as the clerk types

    answers.append(file)
    click(qtbot, clerk_page.applications.new_button)
    app_id = detail.application_id
    assert app_id and "医疗救助" in detail.header.text() and "已受理" in detail.state.text()
    assert "缺少必备材料：申请书、诊断证明、医疗票据" in detail.blockers.text()
    assert not detail.buttons["visit"].isEnabled() and not detail.buttons["approve"].isEnabled()
    for code in ("1", "5", "6"):
        answers.append(lambda d, c=code: d.set_value("material_type", c))
        click(qtbot, detail.buttons["material"])
    assert "诊断证明 ✓" in detail.fields["materials"].text()

    reviewer_page = page_for(qtbot, folder, database, "reviewer")
    reviewer_page.show_application(app_id)
    rd = reviewer_page.applications.detail

    def visit(d: StepDialog) -> None:
        d.set_value("visitors", "李审核、社区王主任")
        d.set_value("findings", "户主住院，家中无其他收入，情况属实")

    answers.append(visit)
    click(qtbot, rd.buttons["visit"])
    assert "待评议" in rd.state.text()
    answers.append(lambda d: d.set_value("place", "社区公示栏"))
    click(qtbot, rd.buttons["evaluate"])
    assert "公示中" in rd.state.text()
    pub = row(database, "SELECT p.start_date, p.end_date FROM publicity_periods p JOIN applications a "
                        "ON a.publicity_id = p.id WHERE a.id = ?", [app_id])
    assert pub == {"start_date": REAL_TODAY.isoformat(), "end_date": (REAL_TODAY + dt.timedelta(days=6)).isoformat()}

    # the 公示 has not run yet: nobody can move it on
    clerk_page.show_application(app_id)
    assert not detail.buttons["close_publicity"].isEnabled()
    assert "起才能审批" in detail.buttons["close_publicity"].toolTip()
    # … a week later
    monkeypatch.setattr(common, "today", lambda: REAL_TODAY + dt.timedelta(days=7))
    clerk_page.show_application(app_id)
    answers.append(lambda d: None)
    click(qtbot, detail.buttons["close_publicity"])
    assert "待审批" in detail.state.text()

    # the clerk cannot press 审批: the button is disabled and says why, and the core refuses anyway
    assert not detail.buttons["approve"].isEnabled() and not detail.buttons["reject"].isEnabled()
    assert "录入人" in detail.buttons["approve"].toolTip()
    assert detail.take("approve") is False
    qtbot.mouseClick(detail.buttons["approve"], Qt.MouseButton.LeftButton)
    assert scalar(database, "SELECT count(*) FROM decisions WHERE application_id = ?", [app_id]) == 0

    approver_page = page_for(qtbot, folder, database, "approver")
    approver_page.show_application(app_id)
    ad = approver_page.applications.detail
    assert ad.buttons["approve"].isEnabled()

    def approve(d: ApproveDialog) -> None:
        assert "上限 12,000.00 元" in d.cap_label.text() and "自付费用的 100%" in d.cap_label.text()
        assert d.warning.text() == ""
        d.opinion.setPlainText("同意救助")

    answers.append(approve)
    click(qtbot, ad.buttons["approve"])
    assert "已批准" in ad.state.text()
    d = row(database, "SELECT amount_fen, cap_fen, approved_by, entered_by, status FROM decisions WHERE application_id = ?",
            [app_id])
    assert d == {"amount_fen": 800_000, "cap_fen": 1_200_000, "approved_by": "approver", "entered_by": "clerk",
                 "status": "unpaid"}
    assert "批准金额 8,000.00 元" in ad.decision.text()
    steps = [ad.timeline.data(ad.timeline.index(r, 1)) for r in range(ad.timeline.rowCount())]
    assert steps[0] == "受理" and steps[-1] == "审批通过" and "入户调查" in steps and "公示期满" in steps
    who = [ad.timeline.data(ad.timeline.index(r, 2)) for r in range(ad.timeline.rowCount())]
    assert who[0] == "张经办" and who[-1] == "王主任"


def test_approver_must_give_a_reason_above_the_cap(qtbot, folder, database, household, answers, monkeypatch):
    clerk_page = page_for(qtbot, folder, database, "clerk")

    def file(d: NewApplicationDialog) -> None:
        d.set_household(household)
        d.kind.set_code("project")
        d.project.set_code("4")           # 送温暖: at most 3,000 a time
        d.requested.insert("3000")

    answers.append(file)
    click(qtbot, clerk_page.applications.new_button)
    app_id = clerk_page.applications.detail.application_id
    reviewer = page_for(qtbot, folder, database, "reviewer")
    reviewer.show_application(app_id)
    rd = reviewer.applications.detail
    answers.append(lambda d: (d.set_value("visitors", "李审核"), d.set_value("findings", "属实")))
    click(qtbot, rd.buttons["visit"])
    answers.append(lambda d: None)
    click(qtbot, rd.buttons["evaluate"])
    monkeypatch.setattr(common, "today", lambda: REAL_TODAY + dt.timedelta(days=8))
    reviewer.show_application(app_id)
    answers.append(lambda d: None)
    click(qtbot, rd.buttons["close_publicity"])
    approver = page_for(qtbot, folder, database, "approver")
    approver.show_application(app_id)
    seen: dict = {}

    def too_much(d: ApproveDialog) -> None:
        d.amount.setText("5000")
        seen["warning"] = d.warning.text()

    answers.append(too_much)
    qtbot.mouseClick(approver.applications.detail.buttons["approve"], Qt.MouseButton.LeftButton)
    assert "超过上限 3,000.00 元" in seen["warning"]
    assert scalar(database, "SELECT count(*) FROM decisions") == 1        # only the archive's approval

    def with_reason(d: ApproveDialog) -> None:
        d.amount.setText("5000")
        d.override.setText("春节前突发火灾，经主任办公会研究同意")

    answers.append(with_reason)
    click(qtbot, approver.applications.detail.buttons["approve"])
    assert row(database, "SELECT amount_fen, override_reason FROM decisions WHERE application_id = ?", [app_id]) == {
        "amount_fen": 500_000, "override_reason": "春节前突发火灾，经主任办公会研究同意"}


def test_home_worklist_opens_the_application(qtbot, folder, database, household, clerk):
    from helpdesk_gui.core.workflow import steps as workflow
    app = workflow.file_application(database, clerk, household, "project", project="1", requested_fen=100_000)
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[2] == "帮扶申请"
    assert worklists.counts(database)["visit_due"] == 1
    window.open_worklist_item("applications", app)
    page = window.pages["applications"]
    assert window.current_page_key() == "applications" and page.applications.detail.application_id == app


def test_campaign_and_review_tabs(qtbot, folder, database, household, answers, monkeypatch):
    clerk_page = page_for(qtbot, folder, database, "clerk")
    tab = clerk_page.campaigns

    def create(d: CampaignDialog) -> None:
        d.name.setText("")
        d.name.insert("2026年两节送温暖")
        d.project.set_code("4")
        d.mode.setCurrentIndex(d.mode.findData("fixed"))
        d.amount.setText("1500")
        assert "1 户" in d.count.text()

    answers.append(create)
    task = tab.new_campaign()
    wait(task)
    assert tab.rows.rowCount() == 1 and not tab.buttons["publicise"].isEnabled()   # the clerk does not publicise
    reviewer = page_for(qtbot, folder, database, "reviewer").campaigns
    reviewer.refresh()
    answers.append(lambda d: None)
    click(qtbot, reviewer.buttons["publicise"])
    monkeypatch.setattr(common, "today", lambda: REAL_TODAY + dt.timedelta(days=8))
    reviewer.refresh()
    click(qtbot, reviewer.buttons["close"])
    approver = page_for(qtbot, folder, database, "approver").campaigns
    approver.refresh()
    approver.row_view.selectRow(0)
    answers.append(lambda d: (d.set_value("action", "approve"), d.set_value("amount", "2000")))
    click(qtbot, approver.buttons["exception"])
    assert "例外：批 2,000.00 元" in approver.rows.data(approver.rows.index(0, 8))
    answers.append(lambda d: None)
    wait(approver.approve())
    assert scalar(database, "SELECT amount_fen FROM decisions d JOIN applications a ON a.id = d.application_id "
                            "WHERE a.campaign_id IS NOT NULL") == 200_000

    reviews = page_for(qtbot, folder, database, "reviewer").reviews
    task = reviews.create_tasks()
    wait(task)
    reviews.show_box.setCurrentIndex(reviews.show_box.findData("all"))
    assert reviews.model.rowCount() == 1 and "复核任务 1 户" in reviews.summary.text()
    reviews.view.selectRow(0)
    if reviews.model.record(0)["sampled"]:
        answers.append(lambda d: d.set_value("note", "入户核查，情况属实"))
        click(qtbot, reviews.buttons["check"])
        reviews.view.selectRow(0)
    answers.append(lambda d: d.set_value("note", "家庭情况未变化"))
    click(qtbot, reviews.buttons["keep"])
    assert scalar(database, "SELECT outcome FROM review_tasks") == "keep"


def test_rules_dialog(qtbot, folder, database, admin, clerk, monkeypatch):
    from helpdesk_gui.core.workflow import caps
    from helpdesk_gui.gui.applications.rules_dialog import RulesDialog
    viewer = RulesDialog(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(viewer)
    assert viewer.rules.rowCount() == 31 and not viewer.edit_rule.isEnabled() and not viewer.add_holiday.isEnabled()
    dialog = RulesDialog(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(dialog)
    row_index = next(i for i, r in enumerate(dialog.rules.records()) if (r["project"], r["category"]) == ("2", "1"))
    edit = dialog.rule_dialog(dialog.rules.record(row_index))
    edit.set_value("percent", "80%")
    edit.set_value("deductible", "5000")
    edit.set_value("max_time", "10000")
    edit.set_value("period", "time")
    assert edit.apply(), edit.error.text()
    rule = caps.load_rules(database)[("2", "1")]
    assert (rule.percent, rule.deductible_fen, rule.max_time_fen, rule.period) == (
        caps.Decimal("0.8"), 500_000, 1_000_000, "time")
    bad = dialog.rule_dialog(dialog.rules.record(row_index))
    bad.set_value("percent", "180%")
    assert not bad.apply() and "100%" in bad.error.text()
    monkeypatch.setattr(common, "today", lambda: dt.date(2027, 1, 1))
    dialog.year.setValue(2027)
    assert dialog.holidays.rowCount() == 0
