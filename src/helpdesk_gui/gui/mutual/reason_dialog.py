"""A step that needs a written reason (作废, 不予报销, 撤销批准, 核销, 退回), optionally with the date it
happened; OK runs the core function and a refusal stays inside the dialog."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, confirm


class ReasonDialog(FormDialog):
    """``run(reason, day)`` does the work (``day`` is None unless ``date_label`` asks for a date)."""

    def __init__(self, title: str, ok_text: str, about: str, run: Callable[[str, _dt.date | None], object],
                 parent: QWidget | None = None, *, reason_label: str = "原因", placeholder: str = "",
                 date_label: str | None = None, confirm_text: str | None = None) -> None:
        super().__init__(title, ok_text, parent)
        self.run = run
        self.confirm_text = confirm_text
        self.outcome: object = None
        text = QLabel(about)
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(placeholder)
        self.day = date_edit() if date_label else None
        self.form.addRow(text)
        self.form.addRow(reason_label, self.reason)
        if self.day is not None and date_label:
            self.form.addRow(date_label, self.day)
        self.fields = {reason_label: self.reason, "原因": self.reason, "作废原因": self.reason, "撤销原因": self.reason,
                       "核销原因": self.reason, "冲销原因": self.reason}
        self.reason.setFocus()

    def accept(self) -> None:
        """With a reason typed, ask once more (否 by default) before the step that cannot be undone."""
        if self.reason.text().strip() and self.confirm_text and not confirm(self, self.windowTitle(), self.confirm_text):
            return
        super().accept()

    def ask(self, reason: str | None = None) -> bool:
        """Show the dialog (``reason`` None) or take the given reason as if typed; True when the step was done."""
        if reason is None:
            return self.exec() == QDialog.DialogCode.Accepted
        self.reason.setText(reason)
        self.accept()
        return self.result() == QDialog.DialogCode.Accepted

    def submit(self) -> None:
        self.outcome = self.run(self.reason.text(), day_of(self.day) if self.day is not None else None)
