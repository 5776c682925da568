"""A desk of a centre with a server: the first-run dialog connects to it and remembers it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import Qt

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.admin import server_move
from helpdesk_gui.core.db import server
from helpdesk_gui.gui.login import FirstRunDialog


def test_first_run_connects_to_the_centres_server(qtbot, folder, pg_url, tmp_path):
    server_move.init_server(tmp_path / "it", server.parse(pg_url), "530122", "某某县总工会", "admin1234")
    parts = urlsplit(pg_url)
    query = parse_qs(parts.query)
    dialog = FirstRunDialog(folder / "helpdesk.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 2 and dialog.windowTitle() == "首次使用：连接到本中心的服务器"
    qtbot.keyClicks(dialog.host, query["host"][0])
    dialog.port.setText("1")                                  # a wrong port first: said, nothing saved
    dialog.dbname.setText(parts.path.strip("/"))
    dialog.user.setText("postgres")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "无法连接到服务器" in dialog.server_error.text() and dialog.isVisible()
    assert server.chosen(folder) is None
    dialog.port.setText(query["port"][0])
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted and dbm.on_server(dialog.db)
    assert dbm.get_meta(dialog.db, "union_name") == "某某县总工会"
    assert server.chosen(folder) is not None                  # the next start goes to the server
    dbm.close(dialog.db)


def test_the_window_on_a_server_lists_searches_and_says_where_the_register_is(qtbot, folder, engine_database):
    """The main window opened on the centre's server the way a clerk opens it: the register page lists the
    households and finds one typed in the search box; the status bar names the server, not a file size."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.gui.context import AppContext
    from helpdesk_gui.gui.main_window import MainWindow

    db = engine_database
    demo.generate(db, auth.SYSTEM, 60, seed=5)
    window = MainWindow(AppContext(folder=folder, db=db, actor=auth.get_actor(db, "clerk")))
    qtbot.addWidget(window)
    window.show()
    assert window.show_page("register")
    page = window.pages["register"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 60, timeout=10_000)
    name = str(db.execute("SELECT name FROM households ORDER BY archive_no LIMIT 1").fetchone()[0])
    page.search_edit.setText(name)
    qtbot.waitUntil(lambda: 1 <= page.model.rowCount() < 60, timeout=10_000)
    shown = window.size_label.text()
    assert shown.startswith("服务器 ") if dbm.on_server(db) else shown.startswith("数据库 ")
