"""Print preview (打印预览): the pages of a PDF as images in a scroll area, rendered as they come
into view, with zoom, print (Ctrl+P) and save as PDF (Ctrl+S)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.printing.pdfpages import PdfPages
from helpdesk_gui.gui.printing.printer import PrintJob

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
GAP = 12


class PreviewDialog(QDialog):
    """Shows ``pdf`` (a file this dialog then owns when ``temporary``) and offers print and save."""

    def __init__(self, ctx: AppContext, pdf: Path, title: str, parent: QWidget | None = None, *,
                 temporary: bool = True, suggested_name: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pdf = pdf
        self.temporary = temporary
        self.suggested_name = suggested_name or pdf.name
        self.pages = PdfPages(pdf)
        self.zoom = 1.0
        self.labels: list[QLabel] = []
        self.rendered: dict[int, float] = {}
        self.print_job: PrintJob | None = None
        self._closed = False
        self._shown = False
        self.setWindowTitle(self.tr("打印预览 — {title}").format(title=title))

        self.print_button = QPushButton(self.tr("打印… (Ctrl+P)"))
        self.save_button = QPushButton(self.tr("另存为 PDF… (Ctrl+S)"))
        self.zoom_out_button = QPushButton(self.tr("缩小 (Ctrl+-)"))
        self.zoom_in_button = QPushButton(self.tr("放大 (Ctrl++)"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.info = QLabel()
        bar = QHBoxLayout()
        for b in (self.print_button, self.save_button, self.zoom_out_button, self.zoom_in_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.info)
        bar.addWidget(self.close_button)

        self.canvas = QWidget()
        self.canvas.setStyleSheet("background: #8a8f96;")
        self.column = QVBoxLayout(self.canvas)
        self.column.setSpacing(GAP)
        self.column.setContentsMargins(GAP, GAP, GAP, GAP)
        self.column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        for _ in range(len(self.pages)):
            label = QLabel()
            label.setStyleSheet("background: white;")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.labels.append(label)
            self.column.addWidget(label)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll_area, 1)

        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(lambda: guarded(self, self.save_as))
        self.zoom_in_button.clicked.connect(lambda: self.set_zoom(+1))
        self.zoom_out_button.clicked.connect(lambda: self.set_zoom(-1))
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_pdf)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: guarded(self, self.save_as))
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.set_zoom(+1))
        QShortcut(QKeySequence("Ctrl+="), self, lambda: self.set_zoom(+1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.set_zoom(-1))
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(30)
        self._render_timer.timeout.connect(self.render_visible)
        self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _v: self._render_timer.start())
        self.resize(1000, 860)
        self._layout_pages()

    # ---- pages
    def scale(self) -> float:
        """Pixels per point: at 100 % an A4 page is as wide as it is on paper on a 96-dpi screen."""
        return self.zoom * 96 / 72 * self.devicePixelRatioF()

    def _layout_pages(self) -> None:
        ratio = self.devicePixelRatioF()
        for i, label in enumerate(self.labels):
            w, h = self.pages.sizes[i]
            label.setFixedSize(int(w * self.scale() / ratio), int(h * self.scale() / ratio))
        self.rendered.clear()
        n = len(self.pages)
        self.info.setText(self.tr("共 {n} 页　{zoom}%").format(n=f"{n:,}", zoom=int(self.zoom * 100)))
        self._render_timer.start()

    def render_visible(self) -> int:
        """Render the pages in (or near) the viewport; returns how many were rendered now."""
        top = self.scroll_area.verticalScrollBar().value()
        bottom = top + self.scroll_area.viewport().height()
        done = 0
        scale = self.scale()
        for i, label in enumerate(self.labels):
            y0 = label.y()
            y1 = y0 + label.height()
            if y1 < top - 400 or y0 > bottom + 400 or self.rendered.get(i) == scale:
                continue
            pixmap = QPixmap.fromImage(self.pages.image(i, scale))
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            label.setPixmap(pixmap)
            self.rendered[i] = scale
            done += 1
        return done

    def set_zoom(self, step: int) -> None:
        idx = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.zoom))
        idx = max(0, min(len(ZOOMS) - 1, idx + step))
        if ZOOMS[idx] != self.zoom:
            self.zoom = ZOOMS[idx]
            self._layout_pages()

    def fit_width(self) -> None:
        """Zoom so the widest page fits the window (never above 100 %)."""
        if not self.pages.sizes:
            return
        widest = max(w for w, _h in self.pages.sizes)
        avail = self.scroll_area.viewport().width() - 2 * GAP - 4
        fit = avail / (widest * 96 / 72)
        self.zoom = max(0.3, min(1.0, fit))
        self._layout_pages()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._shown:
            self._shown = True
            self.fit_width()
        self._render_timer.start()

    # ---- actions
    def save_as(self, path: str | None = None) -> Path | None:
        if path is None:
            default = str(Path.home() / self.suggested_name)
            path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为 PDF"), default, self.tr("PDF 文件 (*.pdf)"))
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        shutil.copyfile(self.pdf, target)
        self.info.setText(self.tr("已保存到 {path}").format(path=target))
        return target

    def print_pdf(self) -> PrintJob | None:
        self.print_job = PrintJob.ask(self, self.pages, self.windowTitle())
        return self.print_job

    def done(self, result: int) -> None:
        """Closing (button, Esc or the window's ×): wait for a running print job, then let the file go."""
        if self.print_job is not None and not self.print_job.finished:
            return
        if not self._closed:
            self._closed = True
            self.pages.close()
            if self.temporary:
                self.pdf.unlink(missing_ok=True)
        super().done(result)
