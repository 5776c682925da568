"""The receipts of a claim typed as a table: 种类 (a list of the four kinds), 单据号, 医院, 日期 (a date
field with a calendar), 医疗总费用, 统筹支付, 统筹段自付 in yuan.

There is always one empty row at the end: typing into it adds the next receipt. Empty rows are
ignored. ``drafts()`` turns the rows into ``ReceiptDraft``s, naming a bad amount by its receipt
(第 N 张单据的统筹支付); ``mark(n)`` shows which receipt a message is about.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.base.money import parse_yuan, yuan
from helpdesk_gui.core.mutual.claims import ReceiptDraft

Index = QModelIndex | QPersistentModelIndex

KIND, NUMBER, HOSPITAL, DATE, TOTAL, INSURANCE, SELF = range(7)
MONEY = (TOTAL, INSURANCE, SELF)
TYPED = (NUMBER, HOSPITAL, TOTAL, INSURANCE, SELF)   # a row with none of these is empty
CODE = Qt.ItemDataRole.UserRole
BAD = QColor("#fde2e1")


class _Delegate(QStyledItemDelegate):
    """A list of the kinds in the 种类 column, a calendar date field in the 日期 column."""

    def __init__(self, editor: ReceiptsEditor) -> None:
        super().__init__(editor)
        self.table = editor

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() == KIND:
            box = QComboBox(parent)
            for code, label in self.table.kinds:
                box.addItem(label, code)
            return box
        if index.column() == DATE:
            edit = QDateEdit(parent)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            t = _dt.date.today()
            edit.setMaximumDate(QDate(t.year, t.month, t.day))
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(CODE)), 0))
        elif isinstance(editor, QDateEdit):
            day = QDate.fromString(str(index.data() or ""), "yyyy-MM-dd")
            editor.setDate(day if day.isValid() else self.table.default_date(index.row()))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), CODE)
            model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)
        elif isinstance(editor, QDateEdit):
            model.setData(index, editor.date().toString("yyyy-MM-dd"), Qt.ItemDataRole.DisplayRole)
        else:
            super().setModelData(editor, model, index)


class ReceiptsEditor(QTableWidget):
    edited = Signal()

    def __init__(self, book: codes.CodeBook, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.setObjectName("receipts_editor")
        self.kinds = [(i.code, i.label) for i in book.items("mutual_receipt_kind")]
        self.setHorizontalHeaderLabels([self.tr("种类"), self.tr("单据号"), self.tr("医院"), self.tr("日期"),
                                        self.tr("医疗总费用"), self.tr("统筹支付"), self.tr("统筹段自付")])
        self.setItemDelegate(_Delegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.setTabKeyNavigation(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        for col, width in ((KIND, 128), (NUMBER, 110), (HOSPITAL, 150), (DATE, 100), (TOTAL, 100), (INSURANCE, 100),
                           (SELF, 100)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(HOSPITAL, QHeaderView.ResizeMode.Stretch)
        self.setToolTip(self.tr("金额以元为单位；最后一行留空，填写即增加一张单据。Delete 清空单元格，Ctrl+Delete 删除所选单据。"))
        self._loading = False
        self.itemChanged.connect(self._changed)
        self._add_row()

    # ---- rows
    def _add_row(self) -> None:
        self._loading = True
        try:
            r = self.rowCount()
            self.insertRow(r)
            code, label = self._kind_before(r)
            kind = QTableWidgetItem(label)
            kind.setData(CODE, code)
            self.setItem(r, KIND, kind)
            for col in (NUMBER, HOSPITAL, DATE, *MONEY):
                item = QTableWidgetItem("")
                if col in MONEY:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, col, item)
        finally:
            self._loading = False

    def _kind_before(self, r: int) -> tuple[str, str]:
        it = self.item(r - 1, KIND) if r > 0 else None
        if it is not None:
            return str(it.data(CODE)), it.text()
        return self.kinds[0] if self.kinds else ("", "")

    def cell(self, r: int, col: int) -> QTableWidgetItem:
        """The item of a cell (every cell of a row gets one when the row is added)."""
        item = self.item(r, col)
        if item is None:
            item = QTableWidgetItem("")
            self.setItem(r, col, item)
        return item

    def default_date(self, r: int) -> QDate:
        for above in range(r - 1, -1, -1):
            day = QDate.fromString(self.text(above, DATE), "yyyy-MM-dd")
            if day.isValid():
                return day
        return QDate.currentDate()

    def text(self, r: int, col: int) -> str:
        item = self.item(r, col)
        return item.text().strip() if item is not None else ""

    def is_empty(self, r: int) -> bool:
        return not any(self.text(r, c) for c in TYPED)

    def filled_rows(self) -> list[int]:
        return [r for r in range(self.rowCount()) if not self.is_empty(r)]

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        if item.column() in MONEY and item.text().strip():
            try:
                shown = yuan(parse_yuan(item.text(), "金额"))
            except HelpdeskError:
                shown = None
            if shown is not None and shown != item.text():
                self._loading = True
                item.setText(shown)
                self._loading = False
        if self.rowCount() == 0 or not self.is_empty(self.rowCount() - 1):
            self._add_row()
        self.edited.emit()

    def remove_current(self) -> bool:
        r = self.currentRow()
        if r < 0 or (r == self.rowCount() - 1 and self.is_empty(r)):
            return False
        self.removeRow(r)
        if self.rowCount() == 0 or not self.is_empty(self.rowCount() - 1):
            self._add_row()
        self.edited.emit()
        return True

    def clear_current(self) -> None:
        """Delete empties the cell (as in a spreadsheet); the whole receipt goes with Ctrl+Delete."""
        item = self.currentItem()
        if item is not None and self.currentColumn() != KIND:
            item.setText("")

    def set_receipts(self, receipts: list[dict[str, object]]) -> None:
        """Fill the table with a claim's receipts (rows of ``mutual_receipts``)."""
        labels = dict(self.kinds)
        self._loading = True
        try:
            self.setRowCount(0)
            for r in receipts:
                self._add_row()
                self._loading = True
                i = self.rowCount() - 1
                self.cell(i, KIND).setText(labels.get(str(r["kind"]), str(r["kind"])))
                self.cell(i, KIND).setData(CODE, str(r["kind"]))
                for col, key in ((NUMBER, "receipt_no"), (HOSPITAL, "hospital"), (DATE, "receipt_date")):
                    self.cell(i, col).setText(str(r[key] or ""))
                for col, key in ((TOTAL, "total_fen"), (INSURANCE, "insurance_fen"), (SELF, "self_fen")):
                    self.cell(i, col).setText(yuan(int(str(r[key]))))
        finally:
            self._loading = False
        self._add_row()
        self.edited.emit()

    # ---- reading
    def kind_of(self, r: int) -> str:
        item = self.item(r, KIND)
        if item is None:
            return ""
        code = item.data(CODE)
        if code:
            return str(code)
        text = item.text().strip()
        return next((c for c, label in self.kinds if text in (c, label)), text)

    def drafts(self) -> list[ReceiptDraft]:
        """The filled rows as receipts; an amount that is not one is refused naming its receipt."""
        out = []
        for n, r in enumerate(self.filled_rows(), start=1):
            where = f"第 {n} 张单据"
            fen = {}
            for col, name in ((TOTAL, "医疗总费用"), (INSURANCE, "统筹支付"), (SELF, "统筹段自付")):
                text = self.text(r, col)
                if not text and col != TOTAL:
                    fen[col] = 0
                    continue
                fen[col] = parse_yuan(text, f"{where}的{name}")
            if not self.text(r, DATE):
                raise ValidationError(f"{where}的日期", "不能为空")
            out.append(ReceiptDraft(self.kind_of(r), self.text(r, NUMBER), self.text(r, DATE), fen[TOTAL], fen[INSURANCE],
                                    fen[SELF], self.text(r, HOSPITAL)))
        return out

    def mark(self, receipt: int | None) -> None:
        """Shade the row of the ``receipt``-th receipt (1-based, as the messages count), or none."""
        rows = self.filled_rows()
        target = rows[receipt - 1] if receipt is not None and 0 < receipt <= len(rows) else -1
        self._loading = True
        try:
            for r in range(self.rowCount()):
                for c in range(self.columnCount()):
                    item = self.item(r, c)
                    if item is not None:
                        item.setBackground(QBrush(BAD) if r == target else QBrush())
        finally:
            self._loading = False
