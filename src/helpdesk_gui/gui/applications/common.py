"""Small pieces the applications screens share: today's date, labels, money, a rows table model."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView, QWidget

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.gui.settings.common import read_only_view

Index = QModelIndex | QPersistentModelIndex
Row = dict[str, Any]


def today() -> _dt.date:
    """The business date of every step taken in the window (tests replace it to let a 公示 run)."""
    return _dt.date.today()


def yuan(fen: Any) -> str:
    return "" if fen in (None, "") else format_yuan(int(fen), grouping=True)


def what(book: codes.CodeBook, app: Row) -> str:
    """申请事项: the project for a project application, else the kind."""
    if app.get("kind") == "project":
        text = book.label("project", app.get("project"))
        return f"{text}（{app['beneficiary']}）" if app.get("beneficiary") else text
    return book.label("application_kind", app.get("kind"))


#: row colours by application state
TONES: dict[str, tuple[str, str]] = {
    "returned": ("#8a5a00", "#fff4d6"), "rejected": ("#555555", "#f3f3f3"), "withdrawn": ("#777777", "#f3f3f3"),
    "approved": ("#1d5e20", "#eaf6ea"), "second": ("#1f4f8a", "#e6eefb"), "pending": ("#1f4f8a", "#f0f5fd"),
}


@dataclass(frozen=True)
class Col:
    key: str
    title: str
    width: int = 90
    fmt: Callable[[Row], str] | None = None
    right: bool = False


class RowsModel(QAbstractTableModel):
    """A short list of dict rows, shown through column formatters and coloured by ``tone``."""

    def __init__(self, columns: Sequence[Col], tone: Callable[[Row], str | None] = lambda _r: None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.tone = tone
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_id(self, row: int) -> int | None:
        return int(self.rows[row]["id"]) if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if int(r["id"]) == record_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = col.fmt(r) if col.fmt else r.get(col.key)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tone = self.tone(r)
        if tone in TONES and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            fg, bg = TONES[tone]
            return QBrush(QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg))
        return None


def make_view(model: RowsModel, parent: QWidget | None = None) -> QTableView:
    return read_only_view(model, [c.width for c in model.columns], parent)
