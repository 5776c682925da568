"""Register the bundled CJK fonts so Chinese renders on any machine (no system font needed)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from helpdesk_gui.core.base.paths import resource

log = logging.getLogger(__name__)

UI_FONT_FILE = "wqy-microhei.ttc"


def install(app: QApplication, point_size: int = 10) -> str:
    """Load the bundled fonts and make the Hei-style one the application font. Returns its family."""
    family = ""
    for name in (UI_FONT_FILE, "uming.ttc"):
        try:
            path = resource("resources", "fonts", name)
        except FileNotFoundError:
            log.warning("bundled font %s not found", name)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if name == UI_FONT_FILE and families:
            family = families[0]
    if family:
        font = QFont(family, point_size)
        app.setFont(font)
    return family
