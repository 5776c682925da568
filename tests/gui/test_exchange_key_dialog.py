"""交换密钥 in the window: the admin sets the key (typed twice), others only see its status."""

from __future__ import annotations

from helpdesk_gui.exchange import keys
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.key_dialog import KeyDialog

KEY = "县市共用的签名密钥-2026-abcdef"


def test_key_dialog_admin_sets_clerk_only_sees(qtbot, folder, database, admin, clerk, monkeypatch):
    monkeypatch.delenv(keys.ENV, raising=False)
    seen = KeyDialog(AppContext(folder=folder, db=database, actor=clerk))
    qtbot.addWidget(seen)
    assert not seen.key.isEnabled() and "只有系统管理员" in seen.error.text()
    dialog = KeyDialog(AppContext(folder=folder, db=database, actor=admin))
    qtbot.addWidget(dialog)
    assert "未设置交换密钥" in dialog.status.text()
    dialog.key.setText(KEY)
    dialog.again.setText(KEY + "x")
    assert not dialog.save() and "不一致" in dialog.error.text() and keys.load_key(folder) is None
    dialog.again.setText(KEY)
    assert dialog.save()
    assert keys.fingerprint(KEY.encode()) in dialog.status.text() and dialog.key.text() == ""
