"""The home page (工作台): the clerk's worklists with counts, and the archives on each list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.reports import worklists
from helpdesk_gui.gui.context import AppContext, Events
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.worker import run_task, with_db
from helpdesk_gui.gui.page import Page

ARCHIVE_HEADERS = ("档案编号", "姓名", "乡镇（街道）", "状态", "最后修改")
ALERT_CARD = ("QPushButton { text-align: left; padding: 8px 14px; font-size: 11pt; color: #9b1c1c; font-weight: bold;"
              " background: #fbe4e4; border: 1px solid #d98c8c; }"
              "QPushButton:checked { background: #f6c9c9; border: 1px solid #9b1c1c; }")


class HomePage(Page):
    """The counts run over the whole register (about half a second at 100,000 households), so they and the
    first list are loaded on a worker thread: the window is usable at once, the cards say 计算中… until then.
    Every change told anywhere may move a count: the page listens to them all."""

    listens_to = Events.NAMES
    loaded = Signal()                   # the counts (and the current list) are on screen

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.current = worklists.WORKLISTS[0].key
        self.counts: dict[str, int] | None = None   # None until the first load arrives
        self._loading = False
        self._again = False
        self.greeting = QLabel()
        self.greeting.setStyleSheet("font-size: 15pt; font-weight: bold;")
        grid = QGridLayout()
        self.cards: dict[str, QPushButton] = {}
        for i, w in enumerate(worklists.WORKLISTS):
            card = QPushButton()
            card.setCheckable(True)
            card.setAutoExclusive(True)
            card.setMinimumHeight(70)
            card.setToolTip(w.hint)
            card.setStyleSheet("QPushButton { text-align: left; padding: 8px 14px; font-size: 11pt; }"
                               "QPushButton:checked { background: #dbe9fb; border: 1px solid #5b8fd6; }")
            card.clicked.connect(lambda _c=False, key=w.key: self.show_list(key))
            grid.addWidget(card, i // 4, i % 4)
            self.cards[w.key] = card
            self._card_style = card.styleSheet()
        self.list_title = QLabel()
        self.list_title.setStyleSheet("font-weight: bold;")
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #555;")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("档案编号"), self.tr("姓名"), self.tr("乡镇（街道）"),
                                              self.tr("状态"), self.tr("最后修改")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((150, 100, 120, 80)):
            self.table.setColumnWidth(i, width)
        self.table.itemActivated.connect(self._open)
        self.table.doubleClicked.connect(lambda idx: self._open(self.table.item(idx.row(), 0)))
        head = QHBoxLayout()
        head.addWidget(self.list_title)
        head.addWidget(self.hint, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addLayout(grid)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        self.greeting.setText(self.tr("{user}，您好。以下是需要办理的事项：").format(user=self.ctx.actor.display_name))
        for w in worklists.WORKLISTS:
            self.cards[w.key].setText(f"{w.title}\n" + self.tr("计算中…"))
        self._title(self.current)

    def load(self) -> None:
        """Count again, unless a count is running: then one more round follows it only if a change arrived
        after it began (the worklists are not counted twice at once)."""
        if self._loading:
            self._again = self._again or self.stale
            self.stale = False
            return
        super().load()

    def busy(self) -> bool:
        return self._loading

    def refresh(self) -> None:
        """Count every worklist and load the current one on a worker thread; the cards fill in when done."""
        if self._loading:
            self._again = True  # one more round once this one is in: a save may have changed the counts
            return
        ctx, key = self.ctx, self.current
        self._loading = True
        run_task(self, self.tr("正在统计待办事项…"),
                 with_db(ctx, lambda db, _p, _c: (worklists.counts(db), worklists.items(db, key))),
                 lambda result: self._on_loaded(key, result), on_failed=lambda _e: self._on_failed(), quiet=True)

    def _on_loaded(self, key: str, result: tuple[dict[str, int], list[dict[str, Any]]]) -> None:
        self._loading = False
        counts, items = result
        self.counts = counts
        for w in worklists.WORKLISTS:
            self.cards[w.key].setText(f"{w.title}\n{counts.get(w.key, 0):,} {w.unit}")
            if w.alert:  # overdue items stand out in red while there are any
                self.cards[w.key].setStyleSheet(ALERT_CARD if counts.get(w.key, 0) else self._card_style)
        if key == self.current:
            self._fill(key, items)
        else:  # the clerk picked another list meanwhile
            self.show_list(self.current)
        self.loaded.emit()
        self._next_round()

    def _on_failed(self) -> None:  # the error was shown by the task
        self._loading = False
        if self.counts is None:
            for w in worklists.WORKLISTS:
                self.cards[w.key].setText(f"{w.title}\n—")
        self._next_round()

    def _next_round(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _title(self, key: str) -> worklists.Worklist:
        self.current = key
        self.cards[key].setChecked(True)
        w = next(w for w in worklists.WORKLISTS if w.key == key)
        self.list_title.setText(w.title)
        self.hint.setText("  " + w.hint + self.tr("（最多显示 200 条，双击打开）"))
        return w

    def show_list(self, key: str) -> None:
        self._title(key)
        items = guarded(self, worklists.items, self.ctx.db, key) or []
        self._fill(key, items)

    def _fill(self, key: str, items: list[dict[str, Any]]) -> None:
        w = self._title(key)
        book = self.ctx.codebook()
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in (w.headers or ARCHIVE_HEADERS)])
        self.table.setRowCount(len(items))
        for r, it in enumerate(items):
            values = [it["archive_no"], it["name"], it["township"], book.label("status", it["status"]),
                      str(it["updated_at"])[:10]]
            for c, v in enumerate(values):
                cell = QTableWidgetItem(str(v or ""))
                if c == 0:
                    cell.setData(Qt.ItemDataRole.UserRole, it["id"])
                if w.alert:
                    cell.setForeground(QColor("#9b1c1c"))
                    cell.setBackground(QColor("#fbe4e4"))
                self.table.setItem(r, c, cell)

    def _open(self, item: QTableWidgetItem | None) -> None:
        if item is None:
            return
        first = self.table.item(item.row(), 0)
        hid = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        opens = next((w.opens for w in worklists.WORKLISTS if w.key == self.current), "household")
        if hid is not None and opens != "household":
            self.item_requested.emit(opens, int(hid))
        elif hid is not None:
            self.household_requested.emit(int(hid))
