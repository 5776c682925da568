"""What to print: the inputs a form's data source needs (archive numbers, project and period,
statistics period, publicity period and place), shown or hidden by the chosen form."""

from __future__ import annotations

import datetime as _dt
import re

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.city import region
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.register import households as register
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import refill_choices
from helpdesk_gui.gui.kit.forms import form_layout
from helpdesk_gui.printing.form import Form
from helpdesk_gui.printing.sources import Selection


def _qdate(d: _dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> _dt.date:
    return _dt.date(q.year(), q.month(), q.day())


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class ParamsPanel(QWidget):
    """The inputs of one print job; ``selection()`` turns them into a ``Selection``."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form: Form | None = None
        book = ctx.codebook()
        self.archives = QLineEdit()
        self.archives.setPlaceholderText(self.tr("档案编号，多户用逗号或空格分隔"))
        self.project = QComboBox()
        self.project.addItem(self.tr("全部项目"), None)
        for item in book.items("project"):
            self.project.addItem(item.label, item.code)
        self.records = QLineEdit()
        self.records.setPlaceholderText(self.tr("可选：指定帮扶记录编号，用逗号分隔（填写后只打印这些记录）"))
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.this_month = QPushButton(self.tr("本月"))
        self.last_month = QPushButton(self.tr("上月"))
        self.this_year = QPushButton(self.tr("本年"))
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(self.tr("至")))
        dates.addWidget(self.date_to)
        for b in (self.this_month, self.last_month, self.this_year):
            dates.addWidget(b)
        dates.addStretch(1)
        self.dates_row = QWidget()
        self.dates_row.setLayout(dates)
        self.place = QLineEdit()
        self.county = QComboBox()              # at the city: the statistics of one county, or of the whole city
        self.county.addItem(self.tr("全市（全部县区）"), "")
        self.settlement = QComboBox()          # 医疗互助 quarterly settlements (form mutual_roster)
        self.claims = QLineEdit()              # 医疗互助 claim numbers (form mutual_claim)
        self.claims.setPlaceholderText(self.tr("报销编号，如 HZ2026-0001，多件用逗号分隔"))
        self.reveal = QCheckBox(self.tr("打印完整的身份证号、电话和银行账号（记入审计日志）"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")

        self.layout_ = form_layout(self)
        self.layout_.addRow(self.tr("档案编号"), self.archives)
        self.layout_.addRow(self.tr("帮扶项目"), self.project)
        self.layout_.addRow(self.tr("帮扶记录"), self.records)
        self.layout_.addRow(self.tr("期间"), self.dates_row)
        self.layout_.addRow(self.tr("公示地点"), self.place)
        self.layout_.addRow(self.tr("统计范围"), self.county)
        self.layout_.addRow(self.tr("结算单"), self.settlement)
        self.layout_.addRow(self.tr("报销编号"), self.claims)
        self.layout_.addRow("", self.reveal)
        self.layout_.addRow("", self.note)

        self.this_month.clicked.connect(lambda: self.set_period("this_month"))
        self.last_month.clicked.connect(lambda: self.set_period("last_month"))
        self.this_year.clicked.connect(lambda: self.set_period("this_year"))
        for w in (self.archives, self.records, self.place, self.claims):
            w.textChanged.connect(lambda _t: self.changed.emit())
        self.set_period("this_month")

    # ---- periods
    def set_period(self, which: str, today: _dt.date | None = None) -> None:
        today = today or _dt.date.today()
        if which == "this_month":
            start, end = today.replace(day=1), today
        elif which == "last_month":
            end = today.replace(day=1) - _dt.timedelta(days=1)
            start = end.replace(day=1)
        elif which == "this_year":
            start, end = _dt.date(today.year, 1, 1), today
        else:  # publicity: from today for the configured number of days
            days = int(settings.get(self.ctx.db, "publicity_days"))
            start, end = today, today + _dt.timedelta(days=days - 1)
        self.date_from.setDate(_qdate(start))
        self.date_to.setDate(_qdate(end))

    # ---- the chosen form
    def set_form(self, form: Form | None, household_ids: tuple[int, ...] = ()) -> None:
        self.form = form
        needs = form.source.needs if form else ""
        rows = {self.archives: needs in ("household", "publicity"), self.project: needs == "project",
                self.records: needs == "project", self.dates_row: needs in ("project", "period", "publicity"),
                self.place: needs == "publicity", self.settlement: needs == "mutual_settlement",
                self.claims: needs == "mutual_claim",
                self.county: needs == "period" and region.shows_counties(self.ctx.db),
                self.reveal: bool(form and form.source.sensitive and not form.public)}
        for widget, visible in rows.items():
            self.layout_.setRowVisible(widget, visible)
        can_reveal = self.ctx.actor.can("register.reveal") and not self.ctx.readonly
        self.reveal.setEnabled(can_reveal)
        if not can_reveal:
            self.reveal.setChecked(False)
        if needs == "mutual_settlement":
            self.settlement.clear()
            for st in mutual_settle.list_settlements(self.ctx.db):
                state = {"draft": "待记账", "posted": "已记账", "cancelled": "已作废"}.get(st["status"], "")
                self.settlement.addItem(f"{st['settle_no']}　{mutual_settle.quarter_label(st['quarter'])}（{state}）",
                                        int(st["id"]))
        if needs == "period":
            refill_choices(self.county, region.sender_choices(self.ctx.db) if region.shows_counties(self.ctx.db) else [])
        if needs == "publicity":
            self.set_period("publicity")
            self.place.setText(str(settings.get(self.ctx.db, "publicity_place")))
        notes = {"household": self.tr("可一次填写多户，所有表格合成一个 PDF。"),
                 "publicity": self.tr("不填档案编号时，列出所有“公示中”的档案；公示名单上的身份证号始终遮蔽。"),
                 "project": self.tr("按帮扶项目和发放日期列出帮扶记录；不选项目则列出期间内的全部记录。"),
                 "period": self.tr("统计期间默认本月；本年累计从所选截止日期所在年度的 1 月 1 日算起。"),
                 "mutual_settlement": self.tr("医疗互助季度结算的签收花名册；也可在“医疗互助—季度结算”中直接打印。"),
                 "mutual_claim": self.tr("每件报销一张审批表，含单据和计算过程；待审批的按现在的情况试算。")}
        self.note.setText(notes.get(needs, ""))
        if household_ids:
            self.archives.setText(", ".join(self._archive_nos(household_ids)))

    def _archive_nos(self, ids: tuple[int, ...]) -> list[str]:
        return [str(register.get_household(self.ctx.db, hid)["archive_no"]) for hid in ids[:50]]

    def selection(self) -> Selection:
        """The inputs as a ``Selection``; ``ValidationError`` names what is missing or wrong."""
        needs = self.form.source.needs if self.form else ""
        ids: tuple[int, ...] = ()
        numbers = [n for n in re.split(r"[,，、;；\s]+", self.archives.text()) if n]
        if needs in ("household", "publicity") and numbers:
            ids = tuple(register.household_id_by_archive(self.ctx.db, n) for n in numbers)
        if needs == "household" and not ids:
            raise ValidationError("档案编号", "请填写要打印的档案编号")
        start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
        if end < start:
            raise ValidationError("期间", "结束日期早于开始日期", f"{start} 至 {end}")
        roster = None
        if needs == "project":
            records = tuple(n for n in re.split(r"[,，、;；\s]+", self.records.text()) if n)
            if records:
                roster = rosters.RosterQuery(record_nos=records)
            else:
                roster = rosters.RosterQuery(project=self.project.currentData(), date_from=start.isoformat(),
                                             date_to=end.isoformat())
        settlement: int | None = None
        claims: tuple[int, ...] = ()
        if needs == "mutual_settlement":
            if self.settlement.currentData() is None:
                raise ValidationError("结算单", "还没有医疗互助季度结算，请先在“医疗互助—季度结算”中新建")
            settlement = int(self.settlement.currentData())
        if needs == "mutual_claim":
            numbers = [n for n in re.split(r"[,，、;；\s]+", self.claims.text()) if n]
            if not numbers:
                raise ValidationError("报销编号", "请填写要打印的报销编号")
            claims = tuple(int(mutual_claims.claim_by_no(self.ctx.db, n)["id"]) for n in numbers)
        return Selection(household_ids=ids, roster=roster, mutual_settlement=settlement, mutual_claims=claims,
                         date_from=start if needs in ("project", "period", "publicity") else None,
                         date_to=end if needs in ("project", "period", "publicity") else None,
                         place=self.place.text().strip() if needs == "publicity" else "",
                         county=(self.county.currentData() or "") if needs == "period" else "")

    def wants_reveal(self) -> bool:
        return self.reveal.isVisibleTo(self) and self.reveal.isEnabled() and self.reveal.isChecked()
