"""建库导入 in the window: the administrator opens the wizard from the 数据交换 page (or right after creating the
database), picks the centre's archive list, imports it, and the 档案管理 page lists the households."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from exchange.test_adopt import archive_list
from helpdesk_gui.core.base.errors import PermissionDenied
from helpdesk_gui.core.db import scalar
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.adopt_wizard import AdoptWizard
from helpdesk_gui.gui.login import FirstRunDialog
from helpdesk_gui.gui.main_window import MainWindow

SHOTS = Path("/tmp/helpdesk-adopt-shots")
pytestmark = pytest.mark.usefixtures("own_settings")


@pytest.fixture(autouse=True)
def cjk_fonts(qapp):
    fonts.install(qapp)


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def picked(monkeypatch, path: Path) -> None:
    """The open-file dialog answers with ``path``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), "")))


def button(widget, text: str) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text().startswith(text) and b.isVisible())


def test_admin_brings_the_register_in_from_the_exchange_page(qtbot, folder, database, admin, monkeypatch,
                                                             tmp_path, message_boxes):
    path = archive_list(tmp_path / "原档案花名册.xlsx")
    window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(window)
    window.resize(1360, 820)
    window.show()
    assert window.show_page("exchange")
    page = window.pages["exchange"]
    assert page.adopt_button.isVisible() and page.adopt_button.isEnabled()
    qtbot.mouseClick(page.adopt_button, Qt.MouseButton.LeftButton)
    wizard = page.dialogs[-1]
    assert isinstance(wizard, AdoptWizard) and wizard.isVisible()
    shot(wizard, "1_file")
    picked(monkeypatch, path)
    qtbot.mouseClick(button(wizard, "浏览"), Qt.MouseButton.LeftButton)
    assert wizard.path_edit.text() == str(path)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentIndex() == 1
    assert "第 3 行是表头" in wizard.archive_note.text() and not wizard.history_check.isVisible()
    shot(wizard, "2_mapping")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=30_000)
    assert "可以导入：档案 4 户（在档 2 户、脱困 1 户、注销 1 户），家庭成员 2 人，帮扶记录 5 条共 11,000.00 元" \
        in wizard.verdict.text()
    cells = [r.cells for r in wizard.household_model.rows]
    assert [c[2] for c in cells] == ["张三", "李梅", "王五", "赵六"]
    assert cells[0][1] == "530122201900001" and cells[1][1] == "（导入时编号）"
    assert cells[0][5] == "深度困难（原：低保户）" and cells[1][4] == "脱困" and cells[0][7:] == ["2", "2", "3,800.00"]
    assert wizard.tabs.tabText(0) == "档案（4 户）"
    shot(wizard, "3_check")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.import_button.isVisible() and wizard.import_button.isEnabled()
    assert "确认建库导入" in wizard.confirm_label.text()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30_000)
    assert "已建库导入：档案 4 户" in wizard.confirm_label.text() and wizard.close_button.text() == "完成"
    shot(wizard, "4_done")
    assert scalar(database, "SELECT count(*) FROM households") == 4
    assert page.history_model.rows[0].cells[3] == "建库导入" and page.history_model.rows[0].cells[5] == "已导入"
    qtbot.mouseClick(wizard.close_button, Qt.MouseButton.LeftButton)
    assert window.show_page("register")
    register = window.pages["register"]
    qtbot.waitUntil(lambda: register.model.rowCount() == 4, timeout=10_000)
    shot(window, "5_register")
    names = {register.model.index(r, c).data() for r in range(4) for c in range(register.model.columnCount())}
    assert {"张三", "李梅", "王五", "赵六", "530122201900001", "530122202000001"} <= names
    assert not [m for m in message_boxes if m[0] == "critical"]


def test_a_list_with_an_error_shows_the_row_and_imports_nothing(qtbot, folder, database, admin, tmp_path):
    path = archive_list(tmp_path / "有错.xlsx", bad_id=True)
    window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(window)
    window.show_page("exchange")
    wizard = window.pages["exchange"].open_adopt(str(path))
    qtbot.addWidget(wizard)
    wizard.next()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=30_000)
    assert "一户也不会导入" in wizard.verdict.text() and wizard.tabs.currentIndex() == 1
    first = wizard.problem_model.rows[0].cells
    assert first[:4] == ["错误", "困难职工档案花名册", "11", "公民身份号码（E 列）"]
    assert wizard.household_model.rows[3].tone == "overdue"
    shot(wizard, "6_problems")
    report = wizard.save_report(str(tmp_path / "标注.xlsx"))
    assert report is not None and report.exists()
    wizard.next()
    assert not wizard.import_button.isEnabled() and wizard.start_import() is None
    assert scalar(database, "SELECT count(*) FROM households") == 0


def test_a_clerk_has_no_such_button_and_cannot_open_the_wizard(qtbot, folder, database, clerk):
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    window.show()
    window.show_page("exchange")
    assert not window.pages["exchange"].adopt_button.isVisible()
    with pytest.raises(PermissionDenied):
        AdoptWizard(AppContext(folder=folder, db=database, actor=clerk))


def test_first_run_offers_to_import_the_existing_register(qtbot, folder, monkeypatch):
    dialog = FirstRunDialog(folder / "helpdesk.db")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.county, "530122")
    dialog.union.insert("某某县总工会")
    qtbot.keyClicks(dialog.password, "secret123")
    qtbot.keyClicks(dialog.password2, "secret123")
    dialog.show()
    dialog.create_database()
    assert dialog.db is not None and dialog.pages.currentIndex() == 1
    assert dialog.adopt_button.isVisible() and dialog.adopt_button.text() == "导入已有档案…"
    shot(dialog, "0_first_run")
    qtbot.mouseClick(dialog.adopt_button, Qt.MouseButton.LeftButton)
    assert dialog.adopt_requested and dialog.result() == FirstRunDialog.DialogCode.Accepted
    from helpdesk_gui.core.access import auth
    window = MainWindow(AppContext(folder=folder, db=dialog.db, actor=auth.login(dialog.db, "admin", "secret123")))
    qtbot.addWidget(window)
    window.show()
    wizard = gui_app.open_adopt(window)
    assert isinstance(wizard, AdoptWizard) and window.current_page_key() == "exchange"
