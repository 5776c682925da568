"""PDF pages as images for the preview and the printer (pypdfium2: PySide6-Essentials has no QtPdf).

One job may be several PDF files (the parts of a long preview, ``printing.render.render_parts``), read
as one run of pages; parts are added while the rest is still being made. PDFium is not thread-safe, so
every call into it holds one lock; the preview (GUI thread) and a print job (worker thread) may then
share the library safely.
"""

from __future__ import annotations

import bisect
import os
import shutil
import threading
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

_lock = threading.Lock()


class PdfPages:
    """Open PDFs read as one run of pages: their sizes (points) and pages rendered to ``QImage`` on demand."""

    def __init__(self, *paths: Path) -> None:
        self.paths: list[Path] = []
        self.sizes: list[tuple[float, float]] = []
        self._docs: list[pdfium.PdfDocument] = []
        self._starts: list[int] = []     # the first page (overall) of each file
        for path in paths:
            self.add(path)

    def add(self, path: Path) -> int:
        """Append the pages of ``path``; returns how many it has."""
        with _lock:
            doc = pdfium.PdfDocument(str(path))
            sizes = [doc.get_page_size(i) for i in range(len(doc))]
        self._starts.append(len(self.sizes))
        self._docs.append(doc)
        self.paths.append(path)
        self.sizes.extend(sizes)
        return len(sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, scale: float) -> QImage:
        """Page ``index`` (overall) at ``scale`` pixels per point, white background."""
        part = bisect.bisect_right(self._starts, index) - 1
        with _lock:
            page = self._docs[part][index - self._starts[part]]
            try:
                bitmap = page.render(scale=scale, rev_byteorder=True)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGB888).copy()
            finally:
                page.close()
        return image

    def save(self, target: Path) -> None:
        """Write every page into the one PDF ``target`` (written beside it, then renamed into place)."""
        tmp = target.with_name(target.name + ".part")
        try:
            with _lock:
                if len(self._docs) == 1:
                    shutil.copyfile(self.paths[0], tmp)
                else:
                    merged = pdfium.PdfDocument.new()
                    try:
                        for doc in self._docs:
                            merged.import_pages(doc)
                        merged.save(str(tmp))
                    finally:
                        merged.close()
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        with _lock:
            for doc in self._docs:
                doc.close()
            self._docs.clear()
