"""The 帮扶申请 page: applications by state with their detail; campaigns (集中帮扶活动); yearly review."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.gui.applications.list_tab import ApplicationsTab
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.page import Page


class ApplicationsPage(Page):
    listens_to = ("application_moved", "household_saved", "households_changed", "batch_imported",
                  "reception_logged")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.applications = ApplicationsTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.applications, self.tr("申请办理"))
        self.campaigns: QWidget | None = None
        self.reviews: QWidget | None = None
        if ctx.actor.can("workflow.apply") or ctx.actor.can("workflow.approve"):
            from helpdesk_gui.gui.applications.campaigns import CampaignsTab
            self.campaigns = CampaignsTab(ctx)
            self.campaigns.changed.connect(self._moved)
            self.tabs.addTab(self.campaigns, self.tr("集中帮扶活动"))
        if ctx.actor.can("review.manage") or ctx.actor.can("workflow.approve"):
            from helpdesk_gui.gui.applications.reviews import ReviewTab
            self.reviews = ReviewTab(ctx)
            self.reviews.changed.connect(self._moved)
            self.tabs.addTab(self.reviews, self.tr("年度复核"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.applications.household_requested.connect(self.household_requested.emit)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.loaded_now()  # the list tab read its rows when it was built

    def _moved(self) -> None:
        """A campaign or a yearly review moved several applications."""
        self.applications.refresh()
        self.ctx.events.tell(self, "application_moved", 0)

    def refresh(self) -> None:
        current = self.tabs.currentWidget()
        refresh = getattr(current, "refresh", None)
        if refresh is not None:
            guarded(self, refresh)

    def open_item(self, item_id: int) -> None:
        self.show_application(item_id)

    def show_application(self, application_id: int) -> None:
        self.tabs.setCurrentWidget(self.applications)
        self.applications.show_application(application_id)

    def new_application(self, household_id: int | None = None) -> int | None:
        self.tabs.setCurrentWidget(self.applications)
        return self.applications.new_application(household_id)
