"""Input fields every form shares: an amount in yuan (with its 人民币大写 below: ``MoneyEdit``; in a line:
``AmountEdit``), dates (a calendar field that cannot go past today: ``date_edit``; a typed one that can stay
masked: ``DateEdit``), a combo over a code list, yes/no, a fund chooser, a hint under a field; and, for any
field, the signal that says it changed and what (if anything) the field itself refuses in its value."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.base.money import format_yuan, parse_yuan, to_chinese_upper, yuan
from helpdesk_gui.core.base.privacy import MASKED_DATE, mask_birth_date

RED = "#b3261e"
GREEN = "#1d6b2f"


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


# ---------------------------------------------------------------------------------------- the editor's fields

class CodeCombo(QComboBox):
    """A combo over one code list; ``code()`` is the stored value (None when blank)."""

    def __init__(self, book: codes.CodeBook, list_name: str, *, blank: str | None = "（未填）",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if blank is not None:
            self.addItem(blank, None)
        for item in book.items(list_name):
            self.addItem(item.label, item.code)

    def code(self) -> str | None:
        data = self.currentData()
        return None if data is None else str(data)

    def set_code(self, code: Any) -> None:
        idx = self.findData(None if code in (None, "") else str(code))
        self.setCurrentIndex(max(idx, 0))


class YesNoCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("（未填）", None)
        self.addItem("是", 1)
        self.addItem("否", 0)

    def value(self) -> int | None:
        data = self.currentData()
        return None if data is None else int(data)

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(max(self.findData(None if value is None else int(value)), 0))


class AmountEdit(QLineEdit):
    """Yuan on screen, fen inside, blank for none (0), in a line of a form or a table (no 大写 below it:
    ``MoneyEdit``). ``fen()`` raises ValidationError naming ``field``."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setPlaceholderText("0.00")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def fen(self) -> int:
        text = self.text().strip()
        return 0 if not text else parse_yuan(text, self.field)

    def set_fen(self, fen: int | None) -> None:
        self.setText("" if not fen else format_yuan(int(fen)))


class DateEdit(QLineEdit):
    """A date typed as YYYY-MM-DD (also 1975.03.12 or 1975年3月12日). A birth date that would give away a
    masked ID number (its hidden middle) can be held masked: ``load_masked``, then ``unmask``."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaxLength(12)
        self._stored: str | None = None

    def load_masked(self, value: Any) -> None:
        self._stored = str(value)[:10] if value else None
        self.setReadOnly(self._stored is not None)
        self.setText(mask_birth_date(self._stored))

    def unmask(self, *, show: bool) -> None:
        """The ID number was revealed (``show``) or is being retyped (the date is cleared to be typed too)."""
        stored, self._stored = self._stored, None
        self.setReadOnly(False)
        if stored is not None:
            self.setText(stored if show else "")

    def iso(self) -> str | None:
        if self._stored is not None and self.text() == MASKED_DATE:
            return self._stored
        text = self.text().strip()
        if not text:
            return None
        for ch in ".年月/":
            text = text.replace(ch, "-")
        text = text.rstrip("日").strip("-")
        try:
            y, m, d = (int(p) for p in text.split("-"))
            return _dt.date(y, m, d).isoformat()
        except (ValueError, TypeError):
            raise ValidationError(self.field, "日期格式应为 YYYY-MM-DD", self.text()) from None

    def set_iso(self, value: Any) -> None:
        self.setText("" if not value else str(value)[:10])


def refill_choices(box: QComboBox, choices: list[tuple[str, str]], *, keep_first: int = 1) -> None:
    """Replace the items after the first ``keep_first`` (e.g. 全部县区) by ``choices`` (code, text), only when they
    differ; the chosen one stays chosen, and no change signal is sent for the refill."""
    have = [(box.itemData(i), box.itemText(i)) for i in range(keep_first, box.count())]
    if have == choices:
        return
    keep = box.currentData()
    box.blockSignals(True)
    while box.count() > keep_first:
        box.removeItem(keep_first)
    for code, text in choices:
        box.addItem(text, code)
    box.setCurrentIndex(max(box.findData(keep), 0) if keep else 0)
    box.blockSignals(False)


def fit_dialog(widget: QWidget) -> None:
    """Grow the dialog that holds ``widget`` (never shrink it) until its layout has the height it needs at its
    width: Qt sizes a window from its minimum size, which leaves out the lines of a wrapped label, so a label
    whose text grows after the dialog is shown would be cut off at the bottom."""
    window = widget.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or not window.isVisible() or layout is None:
        return
    layout.activate()
    if layout.hasHeightForWidth():
        need = window.heightForWidth(window.width())
        if need > window.height():
            window.resize(window.width(), need)


class WrapLabel(QLabel):
    """Text that wraps (the 上限 rule of an application, a notice) and is always shown whole: its dialog grows
    when the text needs more lines than the dialog has room for."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, style: str = "") -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if style:
            self.setStyleSheet(style)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.updateGeometry()
        fit_dialog(self)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Once laid out, as tall as the lines at its width (QLabel guesses a width, a form row takes that
        guess for the row's height and centres one line in the room of three)."""
        hint = super().sizeHint()
        if self.isVisible() and self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def hint_label() -> WrapLabel:
    """The red hint under a field (or a form): wraps, and its dialog grows to show it whole."""
    return WrapLabel(style="color: #b00020; font-size: 9pt;")


# ---------------------------------------------------------------------------------------- any field

def changed_signal(widget: QWidget) -> SignalInstance | None:
    """The signal a field emits when the clerk changes its value (None: not a field we know)."""
    if isinstance(widget, MoneyEdit):
        return widget.edit.textChanged
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged if widget.isEditable() else widget.currentIndexChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, QAbstractSpinBox):
        return widget.editingFinished
    return None


def field_problem(widget: QWidget) -> str:
    """What the field itself refuses in its present value ('' when it accepts it): an amount or a date that
    does not read, an empty text or an unchosen item. The rules of the core are checked again on OK."""
    try:
        if isinstance(widget, MoneyEdit | AmountEdit):
            widget.fen()
        elif isinstance(widget, DateEdit):
            widget.iso()
        elif isinstance(widget, QLineEdit):
            return "" if widget.text().strip() else "不能为空"
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            return "" if widget.toPlainText().strip() else "不能为空"
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                return "" if widget.currentText().strip() else "不能为空"
            # a combo whose blank first item (（请选择）) carries no data is unchosen there
            chosen = widget.currentIndex() >= 0 and (widget.currentData() is not None or all(
                widget.itemData(i) is None for i in range(widget.count())))
            return "" if chosen else "必须选择"
    except HelpdeskError as e:
        return e.reason if isinstance(e, ValidationError) else str(e)
    return ""
