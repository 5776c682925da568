"""Users, roles and passwords (scrypt, memory-hard). The acting user is passed to every write."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base.errors import AuthError, PermissionDenied, ValidationError
from helpdesk_gui.core.db import close, file_of, is_read_only, now_iso, open_db, row, rows, scalar, write

ROLES = ("clerk", "reviewer", "approver", "finance", "admin")
ROLE_LABELS = {"clerk": "经办人", "reviewer": "审核人", "approver": "审批人", "finance": "财务", "admin": "系统管理员",
               "readonly": "只读"}

#: permission -> (roles that have it, Chinese verb phrase for the refusal message)
PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    "register.view": (frozenset({*ROLES, "readonly"}), "查看档案"),
    "register.edit": (frozenset({"clerk", "reviewer", "admin"}), "录入或修改档案"),
    "register.status": (frozenset({"clerk", "reviewer", "approver", "admin"}), "变更档案状态"),
    "register.reveal": (frozenset({"reviewer", "approver", "admin"}), "查看完整的身份证号、电话和银行账号"),
    "users.manage": (frozenset({"admin"}), "管理用户"),
    "settings.edit": (frozenset({"admin"}), "修改系统设置"),
    "policy.edit": (frozenset({"admin", "reviewer"}), "修改低保标准等政策参数"),
    "audit.view": (frozenset({"admin"}), "查看审计日志"),
    "backup.manage": (frozenset({"admin"}), "备份和恢复数据库"),
    "register.adopt": (frozenset({"admin"}), "建库导入（把本中心已有的档案花名册成批导入为在册档案）"),
    # the assistance workflow (core/workflow.py): whoever entered an application never approves it
    "workflow.apply": (frozenset({"clerk", "reviewer", "admin"}), "受理帮扶申请、补充材料、登记异议或撤回申请"),
    "workflow.review": (frozenset({"reviewer", "admin"}), "入户调查、经济状况核对、评议公示、处理异议或退回申请"),
    "workflow.approve": (frozenset({"approver", "admin"}), "审批帮扶申请"),
    "workflow.approve_second": (frozenset({"approver", "admin"}), "对超过限额的申请作上级审批"),
    "review.manage": (frozenset({"reviewer", "admin"}), "办理年度复核"),
    "decisions.pay": (frozenset({"finance", "admin"}), "登记审批决定的发放"),
    # the Excel exchange with the city union (exchange/)
    "exchange.import": (frozenset({"clerk", "reviewer", "admin"}), "导入交换批次或基层报表、处理交换冲突"),
    "exchange.export": (frozenset({"clerk", "reviewer", "approver", "admin"}), "导出交换批次"),
    # reception log, visits and pairing, services, statistics (core/reception.py, visits.py, services.py, reports.py)
    "reception.edit": (frozenset({"clerk", "reviewer", "approver", "admin"}), "登记接待、记录办理情况或办结接待事项"),
    "pairs.manage": (frozenset({"clerk", "reviewer", "admin"}), "管理帮扶干部、结对帮扶和走访慰问记录"),
    "services.edit": (frozenset({"clerk", "reviewer", "admin"}), "登记或办结维权、追回欠薪、就业介绍、技能培训和应保未保事项"),
    "reports.view": (frozenset({*ROLES, "readonly"}), "查看统计报表"),
    # the fund ledger (core/ledger.py, payroll.py, loans.py, periods.py): finance keeps the books
    "ledger.view": (frozenset({"finance", "admin", "approver", "reviewer", "readonly"}), "查看资金台账"),
    "ledger.post": (frozenset({"finance", "admin"}), "记账（收款、发放、调拨、冲销、周转金借还）"),
    "ledger.funds": (frozenset({"finance", "admin"}), "设置资金账户"),
    "ledger.close": (frozenset({"finance", "admin"}), "结账"),
    "ledger.reopen": (frozenset({"admin"}), "反结账（重新打开已结账的期间）"),
    # 职工医疗互助 (core/mutual_*.py): the clerk enrols and registers claims, the approver decides,
    # finance receives contributions and pays (advances, quarterly settlements)
    "mutual.view": (frozenset({*ROLES, "readonly"}), "查看医疗互助"),
    "mutual.plans": (frozenset({"finance", "admin"}), "设置医疗互助方案"),
    "mutual.enrol": (frozenset({"clerk", "reviewer", "admin"}), "登记医疗互助参加单位和会员"),
    "mutual.claim": (frozenset({"clerk", "reviewer", "admin"}), "登记医疗互助报销"),
    "mutual.approve": (frozenset({"approver", "admin"}), "审批医疗互助报销和特殊救助预付"),
    "mutual.pay": (frozenset({"finance", "admin"}), "收取互助金、支付预付款和季度结算"),
}

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``system`` is used by the command line's own jobs (demo, migrations)."""

    username: str
    display_name: str
    roles: frozenset[str]
    user_id: int | None = None

    def can(self, permission: str) -> bool:
        allowed, _ = PERMISSIONS[permission]
        return bool(self.roles & allowed)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(PERMISSIONS[permission][1])


SYSTEM = Actor("system", "系统", frozenset(ROLES))


def read_only(actor: Actor) -> Actor:
    """The same user, able only to look (the data folder is held by another program)."""
    return Actor(actor.username, actor.display_name, frozenset({"readonly"}), actor.user_id)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt).decode()}${enc(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(key, base64.b64decode(key_b64))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("密码", f"至少 {MIN_PASSWORD} 位")
    if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
        raise ValidationError("密码", "须同时包含字母和数字")


def create_user(db: Database, actor: Actor, username: str, display_name: str, roles: list[str],
                password: str) -> int:
    actor.require("users.manage")
    username = username.strip()
    if not username:
        raise ValidationError("用户名", "不能为空")
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValidationError("角色", "须从经办人、审核人、审批人、财务、系统管理员中选择", "、".join(bad))
    check_password_strength(password)
    with write(db):
        if row(db, "SELECT id FROM users WHERE username = ?", [username]):
            raise ValidationError("用户名", "已存在", username)
        cur = db.execute(
            "INSERT INTO users (username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            [username, display_name or username, ",".join(roles), hash_password(password), now_iso()],
        )
        uid = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "user", uid, None,
                     {"username": username, "display_name": display_name, "roles": roles})
    return uid


def _actor(r: dict[str, object]) -> Actor:
    return Actor(str(r["username"]), str(r["display_name"]), frozenset(str(r["roles"]).split(",")),
                 int(r["id"]))  # type: ignore[call-overload]


_DUMMY: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash of the current cost, so that checking an unknown user's password takes as long as a known one's."""
    if SCRYPT_N not in _DUMMY:
        _DUMMY[SCRYPT_N] = hash_password(secrets.token_urlsafe(12))
    return _DUMMY[SCRYPT_N]


def _locked(r: dict[str, object], now: _dt.datetime) -> bool:
    return bool(r["locked_until"]) and _dt.datetime.fromisoformat(str(r["locked_until"])) > now


def login(db: Database, username: str, password: str, *, now: _dt.datetime | None = None) -> Actor:
    """Check the password; lock the account for a while after repeated failures. The window and the command
    line both come in here. Failures are counted inside the write transaction (an atomic increment), so
    parallel tries cannot overwrite each other's count; an unknown user costs the same time as a known one."""
    now = now or _dt.datetime.now().astimezone()
    if is_read_only(db):   # a read-only window still counts failures and records the login: on its own connection
        with _writable(db) as counting:
            return login(counting, username, password, now=now)
    r = row(db, "SELECT * FROM users WHERE username = ?", [username.strip()])
    if r is None or not r["active"]:
        verify_password(password, _dummy_hash())
        raise AuthError("用户名或密码不正确。")
    if _locked(r, now):
        raise AuthError(f"密码连续输错 {MAX_FAILED} 次，账号已暂时锁定，请 {LOCK_MINUTES} 分钟后再试或联系管理员。")
    right = verify_password(password, r["password_hash"])
    with write(db):
        current = row(db, "SELECT failed_logins, locked_until FROM users WHERE id = ?", [r["id"]]) or r
        if right and not _locked(current, now):
            db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", [r["id"]])
            audit.record(db, r["username"], "login", "user", r["id"])
            return _actor(r)
        locked_now = False
        if not right:
            db.execute("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", [r["id"]])
            if int(scalar(db, "SELECT failed_logins FROM users WHERE id = ?", [r["id"]]) or 0) >= MAX_FAILED:
                db.execute("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?",
                           [(now + _dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds"), r["id"]])
                locked_now = True
            audit.record(db, r["username"], "login_failed", "user", r["id"])
    if right or locked_now:   # locked meanwhile by parallel failures, or this failure locked it: say so now
        raise AuthError(("用户名或密码不正确。" if locked_now else "")
                        + f"密码连续输错 {MAX_FAILED} 次，账号已暂时锁定，请 {LOCK_MINUTES} 分钟后再试或联系管理员。")
    raise AuthError("用户名或密码不正确。")


def logout(db: Database, actor: Actor) -> None:
    """The user leaves the desk (切换用户, or the program closes): in the audit trail as the login is."""
    if actor.user_id is None:
        return
    with _writable(db) as target, write(target):
        audit.record(target, actor.username, "logout", "user", actor.user_id)


@contextmanager
def _writable(db: Database) -> Iterator[Database]:
    """``db``, or for a read-only window a short connection of its own to the same file (logins and logouts
    are recorded whoever else is writing)."""
    if not is_read_only(db):
        yield db
        return
    own = open_db(file_of(db))
    try:
        yield own
    finally:
        close(own)


def check_own_password(db: Database, actor: Actor, password: str) -> None:
    """Raise ``AuthError`` unless ``password`` is the acting user's own (asked again before a change of it,
    an administrator's too: ``change_password`` lets an administrator set any password without it)."""
    stored = scalar(db, "SELECT password_hash FROM users WHERE username = ?", [actor.username])
    if stored is None or not verify_password(password, str(stored)):
        raise AuthError("原密码不正确。")


def change_password(db: Database, actor: Actor, username: str, new_password: str,
                    old_password: str | None = None) -> None:
    """A user changes their own password (with the old one); an admin resets anyone's."""
    r = row(db, "SELECT * FROM users WHERE username = ?", [username])
    if r is None:
        raise ValidationError("用户名", "不存在", username)
    if actor.username == username and not actor.can("users.manage"):
        if old_password is None or not verify_password(old_password, r["password_hash"]):
            raise AuthError("原密码不正确。")
    elif actor.username != username:
        actor.require("users.manage")
    check_password_strength(new_password)
    with write(db):
        db.execute("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                   [hash_password(new_password), r["id"]])
        audit.record(db, actor.username, "change_password", "user", r["id"])


def list_users(db: Database) -> list[dict[str, object]]:
    return rows(db, "SELECT id, username, display_name, roles, active, created_at FROM users ORDER BY id")


def get_actor(db: Database, username: str) -> Actor:
    r = row(db, "SELECT * FROM users WHERE username = ?", [username])
    if r is None:
        raise AuthError(f"没有用户“{username}”。")
    return _actor(r)


def previous_login(db: Database, actor: Actor) -> str | None:
    """When this user logged in before the current session (ISO time), from the audit trail."""
    if actor.user_id is None:
        return None
    r = db.execute("SELECT at FROM audit_log WHERE entity = 'user' AND entity_id = ? AND action = 'login' "
                   "ORDER BY id DESC LIMIT 1 OFFSET 1", [str(actor.user_id)]).fetchone()
    return None if r is None else str(r[0])
