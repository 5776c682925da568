"""The 审计日志 page as an admin reads it, opened through the window: actions and records by Chinese name,
never the codes the trail stores; the details field by field, money in yuan; times local, to the minute."""

from __future__ import annotations

import re

import pytest

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui.audit.page import AuditPage
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("own_settings")
CODE = re.compile(r"[A-Za-z_]")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
MINUTE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")


@pytest.fixture
def audited(database, admin, clerk, reviewer, finance):
    """A trail with a bit of everything: users, the demo, a receipt of 12,345 元, an application, a reveal."""
    demo.generate(database, auth.SYSTEM, 20, seed=6)
    fund = next(f["id"] for f in funds.list_funds(database) if f["name"] == "本级工会帮扶经费")
    ledger.post_receipt(database, finance, fund, 1_234_500, "allocation", "县总拨款", ref_no="县工发〔2026〕1号")
    for (household,) in database.execute("SELECT id FROM households WHERE status = 'active' ORDER BY id").fetchall():
        try:
            workflow.file_application(database, clerk, household, "project", project="1", requested_fen=100_000)
            break
        except StateError:   # the demo left an open application of this kind here
            continue
    register.reveal(database, reviewer, household)
    return database


@pytest.fixture
def page(qtbot, folder, audited, admin) -> AuditPage:
    window = MainWindow(AppContext(folder=folder, db=audited, actor=admin))
    qtbot.addWidget(window)
    window.show()
    assert window.show_page("audit")
    shown = window.pages["audit"]
    assert isinstance(shown, AuditPage)
    return shown


def cells(page: AuditPage, column: int) -> list[str]:
    return [page.table.item(r, column).text() for r in range(page.table.rowCount())]


def select(page: AuditPage, action: str) -> str:
    """Select the newest row showing ``action``; the detail pane's text."""
    page.table.setCurrentCell(cells(page, 2).index(action), 0)
    return page.detail.toPlainText()


def test_rows_name_actions_and_records_in_chinese(page):
    actions, entities = cells(page, 2), cells(page, 3)
    assert {"记账", "受理", "查看完整信息", "生成演示数据", "新建", "初始化数据库"} <= set(actions)
    assert {"凭证", "帮扶申请", "档案", "用户", "数据库"} <= set(entities)
    assert not [text for text in actions + entities if CODE.search(text)]
    assert all(MINUTE.match(at) for at in cells(page, 0))
    assert page.count_label.text().startswith("共 ")


def test_details_show_fields_by_name_money_in_yuan_and_local_times(page):
    text = select(page, "记账")
    assert "12,345.00 元" in text and "摘要：县总拨款" in text and "文号/批次：县工发〔2026〕1号" in text
    assert "类别：收款" in text and "类别：拨款收入" in text            # voucher kind, entry kind
    assert "  本级工会帮扶经费：12,345.00 元" in text and "资金：本级工会帮扶经费" in text   # funds by name, not id
    assert "_fen" not in text and "1234500" not in text
    text = select(page, "受理")
    assert "状态：已受理" in text and "帮扶项目：生活救助" in text and "申请金额：1,000.00 元" in text
    assert "内容：公民身份号码、联系电话、银行账号" in select(page, "查看完整信息")
    for r in range(page.table.rowCount()):
        page.table.setCurrentCell(r, 0)
        text = page.detail.toPlainText()
        assert "+00:00" not in text and not re.search(r"\dT\d", text), text
        assert not SNAKE.findall(text), (cells(page, 2)[r], SNAKE.findall(text))
    assert MINUTE.match(page.detail.toPlainText().split("\u3000")[0])


def test_the_action_filter_lists_each_label_once_and_filters_by_it(page):
    labels = [page.action_box.itemText(i) for i in range(page.action_box.count())]
    assert labels[0] == "全部操作" and len(labels) == len(set(labels))
    assert not [label for label in labels if CODE.search(label)]
    assert {"设置", "受理", "发出交换批次", "记账"} <= set(labels)
    page.action_box.setCurrentIndex(labels.index("记账"))
    page.refresh()
    assert cells(page, 2) == ["记账"] and cells(page, 3) == ["凭证"]
    assert "12,345.00 元" in page.detail.toPlainText()       # the newest row shows at once


def test_screenshot_selects_a_row_and_shows_its_details(qtbot, page, tmp_path):
    window = page.window()
    target = tmp_path / "audit.png"
    gui_app.screenshot(window, "audit", target, row=cells(page, 2).index("记账") + 1)
    assert target.stat().st_size > 20_000
    assert page.table.currentRow() == cells(page, 2).index("记账")
    assert "12,345.00 元" in page.detail.toPlainText()
