"""Admins read the audit trail; revealing a masked number needs a role that may, and is audited."""

from __future__ import annotations

from openpyxl import load_workbook

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.gui.audit.page import AuditPage
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.register.page import RegisterPage


def test_reveal_is_for_reviewers_and_audited(qtbot, folder, database, clerk, reviewer, message_boxes):
    demo.generate(database, auth.SYSTEM, 20, seed=6)
    clerk_page = RegisterPage(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(clerk_page)
    assert clerk_page.reveal_button.isHidden()
    assert "********" in clerk_page.model.index(0, 3).data()
    page = RegisterPage(AppContext(folder=folder, db=database, actor=reviewer))
    qtbot.addWidget(page)
    page.table.selectRow(0)
    shown = page.reveal_selected()
    assert shown is not None and len(shown["id_number"]) == 18 and "*" not in shown["id_number"]
    assert any(shown["id_number"] in text for _k, _t, text in message_boxes)
    rows = audit.query(database, audit.AuditFilter(action="reveal"))
    assert len(rows) == 1 and rows[0]["username"] == "reviewer" and rows[0]["entity_id"] == shown["archive_no"]


def test_audit_page_filters_and_exports(qtbot, folder, database, admin, clerk, tmp_path):
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    assert "audit" not in window.pages
    page = AuditPage(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(page)
    assert page.table.rowCount() >= 5          # init + the users created by the fixture
    page.action_box.setCurrentIndex(page.action_box.findData("create"))
    page.entity_box.setCurrentIndex(page.entity_box.findData("user"))
    page.refresh()
    assert page.table.rowCount() == 4 and {page.table.item(r, 2).text() for r in range(4)} == {"新建"}
    page.table.setCurrentCell(0, 0)
    assert "修改后" in page.detail.toPlainText() and "角色：" in page.detail.toPlainText()   # fields by Chinese name
    target = tmp_path / "audit.xlsx"
    wait(page.export(str(target)))
    ws = load_workbook(target).active
    assert ws["A1"].value == "序号" and ws.max_row == 5 and ws["D2"].value == "新建"
