"""The audit trail: append-only, each row chained to the previous one by a SHA-256 hash.

Every write of the core calls ``record`` inside its own transaction, so the audit row exists
exactly when the change does. ``verify_chain`` names the first row whose hash does not match.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import now_iso

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
