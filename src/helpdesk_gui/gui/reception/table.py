"""The list model the reception, visits and services pages share: it holds ids and fetches rows in
blocks of 256 on demand (``gui.block_model``, like the register's model), shows each column through a
small formatter, and colours a row by a ``tone`` (overdue items in red, finished ones grey)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableView, QWidget

from helpdesk_gui.gui.block_model import BlockModel, Index
from helpdesk_gui.gui.settings.common import read_only_view

Row = dict[str, Any]

#: tone → (text colour, background)
TONES: dict[str, tuple[str, str]] = {
    "alert": ("#9b1c1c", "#fbe4e4"),     # overdue: red
    "warn": ("#8a5a00", "#fff4d6"),      # due soon
    "done": ("#555555", "#f3f3f3"),      # finished
}


@dataclass(frozen=True)
class Col:
    key: str
    title: str
    width: int = 90
    fmt: Callable[[Row], str] | None = None
    right: bool = False
    sort_key: str | None = None          # the core's sort key (SQL) when the list can sort by it


class RecordModel(BlockModel[Row]):
    max_blocks = 32

    def __init__(self, columns: Sequence[Col], tone: Callable[[Row], str | None] = lambda _r: None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: list[Col] = list(columns)
        self.tone = tone
        self._fetch: Callable[[list[int]], dict[int, Row]] = lambda _ids: {}

    # ---- contents
    def set_ids(self, ids: Sequence[int], fetch: Callable[[list[int]], dict[int, Row]]) -> None:
        self._fetch = fetch
        self.load_ids(ids)

    def _fetch_rows(self, ids: list[int]) -> list[Row | None]:
        found = self._fetch(ids)
        return [found.get(i) for i in ids]

    def set_rows(self, rows: Sequence[Row], key: str = "id") -> None:
        """A whole (short) list at once."""
        by_id = {int(r[key]): r for r in rows}
        self.set_ids([int(r[key]) for r in rows], lambda ids: {i: by_id[i] for i in ids if i in by_id})

    def record_id(self, row: int) -> int | None:
        return int(self.ids[row]) if 0 <= row < len(self.ids) else None

    def record(self, row: int) -> Row | None:
        return self._row(row)

    def text(self, row: int, column: int) -> str:
        r = self.record(row)
        if r is None:
            return ""
        col = self.columns[column]
        if col.fmt is not None:
            return col.fmt(r)
        v = r.get(col.key)
        return "" if v is None else str(v)

    # ---- Qt
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.columns[section].title if orientation == Qt.Orientation.Horizontal else str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(r, c)
        if role == Qt.ItemDataRole.UserRole:
            return self.record_id(r)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[c].right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole):
            rec = self.record(r)
            tone = self.tone(rec) if rec is not None else None
            if tone is None:
                return None
            if role == Qt.ItemDataRole.FontRole:
                if tone != "alert":
                    return None
                font = QFont()
                font.setBold(True)
                return font
            fg, bg = TONES[tone]
            return QBrush(QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg))
        return None


def make_view(model: RecordModel, parent: QWidget | None = None) -> QTableView:
    return read_only_view(model, [c.width for c in model.columns], parent)


def done(fn: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    """Run a core write for ``guarded``: True when it went through (``guarded`` gives None on an error)."""
    fn(*args, **kwargs)
    return True


def yuan(key: str) -> Callable[[Row], str]:
    from helpdesk_gui.core.base.money import format_yuan

    def fmt(r: Row) -> str:
        v = r.get(key)
        return format_yuan(int(v), grouping=True) if v else ""
    return fmt


def label(book: Any, list_name: str, key: str) -> Callable[[Row], str]:
    def fmt(r: Row) -> str:
        return str(book.label(list_name, r.get(key)))
    return fmt
