"""Writing the audit chain: each row's SHA-256 link, its signature, the household seals, the anchor.

``append`` adds one row: its SHA-256 over the previous row's hash and its own content (the chain
since the first version) and its signature, HMAC-SHA256 under the data folder's key (``keyring``)
over that hash and the number of households it seals. The households an audit row changed are
sealed at the COMMIT of the write transaction (a ``core.db`` hook), so the seal holds each
household's content as committed, whatever the writer did after its ``record`` call; outside a
``write()`` they are sealed at once. After the COMMIT the anchor file is rewritten from the head.

``ensure`` runs when a database is opened for writing (and before the first row a connection
appends). A database whose rows carry no signature yet (written by a program before migration
0009) is sealed: one signed ``seal`` row commits to every row before it and seals every
household's content as it is at that moment. Those rows are trusted as they were at the upgrade.
A chain whose signing key is no longer in the data folder gets a new key and a signed ``rekey``
row; ``helpdesk check`` keeps saying that the rows signed with the missing key cannot be verified.
"""

from __future__ import annotations

import hashlib
import json
import logging
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import fingerprint, keyring
from helpdesk_gui.core.access.keyring import Anchor

GENESIS = "0" * 64
SYSTEM_USER = "system"
log = logging.getLogger(__name__)


def digest(prev_hash: str, at: str, username: str, action: str, entity: str, entity_id: str,
           before: str | None, after: str | None) -> str:
    payload = json.dumps([prev_hash, at, username, action, entity, entity_id, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


folder_of = dbm.folder_of


@dataclass
class _State:
    folder: Path | None
    keys: dict[str, bytes]
    current: str | None
    ensured: bool = False
    #: audit row id → (its signature, the households it seals), sealed at the COMMIT
    pending: dict[int, tuple[str, list[int]]] = field(default_factory=dict)
    appended: bool = False

    @property
    def key(self) -> bytes | None:
        return self.keys.get(self.current or "")


_states: weakref.WeakKeyDictionary[Database, _State] = weakref.WeakKeyDictionary()


def state(db: Database) -> _State:
    st = _states.get(db)
    if st is None:
        folder = folder_of(db)
        keys, current = keyring.load(folder) if folder else ({}, None)
        st = _states[db] = _State(folder, keys, current)
    return st


def forget(db: Database) -> None:
    """Drop what this connection remembered of the key files (after they changed on disk)."""
    _states.pop(db, None)


def _new_key(st: _State) -> None:
    assert st.folder is not None
    kid, key = keyring.new_key(st.folder)
    st.keys[kid] = key
    st.current = kid


def append(db: Database, username: str, action: str, entity: str, entity_id: str, before: str | None,
           after: str | None, households: Iterable[int] = ()) -> int:
    """Append one row; returns its id. Inside the caller's write, else a write of its own: the write lock
    (``core.db.write``) makes the chain one chain when several desks share a server."""
    if not db.conn.in_transaction:
        with dbm.write(db):
            return _append(db, (username, action, entity, entity_id, before, after), households)
    return _append(db, (username, action, entity, entity_id, before, after), households)


def _append(db: Database, what: tuple[str, str, str, str, str | None, str | None], households: Iterable[int]) -> int:
    username, action, entity, entity_id, before, after = what
    st = state(db)
    if not st.ensured:
        ensure(db)
    hids = sorted({int(h) for h in households})
    last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    at = dbm.now_iso()
    h = digest(prev, at, username, action, entity, entity_id, before, after)
    key = st.key
    mac = keyring.sign(key, keyring.row_message(h, len(hids))) if key is not None else None
    cur = db.execute(
        "INSERT INTO audit_log (at, username, action, entity, entity_id, before, after, prev_hash, hash, mac, sealed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, username, action, entity, entity_id, before, after, prev, h, mac, len(hids)])
    rid = int(cur.lastrowid or 0)
    st.appended = True
    if hids:
        st.pending[rid] = (mac or "", hids)
    if not dbm.in_write(db):  # no COMMIT hook will follow: seal now, and anchor when autocommitted
        _seal_pending(db)
        if not db.conn.in_transaction:
            _after_commit(db)
    return rid


def _seal_pending(db: Database) -> None:
    st = state(db)
    if not st.pending:
        return
    pending, st.pending = st.pending, {}
    # rows rolled back by a savepoint are gone (or their id now holds another row): skip them
    alive = {int(i): str(m or "") for i, m in db.execute(
        "SELECT id, mac FROM audit_log WHERE id >= ?", [min(pending)])}
    key = st.key

    def rows() -> Iterator[tuple[int, int, str, str]]:
        """One seal per household of each row, streamed (an import of 250,000 households seals them all)."""
        for rid, (mac, hids) in sorted(pending.items()):
            if alive.get(rid) != mac:
                continue
            found = fingerprint.iter_hashes(db, hids)   # sorted by id, as ``hids`` are; missing ones absent
            nxt = next(found, None)
            for hid in hids:
                while nxt is not None and nxt[0] < hid:
                    nxt = next(found, None)
                content = nxt[1] if nxt is not None and nxt[0] == hid else ""
                seal = keyring.sign(key, keyring.seal_message(mac, hid, content)) if key is not None else ""
                yield rid, hid, content, seal
    db.conn.executemany("INSERT INTO audit_households (audit_id, household_id, content_hash, mac) VALUES (?, ?, ?, ?)",
                        rows())


def _before_commit(db: Database) -> None:
    if db in _states:
        _seal_pending(db)


def _rollback(db: Database) -> None:
    st = _states.get(db)
    if st is not None:
        st.pending.clear()


def head(db: Database) -> tuple[int, int, str, str] | None:
    """(rows, last id, last hash, last signature) of the chain, or None when it is empty."""
    r = db.execute("SELECT id, hash, mac FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if r is None:
        return None
    n = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    return n, int(r[0]), str(r[1]), str(r[2] or "")


def anchor_of(db: Database, key: bytes) -> Anchor | None:
    """The signed anchor of this database's chain as it is now."""
    top = head(db)
    if top is None:
        return None
    return Anchor(*top, at=dbm.now_iso()).signed(key)


def _advanced(db: Database, old: Anchor, key: bytes) -> Anchor | None:
    """The anchor moved on from ``old`` to the head (counting only the rows after it); None when the row
    ``old`` names is gone or differs (or there is no head)."""
    r = db.execute("SELECT hash, mac FROM audit_log WHERE id = ?", [old.last_id]).fetchone()
    if r is None or r[0] != old.last_hash or (r[1] or "") != old.last_mac:
        return None
    top = db.execute("SELECT id, hash, mac FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    beyond = int(db.execute("SELECT count(*) FROM audit_log WHERE id > ?", [old.last_id]).fetchone()[0])
    return Anchor(old.rows + beyond, int(top[0]), str(top[1]), str(top[2] or ""), dbm.now_iso()).signed(key)


def _after_commit(db: Database) -> None:
    st = _states.get(db)
    if st is None or not st.appended:
        return
    st.appended = False
    if st.folder is None or st.key is None:
        return
    try:
        old = keyring.read_anchor(st.folder)
    except keyring.AnchorUnreadable:
        old = None
    if old is None:
        anchor = anchor_of(db, st.key)
    else:
        anchor = _advanced(db, old, st.key)
        if anchor is None:
            # the anchor names a row that is gone or differs: keep it, so that `helpdesk check` keeps saying so
            log.warning("audit anchor no longer matches the chain; not advanced")
            return
    if anchor is None:
        return
    try:
        keyring.write_anchor(st.folder, anchor)
    except OSError as e:  # the data is committed; the next write tries again and `check` notices meanwhile
        log.warning("audit anchor not written: %s", e)


def ensure(db: Database) -> None:
    """Seal a chain written before signatures, or start a new key when the signing one is missing."""
    st = state(db)
    if st.ensured or st.folder is None:
        st.ensured = True
        return
    st.ensured = True
    last = db.execute("SELECT mac FROM audit_log WHERE mac IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        n = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        if st.key is None:
            _new_key(st)
        try:
            anchored = keyring.read_anchor(st.folder) is not None
        except keyring.AnchorUnreadable:
            anchored = True
        if n and not anchored:
            households = [int(r[0]) for r in db.execute("SELECT id FROM households ORDER BY id")]
            with dbm.write(db):
                append(db, SYSTEM_USER, "seal", "audit_log", "", None, _dump(
                    {"reason": "升级后首次打开：此前的审计记录和各档案的内容按此刻的状态封存", "rows": n,
                     "households": len(households)}), households)
        return
    signer = keyring.signed_by(last[0])
    if signer not in st.keys:   # rare: only then is the trail counted (every open of every connection comes here)
        n = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        if st.key is None:
            _new_key(st)
        with dbm.write(db):
            append(db, SYSTEM_USER, "rekey", "audit_log", "", None, _dump(
                {"reason": "签名所用的审计密钥不在数据文件夹中（audit.key 缺失或被替换），启用新密钥",
                 "missing_key": signer, "new_key": st.current, "rows": n}))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


dbm.add_hook("open", ensure)
dbm.add_hook("before_commit", _before_commit)
dbm.add_hook("after_commit", _after_commit)
dbm.add_hook("rollback", _rollback)
