"""The admin's backup page: back up now, see it listed with counts, restore with confirmation."""

from __future__ import annotations

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.gui.backup.page import BackupPage
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.session import Session


def test_backup_now_lists_it_and_restore_asks_first(qtbot, folder, database, admin, message_boxes):
    demo.generate(database, auth.SYSTEM, 25, seed=1)
    page = BackupPage(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(page)
    assert page.table.rowCount() == 0
    wait(page.backup_now())
    assert page.table.rowCount() == 1
    assert page.table.item(0, 1).text() == "手动"
    # the file is opened and counted on a worker thread: "…" until then, the window never waits
    qtbot.waitUntil(lambda: page.table.item(0, 3).text() == "25", timeout=5000)
    assert page.table.item(0, 4).text() != "…"
    restored = []
    page.restored.connect(lambda: restored.append(True))
    page.table.selectRow(0)
    assert page.restore_selected()
    assert any(kind == "question" and "替换当前数据库" in text for kind, _t, text in message_boxes)
    assert restored and [b.kind for b in backup.list_backups(folder)].count("before_restore") == 1


def test_clerk_has_no_backup_page_and_the_programs_end_backs_up(qtbot, folder, database, clerk):
    session = Session(folder, database)
    window = session.start(clerk)
    qtbot.addWidget(window)
    assert "backup" not in window.pages
    qtbot.waitUntil(lambda: not window.pages["home"].busy(), timeout=5000)   # its counts in, as at a real exit
    window.close()
    assert backup.list_backups(folder) == []          # the exit backup is the program's end, not the window's
    session.end()                                     # what gui/app.py does when the event loop has ended
    assert [b.kind for b in backup.list_backups(folder)] == ["exit"]


def test_purge_of_archives_past_retention_asks_and_clears(qtbot, folder, database, admin, message_boxes):
    import datetime as dt
    demo.generate(database, auth.SYSTEM, 60, seed=2)
    old = database.execute("SELECT id FROM households WHERE status = 'exited' LIMIT 1").fetchone()[0]
    database.execute("UPDATE households SET exit_date = ? WHERE id = ?",
                     [(dt.date.today() - dt.timedelta(days=365 * 12)).isoformat(), old])
    page = BackupPage(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(page)
    assert "现有 1 户已到期" in page.retention_label.text()
    assert page.purge() == 1
    assert any(kind == "question" and "不能撤销" in text for kind, _t, text in message_boxes)
    assert database.execute("SELECT name FROM households WHERE id = ?", [old]).fetchone()[0] == "（已清除）"
    assert "现有 0 户已到期" in page.retention_label.text()
