"""The main window: navigation, pages, status bar, the user menu, idle lock. Kept small: pages live in their modules.

One window is one user's session: 切换用户 (``switch_user``) ends it as closing would and ``signed_off`` lets
``gui/session.py`` ask who is next; the exit backup and the rest of a real exit are the session's, not the window's.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import settings as core_settings
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.page import Page

if TYPE_CHECKING:
    from helpdesk_gui.gui.household.editor import HouseholdEditor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    """A page of the window. ``factory`` is ``"package.module:Class"`` (the module is imported the first time
    the page is shown, so the window starts without loading every feature) or a callable ``factory(ctx)``.
    Either makes a ``Page`` (``gui/page.py``)."""

    key: str
    title: str
    permission: str
    factory: str | Callable[[AppContext], Page]

    def build(self, ctx: AppContext) -> Page:
        if callable(self.factory):
            page = self.factory(ctx)
        else:
            module, _, name = self.factory.partition(":")
            page = getattr(importlib.import_module(module), name)(ctx)
        if not isinstance(page, Page):
            raise TypeError(f"page {self.key} is not a Page")
        return page


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "工作台", "register.view", "helpdesk_gui.gui.home:HomePage"),
    PageSpec("register", "档案管理", "register.view", "helpdesk_gui.gui.register.page:RegisterPage"),
    PageSpec("applications", "帮扶申请", "register.view", "helpdesk_gui.gui.applications.page:ApplicationsPage"),
    PageSpec("reception", "接待登记", "register.view", "helpdesk_gui.gui.reception.page:ReceptionPage"),
    PageSpec("visits", "走访与结对", "register.view", "helpdesk_gui.gui.reception.visits_page:VisitsPage"),
    PageSpec("services", "维权与就业", "register.view", "helpdesk_gui.gui.reception.services_page:ServicesPage"),
    PageSpec("ledger", "资金台账", "ledger.view", "helpdesk_gui.gui.ledger.page:LedgerPage"),
    PageSpec("mutual", "医疗互助", "mutual.view", "helpdesk_gui.gui.mutual.page:MutualPage"),
    PageSpec("reports", "统计报表", "reports.view", "helpdesk_gui.gui.stats.page:ReportsPage"),
    PageSpec("printing", "打印", "register.view", "helpdesk_gui.gui.printing.page:PrintingPage"),
    PageSpec("exchange", "数据交换", "exchange.export", "helpdesk_gui.gui.exchange.page:ExchangePage"),
    PageSpec("audit", "审计日志", "audit.view", "helpdesk_gui.gui.audit.page:AuditPage"),
    PageSpec("backup", "数据备份", "backup.manage", "helpdesk_gui.gui.backup.page:BackupPage"),
    PageSpec("settings", "系统设置", "settings.edit", "helpdesk_gui.gui.settings.page:SettingsPage"),
)

class _Pages(Mapping[str, Page]):
    """The pages the user may open, each built the first time it is needed (a quick start)."""

    def __init__(self, order: list[str], build: Callable[[str], Page]) -> None:
        self.order = order
        self.built: dict[str, Page] = {}
        self._build = build

    def __getitem__(self, key: str) -> Page:
        if key not in self.order:
            raise KeyError(key)
        if key not in self.built:
            self.built[key] = self._build(key)
        return self.built[key]

    def __contains__(self, key: object) -> bool:
        # Mapping's default looks the key up, which would build the page: only ask whether it may be opened
        return key in self.order

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


class MainWindow(QMainWindow):
    #: 切换用户 went through: the open archives are closed, the logout is in the audit (the window is still shown)
    signed_off = Signal()
    #: a restore replaced the database file: this connection is gone, the program quits without its exit work
    database_replaced = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        #: signed off (切换用户, or closing): the window has nothing left to do but go
        self.session_over = False
        self._database_gone = False  # a restore closed the connection
        self.editors: dict[int, HouseholdEditor] = {}
        self._new_editors: set[HouseholdEditor] = set()   # new archives, not saved yet (no id to key them by)
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 10px 8px; }")
        self.stack = QStackedWidget()
        allowed = [spec for spec in PAGES if ctx.actor.can(spec.permission)]
        self._specs = {spec.key: spec for spec in allowed}
        self.pages = _Pages([spec.key for spec in allowed], self._build_page)
        for spec in allowed:
            self.nav.addItem(self.tr(spec.title))
        self.nav.currentRowChanged.connect(self._show_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        # pages scroll instead of forcing a wide window: small office screens (1024 × 768) still fit
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.stack)
        layout.addWidget(scroller, 1)
        self.setCentralWidget(central)

        self.user_label = QLabel()
        self.county_label = QLabel()
        self.size_label = QLabel()
        self.password_button = QPushButton(self.tr("修改密码"))
        self.password_button.setFlat(True)
        self.password_button.clicked.connect(self.change_password)
        self.password_button.setEnabled(not ctx.readonly)
        for w in (self.user_label, self.county_label, self.size_label, self.password_button):
            self.statusBar().addPermanentWidget(w)
        self._build_menu()
        before = guarded(self, auth.previous_login, ctx.db, ctx.actor)
        if before:
            self.statusBar().showMessage(self.tr("上次登录：{t}").format(t=local_time(before)), 15000)
        self.update_status()
        ctx.events.settings_changed.connect(self.update_status)   # the union's name, the county code
        self._size_timer = QTimer(self)
        self._size_timer.setInterval(60_000)
        self._size_timer.timeout.connect(self.update_status)
        self._size_timer.start()

        for key, shortcut in (("home", "Ctrl+1"), ("register", "Ctrl+2"), ("settings", "Ctrl+9"), ("printing", "Ctrl+7"),
                              ("reception", "Ctrl+5"), ("reports", "Ctrl+8"), ("ledger", "Ctrl+6"),
                              ("applications", "Ctrl+3"), ("exchange", "Ctrl+4"), ("mutual", "Ctrl+0")):
            if key in self.pages:
                act = QAction(self)
                act.setShortcut(QKeySequence(shortcut))
                act.triggered.connect(lambda _c=False, k=key: self.show_page(k))
                self.addAction(act)

        minutes = int(core_settings.get(ctx.db, "lock_minutes") or 0)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(max(minutes, 1) * 60_000)
        self.idle_timer.timeout.connect(self.lock)
        if minutes > 0:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self.idle_timer.start()
        self.locked = False
        self._restore_geometry()
        self.show_page("home")

    # ---- pages (the lifecycle is in gui/page.py)
    def _build_page(self, key: str) -> Page:
        page = self._specs[key].build(self.ctx)
        self.stack.addWidget(page)
        page.household_requested.connect(self.open_household)
        page.new_household_requested.connect(self.new_household)
        page.life_requested.connect(self.archive_life)
        page.item_requested.connect(self.open_worklist_item)
        page.restored.connect(self._after_restore)
        return page

    def show_page(self, key: str) -> bool:
        if key not in self.pages:
            return False
        self.nav.setCurrentRow(self.pages.order.index(key))
        return True

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page: Page | None = guarded(self, self.pages.__getitem__, self.pages.order[row])
        if page is None:
            return
        for other in self.pages.built.values():
            other.on_screen = other is page
        self.stack.setCurrentWidget(page)
        guarded(self, page.load)

    def open_worklist_item(self, page_key: str, item_id: int) -> None:
        """A worklist row that is not an archive: show it on its page (a reception entry, a pair …)."""
        if self.show_page(page_key):
            guarded(self, self.pages[page_key].open_item, item_id)

    def current_page_key(self) -> str:
        page = self.stack.currentWidget()
        return next((k for k, p in self.pages.built.items() if p is page), "")

    # ---- households
    def open_household(self, household_id: int | None) -> HouseholdEditor | None:
        if household_id is not None and household_id in self.editors:
            existing = self.editors[household_id]
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        from helpdesk_gui.gui.household.editor import HouseholdEditor
        editor: HouseholdEditor | None = guarded(self, HouseholdEditor, self.ctx, household_id, self)
        if editor is None:
            return None
        editor.closed.connect(lambda hid, e=editor: self._editor_gone(hid, e))
        editor.saved.connect(lambda hid, e=editor: self._editor_saved(hid, e))
        if household_id is not None:
            self.editors[household_id] = editor
        else:
            self._new_editors.add(editor)
        editor.show()
        return editor

    def _editor_saved(self, household_id: int, editor: HouseholdEditor) -> None:
        self.editors.setdefault(household_id, editor)
        self._new_editors.discard(editor)

    def _editor_gone(self, household_id: int, editor: HouseholdEditor) -> None:
        self.editors.pop(household_id, None)
        self._new_editors.discard(editor)

    def new_household(self) -> HouseholdEditor | None:
        return self.open_household(None)

    def open_editors(self) -> list[HouseholdEditor]:
        """Every archive open in an editor, new ones not saved yet included."""
        return [*self.editors.values(), *self._new_editors]

    def archive_life(self, household_id: int) -> None:
        from helpdesk_gui.gui.household.life import ArchiveLifeDialog
        dialog = guarded(self, ArchiveLifeDialog, self.ctx, household_id, self)
        if dialog is not None:
            dialog.exec()  # the dialog tells of the change

    def change_password(self) -> bool:
        from helpdesk_gui.gui.password import PasswordDialog
        dialog = PasswordDialog(self.ctx, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # ---- the user menu
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("用户(&U)"))
        password = menu.addAction(self.tr("修改密码…"))
        password.setEnabled(not self.ctx.readonly)
        password.triggered.connect(lambda: self.change_password())
        #: Ctrl+Shift+L: L as in the lock screen; nothing else uses it (Ctrl+0…9 are the pages)
        self.switch_action = menu.addAction(self.tr("切换用户…"))
        self.switch_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_action.setStatusTip(self.tr("退出当前用户的登录，换另一位用户登录（程序不关闭）"))
        self.switch_action.triggered.connect(lambda: self.switch_user())
        menu.addSeparator()
        leave = menu.addAction(self.tr("退出程序"))
        leave.setShortcut(QKeySequence("Ctrl+Q"))
        leave.triggered.connect(self.close)

    def switch_user(self) -> bool:
        """切换用户 on a shared desk: as closing would, each open archive closes (asking first about unsaved
        changes), the pages and the window's place are remembered and the logout goes in the audit; then
        ``signed_off``. False, and nothing changed, if the user kept an archive open."""
        if self.session_over or not self._sign_off():
            return False
        self.signed_off.emit()
        return True

    def _sign_off(self) -> bool:
        """What closing and 切换用户 share. False if an editor with unsaved changes was kept open."""
        for editor in self.open_editors():
            if not editor.close():
                return False
        for page in self.pages.built.values():
            guarded(self, page.save_state)
        s = self.ctx.qsettings()
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        self.session_over = True
        self.idle_timer.stop()
        self._size_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if not (self._database_gone or self.ctx.readonly):
            try:
                auth.logout(self.ctx.db, self.ctx.actor)
            except Exception:  # noqa: BLE001 - bookkeeping: never keeps a user from leaving, logged instead
                log.warning("logout not recorded", exc_info=True)
        return True

    # ---- status bar
    def update_status(self) -> None:
        from helpdesk_gui.core.access.auth import ROLE_LABELS
        roles = "、".join(ROLE_LABELS.get(r, r) for r in sorted(self.ctx.actor.roles))
        ro = self.tr("（只读）") if self.ctx.readonly else ""
        self.setWindowTitle(self.tr("帮扶中心工作台 — {union}").format(union=self.ctx.union_name()))
        self.user_label.setText(self.tr("用户：{name}（{roles}）").format(name=self.ctx.actor.display_name, roles=roles) + ro)
        self.county_label.setText(self.tr("{union}  区划代码 {code}").format(union=self.ctx.union_name(),
                                                                       code=self.ctx.county_code()))
        from helpdesk_gui.core import db as dbm
        if dbm.on_server(self.ctx.db):   # the centre's server: where it is, not a file's size
            self.size_label.setText(self.tr("服务器 {where}").format(where=getattr(self.ctx.db, "shown", "")))
            return
        try:
            size = self.ctx.db_path.stat().st_size
        except OSError:
            size = 0
        self.size_label.setText(self.tr("数据库 {mb:.1f} MB").format(mb=size / 1_048_576))

    # ---- idle lock
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and not self.locked:
            self.idle_timer.start()
        return False

    def lock(self) -> bool:
        """Hide the data and ask for the password again. Returns False if the user chose to quit."""
        self.locked = True
        self.stack.setVisible(False)
        self.nav.setVisible(False)
        for editor in self.open_editors():
            editor.setVisible(False)
        from helpdesk_gui.gui.login import LoginDialog
        dialog = LoginDialog(self.ctx.db, self.ctx.union_name(), locked_user=self.ctx.actor.username, parent=self)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        if not ok:
            self.close()
            return False
        self.stack.setVisible(True)
        self.nav.setVisible(True)
        for editor in self.open_editors():
            editor.setVisible(True)
        self.locked = False
        self.idle_timer.start()
        return True

    # ---- geometry
    def _restore_geometry(self) -> None:
        s = self.ctx.qsettings()
        geometry = s.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = s.value("main/state")
        if state is not None:
            self.restoreState(state)

    def _after_restore(self) -> None:
        self._database_gone = True  # no logout, no exit backup: the restored file starts afresh
        for editor in self.open_editors():
            editor.dirty = False
        self.database_replaced.emit()
        self.close()        # nothing more can be clicked over the closed connection
        QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.session_over and not self._sign_off():
            event.ignore()
            return
        event.accept()

