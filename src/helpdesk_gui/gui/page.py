"""One page lifecycle: what every page of the main window is, and what the window does with it.

- ``load()`` — the window calls it each time the page becomes current, the first time included. By default it
  reads everything again through the page's ``refresh()``. A page whose constructor already read its data
  (so it also works on its own, outside the window) says so with ``loaded_now()``: the window's
  first ``load()`` then reads nothing twice. A page that loads on a worker thread overrides ``load()`` so that
  it never starts a second load while one runs, and says so in ``busy()``.
- ``open_item(item_id)`` — show one item of the page (a reception entry, a pair, an application, a held
  conflict, a mutual-aid claim): the home worklists ask for it through ``item_requested``.
- ``listens_to`` — the change events (``Events.NAMES`` in ``gui/context.py``) that alter what the page shows.
  A change marks the page stale. If the page is on screen it reloads once the writer is done (a burst of
  changes makes one reload); otherwise it reloads the next time it is shown, as it always does. The page that
  told of a change (``Events.tell``) has shown it itself and is not reloaded for it.
- requests to the window are the signals below. Every page has them and the window connects them all, so
  it needs to know nothing about a particular page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from helpdesk_gui.gui.kit.errors import guarded

if TYPE_CHECKING:
    from helpdesk_gui.gui.context import AppContext


class Page(QWidget):
    #: the change events that alter what the page shows (names of ``Events`` signals)
    listens_to: ClassVar[tuple[str, ...]] = ()

    #: open this archive in the editor (household id)
    household_requested = Signal(int)
    #: open the editor on a new archive
    new_household_requested = Signal()
    #: exit, cancel or reopen this archive (household id)
    life_requested = Signal(int)
    #: show an item on another page: (page key, item id), e.g. a worklist row that is not an archive
    item_requested = Signal(str, int)
    #: the database was replaced by a backup: the program must close (every page holds the old connection)
    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: what is shown may be out of date: a change the page listens to arrived since it last loaded
        self.stale = True
        #: the window's current page (set by the window); only a page on screen reloads at once on a change
        self.on_screen = False
        self._fresh = False            # loaded by the constructor and not shown since
        self._catch_up = QTimer(self)  # one reload after the writer is done, however many changes it told
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(0)
        self._catch_up.timeout.connect(self._reload_if_stale)
        for name in self.listens_to:
            ctx.events.signal(name).connect(self._heard)

    # ---- the lifecycle
    def load(self) -> None:
        """Bring the page up to date: called by the window each time the page becomes current (the first time
        too), and when a change it listens to arrives while it is current."""
        if self._fresh and not self.stale:
            self._fresh = False
            return
        self._fresh = False
        self.stale = False
        self.refresh()

    def refresh(self) -> None:
        """Read what the page shows from the database (the page's own work; ``load()`` calls it)."""

    def loaded_now(self) -> None:
        """For the end of a constructor that has read the page's data (so the page works on its own too):
        the window's first ``load()`` then reads nothing again."""
        self.stale = False
        self._fresh = True

    def busy(self) -> bool:
        """True while background work of the last load is still running (its figures are not all shown yet)."""
        return False

    def open_item(self, item_id: int) -> None:
        """Show one item of the page, e.g. a worklist row of the 工作台. Pages without items show themselves."""

    def save_state(self) -> None:
        """Remember the layout between runs (column widths …); called when the window closes."""

    # ---- changes
    def _heard(self, *_args: object) -> None:
        source = self.ctx.events.source
        if source is not None and self._holds(source):
            return  # this page wrote the change and shows it already
        self.stale = True
        if self.on_screen:
            self._catch_up.start()

    def _holds(self, source: QObject) -> bool:
        node: QObject | None = source
        while node is not None:
            if node is self:
                return True
            node = node.parent()
        return False

    def _reload_if_stale(self) -> None:
        if self.on_screen and self.stale:
            guarded(self, self.load)
