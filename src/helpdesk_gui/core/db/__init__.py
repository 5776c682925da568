"""The one way in to the data: open the SQLite file, check it is ours, set pragmas, migrate.

WAL with ``synchronous=FULL`` (durable across power loss), foreign keys on, a busy timeout.
The connection runs in autocommit mode; every write goes through ``write()`` so it is one
transaction (sqlite-utils 4 nests ``atomic()`` with savepoints). Modules above register hooks here
(the audit trail's seal and anchor, ``core.access.seal``): after a writable open, just before and
just after the outermost COMMIT, and after a ROLLBACK.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from helpdesk_gui.core.base.errors import DatabaseBusy, DatabaseRefused
from helpdesk_gui.core.migrations import MIGRATIONS, SCHEMA_VERSION

#: PRAGMA application_id marking a file as ours ("HDSK").
APPLICATION_ID = 0x4844534B
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

_migrations = Migrations("helpdesk")

Hook = Callable[[Database], None]
#: called with the database: after a writable open has migrated it, inside the outermost write
#: transaction just before its COMMIT (may raise: the transaction is rolled back), after that COMMIT,
#: and after a ROLLBACK of the outermost transaction
HOOKS: dict[str, list[Hook]] = {"open": [], "before_commit": [], "after_commit": [], "rollback": []}
#: connections (by id) inside an outermost ``write()``
_writing: set[int] = set()


def add_hook(when: str, hook: Hook) -> None:
    if hook not in HOOKS[when]:
        HOOKS[when].append(hook)


def _run_hooks(when: str, db: Database) -> None:
    for hook in HOOKS[when]:
        hook(db)


def in_write(db: Database) -> bool:
    """True inside an outermost ``write()`` on this connection (its COMMIT will run the hooks)."""
    return id(db.conn) in _writing


def _register(name: str, fn: Any) -> None:
    def apply(db: Database) -> None:
        fn(db)
        # the schema version is the number of migrations applied, this one included
        db.execute(f"PRAGMA user_version = {len(_migrations.applied(db)) + 1}")

    _migrations(name=name)(apply)


for _name, _fn in MIGRATIONS:
    _register(_name, _fn)


def now_iso() -> str:
    """Local time, ISO 8601 with offset, seconds precision (the batch format's TS)."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _inspect(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) read without modifying the file."""
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError:
        raise DatabaseRefused(f"文件 {path} 已损坏或不是数据库文件，程序未做任何修改。") from None
    finally:
        conn.close()
    return int(app_id), int(version), int(tables)


def check_file(path: Path) -> None:
    """Refuse a file that is not ours or was made by a newer program. Reads only."""
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        raise DatabaseRefused(f"文件 {path} 不是帮扶中心工作台的数据库，程序未做任何修改。")
    app_id, version, tables = _inspect(path)
    if app_id != APPLICATION_ID and tables:
        raise DatabaseRefused(f"文件 {path} 是其他程序的 SQLite 数据库，不是帮扶中心工作台的数据库，程序未做任何修改。")
    if version > SCHEMA_VERSION:
        raise DatabaseRefused(
            f"数据库由更新版本的程序创建（结构版本 {version}），本程序只支持到版本 {SCHEMA_VERSION}。"
            "请升级程序后再打开；数据库未做任何修改。"
        )


def connect(path: Path, *, readonly: bool = False) -> Database:
    if readonly:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB page cache: bulk writes and big sorts stay in memory
    db = Database(conn, execute_plugins=False)
    if readonly:
        _READ_ONLY.add(id(conn))
    return db


#: the connections opened read-only (SQLite does not say so itself)
_READ_ONLY: set[int] = set()


def is_read_only(db: Database) -> bool:
    return id(db.conn) in _READ_ONLY


def on_server(db: Any) -> bool:
    """True when the register is on a PostgreSQL server (``core.db.pgdb``), not in the folder's file."""
    return getattr(db, "engine", "sqlite") == "postgresql"


def ids_taken(db: Any, table: str) -> None:
    """After rows were inserted with explicit ids (bulk writes number them themselves): on a server, move the
    table's identity past them, so the next row without an id does not collide (SQLite does it by itself)."""
    if on_server(db):
        db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)")


def after_bulk(db: Any) -> None:
    """After a bulk write has committed (demo, a batch import, a register adopted or moved up): on a server,
    ``VACUUM (ANALYZE)``: fresh planner statistics, so the next search is planned for the rows now there, and
    the new rows marked visible, so index-only scans need not visit them; not minutes later when autovacuum
    gets to it. Pages already clean are skipped, so after a small batch it is quick. SQLite's plans here never
    depend on statistics (none are kept)."""
    if on_server(db) and not db.conn.in_transaction:
        db.execute("VACUUM (ANALYZE)")


def file_of(db: Database) -> Path:
    """The database file a connection is open on."""
    return Path(str(db.execute("PRAGMA database_list").fetchone()[2]))


def folder_of(db: Any) -> Path | None:
    """The desk's data folder (its keys, lock, log and backups): where the SQLite file is, or the folder
    a server connection was opened from; None for an in-memory database."""
    if on_server(db):
        return getattr(db, "folder", None)
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file).parent if file else None
    return None


def open_register(folder: Path, given: str | None = None, *, readonly: bool = False) -> Any:
    """THE way in for the window and the command line: the centre's server when one is chosen
    (``--database``, HELPDESK_DATABASE_URL, the folder's ``server.json``: ``core.db.server.chosen``),
    else the data folder's own SQLite file."""
    from helpdesk_gui.core.base import paths
    from helpdesk_gui.core.db import server
    srv = server.chosen(folder, given)
    if srv is not None:
        return open_server(srv, folder)
    return open_db(paths.db_path(folder), readonly=readonly)


def use_server(folder: Path, srv: Any) -> tuple[Any, str]:
    """Point the data folder at the server, after opening it (``open_server`` refuses an unreachable, empty or
    other-version one, and then nothing is saved). Returns the open register and where the password went."""
    from helpdesk_gui.core.db import server
    db = open_server(srv, folder)
    return db, server.save(folder, srv)


def open_server(srv: Any, folder: Path | None) -> Any:
    """Open the register on a PostgreSQL server (``core.db.server.Server``) for the desk whose data folder
    is ``folder``. Refuses (nothing changed) a database without our schema, or of another version."""
    from helpdesk_gui.core.db import pg, pgdb, server
    raw = server.connect(srv)
    try:
        raw.autocommit = True
        if not pg.existing_tables(raw):
            raise DatabaseRefused(f"服务器 {srv.shown} 上还没有档案库，请先由信息管理员建立"
                                  "（helpdesk server init 或 helpdesk server upload）。")
        version = pg.schema_version(raw)
        if version != SCHEMA_VERSION:
            raise DatabaseRefused(f"服务器 {srv.shown} 上的档案库结构是第 {version} 版，本程序是第 {SCHEMA_VERSION} 版。"
                                  "请让各台电脑使用同一版本的程序；数据未做任何修改。")
    except BaseException:
        raw.close()
        raise
    db = pgdb.PgDatabase(raw, srv.shown, (srv.url, srv.password))
    db.folder = folder
    _run_hooks("open", db)  # type: ignore[arg-type]
    return db


def open_db(path: Path, *, create: bool = False, readonly: bool = False) -> Database:
    """Open (or with ``create`` make) our database, migrating it to the current schema.

    Raises ``DatabaseRefused`` (nothing modified) for a foreign or newer file, and for a missing
    file when ``create`` is false.
    """
    if path.exists():
        check_file(path)
    elif not create:
        raise DatabaseRefused(f"数据文件夹 {path.parent} 中没有数据库，请先初始化（helpdesk init）。")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path, readonly=readonly)
    if not readonly:
        if not path.exists() or db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        _migrations.apply(db)
        _run_hooks("open", db)
    return db


def close(db: Database) -> None:
    """Close the connection (a worker thread's own, or the window's before a restore replaces the file)."""
    _READ_ONLY.discard(id(db.conn))
    db.conn.close()


def reopen(db: Any) -> Any:
    """Another connection to the same register, read-only when ``db`` is (a worker thread's own)."""
    if on_server(db):
        from helpdesk_gui.core.db import server
        return open_server(server.Server(*db.server), db.folder)
    return open_db(file_of(db), readonly=is_read_only(db))


def checkpoint(db: Database) -> bool:
    """Fold the write-ahead log into the database file and empty it (``wal_checkpoint(TRUNCATE)``).

    Done at a normal exit, so that ``helpdesk.db`` alone is complete: a copy of only that file (to a USB
    stick, by hand) misses nothing. False when another connection's open read kept it from finishing;
    nothing is lost then, the log stays beside the file and SQLite folds it in at the next open."""
    if on_server(db):
        return True   # the server keeps its own log
    busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return int(busy) == 0


def pending_migrations(db: Database) -> list[str]:
    return [m.name for m in _migrations.pending(db)]


def schema_version(db: Database) -> int:
    if on_server(db):
        return int(scalar(db, "SELECT version FROM schema_version"))
    return int(db.execute("PRAGMA user_version").fetchone()[0])


# Small query helpers so core modules read cleanly.

def rows(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def row(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
    cur = db.execute(sql, params)
    r = cur.fetchone()
    if r is None:
        return None
    return dict(zip([d[0] for d in cur.description], r))


def scalar(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    r = db.execute(sql, params).fetchone()
    return None if r is None else r[0]


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction (``BEGIN IMMEDIATE`` at the outermost level, a savepoint inside)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        # the write lock: SQLite's one writer; on a server one desk's write at a time (``core.db.pgdb``)
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise DatabaseBusy("另一个程序正在写入数据库，请稍候再试（若一直如此，请关闭其他打开此数据文件夹的程序）。") from None
        raise
    _writing.add(id(db.conn))
    try:
        try:
            yield db
            _run_hooks("before_commit", db)
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            _run_hooks("rollback", db)
            raise
        try:
            db.execute("COMMIT")
        except BaseException:
            # a failed COMMIT (deferred constraint, disk full) leaves the transaction open: later
            # writes would silently nest inside it as savepoints and never be committed
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            _run_hooks("rollback", db)
            raise
    finally:
        _writing.discard(id(db.conn))
    _run_hooks("after_commit", db)


def get_meta(db: Database, key: str, default: str = "") -> str:
    value = scalar(db, "SELECT value FROM meta WHERE key = ?", [key])
    return default if value is None else str(value)


def set_meta(db: Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               [key, value])
