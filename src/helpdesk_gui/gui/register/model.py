"""A lazy table model over the register (``gui.kit.models.BlockModel``): holds ids, fetches rows in blocks of 256 on
demand. 100,000 households cost an ``array('q')`` of ids (800 KB) plus a bounded cache of blocks.
Sorting and filtering happen in SQL (``core.search``); there is no proxy model over Python rows.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlite_utils import Database

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_id, mask_phone
from helpdesk_gui.core.register import search
from helpdesk_gui.gui.kit.models import BlockModel, Index

#: a fetched row: the display values, the status code
Entry = tuple[tuple[Any, ...], str]


@dataclass(frozen=True)
class Column:
    key: str       # field of the list row
    title: str
    sort_key: str | None


COLUMNS: tuple[Column, ...] = (
    Column("archive_no", "档案编号", "archive_no"),
    Column("name", "姓名", "name"),
    Column("gender", "性别", "gender"),
    Column("id_number", "公民身份号码", "id_number"),
    Column("phone", "手机号码", "phone"),
    Column("employer_name", "工作单位", "employer"),
    Column("township", "乡镇（街道）", "township"),
    Column("category", "困难类别", "category"),
    Column("cause_main", "主要致困原因", "cause_main"),
    Column("family_size", "家庭人口", "family_size"),
    Column("per_capita_month_fen", "家庭月人均收入（元）", "per_capita"),
    Column("status", "状态", "status"),
    Column("created_date", "建档日期", "created_date"),
    Column("sender_code", "所属县区", "county"),     # shown where the database holds several counties (the city)
)

#: Status colours (text colour, background) so the status reads without the label too.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "applying": ("#8a5a00", "#fff4d6"),
    "visiting": ("#8a5a00", "#fff4d6"),
    "publicity": ("#1f5fa8", "#e3efff"),
    "pending": ("#1f5fa8", "#e3efff"),
    "active": ("#1d6b2f", "#e4f5e8"),
    "exited": ("#555555", "#eeeeee"),
    "cancelled": ("#9b1c1c", "#fbe4e4"),
}
_CODED = {"gender": "gender", "category": "category", "cause_main": "cause", "status": "status"}

# data() runs a few thousand times per repaint: plain ints and sets instead of Qt enum look-ups
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _USER, _ALIGN, _FOREGROUND, _BACKGROUND})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_COLUMNS = frozenset(i for i, col in enumerate(COLUMNS) if col.key in ("family_size", "per_capita_month_fen"))
_STATUS_COLUMN = next(i for i, col in enumerate(COLUMNS) if col.key == "status")
_HORIZONTAL = Qt.Orientation.Horizontal


class HouseholdTableModel(BlockModel[Entry]):
    columns = COLUMNS

    def __init__(self, db: Database, book: codes.CodeBook, *, reveal: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.book = book
        self.reveal = reveal
        self._brushes: dict[tuple[str, int], QBrush] = {}
        #: 所属县区: sender code → name (the county's union, from its batches)
        self.county_names: dict[str, str] = {}
        self.text = ""
        self.filters = search.Filters()
        self.order_by = "archive_no"
        self.descending = False
        self.loaded = False  # the first query has run (the view sorts while it is set up, before that)

    # ---- query
    def set_query(self, text: str | None = None, filters: search.Filters | None = None) -> None:
        if text is not None:
            self.text = text
        if filters is not None:
            self.filters = filters
        self.reload()

    def reload(self) -> None:
        self.loaded = True
        self.load_ids(search.search_ids(self.db, self.text, self.filters, order_by=self.order_by,
                                       descending=self.descending))

    def invalidate(self) -> None:
        """Rows changed but the set did not: drop the cache and repaint."""
        self._drop_blocks()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def household_id(self, row: int) -> int:
        return int(self.ids[row])

    # ---- Qt overrides
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if int(role) != _DISPLAY:
            return None
        if orientation == _HORIZONTAL:
            return COLUMNS[section].title
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort_key
        if key is None:
            return
        self.order_by = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if not self.loaded:  # the view is being set up: the first query will use this order
            return
        self.layoutAboutToBeChanged.emit()
        self.ids = array("q", search.search_ids(self.db, self.text, self.filters, order_by=self.order_by,
                                                descending=self.descending))
        self._drop_blocks()
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == _USER:
            return int(self.ids[r])
        if role == _ALIGN:
            return _RIGHT if c in _RIGHT_COLUMNS else None
        if role in (_FOREGROUND, _BACKGROUND) and c != _STATUS_COLUMN:
            return None
        entry = self._row(r)
        if entry is None:
            return None
        if role in (_DISPLAY, _TOOLTIP):
            return entry[0][c]
        return self._brush(entry[1], role)

    def _brush(self, status: str, role: int) -> QBrush:
        brush = self._brushes.get((status, role))
        if brush is None:
            fg, bg = STATUS_COLOURS.get(status, ("#000000", "#ffffff"))
            brush = self._brushes[(status, role)] = QBrush(QColor(fg if role == _FOREGROUND else bg))
        return brush

    # ---- blocks
    def _fetch_rows(self, ids: list[int]) -> list[Entry | None]:
        found = search.rows_by_ids(self.db, ids)
        return [self._display(found.get(i)) for i in ids]

    def _display(self, row: dict[str, Any] | None) -> Entry:
        if row is None:  # deleted meanwhile
            return tuple("" for _ in COLUMNS), ""
        out: list[Any] = []
        for col in COLUMNS:
            v = row.get(col.key)
            if col.key in _CODED:
                v = self.book.label(_CODED[col.key], v) if v else ""
            elif col.key == "id_number":
                v = v if self.reveal else mask_id(v)
            elif col.key == "phone":
                v = v if self.reveal else mask_phone(v)
            elif col.key == "per_capita_month_fen":
                v = yuan(int(v or 0))
            elif col.key == "sender_code":
                v = self.county_names.get(str(v), "") or str(v or "")
            elif v is None:
                v = ""
            out.append(v)
        return tuple(out), str(row.get("status") or "")

    def status_code(self, r: int) -> str:
        entry = self._row(r)
        return entry[1] if entry else ""
