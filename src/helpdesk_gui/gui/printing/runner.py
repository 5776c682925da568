"""Making a form's PDF off the GUI thread, then previewing, saving or printing it.

The PDF of a preview or a print goes to ``<数据文件夹>/print-tmp`` (personal data stays beside the
database, not in the system temp folder) and is deleted when the preview closes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlite_utils import Database

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import Task, run_task, with_db
from helpdesk_gui.gui.printing.pdfpages import PdfPages
from helpdesk_gui.gui.printing.preview import PreviewDialog
from helpdesk_gui.gui.printing.printer import PrintJob
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.form import Form
from helpdesk_gui.printing.render import Printed
from helpdesk_gui.printing.sources import Selection

TMP_DIR = "print-tmp"
KEEP_SECONDS = 24 * 3600


def user_forms_dir(ctx: AppContext) -> Path:
    return ctx.folder / "forms"


def temp_pdf(ctx: AppContext, key: str) -> Path:
    folder = ctx.folder / TMP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.pdf"):  # left behind by a crash: do not keep personal data around
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:
            pass
    return folder / f"{key}-{uuid.uuid4().hex[:8]}.pdf"


def default_name(form: Form) -> str:
    return f"{form.name}_{time.strftime('%Y%m%d')}.pdf"


class PrintRunner(QObject):
    """Runs print jobs for one widget and keeps their preview dialogs alive until closed."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.dialogs: list[QWidget] = []
        self.last: Printed | None = None

    def form(self, key: str) -> Form:
        return template.find(key, user_forms_dir(self.ctx))

    def make(self, key: str, selection: Selection, out: Path, *, reveal: bool,
             then: Callable[[Printed], None]) -> Task:
        """Render into ``out`` on a worker thread; ``then(printed)`` on the GUI thread when done."""
        ctx = self.ctx
        user_dir = user_forms_dir(ctx)

        def job(db: Database, progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Printed:
            form = template.find(key, user_dir)
            return render.render(db, form, selection, out, actor=ctx.actor, reveal=reveal, progress=progress)

        def finished(result: object) -> None:
            if isinstance(result, Printed):
                self.last = result
                then(result)

        return run_task(self.widget, self.tr("正在生成表格…"), with_db(ctx, job), finished)

    def check(self, key: str, selection: Selection) -> Form:
        form = self.form(key)
        render.check_selection(form, selection)
        return form

    def preview(self, key: str, selection: Selection, *, reveal: bool = False) -> Task:
        form = self.check(key, selection)
        out = temp_pdf(self.ctx, key)
        return self.make(key, selection, out, reveal=reveal, then=lambda p: self._show(form, p))

    def _show(self, form: Form, printed: Printed) -> None:
        dialog = PreviewDialog(self.ctx, printed.path, form.name, self.widget, suggested_name=default_name(form))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda _o=None, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()

    def save(self, key: str, selection: Selection, *, reveal: bool = False, path: str | None = None) -> Task | None:
        form = self.check(key, selection)
        if path is None:
            default = str(Path.home() / default_name(form))
            path, _ = QFileDialog.getSaveFileName(self.widget, self.tr("另存为 PDF"), default,
                                                  self.tr("PDF 文件 (*.pdf)"))
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        def saved(p: Printed) -> None:
            QMessageBox.information(self.widget, self.tr("已保存"), self.tr("已生成 {n} 份、共 {pages} 页：\n{path}").format(
                n=f"{p.documents:,}", pages=f"{p.pages:,}", path=p.path))

        return self.make(key, selection, target, reveal=reveal, then=saved)

    def print(self, key: str, selection: Selection, *, reveal: bool = False) -> Task:
        form = self.check(key, selection)
        out = temp_pdf(self.ctx, key)

        def send(printed: Printed) -> None:
            pages = PdfPages(printed.path)
            try:
                job = PrintJob.ask(self.widget, pages, form.name)
            except HelpdeskError:
                pages.close()
                printed.path.unlink(missing_ok=True)
                raise
            if job is None:
                pages.close()
                printed.path.unlink(missing_ok=True)
                return

            def cleanup(_r: object) -> None:
                pages.close()
                printed.path.unlink(missing_ok=True)

            job.task.done.connect(cleanup)
            job.task.failed.connect(cleanup)

        return self.make(key, selection, out, reveal=reveal, then=send)
