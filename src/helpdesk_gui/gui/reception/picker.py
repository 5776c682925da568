"""Pick an archive by typing (``core.search``): name, pinyin initials, ID digits, phone, archive number."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.register import search
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.reception.table import TONES


class HouseholdPicker(QDialog):
    """Type, then Enter (or double-click) picks the highlighted archive; ``household_id`` holds it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, text: str = "",
                 statuses: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.statuses = statuses
        self.household_id: int | None = None
        self.household: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("选择档案"))
        book = ctx.codebook()
        self.search_edit = QLineEdit(text)
        self.search_edit.setPlaceholderText(self.tr("姓名、拼音首字母、身份证号后几位、电话、档案编号"))
        self.search_edit.setClearButtonEnabled(True)
        self.model = RecordModel([
            Col("archive_no", self.tr("档案编号"), 140), Col("name", self.tr("姓名"), 80),
            Col("id_number", self.tr("公民身份号码"), 160, lambda r: mask_id(str(r["id_number"] or ""))),
            Col("township", self.tr("乡镇（街道）"), 100),
            Col("status", self.tr("状态"), 70, lambda r: book.label("status", r["status"])),
        ], parent=self, palette=TONES)
        self.table = make_view(self.model, self)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        self.count = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("选定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.resize(640, 420)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._enter)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit, self.table.setFocus)
        self.apply_query()

    def apply_query(self) -> None:
        self._debounce.stop()
        text = self.search_edit.text()
        found = guarded(self, search.search, self.ctx.db, text, limit=50) or []
        if self.statuses:
            found = [r for r in found if r["status"] in self.statuses]
        self.model.set_rows(found)
        self.count.setText(self.tr("显示前 {n} 户（最多 50 户），请输入更多文字缩小范围").format(n=f"{len(found):,}")
                           if len(found) >= 50 else self.tr("找到 {n} 户").format(n=f"{len(found):,}"))
        if found:
            self.table.selectRow(0)

    def _enter(self) -> None:
        if self._debounce.isActive():
            self.apply_query()
        if self.model.rowCount():
            self.accept()

    def accept(self) -> None:
        idx = self.table.currentIndex()
        row = idx.row() if idx.isValid() else (0 if self.model.rowCount() else -1)
        rec = self.model.record(row) if row >= 0 else None
        if rec is None:
            return
        self.household_id = int(rec["id"])
        self.household = rec
        super().accept()
