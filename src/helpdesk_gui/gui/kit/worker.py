"""Long work off the GUI thread: a QRunnable with its own database connection, a progress dialog
that appears only after half a second, and cancel. The core sees plain callables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import show_error

if TYPE_CHECKING:
    from sqlite_utils import Database

    from helpdesk_gui.gui.context import AppContext

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
#: the work a Task runs on a worker thread: ``fn(progress, cancelled) -> result``
Work = Callable[[Progress, IsCancelled], Any]
R = TypeVar("R")


class Cancelled(HelpdeskError):
    def __init__(self) -> None:
        super().__init__("已取消，没有写入任何数据。")


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Work) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.cancel_event = threading.Event()

    def _progress(self, done: int, total: int) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        self.signals.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel_event.is_set)
        except BaseException as e:  # noqa: BLE001 - reported on the GUI thread
            self.signals.failed.emit(e)
        else:
            self.signals.finished.emit(result)


class Task(QObject):
    """One piece of long work. Its page (the Qt parent) keeps it alive; ``run_task`` also deletes it when it
    ends. Started by hand, keep a reference until ``done`` or ``failed`` fires.

    ``quiet=True``: no progress dialog (background loads the clerk need not wait for, e.g. the home page counts)."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget, title: str, fn: Work, *, quiet: bool = False) -> None:
        super().__init__(parent)
        self.quiet = quiet
        self.parent_widget = parent
        self.job = _Job(fn)
        self.job.setAutoDelete(False)
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(500)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.job.cancel_event.set)
        self.dialog.reset()
        self.job.signals.progressed.connect(self._on_progress)
        self.job.signals.finished.connect(self._on_finished)
        self.job.signals.failed.connect(self._on_failed)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self.dialog.show)
        self.ended = False

    def start(self) -> Task:
        if not self.quiet:
            self._show_timer.start(500)
        QThreadPool.globalInstance().start(self.job)
        return self

    def _on_progress(self, done: int, total: int) -> None:
        if self.quiet:     # QProgressDialog.setValue would show the dialog itself once it takes > 0.5 s
            return
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    def _close(self) -> None:
        self.ended = True
        self._show_timer.stop()
        self.dialog.close()

    def _on_finished(self, result: object) -> None:
        self._close()
        self.done.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._close()
        if not isinstance(error, Cancelled):
            show_error(self.parent_widget, error)
        self.failed.emit(error)

    def dispose(self, _result: object = None) -> None:
        """Delete the task and its progress dialog on this (the GUI) thread once the event loop is back."""
        self.dialog.deleteLater()
        self.deleteLater()


def run_task(parent: QWidget, title: str, fn: Work, on_done: Callable[[Any], object] | None = None, *,
             on_failed: Callable[[BaseException], object] | None = None, quiet: bool = False) -> Task:
    """Start ``fn`` off the GUI thread with the progress dialog (none when ``quiet``); ``on_done(result)`` or
    ``on_failed(error)`` run on the GUI thread (the error has been shown already, unless cancelled).

    The caller need not keep the task: its page (the Qt parent) does. When it ends it is deleted on the GUI
    thread, so no page <-> task cycle is left to Python's garbage collector (which may run on a worker thread)."""
    task = Task(parent, title, fn, quiet=quiet)
    if on_done is not None:
        task.done.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    task.done.connect(task.dispose)
    task.failed.connect(task.dispose)
    return task.start()


def with_db(ctx: AppContext, fn: Callable[[Database, Progress, IsCancelled], R]) -> Callable[[Progress, IsCancelled], R]:
    """Work that runs ``fn(db, progress, cancelled)`` over the worker thread's own connection, closed after."""
    def job(progress: Progress, cancelled: IsCancelled) -> R:
        db = ctx.worker_db()
        try:
            return fn(db, progress, cancelled)
        finally:
            dbm.close(db)
    return job


def save_in_background(parent: QWidget, ctx: AppContext, write: Callable[[Database, Path, Progress], R], *,
                       caption: str, default_name: str, box_title: str, saved: Callable[[R, Path], str],
                       path: str | None = None, title: str | None = None, file_filter: str | None = None) -> Task | None:
    """Ask where to save (``caption``, suggesting ``default_name`` in the home folder) unless ``path`` is given,
    then run ``write(db, target, progress)`` off the GUI thread and tell the clerk ``saved(result, target)`` in a
    box titled ``box_title``. None when the clerk cancels the file dialog. The texts come translated."""
    if path is None:
        file_filter = file_filter or QCoreApplication.translate("worker", "Excel 工作簿 (*.xlsx)")
        chosen = files.save_file(parent, caption, default_name, file_filter)
        if chosen is None:
            return None
        path = str(chosen)
    target = Path(path)
    return run_task(parent, title or QCoreApplication.translate("worker", "正在导出…"),
                    with_db(ctx, lambda db, progress, _cancelled: write(db, target, progress)),
                    lambda result: QMessageBox.information(parent, box_title, saved(result, target)))


def wait(task: Task, timeout_ms: int = 60000) -> None:
    """Block (processing events) until a task ends: for tests and the screenshot mode."""
    from PySide6.QtCore import QEventLoop
    if shiboken6.isValid(task) and not task.ended:  # run_task deletes a task soon after it ends
        loop = QEventLoop()
        task.done.connect(loop.quit)
        task.failed.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
    # the worker thread may still be unwinding its run(): let it finish before the caller drops the task
    QThreadPool.globalInstance().waitForDone(timeout_ms)
