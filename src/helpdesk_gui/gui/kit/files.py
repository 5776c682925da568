"""The one way the window asks for a file or a folder: the dialog starts in the folder the clerk used last
(any file dialog of the program), or in the user's documents folder the first time, never in the program's
working directory; a chosen file's folder is remembered for next time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from helpdesk_gui.gui.context import AppContext

_KEY = "files/last_folder"


def start_folder() -> Path:
    """The last folder used, if it still exists, else the documents folder (the home folder if there is none)."""
    last = AppContext.qsettings().value(_KEY)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember(folder: Path) -> None:
    AppContext.qsettings().setValue(_KEY, str(folder))


def save_file(parent: QWidget | None, caption: str, default_name: str, file_filter: str) -> Path | None:
    """Where to save; ``default_name`` is suggested in the start folder. None when the clerk cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, str(start_folder() / default_name), file_filter)
    return _chosen(path)


def open_file(parent: QWidget | None, caption: str, file_filter: str) -> Path | None:
    """Which file to read. None when the clerk cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, str(start_folder()), file_filter)
    return _chosen(path)


def choose_folder(parent: QWidget | None, caption: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, caption, str(start_folder()))
    if not folder:
        return None
    remember(Path(folder))
    return Path(folder)


def _chosen(path: str) -> Path | None:
    if not path:
        return None
    remember(Path(path).parent)
    return Path(path)
