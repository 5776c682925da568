"""Moving a register to the centre's PostgreSQL server: a new empty one (``server init``), or a
desk's own SQLite register with every row (``server upload``), verified row by row.

Both go the same way: the register as SQLite (a fresh one made by ``setup.initialise``, the same
code as ``helpdesk init``, so the same code lists, admin and first audit row; or the desk's file),
the server's schema created (``core.db.pg.create_schema``, refused when our tables are already
there), every table copied in one transaction (``core.db.pg.copy_from_sqlite``), then compared:
for each table the row count and a digest of all its rows that does not depend on their order (the
sum of one SHA-256 per row, modulo 2^256), and the head of the audit chain (last row's id and hash).
All of it is one server transaction (PostgreSQL's DDL is transactional), committed only when every
table matches: a difference, a lost connection or a stopped run leaves nothing on the server. The
desk's own file is only read.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import keyring
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.db import pg, server

Progress = Callable[[int, int], None]


class MoveFailed(HelpdeskError):
    exit_code = 1


@dataclass
class Moved:
    server: str                                  # host:port/db as shown
    counts: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    audit_head: str = ""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _value(v: Any) -> Any:
    if isinstance(v, memoryview):
        return bytes(v)
    if isinstance(v, bool):
        return int(v)
    return v


def table_digest(rows: Iterable[Iterable[Any]]) -> tuple[int, str]:
    """(row count, a digest of the rows that does not depend on their order)."""
    total, count = 0, 0
    for row in rows:
        h = hashlib.sha256(repr(tuple(_value(v) for v in row)).encode("utf-8")).digest()
        total = (total + int.from_bytes(h, "big")) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


def differences(lite: sqlite3.Connection, pgconn: Any, tables: Iterable[str]) -> list[str]:
    """Each table whose rows differ between the two sides, said in Chinese ([] when all are equal)."""
    out: list[str] = []
    columns = pg.sqlite_columns(lite)
    for table in tables:
        cols = columns[table]
        names = ", ".join(f'"{c}"' for c in cols)
        ours = table_digest(lite.execute(f'SELECT {names} FROM "{table}"'))
        with pgconn.cursor() as cur:
            cur.execute(f'SELECT {names} FROM "{table}"')
            theirs = table_digest(cur)
        if ours != theirs:
            out.append(f"表 {table}：本机 {ours[0]:,} 行，服务器 {theirs[0]:,} 行"
                       + ("，内容不同" if ours[0] == theirs[0] else ""))
    return out


def _audit_head(lite: sqlite3.Connection) -> tuple[int, str]:
    found = lite.execute("SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) "
                         "FROM audit_log").fetchone()
    return int(found[0]), str(found[1] or "")


def _move(lite: sqlite3.Connection, srv: server.Server, progress: Progress | None) -> Moved:
    """Schema, copy and comparison in ONE server transaction, committed only when every table matches."""
    conn = server.connect(srv)
    try:
        pg.create_schema(conn)
        counts = pg.copy_from_sqlite(lite, conn, progress=progress)
        ours = list(pg.sqlite_columns(lite))    # our tables; SQLite's own and its FTS index left out
        wrong = differences(lite, conn, [t for t in ours if t in counts])
        missing = sorted(set(ours) - set(counts))
        if missing:
            wrong.insert(0, "服务器上没有这些表：" + "、".join(missing))
        if wrong:
            raise MoveFailed("复制到服务器后核对不一致，服务器上没有留下任何内容：" + "；".join(wrong) + "。")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")   # statistics and visibility for the rows just moved (core.db.after_bulk)
        rows, head = _audit_head(lite)
        return Moved(srv.shown, counts, rows, head)
    finally:
        conn.rollback()   # after a commit: nothing; otherwise nothing of it stays on the server
        conn.close()


def init_server(folder: Path, srv: server.Server, county_code: str, union_name: str, admin_password: str,
                *, progress: Progress | None = None) -> Moved:
    """``helpdesk server init``: a new, empty register on the server (its admin, code lists and the audit
    trail's first row). The key that signed that row becomes ``folder``'s audit key (``audit.key``; kept
    beside as ``audit-server-<id>.key`` when the folder already has one): the desks' key, to copy to each."""
    with tempfile.TemporaryDirectory(prefix="helpdesk-server-") as tmp:
        fresh = setup.initialise(Path(tmp) / "helpdesk.db", county_code, union_name, admin_password)
        try:
            moved = _move(fresh.conn, srv, progress)
        finally:
            dbm.close(fresh)
        _keys, current = keyring.load(Path(tmp))
        if current is not None:   # the server's key: this folder signs with it (README: copy it to every desk)
            Path(folder).mkdir(parents=True, exist_ok=True)
            mine = keyring.key_path(Path(folder))
            keep = Path(folder) / f"audit-server-{current}.key" if mine.exists() else mine
            keep.write_bytes(keyring.key_path(Path(tmp)).read_bytes())
            keep.chmod(0o600)
    return moved


def upload(db: Any, srv: server.Server, *, progress: Progress | None = None) -> Moved:
    """``helpdesk server upload``: every row of the desk's register (``db``, checked green by the caller)
    copied to the server and verified table by table."""
    return _move(db.conn, srv, progress)
