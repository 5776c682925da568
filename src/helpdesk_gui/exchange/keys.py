"""The key the county and the city share for the batch 签名 (HMAC-SHA256).

Kept outside the database and outside every exchange file: the environment variable
``HELPDESK_EXCHANGE_KEY``, else the file ``exchange.key`` in the data folder (its text, trimmed).
No key configured means batches are exported unsigned and signatures cannot be checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpdesk_gui.core.errors import ValidationError

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
