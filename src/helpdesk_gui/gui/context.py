"""What every window and page is given: the data folder, the database, the user, the event hub.

There is no global main-window object; ``app.py`` builds one ``AppContext`` and passes it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QObject, QSettings, Signal, SignalInstance
from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes, paths


class Events(QObject):
    """Changes written through the window, so the pages that show them reload (named as past events).

    Emit right after a successful write, with ``tell(source, name, …)`` from the widget that wrote (a page, a
    tab or a dialog): the page holding ``source`` has shown the change itself and is not reloaded for it. The
    pages declare what they listen to (``Page.listens_to`` in ``gui/page.py``); the 工作台 listens to all.
    """

    #: one archive written: the editor saved it, or it exited, was cancelled or reopened (its id)
    household_saved = Signal(int)
    #: many archives at once: a retention purge, a yearly review's decisions
    households_changed = Signal()
    #: an application filed, moved on by a workflow step, or decided (its id; 0 for several, e.g. a campaign)
    application_moved = Signal(int)
    #: the books changed: a voucher posted or reversed, a roster paid, a loan lent or repaid, a fund or a period
    #: edited, a mutual-aid contribution, advance or settlement posted
    payment_posted = Signal()
    #: an exchange batch or a station sheet imported, a held conflict resolved, a verification result handled
    batch_imported = Signal()
    #: a reception entry logged, or handled (a note, closed, passed on, linked to an archive; its id)
    reception_logged = Signal(int)
    #: a care visit, a pair, a cadre or a service case (维权、就业) written
    casework_changed = Signal()
    #: mutual-aid plans, members, claims or settlements written
    mutual_changed = Signal()
    #: settings: the centre, townships, standards, users, deadlines, caps and holidays, the exchange key
    settings_changed = Signal()

    NAMES: ClassVar[tuple[str, ...]] = (
        "household_saved", "households_changed", "application_moved", "payment_posted", "batch_imported",
        "reception_logged", "casework_changed", "mutual_changed", "settings_changed")

    def __init__(self) -> None:
        super().__init__()
        #: the widget whose change is being told (None: nobody in particular, every listener reloads)
        self.source: QObject | None = None

    def signal(self, name: str) -> SignalInstance:
        if name not in self.NAMES:
            raise KeyError(f"no event {name!r}")
        instance: SignalInstance = getattr(self, name)
        return instance

    def tell(self, source: QObject | None, name: str, *args: int) -> None:
        """Report a change written by ``source`` (every listener but the page holding ``source`` reloads)."""
        previous, self.source = self.source, source
        try:
            self.signal(name).emit(*args)
        finally:
            self.source = previous


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
        db: Database = dbm.reopen(self.db)   # the same engine, read-only when the window is
        return db

    @staticmethod
    def qsettings() -> QSettings:
        return QSettings("helpdesk", "helpdesk-gui")

    def county_code(self) -> str:
        return dbm.get_meta(self.db, "county_code")

    def union_name(self) -> str:
        return dbm.get_meta(self.db, "union_name")
