"""The 打印 page: every form in ``forms/`` (with the county's own copies), its inputs, and preview,
save as PDF or print. Rosters and the monthly report are printed from here; archive forms also
from the household editor and the register page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.worker import Task
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.printing.params import ParamsPanel
from helpdesk_gui.gui.printing.runner import PrintRunner, user_forms_dir
from helpdesk_gui.printing import template
from helpdesk_gui.printing.form import Form
from helpdesk_gui.printing.template import TemplateError


class PrintingPage(Page):
    """Listens to nothing: the forms are files, read again each time the page is shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.runner = PrintRunner(ctx, self)
        self.forms: list[Form | TemplateError] = []
        self.list = QListWidget()
        self.list.setFixedWidth(260)
        self.list.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.path_label = QLabel()
        self.path_label.setStyleSheet("color: #666;")
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.params = ParamsPanel(ctx)
        self.preview_button = QPushButton(self.tr("预览 (Ctrl+Enter)"))
        self.save_button = QPushButton(self.tr("另存为 PDF… (Ctrl+S)"))
        self.print_button = QPushButton(self.tr("打印… (Ctrl+P)"))
        self.preview_button.setDefault(True)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.save_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.description)
        right.addWidget(self.path_label)
        right.addSpacing(8)
        right.addWidget(self.params)
        right.addWidget(self.error)
        right.addLayout(buttons)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)

        self.list.currentRowChanged.connect(self._choose)
        self.list.itemActivated.connect(lambda _i: self.preview())
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button.clicked.connect(self.print)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.preview)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.preview)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print)
        self.setTabOrder(self.list, self.params)
        self.setTabOrder(self.params, self.preview_button)
        self.refresh()
        self.loaded_now()

    def refresh(self) -> None:
        """Read the templates again (a county may have edited one) and keep the current choice."""
        current = self.current_key()
        self.forms = template.list_forms(user_forms_dir(self.ctx))
        self.list.blockSignals(True)
        self.list.clear()
        for f in self.forms:
            if isinstance(f, TemplateError):
                item = QListWidgetItem(self.tr("✗ {name}（模板有误）").format(name=f.path.stem))
                item.setToolTip(str(f))
            else:
                item = QListWidgetItem(f.name)
                item.setToolTip(f.description)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [self._key(f) for f in self.forms]
        self.list.setCurrentRow(keys.index(current) if current in keys else 0)
        self._choose(self.list.currentRow())

    @staticmethod
    def _key(f: Form | TemplateError) -> str:
        return f.path.stem if isinstance(f, TemplateError) else f.key

    def current_key(self) -> str:
        row = self.list.currentRow()
        return self._key(self.forms[row]) if 0 <= row < len(self.forms) else ""

    def current_form(self) -> Form | None:
        row = self.list.currentRow()
        f = self.forms[row] if 0 <= row < len(self.forms) else None
        return f if isinstance(f, Form) else None

    def select(self, key: str) -> bool:
        keys = [self._key(f) for f in self.forms]
        if key not in keys:
            return False
        self.list.setCurrentRow(keys.index(key))
        return True

    def _choose(self, row: int) -> None:
        f = self.forms[row] if 0 <= row < len(self.forms) else None
        ok = isinstance(f, Form)
        for b in (self.preview_button, self.save_button, self.print_button):
            b.setEnabled(ok)
        self.params.setVisible(ok)
        if isinstance(f, TemplateError):
            self.title.setText(f.path.stem)
            self.description.setText("")
            self.path_label.setText(str(f.path))
            self.error.setText(str(f))
            self.params.set_form(None)
            return
        self.error.setText("")
        if f is None:
            self.title.setText(self.tr("没有表格模板"))
            self.description.setText("")
            self.path_label.setText("")
            return
        self.title.setText(f.name)
        self.description.setText(f.description)
        self.path_label.setText(self.tr("模板：{path}").format(path=f.path))
        self.params.set_form(f)

    # ---- actions
    def preview(self) -> Task | None:
        form = self.current_form()
        if form is None:
            return None
        task: Task | None = guarded(self, lambda: self.runner.preview(form.key, self.params.selection(),
                                                         reveal=self.params.wants_reveal()))
        return task

    def save(self, path: str | None = None) -> Task | None:
        form = self.current_form()
        if form is None:
            return None
        task: Task | None = guarded(self, lambda: self.runner.save(form.key, self.params.selection(),
                                                      reveal=self.params.wants_reveal(), path=path))
        return task

    def print(self) -> Task | None:
        form = self.current_form()
        if form is None:
            return None
        task: Task | None = guarded(self, lambda: self.runner.print(form.key, self.params.selection(),
                                                       reveal=self.params.wants_reveal()))
        return task
