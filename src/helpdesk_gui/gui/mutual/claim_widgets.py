"""Small pieces the claims and settlement tabs share: a debounced search field, the status filter of
claims, shortcuts that belong to one tab. (Remembered column widths: ``kit.tables.ColumnWidths``.)"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from helpdesk_gui.core.base import codes

DEBOUNCE_MS = 200


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

