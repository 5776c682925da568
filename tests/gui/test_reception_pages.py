"""The reception, visits and services pages, driven through their widgets offscreen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.casework import reception, services, visits
from helpdesk_gui.core.casework.reception import EntryDraft
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.home import HomePage
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.reception.case_dialog import CaseDialog, CloseCaseDialog
from helpdesk_gui.gui.reception.entry_dialog import EntryDialog
from helpdesk_gui.gui.reception.handle_dialog import HandleDialog
from helpdesk_gui.gui.reception.page import ReceptionPage
from helpdesk_gui.gui.reception.services_page import ServicesPage
from helpdesk_gui.gui.reception.visit_dialogs import PairDialog, PairHistoryDialog, VisitDialog
from helpdesk_gui.gui.reception.visits_page import VisitsPage

TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=40)


@pytest.fixture
def ctx(folder, database, clerk):
    return AppContext(folder=folder, db=database, actor=clerk)


def _log(db, actor, name, received, kind="help"):
    return reception.log_entry(db, actor, EntryDraft("visit", kind, name, "生活困难，请求救助", received_date=received))


def _colour(model, row, role):
    brush = model.index(row, 0).data(role)
    return brush.color().name() if brush is not None else None


def test_overdue_entries_are_red_and_can_be_filtered(qtbot, ctx, database, clerk):
    late = _log(database, clerk, "王大妈", LONG_AGO)
    _log(database, clerk, "李师傅", TODAY)
    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2 and page.count_label.text() == "共 2 件"
    assert page.overdue_label.text() == "逾期未办结 1 件"
    rows = {page.model.record(r)["visitor_name"]: r for r in range(2)}
    assert _colour(page.model, rows["王大妈"], Qt.ItemDataRole.BackgroundRole) == "#fbe4e4"
    assert _colour(page.model, rows["李师傅"], Qt.ItemDataRole.BackgroundRole) is None
    status_col = [c.title for c in page.model.columns].index("状态")
    assert page.model.index(rows["王大妈"], status_col).data().startswith("逾期 ")
    page.overdue_label.click()
    assert page.model.rowCount() == 1 and page.model.record_id(0) == late
    page.state_box.setCurrentIndex(0)
    page.search_edit.insert("李")
    page.apply_query()
    assert [page.model.record(r)["visitor_name"] for r in range(page.model.rowCount())] == ["李师傅"]


def test_new_entry_dialog_shows_the_deadline_and_logs_the_entry(qtbot, ctx, database):
    dialog = EntryDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("rights"))
    assert "15 个工作日" in dialog.deadline.text()
    dialog.accept()                                     # nothing typed: refused inside the dialog
    assert "不能为空" in dialog.error_text() and dialog.entry_id is None
    dialog.name.insert("张师傅")
    dialog.matter.insertPlainText("单位拖欠工资三个月")
    dialog.phone.insert("12345")
    dialog.accept()
    assert "联系电话" in dialog.error_text()
    dialog.phone.clear()
    dialog.phone.insert("13812345678")
    dialog.accept()
    e = reception.load(database, dialog.entry_id)
    assert (e["visitor_name"], e["kind"], e["responsible"], e["visitor_phone"]) == ("张师傅", "rights", "clerk",
                                                                                   "13812345678")


def test_handling_adds_notes_and_closing_needs_a_result(qtbot, ctx, database, clerk, message_boxes):
    eid = _log(database, clerk, "王大妈", LONG_AGO)
    dialog = HandleDialog(ctx, eid)
    qtbot.addWidget(dialog)
    assert "逾期" in dialog.title.text()
    dialog.note_text.insertPlainText("已联系社区")
    assert dialog.add_note()
    assert dialog.notes.rowCount() == 1 and dialog.notes.item(0, 2).text() == "已联系社区"
    assert not dialog.close_entry()                     # no result
    assert message_boxes[-1][0] == "warning" and "办理结果" in message_boxes[-1][2]
    dialog.result_text.insertPlainText("已发放临时救助")
    assert dialog.close_entry()
    assert reception.load(database, eid)["status"] == "closed"
    assert dialog.title.text().endswith("已办结") and not dialog.action_box.isVisibleTo(dialog)


def test_home_page_shows_overdue_entries_in_red_and_opens_them(qtbot, folder, database, clerk):
    eid = _log(database, clerk, "王大妈", LONG_AGO)
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert {"接待登记", "走访与结对", "维权与就业", "统计报表"} <= set(titles)
    home = window.pages["home"]
    assert isinstance(home, HomePage)
    card = home.cards["reception_overdue"]
    qtbot.waitUntil(lambda: card.text().endswith("1 件"), timeout=3000)  # counts fill in after the window shows
    assert card.text().endswith("1 件") and "#9b1c1c" in card.styleSheet()
    home.show_list("reception_overdue")
    assert home.table.item(0, 0).text() == f"JD{LONG_AGO.year}000001"
    assert home.table.item(0, 0).foreground().color().name() == "#9b1c1c"
    assert home.table.horizontalHeaderItem(0).text() == "登记编号"
    home._open(home.table.item(0, 0))
    assert window.current_page_key() == "reception"
    page = window.pages["reception"]
    assert page.selected_id() == eid


def test_pairs_and_visits_page(qtbot, ctx, database, clerk):
    demo.generate(database, auth.SYSTEM, 40, seed=3)
    hid = int(scalar(database, "SELECT id FROM households WHERE status = 'active' ORDER BY id LIMIT 1"))
    cid = visits.add_cadre(database, clerk, "周书记", "县总工会")
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    dialog = PairDialog(ctx, page, cadre_id=cid)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "请选择档案" in dialog.error_text()
    dialog.household.set(hid, "test")
    dialog.start.setDate(dialog.start.date().addDays(-120))
    dialog.accept()
    assert dialog.pair_id is not None
    page.pairs.state_box.setCurrentIndex(page.pairs.state_box.findData("due"))
    page.pairs.refresh()
    row = page.pairs.model.row_of(dialog.pair_id)
    assert row >= 0 and page.pairs.model.text(row, 10).startswith("逾期")
    pair = page.pairs.model.record(row)
    visit = VisitDialog(ctx, page, pair=pair)
    qtbot.addWidget(visit)
    assert visit.pair.currentData() == dialog.pair_id and visit.visitors.text() == "周书记"
    visit.money.insert("500")
    visit.accept()
    assert visit.visit_id is not None
    history = PairHistoryDialog(ctx, pair, page)
    qtbot.addWidget(history)
    assert history.model.rowCount() == 1 and history.model.text(0, 3) == "500.00"
    page.pairs.refresh()
    assert page.pairs.model.row_of(dialog.pair_id) == -1      # visited today: no longer due
    page.tabs.setCurrentWidget(page.visits)
    assert any(page.visits.model.record(r)["money_fen"] == 50000 for r in range(page.visits.model.rowCount()))


def test_services_page_registers_and_closes_a_wage_case(qtbot, ctx, database):
    page = ServicesPage(ctx)
    qtbot.addWidget(page)
    dialog = CaseDialog(ctx, page, kind="wages")
    qtbot.addWidget(dialog)
    assert dialog.counterpart_label.text() == "欠薪单位" and dialog.claimed.isEnabled()
    dialog.person.insert("王刚")
    dialog.counterpart.insert("某建筑公司")
    dialog.matter.insertPlainText("拖欠三个月工资")
    dialog.accept()
    assert "拖欠金额" in dialog.error_text()
    dialog.claimed.insert("36000")
    dialog.people.setValue(12)
    dialog.accept()
    page.refresh()
    assert page.model.rowCount() == 1
    case = page.model.record(0)
    close = CloseCaseDialog(ctx, case, page)
    qtbot.addWidget(close)
    close.result_text.insertPlainText("已全部追回")
    close.accept()
    assert "追回金额" in close.error_text()
    close.amount.insert("36000")
    close.accept()
    c = services.load(database, dialog.case_id)
    assert (c["status"], c["amount_fen"], c["people"]) == ("closed", 3_600_000, 12)
    page.refresh()
    assert "追回（挽回）金额 36,000.00 元" in page.count_label.text()


def test_pages_look_right(qtbot, ctx, database, clerk, tmp_path):
    from PySide6.QtWidgets import QApplication
    fonts.install(QApplication.instance())
    demo.generate(database, auth.SYSTEM, 300, seed=5)
    for cls in (ReceptionPage, VisitsPage, ServicesPage):
        page = cls(ctx)
        qtbot.addWidget(page)
        page.resize(1180, 700)
        page.show()
        assert not page.grab().isNull()
        page.grab().save(str(tmp_path / f"{cls.__name__}.png"))
