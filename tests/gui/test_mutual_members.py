"""会员与缴费, driven as the clerk and the finance officer would: a unit and members through the dialogs,
enrolment, search, withdrawal, and a unit's contribution received (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest
from mutual_gui_kit import Page, answering
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.members import MemberDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.mutual.contribution_dialog import ContributionDialog
from helpdesk_gui.gui.mutual.member_dialog import MemberDialog
from helpdesk_gui.gui.mutual.members_tab import MembersTab
from helpdesk_gui.gui.mutual.unit_dialog import UnitDialog
from mutual_kit import idn

pytestmark = pytest.mark.usefixtures("own_settings")


@pytest.fixture
def plan(database, finance) -> int:
    return mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2026))



def tab_for(qtbot, folder, database, actor, *, readonly: bool = False) -> MembersTab:
    ctx = AppContext(folder=folder, db=database, actor=actor, readonly=readonly)
    page = Page(ctx.db)
    qtbot.addWidget(page)
    tab = MembersTab(ctx, page)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def cells(model, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def column(model, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_clerk_adds_a_unit_and_a_member_who_is_enrolled(qtbot, folder, database, clerk, plan, monkeypatch):
    tab = tab_for(qtbot, folder, database, clerk)
    assert not tab.receive_button.isEnabled() and tab.new_unit_button.isEnabled()

    def unit(d: UnitDialog) -> None:
        d.name.insert("县煤业公司工会")
        d.contact.insert("李华")
        d.phone.setText("0871-6123456")

    answering(monkeypatch, UnitDialog, unit)
    assert tab.new_unit()
    assert cells(tab.units_model, 1) == ["县煤业公司工会", "0", "0", ""]
    assert tab.unit_id() is not None                   # the new unit is chosen

    def member(d: MemberDialog) -> None:
        d.name.insert("张三")
        d.id_number.setText(idn(1))
        assert "1970-01-01" not in d.id_info.text() and "出生" in d.id_info.text()
        d.phone.setText("13812345678")
        d.bank_name.insert("农业银行")
        d.bank_account.setText("6228480000000012345")
        assert d.enrol.isChecked() and "2026 年度" in d.enrol.text()

    answering(monkeypatch, MemberDialog, member)
    assert tab.new_member()
    assert tab.model.rowCount() == 1
    shown = cells(tab.model, 0)
    assert shown[0] == "张三" and shown[1] in ("男", "女") and shown[3] == "县煤业公司工会"
    assert shown[2] == idn(1)[:6] + "********" + idn(1)[-4:]
    assert shown[4:] == ["0", "参加", "待缴", "**** 2345", ""]               # not the head of a hardship archive
    assert cells(tab.units_model, 1) == ["县煤业公司工会", "1", "1", "1"]
    m = rows(database, "SELECT * FROM mutual_members")[0]
    assert (m["name"], m["bank_account"], m["phone"]) == ("张三", "6228480000000012345", "13812345678")
    assert scalar(database, "SELECT count(*) FROM mutual_enrolments WHERE plan_id = ? AND contribution_id IS NULL",
                  [plan]) == 1


def test_member_dialog_keeps_a_bad_id_number_inside(qtbot, folder, database, clerk, plan):
    unit = mutual_members.save_unit(database, clerk, "县人民医院工会")
    tab = tab_for(qtbot, folder, database, clerk)
    dialog = MemberDialog(tab.ctx, tab, plan=tab.plan(), unit_id=unit)
    qtbot.addWidget(dialog)
    dialog.name.insert("李四")
    dialog.id_number.setText("530122197001010010")
    assert "校验位不正确" in dialog.id_info.text()          # said while typing
    dialog.accept()
    assert "公民身份号码" in dialog.error_text() and dialog.result() != QDialog.DialogCode.Accepted
    assert scalar(database, "SELECT count(*) FROM mutual_members") == 0


def test_search_filters_enrol_and_withdraw(qtbot, folder, database, clerk, plan, message_boxes):
    units = [mutual_members.save_unit(database, clerk, n) for n in ("县煤业公司工会", "县人民医院工会")]
    names = ["张三", "李四", "王五", "赵六"]
    ids_ = [mutual_members.save_member(database, clerk, MemberDraft(n, idn(i), units[i % 2]))
            for i, n in enumerate(names)]
    mutual_enrolment.enrol(database, clerk, plan, ids_[:2])
    tab = tab_for(qtbot, folder, database, clerk)
    assert tab.count_label.text() == "共 4 人"
    tab.search.insert("王")                            # search as you type
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert cells(tab.model, 0)[0] == "王五" and cells(tab.model, 0)[5] == "—"
    tab.search.clear()
    tab.enrolled_only.setChecked(True)
    assert sorted(column(tab.model, 0)) == ["张三", "李四"]
    tab.enrolled_only.setChecked(False)
    tab.units.selectRow(tab.units_model.row_of(units[0]))   # 县煤业公司工会: 张三, 王五
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=2000)
    assert sorted(column(tab.model, 0)) == ["张三", "王五"]

    # enrol 王五 (selected) with Ctrl+E's slot
    tab.table.selectRow(tab.model.row_of(ids_[2]))
    assert tab.enrol_button.isEnabled() and not tab.withdraw_button.isEnabled()
    assert tab.enrol_selected() == 1
    assert cells(tab.model, tab.model.row_of(ids_[2]))[5:7] == ["参加", "待缴"]
    assert cells(tab.units_model, tab.units_model.row_of(units[0]))[2:] == ["2", "2"]

    # take it back: asked first, then gone
    tab.table.selectRow(tab.model.row_of(ids_[2]))
    assert tab.withdraw_button.isEnabled()
    assert tab.withdraw_selected() == 1
    assert message_boxes[-1][0] == "question" and "王五" in message_boxes[-1][2]
    assert cells(tab.model, tab.model.row_of(ids_[2]))[5] == "—"
    assert scalar(database, "SELECT count(*) FROM mutual_enrolments WHERE member_id = ?", [ids_[2]]) == 0
    tab.unpaid_only.setChecked(True)
    assert column(tab.model, 0) == ["张三"]


def test_finance_receives_a_units_contribution(qtbot, folder, database, clerk, finance, plan, monkeypatch,
                                               message_boxes):
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    members = [mutual_members.save_member(database, clerk,
                                          MemberDraft(n, idn(i), unit, since_year=2020 if i == 0 else None))
               for i, n in enumerate(["张三", "李四", "王五"])]
    mutual_enrolment.enrol(database, clerk, plan, members)
    tab = tab_for(qtbot, folder, database, finance)
    assert not tab.new_button.isEnabled() and not tab.enrol_button.isEnabled()
    assert not tab.receive_button.isEnabled()            # 全部单位 is chosen
    tab.units.selectRow(tab.units_model.row_of(unit))
    assert tab.receive_button.isEnabled()

    def pay(d: ContributionDialog) -> None:
        assert d.members == 3 and d.total_fen == 105 * 100
        assert d.findChild(QWidget, "total").text() == "<b>105.00</b>"
        total_row = [w.text() for w in d.findChildren(QLabel) if w.text() in ("<b>合计</b>", "<b>3</b>", "<b>35.00</b>")]
        assert total_row == ["<b>合计</b>", "<b>3</b>", "<b>35.00</b>"]     # the 合计 row: 3 members, 35 each
        d.ref_no.insert("缴2026-01")

    seen = answering(monkeypatch, ContributionDialog, pay)
    assert tab.receive()
    voucher = seen[0].posted.voucher_no
    assert message_boxes[-1][0] == "information" and voucher in message_boxes[-1][2]
    assert cells(tab.contrib_model, 0) == ["2026", "县煤业公司工会", "3", "60.00", "15.00", "30.00", "105.00",
                                           dt.date.today().isoformat(), voucher, ""]
    assert "合计 105.00 元" in tab.contrib_label.text()
    assert set(column(tab.model, 6)) == {"已缴"}
    years = {cells(tab.model, r)[0]: cells(tab.model, r)[4] for r in range(tab.model.rowCount())}
    assert years["李四"] == "1" and years["张三"] == "7"  # paper records from 2020 bridge to the first plan
    assert not tab.receive_button.isEnabled()            # nothing left to pay
    c = rows(database, "SELECT * FROM mutual_contributions")[0]
    assert (c["members"], c["worker_fen"], c["unit_fen"], c["union_fen"], c["amount_fen"]) == (3, 6000, 1500, 3000, 10500)
    assert scalar(database, "SELECT ref_no FROM vouchers WHERE voucher_no = ?", [voucher]) == "缴2026-01"
    assert not tab.voucher_button.isEnabled()
    tab.contribs.selectRow(0)
    assert tab.voucher_button.isEnabled()


def test_nothing_to_pay_is_said_and_readonly_disables_everything(qtbot, folder, database, clerk, finance, plan,
                                                                 message_boxes):
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    tab = tab_for(qtbot, folder, database, finance)
    tab.units.selectRow(tab.units_model.row_of(unit))
    assert not tab.receive_button.isEnabled()
    assert tab.receive() is False
    assert message_boxes and "没有待缴费" in message_boxes[-1][2]
    ro = tab_for(qtbot, folder, database, clerk, readonly=True)
    for b in (ro.new_unit_button, ro.edit_unit_button, ro.new_button, ro.edit_button, ro.enrol_button,
              ro.withdraw_button, ro.import_button, ro.receive_button):
        assert not b.isEnabled()
    assert ro.new_member() is False


def test_closed_plan_takes_no_enrolment(qtbot, folder, database, clerk, finance, plan):
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    mid = mutual_members.save_member(database, clerk, MemberDraft("张三", idn(1), unit))
    mutual_plans.set_plan_status(database, finance, plan, "closed")
    tab = tab_for(qtbot, folder, database, clerk)
    tab.table.selectRow(tab.model.row_of(mid))
    assert tab.edit_button.isEnabled()
    assert not tab.enrol_button.isEnabled() and not tab.import_button.isEnabled()
    dialog = MemberDialog(tab.ctx, tab, plan=tab.plan(), member_id=mid, enrolled=False)
    qtbot.addWidget(dialog)
    assert not dialog.offers_enrol


def test_column_widths_are_remembered(qtbot, folder, database, clerk, plan):
    tab = tab_for(qtbot, folder, database, clerk)
    tab.table.horizontalHeader().resizeSection(0, 217)
    again = tab_for(qtbot, folder, database, clerk)
    assert again.table.horizontalHeader().sectionSize(0) == 217
    again.refresh()                                      # a reload keeps the clerk's widths
    assert again.table.horizontalHeader().sectionSize(0) == 217


def test_member_edit_keeps_the_id_and_enrols_on_request(qtbot, folder, database, clerk, plan, monkeypatch):
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    mid = mutual_members.save_member(database, clerk, MemberDraft("张三", idn(1), unit))
    tab = tab_for(qtbot, folder, database, clerk)
    tab.table.selectRow(tab.model.row_of(mid))

    def edit(d: MemberDialog) -> None:
        assert d.id_number.text() == idn(1) and d.offers_enrol and not d.enrol.isChecked()
        d.phone.setText("13900001111")
        d.enrol.setChecked(True)

    answering(monkeypatch, MemberDialog, edit)
    assert tab.edit_member()
    assert mutual_members.get_member(database, mid)["phone"] == "13900001111"
    assert cells(tab.model, tab.model.row_of(mid))[5] == "参加"
    assert tab.table.selectionModel().isRowSelected(tab.model.row_of(mid), tab.table.rootIndex())
    assert tab.table.model().data(tab.table.model().index(0, 0), Qt.ItemDataRole.DisplayRole) == "张三"


def test_follows_the_pages_plan_year(qtbot, folder, database, clerk, finance, plan):
    older = mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2025))
    unit = mutual_members.save_unit(database, clerk, "县煤业公司工会")
    mid = mutual_members.save_member(database, clerk, MemberDraft("张三", idn(1), unit))
    mutual_enrolment.enrol(database, clerk, older, [mid])
    tab = tab_for(qtbot, folder, database, clerk)
    tab.show()
    tab.page.chosen = plan
    tab.refresh()
    assert cells(tab.model, 0)[5] == "—"
    tab.page.chosen = older
    tab.page.plan_changed.emit()
    qtbot.waitUntil(lambda: cells(tab.model, 0)[5] == "参加", timeout=2000)
    assert cells(tab.units_model, 1)[2:] == ["1", "1"]


def test_import_opens_the_list_dialog_for_the_plan(qtbot, folder, database, clerk, plan, monkeypatch, message_boxes):
    import_dialog = pytest.importorskip("helpdesk_gui.gui.mutual.import_dialog")   # written beside this tab
    opened = []

    def run(dialog):
        opened.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(import_dialog.ImportListDialog, "exec", run)
    tab = tab_for(qtbot, folder, database, clerk)
    assert tab.import_button.isEnabled()
    assert tab.import_list() is False and len(opened) == 1 and message_boxes == []
