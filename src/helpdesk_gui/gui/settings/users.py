"""The 用户与角色 tab: accounts, their roles and state; create, 停用/启用, reset password, change roles."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.settings.dialogs import NewUserDialog, PasswordDialog, RolesDialog


class UsersTab(QWidget):
    """A table of users; the buttons act on the selected one."""

    changed = Signal()

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = editable
        self.dialog: QDialog | None = None
        self._users: dict[str, dict[str, object]] = {}

        self.model = RowsModel([self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态"),
                                self.tr("创建时间")], parent=self)
        self.table = QTableView()
        setup_table(self.table, self.model, "users")

        self.new_button = QPushButton(self.tr("新建用户…"))
        self.roles_button = QPushButton(self.tr("修改角色…"))
        self.password_button = QPushButton(self.tr("重置密码…"))
        self.active_button = QPushButton(self.tr("停用"))
        self.active_button.setObjectName("toggle_active")
        buttons = QHBoxLayout()
        for b in (self.new_button, self.roles_button, self.password_button, self.active_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "经办人录入档案；审核人审核入户调查并可修改政策标准；审批人审批建档和发放；财务管理资金台账；"
            "系统管理员管理用户和系统设置。一人可兼多个角色，但不能审批自己录入的档案。"
            "停用的账号不能登录，其录入的数据保留。")))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        if not editable:
            layout.addWidget(hint(self.tr("您的角色只能查看本页，不能修改。")))

        self.new_button.clicked.connect(lambda: guarded(self, self.new_user))
        self.roles_button.clicked.connect(lambda: guarded(self, self.change_roles))
        self.password_button.clicked.connect(lambda: guarded(self, self.reset_password))
        self.active_button.clicked.connect(lambda: guarded(self, self.toggle_active))
        self.table.doubleClicked.connect(lambda _index: guarded(self, self.change_roles))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    def refresh(self) -> None:
        keep = self.selected()
        self._users = {}
        out: list[Row] = []
        for u in auth.list_users(self.ctx.db):
            name = str(u["username"])
            self._users[name] = u
            active = bool(u["active"])
            out.append(Row([name, str(u["display_name"]), admin.role_labels(str(u["roles"])),
                            self.tr("在用") if active else self.tr("已停用"), str(u["created_at"] or "")[:10]],
                           name, muted=not active))
        self.model.set_rows(out)
        fit_columns(self.table)
        self.select(keep)
        self._update_buttons()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        key = self.model.key(rows[0].row()) if rows else None
        return key if isinstance(key, str) else None

    def select(self, username: str | None) -> None:
        row = self.model.row_of(username) if username else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()

    def _update_buttons(self) -> None:
        name = self.selected()
        user = self._users.get(name) if name else None
        self.new_button.setEnabled(self.editable)
        for b in (self.roles_button, self.password_button, self.active_button):
            b.setEnabled(self.editable and user is not None)
        active = user is None or bool(user["active"])
        self.active_button.setText(self.tr("停用") if active else self.tr("启用"))
        if user is not None and active and name == self.ctx.actor.username:
            self.active_button.setEnabled(False)
            self.active_button.setToolTip(self.tr("不能停用自己正在使用的账号"))
        else:
            self.active_button.setToolTip("")

    # ---- actions
    def _open(self, dialog: QDialog, select: str | None) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.accepted.connect(lambda: guarded(self, self._saved, select))
        dialog.open()

    def _saved(self, username: str | None) -> None:
        if username is None and isinstance(self.dialog, NewUserDialog):
            username = self.dialog.created
        self.refresh()
        self.select(username)
        self.changed.emit()

    def _target(self) -> tuple[str, dict[str, object]] | None:
        name = self.selected()
        if not self.editable or name is None or name not in self._users:
            return None
        return name, self._users[name]

    def new_user(self) -> None:
        if self.editable:
            self._open(NewUserDialog(self.ctx, self), None)

    def change_roles(self) -> None:
        target = self._target()
        if target is not None:
            name, user = target
            roles = set(str(user["roles"]).split(","))
            self._open(RolesDialog(self.ctx, name, str(user["display_name"]), roles, self), name)

    def reset_password(self) -> None:
        target = self._target()
        if target is not None:
            name, user = target
            self._open(PasswordDialog(self.ctx, name, str(user["display_name"]), self), name)

    def toggle_active(self) -> None:
        target = self._target()
        if target is None:
            return
        name, user = target
        who = f"{name}（{user['display_name']}）"
        if user["active"]:
            title = self.tr("停用用户")
            text = self.tr("确定停用用户“{0}”吗？\n停用后该用户不能再登录，已录入的数据保留，以后可以重新启用。")
        else:
            title = self.tr("启用用户")
            text = self.tr("确定重新启用用户“{0}”吗？\n启用后该用户可以用原密码登录。")
        if not confirm(self, title, text.replace("{0}", who)):
            return
        if admin.set_user_active(self.ctx.db, self.ctx.actor, name, not user["active"]):
            self.changed.emit()
        self.refresh()
