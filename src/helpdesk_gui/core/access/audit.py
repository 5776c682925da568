"""The audit trail: append-only, each row chained to the previous one by a SHA-256 hash.

Every write of the core calls ``record`` inside its own transaction, so the audit row exists
exactly when the change does. ``verify_chain`` names the first row whose hash does not match.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import now_iso, rows
from helpdesk_gui.core.db.where import Where, glob_prefix

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, username: str, action: str, entity: str, entity_id: str,
            before: str | None, after: str | None) -> str:
    payload = json.dumps([prev_hash, at, username, action, entity, entity_id, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(db: Database, username: str, action: str, entity: str, entity_id: object = "",
           before: Any = None, after: Any = None) -> None:
    """Append one audit row. Must run inside the caller's write transaction."""
    last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    at = now_iso()
    b, a = _dump(before), _dump(after)
    eid = "" if entity_id is None else str(entity_id)
    h = _digest(prev, at, username, action, entity, eid, b, a)
    db.execute(
        "INSERT INTO audit_log (at, username, action, entity, entity_id, before, after, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, username, action, entity, eid, b, a, prev, h],
    )


def verify_chain(db: Database) -> str | None:
    """None when the chain is intact, else a Chinese sentence naming the first broken row."""
    prev = GENESIS  # the first row links to the genesis hash, so deleting it is detected too
    cur = db.execute("SELECT id, at, username, action, entity, entity_id, before, after, prev_hash, hash "
                     "FROM audit_log ORDER BY id")
    for rid, at, user, action, entity, eid, before, after, prev_hash, h in cur:
        if prev_hash != prev:
            return f"审计日志第 {rid} 行与上一行的链接断开（上一行被删除或修改）"
        if _digest(prev_hash, at, user, action, entity, eid, before, after) != h:
            return f"审计日志第 {rid} 行的内容与其哈希值不符（该行被修改）"
        prev = h
    return None


ACTION_LABELS = {
    "init": "初始化", "create": "新建", "update": "修改", "status": "状态变更", "attach": "添加附件",
    "login": "登录", "logout": "退出登录", "login_failed": "登录失败", "change_password": "修改密码", "put": "设置",
    "delete": "删除", "demo": "生成演示数据", "reveal": "查看完整信息", "purge": "清除个人信息",
    "print_reveal": "打印完整信息",
    "post": "记账", "approve": "批准", "reject": "不予批准", "revoke": "撤销批准", "cancel": "作废", "close": "关闭",
    "reopen": "重新打开", "enrol": "登记参加", "withdraw": "撤销参加", "return": "退回", "reverse": "冲销",
    "remove": "移出", "set": "设置", "export_bank": "导出银行代发清单",
}
ENTITY_LABELS = {"household": "档案", "user": "用户", "database": "数据库", "policy_standard": "低保标准",
                 "setting": "系统设置", "form": "打印表格", "voucher": "凭证", "exchange_key": "交换密钥", "payment_roster": "发放花名册",
                 "mutual_plan": "医疗互助方案", "mutual_unit": "互助参加单位", "mutual_member": "互助会员",
                 "mutual_claim": "互助报销", "mutual_advance": "特殊救助预付", "mutual_settlement": "互助季度结算",
                 "mutual_contribution": "互助金缴费"}


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    date_from: str = ""   # YYYY-MM-DD
    date_to: str = ""


def _where(f: AuditFilter) -> tuple[str, list[Any]]:
    w = Where()
    for column, value in (("username", f.username), ("action", f.action), ("entity", f.entity)):
        w.equal(column, value)
    if f.entity_id:
        w.add("entity_id GLOB ?", glob_prefix(f.entity_id))
    w.at_least("at", f.date_from)
    if f.date_to:
        w.add("at < date(?, '+1 day')", f.date_to)
    return w.sql, w.args


def query(db: Database, f: AuditFilter = AuditFilter(), *, limit: int = 2000, offset: int = 0) -> list[dict[str, Any]]:
    """Audit rows, newest first."""
    where, params = _where(f)
    return rows(db, f"SELECT id, at, username, action, entity, entity_id, before, after FROM audit_log{where} "
                    "ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset])


def trail(db: Database, entity: str, entity_id: object) -> list[dict[str, Any]]:
    """Every audited change of one thing (``entity``, ``entity_id`` exactly), newest first."""
    return rows(db, "SELECT at, username, action, before, after FROM audit_log WHERE entity = ? AND entity_id = ? "
                    "ORDER BY id DESC", [entity, str(entity_id)])


def count(db: Database, f: AuditFilter = AuditFilter()) -> int:
    where, params = _where(f)
    return int(db.execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()[0])


def usernames(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT username FROM audit_log ORDER BY username")]
