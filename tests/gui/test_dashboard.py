"""The statistics page: charts fed from the core's figures, the report table, Excel and PDF export."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.charts import Chart, Series, axis, nice_step
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.stats.page import ReportsPage


@pytest.fixture
def page(qtbot, folder, database, clerk):
    fonts.install(QApplication.instance())
    demo.generate(database, auth.SYSTEM, 400, seed=7)
    p = ReportsPage(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    p.refresh()
    return p


def test_dashboard_charts_show_the_core_figures(page, database):
    d = reports.dashboard(database, dt.date.today().year)
    view = page.dashboard
    assert view.by_category.categories == [c for c, _ in d.by_category]
    assert list(view.by_category.series[0].values) == [n for _, n in d.by_category]
    assert sum(view.by_township.series[0].values) == d.totals["active"]
    assert set(s.name for s in view.by_month_fund.series) == set(d.paid_by_fund)
    month_now = dt.date.today().month
    this_year = view.year_on_year.series[0].values
    assert this_year[month_now:] == [None] * (12 - month_now)       # months to come are not drawn as 0
    assert round(sum(v for v in this_year if v), 4) == round(d.totals["paid_this_year"] / 1_000_000, 4)
    assert view.active_value.text() == f"{d.totals['active']:,} 户"
    # every chart actually paints something besides white
    for chart in view.charts():
        image = chart.grab().toImage()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 3, chart.title


def test_report_tab_computes_in_the_background_and_exports(page, tmp_path):
    view = page.report
    task = view.set_period(reports.Period.year(dt.date.today().year))
    wait(task)
    assert view.report is not None and view.table.rowCount() > 30
    labels = [view.table.item(r, 0).text() for r in range(view.table.rowCount()) if view.table.item(r, 0)]
    assert "一、接待来信来电来访" in labels and "追回拖欠工资" in labels
    row = labels.index("接待来信来电来访")
    assert view.table.item(row, 2).text() == f"{view.report.now['reception_total']:,}"
    out = tmp_path / "year.xlsx"
    wait(view.export("xlsx", str(out)))
    assert load_workbook(out)["统计报表"]["D5"].value == view.report.now["reception_total"]
    pdf = tmp_path / "year.pdf"
    wait(view.export("pdf", str(pdf)))
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_one_axis_of_round_numbers_for_every_chart():
    """The dashboard's columns and the ledger's monthly chart (red ink below 0) share ``axis``."""
    assert axis(0, 47) == (0, 50, 10)
    assert axis(0, 120) == (0, 125, 25)
    assert axis(3, 9) == (0, 10, 2)                   # 0 is always on the axis
    assert axis(-30, 80) == (-50, 100, 25)            # a red-ink month below the axis
    assert axis(-7, -2) == (-8, 0, 2)                 # all below: 0 on top
    assert axis(0, 0) == axis(-0.0, 0) == (0, 1, 1)   # nothing to hold
    for low, high in ((0, 1), (0, 0.8), (-123.4, 5678.9), (0, 9_999_999)):
        bottom, top, step = axis(low, high)
        assert bottom <= min(low, 0) and top >= max(high, 0) and (top - bottom) / step <= 12


def test_chart_draws_bars_lines_and_an_empty_message():
    assert [nice_step(v) for v in (9, 47, 120, 0.8)] == [2, 10, 25, 0.2]
    image = QImage(400, 260, QImage.Format.Format_RGB32)
    for kind in ("hbar", "stacked", "lines"):
        chart = Chart("测试", kind)
        chart.set_data(["一", "二", "三"], [Series("甲", [3, None, 5]), Series("乙", [1, 2, 0])], unit="户")
        image.fill(QColor("white"))
        p = QPainter(image)
        chart.paint(p, QRectF(0, 0, 400, 260))
        p.end()
        assert len({image.pixelColor(x, y).name() for x in range(0, 400, 5) for y in range(0, 260, 5)}) > 3
    empty = Chart("空", "lines")
    empty.set_data([], [])
    assert empty.total() == 0
