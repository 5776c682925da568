"""What every window and page is given: the data folder, the database, the user, the event hub.

There is no global main-window object; ``app.py`` builds one ``AppContext`` and passes it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes, paths


class Events(QObject):
    """Things that happened, so other pages can refresh (named as past events)."""

    household_saved = Signal(int)
    households_changed = Signal()
    settings_changed = Signal()


@dataclass
class AppContext:
    folder: Path
    db: Database
    actor: Actor
    events: Events = field(default_factory=Events)
    readonly: bool = False
    _codebook: codes.CodeBook | None = None

    @property
    def db_path(self) -> Path:
        return paths.db_path(self.folder)

    def codebook(self) -> codes.CodeBook:
        if self._codebook is None:
            self._codebook = codes.load(self.db)
        return self._codebook

    def worker_db(self) -> Database:
        """A separate connection for work on a worker thread (never share the GUI's)."""
        return dbm.open_db(self.db_path, readonly=self.readonly)

    @staticmethod
    def qsettings() -> QSettings:
        return QSettings("helpdesk", "helpdesk-gui")

    def county_code(self) -> str:
        return dbm.get_meta(self.db, "county_code")

    def union_name(self) -> str:
        return dbm.get_meta(self.db, "union_name")
