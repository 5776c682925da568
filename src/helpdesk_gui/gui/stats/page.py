"""The 统计报表 page: the dashboard (charts) and the monthly / yearly report of the city's figures."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.core.city import region
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import refill_choices
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
        # 所属县区: at the city, the charts and the report of one county or of the whole city
        self.county_box = QComboBox()
        self.county_box.addItem(self.tr("全市（全部县区）"), None)
        self.county_label = QLabel(self.tr("统计范围"))
        line = QHBoxLayout()
        line.addWidget(self.county_label)
        line.addWidget(self.county_box)
        line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(line)
        layout.addWidget(self.tabs)
        self._fill_counties()
        self.county_box.currentIndexChanged.connect(lambda _i: self.set_county(self.county_box.currentData()))
        self._report_run = False
        self.tabs.currentChanged.connect(self._tab_changed)

    def _fill_counties(self) -> None:
        shown = region.shows_counties(self.ctx.db)
        refill_choices(self.county_box, region.sender_choices(self.ctx.db) if shown else [])
        self.county_box.setVisible(shown)
        self.county_label.setVisible(shown)

    def set_county(self, code: str | None) -> None:
        """The charts and the report of one county (None: the whole database)."""
        index = max(self.county_box.findData(code), 0) if code else 0
        if self.county_box.currentIndex() != index:
            self.county_box.setCurrentIndex(index)   # comes back here through the signal
            return
        name = region.name_of(self.ctx.db, code) if code else ""
        self.dashboard.county = self.report.county = code or None
        self.report.county_name = name
        self.refresh()

    def refresh(self) -> None:
        """Recompute the dashboard, and the report if it is in front (else when its tab is shown next)."""
        self._fill_counties()
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
