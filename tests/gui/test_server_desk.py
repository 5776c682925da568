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
