"""Print preview (打印预览): the pages of a print job, rendered as they come into view, with zoom, print
(Ctrl+P) and save as PDF (Ctrl+S).

The dialog opens as the job starts and shows page 1 as soon as the first part of the PDF is written
(``printing.render.render_parts``); the rest arrives in parts while the clerk reads, with the page
count so far and 停止生成. Print and save need the whole job: they wait for it to be made.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.printing.pageview import GAP, PageView
from helpdesk_gui.gui.printing.pdfpages import PdfPages
from helpdesk_gui.gui.printing.printer import PrintJob

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


class PreviewDialog(QDialog):
    """The pages of ``parts`` (files this dialog then owns when ``temporary``), more added by ``add_part``
    while ``building``; ``stop`` is called when the clerk stops the job or closes the dialog before it ends."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None, *, parts: tuple[Path, ...] = (),
                 building: bool = False, temporary: bool = True, suggested_name: str = "",
                 stop: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = title
        self.temporary = temporary
        self.suggested_name = suggested_name or f"{title}.pdf"
        self.pages = PdfPages(*parts)
        self.building = building
        self.stopped = False                 # the job ended before its last page: nothing to print or save
        self.documents = 0                   # documents made so far / in all (the status line)
        self.total = 0
        self._stop = stop
        self.print_job: PrintJob | None = None
        self._closed = False
        self._shown = False
        self.setWindowTitle(self.tr("打印预览 — {title}").format(title=title))

        self.print_button = QPushButton(self.tr("打印… (Ctrl+P)"))
        self.save_button = QPushButton(self.tr("另存为 PDF… (Ctrl+S)"))
        self.zoom_out_button = QPushButton(self.tr("缩小 (Ctrl+-)"))
        self.zoom_in_button = QPushButton(self.tr("放大 (Ctrl++)"))
        self.stop_button = QPushButton(self.tr("停止生成"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.info = QLabel()
        bar = QHBoxLayout()
        for b in (self.print_button, self.save_button, self.zoom_out_button, self.zoom_in_button, self.stop_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.info)
        bar.addWidget(self.close_button)
        self.view = PageView(self.pages)
        self.view.placeholder = self.tr("正在生成第 1 页…")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        # lambdas: a button's clicked(bool) must not arrive as save_as's path
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.save_button.clicked.connect(lambda: guarded(self, self.save_as))
        self.zoom_in_button.clicked.connect(lambda: self.set_zoom(+1))
        self.zoom_out_button.clicked.connect(lambda: self.set_zoom(-1))
        self.stop_button.clicked.connect(lambda: self.stop())
        self.close_button.clicked.connect(lambda: self.close())
        QShortcut(QKeySequence.StandardKey.Print, self, lambda: self.print_pdf())
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: guarded(self, self.save_as))
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.set_zoom(+1))
        QShortcut(QKeySequence("Ctrl+="), self, lambda: self.set_zoom(+1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.set_zoom(-1))
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._update_info())
        self.resize(1000, 860)
        self.view.pages_added()
        self._update_state()

    @property
    def parts(self) -> list[Path]:
        return self.pages.paths

    # ---- the job
    def add_part(self, path: Path) -> None:
        """A part of the job was written: its pages join the preview (page 1 shows at once)."""
        self.pages.add(path)
        self.view.pages_added()
        self._update_info()

    def build_progressed(self, done: int, total: int) -> None:
        self.documents, self.total = done, total
        self._update_info()

    def build_finished(self) -> None:
        """The whole job is made: print and save may go."""
        self.building = False
        self._update_state()

    def build_interrupted(self) -> None:
        """The job stopped (cancelled or failed): the pages made so far stay to look at, not to print."""
        self.building = False
        self.stopped = True
        if not len(self.pages) and not self._closed:
            self.close()
            return
        self._update_state()

    def stop(self) -> None:
        if self.building and self._stop is not None:
            self.stop_button.setEnabled(False)
            self.info.setText(self.tr("正在停止…"))
            self._stop()

    def _update_state(self) -> None:
        ready = not self.building and not self.stopped and len(self.pages) > 0
        for b in (self.print_button, self.save_button):
            b.setEnabled(ready)
            b.setToolTip("" if ready else self.tr("表格生成完毕后才能打印或保存") if self.building
                         else self.tr("生成已停止，表格不完整；请关闭后重新预览"))
        self.stop_button.setVisible(self.building)
        self._update_info()

    def _update_info(self) -> None:
        n = len(self.pages)
        zoom = int(self.view.zoom * 100)
        if self.building:
            made = self.tr("正在生成…已生成 {n} 页").format(n=f"{n:,}")
            if self.total > 1:
                made += self.tr("（{done}/{total} 份）").format(done=f"{self.documents:,}", total=f"{self.total:,}")
            self.info.setText(made + f"　{zoom}%")
        elif self.stopped:
            self.info.setText(self.tr("已停止生成：只有前 {n} 页　{zoom}%").format(n=f"{n:,}", zoom=zoom))
        else:
            self.info.setText(self.tr("第 {page} 页，共 {n} 页　{zoom}%").format(
                page=f"{self.view.current_page() + 1:,}" if n else 0, n=f"{n:,}", zoom=zoom))

    # ---- zoom
    def set_zoom(self, step: int) -> None:
        idx = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.view.zoom))
        idx = max(0, min(len(ZOOMS) - 1, idx + step))
        self.view.set_zoom(ZOOMS[idx])
        self._update_info()

    def fit_width(self) -> None:
        """Zoom so an A4 page (or the widest page so far) fits the window (never above 100 %)."""
        widest = max((w for w, _h in self.pages.sizes), default=595.0)
        avail = self.view.viewport().width() - 2 * GAP - 4
        self.view.set_zoom(max(0.3, min(1.0, avail / (widest * 96 / 72))))
        self._update_info()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._shown:
            self._shown = True
            self.fit_width()
            self.view.setFocus()          # Page Up/Down and the arrow keys scroll the pages at once

    # ---- actions
    def save_as(self, path: str | None = None) -> Path | None:
        if not self.save_button.isEnabled():
            return None
        if path is None:
            chosen = files.save_file(self, self.tr("另存为 PDF"), self.suggested_name, self.tr("PDF 文件 (*.pdf)"))
            if chosen is None:
                return None
            path = str(chosen)
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.pages.save(target)    # the parts of a long job become one PDF
        finally:
            QApplication.restoreOverrideCursor()
        self.info.setText(self.tr("已保存到 {path}").format(path=target))
        return target

    def print_pdf(self) -> PrintJob | None:
        if not self.print_button.isEnabled():
            return None
        self.print_job = PrintJob.ask(self, self.pages, self.title)
        return self.print_job

    def done(self, result: int) -> None:
        """Closing (button, Esc or the window's ×): wait for a running print job, stop a job still being made,
        then let the files go."""
        if self.print_job is not None and not self.print_job.finished:
            return
        if not self._closed:
            self._closed = True
            if self.building and self._stop is not None:
                self._stop()
            self.pages.close()
            if self.temporary:
                for path in self.parts:
                    path.unlink(missing_ok=True)
        super().done(result)
