"""Start-up dialogs: create a database on first run, log in, and unlock after idle time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.kit.forms import form_layout


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class FirstRunDialog(QDialog):
    """No database yet: county code, union name and the admin password create one. Once created, the dialog
    offers to bring the centre's existing archive list in (建库导入): ``adopt_requested`` then says so and the
    program opens that wizard as soon as the window is up (``gui/app.py``). A desk of a centre that has a
    server instead connects to it (连接到本中心的服务器…): the folder then points there (``core.db.use_server``)."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.db: Database | None = None
        self.adopt_requested = False
        self.setWindowTitle(self.tr("首次使用：创建数据库"))
        self.county = QLineEdit()
        self.county.setPlaceholderText("如 530122")
        self.county.setMaxLength(6)
        self.union = QLineEdit()
        self.union.setPlaceholderText("如 某某县总工会")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        intro = QLabel(self.tr("数据文件夹 {folder} 中还没有数据库。填写本单位信息并设置管理员（admin）密码后创建。")
                       .format(folder=db_path.parent))
        intro.setWordWrap(True)
        form = form_layout()
        form.addRow(self.tr("县级行政区划代码："), self.county)
        form.addRow(self.tr("工会名称："), self.union)
        form.addRow(self.tr("管理员密码："), self.password)
        form.addRow(self.tr("再输入一次："), self.password2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("创建"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        self.server_button = buttons.addButton(self.tr("连接到本中心的服务器…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.server_button.setToolTip(self.tr("本中心几台电脑共用一个档案库时：连接到信息管理员建好的服务器"))
        self.server_button.clicked.connect(lambda: self._show_server(True))
        buttons.accepted.connect(self.create_database)
        buttons.rejected.connect(self.reject)
        create = QWidget()
        layout = QVBoxLayout(create)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.pages = QStackedWidget()
        self.pages.addWidget(create)
        self.pages.addWidget(self._created_page())
        self.pages.addWidget(self._server_page())
        QVBoxLayout(self).addWidget(self.pages)
        self.resize(460, 260)

    def _created_page(self) -> QWidget:
        page = QWidget()
        done = QLabel(self.tr("数据库已创建。\n\n本中心如果已有困难职工档案花名册（Excel，如从原系统导出或多年手工登记的），"
                              "可以现在导入：原档案编号、建档日期、档案状态、家庭成员和以往的帮扶记录一并导入为在册档案。"
                              "也可以以后在“数据交换”页面中导入。"))
        done.setWordWrap(True)
        self.adopt_button = QPushButton(self.tr("导入已有档案…"))
        self.start_button = QPushButton(self.tr("开始使用"))
        self.adopt_button.clicked.connect(self.choose_adopt)
        self.start_button.clicked.connect(self.accept)
        row = QDialogButtonBox()
        row.addButton(self.adopt_button, QDialogButtonBox.ButtonRole.ActionRole)
        row.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(done)
        layout.addStretch(1)
        layout.addWidget(row)
        return page

    def _server_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(self.tr("填写信息管理员告诉您的服务器信息。连接成功后，这台电脑今后就使用服务器上的档案库"
                               "（密码保存在系统密钥环，或只有本用户能读的文件中）。"))
        intro.setWordWrap(True)
        self.host = QLineEdit()
        self.host.setPlaceholderText("如 192.168.1.10")
        self.port = QLineEdit("5432")
        self.port.setMaxLength(5)
        self.dbname = QLineEdit("helpdesk")
        self.user = QLineEdit("helpdesk")
        self.server_password = QLineEdit()
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_error = _error_label()
        form = form_layout()
        form.addRow(self.tr("服务器地址："), self.host)
        form.addRow(self.tr("端口："), self.port)
        form.addRow(self.tr("数据库名："), self.dbname)
        form.addRow(self.tr("用户名："), self.user)
        form.addRow(self.tr("密码："), self.server_password)
        row = QDialogButtonBox()
        self.connect_button = row.addButton(self.tr("连接"), QDialogButtonBox.ButtonRole.AcceptRole)
        back = row.addButton(self.tr("返回"), QDialogButtonBox.ButtonRole.RejectRole)
        self.connect_button.clicked.connect(self.connect_server)
        back.clicked.connect(lambda: self._show_server(False))
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.server_error)
        layout.addWidget(row)
        return page

    def _show_server(self, show: bool) -> None:
        self.pages.setCurrentIndex(2 if show else 0)
        self.setWindowTitle(self.tr("首次使用：连接到本中心的服务器") if show else self.tr("首次使用：创建数据库"))
        (self.host if show else self.county).setFocus()

    def connect_server(self) -> None:
        """连接: the register on the server, checked and then remembered in the data folder; the login follows."""
        from helpdesk_gui.core import db as dbm
        from helpdesk_gui.core.db import server
        self.server_error.setText(self.tr("正在连接…"))
        self.server_error.repaint()
        try:
            srv = server.make(self.host.text(), self.port.text(), self.dbname.text(), self.user.text(),
                              self.server_password.text())
            self.db, _where = dbm.use_server(self.db_path.parent, srv)
        except HelpdeskError as e:
            self.server_error.setText(str(e))
            return
        self.accept()

    def choose_adopt(self) -> None:
        """导入已有档案…: the wizard opens once the administrator has logged in."""
        self.adopt_requested = True
        self.accept()

    def create_database(self) -> None:
        if self.password.text() != self.password2.text():
            self.error.setText(self.tr("两次输入的密码不一致。"))
            return
        try:
            self.db = setup.initialise(self.db_path, self.county.text(), self.union.text(), self.password.text())
        except HelpdeskError as e:
            self.error.setText(str(e))
            return
        self.setWindowTitle(self.tr("首次使用：数据库已创建"))
        self.pages.setCurrentIndex(1)
        self.start_button.setFocus()


class LoginDialog(QDialog):
    """Log in; in ``lock`` mode the user name is fixed and the title says the screen is locked. ``note``: a line
    above the form (切换用户 says who just left)."""

    def __init__(self, db: Database, union_name: str, *, locked_user: str | None = None, note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("屏幕已锁定") if locked_user else self.tr("登录 — 帮扶中心工作台"))
        title = QLabel(union_name + self.tr(" 困难职工帮扶中心"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold; padding: 8px 0;")
        self.username = QLineEdit(locked_user or "")
        self.username.setReadOnly(bool(locked_user))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        form = form_layout()
        form.addRow(self.tr("用户名："), self.username)
        form.addRow(self.tr("密码："), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("解锁") if locked_user else self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出程序"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if locked_user:
            note = self.tr("长时间未操作，屏幕已锁定。请输入密码继续。")
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if locked_user else self.username).setFocus()
        self.resize(400, 220)

    def try_login(self) -> None:
        try:
            self.actor = auth.login(self.db, self.username.text(), self.password.text())
        except HelpdeskError as e:
            self.error.setText(str(e))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
