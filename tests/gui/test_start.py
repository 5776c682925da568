"""A quick start: the window shows before the home page's worklist counts, which arrive from a worker
thread; feature pages and heavy libraries load only when they are used."""

from __future__ import annotations

import subprocess
import sys
import threading

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.reports import worklists
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.main_window import MainWindow


def test_home_counts_arrive_after_the_window_shows(qtbot, folder, database, admin, monkeypatch):
    demo.generate(database, auth.SYSTEM, 40, seed=4)
    expected = worklists.counts(database)
    items = worklists.items(database, worklists.WORKLISTS[0].key)
    assert any(expected.values()) and items
    real_counts = worklists.counts
    threads: list[int] = []
    release = threading.Event()

    def slow_counts(db, today=None):  # a big register: the counts take a while (here: until released)
        threads.append(threading.get_ident())
        release.wait(10)
        return real_counts(db, today)

    monkeypatch.setattr(worklists, "counts", slow_counts)
    try:
        window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)   # counting has begun, on another thread
        assert threads[0] != threading.get_ident()
        home = window.pages["home"]
        assert window.current_page_key() == "home" and home.counts is None
        assert all(card.text().endswith("计算中…") for card in home.cards.values())
        # meanwhile the clerk can go to the register and type a search
        window.show_page("register")
        register = window.pages["register"]
        assert register.model.rowCount() == 40
        register.search_edit.insert("王")
        assert register.search_edit.text() == "王"
        assert home.counts is None
    finally:
        release.set()
    qtbot.waitUntil(lambda: home.counts is not None, timeout=10_000)
    for w in worklists.WORKLISTS:
        assert home.cards[w.key].text() == f"{w.title}\n{expected[w.key]:,} {w.unit}"
    assert home.table.rowCount() == len(items)
    assert home.table.item(0, 0).text() == items[0]["archive_no"]


def test_a_save_while_counting_counts_again(qtbot, folder, database, admin):
    demo.generate(database, auth.SYSTEM, 10, seed=5)
    window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(window)
    home = window.pages["home"]
    rounds: list[bool] = []
    home.loaded.connect(lambda: rounds.append(True))
    window.ctx.events.household_saved.emit(1)   # arrives while the first count runs
    qtbot.waitUntil(lambda: len(rounds) == 2, timeout=10_000)
    qtbot.wait(100)
    assert len(rounds) == 2 and home.counts == worklists.counts(database)


def test_pages_are_built_and_imported_only_when_shown(qtbot, folder, database, admin):
    window = MainWindow(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(window)
    assert "ledger" in window.pages and "settings" in window.pages   # asking does not build them
    assert set(window.pages.built) == {"home"}
    assert window.show_page("ledger") and window.current_page_key() == "ledger"
    assert set(window.pages.built) == {"home", "ledger"}


def test_every_page_names_an_existing_page_class():
    import importlib

    from helpdesk_gui.gui.main_window import PAGES
    for spec in PAGES:
        if isinstance(spec.factory, str):
            module, _, name = spec.factory.partition(":")
            assert isinstance(getattr(importlib.import_module(module), name), type), spec.key


def test_start_does_not_import_the_heavy_libraries(folder, database):
    """A fresh interpreter: building the window and the register page loads no Excel, PDF or pinyin code."""
    script = f"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from helpdesk_gui.core.access import auth
from helpdesk_gui.core import db as dbm
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.kit.worker import QThreadPool
app = QApplication([])
db = dbm.open_db(Path({str(folder / "helpdesk.db")!r}))
window = MainWindow(AppContext(folder=Path({str(folder)!r}), db=db, actor=auth.get_actor(db, "admin")))
window.show_page("register")
window.show()
app.processEvents()
QThreadPool.globalInstance().waitForDone(30000)
heavy = ("openpyxl", "python_calamine", "xlsxwriter", "reportlab", "pypdfium2", "pypinyin", "matplotlib",
         "PySide6.QtCharts", "helpdesk_gui.printing.render", "helpdesk_gui.gui.ledger.page",
         "helpdesk_gui.gui.household.editor")
print(",".join(m for m in heavy if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), done.stdout
