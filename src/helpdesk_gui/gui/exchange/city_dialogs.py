"""The city's two small forms: a 核查结果 on one county archive (退回 with the reason, or 通过), and a 下拨资金
to a county (sent in its next batch with its 低保 standard). Both go through ``core.city.verdicts``."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from helpdesk_gui.core.city import region
from helpdesk_gui.core.city import verdicts as city_verdicts
from helpdesk_gui.core.register import households as register
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import CodeCombo, MoneyEdit
from helpdesk_gui.gui.kit.forms import FormDialog


def county_combo(ctx: AppContext, selected: str | None = None) -> QComboBox:
    box = QComboBox()
    known = region.names(ctx.db)
    for c in region.counties(ctx.db):
        box.addItem(region.label(c.code, known), c.code)
    if selected:
        box.setCurrentIndex(max(box.findData(selected), 0))
    return box


class VerdictDialog(FormDialog):
    """退回 (or 通过) one archive of a county; ``verdict_id`` is set when saved."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, county: str | None = None,
                 archive_no: str = "") -> None:
        super().__init__(self.tr("下达核查结果"), self.tr("下达"), parent)
        self.ctx = ctx
        self.verdict_id: int | None = None
        self.county = county_combo(ctx, county)
        self.archive = QLineEdit(archive_no)
        self.archive.setPlaceholderText(self.tr("该县的档案编号"))
        self.result_box = QComboBox()
        self.result_box.addItem(self.tr("退回"), city_verdicts.RETURNED)
        self.result_box.addItem(self.tr("通过"), city_verdicts.PASSED)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("退回原因（必填），如：收入证明缺失，请补充后重新上报"))
        self.form.addRow(self.tr("所属县区"), self.county)
        self.form.addRow(self.tr("档案编号"), self.archive)
        self.form.addRow(self.tr("核查结果"), self.result_box)
        self.form.addRow(self.tr("说明"), self.note)
        self.fields = {"档案": self.archive, "说明": self.note}

    def submit(self) -> None:
        county = self.county.currentData()
        hid = register.household_id_by_archive(self.ctx.db, self.archive.text().strip(), str(county or "") or None)
        self.verdict_id = city_verdicts.record_verdict(self.ctx.db, self.ctx.actor, hid, str(self.result_box.currentData()),
                                                       self.note.text())


class AllocationDialog(FormDialog):
    """下拨资金 to a county for a year; ``allocation_id`` is set when saved."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, county: str | None = None) -> None:
        super().__init__(self.tr("登记下拨资金"), self.tr("登记"), parent)
        self.ctx = ctx
        self.allocation_id: int | None = None
        self.county = county_combo(ctx, county)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(_dt.date.today().year)
        self.source = CodeCombo(ctx.codebook(), "fund_source", blank=None)
        self.source.set_code("4")   # 上级工会拨付
        self.amount = MoneyEdit(self.tr("下拨资金"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("如：拨款文号 市工发〔2026〕8号"))
        self.form.addRow(self.tr("下拨给"), self.county)
        self.form.addRow(self.tr("年度"), self.year)
        self.form.addRow(self.tr("资金来源"), self.source)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("备注"), self.note)
        self.fields = {"下拨资金": self.amount, "县区代码": self.county, "低保标准": self.year, "年度": self.year}

    def submit(self) -> None:
        self.allocation_id = city_verdicts.add_allocation(
            self.ctx.db, self.ctx.actor, str(self.county.currentData() or ""), self.year.value(),
            str(self.source.code()), self.amount.fen(), self.note.text())
