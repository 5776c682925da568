"""切换用户 on a shared desk: the admin's window asks about unsaved work, signs off, and the clerk who logs in
gets a window of their own; cancelling that login ends the program with its exit work done once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.admin import backup
from helpdesk_gui.gui.login import LoginDialog
from helpdesk_gui.gui.session import Session

pytestmark = pytest.mark.usefixtures("own_settings")


def _nav(window) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


@pytest.fixture
def logins(monkeypatch):
    """The login dialog answered as a user would: ``logins.who = (name, password)``, or None to cancel."""
    class Logins:
        who: tuple[str, str] | None = None
        seen: list[tuple[str, str]] = []

    def fake_exec(dialog):
        notes = [w.text() for w in dialog.findChildren(type(dialog.error)) if "退出登录" in w.text()]
        Logins.seen.append((dialog.windowTitle(), notes[0] if notes else ""))
        if Logins.who is None:
            return QDialog.DialogCode.Rejected
        dialog.username.setText(Logins.who[0])
        dialog.password.setText(Logins.who[1])
        dialog.try_login()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    return Logins


def test_admin_switches_to_the_clerk_who_sees_only_their_own_window(qtbot, folder, database, admin, logins,
                                                                     message_boxes):
    session = Session(folder, database)
    window = session.start(admin)        # not given to qtbot: the session deletes it at the switch
    window.show()
    assert "系统设置" in _nav(window) and "张经办" not in window.user_label.text()
    window.show_page("settings")
    editor = window.new_household()      # a new archive with something typed in, not saved
    editor.basic.name.insert("未保存的户主")
    assert editor.dirty
    assert window.switch_action.shortcut().toString() == "Ctrl+Shift+L"
    assert window.switch_action.text() == "切换用户…"

    logins.who = ("clerk", "passw0rd!")
    window.switch_action.trigger()
    qtbot.waitUntil(lambda: session.window is not None and session.window is not window, timeout=5000)
    clerk_window = session.window
    qtbot.addWidget(clerk_window)

    # the admin was asked about the unsaved archive, as closing asks
    assert any(kind == "question" and "未保存" in text for kind, _t, text in message_boxes)
    # the login said who left; the clerk's window has the clerk's pages and nothing of the admin's
    assert logins.seen == [("切换用户 — 帮扶中心工作台", "系统管理员 已退出登录。请下一位用户登录；点“退出程序”则关闭程序。")]
    assert clerk_window.isVisible()
    nav = _nav(clerk_window)
    assert "系统设置" not in nav and "数据备份" not in nav and "审计日志" not in nav and "档案管理" in nav
    assert "张经办" in clerk_window.user_label.text() and "经办人" in clerk_window.user_label.text()
    assert clerk_window.open_editors() == [] and clerk_window.current_page_key() == "home"
    # the audit: the admin's logout, then the clerk's login
    last = audit.query(database, audit.AuditFilter(entity="user"), limit=2)
    assert [(r["username"], r["action"]) for r in reversed(last)] == [("admin", "logout"), ("clerk", "login")]
    # a switch is not an exit: no exit backup
    assert backup.list_backups(folder) == []


def test_a_kept_archive_keeps_the_user_signed_in(qtbot, folder, database, admin, logins, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel)
    session = Session(folder, database)
    window = session.start(admin)
    qtbot.addWidget(window)
    window.show()
    editor = window.new_household()
    editor.basic.name.insert("还在录入")
    assert not window.switch_user()
    qtbot.wait(50)
    assert session.window is window and window.isVisible() and editor.isVisible() and logins.seen == []
    assert audit.query(database, audit.AuditFilter(entity="user"), limit=1)[0]["action"] != "logout"
    editor.dirty = False                  # let the test close it


def test_cancelling_the_login_ends_the_program_with_its_exit_work_once(qtbot, folder, database, clerk, logins):
    session = Session(folder, database)
    window = session.start(clerk)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    ended = []
    session.ended.connect(lambda: ended.append(True))
    logins.who = None
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert logins.seen and logins.seen[0][0] == "切换用户 — 帮扶中心工作台"
    assert session.window is None and [b.kind for b in backup.list_backups(folder)] == []
    session.end()                         # what app.py does once the event loop has ended
    assert [b.kind for b in backup.list_backups(folder)] == ["exit"]
    wal = folder / "helpdesk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    session.end()                         # once only
    assert len(backup.list_backups(folder)) == 1


_PROGRAM = r"""
import json, os, subprocess, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from helpdesk_gui.core import db as dbm
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui.login import LoginDialog
from helpdesk_gui.gui.main_window import MainWindow

folder = Path(sys.argv[1])
answers = [("admin", "admin1234"), ("clerk", "passw0rd!"), None]   # the start, two switches, the last cancelled
seen = []
PROBE = ("import sys; from pathlib import Path; from helpdesk_gui.core.base.instance import InstanceLock; "
         "print(InstanceLock(Path(sys.argv[1])).acquire())")


def exit_backups():
    return sorted(p.name for p in folder.glob("backups/*-exit.db"))


def switch():
    [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()][0].switch_action.trigger()


def fake_exec(dialog):
    who = answers.pop(0)
    probe = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True)
    seen.append({"who": who and who[0], "another_program_got_the_lock": probe.stdout.strip(),
                 "exit_backups": exit_backups()})
    if who is None:
        return QDialog.DialogCode.Rejected
    dialog.username.setText(who[0])
    dialog.password.setText(who[1])
    dialog.try_login()
    QTimer.singleShot(700, switch)
    return dialog.result()


LoginDialog.exec = fake_exec
code = gui_app.main(["--data-dir", str(folder)])
wal = folder / "helpdesk.db-wal"
wal_after = wal.stat().st_size if wal.exists() else 0
db = dbm.open_db(folder / "helpdesk.db", readonly=True)
actions = [list(r) for r in db.execute("SELECT username, action FROM audit_log WHERE entity = 'user' "
                                       "AND action IN ('login', 'logout') ORDER BY id")]
print(json.dumps({"code": code, "seen": seen, "exit_backups": exit_backups(), "actions": actions,
                  "wal_after": wal_after}))
"""


def test_the_program_keeps_its_lock_across_switches_and_backs_up_only_at_its_end(folder, database):
    """The real program (gui/app.py main): admin, then 切换用户 to the clerk, then 切换用户 and the login
    cancelled. Another program never gets the data folder meanwhile; the one exit backup is made at the end."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=src, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", _PROGRAM, str(folder)], capture_output=True, text=True,
                          env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert [s["who"] for s in result["seen"]] == ["admin", "clerk", None]
    assert [s["another_program_got_the_lock"] for s in result["seen"]] == ["False", "False", "False"]
    assert all(s["exit_backups"] == [] for s in result["seen"])          # a switch is not an exit
    assert len(result["exit_backups"]) == 1                               # the real exit is
    assert result["actions"] == [["admin", "login"], ["admin", "logout"], ["clerk", "login"], ["clerk", "logout"]]
    assert result["wal_after"] == 0                                       # helpdesk.db alone is complete
