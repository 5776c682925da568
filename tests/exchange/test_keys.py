"""The exchange key: status with a fingerprint (never the key), set by the admin only and audited,
from the command line (the window's dialog: tests/gui/test_exchange_key_dialog.py)."""

from __future__ import annotations

import io

import pytest

from helpdesk_gui import cli
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base.errors import PermissionDenied, ValidationError
from helpdesk_gui.exchange import keys

KEY = "县市共用的签名密钥-2026-abcdef"


def test_status_set_and_audit(folder, database, admin, clerk, monkeypatch):
    monkeypatch.delenv(keys.ENV, raising=False)
    assert keys.status(folder).startswith("未设置交换密钥")
    with pytest.raises(PermissionDenied):
        keys.set_key(database, clerk, folder, KEY)
    with pytest.raises(ValidationError, match="至少 16 个字符"):
        keys.set_key(database, admin, folder, "太短")
    fp = keys.set_key(database, admin, folder, KEY)
    assert keys.load_key(folder) == KEY.encode() and fp == keys.fingerprint(KEY.encode())
    assert f"指纹 {fp}" in keys.status(folder) and KEY not in keys.status(folder)
    row = audit.query(database, audit.AuditFilter(entity="exchange_key"))[0]
    assert fp in str(row["after"]) and KEY not in str(row["after"])


def test_cli(folder, database, capsys, monkeypatch):
    monkeypatch.delenv(keys.ENV, raising=False)
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", "admin1234")
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    assert cli.main(["exchange-key", "--set"]) == 0
    assert "已保存交换密钥，指纹" in capsys.readouterr().out
    assert cli.main(["exchange-key"]) == 0
    assert keys.fingerprint(KEY.encode()) in capsys.readouterr().out

