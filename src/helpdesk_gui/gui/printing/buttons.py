"""The 打印 buttons of the household editor and the register page: a menu of the archive forms,
for the open archive, the selected one, or the whole current list (one PDF, off the GUI thread).

The PDF machinery (reportlab, pdfium, the form sources) is imported the first time the menu opens or
something is printed, not when the register page or an editor is built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QWidget

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.worker import Task

if TYPE_CHECKING:
    from helpdesk_gui.gui.printing.runner import PrintRunner
    from helpdesk_gui.printing.form import Form
    from helpdesk_gui.printing.sources import Selection

#: above this many households a batch asks first (it makes one long PDF)
CONFIRM_BATCH = 200


def household_forms(ctx: AppContext) -> list[Form]:
    from helpdesk_gui.gui.printing.runner import user_forms_dir
    from helpdesk_gui.printing import template
    from helpdesk_gui.printing.form import Form
    return [f for f in template.list_forms(user_forms_dir(ctx))
            if isinstance(f, Form) and f.source.needs == "household"]


def publicity_forms(ctx: AppContext) -> list[Form]:
    from helpdesk_gui.gui.printing.runner import user_forms_dir
    from helpdesk_gui.printing import template
    from helpdesk_gui.printing.form import Form
    return [f for f in template.list_forms(user_forms_dir(ctx))
            if isinstance(f, Form) and f.source.needs == "publicity"]


def _households(ids: tuple[int, ...]) -> Selection:
    from helpdesk_gui.printing.sources import Selection
    return Selection(household_ids=ids)


class _LazyRunner:
    """``self.runner``: the PrintRunner, made the first time something is printed."""

    ctx: AppContext
    _runner_parent: QWidget
    _runner: PrintRunner | None = None

    @property
    def runner(self) -> PrintRunner:
        if self._runner is None:
            from helpdesk_gui.gui.printing.runner import PrintRunner
            self._runner = PrintRunner(self.ctx, self._runner_parent)
        return self._runner


class HouseholdPrintButton(_LazyRunner, QPushButton):
    """打印 in the household editor: the archive forms of this household (Ctrl+P opens the menu)."""

    def __init__(self, ctx: AppContext, editor: QWidget, household_id: Callable[[], int | None]) -> None:
        super().__init__(self.tr("打印 (Ctrl+P)"), editor)
        self.ctx = ctx
        self.editor = editor
        self.household_id = household_id
        self._runner_parent = editor
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill)
        self.setMenu(self.menu_)
        QShortcut(QKeySequence.StandardKey.Print, editor, self.showMenu)

    def _fill(self) -> None:
        self.menu_.clear()
        for f in household_forms(self.ctx):
            self.menu_.addAction(f.name, partial(self.print_form, f.key))

    def print_form(self, key: str, _checked: bool = False) -> Task | None:
        hid = self.household_id()
        if hid is None:
            QMessageBox.information(self, self.tr("打印"), self.tr("请先保存档案，再打印。"))
            return None
        if getattr(self.editor, "dirty", False):
            answer = QMessageBox.question(self, self.tr("有未保存的修改"),
                                          self.tr("打印的是已保存的内容。先保存修改再打印吗？"))
            if answer != QMessageBox.StandardButton.Yes:
                return None
            save = getattr(self.editor, "save", None)
            if save is not None and not save():
                return None
        task: Task | None = guarded(self, self.runner.preview, key, _households((hid,)))
        return task


class RegisterPrintButton(_LazyRunner, QPushButton):
    """打印 on the register page: the selected archive's forms, or the whole current list's."""

    def __init__(self, ctx: AppContext, page: QWidget, selected_id: Callable[[], int | None],
                 listed_ids: Callable[[], Sequence[int]]) -> None:
        super().__init__(self.tr("打印… (Ctrl+P)"), page)
        self.ctx = ctx
        self.selected_id = selected_id
        self.listed_ids = listed_ids
        self._runner_parent = page
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill)
        self.setMenu(self.menu_)
        QShortcut(QKeySequence.StandardKey.Print, page, self.showMenu)

    def _fill(self) -> None:
        self.menu_.clear()
        forms = household_forms(self.ctx)
        selected = self.selected_id()
        section = self.menu_.addSection(self.tr("选中的档案"))
        section.setEnabled(False)
        for f in forms:
            action = self.menu_.addAction(f.name, partial(self.print_selected, f.key))
            action.setEnabled(selected is not None)
        n = len(self.listed_ids())
        self.menu_.addSection(self.tr("当前列表（{n} 户，合成一个 PDF）").format(n=f"{n:,}"))
        for f in [*forms, *publicity_forms(self.ctx)]:
            action = self.menu_.addAction(self.tr("全部：{name}").format(name=f.name),
                                          partial(self.print_list, f.key))
            action.setEnabled(n > 0)

    def print_selected(self, key: str, _checked: bool = False) -> Task | None:
        hid = self.selected_id()
        if hid is None:
            return None
        task: Task | None = guarded(self, self.runner.preview, key, _households((hid,)))
        return task

    def print_list(self, key: str, _checked: bool = False, *, confirm: bool = True) -> Task | None:
        ids = tuple(self.listed_ids())
        if not ids:
            return None
        if confirm and len(ids) > CONFIRM_BATCH:
            answer = QMessageBox.question(
                self, self.tr("打印当前列表"),
                self.tr("将为当前列表的 {n} 户生成表格，合成一个 PDF，可能需要一些时间。继续吗？").format(n=f"{len(ids):,}"))
            if answer != QMessageBox.StandardButton.Yes:
                return None
        task: Task | None = guarded(self, self.runner.preview, key, _households(ids))
        return task
