"""The audit trail's two files outside the database: its key (``audit.key``) and its anchor (``audit.anchor``).

The key signs every audit row (HMAC-SHA256), so rows rewritten or appended with SQLite tools and a
recomputed SHA-256 chain do not verify. It lives in the data folder, never in the database, never
in a backup or an exchange file; it is created on first use, readable by the owner only (0600).
``audit.key`` holds the keys in use (JSON; the last one signs new rows). A key is named by its id
(the first 12 hex digits of a SHA-256 over it), which each signature carries as ``<id>:<hex>``. If
the key was lost and the program had to start a new one, an old ``audit.key`` that turns up can be
put back beside it as ``audit-<anything>.key``: its keys are read too.

The anchor is the head of the chain as last written: number of rows, id, SHA-256 and signature of
the last row, itself signed. Deleting rows at the end (or all of them) leaves the database with
fewer rows than the anchor says. It is rewritten after every write transaction that appended audit
rows, whole or not at all; a copy goes inside every backup and into every exported batch.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

KEY_FILE = "audit.key"
OLD_KEYS = "audit-*.key"
ANCHOR_FILE = "audit.anchor"


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"helpdesk-gui audit key:" + key).hexdigest()[:12]


def sign(key: bytes, message: str) -> str:
    """``<key id>:<HMAC-SHA256 hex>`` of ``message``."""
    return f"{key_id(key)}:{hmac.new(key, message.encode('utf-8'), hashlib.sha256).hexdigest()}"


def signed_by(signature: str | None) -> str:
    """The key id a signature names ('' for none)."""
    return (signature or "").partition(":")[0]


def verify(keys: dict[str, bytes], signature: str | None, message: str) -> bool | None:
    """True / False, or None when the key it names is not at hand."""
    key = keys.get(signed_by(signature))
    if key is None:
        return None
    return hmac.compare_digest(sign(key, message), str(signature))


def row_message(row_hash: str, sealed: int) -> str:
    return f"row|{row_hash}|{sealed}"


def seal_message(audit_mac: str, household_id: int, content_hash: str) -> str:
    return f"household|{audit_mac}|{household_id}|{content_hash}"


# ---------------------------------------------------------------- the key file

def key_path(folder: Path) -> Path:
    return Path(folder) / KEY_FILE


def _read_keys(path: Path) -> list[bytes]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [bytes.fromhex(str(k["key"])) for k in data["keys"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def load(folder: Path) -> tuple[dict[str, bytes], str | None]:
    """Every key at hand (by id) and the id of the one that signs new rows (None: no ``audit.key``)."""
    current = _read_keys(key_path(folder))
    keys: dict[str, bytes] = {}
    for old in sorted(Path(folder).glob(OLD_KEYS)):
        keys.update((key_id(k), k) for k in _read_keys(old))
    keys.update((key_id(k), k) for k in current)
    return keys, (key_id(current[-1]) if current else None)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        part.chmod(0o600)
    except OSError:
        pass
    os.replace(part, path)


def new_key(folder: Path) -> tuple[str, bytes]:
    """A fresh random key appended to ``audit.key`` (created 0600 when missing); it signs from now on."""
    path = key_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = list(data["keys"])
    except FileNotFoundError:
        entries = []
    except (OSError, ValueError, KeyError, TypeError):   # damaged: kept aside, never overwritten
        stamp = _dt.datetime.now().strftime("%Y%m%d%H%M%S")
        path.replace(path.with_name(f"audit-unreadable-{stamp}.key"))
        entries = []
    key = secrets.token_bytes(32)
    entries.append({"id": key_id(key), "key": key.hex(),
                    "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds")})
    _write_private(path, json.dumps({"format": 1, "keys": entries}, ensure_ascii=False, indent=1) + "\n")
    return key_id(key), key


# ---------------------------------------------------------------- the anchor

@dataclass(frozen=True)
class Anchor:
    rows: int
    last_id: int
    last_hash: str
    last_mac: str
    at: str
    mac: str = ""

    def message(self) -> str:
        return f"anchor|{self.rows}|{self.last_id}|{self.last_hash}|{self.last_mac}"

    def signed(self, key: bytes) -> Anchor:
        return Anchor(self.rows, self.last_id, self.last_hash, self.last_mac, self.at, sign(key, self.message()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Anchor:
        d = json.loads(text)
        return Anchor(int(d["rows"]), int(d["last_id"]), str(d["last_hash"]), str(d["last_mac"] or ""),
                      str(d.get("at", "")), str(d.get("mac", "")))


def anchor_path(folder: Path) -> Path:
    return Path(folder) / ANCHOR_FILE


class AnchorUnreadable(Exception):
    pass


def read_anchor(folder: Path) -> Anchor | None:
    """The anchor of the data folder; None when there is none; ``AnchorUnreadable`` when it is damaged."""
    path = anchor_path(folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise AnchorUnreadable(str(e)) from None
    try:
        return Anchor.from_json(text)
    except (ValueError, KeyError, TypeError):
        raise AnchorUnreadable("内容无法解析") from None


def write_anchor(folder: Path, anchor: Anchor) -> None:
    _write_private(anchor_path(folder), anchor.to_json() + "\n")


def remove_anchor(folder: Path) -> None:
    anchor_path(folder).unlink(missing_ok=True)
