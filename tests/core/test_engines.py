"""The same core on both engines: what a desk does, on the folder's file and on the centre's server."""

from __future__ import annotations

from helpdesk_gui.core.access import auth


def test_login_lockout_and_audit_on_either_engine(engine_database):
    db = engine_database
    assert auth.login(db, "clerk", "passw0rd!").username == "clerk"
    for _ in range(3):
        try:
            auth.login(db, "reviewer", "wrong-9")
        except Exception as e:   # noqa: BLE001 (the message is what a clerk sees)
            assert "密码" in str(e)
    assert db.execute("SELECT failed_logins FROM users WHERE username = 'reviewer'").fetchone()[0] == 3
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[0] == "init" and "login" in actions
