"""Forms and small layout pieces: a form dialog that shows a refusal inside it, a Yes/No question, a hint,
a row of buttons, the list-over-detail layout."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError, ValidationErrors
from helpdesk_gui.gui.kit.errors import show_error

ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #555555;"


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask before something that cannot be undone from this screen; 否 is the default."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def row_of_buttons(*widgets: QWidget, stretch_first: bool = False, right: Sequence[QWidget] = ()) -> QHBoxLayout:
    """``widgets`` side by side, the spare width after them (before them: ``stretch_first``), then ``right``."""
    layout = QHBoxLayout()
    if stretch_first:
        layout.addStretch(1)
    for w in widgets:
        layout.addWidget(w)
    if not stretch_first:
        layout.addStretch(1)
    for w in right:
        layout.addWidget(w)
    return layout


def master_detail(master: QWidget, heading: QWidget, detail: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """The list-over-detail layout: ``master`` on top and, below it, ``heading`` (a label, a chooser) over
    ``detail``, in a vertical splitter the clerk can drag (``sizes``: the two parts' first heights)."""
    lower = QWidget()
    layout = QVBoxLayout(lower)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(heading)
    layout.addWidget(detail, 1)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(master)
    split.addWidget(lower)
    split.setSizes(list(sizes))
    return split


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class FormDialog(QDialog):
    """A small form whose OK button runs ``submit``; a refusal is shown inside the dialog.

    ``submit`` does the real work through the core. A ``HelpdeskError`` (bad input, a rule)
    keeps the dialog open with the Chinese message under the form and the cursor in the field
    named by the error; anything unexpected goes to ``show_error``.
    """

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        #: error field name (as the core names it) -> the widget to put the cursor in
        self.fields: dict[str, QWidget] = {}
        self.setMinimumWidth(460)

    def submit(self) -> None:
        raise NotImplementedError

    def error_text(self) -> str:
        """The refusal currently shown under the form ('' when none)."""
        return self.error_label.text()

    def accept(self) -> None:
        try:
            self.submit()
        except HelpdeskError as e:
            self.error_label.setText(str(e))
            self.error_label.show()
            first = e.errors[0] if isinstance(e, ValidationErrors) and e.errors else e
            widget = self.fields.get(first.field) if isinstance(first, ValidationError) else None
            if widget is not None:
                widget.setFocus()
            return
        except Exception as e:  # noqa: BLE001 - never let an error reach the event loop
            show_error(self, e)
            return
        super().accept()
