"""The monthly / yearly report: choose a period, see the city's figures (本期, 本年累计, 上年同期),
export them to Excel or print the 统计月报 form. Work runs off the GUI thread (``gui.kit.worker.Task``)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.core.reports import xlsx as report_xlsx
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.worker import Progress, Task, run_task, save_in_background, with_db


def _quarter(d: _dt.date) -> reports.Period:
    first = _dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    last_month = first.month + 2
    return reports.Period(first, reports.Period.month(d.year, last_month).end)


def quick_periods(today: _dt.date) -> list[tuple[str, reports.Period]]:
    prev = today.replace(day=1) - _dt.timedelta(days=1)
    return [("本月", reports.Period.month(today.year, today.month)), ("上月", reports.Period.month(prev.year, prev.month)),
            ("本季度", _quarter(today)), ("本年", reports.Period.year(today.year)),
            ("上年", reports.Period.year(today.year - 1))]


class ReportView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: reports.Report | None = None
        self.county: str | None = None            # one county of the city (set by the page), or all
        self.county_name = ""
        self.running = 0   # reports being computed on a worker thread
        today = _dt.date.today()
        month = reports.Period.month(today.year, today.month)
        self.date_from = date_edit(month.start, not_after_today=False)
        self.date_to = date_edit(month.end, not_after_today=False)
        self.run_button = QPushButton(self.tr("统计"))
        self.run_button.setDefault(True)
        period_line = QHBoxLayout()
        period_line.addWidget(QLabel(self.tr("统计期间")))
        for text, period in quick_periods(today):
            b = QPushButton(self.tr(text))
            b.clicked.connect(lambda _c=False, p=period: self.set_period(p))
            period_line.addWidget(b)
        period_line.addSpacing(12)
        period_line.addWidget(self.date_from)
        period_line.addWidget(QLabel(self.tr("至")))
        period_line.addWidget(self.date_to)
        period_line.addWidget(self.run_button)
        period_line.addStretch(1)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("指标"), self.tr("单位"), self.tr("本期"), self.tr("本年累计"),
                                              self.tr("上年同期")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for i, w in enumerate((260, 60, 140, 140, 140)):
            self.table.setColumnWidth(i, w)
        self.excel_button = QPushButton(self.tr("导出 Excel…"))
        self.pdf_button = QPushButton(self.tr("打印统计月报（PDF）…"))
        self.note = QLabel(self.tr("接待、服务事项按登记或办结日期统计；帮扶按发放日期统计；期末数为期间最后一天的时点数。"))
        self.note.setStyleSheet("color: #555555;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(period_line)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.run_button.clicked.connect(lambda: self.run())
        self.excel_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.excel_button.setEnabled(False)
        self.pdf_button.setEnabled(False)

    def period(self) -> reports.Period:
        return reports.Period.parse(day_of(self.date_from), day_of(self.date_to))

    def set_period(self, period: reports.Period) -> Task | None:
        for edit, d in ((self.date_from, period.start), (self.date_to, period.end)):
            edit.setDate(edit.date().fromString(d.isoformat(), "yyyy-MM-dd"))
        return self.run()

    def run(self) -> Task | None:
        period = guarded(self, self.period)
        if period is None:
            return None

        def ended(report: reports.Report | None) -> None:
            self.running -= 1
            if report is not None:
                self.show_report(report)

        self.running += 1
        county, name = self.county, self.county_name
        return run_task(self, self.tr("正在统计…"),
                        with_db(self.ctx, lambda db, _p, _c: reports.build(db, period, county, name)),
                        ended, on_failed=lambda _e: ended(None))

    def show_report(self, report: reports.Report) -> None:
        self.report = report
        union = f"{report.union_name}·{report.county_name}" if report.county else report.union_name
        self.title.setText(self.tr("{union}困难职工帮扶工作统计　{p}").format(union=union, p=report.period.text()))
        rows = report.rows()
        sections: list[str] = []
        for r in rows:
            if not sections or sections[-1] != r["section"]:
                sections.append(r["section"])
        self.table.clearSpans()
        self.table.setRowCount(len(rows) + len(sections))
        bold = QFont(self.font())
        bold.setBold(True)
        i, section = 0, ""
        for r in rows:
            if r["section"] != section:
                section = str(r["section"])
                item = QTableWidgetItem(section)
                item.setFont(bold)
                item.setBackground(QBrush(QColor("#fff2cc")))
                self.table.setItem(i, 0, item)
                self.table.setSpan(i, 0, 1, 5)
                i += 1
            cells = [str(r["label"]), str(r["unit"])] + [
                yuan(int(r[k])) if r["money"] else f"{int(r[k]):,}"
                for k in ("period", "ytd", "last_year")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
            i += 1
        self.excel_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def export(self, kind: str, path: str | None = None) -> Task | None:
        report = self.report
        if report is None:
            return None
        p = report.period
        ctx = self.ctx

        def write(db: Database, target: Path, progress: Progress) -> Path:
            if kind == "xlsx":
                return report_xlsx.write(report, target)
            from helpdesk_gui.printing.reports import print_report
            return print_report(db, p, target, actor=ctx.actor, user_dir=ctx.folder / "forms", progress=progress,
                                county=report.county).path

        return save_in_background(
            self, ctx, write, caption=self.tr("保存统计报表"), default_name=f"统计报表{'_' + report.county if report.county else ''}_{p.start:%Y%m%d}-{p.end:%Y%m%d}.{kind}",
            file_filter=self.tr("Excel 工作簿 (*.xlsx)") if kind == "xlsx" else self.tr("PDF 文件 (*.pdf)"),
            box_title=self.tr("统计报表"), saved=lambda out, _t: self.tr("已保存到\n{p}").format(p=out), path=path)
