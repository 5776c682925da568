"""Small pieces the settings tabs (and the other list pages) share: a list-backed table model, table set-up
and remembered column widths, a row of buttons, the list-over-detail layout, a Yes/No question, a form dialog.

The settings tables are short (tens of rows), so the model simply holds its rows; it is still a
``QAbstractTableModel`` so it can be tested without a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError, ValidationErrors
from helpdesk_gui.gui.errors import show_error

if TYPE_CHECKING:
    from helpdesk_gui.gui.context import AppContext

Index = QModelIndex | QPersistentModelIndex

ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #555555;"
MUTED = QColor("#8a8a8a")


@dataclass
class Row:
    """One table row: the texts shown, the key it stands for, whether it is shown greyed out."""

    cells: Sequence[str]
    key: Any
    muted: bool = False
    tips: dict[int, str] = field(default_factory=dict)


class RowsModel(QAbstractTableModel):
    """A read-only table of prepared rows; ``right`` lists columns aligned right (amounts)."""

    def __init__(self, headers: Sequence[str], right: Sequence[int] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right = set(right)
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def key(self, row: int) -> Any:
        return self.rows[row].key if 0 <= row < len(self.rows) else None

    def row_of(self, key: Any) -> int:
        for i, r in enumerate(self.rows):
            if r.key == key:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return r.cells[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if col in self.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and r.muted:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.tips.get(col)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if section in self.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask before something that cannot be undone from this screen; 否 is the default."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def setup_table(table: QTableView, model: RowsModel, name: str) -> None:
    """Read-only, whole-row single selection, the last column taking the spare width."""
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)


def read_only_view(model: Any, widths: Sequence[int] = (), parent: QWidget | None = None) -> QTableView:
    """A new read-only table (``setup_table``) over ``model``, its columns ``widths`` pixels wide, one line a row."""
    view = QTableView(parent)
    setup_table(view, model, "")
    view.setWordWrap(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    for i, w in enumerate(widths):
        header.resizeSection(i, w)
    return view


def fit_columns(table: QTableView, air: int = 24) -> None:
    """Size columns to their contents plus some air (padding the cells would misalign the headers)."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for col in range(header.count() - 1):
        header.resizeSection(col, header.sectionSize(col) + air)


class ColumnWidths(QObject):
    """Remembered column widths. ``fit()`` (after loading rows) sizes the columns to their contents until the
    clerk drags one; from then on the clerk's widths are kept in ``QSettings`` under ``key`` and restored the
    next time the table is built. A stretched last column follows the window: resizing it is no choice."""

    def __init__(self, ctx: AppContext, table: QTableView, key: str, *, air: int = 24) -> None:
        super().__init__(table)
        self.ctx = ctx
        self.table = table
        self.key = key
        self.air = air
        self._fitting = False
        header = table.horizontalHeader()
        saved = ctx.qsettings().value(key)
        #: the clerk's own widths are in force
        self.kept = saved is not None and header.restoreState(saved)
        header.sectionResized.connect(self._resized)

    def fit(self) -> None:
        if self.kept:
            return
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            fit_columns(self.table, self.air)
            if not header.stretchLastSection() and header.count():
                last = header.count() - 1
                header.resizeSection(last, header.sectionSize(last) + self.air)
        finally:
            self._fitting = False

    def _resized(self, section: int, _old: int, _new: int) -> None:
        header = self.table.horizontalHeader()
        if self._fitting or (header.stretchLastSection() and section == header.count() - 1):
            return
        self.kept = True
        self.ctx.qsettings().setValue(self.key, header.saveState())


def row_of_buttons(*widgets: QWidget, stretch_first: bool = False, right: Sequence[QWidget] = ()) -> QHBoxLayout:
    """``widgets`` side by side, the spare width after them (before them: ``stretch_first``), then ``right``."""
    layout = QHBoxLayout()
    if stretch_first:
        layout.addStretch(1)
    for w in widgets:
        layout.addWidget(w)
    if not stretch_first:
        layout.addStretch(1)
    for w in right:
        layout.addWidget(w)
    return layout


def master_detail(master: QWidget, heading: QWidget, detail: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """The list-over-detail layout: ``master`` on top and, below it, ``heading`` (a label, a chooser) over
    ``detail``, in a vertical splitter the clerk can drag (``sizes``: the two parts' first heights)."""
    lower = QWidget()
    layout = QVBoxLayout(lower)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(heading)
    layout.addWidget(detail, 1)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(master)
    split.addWidget(lower)
    split.setSizes(list(sizes))
    return split


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class FormDialog(QDialog):
    """A small form whose OK button runs ``submit``; a refusal is shown inside the dialog.

    ``submit`` does the real work through the core. A ``HelpdeskError`` (bad input, a rule)
    keeps the dialog open with the Chinese message under the form and the cursor in the field
    named by the error; anything unexpected goes to ``show_error``.
    """

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        #: error field name (as the core names it) -> the widget to put the cursor in
        self.fields: dict[str, QWidget] = {}
        self.setMinimumWidth(460)

    def submit(self) -> None:
        raise NotImplementedError

    def error_text(self) -> str:
        """The refusal currently shown under the form ('' when none)."""
        return self.error_label.text()

    def accept(self) -> None:
        try:
            self.submit()
        except HelpdeskError as e:
            self.error_label.setText(str(e))
            self.error_label.show()
            first = e.errors[0] if isinstance(e, ValidationErrors) and e.errors else e
            widget = self.fields.get(first.field) if isinstance(first, ValidationError) else None
            if widget is not None:
                widget.setFocus()
            return
        except Exception as e:  # noqa: BLE001 - never let an error reach the event loop
            show_error(self, e)
            return
        super().accept()
