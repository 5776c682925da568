"""Small pieces the claims and settlement tabs share: remembered column widths, a debounced search
field, the status filter of claims, shortcuts that belong to one tab.

Column widths follow the register's convention: the columns are fitted to their contents until the
clerk drags one; from then on that layout is kept (``QSettings``, per table) and restored next time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView, QWidget

from helpdesk_gui.core import codes
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.settings.common import fit_columns

DEBOUNCE_MS = 200


class Widths(QObject):
    """Fits a table's columns to their contents, or restores the widths the clerk chose before."""

    def __init__(self, ctx: AppContext, table: QTableView, key: str, *, air: int = 24) -> None:
        super().__init__(table)
        self.air = air
        self.ctx = ctx
        self.table = table
        self.key = f"mutual/{key}/header"
        self.kept = False      # the clerk's own widths are in force
        self._busy = False
        table.horizontalHeader().sectionResized.connect(self._resized)

    def fit(self) -> None:
        """After new rows: fit the columns, unless the clerk's own widths are kept."""
        header = self.table.horizontalHeader()
        self._busy = True
        try:
            if not self.kept:
                state = self.ctx.qsettings().value(self.key)
                if state is not None and header.restoreState(state):
                    self.kept = True
                else:
                    fit_columns(self.table, self.air)
        finally:
            self._busy = False

    def _resized(self, section: int, _old: int, _new: int) -> None:
        header = self.table.horizontalHeader()
        # our own fitting, and the stretched last column following the window, are not the clerk's choice
        if self._busy or section == header.count() - 1 or header.count() == 0:
            return
        self.kept = True
        self.ctx.qsettings().setValue(self.key, header.saveState())


def search_field(owner: QWidget, placeholder: str, run: Callable[[], None]) -> tuple[QLineEdit, QTimer]:
    """A search box that runs ``run`` 200 ms after the last key (Enter runs it at once)."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(DEBOUNCE_MS)
    timer.timeout.connect(run)
    edit.textChanged.connect(lambda _t: timer.start())
    edit.returnPressed.connect(run)
    return edit, timer


def status_combo(book: codes.CodeBook, all_label: str, chosen: str | None) -> QComboBox:
    box = QComboBox()
    box.addItem(all_label, None)
    for item in book.items("mutual_claim_status"):
        box.addItem(item.label, item.code)
    index = box.findData(chosen) if chosen is not None else 0
    box.setCurrentIndex(max(index, 0))
    return box


def shortcut(owner: QWidget, keys: str | QKeySequence | QKeySequence.StandardKey, run: Callable[[], object]) -> QShortcut:
    """A shortcut active while the focus is inside ``owner`` (the tabs of one page each have their own)."""
    sc = QShortcut(QKeySequence(keys), owner, lambda: run())
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return sc

