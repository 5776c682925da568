"""One page lifecycle, driven through the real window over a demo register: every page shows its data the
first time it is opened and the same after a return; the 工作台 follows every kind of change on its own;
``--screenshot`` of the ledger and the reports shows them filled; no unexpected-error dialog on the way."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QWidget,
)

from exchange.test_foreign import station_sheet
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup, setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.exchange import export
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui import fonts
from helpdesk_gui.gui.applications.step_dialog import StepDialog
from helpdesk_gui.gui.context import AppContext, Events
from helpdesk_gui.gui.kit.charts import Chart
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.ledger.chart import MonthlyChart
from helpdesk_gui.gui.ledger.pay_dialog import PayDialog
from helpdesk_gui.gui.ledger.roster_dialog import RosterDialog
from helpdesk_gui.gui.main_window import PAGES, MainWindow
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.reception.entry_dialog import EntryDialog

pytestmark = pytest.mark.usefixtures("own_settings")

GUI = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "gui"
SHORTCUT = re.compile(r"\((Ctrl|Alt)\+\w+\)|&\w|Alt\+\d")
#: the pages whose first screen is a form, not a list or a chart
FORMS = {"settings"}


# ---------------------------------------------------------------- a demo register, built once

@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    """A data folder with a 200-household demo (applications, reception, books, mutual aid), one batch sent
    to the city and one backup: what a county has after a few weeks."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "SCRYPT_N", 2**8)
        db = setup.initialise(paths.db_path(folder), "530122", "演示县总工会", "admin1234")
        demo.generate(db, auth.SYSTEM, 200, seed=1)
        export.export_batch(db, auth.get_actor(db, "admin"), folder.parent / "sent.xlsx", receiver_code="530100",
                            full=True)
        backup.create(db, folder, "manual")
        db.conn.close()
    return folder


@pytest.fixture
def window(qtbot, qapp, demo_folder, folder) -> MainWindow:
    """The admin's window (every page) over a copy of the demo, shown offscreen."""
    fonts.install(qapp)
    shutil.copytree(demo_folder, folder)
    db = dbm.open_db(paths.db_path(folder))
    w = MainWindow(AppContext(folder=folder, db=db, actor=auth.get_actor(db, "admin")))
    qtbot.addWidget(w)
    w.resize(1360, 820)
    w.show()
    settle(qtbot, w.pages["home"])
    return w


def settle(qtbot, page: Page) -> None:
    """Wait until the page's load is on screen, the work it started on worker threads included."""
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: not page.busy() and pool.activeThreadCount() == 0, timeout=20_000)
    qtbot.wait(20)   # a reload asked for by a change runs once the writer is done


def visible_state(page: QWidget) -> list[tuple[str, str, str, object]]:
    """What a clerk sees on the page: the rows of every visible list or table, the points of every visible
    chart, and every visible label, button or field that shows a figure (a digit). Sorted, so two looks
    compare equal when they show the same whatever order Qt lists the widgets in."""
    seen: list[tuple[str, str, str, object]] = []
    for w in page.findChildren(QWidget):
        if not w.isVisible() or isinstance(w, QHeaderView):
            continue
        name = (type(w).__name__, w.objectName())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            seen.append((*name, "rows", w.model().rowCount()))
        elif isinstance(w, Chart):
            seen.append((*name, "points", sum(1 for s in w.series for v in s.values if v)))
        elif isinstance(w, MonthlyChart):
            seen.append((*name, "points", sum(1 for _m, *money in w.months if any(money))))
        elif isinstance(w, QLabel | QAbstractButton | QLineEdit) and re.search(r"\d", SHORTCUT.sub("", w.text())):
            seen.append((*name, "figure", w.text()))
    return sorted(seen, key=repr)


def shows_something(state: list[tuple[str, str, str, object]]) -> bool:
    """Rows, chart points, or a figure (the settings page shows the county's own data in fields)."""
    return any(kind == "figure" or (isinstance(v, int) and v > 0) for *_w, kind, v in state)


def shows_rows_or_points(state: list[tuple[str, str, str, object]]) -> bool:
    return any(isinstance(v, int) and v > 0 for *_w, kind, v in state if kind in ("rows", "points"))


def unexpected(message_boxes) -> list[tuple[str, str, str]]:
    return [box for box in message_boxes if box[0] in ("critical", "warning")]


# ---------------------------------------------------------------- every page: first look, and after a return

@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_every_page_shows_its_data_the_first_time_and_after_a_return(qtbot, window, key, message_boxes):
    assert key in window.pages                                    # the admin sees every page
    row = window.pages.order.index(key)
    window.nav.setCurrentRow(row)                                 # through the navigation, as a clerk would
    page = window.pages[key]
    assert window.current_page_key() == key and page.on_screen
    settle(qtbot, page)
    first = visible_state(page)
    assert shows_something(first) if key in FORMS else shows_rows_or_points(first), first

    elsewhere = "register" if key == "home" else "home"
    assert window.show_page(elsewhere)
    settle(qtbot, window.pages[elsewhere])
    assert not page.on_screen
    window.nav.setCurrentRow(row)
    settle(qtbot, page)
    assert visible_state(page) == first
    assert not unexpected(message_boxes)


# ---------------------------------------------------------------- the 工作台 follows every change

def answer(monkeypatch, cls: type[QDialog], fill) -> None:
    """The next ``cls`` the window opens is filled by ``fill(dialog)`` and confirmed, as the clerk would."""
    def fake_exec(dialog):
        fill(dialog)
        ok = dialog.apply() if isinstance(dialog, StepDialog) else (dialog.accept(), dialog.result())[1]
        return QDialog.DialogCode.Accepted if ok else QDialog.DialogCode.Rejected
    monkeypatch.setattr(cls, "exec", fake_exec)


def test_home_counts_follow_every_change_without_a_click(qtbot, window, monkeypatch, message_boxes, tmp_path):
    db = window.ctx.db
    home = window.pages["home"]
    for key in ("reception", "applications", "ledger", "exchange"):   # opened once, then the clerk is home
        window.show_page(key)
        settle(qtbot, window.pages[key])
    window.show_page("home")
    settle(qtbot, home)
    rounds: list[bool] = []
    home.loaded.connect(lambda: rounds.append(True))

    def counts_move(key: str, by: int, change) -> None:
        before = dict(home.counts or {})
        assert before == worklists.counts(db)
        done = len(rounds)
        change()
        qtbot.waitUntil(lambda: len(rounds) > done, timeout=20_000)   # the home counted again on its own
        settle(qtbot, home)
        assert window.current_page_key() == "home"
        assert home.counts == worklists.counts(db)
        assert home.counts[key] == before[key] + by, key
        w = next(w for w in worklists.WORKLISTS if w.key == key)
        assert home.cards[key].text() == f"{w.title}\n{home.counts[key]:,} {w.unit}"

    # a reception entry of six weeks ago, logged through the reception page: one more overdue
    def log_entry(d: EntryDialog) -> None:
        d.received.setDate(QDate.fromString((dt.date.today() - dt.timedelta(days=42)).isoformat(), "yyyy-MM-dd"))
        d.name.insert("王大妈")
        d.matter.setPlainText("生活困难，请求救助")
    answer(monkeypatch, EntryDialog, log_entry)
    counts_move("reception_overdue", 1, lambda: window.pages["reception"].new_entry())

    # an application step: the home visit of an application waiting for it, through its detail's button
    app_id = worklists.items(db, "visit_due")[0]["id"]
    answer(monkeypatch, StepDialog, lambda d: (d.set_value("visitors", "李审核、社区王主任"),
                                               d.set_value("findings", "家庭情况属实")))
    applications = window.pages["applications"]
    applications.show_application(app_id)
    counts_move("visit_due", -1, lambda: applications.applications.detail.take("visit"))

    # a payment: a roster with the approved grant of a household never assisted, drafted and paid
    decision_id, household_id = db.execute(
        "SELECT d.id, d.household_id FROM decisions d JOIN households h ON h.id = d.household_id "
        "WHERE d.status = 'unpaid' AND h.status = 'active' AND NOT EXISTS "
        "(SELECT 1 FROM assistance_records a WHERE a.household_id = h.id) ORDER BY d.id LIMIT 1").fetchone()

    def draft(d: RosterDialog) -> None:
        row = next(r for r, it in enumerate(d.items) if it["decision_id"] == decision_id)
        for i in range(d.fund.count()):       # a fund that may pay it
            d.fund.setCurrentIndex(i)
            tick = d.table.item(row, 0)
            if tick.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                tick.setCheckState(Qt.CheckState.Checked)
                break
        d.title.insert("十二月生活救助")
    answer(monkeypatch, RosterDialog, draft)
    answer(monkeypatch, PayDialog, lambda d: d.batch.insert("NH-1205"))
    rosters = window.pages["ledger"].rosters

    def pay() -> None:
        assert rosters.new_roster()
        assert rosters.pay()
    counts_move("never_assisted", -1, pay)
    assert db.execute("SELECT count(*) FROM assistance_records WHERE household_id = ?", [household_id]).fetchone()[0]

    # an import: a station's sheet of three new applicants, through the wizard of the exchange page
    def import_sheet() -> None:
        wizard = window.pages["exchange"].open_wizard("sheet", str(station_sheet(tmp_path / "龙泉站.xlsx")))
        qtbot.addWidget(wizard)
        assert wizard.next() is None                 # the column mapping, as suggested
        wait(wizard.next())
        wizard.next()
        wizard.next()
        wait(wizard.start_import())
    counts_move("applications_open", 3, import_sheet)
    assert not unexpected(message_boxes)


def test_a_page_on_screen_reloads_once_for_a_burst_of_changes_and_not_for_its_own(qtbot, window):
    window.show_page("register")
    register = window.pages["register"]
    settle(qtbot, register)
    reloads: list[bool] = []
    monkey = register.refresh
    register.refresh = lambda: (reloads.append(True), monkey())  # type: ignore[method-assign]
    events = window.ctx.events
    for _ in range(3):
        events.household_saved.emit(1)
    events.households_changed.emit()
    assert register.stale and not reloads              # after the writer is done …
    qtbot.waitUntil(lambda: bool(reloads), timeout=5000)
    qtbot.wait(50)
    assert reloads == [True] and not register.stale    # … one reload
    events.tell(register.table, "household_saved", 1)  # told by the page itself: it shows it already
    qtbot.wait(50)
    assert reloads == [True] and not register.stale
    ledger = window.pages["ledger"]                    # a page not on screen is only marked
    events.payment_posted.emit()
    qtbot.wait(50)
    assert ledger.stale and not ledger.on_screen


# ---------------------------------------------------------------- the protocol, kept

def test_every_page_follows_the_protocol_and_the_window_knows_no_page():
    import importlib
    for spec in PAGES:
        assert isinstance(spec.factory, str)
        module, _, name = spec.factory.partition(":")
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, Page), spec.key
        assert set(cls.listens_to) <= set(Events.NAMES), spec.key
    home = importlib.import_module("helpdesk_gui.gui.home").HomePage
    assert set(home.listens_to) == set(Events.NAMES)
    source = (GUI / "main_window.py").read_text(encoding="utf-8")
    assert "type: ignore" not in source
    assert not re.search(r"key\s*==\s*\"|page_key\s*==", source)


def test_every_event_has_a_writer_and_a_listener():
    sources = {p: p.read_text(encoding="utf-8") for p in GUI.rglob("*.py")
               if p not in (GUI / "context.py", GUI / "page.py")}
    for name in Events.NAMES:
        told = [p for p, s in sources.items() if re.search(rf'events\.tell\([^)]*"{name}"', s)]
        assert told, f"nobody tells {name}"
        shown = [p for p, s in sources.items() if re.search(rf'listens_to = \([^)]*"{name}"', s, re.S)
                 or f"events.{name}.connect(" in s]
        assert shown, f"nothing but the 工作台 and the audit log shows {name}"


# ---------------------------------------------------------------- --screenshot --page ledger / reports

@pytest.mark.parametrize("key", ["ledger", "reports"])
def test_screenshot_of_the_ledger_and_the_reports_is_filled(qtbot, window, key, tmp_path, message_boxes):
    target = tmp_path / f"{key}.png"
    gui_app.screenshot(window, key, target)
    assert target.stat().st_size > 20_000
    page = window.pages[key]
    if key == "ledger":
        assert page.tabs.currentWidget() is page.overview
        assert page.overview.model.rowCount() > 0                  # the fund table
        assert any(page.overview.chart.months)
    else:
        charts = page.dashboard.charts()
        assert all(any(v for s in c.series for v in s.values) for c in charts), [c.title for c in charts]
        assert page.dashboard.active_value.text().endswith("户")
    assert shows_rows_or_points(visible_state(page))
    assert not unexpected(message_boxes)
