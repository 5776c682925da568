"""One dialog for the simple steps (入户调查, 经济状况核对, 异议, 退回, 撤回 …): a form built from a
field list; 确定 calls the core and shows its refusal in the dialog, which stays open until it works."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo, DateEdit, WrapLabel
from helpdesk_gui.gui.kit.forms import ErrorLine, form_layout


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"            # text | lines | date | money | code | choice | info
    list_name: str = ""           # code list, for kind "code"
    choices: tuple[tuple[str, str], ...] = ()   # (value, label), for kind "choice"
    default: Any = None
    placeholder: str = ""


class StepDialog(QDialog):
    """``submit(values)`` runs when 确定 is pressed; a ``HelpdeskError`` keeps the dialog open with the reason."""

    def __init__(self, title: str, fields: Sequence[Field], submit: Callable[[dict[str, Any]], object],
                 book: codes.CodeBook, parent: QWidget | None = None, *, intro: str = "", ok_text: str = "确定") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        self.result_value: object = None
        self.widgets: dict[str, QWidget] = {}
        self.fields = list(fields)
        form = form_layout()
        for f in self.fields:
            w = self._widget(f, book)
            self.widgets[f.key] = w
            form.addRow(self.tr(f.label), w)
        # the core names a field by its label (调查日期, 核对说明 …), the amount fields by theirs without （元）
        named = {f.label: self.widgets[f.key] for f in self.fields}
        named.update({f.label.split("（")[0]: self.widgets[f.key] for f in self.fields})
        self.error = ErrorLine(lambda: named)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr(ok_text))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.apply)
        self.setMinimumWidth(460)

    def _widget(self, f: Field, book: codes.CodeBook) -> QWidget:
        w: QWidget
        if f.kind == "lines":
            lines = QPlainTextEdit()
            lines.setTabChangesFocus(True)
            lines.setFixedHeight(80)
            if f.default:
                lines.setPlainText(str(f.default))
            if f.placeholder:
                lines.setPlaceholderText(f.placeholder)
            w = lines
        elif f.kind == "date":
            w = DateEdit(f.label)
            w.set_iso((f.default or _dt.date.today()).isoformat() if not isinstance(f.default, str) else f.default)
        elif f.kind == "money":
            w = AmountEdit(f.label)
            w.set_fen(f.default)
        elif f.kind == "code":
            w = CodeCombo(book, f.list_name, blank="（请选择）")
            w.set_code(f.default)
        elif f.kind == "choice":
            w = QComboBox()
            for value, label in f.choices:
                w.addItem(label, value)
            if f.default is not None:
                w.setCurrentIndex(max(w.findData(f.default), 0))
        elif f.kind == "info":
            w = WrapLabel(str(f.default or ""))
        else:
            w = QLineEdit("" if f.default is None else str(f.default))
            if f.placeholder:
                w.setPlaceholderText(f.placeholder)
        return w

    def set_value(self, key: str, value: Any) -> None:
        """Fill a field (as the user would): tests and callers use it."""
        w = self.widgets[key]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, DateEdit):
            w.set_iso(value.isoformat() if isinstance(value, _dt.date) else value)
        elif isinstance(w, AmountEdit):
            w.setText(str(value))
        elif isinstance(w, CodeCombo):
            w.set_code(value)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findData(value), 0))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.widgets[f.key]
            if isinstance(w, QPlainTextEdit):
                out[f.key] = w.toPlainText().strip()
            elif isinstance(w, DateEdit):
                iso = w.iso()
                out[f.key] = _dt.date.fromisoformat(iso) if iso else None
            elif isinstance(w, AmountEdit):
                out[f.key] = w.fen() if w.text().strip() else None
            elif isinstance(w, CodeCombo):
                out[f.key] = w.code()
            elif isinstance(w, QComboBox):
                out[f.key] = w.currentData()
            elif isinstance(w, QLineEdit):
                out[f.key] = w.text().strip()
        return out

    def apply(self) -> bool:
        try:
            self.result_value = self.submit(self.values())
        except HelpdeskError as e:
            widget = self.error.show_error(e)
            if widget is not None:
                widget.setFocus()
            return False
        self.accept()
        return True
