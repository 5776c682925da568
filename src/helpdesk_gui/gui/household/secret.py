"""A line edit for personal numbers (PIPL): a stored value is shown masked and read-only until the user
chooses 更改… (cleared, to type a new value) or the editor reveals it through the audited reveal path; and how
the live check of an ID number is shown under it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from helpdesk_gui.core.register.lookup import IdCheck

PROBLEM_STYLE = "color: #b00020; font-size: 9pt;"
WARNING_STYLE = "color: #b36b00; font-size: 9pt;"


class SecretEdit(QLineEdit):
    """``value()`` is the stored number while the mask is shown, else what is typed."""

    masked_changed = Signal(bool)

    def __init__(self, mask: Callable[[str | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mask = mask
        self._stored: str | None = None
        self._shown = ""
        self.change_action = QAction(self.tr("更改…"), self)
        self.change_action.setToolTip(self.tr("清空此栏，输入新的号码（原号码不显示）"))
        self.change_action.triggered.connect(self.change)

    # ---- loading
    def load(self, value: str | None, *, masked: bool, can_change: bool = True) -> None:
        """Show ``value`` (masked when asked and not empty; an empty field stays open for typing)."""
        self.change_action.setEnabled(can_change)
        if masked and value:
            self._stored = value
            self._shown = self._mask(value)
            self.setReadOnly(True)
            self.setText(self._shown)
            self.setToolTip(self.tr("已隐藏部分号码。点“更改…”输入新号码；不更改则保存时保留原号码。"))
            self.masked_changed.emit(True)
        else:
            self._forget()
            self.setText(value or "")

    def _forget(self) -> None:
        was = self._stored is not None
        self._stored = None
        self._shown = ""
        self.setReadOnly(False)
        self.setToolTip("")
        if was:
            self.masked_changed.emit(False)

    # ---- state
    def is_masked(self) -> bool:
        return self._stored is not None and self.text() == self._shown

    def value(self) -> str:
        """The number to validate and save: the stored one while masked, else the typed text."""
        if self._stored is not None and self.text() == self._shown:
            return self._stored
        return self.text()

    # ---- actions
    def change(self) -> None:
        """更改…: forget the stored number on screen and let the user type a new one."""
        if not self.change_action.isEnabled():
            return
        self.clear()          # first: whoever hears masked_changed sees an empty field (a retype, not a reveal)
        self._forget()
        self.setFocus()

    def reveal(self) -> None:
        """Show the full stored number, editable as usual (call only after an audited reveal)."""
        if self._stored is None:
            return
        full = self._stored if self.is_masked() else self.text()
        self._forget()
        self.setText(full)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        if self.is_masked():
            actions = menu.actions()
            if actions:
                menu.insertAction(actions[0], self.change_action)
                menu.insertSeparator(actions[0])
            else:
                menu.addAction(self.change_action)
        menu.exec(event.globalPos())
        menu.deleteLater()


def with_change_button(edit: SecretEdit) -> QWidget:
    """The edit with a small 更改… button beside it, shown only while the field is masked."""
    box = QWidget()
    button = QToolButton(box)
    button.setDefaultAction(edit.change_action)
    button.setVisible(False)
    edit.masked_changed.connect(button.setVisible)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    box.setFocusProxy(edit)
    return box


def show_id_check(hint: QLabel, check: IdCheck, where: str = "") -> None:
    """The result of ``lookup.check_id_number`` under the field: why it would be refused in red, what to check
    by eye in amber, nothing when the number is fine. ``where`` names the member (``第 2 位家庭成员“李四”的``)."""
    text = check.problem or "；".join(check.warnings)
    hint.setStyleSheet(PROBLEM_STYLE if check.problem else WARNING_STYLE)
    hint.setText(f"{where}公民身份号码：{text}" if where and text else text)
