"""Edits are never silently undone, in the window: an editor (or the status dialog) opened before someone else
changed the archive refuses to save over it, says who changed it and when, and reloads their version on request."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.life import ArchiveLifeDialog
from helpdesk_gui.gui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("own_settings")

HEAD = ids.make("530122", dt.date(1978, 3, 12), 13)


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then with the desk on a PostgreSQL server."""
    return engine_database


@pytest.fixture
def archive(database, clerk) -> int:
    return register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "王建国", "id_number": HEAD, "phone": "13812345678", "cause_main": "3", "township": "城关镇",
        "address": "城关镇人民路 12 号"}))


def _changed_by_reviewer(database, reviewer, hid: int, address: str) -> None:
    d = draft_from(register.get_household(database, hid))
    d.fields["address"] = address
    register.update_household(database, reviewer, hid, d)


def test_editor_refuses_to_save_over_a_change_made_since_it_opened_and_reloads_theirs(
        qtbot, folder, database, clerk, reviewer, archive, message_boxes):
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    editor = window.open_household(archive)
    assert editor is not None and editor.basic.address.text() == "城关镇人民路 12 号"
    # 李审核 changes the archive while the clerk's editor is open
    _changed_by_reviewer(database, reviewer, archive, "李审核改的地址")
    editor.basic.remarks.insert("经办人补充的备注")
    assert editor.dirty
    assert not editor.save()
    refusal, confirm = message_boxes[-2:]
    assert refusal[0] == "question" and refusal[1] == "档案已被他人修改"
    archive_no = register.get_household(database, archive)["archive_no"]
    assert refusal[2].startswith(f"档案 {archive_no} 已在您打开之后被 李审核 于 ")
    assert "本次没有保存" in refusal[2] and "重新载入" in refusal[2]
    assert confirm[0] == "question" and "丢失" in confirm[2]     # reloading loses this window's changes: asked
    # nothing of the clerk's save was written; the editor now shows 李审核's version, clean
    stored = register.get_household(database, archive)
    assert (stored["address"], stored["remarks"]) == ("李审核改的地址", "")
    assert editor.basic.address.text() == "李审核改的地址" and editor.basic.remarks.text() == ""
    assert not editor.dirty
    # from the reloaded version the clerk's save goes through
    editor.basic.remarks.insert("经办人补充的备注")
    assert editor.save()
    assert register.get_household(database, archive)["remarks"] == "经办人补充的备注"
    assert check.run(database) == []


def test_keep_editing_leaves_the_clerks_values_in_the_window(qtbot, folder, database, clerk, reviewer, archive,
                                                             message_boxes, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    editor = window.open_household(archive)
    _changed_by_reviewer(database, reviewer, archive, "李审核改的地址")
    editor.basic.remarks.insert("经办人补充的备注")
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel)   # 取消
    assert not editor.save()
    assert editor.dirty and editor.basic.remarks.text() == "经办人补充的备注"
    assert editor.basic.address.text() == "城关镇人民路 12 号"
    assert register.get_household(database, archive)["remarks"] == ""


def test_status_dialog_opened_before_a_change_refuses_it(qtbot, folder, database, clerk, reviewer, archive,
                                                        message_boxes):
    ctx = AppContext(folder=folder, db=database, actor=clerk)
    dialog = ArchiveLifeDialog(ctx, archive)
    qtbot.addWidget(dialog)
    _changed_by_reviewer(database, reviewer, archive, "李审核改的地址")
    dialog.action.setCurrentIndex(dialog.action.findData("cancelled"))
    dialog.reason.setCurrentIndex(dialog.reason.findData("ineligible"))
    assert not dialog.apply(confirm=False)
    assert dialog.changed_meanwhile
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "档案已被他人修改") and "被 李审核 于 " in text
    assert register.get_household(database, archive)["status"] == "applying"


def test_a_save_cut_off_from_the_server_is_said_and_the_form_kept(qtbot, folder, database, clerk, archive,
                                                                  message_boxes):
    """The cable is pulled while the clerk saves: the window says nothing was saved, the editor keeps what was
    typed, and the next save (the server back) goes in."""
    import psycopg

    from helpdesk_gui.core import db as dbm
    if not dbm.on_server(database):
        pytest.skip("a desk on its own file has no server to lose")
    window = MainWindow(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(window)
    editor = window.open_household(archive)
    editor.basic.remarks.insert("断网前填写的备注")
    with psycopg.connect(database.server[0], autocommit=True) as other:   # the server ends this desk's session
        other.execute("SELECT pg_terminate_backend(%s)", [database.conn.raw.info.backend_pid])
    assert not editor.save()
    kind, _title, text = message_boxes[-1]
    assert kind in ("warning", "critical") and "连接中断" in text and "没有保存" in text and "Traceback" not in text
    assert editor.dirty and editor.basic.remarks.text() == "断网前填写的备注"
    assert editor.save()                                                     # reconnected
    assert register.get_household(database, archive)["remarks"] == "断网前填写的备注"
