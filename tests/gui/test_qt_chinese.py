"""Qt's own texts are Chinese: after ``make_app`` the standard buttons of message boxes and dialogs read 是/否,
确定/取消, 保存/放弃 — what the clerk sees, not Qt's English."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox

from helpdesk_gui.gui import translations
from helpdesk_gui.gui.app import make_app


def test_qt_standard_buttons_are_chinese(qtbot):
    app = make_app()
    assert translations.install(app), "qtbase_zh_CN.qm was not found"
    box = QMessageBox(QMessageBox.Icon.Question, "问题", "确定吗？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Yes).text() == "是(&Y)"
    assert box.button(QMessageBox.StandardButton.No).text() == "否(&N)"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Discard)
    qtbot.addWidget(buttons)
    texts = {b: buttons.button(b).text() for b in (QDialogButtonBox.StandardButton.Ok,
                                                   QDialogButtonBox.StandardButton.Cancel,
                                                   QDialogButtonBox.StandardButton.Save,
                                                   QDialogButtonBox.StandardButton.Discard)}
    assert list(texts.values()) == ["确定", "取消", "保存", "丢弃"]


def test_file_and_print_dialogs_are_chinese(qtbot):
    make_app()
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert "文件名称(&N)：" in [label.text() for label in dialog.findChildren(QLabel)]
    assert QCoreApplication.translate("QPrintDialog", "Print") == "打印"


def test_installing_twice_keeps_one_set(qtbot):
    app = make_app()
    assert translations.install(app) is translations.install(app)
