"""The 乡镇（街道） tab: the list of townships offered when entering a household, in display order."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, hint


class TownshipsTab(QWidget):
    """Add, remove and reorder townships; nothing is written until 保存."""

    changed = Signal()

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = editable
        self._loaded: list[str] = []
        self._counts: dict[str, int] = {}

        self.list = QListWidget()
        self.list.setObjectName("townships")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMinimumWidth(320)
        self.list.setMaximumWidth(420)
        self.name = QLineEdit()
        self.name.setObjectName("township_name")
        self.name.setPlaceholderText(self.tr("输入乡镇或街道名称，按回车添加"))
        self.name.setMinimumWidth(320)
        self.name.setMaximumWidth(420)
        self.add_button = QPushButton(self.tr("添加"))
        self.remove_button = QPushButton(self.tr("删除"))
        self.up_button = QPushButton(self.tr("上移"))
        self.down_button = QPushButton(self.tr("下移"))
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("save_townships")
        self.revert_button = QPushButton(self.tr("放弃修改"))

        side = QVBoxLayout()
        for b in (self.remove_button, self.up_button, self.down_button):
            side.addWidget(b)
        side.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.add_button, 0, 1)
        grid.addWidget(self.list, 1, 0)
        grid.addLayout(side, 1, 1)
        grid.setColumnStretch(2, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.revert_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr(
            "录入档案时“乡镇（街道）”从这个列表中选择，顺序即下拉列表中的顺序。"
            "已有档案使用的乡镇会自动列出，不能删除。")))
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        if not editable:
            layout.addWidget(hint(self.tr("您的角色只能查看本页，不能修改。")))

        self.name.returnPressed.connect(lambda: guarded(self, self.add))
        self.add_button.clicked.connect(lambda: guarded(self, self.add))
        self.remove_button.clicked.connect(lambda: guarded(self, self.remove))
        self.up_button.clicked.connect(lambda: guarded(self, self.move_item, -1))
        self.down_button.clicked.connect(lambda: guarded(self, self.move_item, 1))
        self.save_button.clicked.connect(lambda: guarded(self, self.save))
        self.revert_button.clicked.connect(lambda: guarded(self, self.refresh))
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.name.textChanged.connect(lambda _text: self._update_buttons())
        self.setTabOrder(self.name, self.add_button)
        self.setTabOrder(self.add_button, self.list)
        self.setTabOrder(self.list, self.remove_button)
        self.setTabOrder(self.remove_button, self.up_button)
        self.setTabOrder(self.up_button, self.down_button)
        self.setTabOrder(self.down_button, self.save_button)
        self.setTabOrder(self.save_button, self.revert_button)
        self.name.setReadOnly(not editable)

    # ---- state
    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _item(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        count = self._counts.get(name, 0)
        if count:
            item.setToolTip(self.tr("{0} 户档案登记在这里").replace("{0}", f"{count:,}"))
        return item

    def refresh(self) -> None:
        self._loaded = admin.list_townships(self.ctx.db)
        self._counts = admin.township_counts(self.ctx.db)
        self.list.clear()
        for name in self._loaded:
            self.list.addItem(self._item(name))
        self._update_buttons()

    def _dirty(self) -> bool:
        return self.names() != self._loaded

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        selected = row >= 0
        self.add_button.setEnabled(self.editable and bool(self.name.text().strip()))
        self.remove_button.setEnabled(self.editable and selected)
        self.up_button.setEnabled(self.editable and selected and row > 0)
        self.down_button.setEnabled(self.editable and selected and row < self.list.count() - 1)
        dirty = self._dirty()
        self.save_button.setEnabled(self.editable and dirty)
        self.revert_button.setEnabled(self.editable and dirty)

    # ---- actions
    def add(self) -> None:
        if not self.editable:
            return
        cleaned = admin.clean_townships([self.name.text()])
        if not cleaned:
            return
        name = cleaned[0]
        existing = self.names()
        if name in existing:
            self.list.setCurrentRow(existing.index(name))
        else:
            self.list.addItem(self._item(name))
            self.list.setCurrentRow(self.list.count() - 1)
        self.name.clear()
        self.name.setFocus()
        self._update_buttons()

    def remove(self) -> None:
        row = self.list.currentRow()
        if not self.editable or row < 0:
            return
        name = self.list.item(row).text()
        count = self._counts.get(name, 0)
        if count:
            QMessageBox.information(
                self, self.tr("不能删除"),
                self.tr("有 {0} 户档案登记在“{1}”，不能删除。请先修改这些档案的乡镇（街道）。")
                .replace("{0}", f"{count:,}").replace("{1}", name))
            return
        self.list.takeItem(row)
        self._update_buttons()

    def move_item(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if not self.editable or row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._update_buttons()

    def save(self) -> None:
        if not self.editable or not self._dirty():
            return
        removed = [n for n in self._loaded if n not in self.names()]
        if removed and not confirm(
                self, self.tr("删除乡镇（街道）"),
                self.tr("将从列表中删除：{0}。\n确定保存吗？").replace("{0}", "、".join(removed))):
            return
        admin.set_townships(self.ctx.db, self.ctx.actor, self.names())
        self.changed.emit()
        self.refresh()
