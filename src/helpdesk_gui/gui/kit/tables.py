"""Table views: read-only set-up, one line a row, columns sized to their contents or as the clerk dragged
them (remembered), and the view of a ``RecordModel`` with its columns' widths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QObject
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from helpdesk_gui.gui.kit.models import RecordModel

if TYPE_CHECKING:
    from helpdesk_gui.gui.context import AppContext


def setup_table(table: QTableView, model: QAbstractItemModel, name: str) -> None:
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


def read_only_view(model: QAbstractItemModel, widths: Sequence[int] = (), parent: QWidget | None = None) -> QTableView:
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


def make_view(model: RecordModel, parent: QWidget | None = None) -> QTableView:
    """A read-only view of records, its columns as wide as the model's columns say."""
    return read_only_view(model, [c.width for c in model.columns], parent)
