"""The 医疗互助 page: the plan year chosen at the top, and tabs for plans, members (units, enrolment,
contributions), claims (and special advances), quarterly settlements and reports.

Every tab is built with ``(ctx, page)``, reads the chosen plan with ``page.plan()``, reloads in
``refresh()`` and emits ``changed`` after it wrote something (the other loaded tabs then reload, and the
page tells the other pages: ``mutual_changed``, and ``payment_posted`` for money through the books).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.page import Page


class MutualPage(Page):
    # a reversal in the fund ledger may undo a settlement or a contribution
    listens_to = ("mutual_changed", "payment_posted")
    plan_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from helpdesk_gui.gui.mutual.claims_tab import ClaimsTab
        from helpdesk_gui.gui.mutual.members_tab import MembersTab
        from helpdesk_gui.gui.mutual.plans_tab import PlansTab
        from helpdesk_gui.gui.mutual.reports_tab import ReportsTab
        from helpdesk_gui.gui.mutual.settle_tab import SettlementsTab
        self._plans: list[dict[str, Any]] = []
        self.year = QComboBox()
        self.year.setMinimumContentsLength(16)
        self.year.setToolTip(self.tr("选择互助年度（Ctrl+Y）"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        label = QLabel(self.tr("互助年度(&Y)："))
        label.setBuddy(self.year)
        top.addWidget(label)
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        self.tabs = QTabWidget()
        self.plans = PlansTab(ctx, self)
        self.members = MembersTab(ctx, self)
        self.claims = ClaimsTab(ctx, self)
        self.settlements = SettlementsTab(ctx, self)
        self.reports = ReportsTab(ctx, self)
        self.loaded: set[int] = set()
        for tab, title in ((self.members, "会员与缴费"), (self.claims, "报销审批"), (self.settlements, "季度结算"),
                           (self.reports, "统计报表"), (self.plans, "互助方案")):
            self.tabs.addTab(tab, self.tr(title))
            tab.changed.connect(lambda t=tab: self._changed(t))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.year.currentIndexChanged.connect(self._year_chosen)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        for i in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, lambda i=i: self.tabs.setCurrentIndex(i))
        QShortcut(QKeySequence("Ctrl+Y"), self, self.year.setFocus)

    # ------------------------------------------------------------------ the plan year

    def plan(self) -> dict[str, Any] | None:
        """The chosen plan (a row of ``mutual_plans.list_plans``), or None when there is none yet."""
        i = self.year.currentIndex()
        return self._plans[i] if 0 <= i < len(self._plans) else None

    def plan_id(self) -> int | None:
        p = self.plan()
        return None if p is None else int(p["id"])

    def reload_plans(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.plan_id()
        self._plans = mutual_plans.list_plans(self.ctx.db)
        self.year.blockSignals(True)
        self.year.clear()
        for p in self._plans:
            state = "" if p["status"] == "open" else self.tr("（已关闭）")
            self.year.addItem(f"{p['period']} 年度{state}", int(p["id"]))
        index = next((i for i, p in enumerate(self._plans) if int(p["id"]) == keep), 0 if self._plans else -1)
        self.year.setCurrentIndex(index)
        self.year.blockSignals(False)
        self._show_summary()

    def _show_summary(self) -> None:
        p = self.plan()
        if p is None:
            self.summary.setText(self.tr("还没有医疗互助方案：请财务在“互助方案”中新建本年度方案。"))
        else:
            self.summary.setText(self.tr("参加 {0} 人，已缴费 {1} 人；资金：{2}").format(p["enrolled"], p["paid"],
                                                                                   p["fund_name"]))

    def _year_chosen(self, _index: int) -> None:
        self._show_summary()
        self.plan_changed.emit()
        self.loaded.clear()
        self._refresh_current()

    # ------------------------------------------------------------------ tabs

    def _changed(self, source: QWidget) -> None:
        self.reload_plans()
        for tab in (self.plans, self.members, self.claims, self.settlements, self.reports):
            if tab is not source and id(tab) in self.loaded:
                guarded(self, tab.refresh)
        self.ctx.events.tell(self, "mutual_changed")
        if source in (self.members, self.claims, self.settlements):  # contributions, advances, settlements
            self.ctx.events.tell(self, "payment_posted")

    def _refresh_current(self) -> None:
        tab = self.tabs.currentWidget()
        if tab is not None and (self.isVisible() or self.on_screen):
            self.loaded.add(id(tab))
            guarded(self, tab.refresh)  # type: ignore[attr-defined]

    def refresh(self) -> None:
        """The plan years and the tab in front; the other tabs load again when they are shown."""
        self.reload_plans()
        self.loaded.clear()
        tab = self.tabs.currentWidget()
        if tab is not None:
            self.loaded.add(id(tab))
            guarded(self, tab.refresh)  # type: ignore[attr-defined]

    def open_item(self, item_id: int) -> None:
        self.show_claim(item_id)

    def show_claim(self, claim_id: int) -> None:
        """A claim from the home worklists: its plan year, the 报销审批 tab, all statuses, the claim selected."""
        claim = mutual_claims.get_claim(self.ctx.db, claim_id)
        self.reload_plans(select_id=int(claim["plan_id"]))
        self.tabs.setCurrentWidget(self.claims)
        self.claims.status_box.setCurrentIndex(0)          # 全部
        self.loaded.add(id(self.claims))
        guarded(self, self.claims.refresh, claim_id)
        self.plan_changed.emit()

    def show_tab(self, name: str) -> None:
        tab = {"plans": self.plans, "members": self.members, "claims": self.claims, "settlements": self.settlements,
               "reports": self.reports}[name]
        self.tabs.setCurrentWidget(tab)
        self.refresh()
