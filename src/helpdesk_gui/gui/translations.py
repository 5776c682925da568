"""Qt's own texts in Simplified Chinese: the standard buttons (确定、取消、是、否、保存…), the file and print
dialogs. ``qtbase_zh_CN.qm`` ships with PySide6 (and the frozen build keeps it, ``packaging/helpdesk.spec``)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)
CATALOGUES = ("qtbase_zh_CN",)


def folders() -> list[Path]:
    """Where Qt's translations may be: Qt's own answer first, then beside the PySide6 package (a frozen build
    whose qt.conf points elsewhere)."""
    found = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    import PySide6
    found.append(Path(PySide6.__file__).parent / "Qt" / "translations")
    return found


def install(app: QCoreApplication) -> list[QTranslator]:
    """Load and install Qt's Chinese catalogues (once per application); returns the translators installed.
    A missing catalogue is logged, not raised: the program then shows Qt's English button texts."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] | None = getattr(app, "_helpdesk_qt_translators", None)
    if installed is not None:
        return installed
    installed = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        if any(translator.load(name, str(folder)) for folder in folders()):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, ", ".join(map(str, folders())))
    app._helpdesk_qt_translators = installed  # type: ignore[attr-defined]  # keeps them alive, once per app
    return installed
