"""Forms and small layout pieces: the form layout every form uses (labels never squeezed), a label that wraps
and grows its dialog, the red line of refusals under a form (a field's message goes once it is corrected), a
form dialog that shows a refusal inside it, a Yes/No question, a hint, a row of buttons, the list-over-detail
layout. (The wrapping label itself, ``WrapLabel``, is in ``kit.fields`` beside the hint under a field.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

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
from helpdesk_gui.gui.kit.fields import WrapLabel, changed_signal, field_problem

ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #555555;"
#: between a form's labels and its fields, whatever layout the form sits in
LABEL_GAP = 10


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    """The layout of every form: each label as wide as its text with a gap before its field.

    A QFormLayout nested in a grid with unequal spacings inherits a spacing of -1 and draws its fields over
    the end of the longest label (the editor's 户口所在地区划, 零就业家庭); here the gap is set. A row whose field
    cannot get its minimum width beside the labels puts its field under the label instead of squeezing either."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setHorizontalSpacing(LABEL_GAP)
    form.setVerticalSpacing(6)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


class ErrorLine(WrapLabel):
    """The red line under a form that says what was refused. A message about a field (a ``ValidationError``
    naming one of ``fields()``) goes away as soon as that field is changed to a value it accepts: the
    field's own check in ``checks()`` (a core function that raises, e.g. the phone-number rule, which may
    accept an empty field), or else what the field itself refuses (``kit.fields.field_problem``: not an
    amount, not a date, empty). A changed value that is still refused replaces the message with why. Other
    refusals (a rule of the core across fields) stay until the next try; the core checks all again on OK."""

    def __init__(self, fields: Callable[[], Mapping[str, QWidget]], parent: QWidget | None = None, *,
                 checks: Callable[[], Mapping[str, Callable[[], object]]] = dict) -> None:
        super().__init__("", parent, style=ERROR_STYLE)
        self.setObjectName("error")
        self.hide()
        self._fields = fields
        self._checks = checks
        self._messages: list[tuple[str | None, str]] = []   # (field or None, message), in the order shown
        self._watched: set[int] = set()

    def show_error(self, e: HelpdeskError) -> QWidget | None:
        """Show the refusal; returns the widget of the first field it names (for the cursor), if any."""
        errors: list[HelpdeskError] = list(e.errors) if isinstance(e, ValidationErrors) and e.errors else [e]
        fields = self._fields()
        self._messages = []
        first: QWidget | None = None
        for err in errors:
            name = err.field if isinstance(err, ValidationError) and err.field in fields else None
            self._messages.append((name, str(err)))
            if name is not None:
                widget = fields[name]
                first = first or widget
                self._watch(name, widget)
        self._show()
        return first

    def clear_errors(self) -> None:
        self._messages = []
        self._show()

    def _watch(self, name: str, widget: QWidget) -> None:
        if id(widget) in self._watched:
            return
        signal = changed_signal(widget)
        if signal is not None:
            self._watched.add(id(widget))
            signal.connect(lambda *_a, w=widget: self._field_changed(w))

    def _field_changed(self, widget: QWidget) -> None:
        fields = self._fields()
        names = {n for n, w in fields.items() if w is widget}
        if not any(n in names for n, _m in self._messages):
            return
        check = next((c for n, c in self._checks().items() if n in names), None)
        problem = field_problem(widget) if check is None else ""
        if check is not None:
            try:
                check()
            except ValidationError as e:
                problem = e.reason
            except HelpdeskError as e:
                problem = str(e)
        kept: list[tuple[str | None, str]] = []
        for name, message in self._messages:
            if name in names:
                if problem:   # still refused by the field itself: say why, once
                    kept.append((name, f"{name}：{problem}"))
                    problem = ""
                continue
            kept.append((name, message))
        self._messages = kept
        self._show()

    def _show(self) -> None:
        self.setVisible(bool(self._messages))
        self.setText("；".join(m for _n, m in self._messages))   # once visible: its dialog makes room for it


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
        self.form = form_layout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        #: error field name (as the core names it) -> the widget to put the cursor in
        self.fields: dict[str, QWidget] = {}
        #: error field name -> the core's check of that field alone (raises), run as the field is corrected
        self.checks: dict[str, Callable[[], object]] = {}
        self.error_label = ErrorLine(lambda: self.fields, checks=lambda: self.checks)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
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
            widget = self.error_label.show_error(e)
            if widget is not None:
                widget.setFocus()
            return
        except Exception as e:  # noqa: BLE001 - never let an error reach the event loop
            show_error(self, e)
            return
        super().accept()
