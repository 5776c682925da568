"""The key the county and the city share for the batch 签名 (HMAC-SHA256).

Kept outside the database and outside every exchange file: the environment variable
``HELPDESK_EXCHANGE_KEY``, else the file ``exchange.key`` in the data folder (its text, trimmed).
No key configured means batches are exported unsigned and signatures cannot be checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.db import write

ENV = "HELPDESK_EXCHANGE_KEY"
FILE = "exchange.key"
MIN_LENGTH = 16


def key_path(folder: Path) -> Path:
    return Path(folder) / FILE


def load_key(folder: Path | None) -> bytes | None:
    env = os.environ.get(ENV, "").strip()
    if env:
        return env.encode("utf-8")
    if folder is None:
        return None
    path = key_path(folder)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text.encode("utf-8") if text else None


def save_key(folder: Path, text: str) -> Path:
    """Store the shared key (at least 16 characters) in the data folder, readable by the owner only."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise ValidationError("交换密钥", f"至少 {MIN_LENGTH} 个字符")
    path = key_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    try:
        path.chmod(0o600)
    except OSError:
        pass
    return path


def fingerprint(key: bytes) -> str:
    """What may be shown and compared by telephone with the city: the first 8 hex digits of its SHA-256."""
    import hashlib
    digest = hashlib.sha256(key).hexdigest()[:8].upper()
    return f"{digest[:4]}-{digest[4:]}"


def status(folder: Path | None) -> str:
    """One sentence for the window and ``helpdesk exchange-key``: where the key comes from, its fingerprint."""
    key = load_key(folder)
    if key is None:
        return "未设置交换密钥：导出的批次不签名，导入时无法核对签名。"
    where = f"环境变量 {ENV}" if os.environ.get(ENV, "").strip() else f"数据文件夹中的 {FILE}"
    return f"已设置交换密钥（来自{where}），指纹 {fingerprint(key)}；请与市总工会核对指纹是否一致。"


def set_key(db: Database, actor: Actor, folder: Path, text: str) -> str:
    """The admin stores the key agreed with the city; the audit trail keeps its fingerprint (never the key)."""
    actor.require("settings.edit")
    before = load_key(folder)
    with write(db):
        save_key(folder, text)
        new = fingerprint(text.strip().encode("utf-8"))
        audit.record(db, actor.username, "set", "exchange_key", FILE,
                     {"fingerprint": fingerprint(before)} if before else None, {"fingerprint": new})
    return new
