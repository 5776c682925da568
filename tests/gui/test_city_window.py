"""The city's desk through the real window: the register filtered by county, the 数据交换 page's county tabs
(which county sent what, 跨县重复, the verdicts), the export dialog choosing the county, the statistics of one
county. Two demo counties' batches imported into a city database (530100)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.exchange import export, importer
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("own_settings")

CITY = "530100"
COUNTIES = {"530102": ("五华区总工会", 21, 30), "530122": ("晋宁区总工会", 22, 25)}
A, B = COUNTIES
SHOTS = Path("/tmp/helpdesk-city-shots")


@pytest.fixture(scope="module")
def city_folder(tmp_path_factory) -> Path:
    """The city's data folder: both counties' full batches imported; the head of A's first active archive is
    also the head of an archive in B (跨县重复)."""
    root = tmp_path_factory.mktemp("city")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "SCRYPT_N", 2**8)
        batches = []
        head: dict = {}
        for code, (name, seed, n) in COUNTIES.items():
            db = setup.initialise(paths.db_path(root / code), code, name, "admin1234")
            demo.generate(db, auth.SYSTEM, n, seed=seed)
            if code == A:
                head = rows(db, "SELECT name, id_number FROM households WHERE status = 'active' ORDER BY id LIMIT 1")[0]
            else:
                register.create_household(db, auth.SYSTEM, HouseholdDraft(fields={**head, "cause_main": "3"}))
            batches.append(root / f"{code}.xlsx")
            export.export_batch(db, auth.get_actor(db, "admin"), batches[-1], full=True)
            db.conn.close()
        folder = root / "data"
        db = setup.initialise(paths.db_path(folder), CITY, "昆明市总工会", "admin1234")
        for path in batches:
            assert importer.import_batch(db, auth.get_actor(db, "admin"), path).status == importer.IMPORTED
        db.conn.close()
    return folder


@pytest.fixture
def window(qtbot, qapp, city_folder, folder) -> MainWindow:
    fonts.install(qapp)
    gui_app.make_app()
    shutil.copytree(city_folder, folder)
    db = dbm.open_db(paths.db_path(folder))
    w = MainWindow(AppContext(folder=folder, db=db, actor=auth.get_actor(db, "admin")))
    qtbot.addWidget(w)
    w.resize(1360, 820)
    w.show()
    return w


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def shown_column(model, title: str) -> list[str]:
    c = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())].index(title)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def test_register_filters_by_county(window):
    assert window.show_page("register")
    page = window.pages["register"]
    box = page.county_box
    assert box.isVisible()
    assert [box.itemText(i) for i in range(box.count())] == [
        "全部县区", f"五华区总工会（{A}）", f"晋宁区总工会（{B}）"]
    county_column = len(page.model.columns) - 1
    assert not page.table.isColumnHidden(county_column)
    total = page.model.rowCount()
    assert total == 30 + 25 + 1 and page.count_label.text() == f"共 {total} 户"
    box.setCurrentIndex(box.findData(A))
    assert page.count_label.text() == "共 30 户"
    assert set(shown_column(page.model, "所属县区")) == {"五华区总工会"}
    shot(window, "register_by_county")
    box.setCurrentIndex(box.findData(B))
    assert page.count_label.text() == "共 26 户"
    assert set(shown_column(page.model, "所属县区")) == {"晋宁区总工会"}
    page.search_edit.setText(page.model.data(page.model.index(0, 1)))   # a name of B, within B only
    page.apply_query()
    assert 1 <= page.model.rowCount() < 26 and set(shown_column(page.model, "所属县区")) == {"晋宁区总工会"}
    page.search_edit.clear()
    box.setCurrentIndex(0)
    assert page.count_label.text() == f"共 {total} 户"


def test_exchange_page_shows_the_counties_and_sends_a_verdict_down(window, qtbot, tmp_path, message_boxes):
    assert window.show_page("exchange")
    page = window.pages["exchange"]
    qtbot.waitUntil(lambda: not page.busy(), timeout=10_000)      # the cross-county list is found off the GUI thread
    city = page.city
    assert city is not None and page.tabs.currentIndex() == city.index["counties"]
    lines = {r.key: r.cells for r in city.county_model.rows}
    assert lines[A][:3] == [A, "五华区总工会", "30"] and lines[B][:3] == [B, "晋宁区总工会", "26"]
    assert "困难职工 30 行" in lines[A][4] and lines[A][3] != "—"
    assert "本市 2 个县区已上报" in page.summary.text()
    shot(window, "exchange_counties")
    # 跨县重复: one person, one line per county
    page.tabs.setCurrentIndex(city.index["duplicates"])
    assert page.tabs.tabText(city.index["duplicates"]) == "跨县重复（1 人）"
    places = [r.cells for r in city.duplicate_model.rows]
    assert [p[2] for p in places] == [f"{A} 五华区总工会", f"{B} 晋宁区总工会"] and all(p[5] == "户主" for p in places)
    assert "*" in places[0][0]                       # the ID number is masked
    city.duplicates.selectRow(0)                     # A's archive stays, B's is the duplicate
    assert city.keep_selected() == 1
    qtbot.waitUntil(lambda: not page.busy(), timeout=10_000)
    said = [r.cells[7] for r in city.duplicate_model.rows]
    assert said == ["", "跨县重复（待下发）"]
    shot(window, "exchange_duplicates")
    page.tabs.setCurrentIndex(city.index["verdicts"])
    [verdict] = city.verdict_model.rows
    assert verdict.cells[0] == f"{B} 晋宁区总工会" and verdict.cells[3] == "跨县重复" and verdict.cells[7] == "待下发"
    assert places[0][3] in verdict.cells[4]          # the 说明 names the archive that stays
    # the county's batch, chosen from 各县上报
    page.tabs.setCurrentIndex(city.index["counties"])
    city.counties.selectRow(city.county_model.row_of(B))
    city.export_county_button.click()
    dialog = page.dialogs[-1]
    assert dialog.receiver_code() == B and "核查结果 1 条" in dialog.preview.text()
    assert not dialog.full.isVisibleTo(dialog)
    codes = [dialog.receiver.itemData(i) for i in range(dialog.receiver.count())]
    assert codes == [A, B, "530000"]                 # its counties, then its province
    shot(dialog, "export_to_county")
    out = tmp_path / "530100_下发_530122.xlsx"
    dialog.path_edit.setText(str(out))
    wait(dialog.start())
    assert out.exists() and dialog.exported_result is not None and dialog.exported_result.counts == {"核查结果": 1}
    page.refresh()
    assert city.verdict_model.rows[0].cells[7].startswith("已下发")
    assert page.history_model.rows[0].cells[1] == "发出" and B in page.history_model.rows[0].cells[2]
    # 查看该县档案: the register, filtered
    city.counties.selectRow(city.county_model.row_of(A))
    city.show_register_button.click()
    register_page = window.pages["register"]
    assert window.current_page_key() == "register" and register_page.county_box.currentData() == A
    assert register_page.count_label.text() == "共 30 户"


def test_statistics_of_one_county(window):
    assert window.show_page("reports")
    page = window.pages["reports"]
    assert page.county_box.isVisible() and page.county_box.count() == 3
    everyone = page.dashboard.data.totals["active"]
    page.county_box.setCurrentIndex(page.county_box.findData(A))
    db = window.ctx.db
    active_a = scalar(db, "SELECT count(*) FROM households WHERE status = 'active' AND sender_code = ?", [A])
    assert page.dashboard.data.totals["active"] == active_a < everyone
    page.tabs.setCurrentIndex(1)
    wait_for = page.report
    from helpdesk_gui.gui.kit.worker import wait as wait_task
    task = wait_for.run()
    if task is not None:
        wait_task(task)
    assert wait_for.report is not None and wait_for.report.county == A
    assert "五华区总工会" in wait_for.title.text()


def test_the_printed_monthly_report_of_one_county(window, tmp_path):
    """The 打印 page at the city: the 月度统计报表 can be of the whole city or of one county (统计范围)."""
    import pypdfium2 as pdfium

    from helpdesk_gui.printing import render

    assert window.show_page("printing")
    page = window.pages["printing"]
    row = next(i for i, f in enumerate(page.forms) if getattr(f, "key", "") == "monthly")
    page.list.setCurrentRow(row)
    params = page.params
    assert params.county.isVisibleTo(params) and params.county.count() == 3
    params.county.setCurrentIndex(params.county.findData(A))
    selection = params.selection()
    assert selection.county == A
    out = tmp_path / "月报.pdf"
    render.render(window.ctx.db, page.forms[row], selection, out, actor=window.ctx.actor)
    text = "".join(pdfium.PdfDocument(str(out))[i].get_textpage().get_text_range()
                   for i in range(len(pdfium.PdfDocument(str(out)))))
    assert "五华区总工会" in text.replace(" ", "")
    params.county.setCurrentIndex(0)
    assert params.selection().county == ""


@pytest.mark.parametrize("key", ["exchange", "register", "reports"])
def test_every_button_at_the_city(window, qtbot, monkeypatch, message_boxes, tmp_path, city_folder, key):
    """The city's pages, every button clicked (gui/walker.py): no unexpected error, no English."""
    from gui.walker import Walker
    out = tmp_path / "out"
    out.mkdir()
    walker = Walker(qtbot, monkeypatch, out, message_boxes, people={"admin", "system"},
                    samples={"xlsx": city_folder.parent / f"{A}.xlsx"})
    assert window.show_page(key)
    walker.settle()
    walker.walk(window.pages[key], key)
    assert walker.clicked, "nothing to click"
    assert not walker.crashes, walker.crashes
    assert not walker.english, "\n".join(f"{w} ← {where}" for where, w in walker.english.items())
