"""The 系统设置 page driven through its widgets, checked on screen and in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import centre as adm
from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.db import get_meta, scalar
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.settings.dialogs import NewUserDialog, PasswordDialog, RolesDialog, StandardDialog
from helpdesk_gui.gui.settings.page import SettingsPage


@pytest.fixture
def ctx(folder, database, admin):
    return AppContext(folder, database, admin)


@pytest.fixture
def page(qtbot, ctx):
    widget = SettingsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def answer(monkeypatch):
    """Every confirmation gets the answer in ``answers`` (Yes unless a test says otherwise)."""
    asked: list[str] = []
    answers = {"reply": QMessageBox.StandardButton.Yes}

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answers["reply"]

    monkeypatch.setattr(QMessageBox, "question", question)
    return type("Answer", (), {"asked": asked, "answers": answers})


def _type(qtbot, widget, text: str) -> None:
    """Type like a clerk: ASCII as key presses, Chinese as an input-method commit (as a pinyin IME does).

    QTest cannot synthesise key presses for non-ASCII characters.
    """
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def _user_row(page, username: str) -> list[str]:
    return next(r for r in _cells(page.users.model) if r[0] == username)


def test_tabs_in_order(page):
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["本单位", "乡镇（街道）", "低保标准", "用户与角色"]


# --- 本单位 -----------------------------------------------------------------------------------

def test_centre_shows_and_saves(page, qtbot, database):
    tab = page.centre
    assert tab.county_code.text() == "530122" and tab.union_name.text() == "某某县总工会"
    assert not tab.save_button.isEnabled()  # nothing changed yet
    tab.union_name.clear()
    _type(qtbot, tab.union_name, "某某县总工会（帮扶中心）")
    assert tab.save_button.isEnabled()
    with qtbot.waitSignal(page.ctx.events.settings_changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert get_meta(database, "union_name") == "某某县总工会（帮扶中心）"
    assert not tab.save_button.isEnabled()


def test_centre_code_change_is_confirmed(page, qtbot, database, answer):
    tab = page.centre
    tab.county_code.clear()
    qtbot.keyClicks(tab.county_code, "530124")
    answer.answers["reply"] = QMessageBox.StandardButton.No
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "将由“530122”改为“530124”" in answer.asked[0]
    assert get_meta(database, "county_code") == "530122"
    answer.answers["reply"] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert get_meta(database, "county_code") == "530124"


def test_centre_refusal_is_shown_not_raised(page, qtbot, database, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    page.centre.union_name.clear()
    _type(qtbot, page.centre.union_name, "   ")
    qtbot.mouseClick(page.centre.save_button, Qt.MouseButton.LeftButton)
    assert shown == ["工会名称：不能为空"]
    assert get_meta(database, "union_name") == "某某县总工会"


# --- 乡镇（街道） -------------------------------------------------------------------------------

def test_townships_add_reorder_save(page, qtbot, database):
    tab = page.townships
    for name in ("城关镇", "金山街道", "城关镇", "大河乡"):
        _type(qtbot, tab.name, name)
        qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.names() == ["城关镇", "金山街道", "大河乡"]
    tab.list.setCurrentRow(2)
    qtbot.mouseClick(tab.up_button, Qt.MouseButton.LeftButton)
    assert tab.names() == ["城关镇", "大河乡", "金山街道"]
    with qtbot.waitSignal(page.ctx.events.settings_changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert adm.list_townships(database) == ["城关镇", "大河乡", "金山街道"]


def test_townships_remove_is_confirmed_and_used_ones_stay(page, qtbot, database, admin, answer, monkeypatch):
    adm.set_townships(database, admin, ["城关镇", "金山街道"])
    database.execute(
        "INSERT INTO households (sender_code, archive_no, name, id_number, township, created_date, created_at, "
        "updated_at) VALUES ('530122', 'A1', '张三', '', '城关镇', '2024-01-01', 'x', 'x')")
    page.refresh()
    tab = page.townships
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: infos.append(text))
    tab.list.setCurrentRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert "有 1 户档案登记在“城关镇”，不能删除" in infos[0]
    tab.list.setCurrentRow(1)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.names() == ["城关镇"]
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "金山街道" in answer.asked[0]
    assert adm.list_townships(database) == ["城关镇"]


# --- 低保标准 ----------------------------------------------------------------------------------

def _fill(qtbot, dialog, dibao: str, wage: str = "", source: str = "") -> None:
    dialog.dibao.clear()
    qtbot.keyClicks(dialog.dibao, dibao)
    dialog.min_wage.clear()
    qtbot.keyClicks(dialog.min_wage, wage)
    _type(qtbot, dialog.source, source)


def test_add_standard_through_dialog(page, qtbot, database):
    tab = page.standards
    page.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, StandardDialog) and dialog.isVisible()
    assert dialog.region.text() == "530122"
    dialog.date.setDate(dialog.date.date().fromString("2024-07-01", "yyyy-MM-dd"))
    _fill(qtbot, dialog, "abc", "1,900", "昆民发〔2024〕1号")
    dialog.accept()  # refused: stays open with the reason under the form
    assert dialog.isVisible()
    assert dialog.error_text() == "低保标准：不是金额（填写的是“abc”）"
    assert policy.list_standards(database) == []
    _fill(qtbot, dialog, "750.5", "1,900")
    with qtbot.waitSignal(page.ctx.events.settings_changed):
        dialog.accept()
    assert not dialog.isVisible()
    assert _cells(tab.model) == [["530122", "2024-07-01", "750.50", "1900.00", "昆民发〔2024〕1号"]]
    assert tab.selected_key() == ("530122", "2024-07-01")
    (std,) = policy.list_standards(database)
    assert (std["dibao_month_fen"], std["min_wage_month_fen"]) == (75_050, 190_000)


def test_edit_and_delete_standard(page, qtbot, database, admin, answer):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000, "旧文件")
    page.refresh()
    tab = page.standards
    assert not tab.edit_button.isEnabled()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog.windowTitle() == "修改低保标准" and dialog.dibao.text() == "750.00"
    _fill(qtbot, dialog, "780")
    dialog.min_wage.setText("1800.00")
    dialog.accept()
    assert _cells(tab.model)[0][2] == "780.00"
    assert policy.list_standards(database)[0]["dibao_month_fen"] == 78_000

    answer.answers["reply"] = QMessageBox.StandardButton.No
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "2024-07-01" in answer.asked[-1] and len(policy.list_standards(database)) == 1
    answer.answers["reply"] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 0 and policy.list_standards(database) == []


# --- 用户与角色 --------------------------------------------------------------------------------

def test_users_table_shows_roles_and_state(page):
    assert _user_row(page, "admin")[:4] == ["admin", "系统管理员", "系统管理员", "在用"]
    assert _user_row(page, "clerk")[:4] == ["clerk", "张经办", "经办人", "在用"]


def test_create_user_then_disable_and_enable(page, qtbot, database, answer):
    tab = page.users
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, NewUserDialog)
    qtbot.keyClicks(dialog.username, "liuyi")
    _type(qtbot, dialog.display_name, "刘一")
    dialog.roles.boxes["finance"].setChecked(True)
    qtbot.keyClicks(dialog.password, "secret123")
    qtbot.keyClicks(dialog.password2, "secret124")
    dialog.accept()
    assert dialog.error_text() == "确认密码：两次输入的密码不一致"
    dialog.password2.clear()
    qtbot.keyClicks(dialog.password2, "secret123")
    dialog.accept()
    assert not dialog.isVisible()
    assert _user_row(page, "liuyi")[:4] == ["liuyi", "刘一", "经办人、财务", "在用"]
    assert tab.selected() == "liuyi"
    assert auth.login(database, "liuyi", "secret123").roles == frozenset({"clerk", "finance"})

    assert tab.active_button.text() == "停用"
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert "确定停用用户“liuyi（刘一）”吗" in answer.asked[-1]
    assert _user_row(page, "liuyi")[3] == "已停用"
    assert scalar(database, "SELECT active FROM users WHERE username = 'liuyi'") == 0
    assert tab.active_button.text() == "启用"
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert _user_row(page, "liuyi")[3] == "在用"


def test_duplicate_username_is_refused_in_dialog(ctx, qtbot):
    dialog = NewUserDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClicks(dialog.password, "secret123")
    qtbot.keyClicks(dialog.password2, "secret123")
    dialog.accept()
    assert dialog.error_text() == "用户名：已存在（填写的是“clerk”）"


def test_admin_cannot_disable_self_from_the_page(page):
    tab = page.users
    tab.select("admin")
    assert not tab.active_button.isEnabled()
    assert tab.roles_button.isEnabled() and tab.password_button.isEnabled()


def test_reset_password_and_change_roles(page, qtbot, database):
    tab = page.users
    dialog = PasswordDialog(page.ctx, "clerk", "张经办", tab)
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.password2, "short")
    dialog.accept()
    assert dialog.error_text() == "密码：至少 8 位"
    dialog.password.setText("newpass99")
    dialog.password2.setText("newpass99")
    dialog.accept()
    assert auth.login(database, "clerk", "newpass99").username == "clerk"

    tab.select("clerk")
    qtbot.mouseClick(tab.roles_button, Qt.MouseButton.LeftButton)
    roles = tab.dialog
    assert isinstance(roles, RolesDialog) and roles.roles.roles() == ["clerk"]
    roles.roles.boxes["clerk"].setChecked(False)
    roles.accept()
    assert roles.error_text().startswith("角色：须从")
    roles.roles.boxes["reviewer"].setChecked(True)
    with qtbot.waitSignal(page.ctx.events.settings_changed):
        roles.accept()
    assert _user_row(page, "clerk")[2] == "审核人"
    assert scalar(database, "SELECT roles FROM users WHERE username = 'clerk'") == "reviewer"


def test_reviewer_sees_but_only_edits_standards(qtbot, folder, database, reviewer):
    page = SettingsPage(AppContext(folder, database, reviewer))
    qtbot.addWidget(page)
    assert page.standards.add_button.isEnabled()
    assert not page.users.new_button.isEnabled()
    assert page.centre.union_name.isReadOnly()
    assert not page.townships.add_button.isEnabled()
