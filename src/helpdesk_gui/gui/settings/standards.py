"""The 低保标准 tab: 低保 and minimum wage per region and effective date."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.settings.dialogs import StandardDialog


class StandardsTab(QWidget):
    """A table of standards with 新增 / 修改 / 删除; double-click edits a row."""

    changed = Signal()

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = editable
        self.dialog: StandardDialog | None = None
        self._standards: dict[tuple[str, str], dict[str, Any]] = {}

        self.model = RowsModel([self.tr("地区代码"), self.tr("执行日期"), self.tr("低保标准（元/月）"),
                                self.tr("最低工资（元/月）"), self.tr("来源")], right=(2, 3), parent=self)
        self.table = QTableView()
        setup_table(self.table, self.model, "standards")
        self.default_label = hint("")

        self.add_button = QPushButton(self.tr("新增…"))
        self.edit_button = QPushButton(self.tr("修改…"))
        self.delete_button = QPushButton(self.tr("删除"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "按地区和执行日期登记低保标准和最低工资标准（市总工会或民政部门下发）。计算家庭收入时，"
            "取该地区在申请日已执行的最新标准；本县没有时依次取所在市、省的标准。")))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.default_label)
        if not editable:
            layout.addWidget(hint(self.tr("您的角色只能查看本页，不能修改。")))

        self.add_button.clicked.connect(lambda: guarded(self, self.add))
        self.edit_button.clicked.connect(lambda: guarded(self, self.edit))
        self.delete_button.clicked.connect(lambda: guarded(self, self.delete))
        self.table.doubleClicked.connect(lambda _index: guarded(self, self.edit))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    def refresh(self) -> None:
        keep = self.selected_key()
        self._standards = {}
        out: list[Row] = []
        for s in policy.list_standards(self.ctx.db):
            key = (str(s["region_code"]), str(s["effective_from"]))
            self._standards[key] = s
            dibao, wage = cast(int, s["dibao_month_fen"]), cast(int, s["min_wage_month_fen"])
            out.append(Row([key[0], key[1], format_yuan(dibao), format_yuan(wage), str(s["source"] or "")], key))
        self.model.set_rows(out)
        fit_columns(self.table)
        self.select(keep)
        values = settings.get_all(self.ctx.db)
        self.default_label.setText(
            self.tr("没有适用的地区标准时，使用本县默认值：低保 {0} 元/月，最低工资 {1} 元/月。")
            .replace("{0}", format_yuan(int(values["default_dibao_month_fen"])))
            .replace("{1}", format_yuan(int(values["default_min_wage_month_fen"]))))
        self._update_buttons()

    def selected_key(self) -> tuple[str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        key = self.model.key(rows[0].row()) if rows else None
        return key if isinstance(key, tuple) else None

    def select(self, key: tuple[str, str] | None) -> None:
        row = self.model.row_of(key) if key is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()

    def _update_buttons(self) -> None:
        selected = self.selected_key() is not None
        self.add_button.setEnabled(self.editable)
        self.edit_button.setEnabled(self.editable and selected)
        self.delete_button.setEnabled(self.editable and selected)

    # ---- actions
    def _open(self, existing: dict[str, Any] | None) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = StandardDialog(self.ctx, existing, self)
        self.dialog.accepted.connect(lambda: guarded(self, self._saved))
        self.dialog.open()

    def _saved(self) -> None:
        dialog = self.dialog
        self.refresh()
        if dialog is not None:
            self.select((dialog.region.text().strip(), dialog.date.date().toString("yyyy-MM-dd")))
        self.changed.emit()

    def add(self) -> None:
        if self.editable:
            self._open(None)

    def edit(self) -> None:
        key = self.selected_key()
        if self.editable and key is not None:
            self._open(self._standards[key])

    def delete(self) -> None:
        key = self.selected_key()
        if not self.editable or key is None:
            return
        if not confirm(self, self.tr("删除低保标准"),
                       self.tr("确定删除地区 {0} 自 {1} 起执行的标准吗？\n删除后该地区改用更早的或上级地区的标准。")
                       .replace("{0}", key[0]).replace("{1}", key[1])):
            return
        admin.delete_standard(self.ctx.db, self.ctx.actor, *key)
        self.refresh()
        self.changed.emit()
