"""Dialogs as a clerk reads them: no label is cut off (the 上限 rule that grows after the dialog opens, the
editor's long form labels), a refusal about a field goes as soon as the field is corrected, and a family
member's ID number is checked as it is typed, as the head's is, with 出生日期 and 性别 read from it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.applications.new_dialog import NewApplicationDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.editor import HouseholdEditor
from helpdesk_gui.gui.reception.entry_dialog import EntryDialog

pytestmark = pytest.mark.usefixtures("own_settings")

HEAD = ids.make("530122", dt.date(1975, 5, 6), 123)
SPOUSE = ids.make("530122", dt.date(1980, 1, 2), 24)


def cut_off(window: QWidget) -> list[str]:
    """The texts a clerk cannot read whole: a form label narrower than its text or under its field, a
    wrapped text given fewer lines than it has, or a text below the bottom of its window."""
    out: list[str] = []
    for form in window.findChildren(QFormLayout):
        for r in range(form.rowCount()):
            label = form.itemAt(r, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(r, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            lw = label.widget()
            if not lw.isVisible() or not lw.text():
                continue
            lg, fg = lw.geometry(), field.geometry()
            beside = fg.top() <= lg.bottom() and lg.top() <= fg.bottom()
            if lw.width() < lw.sizeHint().width() or (beside and lg.right() >= fg.left()):
                out.append(lw.text())
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        bottom = label.mapTo(window, label.rect().bottomLeft()).y()
        if (label.wordWrap() and label.height() < label.heightForWidth(label.width())) or bottom > window.height():
            out.append(label.text())
    return out


@pytest.fixture
def ctx(folder, database, clerk):
    return AppContext(folder=folder, db=database, actor=clerk)


@pytest.fixture
def household(database, clerk, make_active):
    hid = register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "张三", "id_number": HEAD, "cause_main": "6", "hukou_region_code": "530122",
        "annual_income_fen": 500_000}))
    make_active(hid, category="1")
    return hid


def test_the_cap_text_is_shown_whole_when_it_grows_after_the_dialog_opened(qtbot, qapp, ctx, household):
    fonts.install(qapp)
    dialog = NewApplicationDialog(ctx, household_id=household)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.kind.set_code("project")
    dialog.project.set_code("3")               # 子女助学: a rule of two lines
    dialog.beneficiary.insert("张小明")
    dialog.requested.insert("3000")
    qtbot.wait(10)
    assert "本次最多" in dialog.cap_label.text() and "低保标准" in dialog.cap_label.text()
    assert dialog.height() > before           # the dialog made room for it
    assert cut_off(dialog) == []


def test_no_label_of_the_household_editor_is_cut_off(qtbot, qapp, ctx, household):
    fonts.install(qapp)
    editor = HouseholdEditor(ctx, household)
    qtbot.addWidget(editor)
    editor.resize(1180, 720)
    editor.show()
    qtbot.waitExposed(editor)
    for i in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        assert cut_off(editor) == [], editor.tabs.tabText(i)
    editor.dirty = False


def test_a_refusal_about_a_field_goes_as_soon_as_the_field_is_corrected(qtbot, ctx):
    dialog = EntryDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.insert("张师傅")
    dialog.matter.insertPlainText("单位拖欠工资三个月")
    qtbot.keyClicks(dialog.phone, "12345")
    dialog.accept()
    assert "联系电话" in dialog.error_text() and dialog.error_label.isVisible()
    qtbot.keyClicks(dialog.phone, "6")          # changed, still not a phone number: still red, says why
    assert "联系电话" in dialog.error_text() and dialog.error_label.isVisible()
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "13812345678")
    assert dialog.error_text() == "" and not dialog.error_label.isVisible()
    dialog.accept()
    assert dialog.entry_id is not None


def test_a_refused_amount_goes_once_it_reads_as_an_amount(qtbot, ctx, household):
    dialog = NewApplicationDialog(ctx, household_id=household)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.set_code("project")
    dialog.project.set_code("4")
    dialog.requested.insert("三千")
    assert not dialog.apply()
    assert dialog.error.text().startswith("申请金额") and dialog.error.isVisible()
    dialog.requested.insert("元")                   # changed, still no amount: still said, in red
    assert dialog.error.text().startswith("申请金额") and dialog.error.isVisible()
    dialog.requested.clear()
    qtbot.keyClicks(dialog.requested, "3000")
    assert dialog.error.text() == "" and not dialog.error.isVisible()
    assert dialog.apply() and dialog.application_id is not None


def test_a_members_id_number_is_checked_as_typed_and_gives_birth_date_and_sex(qtbot, ctx, database):
    editor = HouseholdEditor(ctx, None)
    qtbot.addWidget(editor)
    members = editor.members
    r = members.add_row()
    members.cell(r, members.NAME).insert("李秀英")
    wrong = SPOUSE[:-1] + ("0" if SPOUSE[-1] != "0" else "1")
    qtbot.keyClicks(members.cell(r, members.ID), wrong)
    assert members.hint.text() == "第 1 位家庭成员“李秀英”的公民身份号码：校验位不正确，请逐位核对号码"
    assert members.cell(r, members.BIRTH).text() == ""
    members.cell(r, members.ID).clear()
    qtbot.keyClicks(members.cell(r, members.ID), SPOUSE)
    assert members.hint.text() == ""
    assert members.cell(r, members.BIRTH).text() == "1980-01-02"
    assert members.cell(r, members.GENDER).currentText() == "女" and not members.cell(r, members.GENDER).isEnabled()
    # the same check as the head's: a person already in another active archive is named as typed
    taken = ids.make("530122", dt.date(1970, 3, 3), 55)
    register.create_household(database, ctx.actor, HouseholdDraft(fields={"name": "王五", "id_number": taken,
                                                                         "cause_main": "3"}))
    r2 = members.add_row()
    qtbot.keyClicks(members.cell(r2, members.ID), taken)
    assert "第 2 位家庭成员的公民身份号码：此号码已在有效档案" in members.hint.text()
    qtbot.keyClicks(editor.basic.id_number, taken)
    assert editor.basic.id_hint.text().startswith("此号码已在有效档案")
    editor.dirty = False
