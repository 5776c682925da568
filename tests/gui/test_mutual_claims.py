"""报销审批 in the window: the clerk registers a claim through the dialog and sees the calculation as
they type, a receipt claimed before is refused inline, the approver approves from the tab, advances
are paid and later settled by a claim."""

from __future__ import annotations

import pytest
from mutual_gui_kit import Page
from PySide6.QtCore import Qt

from helpdesk_gui.core import check
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.mutual.advance_dialog import AdvanceDialog
from helpdesk_gui.gui.mutual.claim_dialog import ClaimDialog
from helpdesk_gui.gui.mutual.claims_tab import ClaimsTab
from helpdesk_gui.gui.mutual.receipts_editor import CODE, DATE, HOSPITAL, INSURANCE, KIND, NUMBER, SELF, TOTAL
from mutual_kit import Y

pytestmark = pytest.mark.usefixtures("own_settings")


@pytest.fixture
def scheme(mutual_scheme):
    return mutual_scheme


def context(folder, db, username: str) -> AppContext:
    return AppContext(folder=folder, db=db, actor=auth.get_actor(db, username))


def tab_for(qtbot, folder, scheme, username: str) -> ClaimsTab:
    page = Page(scheme["db"], scheme["plan"])
    qtbot.addWidget(page)
    tab = ClaimsTab(context(folder, scheme["db"], username), page)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def choose(dialog, name: str, qtbot) -> None:
    """Type the name into the member field and press Enter."""
    dialog.picker.search_edit.insert(name)
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    assert dialog.picker.member is not None and dialog.picker.member["name"] == name


def type_receipt(dialog, row: int, kind: str, number: str, day: str, total: str, insurance: str, own: str) -> None:
    """What the delegates write when the clerk types a row (the kind list writes label and code)."""
    table = dialog.receipts
    label = dict(table.kinds)[kind]
    table.item(row, KIND).setData(CODE, kind)
    table.item(row, KIND).setText(label)
    for col, text in ((NUMBER, number), (HOSPITAL, "县人民医院"), (DATE, day), (TOTAL, total), (INSURANCE, insurance),
                      (SELF, own)):
        table.item(row, col).setText(text)


def register(qtbot, ctx, plan_id, name, receipts) -> ClaimDialog:
    dialog = ClaimDialog(ctx, plan_id)
    qtbot.addWidget(dialog)
    choose(dialog, name, qtbot)
    for i, r in enumerate(receipts):
        type_receipt(dialog, i, *r)
    return dialog


def test_clerk_registers_a_claim_and_sees_the_steps_live(qtbot, folder, scheme):
    db = scheme["db"]
    ctx = context(folder, db, "clerk")
    dialog = ClaimDialog(ctx, scheme["plan"])
    qtbot.addWidget(dialog)
    assert "请先选择会员" in dialog.steps.text()
    choose(dialog, "张三", qtbot)
    assert "连续参加 2 年" in dialog.picker.summary.text() and "**** 0001" in dialog.picker.summary.text()
    type_receipt(dialog, 0, "3", "ZY001", "2026-03-10", "16000", "10000", "5000")
    assert dialog.receipts.rowCount() == 2            # typing into the last row opened the next one
    assert dialog.receipts.item(0, TOTAL).text() == "16,000.00"
    qtbot.waitUntil(lambda: "结算应付 2,000.00 元" in dialog.payable.text())
    type_receipt(dialog, 1, "2", "MZ01", "2026-04-02", "1500", "", "1000")
    qtbot.waitUntil(lambda: "结算应付 2,500.00 元" in dialog.payable.text())
    steps = dialog.steps.text()
    assert "单据 2 张" in steps and "比例 50%" in steps and "− 起付线 1,000.00 元）× 50% = 2,500.00 元" in steps
    assert "人民币贰仟伍佰元整" in dialog.payable.text() and dialog.check_text() == ""
    # a wrong amount names its receipt, inline; the row is shaded
    dialog.receipts.item(1, SELF).setText("2000")
    dialog.recompute()
    assert "第 2 张单据的金额" in dialog.check_text() and dialog.payable.text() == ""
    assert dialog.receipts.item(1, NUMBER).background().color().name() == "#fde2e1"
    dialog.receipts.item(1, SELF).setText("1000")
    dialog.recompute()
    assert dialog.check_text() == "" and dialog.receipts.item(1, NUMBER).background().style() == Qt.BrushStyle.NoBrush
    dialog.accept()
    assert dialog.result() == ClaimDialog.DialogCode.Accepted and dialog.claim_id is not None
    c = mutual_claims.get_claim(db, dialog.claim_id)
    assert c["status"] == "draft" and [r["receipt_no"] for r in c["receipts"]] == ["ZY001", "MZ01"]
    assert c["total_fen"] == 17_500 * Y and c["self_fen"] == 6_000 * Y

    tab = tab_for(qtbot, folder, scheme, "clerk")
    assert tab.status_box.currentData() is None            # the clerk sees every state
    row = tab.model.rows[0].cells
    assert row[0] == c["claim_no"] and row[1] == "张三" and row[2] == "530122********" + c["id_number"][-4:]
    assert row[4] == "2" and row[5] == "17,500.00" and row[13] == "待审批"
    assert "预计" in tab.detail.steps.text() and "2,500.00 元" in tab.detail.steps.text()
    assert tab.detail.model.rowCount() == 2 and tab.detail.model.rows[1].cells[0] == "慢性病门诊收据"
    assert tab.edit_button.isEnabled() and not tab.approve_button.isEnabled()


def test_a_receipt_claimed_before_is_refused_inline(qtbot, folder, scheme, message_boxes):
    db = scheme["db"]
    ctx = context(folder, db, "clerk")
    first = register(qtbot, ctx, scheme["plan"], "张三", [("3", "ZY001", "2026-03-10", "16000", "10000", "5000")])
    first.accept()
    assert first.claim_id is not None
    again = register(qtbot, ctx, scheme["plan"], "张三", [("4", "YB7", "2026-05-01", "3000", "1000", "2000"),
                                                        ("3", "ZY001", "2026-03-10", "16000", "10000", "5000")])
    qtbot.waitUntil(lambda: "已在报销" in again.check_text())
    assert "第 2 张单据：住院费用结算单 ZY001 已在报销 HZ" in again.check_text()
    assert "同一张单据不能重复报销" in again.check_text()
    assert again.receipts.item(1, NUMBER).background().color().name() == "#fde2e1"
    again.accept()
    assert again.result() != ClaimDialog.DialogCode.Accepted and "已在报销" in again.error_text()
    # twice in the same claim, too
    type_receipt(again, 1, "4", "YB7", "2026-05-01", "3000", "1000", "2000")
    again.recompute()
    assert "第 2 张单据：与前面的单据重复" in again.check_text()
    assert scalar(db, "SELECT count(*) FROM mutual_claims") == 1
    assert not [m for m in message_boxes if m[0] != "question"]    # nothing popped up while typing


def test_approver_approves_from_the_tab_and_the_calculation_is_frozen(qtbot, folder, scheme, message_boxes):
    db = scheme["db"]
    dialog = register(qtbot, context(folder, db, "clerk"), scheme["plan"], "张三",
                      [("3", "ZY001", "2026-03-10", "16000", "10000", "5000")])
    dialog.accept()
    clerk_tab = tab_for(qtbot, folder, scheme, "clerk")
    assert not clerk_tab.approve_button.isEnabled() and not clerk_tab.reject_button.isEnabled()
    tab = tab_for(qtbot, folder, scheme, "approver")
    assert tab.status_box.currentData() == "draft" and tab.model.rowCount() == 1
    assert not tab.new_button.isEnabled() and tab.approve_button.isEnabled()
    assert tab.approve()
    asked = message_boxes[-1]
    assert asked[0] == "question" and "结算应付 2,000.00 元（人民币贰仟元整）" in asked[2]
    assert mutual_claims.get_claim(db, dialog.claim_id)["status"] == "approved"
    assert tab.model.rowCount() == 0                       # it left the 待审批 list
    tab.status_box.setCurrentIndex(tab.status_box.findData("approved"))
    row = tab.model.rows[0].cells
    assert (row[8], row[9], row[12], row[13]) == ("50%", "2,000.00", "2,000.00", "已批准待结算")
    assert "审批时的计算（已固定）" in tab.detail.steps.text() and "结算应付 2,000.00 元" in tab.detail.steps.text()
    assert tab.revoke_button.isEnabled()
    assert tab.revoke(reason="金额录错")
    assert mutual_claims.get_claim(db, dialog.claim_id)["status"] == "draft"
    tab.status_box.setCurrentIndex(tab.status_box.findData("draft"))
    assert tab.reject(reason="非定点医疗机构")
    c = mutual_claims.get_claim(db, dialog.claim_id)
    assert c["status"] == "rejected" and c["reason"] == "非定点医疗机构"


def test_the_one_who_registered_cannot_approve_and_is_told_why(qtbot, folder, scheme, message_boxes):
    db = scheme["db"]
    register(qtbot, context(folder, db, "admin"), scheme["plan"], "李四",
             [("1", "TJ9", "2026-06-01", "3000", "0", "2500")]).accept()
    tab = tab_for(qtbot, folder, scheme, "admin")
    assert tab.approve_button.isEnabled()
    assert not tab.approve()
    assert message_boxes[-1][0] == "warning" and "不能审批自己登记的报销" in message_boxes[-1][2]
    assert mutual_claims.list_claims(db)[0]["status"] == "draft"


def test_clerk_edits_and_cancels_a_draft(qtbot, folder, scheme):
    db = scheme["db"]
    ctx = context(folder, db, "clerk")
    first = register(qtbot, ctx, scheme["plan"], "王五", [("3", "ZY9", "2026-03-10", "8000", "3000", "3000")])
    first.accept()
    edit = ClaimDialog(ctx, scheme["plan"], claim_id=first.claim_id)
    qtbot.addWidget(edit)
    assert edit.picker.search_edit.isHidden() and edit.receipts.item(0, NUMBER).text() == "ZY9"
    assert "结算应付 1,000.00 元" in edit.payable.text()
    edit.receipts.item(0, SELF).setText("4000")
    edit.recompute()
    assert "结算应付 1,500.00 元" in edit.payable.text()
    edit.accept()
    assert mutual_claims.get_claim(db, first.claim_id)["self_fen"] == 4_000 * Y
    tab = tab_for(qtbot, folder, scheme, "clerk")
    assert tab.cancel_claim(reason="登记错了")
    assert tab.model.rows[0].cells[13] == "已作废" and tab.model.rows[0].muted
    assert "已作废" in tab.detail.header.text() and "登记错了" in tab.detail.header.text()


def test_advance_paid_then_settled_by_a_later_claim(qtbot, folder, scheme):
    db = scheme["db"]
    pay = AdvanceDialog(context(folder, db, "finance"), scheme["plan"])
    qtbot.addWidget(pay)
    assert [pay.approver.itemData(i) for i in range(pay.approver.count())] == ["approver", "admin"]
    pay.approver.setCurrentIndex(pay.approver.findData("approver"))
    choose(pay, "李四", qtbot)
    pay.amount.edit.insert("30000")
    pay.reason.insert("尿毒症透析急需")
    pay.accept()
    assert "超过每笔预付最高 20,000.00 元" in pay.error_text() and pay.advance_id is None
    pay.amount.edit.setText("3000")
    pay.accept()
    assert pay.advance_id is not None
    finance_tab = tab_for(qtbot, folder, scheme, "finance")
    panel = finance_tab.advances
    row = panel.model.rows[0].cells
    assert row[0] == "YF2026-0001" and row[1] == "李四" and row[3] == "3,000.00" and row[5] == "3,000.00"
    assert row[6] == "王主任" and row[9] == "未冲抵" and "未冲抵 3,000.00 元" in panel.summary.text()
    assert panel.pay_button.isEnabled() and not panel.close_button.isEnabled()

    claim = register(qtbot, context(folder, db, "clerk"), scheme["plan"], "李四",
                     [("3", "ZY100", "2026-07-01", "20000", "10000", "9000")])
    assert "未冲抵的特殊救助预付 1 笔共 3,000.00 元" in claim.picker.summary.text()
    qtbot.waitUntil(lambda: "结算应付 1,000.00 元" in claim.payable.text())
    assert "冲抵特殊救助预付款 YF2026-0001" in claim.steps.text() and "冲抵预付 3,000.00 元" in claim.payable.text()
    claim.accept()
    approver_tab = tab_for(qtbot, folder, scheme, "approver")
    assert approver_tab.approve()
    panel.refresh()
    assert panel.model.rows[0].cells[4] == "3,000.00" and panel.model.rows[0].cells[9] == "已冲抵完"
    approver_tab.status_box.setCurrentIndex(approver_tab.status_box.findData("approved"))
    assert approver_tab.model.rows[0].cells[11] == "3,000.00" and approver_tab.model.rows[0].cells[12] == "1,000.00"
    assert check.run(db) == []


def test_an_approver_writes_off_what_no_claim_settled(qtbot, folder, scheme, finance):
    db = scheme["db"]
    mutual_claims.pay_advance(db, finance, scheme["plan"], scheme["members"][2], 1_000 * Y, reason="急诊",
                              approved_by="approver")
    tab = tab_for(qtbot, folder, scheme, "approver")
    assert not tab.advances.pay_button.isEnabled() and tab.advances.close_button.isEnabled()
    dialog = tab.advances.close_dialog()
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "核销原因：必须填写" in dialog.error_text()
    assert tab.advances.close_advance(reason="病故，无后续报销")
    assert tab.advances.model.rows[0].cells[9] == "已核销"
    assert mutual_claims.list_advances(db, open_only=True) == []


def test_search_status_filter_and_remembered_widths(qtbot, folder, scheme):
    db = scheme["db"]
    ctx = context(folder, db, "clerk")
    for name, no in (("张三", "A1"), ("李四", "A2"), ("王五", "A3")):
        register(qtbot, ctx, scheme["plan"], name, [("3", no, "2026-03-10", "8000", "3000", "3000")]).accept()
    tab = tab_for(qtbot, folder, scheme, "clerk")
    assert tab.model.rowCount() == 3 and "共 3 笔" in tab.count_label.text()
    tab.search_edit.insert("李四")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.rows[0].cells[1] == "李四"
    tab.search_edit.clear()
    tab.status_box.setCurrentIndex(tab.status_box.findData("settled"))
    assert tab.model.rowCount() == 0 and not tab.edit_button.isEnabled() and not tab.print_button.isEnabled()
    # the clerk widens the 单位 column; the next time the tab opens it is as wide
    tab.table.horizontalHeader().resizeSection(3, 333)
    again = tab_for(qtbot, folder, scheme, "clerk")
    assert again.table.horizontalHeader().sectionSize(3) == 333


def test_readonly_and_closed_plan_disable_the_buttons(qtbot, folder, scheme, finance):
    db = scheme["db"]
    page = Page(db, scheme["plan"])
    qtbot.addWidget(page)
    ro = AppContext(folder=folder, db=db, actor=auth.get_actor(db, "admin"), readonly=True)
    tab = ClaimsTab(ro, page)
    qtbot.addWidget(tab)
    tab.refresh()
    assert not tab.new_button.isEnabled() and not tab.advances.pay_button.isEnabled()
    mutual_plans.set_plan_status(db, finance, scheme["plan"], "closed")
    clerk_tab = tab_for(qtbot, folder, scheme, "clerk")
    assert not clerk_tab.new_button.isEnabled() and not clerk_tab.new_claim()


def test_print_the_approval_form(qtbot, folder, scheme):
    from helpdesk_gui.printing import sources, template
    try:
        template.find("mutual_claim")
    except (template.TemplateError, template.FormNotFound):
        pytest.skip("the 医疗互助报销审批表 form is not there yet")
    if "mutual_claims" not in sources.Selection.__dataclass_fields__:
        pytest.skip("Selection has no mutual_claims yet")
    from helpdesk_gui.gui.kit.worker import wait
    register(qtbot, context(folder, scheme["db"], "clerk"), scheme["plan"], "张三",
             [("3", "ZY001", "2026-03-10", "16000", "10000", "5000")]).accept()
    tab = tab_for(qtbot, folder, scheme, "approver")
    task = tab.print_form()
    assert task is not None
    wait(task)
    assert tab.print_runner.last is not None and tab.print_runner.last.pages >= 1
    for d in list(tab.print_runner.dialogs):
        d.close()


def test_the_kind_list_and_the_calendar_write_the_cells(qtbot, folder, scheme):
    dialog = ClaimDialog(context(folder, scheme["db"], "clerk"), scheme["plan"])
    qtbot.addWidget(dialog)
    table = dialog.receipts
    delegate = table.itemDelegate()
    kind_index = table.model().index(0, KIND)
    box = delegate.createEditor(table.viewport(), None, kind_index)
    delegate.setEditorData(box, kind_index)
    box.setCurrentIndex(box.findData("4"))
    delegate.setModelData(box, table.model(), kind_index)
    assert table.item(0, KIND).text() == "医保费用结算单" and table.kind_of(0) == "4"
    date_index = table.model().index(0, DATE)
    edit = delegate.createEditor(table.viewport(), None, date_index)
    delegate.setEditorData(edit, date_index)
    edit.setDate(edit.date().fromString("2026-05-06", "yyyy-MM-dd"))
    delegate.setModelData(edit, table.model(), date_index)
    assert table.item(0, DATE).text() == "2026-05-06"
    # a new row starts with the kind of the one above; removing a receipt keeps one empty row at the end
    table.item(0, NUMBER).setText("YB1")
    assert table.rowCount() == 2 and table.kind_of(1) == "4"
    table.setCurrentCell(0, NUMBER)
    table.clear_current()
    assert table.item(0, NUMBER).text() == "" and table.rowCount() == 2
    table.item(0, NUMBER).setText("YB1")
    table.setCurrentCell(0, NUMBER)
    assert table.remove_current() and table.rowCount() == 1 and table.is_empty(0)
