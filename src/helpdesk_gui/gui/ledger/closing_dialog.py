"""结账: the twelve months of a year (closed or not, entries in each), close the next month, close
the year, and for the admin reopen (反结账) with a reason, after a confirmation naming what reopens."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.ledger import periods
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded, show_error
from helpdesk_gui.gui.kit.forms import confirm, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table


class ClosingDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: _dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or _dt.date.today()
        self.changed = False
        self.setWindowTitle(self.tr("结账"))
        self.year = QComboBox()
        for y in range(self.today.year, self.today.year - 6, -1):
            self.year.addItem(self.tr("{y} 年").format(y=y), y)
        self.model = RowsModel([self.tr("月份"), self.tr("分录数"), self.tr("状态"), self.tr("结账人"),
                                self.tr("结账时间")], right=(1,))
        self.table = QTableView()
        setup_table(self.table, self.model, "months")
        self.next_label = QLabel()
        self.close_button = QPushButton(self.tr("结账下一个月"))
        self.year_button = QPushButton(self.tr("年度结账"))
        self.reopen_button = QPushButton(self.tr("反结账…"))
        can_close = ctx.actor.can("ledger.close") and not ctx.readonly
        self.close_button.setEnabled(can_close)
        self.year_button.setEnabled(can_close)
        self.reopen_button.setVisible(ctx.actor.can("ledger.reopen"))
        self.reopen_button.setEnabled(not ctx.readonly)
        self.close_button.clicked.connect(lambda: self.close_next())
        self.year_button.clicked.connect(lambda: self.close_year())
        self.reopen_button.clicked.connect(lambda: self.reopen())
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.next_label)
        buttons = QHBoxLayout()
        for b in (self.close_button, self.year_button, self.reopen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint(self.tr("按月份顺序结账；结账后该月不能再记账，更正在未结账的期间做红字冲销。"
                                      "12 月结账后可作年度结账。反结账只能由系统管理员办理，须写明原因，并记入审计日志。")))
        layout.addLayout(buttons)
        layout.addWidget(box)
        self.resize(620, 560)
        self.refresh()

    def refresh(self) -> None:
        year = int(self.year.currentData())
        rows = []
        for m in periods.year_status(self.ctx.db, year):
            rows.append(Row([periods.label(m.period), f"{m.entries:,}", self.tr("已结账") if m.closed else self.tr("未结账"),
                             m.closed_by, local_time(m.closed_at)], m.period, muted=not m.closed))
        closed_year = periods.is_closed(self.ctx.db, f"{year:04d}")
        rows.append(Row([self.tr("{y}年度").format(y=year), "", self.tr("已结账") if closed_year else self.tr("未结账"),
                         "", ""], f"{year:04d}", muted=not closed_year))
        self.model.set_rows(rows)
        fit_columns(self.table)
        nxt = periods.next_to_close(self.ctx.db)
        self.next_label.setText(self.tr("下一个待结账月份：{p}").format(p=periods.label(nxt)) if nxt else self.tr("尚无记账"))

    def _run(self, fn, *args) -> bool:  # type: ignore[no-untyped-def]
        try:
            fn(*args)
        except HelpdeskError as e:
            show_error(self, e)
            return False
        self.changed = True
        self.refresh()
        return True

    def close_next(self) -> bool:
        nxt = periods.next_to_close(self.ctx.db)
        if nxt is None:
            return False
        if not confirm(self, self.tr("结账"), self.tr("结账 {p}？结账后该月不能再记账。").format(p=periods.label(nxt))):
            return False
        return self._run(lambda: periods.close_month(self.ctx.db, self.ctx.actor, nxt, today=self.today))

    def close_year(self) -> bool:
        year = int(self.year.currentData())
        if not confirm(self, self.tr("年度结账"), self.tr("对 {y} 年作年度结账？").format(y=year)):
            return False
        return self._run(lambda: periods.close_year(self.ctx.db, self.ctx.actor, year, today=self.today))

    def selected_period(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.key(idx.row()) if idx.isValid() else None

    def reopen(self, reason: str | None = None) -> bool:
        period = self.selected_period()
        if period is None or not periods.is_closed(self.ctx.db, period):
            show_error(self, HelpdeskError(self.tr("请先在表中选择一个已结账的月份或年度。")))
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("反结账"), self.tr(
                "反结账 {p}（其后已结账的期间一并重新打开）。\n请写明原因（记入审计日志）：").format(p=periods.label(period)))
            if not ok:
                return False
        if not confirm(self, self.tr("反结账"), self.tr("确定反结账 {p}？").format(p=periods.label(period))):
            return False
        return bool(guarded(self, self._run, lambda: periods.reopen(self.ctx.db, self.ctx.actor, period, reason or "")))
