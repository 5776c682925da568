"""GUI tests never block on a modal message box: they are recorded and answered."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread():
    """As the program does (gui/app.py GuiThreadCollector): no automatic garbage collection during a GUI
    test, so a worker thread never collects (and so deletes) an earlier test's windows; collect here after."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """Records every message box as (kind, title, text); questions answer Discard or Yes."""
    shown: list[tuple[str, str, str]] = []

    def record(kind):
        def box(_parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            if kind != "question":
                return QMessageBox.StandardButton.Ok
            buttons = args[0] if args else kwargs.get("buttons", QMessageBox.StandardButton.Yes)
            if buttons & QMessageBox.StandardButton.Discard:
                return QMessageBox.StandardButton.Discard
            return QMessageBox.StandardButton.Yes
        return box

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return shown


@pytest.fixture
def own_settings(monkeypatch, tmp_path):
    """Window settings (column widths …) go to a file of the test, not the user's settings."""
    from PySide6.QtCore import QSettings

    from helpdesk_gui.gui.context import AppContext
    monkeypatch.setattr(AppContext, "qsettings", staticmethod(
        lambda: QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)))
