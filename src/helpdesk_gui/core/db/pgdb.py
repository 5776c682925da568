"""The core's database surface over PostgreSQL: the few things of ``sqlite_utils.Database`` and
``sqlite3.Connection`` the core uses (``db.execute``, ``db.conn.execute``/``executemany``,
``db.conn.in_transaction``, ``db.atomic()``), so every core function runs unchanged on a server.

This is the one place that bridges the two drivers' differences, not the SQL dialects (the core
writes SQL both engines share; what differs lives beside each feature):

- placeholders: the core writes ``?`` and ``:name`` (sqlite3's styles); psycopg takes ``%s`` and
  ``%(name)s`` (``%`` itself doubled). Strings, quoted names and comments are left alone;
- transactions: like the SQLite connection (autocommit; ``core.db.write`` sends BEGIN, COMMIT,
  ROLLBACK and SAVEPOINTs itself); ``BEGIN IMMEDIATE`` is SQLite's word for taking the write lock at
  the start: here a BEGIN and the register's one advisory write lock (``WRITE_LOCK``), so the desks'
  writes take turns as an SQLite file's writers do. Every read-then-write in the core (serial numbers,
  the audit chain's head, an application's state before a step, the ledger's balance) then sees what
  the desk before it committed; no two writes wait for each other's rows, so no deadlock. Reads never
  wait. A desk that waits longer than ``WRITE_WAIT`` gets ``DatabaseBusy`` in Chinese;
- ``cursor.lastrowid`` after an INSERT: ``lastval()``, the identity value the INSERT just drew in
  this session (triggers of ours never draw another one after it);
- sums: PostgreSQL's ``sum()`` of bigint is numeric; whole numbers come back as ``int`` (money in
  fen stays int), as SQLite gives them.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

_TOKEN = re.compile(r"""('(?:[^']|'')*')|("(?:[^"]|"")*")|(--[^\n]*)|(::)|(\?)|(:[A-Za-z_]\w*)|(%)""")


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """An SQL text with sqlite3 placeholders → the same text for psycopg."""
    def sub(m: re.Match[str]) -> str:
        if m.group(5):
            return "%s"
        if m.group(6):
            return f"%({m.group(6)[1:]})s"
        if m.group(7):
            return "%%"
        text = m.group(0)
        return text.replace("%", "%%") if m.group(1) or m.group(2) else text
    out = _TOKEN.sub(sub, sql)
    if re.match(r"\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", out, re.I):
        return "BEGIN"
    return out


WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('helpdesk:write'))"
WRITE_WAIT = "30s"   # SQLite's busy timeout's counterpart: then the clerk is told, the form kept


class Cursor:
    """A psycopg cursor with sqlite3's ``lastrowid``."""

    def __init__(self, cur: Any, inserted: bool) -> None:
        self._cur = cur
        self._inserted = inserted

    @property
    def lastrowid(self) -> int | None:
        if not self._inserted:
            return None
        row = self._cur.connection.execute("SELECT lastval()").fetchone()
        return int(row[0]) if row else None

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cur.fetchall())

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._cur.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)


def _params(params: Sequence[Any] | dict[str, Any] | None) -> Any:
    if params is None:
        return ()
    return params if isinstance(params, dict) else tuple(params)


class Connection:
    """``sqlite3.Connection``'s surface over a psycopg connection in autocommit mode.

    A desk that loses the server (cable pulled, server restarted): the statement raises ``ServerLost``
    (the server has rolled the open transaction back; at a COMMIT, whether it was saved cannot be known
    and the message says so); the ROLLBACK that follows is a no-op; the next statement outside a
    transaction connects again (``reconnect``), so the clerk's next try works once the server is back."""

    def __init__(self, raw: Any, reconnect: Any = None, shown: str = "") -> None:
        self.raw = raw
        self._reconnect = reconnect
        self._shown = shown

    def _ready(self, sql: str) -> bool:
        """False for a ROLLBACK on a lost connection (nothing to undo); reconnects a lost one otherwise."""
        if not (self.raw.closed or self.raw.broken):
            return True
        if sql.lstrip()[:8].upper().startswith(("ROLLBACK", "RELEASE")):
            return False
        if self._reconnect is None:
            from helpdesk_gui.core.db.server import ServerLost
            raise ServerLost(self._shown)
        self.raw = self._reconnect()
        return True

    def _run(self, sql: str, fn: Any) -> Any:
        import psycopg

        from helpdesk_gui.core.db.server import ServerLost
        try:
            return fn()
        except psycopg.OperationalError as e:
            if self.raw.closed or self.raw.broken:
                raise ServerLost(self._shown, sql.lstrip()[:6].upper() == "COMMIT") from e
            raise

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Cursor:
        if not self._ready(sql):
            return Cursor(None, False)
        if re.match(r"\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b", sql, re.I):
            return self._begin_write()
        cur = self.raw.cursor()
        self._run(sql, lambda: cur.execute(translate(sql), _params(params)))
        return Cursor(cur, sql.lstrip()[:6].upper() == "INSERT")

    def executemany(self, sql: str, seq: Any) -> Cursor:
        """In batches: psycopg sends the rows while it reads them, and a generator of rows that itself reads
        this connection (the audit seals' hashes) would wait for it forever."""
        self._ready(sql)
        cur = self.raw.cursor()
        text, rows = translate(sql), iter(seq)

        def run() -> None:
            while batch := [_params(p) for p in itertools.islice(rows, 5000)]:
                cur.executemany(text, batch)
        self._run(sql, run)
        return Cursor(cur, False)

    def _begin_write(self) -> Cursor:
        import psycopg

        from helpdesk_gui.core.base.errors import DatabaseBusy
        cur = self.raw.cursor()
        self._run("BEGIN", lambda: cur.execute("BEGIN"))
        try:
            self._run("SET", lambda: cur.execute(f"SET LOCAL lock_timeout = '{WRITE_WAIT}'"))
            self._run("SELECT", lambda: cur.execute(WRITE_LOCK))
        except psycopg.errors.LockNotAvailable:
            self.raw.execute("ROLLBACK")
            raise DatabaseBusy("另一台电脑正在写入本中心的档案库（例如导入一个大批次），请稍候再试；"
                               "您填写的内容没有丢失。") from None
        except BaseException:
            if self.in_transaction:
                self.raw.execute("ROLLBACK")
            raise
        return Cursor(cur, False)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus
        if self.raw.closed or self.raw.broken:
            return False
        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return bool(self.raw.closed)


class PgDatabase:
    """What the core calls ``db`` when the register is on a server."""

    engine = "postgresql"

    def __init__(self, raw: Any, shown: str, dsn: tuple[str, str] = ("", "")) -> None:
        from psycopg.adapt import Loader

        class WholeNumbers(Loader):
            def load(self, data: Any) -> Any:
                value = Decimal(bytes(data).decode())
                return int(value) if value == value.to_integral_value() else float(value)
        def prepared(raw: Any) -> Any:
            raw.adapters.register_loader("numeric", WholeNumbers)
            raw.autocommit = True
            return raw

        def reconnect() -> Any:
            from helpdesk_gui.core.db import server
            return prepared(server.connect(server.Server(*dsn)))
        self.conn = Connection(prepared(raw), reconnect if dsn[0] else None, shown)
        self.shown = shown              # host:port/dbname, for messages
        self.server = dsn               # (url, password): another connection to the same server
        self.folder: Any = None         # the desk's data folder (keys, lock, log)
        self._savepoints = 0

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Cursor:
        return self.conn.execute(sql, params)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint inside the transaction already open (``core.db.write`` nested)."""
        self._savepoints += 1
        name = f"hd_sp{self._savepoints}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            self.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._savepoints -= 1

    def table_names(self) -> list[str]:
        return [str(r[0]) for r in self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name")]

    def close(self) -> None:
        self.conn.close()
