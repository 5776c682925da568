"""互助方案: every plan year with its contributions, members and claims; new and changed plans (finance),
closing a year and opening it again; the chosen plan's rules in words below the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table


class PlansTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = page
        self.model = RowsModel([self.tr("年度"), self.tr("名称"), self.tr("起止日期"), self.tr("资金"),
                                self.tr("每人缴费（元）"), self.tr("参加 / 已缴费（人）"), self.tr("已收金额（元）"),
                                self.tr("已批准报销（件）"), self.tr("状态")], right=(4, 5, 6, 7))
        self.table = QTableView()
        setup_table(self.table, self.model, "mutual_plans")
        self._fit = ColumnWidths(ctx, self.table, "mutual/plans").fit
        self.rule = QLabel()
        self.rule.setObjectName("rule")
        self.rule.setWordWrap(True)
        self.rule.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rule.setMinimumHeight(self.rule.fontMetrics().height() * 3)
        rule_box = QGroupBox(self.tr("所选方案的规则"))
        rl = QVBoxLayout(rule_box)
        rl.addWidget(self.rule)
        self.new_button = QPushButton(self.tr("新建方案… (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("修改… (Enter)"))
        self.status_button = QPushButton(self.tr("关闭方案…"))
        self._can = ctx.actor.can("mutual.plans") and not ctx.readonly
        self.new_button.setEnabled(self._can)
        note = () if ctx.actor.can("mutual.plans") else (QLabel(self.tr("方案由财务设置")),)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(rule_box)
        layout.addLayout(row_of_buttons(self.new_button, self.edit_button, self.status_button, right=note))

        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_rule())
        self.table.doubleClicked.connect(lambda _i: self.edit_plan())
        self.new_button.clicked.connect(lambda: self.new_plan())
        self.edit_button.clicked.connect(lambda: self.edit_plan())
        self.status_button.clicked.connect(lambda: self.toggle_status())
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_plan() if self._can else None)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, lambda: self.edit_plan())
        page.plan_changed.connect(self._follow_page)

    # ---- list
    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else (self.plan_id() or self.page.plan_id())
        self._plans = {int(p["id"]): p for p in mutual_plans.list_plans(self.ctx.db)}
        rows = []
        for p in self._plans.values():
            per = int(p["worker_fen"]) + int(p["unit_fen"]) + int(p["union_fen"])
            rows.append(Row([p["period"], p["name"], f"{p['start_date']} 至 {p['end_date']}", p["fund_name"], yuan(per),
                             f"{p['enrolled']:,} / {p['paid']:,}", yuan(p["received_fen"]), f"{p['claims']:,}",
                             self.tr("进行中") if p["status"] == "open" else self.tr("已关闭")],
                            int(p["id"]), muted=p["status"] != "open"))
        self.model.set_rows(rows)
        self._fit()
        if self.model.rowCount():
            row = self.model.row_of(current) if current is not None else 0
            self.table.selectRow(max(row, 0))
        self.show_rule()

    def _follow_page(self) -> None:
        pid = self.page.plan_id()
        row = self.model.row_of(pid) if pid is not None else -1
        if row >= 0:
            self.table.selectRow(row)

    def plan_id(self) -> int | None:
        idx = self.table.currentIndex()
        key = self.model.key(idx.row()) if idx.isValid() else None
        return None if key is None else int(key)

    def plan(self) -> dict[str, Any] | None:
        pid = self.plan_id()
        return None if pid is None else self._plans.get(pid)

    def show_rule(self) -> None:
        p = self.plan()
        if p is None:
            self.rule.setText(self.tr("还没有医疗互助方案。财务点“新建方案”，按系统设置中的缴费标准和报销规则建立本年度方案。"))
        else:
            self.rule.setText(f"{p['name']}（{p['start_date']} 至 {p['end_date']}，{p['fund_name']}）："
                              + mutual_plans.describe_rule(p))
        self.edit_button.setEnabled(self._can and p is not None)
        self.status_button.setEnabled(self._can and p is not None)
        closed = p is not None and p["status"] != "open"
        self.status_button.setText(self.tr("重新打开方案…") if closed else self.tr("关闭方案…"))

    # ---- actions
    def _written(self, plan_id: int | None) -> None:
        self.refresh(select=plan_id)
        reload = getattr(self.page, "reload_plans", None)
        if reload is not None and plan_id is not None:
            reload(select_id=plan_id)
        self.changed.emit()

    def new_plan(self) -> bool:
        from helpdesk_gui.gui.mutual.plan_dialog import PlanDialog
        dialog = guarded(self, PlanDialog, self.ctx, self)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self._written(dialog.plan_id)
            return True
        return False

    def edit_plan(self) -> bool:
        from helpdesk_gui.gui.mutual.plan_dialog import PlanDialog
        pid = self.plan_id()
        if pid is None or not self._can:
            return False
        dialog = guarded(self, PlanDialog, self.ctx, self, plan_id=pid)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self._written(pid)
            return True
        return False

    def toggle_status(self) -> bool:
        p = self.plan()
        if p is None or not self._can:
            return False
        if p["status"] == "open":
            ok = confirm(self, self.tr("关闭方案"), self.tr(
                "关闭 {y} 年度方案后，不能再登记参加、收取互助金或登记报销（已批准的报销仍可结算）。确定关闭？").format(
                y=p["period"]))
            status = "closed"
        else:
            ok = confirm(self, self.tr("重新打开方案"), self.tr(
                "重新打开 {y} 年度方案后，又可以登记参加、收取互助金和登记报销。确定重新打开？").format(y=p["period"]))
            status = "open"
        if not ok:
            return False
        def run() -> bool:
            mutual_plans.set_plan_status(self.ctx.db, self.ctx.actor, int(p["id"]), status)
            return True

        if guarded(self, run) is None:
            return False
        self._written(int(p["id"]))
        return True
