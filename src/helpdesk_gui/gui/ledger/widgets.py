"""Small pieces the ledger screens share: a money field that shows 人民币大写 as you type, a date
field that cannot go past today, a fund chooser, amount formatting."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QVBoxLayout, QWidget

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import format_yuan, parse_yuan, to_chinese_upper

RED = "#b3261e"
GREEN = "#1d6b2f"


def yuan(fen: int | None, *, blank_zero: bool = False) -> str:
    if fen is None or (blank_zero and not fen):
        return ""
    return format_yuan(int(fen), grouping=True)


def date_edit(day: _dt.date | None = None, *, not_after_today: bool = True) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    d = day or _dt.date.today()
    edit.setDate(QDate(d.year, d.month, d.day))
    if not_after_today:
        t = _dt.date.today()
        edit.setMaximumDate(QDate(t.year, t.month, t.day))
    return edit


def day_of(edit: QDateEdit) -> _dt.date:
    q = edit.date()
    return _dt.date(q.year(), q.month(), q.day())


def set_day(edit: QDateEdit, day: _dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


class MoneyEdit(QWidget):
    """An amount in yuan; below it the amount in 人民币大写 (or why it is not an amount)."""

    def __init__(self, field: str = "金额", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("元，如 1200 或 1,200.50"))
        self.upper = QLabel()
        self.upper.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.upper)
        self.edit.textChanged.connect(self._show_upper)
        self.setFocusProxy(self.edit)

    def _show_upper(self, text: str) -> None:
        if not text.strip():
            self.upper.setText("")
            return
        try:
            fen = parse_yuan(text, self.field)
        except HelpdeskError as e:
            self.upper.setText(f"<span style='color:{RED}'>{e}</span>")
            return
        self.upper.setText(self.tr("人民币{upper}").format(upper=to_chinese_upper(fen)))

    def fen(self) -> int:
        """The amount in fen; raises the core's ValidationError (naming the field) when it is not one."""
        return parse_yuan(self.edit.text(), self.field)

    def set_fen(self, fen: int) -> None:
        self.edit.setText(format_yuan(fen))


def fund_combo(funds: list[dict[str, Any]], *, all_label: str | None = None, active_only: bool = True,
               with_balance: bool = True) -> QComboBox:
    box = QComboBox()
    if all_label is not None:
        box.addItem(all_label, None)
    for f in funds:
        if active_only and not f["active"]:
            continue
        text = f["name"] + (f"（余额 {yuan(f['balance_fen'])} 元）" if with_balance else "")
        box.addItem(text, int(f["id"]))
    return box
