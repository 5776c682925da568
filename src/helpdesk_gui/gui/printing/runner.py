"""Making a form's PDF off the GUI thread, then previewing, saving or printing it.

The PDF of a preview or a print goes to ``<数据文件夹>/print-tmp`` (personal data stays beside the
database, not in the system temp folder) and is deleted when the preview closes. A preview opens at
once and is made in parts (``render.render_parts``): page 1 shows while the rest is being made.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlite_utils import Database

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.worker import Cancelled, Task, run_task, with_db
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


def temp_stem(ctx: AppContext, key: str) -> Path:
    """A new name in the print-tmp folder (without ``.pdf``), after clearing what a crash left behind."""
    folder = ctx.folder / TMP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in [*folder.glob("*.pdf"), *folder.glob("*.part")]:  # do not keep personal data around
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:
            pass
    return folder / f"{key}-{uuid.uuid4().hex[:8]}"


def temp_pdf(ctx: AppContext, key: str) -> Path:
    return temp_stem(ctx, key).with_suffix(".pdf")


def default_name(form: Form) -> str:
    return f"{form.name}_{time.strftime('%Y%m%d')}.pdf"


def seldom(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Callable[[int, int], None]:
    """``progress`` ten times a second and at the end, not once per archive: each report wakes the GUI thread,
    and 5,000 of them slowed a 5,000-archive job by a quarter. A stop is still noticed at every archive."""
    told = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - told[0] >= 0.1 or done == total:
            told[0] = now
            progress(done, total)        # raises Cancelled once the clerk has stopped the job
        elif cancelled():
            raise Cancelled()

    return report


class _PreviewJob(QObject):
    """Brings a preview job's parts and progress to its dialog on the GUI thread. A part written after the
    dialog closed (the stop reaches the job between documents) is deleted at once."""

    part_written = Signal(str)       # emitted on the worker thread

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.dialog: PreviewDialog | None = None
        self.task: Task | None = None
        self.part_written.connect(self._part)

    def watch(self, dialog: PreviewDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._closed)

    def _part(self, path: str) -> None:
        if self.dialog is None:
            Path(path).unlink(missing_ok=True)
        else:
            self.dialog.add_part(Path(path))

    def _closed(self, _result: int) -> None:
        self.dialog = None

    def progressed(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.build_progressed(done, total)

    def stop(self) -> None:
        if self.task is not None and shiboken6.isValid(self.task) and not self.task.ended:
            self.task.job.cancel_event.set()

    def ended(self, result: object) -> None:
        if self.dialog is not None:
            if isinstance(result, Printed):
                self.dialog.build_finished()
            else:
                self.dialog.build_interrupted()
        self.deleteLater()


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

        def job(db: Database, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Printed:
            form = template.find(key, user_dir)
            return render.render(db, form, selection, out, actor=ctx.actor, reveal=reveal,
                                 progress=seldom(progress, cancelled))

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
        """Open the preview at once and make the job in parts behind it (the task; the dialog shows progress
        and offers 停止生成, so the task shows no progress dialog of its own)."""
        form = self.check(key, selection)
        stem = temp_stem(self.ctx, key)
        ctx = self.ctx
        user_dir = user_forms_dir(ctx)
        relay = _PreviewJob(self)
        dialog = PreviewDialog(ctx, form.name, self.widget, building=True, suggested_name=default_name(form),
                               stop=relay.stop)
        relay.watch(dialog)

        def job(db: Database, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Printed:
            return render.render_parts(db, template.find(key, user_dir), selection, stem, actor=ctx.actor,
                                       reveal=reveal, progress=seldom(progress, cancelled),
                                       on_part=lambda path, _pages: relay.part_written.emit(str(path)))

        def finished(result: object) -> None:
            if isinstance(result, Printed):
                self.last = result
            relay.ended(result)

        task = run_task(self.widget, self.tr("正在生成表格…"), with_db(ctx, job), finished, on_failed=relay.ended,
                        quiet=True)
        relay.task = task
        task.job.signals.progressed.connect(relay.progressed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda _o=None, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
        return task

    def save(self, key: str, selection: Selection, *, reveal: bool = False, path: str | None = None) -> Task | None:
        form = self.check(key, selection)
        if path is None:
            chosen = files.save_file(self.widget, self.tr("另存为 PDF"), default_name(form), self.tr("PDF 文件 (*.pdf)"))
            if chosen is None:
                return None
            path = str(chosen)
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
