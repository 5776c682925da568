"""The 系统设置 page: four tabs over ``core.admin`` (本单位, 乡镇（街道）, 低保标准, 用户与角色).

Each tab edits through the core and reports a change; the page passes every change on as
``ctx.events.settings_changed`` so other pages can refresh. Nothing here raises to the event loop.
The page listens to nothing: it is where settings are written (reloading on its own change would drop the
unsaved edits of the other tabs); it reads them again each time it is shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.settings.centre import CentreTab
from helpdesk_gui.gui.settings.standards import StandardsTab
from helpdesk_gui.gui.settings.townships import TownshipsTab
from helpdesk_gui.gui.settings.users import UsersTab


class SettingsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        actor, writable = ctx.actor, not ctx.readonly
        self.centre = CentreTab(ctx, writable and actor.can("settings.edit"))
        self.townships = TownshipsTab(ctx, writable and actor.can("settings.edit"))
        self.standards = StandardsTab(ctx, writable and actor.can("policy.edit"))
        self.users = UsersTab(ctx, writable and actor.can("users.manage"))

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.centre, self.tr("本单位"))
        self.tabs.addTab(self.townships, self.tr("乡镇（街道）"))
        self.tabs.addTab(self.standards, self.tr("低保标准"))
        self.tabs.addTab(self.users, self.tr("用户与角色"))
        title = QLabel(self.tr("系统设置"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if ctx.readonly:
            layout.addWidget(QLabel(self.tr("数据库以只读方式打开，设置只能查看。")))
        layout.addWidget(self.tabs, 1)

        for tab in (self.centre, self.townships, self.standards, self.users):
            tab.changed.connect(lambda: self.ctx.events.tell(self, "settings_changed"))
        self.refresh()
        self.loaded_now()

    def refresh(self) -> None:
        """Reload every tab from the database (unsaved edits on a tab are discarded)."""
        for tab in (self.centre, self.townships, self.standards, self.users):
            guarded(self, tab.refresh)
