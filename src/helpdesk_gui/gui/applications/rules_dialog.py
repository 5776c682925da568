"""上限规则与节假日 (admin): the cap rule of each project × category, and the calendar the 公示 working
days are counted on. Each change goes through the core (``caps.put_rule``, ``workdays.put_holidays``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import workdays
from helpdesk_gui.core.workflow import caps
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.common import TONES
from helpdesk_gui.gui.applications.step_dialog import Field, StepDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view


def _fen(value: Any) -> int | None:
    return None if value in (None, 0) else int(value)


class RulesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        book = ctx.codebook()
        self.setWindowTitle(self.tr("帮扶上限规则与节假日"))
        self.rules = RecordModel([
            Col("project", self.tr("帮扶项目"), 90, lambda r: book.label("project", r["project"])),
            Col("category", self.tr("困难类别"), 80, lambda r: book.label("category", r["category"])
                if r["category"] != caps.ANY_CATEGORY else self.tr("未定类别")),
            Col("text", self.tr("上限规则"), 420), Col("note", self.tr("说明"), 160)], parent=self, palette=TONES)
        self.rule_view = make_view(self.rules, self)
        self.edit_rule = QPushButton(self.tr("修改规则…"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(common.today().year)
        self.holidays = RecordModel([Col("day", self.tr("日期"), 100), Col("kind", self.tr("安排"), 80,
                                                                       lambda r: "放假" if r["kind"] == "off" else "调休上班"),
                                   Col("name", self.tr("节日"), 160)], parent=self, palette=TONES)
        self.holiday_view = make_view(self.holidays, self)
        self.add_holiday = QPushButton(self.tr("登记一天…"))
        self.delete_holiday = QPushButton(self.tr("删除所选"))
        tabs = QTabWidget()
        rules_page = QWidget()
        rv = QVBoxLayout(rules_page)
        rv.addWidget(QLabel(self.tr("审批金额超过上限时，审批人必须写明超限理由。默认值来自帮扶办法，请按本地标准修改。")))
        rv.addWidget(self.rule_view, 1)
        rb = QHBoxLayout()
        rb.addStretch(1)
        rb.addWidget(self.edit_rule)
        rv.addLayout(rb)
        tabs.addTab(rules_page, self.tr("上限规则"))
        hol_page = QWidget()
        hv = QVBoxLayout(hol_page)
        hv.addWidget(QLabel(self.tr("公示期按工作日计算时，周末不算、这里登记的节假日不算、调休上班日算。"
                                    "每年国务院办公厅公布放假安排后在此登记。")))
        hb = QHBoxLayout()
        hb.addWidget(self.year)
        hb.addStretch(1)
        hb.addWidget(self.add_holiday)
        hb.addWidget(self.delete_holiday)
        hv.addLayout(hb)
        hv.addWidget(self.holiday_view, 1)
        tabs.addTab(hol_page, self.tr("节假日"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        editable = ctx.actor.can("settings.edit") and not ctx.readonly
        for b in (self.edit_rule, self.add_holiday, self.delete_holiday):
            b.setEnabled(editable)
        self.edit_rule.clicked.connect(lambda: guarded(self, self.edit))
        self.rule_view.doubleClicked.connect(lambda _i: guarded(self, self.edit) if editable else None)
        self.add_holiday.clicked.connect(lambda: guarded(self, self.add_day))
        self.delete_holiday.clicked.connect(lambda: guarded(self, self.delete_day))
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.resize(820, 560)
        self.refresh()

    def refresh(self) -> None:
        book = self.ctx.codebook()
        rows = [{"id": i, **r.as_dict(), "text": r.describe(book)} for i, r in enumerate(caps.rules_table(self.ctx.db))]
        self.rules.set_rows(rows)
        self.holidays.set_rows([{"id": i, **h} for i, h in enumerate(workdays.list_holidays(self.ctx.db, self.year.value()))])

    def _selected(self, view: Any, model: RecordModel) -> dict[str, Any] | None:
        rows = view.selectionModel().selectedRows()
        return model.record(rows[0].row()) if rows else None

    def rule_dialog(self, r: dict[str, Any]) -> StepDialog:
        book = self.ctx.codebook()

        def save(v: dict[str, Any]) -> None:
            def dec(text: str, field: str) -> Decimal | None:
                return caps.parse_decimal(text, field) if text else None
            rule = caps.CapRule(
                r["project"], r["category"], str(v["basis"]), months=dec(v["months"], "低保月数"),
                amount_fen=_fen(v["amount"]), percent=dec(v["percent"], "自付费用比例"),
                deductible_fen=int(v["deductible"] or 0), max_time_fen=_fen(v["max_time"]), period=str(v["period"]),
                period_max_fen=_fen(v["period_max"]), lifetime_max_fen=_fen(v["lifetime"]),
                bonus_per_5y=dec(v["bonus"], "每满 5 年增加比例"), note=v["note"])
            caps.put_rule(self.ctx.db, self.ctx.actor, rule)

        def pct(value: Any) -> str:
            return "" if value in (None, "") else f"{Decimal(str(value)) * 100:f}".rstrip("0").rstrip(".") + "%"

        cat = book.label("category", r["category"]) if r["category"] != caps.ANY_CATEGORY else "未定类别"
        return StepDialog(self.tr("修改上限规则"), [
            Field("basis", "计算方式", "code", "cap_basis", default=r["basis"]),
            Field("months", "低保标准月数", default=r["months"] or ""),
            Field("amount", "固定金额（元）", "money", default=r["amount_fen"]),
            Field("percent", "自付费用比例", default=pct(r["percent"]), placeholder="如 80%"),
            Field("deductible", "起付金额（元）", "money", default=r["deductible_fen"]),
            Field("max_time", "每次最多（元）", "money", default=r["max_time_fen"]),
            Field("period", "计算周期", "code", "cap_period", default=r["period"]),
            Field("period_max", "每期合计上限（元）", "money", default=r["period_max_fen"]),
            Field("lifetime", "累计上限（元）", "money", default=r["lifetime_max_fen"]),
            Field("bonus", "每满 5 年增加比例", default=pct(r["bonus_per_5y"]), placeholder="医疗互助，如 5%"),
            Field("note", "说明", default=r["note"])], save, book, self,
            intro=f"{book.label('project', r['project'])} / {cat}：{r['text']}", ok_text="保存")

    def edit(self) -> None:
        r = self._selected(self.rule_view, self.rules)
        if r is not None and self.rule_dialog(r).exec() == QDialog.DialogCode.Accepted:
            self._written()

    def add_day(self) -> None:
        dialog = StepDialog(self.tr("登记节假日"), [
            Field("day", "日期", "date"), Field("kind", "安排", "choice", choices=(("off", "放假"), ("work", "调休上班"))),
            Field("name", "节日名称")],
            lambda v: workdays.put_holidays(self.ctx.db, self.ctx.actor, [(v["day"], v["kind"], v["name"])]),
            self.ctx.codebook(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._written()

    def delete_day(self) -> None:
        h = self._selected(self.holiday_view, self.holidays)
        if h is None or QMessageBox.question(self, self.tr("请确认"), self.tr("删除 {d} 的节假日安排吗？")
                                             .format(d=h["day"])) != QMessageBox.StandardButton.Yes:
            return
        if workdays.delete_holiday(self.ctx.db, self.ctx.actor, h["day"]):
            self._written()

    def _written(self) -> None:
        self.refresh()
        self.ctx.events.tell(self, "settings_changed")
