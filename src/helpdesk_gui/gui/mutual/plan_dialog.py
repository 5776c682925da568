"""新建 / 修改医疗互助方案: the year, name, dates and fund; the three contribution shares; the
reimbursement rule (起付线, 比例, loyalty steps, caps); the 康复金 bands as a small table; the cap of
a special advance. Amounts are typed in yuan, an empty cap means 不限. The core decides what may
still change (rules lock after the first approval, shares after the first payment) and its refusal
is shown under the form."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.base.money import format_yuan, parse_yuan, yuan
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of, fund_combo, set_day
from helpdesk_gui.gui.kit.forms import FormDialog, form_layout, hint


def _yuan_text(fen: int | None) -> str:
    return "" if fen is None else format_yuan(int(fen))


def _text(item: QTableWidgetItem | None) -> str:
    return item.text().strip() if item is not None else ""


def _optional_fen(edit: QLineEdit, field: str) -> int | None:
    return parse_yuan(edit.text(), field) if edit.text().strip() else None


class PlanDialog(FormDialog):
    """OK creates the plan (``plan_id`` is then set) or saves the changes through ``core.mutual``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, plan_id: int | None = None,
                 year: int | None = None) -> None:
        editing = plan_id is not None
        super().__init__(self.tr("修改互助方案") if editing else self.tr("新建互助方案"),
                         self.tr("保存") if editing else self.tr("新建"), parent)
        self.ctx = ctx
        self.plan_id = plan_id
        if plan_id is not None:
            plan = mutual_plans.get_plan(ctx.db, plan_id)
            draft = mutual_plans.draft_of(plan)
        else:
            draft = mutual_plans.default_draft(ctx.db, year or next_free_year(ctx))
        self._year_shown = int(draft.period)

        self.year = QSpinBox()
        self.year.setRange(2000, 2099)
        self.year.setValue(int(draft.period))
        self.year.setEnabled(not editing)
        self.name = QLineEdit(draft.name)
        self.start = date_edit(_dt.date.fromisoformat(draft.start_date), not_after_today=False)
        self.end = date_edit(_dt.date.fromisoformat(draft.end_date), not_after_today=False)
        fund_list = funds.list_funds(ctx.db)
        self.fund = fund_combo([f for f in fund_list if f["active"] or int(f["id"]) == draft.fund_id],
                               active_only=False)
        if self.fund.findData(draft.fund_id) >= 0:
            self.fund.setCurrentIndex(self.fund.findData(draft.fund_id))
        self.note = QLineEdit(draft.note)

        self.worker = self._money(draft.worker_fen)
        self.unit = self._money(draft.unit_fen)
        self.union = self._money(draft.union_fen)
        self.per_member = QLabel()

        self.deductible = self._money(draft.deductible_fen)
        self.rate = self._percent(draft.rate_pct)
        self.loyalty_years = QSpinBox()
        self.loyalty_years.setRange(1, 50)
        self.loyalty_years.setValue(draft.loyalty_years)
        self.loyalty_years.setSuffix(self.tr(" 年"))
        self.loyalty_points = QSpinBox()
        self.loyalty_points.setRange(0, 100)
        self.loyalty_points.setValue(draft.loyalty_points)
        self.loyalty_points.setSuffix(self.tr(" 个百分点"))
        self.max_rate = self._percent(draft.max_rate_pct)
        self.claim_cap = self._money(draft.claim_cap_fen, optional=True)
        self.year_cap = self._money(draft.year_cap_fen, optional=True)
        self.advance_cap = self._money(draft.advance_cap_fen, optional=True)

        self.bands = QTableWidget(0, 2)
        self.bands.setObjectName("rehab_bands")
        self.bands.setHorizontalHeaderLabels([self.tr("本年统筹支付超过（元）"), self.tr("康复金（元）")])
        self.bands.verticalHeader().hide()
        self.bands.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bands.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.bands.setMinimumHeight(self.bands.fontMetrics().height() * 7)
        for a, b in draft.rehab_bands:
            self.add_band(a, b)
        self.add_band_button = QPushButton(self.tr("添加档次"))
        self.remove_band_button = QPushButton(self.tr("删除档次"))
        self.add_band_button.clicked.connect(lambda: self.add_band())
        self.remove_band_button.clicked.connect(self.remove_band)

        # left: the plan and its contributions; right: the reimbursement rule and 康复金
        basic = QGroupBox(self.tr("方案"))
        bf = form_layout(basic)
        bf.addRow(self.tr("互助年度"), self.year)
        bf.addRow(self.tr("方案名称"), self.name)
        bf.addRow(self.tr("开始日期"), self.start)
        bf.addRow(self.tr("结束日期"), self.end)
        bf.addRow(self.tr("互助金账户"), self.fund)
        bf.addRow(self.tr("备注"), self.note)
        shares = QGroupBox(self.tr("每人每年缴费（元）"))
        sf = form_layout(shares)
        sf.addRow(self.tr("职工个人缴纳"), self.worker)
        sf.addRow(self.tr("单位补贴"), self.unit)
        sf.addRow(self.tr("工会补贴"), self.union)
        sf.addRow(self.tr("每人合计"), self.per_member)
        rule = QGroupBox(self.tr("报销规则"))
        rf = form_layout(rule)
        rf.addRow(self.tr("起付线（元）"), self.deductible)
        rf.addRow(self.tr("补助比例"), self.rate)
        loyalty = QHBoxLayout()
        loyalty.addWidget(QLabel(self.tr("每连续参加")))
        loyalty.addWidget(self.loyalty_years)
        loyalty.addWidget(QLabel(self.tr("提高")))
        loyalty.addWidget(self.loyalty_points)
        loyalty.addStretch(1)
        rf.addRow(self.tr("比例提高"), loyalty)
        rf.addRow(self.tr("最高比例"), self.max_rate)
        rf.addRow(self.tr("每次最高（元）"), self.claim_cap)
        rf.addRow(self.tr("每人每年最高（元）"), self.year_cap)
        rf.addRow(self.tr("特殊救助每笔预付最高（元）"), self.advance_cap)
        rehab = QGroupBox(self.tr("康复金档次"))
        hl = QVBoxLayout(rehab)
        hl.addWidget(self.bands, 1)
        band_buttons = QHBoxLayout()
        band_buttons.addWidget(self.add_band_button)
        band_buttons.addWidget(self.remove_band_button)
        band_buttons.addStretch(1)
        hl.addLayout(band_buttons)
        left = QVBoxLayout()
        left.addWidget(basic)
        left.addWidget(shares)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(rule)
        right.addWidget(rehab, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body = QWidget()
        body.setLayout(columns)
        columns.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(body)
        self.form.addRow(hint(self.tr("金额以元为单位；“每次最高”“每人每年最高”“预付最高”留空表示不限。"
                                      "已有批准的报销后，报销规则不能再改；已有单位缴费后，缴费标准和资金不能再改。")))
        self.setMinimumWidth(900)

        self.fields = {"互助年度": self.year, "方案名称": self.name, "开始日期": self.start, "结束日期": self.end,
                       "起止日期": self.start, "互助金账户": self.fund, "职工缴纳": self.worker, "单位补贴": self.unit,
                       "工会补贴": self.union, "缴费标准": self.worker, "起付线": self.deductible,
                       "补助比例": self.rate, "最高比例": self.max_rate, "连续参加年限": self.loyalty_years,
                       "每次最高": self.claim_cap, "每年最高": self.year_cap, "预付最高": self.advance_cap,
                       "康复金档次": self.bands}
        order: list[QWidget] = [
            self.year, self.name, self.start, self.end, self.fund, self.note, self.worker, self.unit, self.union,
            self.deductible, self.rate, self.loyalty_years, self.loyalty_points, self.max_rate, self.claim_cap,
            self.year_cap, self.advance_cap, self.bands, self.add_band_button, self.remove_band_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        for e in (self.worker, self.unit, self.union):
            e.textChanged.connect(lambda _t: self._show_total())
        self.year.valueChanged.connect(self._year_changed)
        self._show_total()
        (self.name if editing else self.year).setFocus()

    # ---- pieces
    def _money(self, fen: int | None, *, optional: bool = False) -> QLineEdit:
        edit = QLineEdit(_yuan_text(fen))
        edit.setPlaceholderText(self.tr("不限") if optional else self.tr("元"))
        return edit

    def _percent(self, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 100)
        box.setSuffix(" %")
        box.setValue(value)
        return box

    def add_band(self, over_fen: int | None = None, amount_fen: int | None = None) -> None:
        r = self.bands.rowCount()
        self.bands.insertRow(r)
        self.bands.setItem(r, 0, QTableWidgetItem(_yuan_text(over_fen)))
        self.bands.setItem(r, 1, QTableWidgetItem(_yuan_text(amount_fen)))
        if over_fen is None:
            self.bands.setCurrentCell(r, 0)
            self.bands.setFocus()

    def remove_band(self) -> None:
        r = self.bands.currentRow()
        if r >= 0:
            self.bands.removeRow(r)

    def _show_total(self) -> None:
        try:
            total = sum(parse_yuan(e.text(), "缴费") for e in (self.worker, self.unit, self.union))
        except HelpdeskError:
            self.per_member.setText(self.tr("—"))
            return
        self.per_member.setText(self.tr("{y} 元").format(y=yuan(total)))

    def _year_changed(self, year: int) -> None:
        """A new plan follows its year: the default name and the calendar year, unless typed over."""
        old = self._year_shown
        self._year_shown = year
        if self.name.text() == f"{old}年度职工医疗互助":
            self.name.setText(f"{year}年度职工医疗互助")
        if day_of(self.start) == _dt.date(old, 1, 1) and day_of(self.end) == _dt.date(old, 12, 31):
            set_day(self.start, _dt.date(year, 1, 1))
            set_day(self.end, _dt.date(year, 12, 31))

    def bands_fen(self) -> tuple[tuple[int, int], ...]:
        out: list[tuple[int, int]] = []
        for r in range(self.bands.rowCount()):
            texts = [_text(self.bands.item(r, c)) for c in (0, 1)]
            if not any(texts):
                continue
            if not all(texts):
                raise ValidationError("康复金档次", f"第 {r + 1} 行应同时填写统筹支付起点和康复金金额")
            out.append((parse_yuan(texts[0], "康复金档次"), parse_yuan(texts[1], "康复金档次")))
        return tuple(out)

    def draft(self) -> mutual_plans.PlanDraft:
        fund: Any = self.fund.currentData()
        return mutual_plans.PlanDraft(
            str(self.year.value()), self.name.text(), day_of(self.start).isoformat(), day_of(self.end).isoformat(),
            int(fund or 0), parse_yuan(self.worker.text(), "职工缴纳"), parse_yuan(self.unit.text(), "单位补贴"),
            parse_yuan(self.union.text(), "工会补贴"), parse_yuan(self.deductible.text(), "起付线"), self.rate.value(),
            self.loyalty_years.value(), self.loyalty_points.value(), self.max_rate.value(),
            _optional_fen(self.claim_cap, "每次最高"), _optional_fen(self.year_cap, "每年最高"), self.bands_fen(),
            _optional_fen(self.advance_cap, "预付最高"), self.note.text())

    def submit(self) -> None:
        draft = self.draft()
        if self.plan_id is None:
            self.plan_id = mutual_plans.create_plan(self.ctx.db, self.ctx.actor, draft)
        else:
            mutual_plans.update_plan(self.ctx.db, self.ctx.actor, self.plan_id, draft)


def next_free_year(ctx: AppContext) -> int:
    """The first year from this one on without a plan (the year after the newest when this one has one)."""
    taken = {int(p["period"]) for p in mutual_plans.list_plans(ctx.db)}
    year = _dt.date.today().year
    while year in taken:
        year += 1
    return year
