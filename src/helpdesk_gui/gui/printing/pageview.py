"""The pages of a print preview one under another, like paper on a grey desk.

Only the pages in (or next to) the view are rendered, a few at a time after the scrolling stops, and
only the last few are kept: 5,000 archives' 5,600 pages cost no more than one screenful. The view
paints itself (a scroll area over no child widgets), so page count and zoom set no size limit, and
pages may be added while the rest of the job is still being made.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from helpdesk_gui.gui.printing.pdfpages import PdfPages

GAP = 12
DESK = QColor("#8a8f96")
#: rendered pages kept (besides those in view)
KEEP = 8
#: pages above and below the view rendered ahead of the scrolling
AHEAD = 1


class PageView(QAbstractScrollArea):
    """Shows ``pages``; ``pages_added()`` after more were appended to it. ``rendered`` counts renders."""

    def __init__(self, pages: PdfPages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        self.zoom = 1.0
        self.placeholder = ""                # painted while there is no page yet
        self.rendered = 0
        self._tops: list[int] = []           # the y of each page (logical pixels, from the top of all pages)
        self._heights: list[int] = []
        self._widths: list[int] = []
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self.render_visible)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)

    # ---- geometry
    def points_to_pixels(self) -> float:
        """Logical pixels per point: at 100 % an A4 page is as wide as on paper on a 96-dpi screen."""
        return self.zoom * 96 / 72

    def pages_added(self) -> None:
        """Lay out the pages appended since the last call (those already laid out stay where they are)."""
        f = self.points_to_pixels()
        y = self._tops[-1] + self._heights[-1] + GAP if self._tops else GAP
        for w, h in self.pages.sizes[len(self._tops):]:
            self._tops.append(y)
            self._widths.append(int(w * f))
            self._heights.append(int(h * f))
            y += self._heights[-1] + GAP
        self._update_bars()
        self.viewport().update()
        self._timer.start()

    def set_zoom(self, zoom: float) -> None:
        """Zoom, keeping the page at the top of the view where it was."""
        if zoom == self.zoom:
            return
        anchor = self.current_page()
        offset = 0.0
        if self._tops:
            offset = (self.verticalScrollBar().value() - self._tops[anchor]) / max(self._heights[anchor], 1)
        self.zoom = zoom
        self._tops, self._heights, self._widths = [], [], []
        self._cache.clear()
        self.pages_added()
        if self._tops:
            self.verticalScrollBar().setValue(self._tops[anchor] + int(offset * self._heights[anchor]))

    def _update_bars(self) -> None:
        vp = self.viewport().size()
        height = self._tops[-1] + self._heights[-1] + GAP if self._tops else 0
        width = max(self._widths, default=0) + 2 * GAP
        v, h = self.verticalScrollBar(), self.horizontalScrollBar()
        v.setRange(0, max(0, height - vp.height()))
        v.setPageStep(vp.height())
        v.setSingleStep(40)
        h.setRange(0, max(0, width - vp.width()))
        h.setPageStep(vp.width())
        h.setSingleStep(40)

    def page_rect(self, index: int) -> QRect:
        """Page ``index`` in viewport coordinates."""
        width = max(self.viewport().width(), max(self._widths, default=0) + 2 * GAP)
        x = (width - self._widths[index]) // 2 - self.horizontalScrollBar().value()
        y = self._tops[index] - self.verticalScrollBar().value()
        return QRect(x, y, self._widths[index], self._heights[index])

    def visible(self, ahead: int = 0) -> range:
        """The pages in view, and ``ahead`` more above and below."""
        if not self._tops:
            return range(0)
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        first = max(bisect.bisect_right(self._tops, top) - 1, 0)
        last = max(bisect.bisect_left(self._tops, bottom) - 1, first)
        return range(max(first - ahead, 0), min(last + ahead + 1, len(self._tops)))

    def current_page(self) -> int:
        """The page at the top of the view (0-based)."""
        shown = self.visible()
        if not shown:
            return 0
        top = self.verticalScrollBar().value()
        i = shown.start
        return i + 1 if i + 1 < len(self._tops) and self._tops[i] + self._heights[i] < top + GAP else i

    def scroll_to_page(self, index: int) -> None:
        if 0 <= index < len(self._tops):
            self.verticalScrollBar().setValue(self._tops[index] - GAP)

    # ---- rendering
    def image(self, index: int) -> QImage | None:
        """Page ``index`` as rendered for the current zoom, if it is."""
        return self._cache.get(index)

    def render_visible(self) -> int:
        """Render the pages in view (then those next to it) not rendered yet; returns how many were."""
        ratio = self.devicePixelRatioF()
        scale = self.points_to_pixels() * ratio
        shown = self.visible(AHEAD)
        done = 0
        for i in sorted(shown, key=lambda i: abs(i - self.current_page())):
            if i in self._cache:
                self._cache.move_to_end(i)
                continue
            image = self.pages.image(i, scale)
            image.setDevicePixelRatio(ratio)
            self._cache[i] = image
            self.rendered += 1
            done += 1
        while len(self._cache) > len(shown) + KEEP:
            self._cache.popitem(last=False)
        if done:
            self.viewport().update()
        return done

    def _scrolled(self, _value: int) -> None:
        self.viewport().update()
        self._timer.start()

    # ---- Qt
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), DESK)
        if not self._tops:
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
        for i in self.visible():
            rect = self.page_rect(i)
            image = self._cache.get(i)
            if image is None:
                painter.fillRect(rect, Qt.GlobalColor.white)
                painter.setPen(QColor("#999"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("第 {n} 页").format(n=i + 1))
            else:
                painter.drawImage(rect, image)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_bars()
        self._timer.start()
