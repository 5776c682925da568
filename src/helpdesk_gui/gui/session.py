"""Who is at the desk: one main window at a time over the one database (and the one instance lock).

切换用户 on a shared desk PC: the window signs its user off as closing it would (``MainWindow.switch_user``:
unsaved archives asked about, the logout audited), the session closes and deletes that window, and the login
dialog asks who is next; they get a window of their own, with their role's pages and nothing of the last
user's open archives, pages or filters. Cancelling that login ends the program (its button says 退出程序), as
closing the window would. The exit work — the exit backup, the write-ahead log folded into ``helpdesk.db`` —
is done once, by ``end`` at the real exit, never at a switch; ``app.py`` keeps the instance lock throughout.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QDialog
from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import backup
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded, show_error
from helpdesk_gui.gui.login import LoginDialog
from helpdesk_gui.gui.main_window import MainWindow

log = logging.getLogger(__name__)


class Session(QObject):
    #: a user logged in after 切换用户 and their window is shown
    user_switched = Signal(object)
    #: the login after 切换用户 was cancelled (or the next window could not be built): the program ends
    ended = Signal()

    def __init__(self, folder: Path, db: Database, *, readonly: bool = False) -> None:
        super().__init__()
        self.folder = folder
        self.db = db
        self.readonly = readonly
        self.window: MainWindow | None = None
        self.started = False            # somebody logged in: there is exit work to do
        self.exit_work = not readonly   # off after a restore: the connection is gone, the new file starts afresh

    def start(self, actor: Actor) -> MainWindow:
        """The window of a user who has just logged in."""
        if self.readonly:
            actor = auth.read_only(actor)
        window = MainWindow(AppContext(folder=self.folder, db=self.db, actor=actor, readonly=self.readonly))
        # queued: the signing-off window's own menu action has returned before the session deletes it
        window.signed_off.connect(self.switch_user, Qt.ConnectionType.QueuedConnection)
        window.database_replaced.connect(self._replaced)
        self.window = window
        self.started = True
        return window

    def _replaced(self) -> None:
        self.exit_work = False

    def switch_user(self) -> MainWindow | None:
        """After a window signed off: close and delete it, ask who logs in, show their window. None when the
        login is cancelled (``ended`` is emitted: the program ends as closing would)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        quit_on_close = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)   # the last window closes, the program goes on to the login
        left = self.window.ctx.actor.display_name if self.window is not None else ""
        try:
            self._drop_window()
            note = QCoreApplication.translate("Session", "{name} 已退出登录。请下一位用户登录；点“退出程序”则关闭程序。")
            login = LoginDialog(self.db, dbm.get_meta(self.db, "union_name"), note=note.format(name=left))
            login.setWindowTitle(QCoreApplication.translate("Session", "切换用户 — 帮扶中心工作台"))
            accepted = login.exec() == QDialog.DialogCode.Accepted and login.actor is not None
        finally:
            app.setQuitOnLastWindowClosed(quit_on_close)
        window: MainWindow | None = guarded(None, self.start, login.actor) if accepted else None
        if window is None:
            self.ended.emit()
            return None
        window.show()
        window.raise_()
        window.activateWindow()
        self.user_switched.emit(window)
        return window

    def _drop_window(self) -> None:
        """The signed-off window goes before anyone else logs in: work it started finishes under its user, and
        nothing it would still show (a late message, an idle lock) can reach the next user."""
        old, self.window = self.window, None
        if old is None:
            return
        old.close()
        QThreadPool.globalInstance().waitForDone(30_000)
        old.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def end(self) -> None:
        """The real exit, once the event loop and the worker threads are done: the exit backup, then the log
        folded into ``helpdesk.db`` so the file alone is complete, then the connection closed. Nothing after a
        restore (the connection is gone), in read-only mode (the data is another program's), or when nobody
        logged in."""
        if not (self.exit_work and self.started):
            return
        self.exit_work = False
        if dbm.on_server(self.db):   # backed up on the server; no file to fold the log into
            return
        try:
            backup.create(self.db, self.folder, "exit")
        except Exception as e:  # noqa: BLE001 - told as a dialog; the checkpoint still runs
            show_error(None, e, QCoreApplication.translate("Session", "退出时备份未完成"))
        try:
            if not dbm.checkpoint(self.db):
                log.warning("checkpoint at exit left the WAL: a reader was still open")
        except sqlite3.Error:
            log.warning("checkpoint at exit failed", exc_info=True)
        dbm.close(self.db)
