"""The 统计报表 page: the dashboard (charts) and the monthly / yearly report of the city's figures."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.stats.dashboard import DashboardView
from helpdesk_gui.gui.stats.report_view import ReportView


class ReportsPage(Page):
    # every figure of the register, the books, reception and casework is counted here
    listens_to = ("household_saved", "households_changed", "application_moved", "payment_posted", "batch_imported",
                  "reception_logged", "casework_changed", "mutual_changed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dashboard = DashboardView(ctx)
        self.report = ReportView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.dashboard, self.tr("统计图表"))
        self.tabs.addTab(self.report, self.tr("月报、年报"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self._report_run = False
        self.tabs.currentChanged.connect(self._tab_changed)

    def refresh(self) -> None:
        """Recompute the dashboard, and the report if it is in front (else when its tab is shown next)."""
        self.dashboard.refresh()
        if self.tabs.currentWidget() is self.report:
            self._report_run = True
            if not self.report.running:   # one computing already: its figures are on the way
                self.report.run()
        else:
            self._report_run = False

    def busy(self) -> bool:
        return self.report.running > 0

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.report and not self._report_run:
            self._report_run = True
            self.report.run()
