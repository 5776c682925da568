"""Long work off the GUI thread: a QRunnable with its own database connection, a progress dialog
that appears only after half a second, and cancel. The core sees plain callables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from helpdesk_gui.core.errors import HelpdeskError
from helpdesk_gui.gui.errors import show_error


class Cancelled(HelpdeskError):
    def __init__(self) -> None:
        super().__init__("已取消，没有写入任何数据。")


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any]) -> None:
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
    """One piece of long work. Keep a reference until ``done`` or ``failed`` fires.

    ``quiet=True``: no progress dialog (background loads the clerk need not wait for, e.g. the home page counts)."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget, title: str,
                 fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any], *, quiet: bool = False) -> None:
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


def wait(task: Task, timeout_ms: int = 60000) -> None:
    """Block (processing events) until a task ends: for tests and the screenshot mode."""
    from PySide6.QtCore import QEventLoop
    loop = QEventLoop()
    task.done.connect(loop.quit)
    task.failed.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not task.ended:
        loop.exec()
    # the worker thread may still be unwinding its run(): let it finish before the caller drops the task
    QThreadPool.globalInstance().waitForDone(timeout_ms)
