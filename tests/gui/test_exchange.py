"""The 数据交换 page, the import wizard, the conflict screen and the export dialog, driven offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from exchange.conftest import TODAY, BatchBuilder, household, member, person, record, table
from exchange.test_foreign import station_sheet
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import importer, spec
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.page import ExchangePage
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow

COUNTY, CITY = "530122", "530100"
ID1, ID2 = person("1975-05-06", 11, CITY), person("1980-02-03", 22, CITY)
A1, A2 = "530100202400001", "530100202400002"
SHOTS = Path("/tmp/helpdesk-exchange-shots")


@pytest.fixture(autouse=True)
def cjk_fonts(qapp):
    """The bundled fonts, as the program installs them at start (so the screenshots look like the real thing)."""
    fonts.install(qapp)


@pytest.fixture
def ctx(folder, database, clerk):
    return AppContext(folder=folder, db=database, actor=clerk)


@pytest.fixture
def builder(tmp_path):
    return BatchBuilder(tmp_path)


def city_batch(builder: BatchBuilder, **kw) -> Path:
    """A batch from the city with two households, members and payments, for the county (530122)."""
    return builder.write({
        spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1), household(A2, "李梅", ID2)]),
        spec.MEMBERS: table(spec.MEMBERS, [member(A1, "王芳", "配偶", person("1977-08-09", 44, CITY))]),
        spec.RECORDS: table(spec.RECORDS, [record("530100P0001", A1)]),
    }, sender=CITY, receiver=COUNTY, **kw)


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def test_clerk_sees_the_page_with_ctrl_4(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "数据交换" in titles
    assert window.show_page("exchange")
    page = window.pages["exchange"]
    assert isinstance(page, ExchangePage) and page.import_button.isEnabled()


def test_wizard_imports_a_batch_end_to_end(qtbot, ctx, builder, database):
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    wizard = page.open_wizard("batch", str(city_batch(builder)))
    qtbot.addWidget(wizard)
    wizard.resize(1000, 620)
    wait(wizard.next())
    assert wizard.stack.currentIndex() == 2
    assert "新增档案 2 户" in wizard.plan_label.text()
    grid = wizard.preview_tabs.widget(0)
    assert wizard.preview_tabs.tabText(0).startswith(spec.HOUSEHOLDS)
    assert grid.item(0, 2).text() == "张三" and grid.item(0, 3).text() == "男"
    shot(wizard, "wizard_preview")
    wizard.next()
    assert wizard.stack.currentIndex() == 3 and "可以导入" in wizard.verdict.text()
    wizard.next()
    assert wizard.import_button.isVisible() and wizard.import_button.isEnabled()
    assert "新增档案 2 户" in wizard.confirm_label.text()
    wait(wizard.start_import())
    assert wizard.outcome is not None and wizard.outcome.status == importer.IMPORTED
    assert "已导入" in wizard.confirm_label.text() and wizard.close_button.text() == "完成"
    assert scalar(database, "SELECT count(*) FROM households WHERE sender_code = ?", [CITY]) == 2
    assert page.history_model.rowCount() == 1 and page.history_model.rows[0].cells[5] == "已导入"


def test_wizard_shows_problems_and_refuses(qtbot, ctx, builder, database, tmp_path):
    bad = household(A2, "李梅", ID2, 家庭人口="三")
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1), bad])},
                         sender=CITY, receiver=COUNTY)
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    wizard = page.open_wizard("batch", str(path))
    qtbot.addWidget(wizard)
    wait(wizard.next())
    assert "1 个错误" in wizard.plan_label.text()
    wizard.next()
    cells = wizard.problem_model.rows[0].cells
    assert cells[:4] == ["错误", spec.HOUSEHOLDS, "3", "家庭人口（O 列）"] and cells[4] == "三"
    assert "不会导入" in wizard.verdict.text()
    wizard.resize(1000, 600)
    shot(wizard, "wizard_problems")
    report = wizard.save_report(str(tmp_path / "标注.xlsx"))
    assert report is not None and load_workbook(report).sheetnames[0] == spec.ERRORS_SHEET
    wizard.next()
    assert not wizard.import_button.isEnabled()
    assert wizard.start_import() is None
    assert scalar(database, "SELECT count(*) FROM households") == 0


def test_hand_edited_batch_needs_the_tick(qtbot, ctx, builder, database):
    wizard = ExchangePage(ctx).open_wizard("batch", str(city_batch(builder, checksum="0" * 64)))
    qtbot.addWidget(wizard)
    wait(wizard.next())
    wizard.next()
    assert wizard.accept_unsigned.isVisibleTo(wizard) and "需确认" in wizard.verdict.text()
    wizard.next()
    assert not wizard.import_button.isEnabled()
    wizard.back()
    wizard.accept_unsigned.setChecked(True)
    wizard.next()
    assert wizard.import_button.isEnabled()
    wait(wizard.start_import())
    assert scalar(database, "SELECT count(*) FROM households") == 2


def test_cancelled_import_writes_nothing(qtbot, ctx, builder, database):
    wizard = ExchangePage(ctx).open_wizard("batch", str(city_batch(builder)))
    qtbot.addWidget(wizard)
    wait(wizard.next())
    wizard.next()
    wizard.next()
    task = wizard.start_import()
    task.job.cancel_event.set()     # the clerk presses 取消 in the progress dialog
    wait(task)
    assert wizard.outcome is None
    assert scalar(database, "SELECT count(*) FROM households") == 0
    assert scalar(database, "SELECT count(*) FROM exchange_batches") == 0


def test_station_sheet_through_the_mapping_step(qtbot, ctx, database, tmp_path):
    path = station_sheet(tmp_path / "龙泉站.xlsx")
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    wizard = page.open_wizard("sheet", str(path))
    qtbot.addWidget(wizard)
    assert wizard.next() is None and wizard.stack.currentIndex() == 1
    table_ = wizard.mapping_table
    chosen = {table_.item(r, 0).text(): table_.cellWidget(r, 1).currentData() for r in range(table_.rowCount())}
    assert chosen["身份证号码"] == "公民身份号码" and chosen["序号"] is None
    wizard.resize(900, 560)
    shot(wizard, "wizard_mapping")
    wizard.save_name.insert("龙泉街道帮扶站")
    wizard.save_mapping()
    assert exchange_state.get_mapping(database, "龙泉街道帮扶站")["columns"]["身份证号码"] == "公民身份号码"
    wait(wizard.next())
    assert "申请中" in wizard.plan_label.text() and "3 户" in wizard.plan_label.text()
    wizard.next()
    wizard.next()
    wait(wizard.start_import())
    assert wizard.outcome.status == importer.IMPORTED
    assert scalar(database, "SELECT count(*) FROM applications WHERE kind = 'new_archive'") == 3
    assert scalar(database, "SELECT count(*) FROM households WHERE status IN ('applying', 'visiting')") == 3


def test_conflict_screen_field_by_field(qtbot, ctx, builder, database, clerk):
    importer.import_batch(database, clerk, city_batch(builder), today=TODAY)
    with database.conn:
        database.execute("UPDATE households SET address = '县里核实的地址', updated_at = '2099-01-01T00:00:00+08:00' "
                         "WHERE archive_no = ?", [A1])
    changed = household(A1, "张三", ID1, 家庭住址="市里的新地址", 联系电话="13700000000",
                        最后修改时间="2026-11-10T09:00:00+08:00")
    importer.import_batch(database, clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [changed])},
                                                         sender=CITY, receiver=COUNTY), today=TODAY)
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    assert page.tabs.tabText(1) == "待处理冲突（1）"
    assert page.conflict_model.rows[0].cells[2] == A1 and "家庭住址" in page.conflict_model.rows[0].cells[5]
    from helpdesk_gui.core.reports import worklists
    assert worklists.counts(database)["exchange_conflicts"] == 1
    [item] = worklists.items(database, "exchange_conflicts")
    assert (item["archive_no"], item["name"], item["status"]) == (A1, "张三", "档案")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.open_worklist_item("exchange", item["id"])
    shown = window.pages["exchange"]
    assert shown.tabs.currentIndex() == 1 and shown.conflicts.currentIndex().row() == 0
    page.conflicts.selectRow(0)
    dialog = page.resolve_selected()
    qtbot.addWidget(dialog)
    labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    row = labels.index("家庭住址")
    assert (dialog.table.item(row, 1).text(), dialog.table.item(row, 2).text()) == ("县里核实的地址", "市里的新地址")
    dialog.only_differences.setChecked(True)
    assert dialog.table.isRowHidden(labels.index("姓名")) and not dialog.table.isRowHidden(row)
    dialog.resize(1000, 600)
    shot(dialog, "conflict_dialog")
    dialog.choose("address", "ours")                       # keep our address
    dialog.choose("phone", "typed", "13900001111")          # type a phone number
    assert dialog.apply("edited")
    h = register.get_household(database, register.household_id_by_archive(database, A1, CITY))
    assert (h["address"], h["phone"]) == ("县里核实的地址", "13900001111")
    assert page.conflict_model.rowCount() == 0


def test_export_dialog_incremental_then_full(qtbot, ctx, database, clerk, tmp_path):
    from helpdesk_gui.core.demo import households as demo
    demo.generate(database, auth.SYSTEM, 12, seed=3, today=TODAY)
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    dialog = page.open_export()
    qtbot.addWidget(dialog)
    assert dialog.receiver_code() == CITY
    assert "还没有发给 530100" in dialog.preview.text() and "档案 12 户" in dialog.preview.text()
    shot(dialog, "export_dialog")
    out = tmp_path / "up.xlsx"
    dialog.path_edit.setText(str(out))
    wait(dialog.start())
    assert out.exists() and dialog.exported_result is not None and dialog.exported_result.mode == "full"
    assert page.history_model.rows[0].cells[1] == "发出"
    again = page.open_export()
    qtbot.addWidget(again)
    assert "上次发给 530100" in again.preview.text() and "档案 0 户" in again.preview.text()
    again.full.setChecked(True)
    assert "完整批次" in again.preview.text() and "档案 12 户" in again.preview.text()


def test_flags_and_allocations_tabs(qtbot, folder, database, reviewer, builder):
    hid = register.create_household(database, reviewer, HouseholdDraft(
        fields={"name": "张三", "id_number": person("1975-05-06", 11), "cause_main": "3"}), today=TODAY)
    ours = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [hid])
    verdict = [{"档案编号": ours, "结果": "退回", "说明": "收入证明缺少盖章"}]
    params = [{"地区代码": COUNTY, "年度": 2027, "低保标准(元/月)": "780", "下拨资金": "120000", "资金来源": "上级工会拨付"}]
    importer.import_batch(database, reviewer, builder.write({spec.VERIFY: table(spec.VERIFY, verdict),
                                                             spec.POLICY: table(spec.POLICY, params)},
                                                            sender=CITY, receiver=COUNTY), today=TODAY)
    page = ExchangePage(AppContext(folder=folder, db=database, actor=reviewer))
    qtbot.addWidget(page)
    assert page.tabs.tabText(2) == "核查结果（1）" and page.tabs.tabText(3) == "下拨资金（1）"
    assert page.flag_model.rows[0].cells[1:5] == [ours, "张三", "退回", "收入证明缺少盖章"]
    assert page.allocation_model.rows[0].cells[3:7] == ["上级工会拨付", "120,000.00", "780.00", "待入账"]
    from helpdesk_gui.core.reports import worklists
    assert [i["archive_no"] for i in worklists.items(database, "exchange_returned")] == [ours]
    opened: list[int] = []
    page.household_requested.connect(opened.append)
    page.flags.selectRow(0)
    page.open_selected_flag()
    assert opened == [hid]
    page.handle_selected_flag("已补交盖章的收入证明")
    assert page.flag_model.rowCount() == 0 and page.tabs.tabText(2) == "核查结果（0）"
    page.resize(1100, 600)
    page.tabs.setCurrentIndex(3)
    shot(page, "page_allocations")


def test_export_dialog_names_the_households_to_fix(qtbot, ctx, database, clerk, tmp_path, message_boxes):
    """A batch the city would refuse is not written: the dialog stays open and lists each household to fix."""
    from helpdesk_gui.core.demo import households as demo
    demo.generate(database, auth.SYSTEM, 6, seed=3, today=TODAY)
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "缺原因", "id_number": person("1979-04-05", 71)}), today=TODAY)
    archive = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [hid])
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    dialog = page.open_export()
    qtbot.addWidget(dialog)
    out = tmp_path / "up.xlsx"
    dialog.path_edit.setText(str(out))
    wait(dialog.start())
    assert not out.exists() and dialog.exported_result is None
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "批次没有导出") and f"档案编号 {archive} 缺原因：主要致困原因" in text
    assert not dialog.refusal.isHidden()
    assert f"档案编号 {archive} 缺原因：主要致困原因：必填，不能为空" in dialog.refusal.toPlainText()
    assert dialog.buttons.isEnabled() and page.history_model.rowCount() == 0
    shot(dialog, "export_refused")
