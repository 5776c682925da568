"""导入参加名单 in the window: the proposed column mapping, bad rows highlighted with their problems, 导入
enabled only for a clean list, the counts shown after the import; a corrected column fixes the check."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox

from exchange.test_mutual_list import GOOD, UNIT, idn, member_list
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.mutual.import_dialog import BAD_CELL, ImportListDialog


@pytest.fixture
def plan(database, finance) -> int:
    return mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2026))


@pytest.fixture
def unit(database, clerk) -> int:
    mutual_members.save_unit(database, clerk, "县财政局工会")
    return mutual_members.save_unit(database, clerk, UNIT)


@pytest.fixture
def ctx(folder, database, clerk):
    return AppContext(folder=folder, db=database, actor=clerk)


def loaded(qtbot, ctx, plan, unit, path) -> ImportListDialog:
    dialog = ImportListDialog(ctx, plan, unit_id=unit)
    qtbot.addWidget(dialog)
    task = dialog.load(path)
    assert task is not None
    wait(task)
    return dialog


def mapping_rows(dialog: ImportListDialog) -> dict[str, str | None]:
    out = {}
    for r in range(dialog.mapping_table.rowCount()):
        box = dialog.mapping_table.cellWidget(r, 1)
        assert isinstance(box, QComboBox)
        out[dialog.mapping_table.item(r, 0).text()] = box.currentData()
    return out


def test_bad_list_is_shown_with_its_problems_and_cannot_be_imported(qtbot, ctx, plan, unit, tmp_path):
    bad_id = idn(4)[:-1] + ("0" if idn(4)[-1] != "0" else "1")
    path = member_list(tmp_path / "bad.xlsx", [*GOOD, [4, "赵六", bad_id, "", "", "", "", "", ""]])
    dialog = loaded(qtbot, ctx, plan, unit, path)
    assert dialog.unit_box.currentText() == UNIT
    assert mapping_rows(dialog)["身份证号"] == "公民身份号码" and mapping_rows(dialog)["序号"] is None
    table = dialog.preview_table
    assert table.rowCount() == 4
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    id_col = headers.index("公民身份号码")
    assert table.item(3, 0).text() == "6" and table.item(3, 1).text() == "有错误"
    assert table.item(3, id_col).background().color() == BAD_CELL and "校验位" in table.item(3, id_col).toolTip()
    assert table.item(3, id_col).text() == bad_id                 # the bad value as written
    assert "*" in table.item(0, id_col).text()                    # good ID numbers are masked
    problems = dialog.problem_model.rows
    assert problems[0].cells[:4] == ["错误", "参加名单", "6", "公民身份号码"]
    assert not dialog.import_button.isEnabled()
    assert "1 个错误" in dialog.summary.text()

    fonts.install(QApplication.instance())
    dialog.show()
    dialog.grab().save(str(tmp_path / "import_bad.png"))
    assert scalar(ctx.db, "SELECT count(*) FROM mutual_members") == 0


def test_clean_list_imports_and_reports_the_counts(qtbot, ctx, plan, unit, tmp_path, message_boxes):
    path = member_list(tmp_path / "good.xlsx", GOOD)
    dialog = loaded(qtbot, ctx, plan, unit, path)
    assert dialog.import_button.isEnabled()
    assert "将新建单位 县运输公司工会" in dialog.summary.text()
    states = [dialog.preview_table.item(r, 1).text() for r in range(3)]
    assert states == ["新会员", "新会员", "新会员（新单位）"]
    seen = []
    dialog.imported.connect(seen.append)
    task = dialog.do_import()
    assert task is not None
    wait(task)
    assert message_boxes[-1][2] == "新增会员 3 人，更新 0 人，登记参加 3 人（已参加 0 人）"
    assert dialog.result() == dialog.DialogCode.Accepted and seen and seen[0].created == 3
    assert len(mutual_members.list_members(ctx.db, plan_id=plan, enrolled_only=True)) == 3

    # the same list again: 已参加 everywhere, and the import adds nothing
    again = loaded(qtbot, ctx, plan, unit, path)
    assert [again.preview_table.item(r, 1).text() for r in range(3)] == ["已参加"] * 3
    wait(again.do_import())
    assert message_boxes[-1][2] == "新增会员 0 人，更新 0 人，登记参加 0 人（已参加 3 人）"
    assert scalar(ctx.db, "SELECT count(*) FROM mutual_members") == 3


def test_the_clerk_corrects_a_column_and_the_unit(qtbot, ctx, plan, unit, tmp_path):
    """A header nobody could guess is mapped by hand; rows without a unit need one chosen."""
    path = member_list(tmp_path / "odd.xlsx", [[1, "张三", idn(1), "", "", "", "", "", ""],
                                                [2, "李四", idn(2), "", "", "", "", "", ""]],
                       header=["序号", "姓名", "个人识别码", "部门", "手机", "开户行", "卡号", "年份", "备注"])
    dialog = ImportListDialog(ctx, plan)
    qtbot.addWidget(dialog)
    assert dialog.load(path) is None                               # nothing to check without an ID column
    assert "必须有对应“公民身份号码”的列" in dialog.summary.text()
    assert dialog.unit_box.currentIndex() == 0                     # 按名单中每行所写的单位
    assert mapping_rows(dialog)["个人识别码"] is None and mapping_rows(dialog)["部门"] is None
    # the mapping cannot be used without an ID column: nothing is checked
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    wait(dialog.set_target("个人识别码", "公民身份号码"))
    assert dialog.preview is not None and dialog.preview.problems.errors == 2   # no unit for either row
    assert {p.column for p in dialog.preview.problems.of_level("error")} == {"所在单位"}
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findText(UNIT))
    wait(dialog.check())
    assert dialog.import_button.isEnabled()
    # a new unit typed in the box is created on import
    dialog.unit_box.setEditText("县交通局工会")
    wait(dialog.check())
    assert "将新建单位 县交通局工会" in dialog.summary.text()
    wait(dialog.do_import())
    assert {m["unit_name"] for m in mutual_members.list_members(ctx.db, plan_id=plan)} == {"县交通局工会"}
