"""A user changes their own password (old password, new one twice)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.forms import form_layout


class PasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("修改密码"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for e in (self.old, self.new, self.again):
            e.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = form_layout()
        form.addRow(self.tr("原密码："), self.old)
        form.addRow(self.tr("新密码："), self.new)
        form.addRow(self.tr("再输入一次："), self.again)
        hint = QLabel(self.tr("至少 8 位，须同时包含字母和数字。"))
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("修改"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def apply(self) -> bool:
        if self.new.text() != self.again.text():
            self.error.setText(self.tr("两次输入的新密码不一致。"))
            return False
        try:
            auth.check_own_password(self.ctx.db, self.ctx.actor, self.old.text())
            auth.change_password(self.ctx.db, self.ctx.actor, self.ctx.actor.username, self.new.text(),
                                 old_password=self.old.text())
        except HelpdeskError as e:
            self.error.setText(str(e))
            return False
        self.accept()
        return True
