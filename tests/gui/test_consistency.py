"""Nothing shown contradicts itself: one 家庭月人均收入 in the register list, the editor and the printed
档案表 (the income test's figure labelled apart), and the 工作台's 办理中的申请 is the 帮扶申请 page's 办理中."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt, QThreadPool

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.register.model import COLUMNS

pytestmark = pytest.mark.usefixtures("own_settings")

HEAD = ids.make("530122", dt.date(1978, 3, 12), 13)
SPOUSE = ids.make("530122", dt.date(1980, 1, 2), 24)


def text_of(path) -> str:
    """The PDF's text without any white space (as a clerk reads it, whatever the line breaks)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join("".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    finally:
        pdf.close()


def settled(qtbot, window: MainWindow, key: str):
    assert window.show_page(key)
    page = window.pages[key]
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: not page.busy() and pool.activeThreadCount() == 0, timeout=20_000)
    return page


@pytest.fixture
def window(qtbot, folder, database, clerk) -> MainWindow:
    w = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(w)
    w.resize(1360, 820)
    w.show()
    return w


def test_register_editor_and_printed_archive_show_one_per_capita(qtbot, window, database, clerk):
    # an idle, able spouse without income proof: the income test credits the minimum wage, the archive does not
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "王建国", "id_number": HEAD, "cause_main": "3"},
        members=[{"name": "李秀英", "relation": "1", "id_number": SPOUSE, "identity": "3", "health": "1"}],
        income_items=[{"kind": "wages", "amount_fen": 1_900_000}]))
    stored = register.get_household(database, hid)
    assert stored["per_capita_month_fen"] != stored["income_test_month_fen"]

    page = settled(qtbot, window, "register")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    col = [c.key for c in COLUMNS].index("per_capita_month_fen")
    assert page.model.headerData(col, Qt.Orientation.Horizontal) == "家庭月人均收入（元）"
    in_list = page.model.index(0, col).data()

    editor = window.open_household(hid)
    assert editor is not None
    qtbot.addWidget(editor)
    in_editor = re.sub(r"<[^>]+>", "", editor.income.per_capita.text())
    task = editor.print_button.print_form("archive")
    wait(task)
    dialog = editor.print_button.runner.dialogs[-1]
    qtbot.addWidget(dialog)
    printed = "".join(text_of(part) for part in dialog.parts)
    dialog.close()

    assert in_list == yuan(stored["per_capita_month_fen"]) == "791.67"          # 19,000 ÷ 2 ÷ 12
    assert in_editor == f"{in_list} 元"
    assert f"家庭月人均收入{in_list}元" in printed
    # the income test's figure is on its own labelled line, explained, and printed nowhere as 家庭月人均收入
    test_label = editor.income.result_text()
    assert f"收入核算用人均（含失业成员最低工资计入）：{yuan(stored['income_test_month_fen'])} 元" in test_label
    assert "最低工资" in editor.income.income_test.toolTip()
    assert yuan(stored["income_test_month_fen"]) not in printed
    editor.dirty = False


def test_a_members_monthly_income_counts_in_the_editors_income_test(qtbot, window, database, clerk):
    """The 家庭成员 月收入 column is not only shown: beyond the declared 家庭年收入 it is counted (README)."""
    editor = window.open_household(None)
    assert editor is not None
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.basic.id_number, HEAD)
    editor.basic.name.setText("王建国")
    members = editor.members
    r = members.add_row()
    members.cell(r, members.NAME).setText("李秀英")
    members.cell(r, members.RELATION).set_code("1")
    qtbot.keyClicks(members.cell(r, members.ID), SPOUSE)
    members.cell(r, members.IDENTITY).set_code("1")                      # 在岗
    editor.income.total_income.setText("12000")
    editor.recompute()
    before = editor.income.result_text()
    assert "家庭月人均收入：500.00 元" in before and "按成员月收入计入" not in before
    qtbot.keyClicks(members.cell(r, members.INCOME), "2000")             # 24,000 a year, above the 12,000 declared
    editor.recompute()
    after = editor.income.result_text()
    assert "家庭月人均收入：500.00 元" in after                             # the contract's figure: unchanged
    assert "按成员月收入计入：12,000.00 元" in after
    assert "收入核算用人均（含失业成员最低工资计入）：1,000.00 元" in after
    assert "差额 12000.00 元计入收入" in after
    editor.dirty = False


def test_the_home_card_counts_the_applications_the_applications_page_calls_open(qtbot, folder, database, clerk):
    demo.generate(database, auth.SYSTEM, 120, seed=4)          # applications in every state, archives too
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    window.show()
    home = settled(qtbot, window, "home")
    card = home.cards["applications_open"].text()
    assert card.startswith("办理中的申请\n") and card.endswith(" 件")
    on_home = int(card.split("\n")[1].split()[0].replace(",", ""))

    page = settled(qtbot, window, "applications")
    tab = page.applications
    tab.states.setCurrentRow(0)                                  # 办理中
    assert tab.states.currentItem().text() == f"办理中  {on_home:,}"
    assert tab.count_label.text() == f"共 {on_home:,} 件" and tab.model.rowCount() == on_home
    # the card counted archives before: in this demo that is another number
    archives = scalar(database, "SELECT count(*) FROM households WHERE status IN "
                                "('applying', 'visiting', 'publicity', 'pending')")
    assert on_home > 0 and archives != on_home

    # and its list opens the applications themselves
    home = settled(qtbot, window, "home")
    home.show_list("applications_open")
    assert home.table.rowCount() == min(on_home, 200)
    assert home.table.horizontalHeaderItem(0).text() == "申请编号"
