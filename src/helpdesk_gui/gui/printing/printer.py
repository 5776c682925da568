"""Printing a PDF on a printer: QPrintDialog on the GUI thread, the pages painted off it.

Each page is rendered at the printer's resolution (at most 300 dpi) and painted onto the whole
sheet (``fullPage``: the PDF already has its margins). Qt allows painting on a ``QPrinter`` from
a worker thread; the window stays responsive and the job can be cancelled between pages.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.gui.kit.worker import Task, run_task
from helpdesk_gui.gui.printing.pdfpages import PdfPages

MAX_DPI = 300


def setup_printer(printer: QPrinter, pages: PdfPages, title: str) -> None:
    printer.setDocName(title)
    printer.setFullPage(True)
    w, h = pages.sizes[0] if len(pages) else (595.0, 842.0)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait)
    printer.setFromTo(0, 0)


def print_pages(printer: QPrinter, pages: PdfPages, progress: Callable[[int, int], None] | None = None) -> int:
    """Paint the chosen page range of ``pages`` onto ``printer``; returns the pages printed."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or last <= 0:
        first, last = 1, len(pages)
    last = min(last, len(pages))
    indices = list(range(first - 1, last))
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise HelpdeskError("无法开始打印：打印机不可用或输出文件无法写入。")
    try:
        for n, index in enumerate(indices):
            if n:
                printer.newPage()
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            image = pages.image(index, dpi / 72)
            painter.drawImage(QRectF(0, 0, paper.width(), paper.height()), image)
            if progress is not None:
                progress(n + 1, len(indices))
    finally:
        painter.end()
    return len(indices)


class PrintJob(QObject):
    """One print job running off the GUI thread (with the worker's progress dialog and cancel)."""

    task: Task  # from start()

    def __init__(self, parent: QWidget, printer: QPrinter, pages: PdfPages, title: str) -> None:
        super().__init__(parent)
        self.printer = printer
        self.pages = pages
        self.finished = False
        self.parent_widget = parent

    def _run(self, progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> int:
        return print_pages(self.printer, self.pages, progress)

    def _end(self, _result: object) -> None:
        self.finished = True

    def start(self) -> PrintJob:
        self.task = run_task(self.parent_widget, self.tr("正在打印…"), self._run, self._end, on_failed=self._end)
        return self

    @classmethod
    def ask(cls, parent: QWidget, pages: PdfPages, title: str) -> PrintJob | None:
        """The print dialog; on OK the job starts. None when the clerk cancels."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, pages, title)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(parent.tr("打印"))
        dialog.setMinMax(1, max(len(pages), 1))
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return cls(parent, printer, pages, title).start()
