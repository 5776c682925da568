"""The 本单位 tab: the county's administrative code and the union's name."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.core.db import get_meta
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, form_layout, hint


class CentreTab(QWidget):
    """Edit and save 县级行政区划代码 and 工会名称; 保存 is enabled only when something changed."""

    changed = Signal()

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = editable
        self._loaded = ("", "")

        self.county_code = QLineEdit()
        self.county_code.setObjectName("county_code")
        self.county_code.setMaxLength(6)
        self.county_code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self))
        self.county_code.setPlaceholderText(self.tr("6 位数字，如 530122"))
        self.county_code.setMaximumWidth(200)
        self.union_name = QLineEdit()
        self.union_name.setObjectName("union_name")
        self.union_name.setPlaceholderText(self.tr("如 某某县总工会"))
        self.union_name.setMaximumWidth(480)
        self.created = QLabel()
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("save_centre")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("放弃修改"))

        form = form_layout()
        form.addRow(self.tr("县级行政区划代码"), self.county_code)
        form.addRow(self.tr("工会名称"), self.union_name)
        form.addRow(self.tr("数据库创建于"), self.created)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint(self.tr(
            "工会名称印在各类表格的抬头上；行政区划代码用于上报市总工会的数据，"
            "并作为本县低保标准的默认地区。请与市总工会核对后再修改。")))
        layout.addLayout(buttons)
        if not editable:
            layout.addWidget(hint(self.tr("您的角色只能查看本页，不能修改。")))
        layout.addStretch(1)

        self.county_code.textChanged.connect(self._update_buttons)
        self.union_name.textChanged.connect(self._update_buttons)
        self.county_code.returnPressed.connect(self.union_name.setFocus)
        self.union_name.returnPressed.connect(lambda: guarded(self, self.save))
        self.save_button.clicked.connect(lambda: guarded(self, self.save))
        self.revert_button.clicked.connect(lambda: guarded(self, self.refresh))
        self.setTabOrder(self.county_code, self.union_name)
        self.setTabOrder(self.union_name, self.save_button)
        self.setTabOrder(self.save_button, self.revert_button)
        for w in (self.county_code, self.union_name):
            w.setReadOnly(not editable)

    def refresh(self) -> None:
        self._loaded = admin.get_centre(self.ctx.db)
        self.county_code.setText(self._loaded[0])
        self.union_name.setText(self._loaded[1])
        created = get_meta(self.ctx.db, "created_at")
        self.created.setText(created[:10] if created else self.tr("（未记录）"))
        self._update_buttons()

    def _dirty(self) -> bool:
        return (self.county_code.text().strip(), self.union_name.text().strip()) != self._loaded

    def _update_buttons(self) -> None:
        dirty = self._dirty()
        self.save_button.setEnabled(self.editable and dirty)
        self.revert_button.setEnabled(self.editable and dirty)

    def save(self) -> None:
        if not self.editable or not self._dirty():
            return
        code = self.county_code.text().strip()
        old_code = self._loaded[0]
        if old_code and code != old_code and not confirm(
                self, self.tr("修改行政区划代码"),
                self.tr("县级行政区划代码将由“{0}”改为“{1}”。已有档案的编号不会改变。\n确定修改吗？")
                .replace("{0}", old_code).replace("{1}", code)):
            return
        if admin.update_centre(self.ctx.db, self.ctx.actor, code, self.union_name.text()):
            self.changed.emit()
        self.refresh()
