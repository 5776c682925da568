"""The lazy list model the register, the ledger entries and the reception lists share: it holds only the
ids (an ``array('q')``: 100,000 rows cost 800 KB) and fetches rows ``BLOCK`` at a time when the view asks,
keeping a bounded cache of blocks (the least recently read goes first). Sorting and filtering happen in
SQL, in the core, which hands over the ids in order.

Subclasses say what a row is (``_fetch_rows``) and how it is shown (``data``/``headerData``); ``_row`` is
on the hot path of ``data()`` (a repaint reads one or two blocks cell after cell), so it answers from the
block read last before it looks in the cache.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

BLOCK = 256

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


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
