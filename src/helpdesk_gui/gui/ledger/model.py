"""The entries table: a lazy model over ``ledger_entries`` that holds ids in ledger order (date, then
id) and builds rows 256 at a time, with the running balance of the chosen fund (or of all funds).

Red-ink lines (红字冲销) show their amount negative, in red, in the column of the line they reverse;
a reversed line says so in the 状态 column. One million entries cost an ``array('q')`` of ids.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from sqlite_utils import Database

from helpdesk_gui.core import codes, ledger_query
from helpdesk_gui.core.ledger_schema import INFLOW_KINDS
from helpdesk_gui.gui.ledger.widgets import GREEN, RED, yuan

BLOCK = 256
MAX_BLOCKS = 64
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("entry_date", "日期"),
    Column("voucher_no", "凭证号"),
    Column("fund_name", "资金"),
    Column("kind", "收支类别"),
    Column("memo", "摘要"),
    Column("who", "对方单位 / 户名"),
    Column("in", "收入（元）", True),
    Column("out", "支出（元）", True),
    Column("balance", "余额（元）", True),
    Column("posted_by", "记账人"),
    Column("state", "状态"),
)


class EntriesModel(QAbstractTableModel):
    def __init__(self, db: Database, book: codes.CodeBook, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.book = book
        self.ids: array[int] = array("q")
        self.filter = ledger_query.EntryFilter()
        self._blocks: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()

    # ---- query
    def set_filter(self, f: ledger_query.EntryFilter) -> None:
        self.filter = f
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.ids = array("q", ledger_query.entry_ids(self.db, self.filter))
        self._blocks.clear()
        self.endResetModel()

    def entry_id(self, row: int) -> int:
        return int(self.ids[row])

    def row_of(self, entry_id: int) -> int:
        try:
            return self.ids.index(entry_id)
        except ValueError:
            return -1

    def entry(self, row: int) -> dict[str, Any] | None:
        """The full row behind a table row (for the buttons)."""
        return self._row(row)

    # ---- Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return int(self.ids[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if col.right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        r = self._row(index.row())
        if r is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r["reverses_id"] and col.key in ("in", "out", "memo", "kind", "state"):
                return QBrush(QColor(RED))
            if r["reversed_by"] and col.key == "state":
                return QBrush(QColor("#8a8a8a"))
            if col.key == "in" and not r["reverses_id"]:
                return QBrush(QColor(GREEN))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.key in ("memo", "who"):
                return "\n".join(t for t in (r["summary"], r["memo"], r["ref_no"] and f"文号/批次：{r['ref_no']}") if t)
            return None
        return self._text(r, col.key)

    def _text(self, r: dict[str, Any], key: str) -> str:
        inflow = r["kind"] in INFLOW_KINDS
        amount = int(r["amount_fen"])
        if key == "kind":
            return self.book.label("ledger_entry_kind", r["kind"]) + ("（红字）" if r["reverses_id"] else "")
        if key == "in":
            return yuan(amount) if inflow else ""
        if key == "out":
            return "" if inflow else yuan(-amount)
        if key == "balance":
            return yuan(r.get("balance"))
        if key == "who":
            if r["household_name"]:
                return f"{r['household_name']}（{r['archive_no']}）"
            return str(r["counterparty"] or "")
        if key == "memo":
            return str(r["memo"] or r["summary"] or "")
        if key == "state":
            return "红字冲销" if r["reverses_id"] else "已冲销" if r["reversed_by"] else ""
        v = r.get(key)
        return "" if v is None else str(v)

    # ---- blocks
    def _row(self, r: int) -> dict[str, Any] | None:
        if r < 0 or r >= len(self.ids):
            return None
        b = r // BLOCK
        block = self._blocks.get(b)
        if block is None:
            block = self._fetch(b)
            self._blocks[b] = block
            if len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(b)
        off = r - b * BLOCK
        return block[off] if off < len(block) else None

    def _fetch(self, b: int) -> list[dict[str, Any]]:
        ids = [int(i) for i in self.ids[b * BLOCK:(b + 1) * BLOCK]]
        found = ledger_query.rows_by_ids(self.db, ids)
        block = [found[i] for i in ids if i in found]
        balances = ledger_query.running_balances(self.db, self.filter.fund_id,
                                                 [(int(x["id"]), str(x["entry_date"])) for x in block])
        for x in block:
            x["balance"] = balances.get(int(x["id"]))
        return block
