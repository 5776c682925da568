"""The table models of every list in the window.

- ``RowsModel``: a short list of prepared rows (``Row``: the texts shown, the key it stands for, a tone).
- ``RecordModel``: records (dicts from the core) shown through columns (``Col``) and coloured by a tone;
  fetched in blocks by id for a long list (``set_ids``), or handed over whole for a short one (``set_rows``).
- ``BlockModel``: the lazy list under ``RecordModel`` and the register's and ledger's own models. It holds
  only the ids (an ``array('q')``: 100,000 rows cost 800 KB) and fetches rows ``BLOCK`` at a time when the
  view asks, keeping a bounded cache of blocks (the least recently read goes first). Sorting and filtering
  happen in SQL, in the core, which hands over the ids in order. Subclasses say what a row is
  (``_fetch_rows``) and how it is shown (``data``/``headerData``); ``_row`` is on the hot path of ``data()``
  (a repaint reads one or two blocks cell after cell), so it answers from the block read last before it
  looks in the cache.

A tone colours a whole row: its text, its background and whether it is bold (``Tone``). Each list names
its tones in a palette (``ROW_TONES`` for prepared rows; the reception and applications lists have theirs).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

BLOCK = 256

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
Record = dict[str, Any]


@dataclass(frozen=True)
class Tone:
    """How a row stands out: text colour, background (``#rrggbb``, None for the view's own), bold."""

    fg: str | None = None
    bg: str | None = None
    bold: bool = False


#: the tones of prepared rows
ROW_TONES: dict[str, Tone] = {
    "muted": Tone("#8a8a8a"),        # cancelled, closed, nothing left to do: greyed out
    "overdue": Tone("#b3261e"),      # behind its schedule (a loan): red
    "total": Tone(bold=True),        # a report's 合计
}


def tone_data(palette: Mapping[str, Tone], tone: str | None, role: int) -> Any:
    """What a row of ``tone`` answers for a colour or font ``role`` (None: the view's default)."""
    t = palette.get(tone) if tone else None
    if t is None:
        return None
    if role == Qt.ItemDataRole.ForegroundRole and t.fg:
        return QBrush(QColor(t.fg))
    if role == Qt.ItemDataRole.BackgroundRole and t.bg:
        return QBrush(QColor(t.bg))
    if role == Qt.ItemDataRole.FontRole and t.bold:
        font = QFont()
        font.setBold(True)
        return font
    return None


_TONE_ROLES = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole)


def _aligned(right: bool) -> int:
    horizontal = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


# ---------------------------------------------------------------------------------------- prepared rows

@dataclass
class Row:
    """One table row: the texts shown, the key it stands for, whether it is greyed out (``muted``), tooltips
    by column, and a tone of ``ROW_TONES`` (which wins over ``muted``)."""

    cells: Sequence[str]
    key: Any
    muted: bool = False
    tips: dict[int, str] = field(default_factory=dict)
    tone: str | None = None

    @property
    def shown_tone(self) -> str | None:
        return self.tone or ("muted" if self.muted else None)


class RowsModel(QAbstractTableModel):
    """A read-only table of prepared rows; ``right`` lists columns aligned right (amounts).

    The lists it shows are short (tens or hundreds of rows), so the model simply holds its rows; it is still
    a ``QAbstractTableModel`` so it can be tested without a view."""

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
            return _aligned(col in self.right)
        if role in _TONE_ROLES:
            return tone_data(ROW_TONES, r.shown_tone, role)
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
            return _aligned(section in self.right)
        return None


# ---------------------------------------------------------------------------------------- lazy lists

class BlockModel(QAbstractTableModel, Generic[T]):
    #: blocks kept in the cache
    max_blocks = 64
    #: the columns (anything with a length); ``columnCount`` counts them
    columns: Sequence[Any] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ids: array[int] = array("q")
        self._blocks: OrderedDict[int, Sequence[T | None]] = OrderedDict()
        self._last: tuple[int, Sequence[T | None]] | None = None  # the block read last

    def _fetch_rows(self, ids: list[int]) -> Sequence[T | None]:
        """The rows of ``ids``, in that order (None for one deleted meanwhile)."""
        raise NotImplementedError

    def load_ids(self, ids: Sequence[int]) -> None:
        """A new list: the view starts over."""
        self.beginResetModel()
        self.ids = array("q", ids)
        self._drop_blocks()
        self.endResetModel()

    def row_of(self, record_id: int) -> int:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def _drop_blocks(self) -> None:
        self._blocks.clear()
        self._last = None

    def _row(self, r: int) -> T | None:
        if r < 0 or r >= len(self.ids):
            return None
        b = r // BLOCK
        last = self._last
        if last is not None and last[0] == b:
            off = r - b * BLOCK
            return last[1][off] if off < len(last[1]) else None
        block = self._blocks.get(b)
        if block is None:
            block = self._fetch_rows(list(self.ids[b * BLOCK:(b + 1) * BLOCK]))
            self._blocks[b] = block
            if len(self._blocks) > self.max_blocks:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(b)
        self._last = (b, block)
        off = r - b * BLOCK
        return block[off] if off < len(block) else None


# ---------------------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Col:
    """A column of records: the record's ``key`` shown (or what ``fmt`` makes of the record), its header
    ``title`` and first ``width`` in pixels, aligned right (amounts), and the core's sort key when the list
    can be sorted by it."""

    key: str
    title: str
    width: int = 90
    fmt: Callable[[Record], str] | None = None
    right: bool = False
    sort_key: str | None = None


class RecordModel(BlockModel[Record]):
    """Records through columns, each row coloured by ``tone(record)`` (a name in ``palette``)."""

    max_blocks = 32

    def __init__(self, columns: Sequence[Col], tone: Callable[[Record], str | None] = lambda _r: None,
                 parent: Any = None, *, palette: Mapping[str, Tone] | None = None) -> None:
        super().__init__(parent)
        self.columns: list[Col] = list(columns)
        self.tone = tone
        self.palette: Mapping[str, Tone] = palette or {}
        self._fetch: Callable[[list[int]], dict[int, Record]] = lambda _ids: {}

    # ---- contents
    def set_ids(self, ids: Sequence[int], fetch: Callable[[list[int]], dict[int, Record]]) -> None:
        """A long list: the ids in order, and how to read a block of them (id → record)."""
        self._fetch = fetch
        self.load_ids(ids)

    def _fetch_rows(self, ids: list[int]) -> list[Record | None]:
        found = self._fetch(ids)
        return [found.get(i) for i in ids]

    def set_rows(self, rows: Sequence[Record], key: str = "id") -> None:
        """A whole (short) list at once, each record named by its ``key``."""
        by_id = {int(r[key]): r for r in rows}
        self.set_ids([int(r[key]) for r in rows], lambda ids: {i: by_id[i] for i in ids if i in by_id})

    def record_id(self, row: int) -> int | None:
        return int(self.ids[row]) if 0 <= row < len(self.ids) else None

    def record(self, row: int) -> Record | None:
        return self._row(row)

    def records(self) -> list[Record]:
        """Every record of the list, in order (a short list's; a long one's would be read whole)."""
        return [r for r in (self._row(i) for i in range(len(self.ids))) if r is not None]

    def text(self, row: int, column: int) -> str:
        r = self.record(row)
        if r is None:
            return ""
        col = self.columns[column]
        v = col.fmt(r) if col.fmt is not None else r.get(col.key)
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
            return _aligned(True)
        if role in _TONE_ROLES:
            rec = self.record(r)
            return tone_data(self.palette, self.tone(rec) if rec is not None else None, role)
        return None
