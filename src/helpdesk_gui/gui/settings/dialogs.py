"""The settings page's small dialogs: a 低保 standard, a new user, a password reset, a user's roles.

Each dialog does its own write through the core when 保存 is pressed and stays open, with the
Chinese reason under the form, when the core refuses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QDateEdit, QGridLayout, QLabel, QLineEdit, QWidget

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import format_yuan, parse_yuan
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.forms import FormDialog, hint

DATE_FORMAT = "yyyy-MM-dd"


class RoleBoxes(QWidget):
    """One checkbox per role, labelled in Chinese, in the fixed role order."""

    def __init__(self, checked: set[str] | frozenset[str] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, role in enumerate(auth.ROLES):
            box = QCheckBox(auth.ROLE_LABELS[role])
            box.setObjectName(f"role_{role}")
            box.setChecked(role in checked)
            grid.addWidget(box, i // 3, i % 3)
            self.boxes[role] = box

    def roles(self) -> list[str]:
        return [r for r, box in self.boxes.items() if box.isChecked()]

    def set_roles(self, roles: set[str] | frozenset[str]) -> None:
        for r, box in self.boxes.items():
            box.setChecked(r in roles)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _check_twice(first: str, second: str) -> None:
    if first != second:
        raise ValidationError("确认密码", "两次输入的密码不一致")


class StandardDialog(FormDialog):
    """Add a 低保 standard, or edit one (``existing`` is its row from ``policy.list_standards``)."""

    def __init__(self, ctx: AppContext, existing: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改低保标准") if existing else self.tr("新增低保标准"), self.tr("保存"), parent)
        self.ctx = ctx
        self.existing = existing
        self.region = QLineEdit()
        self.region.setMaxLength(6)
        self.region.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self.region))
        self.region.setPlaceholderText(self.tr("6 位行政区划代码，如 530122"))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMAT)
        self.dibao = QLineEdit()
        self.dibao.setPlaceholderText(self.tr("如 750.00"))
        self.min_wage = QLineEdit()
        default_wage = format_yuan(int(settings.get(ctx.db, "default_min_wage_month_fen")))
        self.min_wage.setPlaceholderText(self.tr("留空则用本县默认值 {0}").replace("{0}", default_wage))
        self.source = QLineEdit()
        self.source.setPlaceholderText(self.tr("文件号或来源，如 市民政局文件"))
        if existing:
            self.region.setText(str(existing["region_code"]))
            self.date.setDate(QDate.fromString(str(existing["effective_from"]), DATE_FORMAT))
            self.dibao.setText(format_yuan(int(existing["dibao_month_fen"])))
            self.min_wage.setText(format_yuan(int(existing["min_wage_month_fen"])))
            self.source.setText(str(existing.get("source") or ""))
        else:
            self.region.setText(ctx.county_code())
            self.date.setDate(QDate.currentDate())
        self.form.addRow(self.tr("地区代码"), self.region)
        self.form.addRow(self.tr("执行日期"), self.date)
        self.form.addRow(self.tr("低保标准（元/月）"), self.dibao)
        self.form.addRow(self.tr("最低工资（元/月）"), self.min_wage)
        self.form.addRow(self.tr("来源"), self.source)
        self.form.addRow(hint(self.tr("地区代码可以是本县（如 530122）、市（如 530100）或省（如 530000）；"
                                      "计算时取最具体地区在当日已执行的最新标准。")))
        self.fields = {"地区代码": self.region, "执行日期": self.date, "低保标准": self.dibao,
                       "最低工资标准": self.min_wage}
        (self.dibao if existing else self.region).setFocus()

    def submit(self) -> None:
        dibao = parse_yuan(self.dibao.text(), "低保标准")
        wage_text = self.min_wage.text().strip()
        wage = parse_yuan(wage_text, "最低工资标准") if wage_text else None
        replacing = None
        if self.existing:
            replacing = (str(self.existing["region_code"]), str(self.existing["effective_from"]))
        day = self.date.date().toString(DATE_FORMAT)
        admin.save_standard(self.ctx.db, self.ctx.actor, self.region.text(), day, dibao, wage,
                            self.source.text(), replacing=replacing)


class NewUserDialog(FormDialog):
    """新建用户: username, name, roles, the first password twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新建用户"), self.tr("创建"), parent)
        self.ctx = ctx
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("登录用，如 zhangsan"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("真实姓名，显示在表格和打印件上"))
        self.roles = RoleBoxes({"clerk"})
        self.password = _password_edit()
        self.password.setPlaceholderText(
            self.tr("至少 {0} 位，含字母和数字").replace("{0}", str(auth.MIN_PASSWORD)))
        self.password2 = _password_edit()
        self.form.addRow(self.tr("用户名"), self.username)
        self.form.addRow(self.tr("姓名"), self.display_name)
        self.form.addRow(self.tr("角色"), self.roles)
        self.form.addRow(self.tr("初始密码"), self.password)
        self.form.addRow(self.tr("确认密码"), self.password2)
        self.fields = {"用户名": self.username, "角色": self.roles, "密码": self.password,
                       "确认密码": self.password2}
        self.username.setFocus()
        self.created: str | None = None

    def submit(self) -> None:
        if not self.username.text().strip():
            raise ValidationError("用户名", "不能为空")
        _check_twice(self.password.text(), self.password2.text())
        auth.create_user(self.ctx.db, self.ctx.actor, self.username.text(), self.display_name.text().strip(),
                         self.roles.roles(), self.password.text())
        self.created = self.username.text().strip()


class PasswordDialog(FormDialog):
    """重置密码: an admin sets a new password for a user (who should change it at next login)."""

    def __init__(self, ctx: AppContext, username: str, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("重置密码"), self.tr("重置"), parent)
        self.ctx = ctx
        self.target = username
        self.password = _password_edit()
        self.password.setPlaceholderText(
            self.tr("至少 {0} 位，含字母和数字").replace("{0}", str(auth.MIN_PASSWORD)))
        self.password2 = _password_edit()
        self.form.addRow(self.tr("用户"), QLabel(f"{username}（{display_name}）"))
        self.form.addRow(self.tr("新密码"), self.password)
        self.form.addRow(self.tr("确认密码"), self.password2)
        self.form.addRow(hint(self.tr("重置后会同时解除该账号因密码输错造成的锁定。请当面把新密码告诉本人。")))
        self.fields = {"密码": self.password, "确认密码": self.password2}
        self.password.setFocus()

    def submit(self) -> None:
        _check_twice(self.password.text(), self.password2.text())
        auth.change_password(self.ctx.db, self.ctx.actor, self.target, self.password.text())


class RolesDialog(FormDialog):
    """修改角色 of one user."""

    def __init__(self, ctx: AppContext, username: str, display_name: str, roles: set[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改角色"), self.tr("保存"), parent)
        self.ctx = ctx
        self.target = username
        self.roles = RoleBoxes(roles)
        self.form.addRow(self.tr("用户"), QLabel(f"{username}（{display_name}）"))
        self.form.addRow(self.tr("角色"), self.roles)
        self.fields = {"角色": self.roles}

    def submit(self) -> None:
        admin.set_user_roles(self.ctx.db, self.ctx.actor, self.target, self.roles.roles())
