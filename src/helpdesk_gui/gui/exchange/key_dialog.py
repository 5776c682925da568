"""交换密钥: the key shared with the city for the batch 签名 — its status and fingerprint, and (admin) a new one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from helpdesk_gui.exchange import keys
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import form_layout


class KeyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("交换密钥"))
        self.status = QLabel(keys.status(ctx.folder))
        self.status.setWordWrap(True)
        explain = QLabel(self.tr("密钥由市总工会和本县共同保管，用于导出批次的签名和导入时核对签名；程序只保存在数据文件夹中，"
                                 "不写入数据库和任何交换文件。更换后请电话与市总工会核对指纹。"))
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #555;")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("至少 {n} 个字符").format(n=keys.MIN_LENGTH))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        form = form_layout()
        form.addRow(self.tr("新密钥(&K)"), self.key)
        form.addRow(self.tr("再输入一次(&A)"), self.again)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存新密钥"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        may = ctx.actor.can("settings.edit") and not ctx.readonly
        for w in (self.key, self.again, self.buttons.button(QDialogButtonBox.StandardButton.Save)):
            w.setEnabled(may)
        if not may:
            self.error.setText(self.tr("只有系统管理员可以设置交换密钥。"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, self.sizeHint().height())

    def save(self) -> bool:
        if self.key.text() != self.again.text():
            self.error.setText(self.tr("两次输入的密钥不一致。"))
            return False
        fp = guarded(self, keys.set_key, self.ctx.db, self.ctx.actor, self.ctx.folder, self.key.text())
        if fp is None:
            return False
        self.ctx.events.tell(self, "settings_changed")
        self.key.clear()
        self.again.clear()
        self.status.setText(keys.status(self.ctx.folder))
        self.error.setText(self.tr("已保存，指纹 {fp}。").format(fp=fp))
        return True
