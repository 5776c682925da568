"""Passwords, logins and lockout, roles, and the hash-chained audit trail."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.access import audit, audit_labels, auth
from helpdesk_gui.core.base.errors import AuthError, PermissionDenied, ValidationError
from helpdesk_gui.core.db import row, rows, scalar, write

REAL_SCRYPT_N = auth.SCRYPT_N
NOW = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))



# ---------------------------------------------------------------- hashing

def test_scrypt_hash_format_and_verify(monkeypatch):
    assert REAL_SCRYPT_N == 2**14
    monkeypatch.setattr(auth, "SCRYPT_N", REAL_SCRYPT_N)
    stored = auth.hash_password("passw0rd!")
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(salt) == 24 and len(key) == 44        # base64 of 16 and 32 bytes
    assert "passw0rd!" not in stored
    assert auth.verify_password("passw0rd!", stored)
    assert not auth.verify_password("passw0rd?", stored)
    assert not auth.verify_password("", stored)


def test_same_password_differs_per_salt():
    a, b = auth.hash_password("同一个密码123"), auth.hash_password("同一个密码123")
    assert a != b
    assert a.split("$")[4] != b.split("$")[4]
    assert auth.verify_password("同一个密码123", a) and auth.verify_password("同一个密码123", b)


def test_verify_uses_the_stored_cost():
    """A hash made with other parameters still verifies (the cost is read from the hash)."""
    stored = auth.hash_password("abc12345")
    assert stored.split("$")[1] == str(2**8)
    assert auth.verify_password("abc12345", stored)


@pytest.mark.parametrize("stored", ["", "plain", "md5$x$y$z$a$b", "scrypt$16384$8$1$onlyfive"])
def test_malformed_hash_never_verifies(stored):
    assert not auth.verify_password("anything1", stored)


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
@settings(max_examples=20, deadline=None)
def test_verify_only_the_right_password(password, other):
    original = auth.SCRYPT_N
    auth.SCRYPT_N = 2**4
    try:
        stored = auth.hash_password(password)
    finally:
        auth.SCRYPT_N = original
    assert auth.verify_password(password, stored)
    assert auth.verify_password(other, stored) == (other == password)


# ---------------------------------------------------------------- password rules

@pytest.mark.parametrize(("password", "reason"), [
    ("", "至少 8 位"), ("ab1", "至少 8 位"), ("abc1234", "至少 8 位"),
    ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"), ("!!!!!!!!", "字母和数字"),
    ("12345678!", "字母和数字"), ("Aa-bb-cc", "字母和数字"),      # the README's rule: letters and digits
])
def test_weak_passwords_refused(password, reason):
    with pytest.raises(ValidationError) as info:
        auth.check_password_strength(password)
    assert info.value.field == "密码" and reason in str(info.value)


@pytest.mark.parametrize("password", ["abcd1234", "passw0rd!", "a1234567!", "帮扶中心2025", "Aa-bb-c9"])
def test_acceptable_passwords(password):
    auth.check_password_strength(password)


def test_weak_password_refused_when_creating_or_changing(database, admin):
    users = scalar(database, "SELECT count(*) FROM users")
    with pytest.raises(ValidationError, match="密码"):
        auth.create_user(database, admin, "newbie", "新人", ["clerk"], "abc")
    assert scalar(database, "SELECT count(*) FROM users") == users
    old_hash = scalar(database, "SELECT password_hash FROM users WHERE username = 'clerk'")
    with pytest.raises(ValidationError, match="密码"):
        auth.change_password(database, admin, "clerk", "onlyletters")
    assert scalar(database, "SELECT password_hash FROM users WHERE username = 'clerk'") == old_hash


# ---------------------------------------------------------------- users

def test_create_user_rules(database, admin, clerk):
    with pytest.raises(PermissionDenied, match="管理用户"):
        auth.create_user(database, clerk, "x", "x", ["clerk"], "abcd1234")
    with pytest.raises(ValidationError, match="用户名：已存在"):
        auth.create_user(database, admin, " clerk ", "重名", ["clerk"], "abcd1234")
    with pytest.raises(ValidationError, match="角色"):
        auth.create_user(database, admin, "boss", "老板", ["owner"], "abcd1234")
    with pytest.raises(ValidationError, match="角色"):
        auth.create_user(database, admin, "boss", "老板", [], "abcd1234")
    with pytest.raises(ValidationError, match="用户名：不能为空"):
        auth.create_user(database, admin, "  ", "空", ["clerk"], "abcd1234")
    uid = auth.create_user(database, admin, "both", "两岗", ["clerk", "finance"], "abcd1234")
    actor = auth.get_actor(database, "both")
    assert actor.user_id == uid and actor.roles == {"clerk", "finance"} and actor.display_name == "两岗"
    a = row(database, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (a["username"], a["action"], a["entity"], a["entity_id"]) == ("admin", "create", "user", str(uid))
    assert "abcd1234" not in (a["after"] or "")
    assert [u["username"] for u in auth.list_users(database)][-1] == "both"
    assert "password_hash" not in auth.list_users(database)[0]
    with pytest.raises(AuthError, match="没有用户"):
        auth.get_actor(database, "ghost")


# ---------------------------------------------------------------- login

def test_login_success(database):
    actor = auth.login(database, " clerk ", "passw0rd!", now=NOW)
    assert actor.username == "clerk" and actor.roles == {"clerk"} and actor.display_name == "张经办"
    a = row(database, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (a["username"], a["action"], a["entity"]) == ("clerk", "login", "user")


def test_logout_is_recorded_as_the_login_is(database):
    actor = auth.login(database, "clerk", "passw0rd!", now=NOW)
    auth.logout(database, actor)
    a = row(database, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (a["username"], a["action"], a["entity"], a["entity_id"]) == ("clerk", "logout", "user", str(actor.user_id))
    assert audit_labels.ACTION_LABELS["logout"] == "退出登录" and audit.verify_chain(database) is None


def test_login_failure(database):
    for name, password in [("clerk", "wrong-password1"), ("nobody", "passw0rd!"), ("clerk", "")]:
        with pytest.raises(AuthError) as info:
            auth.login(database, name, password, now=NOW)
        assert str(info.value) == "用户名或密码不正确。"   # never says which one was wrong
    assert scalar(database, "SELECT failed_logins FROM users WHERE username = 'clerk'") == 2
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 2
    # a success resets the counter
    auth.login(database, "clerk", "passw0rd!", now=NOW)
    assert scalar(database, "SELECT failed_logins FROM users WHERE username = 'clerk'") == 0


def test_inactive_user_cannot_log_in(database):
    database.execute("UPDATE users SET active = 0 WHERE username = 'clerk'")
    with pytest.raises(AuthError, match="用户名或密码不正确"):
        auth.login(database, "clerk", "passw0rd!", now=NOW)


def test_five_failures_lock_the_account(database):
    for i in range(auth.MAX_FAILED):
        with pytest.raises(AuthError) as info:
            auth.login(database, "clerk", f"wrong{i}pass", now=NOW + dt.timedelta(seconds=i))
        # the failure that locks the account says so at once
        assert ("锁定" in str(info.value)) == (i == auth.MAX_FAILED - 1)
    locked_until = scalar(database, "SELECT locked_until FROM users WHERE username = 'clerk'")
    assert locked_until is not None
    assert dt.datetime.fromisoformat(locked_until) == NOW + dt.timedelta(seconds=4, minutes=auth.LOCK_MINUTES)
    # even the right password is refused while locked, with a message that says so
    with pytest.raises(AuthError) as info:
        auth.login(database, "clerk", "passw0rd!", now=NOW + dt.timedelta(minutes=5))
    assert "锁定" in str(info.value) and "15 分钟" in str(info.value)
    # other users are not affected
    assert auth.login(database, "reviewer", "passw0rd!", now=NOW).username == "reviewer"
    # after the lock expires the right password works again and clears the lock
    actor = auth.login(database, "clerk", "passw0rd!", now=NOW + dt.timedelta(minutes=16))
    assert actor.username == "clerk"
    r = row(database, "SELECT failed_logins, locked_until FROM users WHERE username = 'clerk'")
    assert r == {"failed_logins": 0, "locked_until": None}


def test_four_failures_do_not_lock(database):
    for i in range(auth.MAX_FAILED - 1):
        with pytest.raises(AuthError):
            auth.login(database, "clerk", f"wrong{i}pass", now=NOW)
    assert auth.login(database, "clerk", "passw0rd!", now=NOW).username == "clerk"


def test_admin_reset_unlocks(database, admin):
    for i in range(auth.MAX_FAILED):
        with pytest.raises(AuthError):
            auth.login(database, "clerk", f"wrong{i}pass", now=NOW)
    auth.change_password(database, admin, "clerk", "newpass123")
    assert auth.login(database, "clerk", "newpass123", now=NOW).username == "clerk"
    with pytest.raises(AuthError):
        auth.login(database, "clerk", "passw0rd!", now=NOW)


def test_change_own_password_needs_the_old_one(database, clerk, reviewer):
    with pytest.raises(AuthError, match="原密码不正确"):
        auth.change_password(database, clerk, "clerk", "newpass123", old_password="wrong")
    with pytest.raises(AuthError, match="原密码不正确"):
        auth.change_password(database, clerk, "clerk", "newpass123")
    with pytest.raises(PermissionDenied):
        auth.change_password(database, clerk, "reviewer", "newpass123")
    auth.change_password(database, clerk, "clerk", "newpass123", old_password="passw0rd!")
    assert auth.login(database, "clerk", "newpass123", now=NOW).username == "clerk"
    with pytest.raises(ValidationError, match="用户名"):
        auth.change_password(database, clerk, "ghost", "newpass123")


def test_check_own_password(database, clerk, admin):
    """The window asks for the old password before any change of one's own, an administrator's too."""
    auth.check_own_password(database, clerk, "passw0rd!")
    with pytest.raises(AuthError, match="原密码不正确"):
        auth.check_own_password(database, clerk, "wrong")
    auth.check_own_password(database, admin, "admin1234")
    with pytest.raises(AuthError, match="原密码不正确"):
        auth.check_own_password(database, admin, "passw0rd!")
    with pytest.raises(AuthError, match="原密码不正确"):
        auth.check_own_password(database, auth.Actor("ghost", "无此人", frozenset({"clerk"})), "passw0rd!")


# ---------------------------------------------------------------- roles

EXPECTED = {
    "clerk": {"register.view", "register.edit", "register.status"},
    "reviewer": {"register.view", "register.edit", "register.status", "register.reveal", "policy.edit"},
    "approver": {"register.view", "register.status", "register.reveal"},
    "finance": {"register.view"},
    "admin": set(auth.PERMISSIONS),
}
# the assistance workflow (issue 4)
EXPECTED["clerk"] |= {"workflow.apply"}
EXPECTED["reviewer"] |= {"workflow.apply", "workflow.review", "review.manage"}
EXPECTED["approver"] |= {"workflow.approve", "workflow.approve_second"}
EXPECTED["finance"] |= {"decisions.pay"}
# reception log, visits and pairing, services, statistics (issue 8)
EXPECTED["clerk"] |= {"reception.edit", "pairs.manage", "services.edit", "reports.view"}
EXPECTED["reviewer"] |= {"reception.edit", "pairs.manage", "services.edit", "reports.view"}
EXPECTED["approver"] |= {"reception.edit", "reports.view"}
EXPECTED["finance"] |= {"reports.view"}
# the Excel exchange with the city union (issue 7)
EXPECTED["clerk"] |= {"exchange.import", "exchange.export"}
EXPECTED["reviewer"] |= {"exchange.import", "exchange.export"}
EXPECTED["approver"] |= {"exchange.export"}
# the fund ledger (issue 5): finance keeps the books, the admin alone reopens a closed period
EXPECTED["reviewer"] |= {"ledger.view"}
EXPECTED["approver"] |= {"ledger.view"}
EXPECTED["finance"] |= {"ledger.view", "ledger.post", "ledger.funds", "ledger.close"}
# 职工医疗互助 (issue 11): the clerk enrols and registers claims, the approver decides, finance pays
for _role in auth.ROLES:
    EXPECTED[_role] |= {"mutual.view"}
EXPECTED["clerk"] |= {"mutual.enrol", "mutual.claim"}
EXPECTED["reviewer"] |= {"mutual.enrol", "mutual.claim"}
EXPECTED["approver"] |= {"mutual.approve"}
EXPECTED["finance"] |= {"mutual.plans", "mutual.pay"}


@pytest.mark.parametrize("role", auth.ROLES)
def test_role_permissions(role):
    actor = auth.Actor("someone", "某人", frozenset({role}))
    for permission, (_roles, verb) in auth.PERMISSIONS.items():
        assert actor.can(permission) == (permission in EXPECTED[role]), (role, permission)
        if permission in EXPECTED[role]:
            actor.require(permission)
        else:
            with pytest.raises(PermissionDenied) as info:
                actor.require(permission)
            assert str(info.value) == f"您的角色无权{verb}。"


def test_several_roles_combine():
    actor = auth.Actor("x", "x", frozenset({"finance", "approver"}))
    assert actor.can("register.reveal") and not actor.can("register.edit")
    assert all(auth.SYSTEM.can(p) for p in auth.PERMISSIONS)
    nobody = auth.Actor("x", "x", frozenset())
    assert not any(nobody.can(p) for p in auth.PERMISSIONS)


def test_fixture_actors(admin, clerk, reviewer):
    assert admin.roles == {"admin"} and clerk.roles == {"clerk"} and reviewer.roles == {"reviewer"}
    assert clerk.can("register.edit") and not clerk.can("users.manage")


# ---------------------------------------------------------------- audit chain

def _add(db, n: int) -> None:
    with write(db):
        for i in range(n):
            audit.record(db, "clerk", "test", "thing", i, {"v": i}, {"v": i + 1, "名": "张三"})


def test_record_chains_rows(database):
    _add(database, 3)
    log = rows(database, "SELECT * FROM audit_log ORDER BY id")
    assert log[0]["prev_hash"] == audit.GENESIS
    for prev, cur in zip(log, log[1:]):
        assert cur["prev_hash"] == prev["hash"]
    last = log[-1]
    assert json.loads(last["after"]) == {"v": 3, "名": "张三"} and "张三" in last["after"]  # readable Chinese
    assert last["entity_id"] == "2"
    assert audit.verify_chain(database) is None


def test_intact_chain(database):
    assert scalar(database, "SELECT count(*) FROM audit_log") >= 5   # init and the four users
    assert audit.verify_chain(database) is None


def test_update_refused_by_trigger(database):
    _add(database, 1)
    with pytest.raises(sqlite3.IntegrityError, match="审计日志只能追加"):
        database.execute("UPDATE audit_log SET username = 'someone_else' WHERE id = 1")
    assert scalar(database, "SELECT username FROM audit_log WHERE id = 1") == "system"
    assert audit.verify_chain(database) is None


@pytest.mark.parametrize("column", ["at", "username", "action", "entity", "entity_id", "before", "after"])
def test_modified_row_is_named(database, column):
    _add(database, 4)
    target = scalar(database, "SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET 2")
    database.execute("DROP TRIGGER audit_log_no_update")
    database.execute(f"UPDATE audit_log SET {column} = coalesce({column}, '') || 'x' WHERE id = ?", [target])
    message = audit.verify_chain(database)
    assert message is not None
    assert f"第 {target} 行" in message and "被修改" in message


def test_rehashed_row_is_named_by_its_signature(database):
    """Recomputing a modified row's own hash does not help: its signature (keyed) no longer matches."""
    _add(database, 3)
    ids = [r[0] for r in database.execute("SELECT id FROM audit_log ORDER BY id")]
    target = ids[-2]
    r = row(database, "SELECT * FROM audit_log WHERE id = ?", [target])
    forged = audit._digest(r["prev_hash"], r["at"], "admin", r["action"], r["entity"], r["entity_id"],
                           r["before"], r["after"])
    database.execute("DROP TRIGGER audit_log_no_update")
    database.execute("UPDATE audit_log SET username = 'admin', hash = ? WHERE id = ?", [forged, target])
    message = audit.verify_chain(database)
    assert message is not None and f"第 {target} 行" in message and "签名不符" in message


def test_deleted_row_is_named(database):
    _add(database, 4)
    ids = [r[0] for r in database.execute("SELECT id FROM audit_log ORDER BY id")]
    database.execute("DROP TRIGGER audit_log_no_delete")
    database.execute("DELETE FROM audit_log WHERE id = ?", [ids[3]])
    message = audit.verify_chain(database)
    assert message is not None
    assert f"第 {ids[4]} 行" in message and "链接断开" in message


def test_deleted_first_row_is_detected(database):
    database.execute("DROP TRIGGER audit_log_no_delete")
    database.execute("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)")
    message = audit.verify_chain(database)
    assert message is not None and "链接断开" in message


def test_every_write_leaves_an_audit_row(database, admin):
    before = scalar(database, "SELECT count(*) FROM audit_log")
    auth.create_user(database, admin, "temp", "临时", ["clerk"], "abcd1234")
    auth.change_password(database, admin, "temp", "abcd12345")
    auth.login(database, "temp", "abcd12345", now=NOW)
    with pytest.raises(AuthError):
        auth.login(database, "temp", "wrongpass1", now=NOW)
    actions = [r[0] for r in database.execute("SELECT action FROM audit_log WHERE id > ? ORDER BY id",
                                              [before])]
    assert actions == ["create", "change_password", "login", "login_failed"]
    assert audit.verify_chain(database) is None


def test_failed_transaction_leaves_no_audit_row(database):
    before = scalar(database, "SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError), write(database):
        audit.record(database, "clerk", "test", "thing", 1)
        raise RuntimeError
    assert scalar(database, "SELECT count(*) FROM audit_log") == before
    assert audit.verify_chain(database) is None


def test_parallel_wrong_passwords_lock_the_account(database, folder):
    """24 wrong passwords in 3 waves of 8 parallel tries (each its own connection, as 8 programs would) lock
    the account; no count is lost to a parallel write."""
    from concurrent.futures import ThreadPoolExecutor

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.base import paths

    def attempt(i: int) -> str:
        conn = dbm.open_db(paths.db_path(folder))
        try:
            auth.login(conn, "clerk", f"wrong{i}pass")
        except AuthError as e:
            return str(e)
        finally:
            dbm.close(conn)
        return "logged in"

    answers: list[str] = []
    with ThreadPoolExecutor(8) as pool:
        for wave in range(3):
            answers += pool.map(attempt, range(wave * 8, wave * 8 + 8))
    assert "logged in" not in answers
    assert scalar(database, "SELECT locked_until FROM users WHERE username = 'clerk'") is not None
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'") >= auth.MAX_FAILED
    assert sum("锁定" in a for a in answers) >= 24 - 8                  # waves 2 and 3 meet a locked account
    with pytest.raises(AuthError, match="锁定"):
        auth.login(database, "clerk", "passw0rd!")


def test_an_unknown_user_costs_one_password_check_like_a_known_one(database, monkeypatch):
    checked: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda pw, stored: checked.append(stored) or real(pw, stored))
    for name in ("clerk", "nobody"):
        with pytest.raises(AuthError, match="用户名或密码不正确"):
            auth.login(database, name, "wrong-password1")
    assert len(checked) == 2 and checked[1].startswith("scrypt$") and checked[1] != checked[0]


def test_a_read_only_window_logs_in_and_still_counts_failures(database, folder):
    """Another program holds the folder; the viewer's login is checked and recorded all the same."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.base import paths

    viewer = dbm.open_db(paths.db_path(folder), readonly=True)
    with pytest.raises(AuthError):
        auth.login(viewer, "clerk", "wrong-password1")
    assert scalar(database, "SELECT failed_logins FROM users WHERE username = 'clerk'") == 1
    actor = auth.login(viewer, "clerk", "passw0rd!")
    auth.logout(viewer, actor)
    assert [r[0] for r in database.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")] == ["logout", "login"]
    dbm.close(viewer)
