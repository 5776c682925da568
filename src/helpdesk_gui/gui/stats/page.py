"""The 统计报表 page: the dashboard (charts) and the monthly / yearly report of the city's figures."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.stats.dashboard import DashboardView
from helpdesk_gui.gui.stats.report_view import ReportView


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
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
        """Recompute the dashboard (and the report, if one is shown) from the database."""
        self.dashboard.refresh()
        if self.report.report is not None:
            self.report.run()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.report and not self._report_run:
            self._report_run = True
            self.report.run()
