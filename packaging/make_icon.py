"""Draw the program icon once (QPainter → PNG, Pillow → ICO): ``python packaging/make_icon.py``.

The results live in ``resources/icons/`` and are committed; the build only reads them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw(size: int = 256) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    path = QPainterPath()
    path.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    p.fillPath(path, QColor("#b71c1c"))                       # union red
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(56 * s, 44 * s, 144 * s, 168 * s), 14 * s, 14 * s)  # a form sheet
    p.setBrush(QColor("#ef9a9a"))
    for i in range(4):
        p.drawRect(QRectF(76 * s, (78 + 26 * i) * s, 104 * s, 9 * s))
    p.setBrush(QColor("#fbc02d"))                               # a helping hand: a gold heart
    heart = QPainterPath()
    cx, cy, r = 170 * s, 178 * s, 30 * s
    heart.moveTo(cx, cy + r)
    heart.cubicTo(cx - 2.2 * r, cy - 0.2 * r, cx - 0.9 * r, cy - 1.5 * r, cx, cy - 0.55 * r)
    heart.cubicTo(cx + 0.9 * r, cy - 1.5 * r, cx + 2.2 * r, cy - 0.2 * r, cx, cy + r)
    p.drawPath(heart)
    p.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    png = ICONS / "helpdesk.png"
    if not draw(256).save(str(png)):
        print(f"cannot write {png}", file=sys.stderr)
        return 1
    try:
        from PIL import Image
    except ImportError:
        print(f"{png} (Pillow missing: no .ico)")
        return 0
    Image.open(png).save(ICONS / "helpdesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"{png} and {ICONS / 'helpdesk.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
