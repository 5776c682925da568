"""The import wizard is not modal: what changes in the register between its preview and 导入 is held as a
conflict, the wizard says how many, and the conflict screen offers what such a conflict allows."""

from __future__ import annotations

from test_exchange import ID2, city_batch

from exchange.conftest import TODAY, BatchBuilder
from helpdesk_gui.core import check
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import importer
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.page import ExchangePage
from helpdesk_gui.gui.kit.worker import wait


def test_person_registered_while_the_wizard_waits_is_held_not_duplicated(qtbot, folder, database, clerk, tmp_path,
                                                                          message_boxes):
    page = ExchangePage(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(page)
    wizard = page.open_wizard("batch", str(city_batch(BatchBuilder(tmp_path))))
    qtbot.addWidget(wizard)
    wait(wizard.next())
    assert "新增档案 2 户" in wizard.plan_label.text()
    wizard.next()
    wizard.next()
    # while the wizard waits on its last step, a colleague registers 李梅 at the counter
    local = register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "李梅", "id_number": ID2, "cause_main": "3", "address": "窗口登记"}), today=TODAY)
    wait(wizard.start_import())
    assert wizard.outcome is not None and wizard.outcome.status == importer.IMPORTED
    text = wizard.confirm_label.text()
    assert "新增档案 1 户" in text and "1 户未写入，已转为待处理冲突" in text
    assert scalar(database, "SELECT count(*) FROM households WHERE id_number = ?", [ID2]) == 1
    assert check.run(database) == []
    # the conflicts tab lists it with the reason; the screen offers 不新增 or 按批次新增, no merge
    assert page.tabs.tabText(1) == "待处理冲突（1）"
    local_no = register.get_household(database, local)["archive_no"]
    assert page.conflict_model.rows[0].cells[5].startswith(f"预览后本库有效档案 {local_no} 已登记同一公民身份号码")
    page.conflicts.selectRow(0)
    dialog = page.resolve_selected()
    qtbot.addWidget(dialog)
    assert not dialog.merge_button.isEnabled() and dialog.theirs_button.text() == "按批次新增档案"
    assert dialog.apply("theirs") is False             # 李梅 is still in our active archive: said, nothing written
    kind, _title, said = message_boxes[-1]
    assert kind == "warning" and local_no in said
    assert dialog.apply("ours")
    assert exchange_state.open_conflicts(database) == [] and page.conflict_model.rowCount() == 0
    assert check.run(database) == []
