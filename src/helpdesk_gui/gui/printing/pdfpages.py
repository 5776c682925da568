"""PDF pages as images for the preview and the printer (pypdfium2: PySide6-Essentials has no QtPdf).

PDFium is not thread-safe, so every call into it holds one lock; the preview (GUI thread) and a
print job (worker thread) may then share the library safely.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

_lock = threading.Lock()


class PdfPages:
    """An open PDF: its page sizes (points) and pages rendered to ``QImage`` on demand."""

    def __init__(self, path: Path) -> None:
        with _lock:
            self._doc = pdfium.PdfDocument(str(path))
            self.sizes = [self._doc.get_page_size(i) for i in range(len(self._doc))]

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, scale: float) -> QImage:
        """Page ``index`` at ``scale`` pixels per point, white background."""
        with _lock:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=scale, rev_byteorder=True)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGB888).copy()
            finally:
                page.close()
        return image

    def close(self) -> None:
        with _lock:
            self._doc.close()
