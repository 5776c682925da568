"""The entries table: a lazy model over ``ledger_entries`` that holds ids in ledger order (date, then
id) and builds rows 256 at a time, with the running balance of the chosen fund (or of all funds).

Red-ink lines (红字冲销) show their amount negative, in red, in the column of the line they reverse;
a reversed line says so in the 状态 column. One million entries cost an ``array('q')`` of ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from sqlite_utils import Database

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import query as ledger_query
from helpdesk_gui.core.ledger.kinds import INFLOW_KINDS
from helpdesk_gui.gui.kit.fields import GREEN, RED
from helpdesk_gui.gui.kit.models import BlockModel, Index


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


class EntriesModel(BlockModel[dict[str, Any]]):
    columns = COLUMNS

    def __init__(self, db: Database, book: codes.CodeBook, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.book = book
        self.filter = ledger_query.EntryFilter()

    # ---- query
    def set_filter(self, f: ledger_query.EntryFilter) -> None:
        self.filter = f
        self.reload()

    def reload(self) -> None:
        self.load_ids(ledger_query.entry_ids(self.db, self.filter))

    def entry_id(self, row: int) -> int:
        return int(self.ids[row])

    def entry(self, row: int) -> dict[str, Any] | None:
        """The full row behind a table row (for the buttons)."""
        return self._row(row)

    # ---- Qt
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
    def _fetch_rows(self, ids: list[int]) -> list[dict[str, Any]]:
        found = ledger_query.rows_by_ids(self.db, ids)
        block = [found[i] for i in ids if i in found]
        balances = ledger_query.running_balances(self.db, self.filter.fund_id,
                                                 [(int(x["id"]), str(x["entry_date"])) for x in block])
        for x in block:
            x["balance"] = balances.get(int(x["id"]))
        return block
