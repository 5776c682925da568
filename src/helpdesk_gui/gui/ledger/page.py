"""The ledger page (资金台账): tabs for the entries, the fund overview, payment rosters, the revolving
fund's loans and the reports. A posting in one tab refreshes the others and is told to the other pages."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.ledger.entries import EntriesTab
from helpdesk_gui.gui.ledger.loans_tab import LoansTab
from helpdesk_gui.gui.ledger.overview import OverviewTab
from helpdesk_gui.gui.ledger.reports_tab import ReportsTab
from helpdesk_gui.gui.ledger.rosters import RostersTab
from helpdesk_gui.gui.page import Page


class LedgerPage(Page):
    # approvals make roster lines; the city's allocations arrive with a batch; mutual aid posts with payment_posted
    listens_to = ("payment_posted", "application_moved", "batch_imported", "household_saved")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        # tabs load their data when first shown: the window starts without waiting for the books
        self.entries = EntriesTab(ctx, load=False)
        self.overview = OverviewTab(ctx, load=False)
        self.rosters = RostersTab(ctx, load=False)
        self.loans = LoansTab(ctx, load=False)
        self.reports = ReportsTab(ctx, load=False)
        self.loaded: set[int] = set()
        for tab, title in ((self.overview, "资金概览"), (self.entries, "凭证明细"), (self.rosters, "发放花名册"),
                           (self.loans, "创业周转金"), (self.reports, "收支报表")):
            self.tabs.addTab(tab, self.tr(title))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for tab in (self.entries, self.overview, self.rosters, self.loans):
            tab.changed.connect(lambda t=tab: self._changed(t))
        self.overview.fund_opened.connect(self.show_fund)
        self.tabs.currentChanged.connect(lambda _i: self._current_refresh())
        for i in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, lambda i=i: self.tabs.setCurrentIndex(i))

    def _changed(self, source: QWidget) -> None:
        for tab in (self.entries, self.overview, self.rosters, self.loans, self.reports):
            if tab is not source and id(tab) in self.loaded:
                guarded(self, tab.refresh)
        self.ctx.events.tell(self, "payment_posted")

    def _current_refresh(self) -> None:
        tab = self.tabs.currentWidget()
        refresh = getattr(tab, "refresh", None)
        if refresh is not None and (self.isVisible() or self.on_screen):
            self.loaded.add(id(tab))
            guarded(self, refresh)

    def refresh(self) -> None:
        """(Re)load the tab in front; the others load again when they are shown."""
        self.loaded.clear()
        tab = self.tabs.currentWidget()
        refresh = getattr(tab, "refresh", None)
        if refresh is not None:
            self.loaded.add(id(tab))
            guarded(self, refresh)

    def show_fund(self, fund_id: int) -> None:
        self.tabs.setCurrentWidget(self.entries)
        self.entries.show_fund(fund_id)

    def show_tab(self, name: str) -> None:
        tab = {"overview": self.overview, "entries": self.entries, "rosters": self.rosters, "loans": self.loans,
               "reports": self.reports}[name]
        self.tabs.setCurrentWidget(tab)
        if id(tab) not in self.loaded:
            self.refresh()
