"""The clerk's window, driven through real widgets offscreen (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.editor import HouseholdEditor
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.login import FirstRunDialog, LoginDialog
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.register.page import RegisterPage


@pytest.fixture
def clerk_ctx(folder, database, clerk):
    return AppContext(folder=folder, db=database, actor=clerk)


def test_login_dialog_accepts_right_password_and_says_why_not(qtbot, database):
    dialog = LoginDialog(database, "某某县总工会")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClicks(dialog.password, "wrong-pass1")
    dialog.try_login()
    assert "用户名或密码不正确" in dialog.error.text()
    assert dialog.actor is None
    qtbot.keyClicks(dialog.password, "passw0rd!")
    dialog.try_login()
    assert dialog.actor is not None and dialog.actor.username == "clerk"


def test_first_run_creates_database(qtbot, folder):
    path = folder / "helpdesk.db"
    dialog = FirstRunDialog(path)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.county, "530122")
    dialog.union.insert("某某县总工会")
    qtbot.keyClicks(dialog.password, "secret123")
    qtbot.keyClicks(dialog.password2, "secret124")
    dialog.create_database()
    assert "不一致" in dialog.error.text() and not path.exists()
    dialog.password2.clear()
    qtbot.keyClicks(dialog.password2, "secret123")
    dialog.create_database()
    assert path.exists() and dialog.db is not None
    assert auth.login(dialog.db, "admin", "secret123").username == "admin"


def test_clerk_cannot_see_settings_but_admin_can(qtbot, folder, database, clerk, admin):
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "档案管理" in titles and "系统设置" not in titles
    assert not window.show_page("settings")
    admin_window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(admin_window)
    assert "系统设置" in [admin_window.nav.item(i).text() for i in range(admin_window.nav.count())]


def test_search_by_pinyin_initials_finds_the_household(qtbot, clerk_ctx, database):
    demo.generate(database, auth.SYSTEM, 300, seed=2)
    draft = HouseholdDraft(fields={"name": "单雄信", "id_number": ids.make("530122", _d(1980, 5, 6), 11),
                                            "cause_main": "3"})
    register.create_household(database, clerk_ctx.actor, draft)
    page = RegisterPage(clerk_ctx)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.search_edit, "sxx")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1 and "单雄信" in _names(page), timeout=2000)
    assert "单雄信" in _names(page)
    assert page.count_label.text().startswith("共")
    # ID numbers are masked in the list
    row = _names(page).index("单雄信")
    shown = page.model.index(row, 3).data()
    assert "********" in shown


def test_create_household_with_two_members_validate_fix_save_reopen(qtbot, clerk_ctx, database, message_boxes):
    warnings = [text for kind, _t, text in message_boxes if kind == "warning"]
    editor = HouseholdEditor(clerk_ctx, None)
    qtbot.addWidget(editor)
    head_id = ids.make("530122", _d(1978, 3, 12), 13)
    wrong = head_id[:-1] + ("0" if head_id[-1] != "0" else "1")
    b = editor.basic
    b.name.insert("王建国")
    qtbot.keyClicks(b.id_number, wrong)
    assert "校验位" in b.id_hint.text()
    qtbot.keyClicks(b.phone, "138123")
    assert "手机号" in b.phone_hint.text()
    b.phone.clear()
    qtbot.keyClicks(b.phone, "13812345678")
    assert b.phone_hint.text() == ""
    b.township.setEditText("城关镇")
    b.employer.setEditText("云岭煤业有限公司")
    editor.causes.cause_main.set_code("3")
    for name, relation, idn, identity, _income in (("李秀英", "1", ids.make("530122", _d(1980, 1, 2), 24), "3", ""),
                                                   ("王小明", "2", ids.make("530122", _d(2008, 9, 1), 35), "23", "")):
        r = editor.members.add_row()
        editor.members.cell(r, 0).insert(name)
        editor.members.cell(r, 1).set_code(relation)
        qtbot.keyClicks(editor.members.cell(r, 2), idn)
        editor.members.cell(r, editor.members.IDENTITY).set_code(identity)
    r = editor.income.income.add_row()
    editor.income.income.cell(r, 0).set_code("wages")
    qtbot.keyClicks(editor.income.income.cell(r, 1), "18,000")
    editor.recompute()
    # the unemployed, able spouse without income proof is credited with the minimum wage (1,690 × 12)
    result = editor.income.result_text()
    assert "按最低工资计入：20,280.00 元" in result
    # both figures, each on its own labelled line: the stored/exported one and the income test's
    assert "家庭月人均收入：500.00 元" in result
    assert "收入核算用人均（含失业成员最低工资计入）：1,063.33 元" in result
    assert editor.causes.test_figure.text() == "1,063.33 元"
    assert "最低工资" in editor.income.income_test.toolTip() and "档案列表" in editor.income.per_capita.toolTip()
    assert editor.dirty
    assert not editor.save()                       # wrong check digit: refused, nothing written
    warnings = [text for kind, _t, text in message_boxes if kind == "warning"]
    assert warnings and "校验位" in warnings[-1]
    assert database.execute("SELECT count(*) FROM households").fetchone()[0] == 0
    b.id_number.clear()
    qtbot.keyClicks(b.id_number, head_id)
    assert b.id_hint.text() == "" and b.gender.text() == "男" and b.birth.text() == "1978-03-12"
    assert editor.save(), warnings
    hid = editor.household_id
    assert hid is not None and not editor.dirty
    stored = register.get_household(database, hid)
    assert stored["name"] == "王建国" and stored["id_number"] == head_id and stored["family_size"] == 3
    assert stored["archive_no"].startswith("530122")
    assert [m["name"] for m in stored["members"]] == ["李秀英", "王小明"]
    # 家庭月人均收入 is the contract's formula (18,000 ÷ 3 ÷ 12); the income test's figure carries the credit
    assert stored["employer_name"] == "云岭煤业有限公司" and stored["per_capita_month_fen"] == 50000
    assert stored["income_test_month_fen"] == 106333
    assert stored["hukou_region_code"] == head_id[:6]        # the 户籍地 default, filled by the core

    again = HouseholdEditor(clerk_ctx, hid)
    qtbot.addWidget(again)
    assert again.basic.name.text() == "王建国"
    # PIPL: a clerk reopening the archive sees the numbers masked; the stored ones are kept behind them
    assert again.basic.id_number.text() == "530122********" + head_id[-4:]
    assert again.basic.id_number.value() == head_id and again.basic.id_number.isReadOnly()
    assert again.basic.phone.text() == "138****5678" and again.basic.phone.value() == "13812345678"
    assert again.members.row_count() == 2
    assert again.members.cell(1, 0).text() == "王小明"
    assert again.income.income.cell(0, 1).text() == "18000.00"
    assert again.causes.cause_main.code() == "3"
    assert "建档" in [again.history.table.item(i, 2).text() for i in range(again.history.table.rowCount())]


def test_duplicate_id_is_named_with_its_archive(qtbot, clerk_ctx, database):
    idn = ids.make("530122", _d(1970, 1, 1), 1)
    hid = register.create_household(database, clerk_ctx.actor, HouseholdDraft(
        fields={"name": "甲", "id_number": idn, "cause_main": "1"}))
    archive_no = register.get_household(database, hid)["archive_no"]
    editor = HouseholdEditor(clerk_ctx, None)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.basic.id_number, idn)
    assert archive_no in editor.basic.id_hint.text()


def test_export_current_view_writes_masked_ids(qtbot, clerk_ctx, database, tmp_path: Path):
    demo.generate(database, auth.SYSTEM, 120, seed=4)
    page = RegisterPage(clerk_ctx)
    qtbot.addWidget(page)
    page.status_box.setCurrentIndex(page.status_box.findData("active"))
    n = page.model.rowCount()
    target = tmp_path / "list.xlsx"
    task = page.export_view(str(target))
    assert task is not None
    wait(task)
    ws = load_workbook(target).active
    assert ws["A1"].value == "档案编号" and ws.max_row == n + 1
    assert all(cell.value == "在档" for cell in ws["L"][1:])
    assert "********" in ws["D2"].value


def test_register_model_pages_lazily_over_many_rows(qtbot, clerk_ctx, database):
    demo.generate(database, auth.SYSTEM, 1500, seed=9)
    page = RegisterPage(clerk_ctx)
    qtbot.addWidget(page)
    model = page.model
    assert model.rowCount() == 1500
    last = model.index(model.rowCount() - 1, 0).data()
    assert last and len(model._blocks) <= 2
    page.table.sortByColumn(9, Qt.SortOrder.DescendingOrder)  # 家庭人口
    sizes = [int(model.index(r, 9).data()) for r in range(50)]
    assert sizes == sorted(sizes, reverse=True)


def test_exit_and_reopen_are_recorded(qtbot, clerk_ctx, database, reviewer, monkeypatch):
    from helpdesk_gui.gui.household.life import ArchiveLifeDialog
    demo.generate(database, auth.SYSTEM, 30, seed=12)   # demo archives are already 在档
    hid = database.execute("SELECT id FROM households WHERE status = 'active' LIMIT 1").fetchone()[0]
    ctx = AppContext(folder=clerk_ctx.folder, db=database, actor=reviewer)
    dialog = ArchiveLifeDialog(ctx, hid)
    qtbot.addWidget(dialog)
    dialog.action.setCurrentIndex(dialog.action.findData("exited"))
    dialog.note.insert("再就业，收入稳定")
    assert dialog.apply(confirm=False)
    assert register.get_household(database, hid)["status"] == "exited"
    dialog = ArchiveLifeDialog(ctx, hid)
    qtbot.addWidget(dialog)
    assert dialog.action.findData("applying") >= 0
    dialog.action.setCurrentIndex(dialog.action.findData("applying"))
    assert dialog.apply(confirm=False)
    history = register.get_household(database, hid)["history"]
    assert [h["to_status"] for h in history][-2:] == ["exited", "applying"]
    assert history[-2]["by_user"] == "reviewer"


def _d(y: int, m: int, d: int):
    import datetime
    return datetime.date(y, m, d)


def _names(page: RegisterPage) -> list[str]:
    return [page.model.index(r, 1).data() for r in range(min(page.model.rowCount(), 50))]




def test_idle_lock_hides_the_data_until_the_password_is_given(qtbot, folder, database, clerk, monkeypatch):
    from PySide6.QtWidgets import QDialog
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    window.show()
    seen: dict[str, object] = {}

    def fake_exec(dialog):
        seen["data_visible"] = window.stack.isVisible()
        seen["user"] = dialog.username.text()
        seen["readonly"] = dialog.username.isReadOnly()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    assert window.idle_timer.interval() == 15 * 60_000
    window.idle_timer.timeout.emit()
    assert seen == {"data_visible": False, "user": "clerk", "readonly": True}
    assert window.stack.isVisible() and not window.locked


def test_window_size_is_remembered(qtbot, folder, database, clerk, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    monkeypatch.setattr(AppContext, "qsettings", staticmethod(
        lambda: QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)))
    ctx = AppContext(folder=folder, db=database, actor=clerk)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    # the offscreen screen is 800 × 800: stay inside it and above the window's minimum size
    window.resize(max(window.minimumSizeHint().width() + 3, 600), 701)
    closed_size = window.size()
    window.close()
    assert ctx.qsettings().value("main/geometry") is not None
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.size() == closed_size


def test_user_changes_own_password_and_sees_last_login(qtbot, folder, database, clerk):
    from helpdesk_gui.gui.password import PasswordDialog
    auth.login(database, "clerk", "passw0rd!")
    auth.login(database, "clerk", "passw0rd!")
    assert auth.previous_login(database, clerk) is not None
    dialog = PasswordDialog(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.old, "wrong-one1")
    qtbot.keyClicks(dialog.new, "newpass99")
    qtbot.keyClicks(dialog.again, "newpass99")
    assert not dialog.apply() and "原密码不正确" in dialog.error.text()
    dialog.old.clear()
    qtbot.keyClicks(dialog.old, "passw0rd!")
    assert dialog.apply()
    assert auth.login(database, "clerk", "newpass99").username == "clerk"
