"""The PostgreSQL twin of the SQLite schema: create it, copy an SQLite database into it, compare the two.

Plain psycopg 3 (imported only when a function runs, so the SQLite-only program never needs it): every
function takes a ``psycopg.Connection``. The schema itself is ``schema.sql`` beside this module (its
header says what differs from SQLite and why); the seed rows the SQLite migrations write (code lists,
aliases, cap rules, holidays, the default funds) come from the same frozen seed modules, so a fresh
PostgreSQL database starts where a fresh SQLite one does.
"""

from __future__ import annotations

import datetime as _dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpdesk_gui.core.base.errors import DatabaseRefused
from helpdesk_gui.core.migrations import SCHEMA_VERSION
from helpdesk_gui.core.migrations.m0001_seed import ALIAS_ROWS, CODE_ROWS
from helpdesk_gui.core.migrations.m0002_seed import CAP_COLUMNS, CAP_ROWS, HOLIDAY_ROWS
from helpdesk_gui.core.migrations.m0005_ledger import default_fund_rows

if TYPE_CHECKING:
    import psycopg

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

#: PostgreSQL-only bookkeeping (the SQLite side keeps it in PRAGMA user_version)
VERSION_TABLE = "schema_version"

#: tables create_schema fills with seed rows; every other table starts empty
SEEDED = ("code_lists", "code_aliases", "cap_rules", "holidays", "funds", "fund_balances")

#: SQLite tables with no PostgreSQL twin: the address index (FTS5 and its shadow tables) and
#: sqlite-utils' migration record (replaced by schema_version)
SQLITE_ONLY = re.compile(r"^(households_fts.*|_sqlite_migrations|sqlite_.*)$")

#: rows between two progress reports of a copy
PROGRESS_EVERY = 5000

Progress = Callable[[int, int], None]


def schema_sql() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def tables() -> list[str]:
    """Our tables in the order schema.sql creates them (referenced tables first), schema_version left out."""
    names = re.findall(r"^CREATE TABLE (\w+)", schema_sql(), flags=re.MULTILINE)
    return [n for n in names if n != VERSION_TABLE]


def _ident(name: str) -> str:
    """A table or column name of ours, quoted; anything else is refused (names are put into SQL text)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unexpected identifier {name!r}")
    return f'"{name}"'


def existing_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Which of our tables (schema_version included) exist in the connection's current schema."""
    wanted = [*tables(), VERSION_TABLE]
    found = {str(r[0]) for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name = ANY(%s)", [wanted])}
    return [t for t in wanted if t in found]


def create_schema(conn: psycopg.Connection[Any], *, seed: bool = True) -> None:
    """Create the whole schema, with the seed rows a fresh SQLite database has, in one transaction.

    Refuses (``DatabaseRefused``, nothing changed) a database that already has any of our tables:
    a second run must never mix two generations of the schema."""
    present = existing_tables(conn)
    if present:
        raise DatabaseRefused(
            f"PostgreSQL 数据库中已有帮扶中心工作台的数据表（{'、'.join(present[:5])}"
            f"{' 等' if len(present) > 5 else ''}），未做任何修改。请使用新建的空数据库。")
    with conn.transaction():
        # no parameters: psycopg sends the script as one simple query, statements and DO blocks alike
        conn.execute(schema_sql().encode("utf-8"))
        ported = schema_version(conn)
        if ported != SCHEMA_VERSION:
            # schema.sql was not brought up to a new SQLite migration: never build a stale schema
            raise DatabaseRefused(
                f"本程序的 PostgreSQL 数据库结构是第 {ported} 版，而 SQLite 数据库结构是第 {SCHEMA_VERSION} 版，"
                "两者不一致，不能创建数据库。请使用正式发布的程序版本。")
        _require_cjk_trigrams(conn)
        if seed:
            _seed(conn)


def _require_cjk_trigrams(conn: psycopg.Connection[Any]) -> None:
    """The address search's trigram index must see Chinese characters: pg_trgm takes its letters from the
    database's LC_CTYPE, and under ``C`` it finds none in 马街镇 (every search would read the whole index)."""
    if not conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_households_address_trgm'").fetchone():
        return   # pg_trgm not installable: the plain index (README)
    letters = conn.execute("SELECT cardinality(show_trgm('马街镇东风路'))").fetchone()
    if letters and letters[0]:
        return
    found = conn.execute("SELECT datctype FROM pg_database WHERE datname = current_database()").fetchone()
    ctype = found[0] if found else "?"
    raise DatabaseRefused(
        f"服务器上这个数据库的字符分类（LC_CTYPE）是 {ctype}，PostgreSQL 不能为中文地址建立检索索引，地址检索会很慢。"
        "请信息管理员按 UTF-8 字符分类重新建一个空数据库，例如："
        "createdb --template=template0 --encoding=UTF8 --lc-collate=C --lc-ctype=C.UTF-8 --owner=helpdesk helpdesk"
        "（Windows 上的 PostgreSQL 选择 Chinese (Simplified), China 区域）。未做任何修改。")


def _seed(conn: psycopg.Connection[Any]) -> None:
    """The rows migrations 0001–0005 insert, from the same frozen seed data."""
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO code_lists (list, code, label, ord, active) VALUES (%s, %s, %s, %s, %s)",
                        CODE_ROWS)
        cur.executemany("INSERT INTO code_aliases (list, alias, code) VALUES (%s, %s, %s)", ALIAS_ROWS)
        cur.executemany(f"INSERT INTO cap_rules ({', '.join(CAP_COLUMNS)}) "
                        f"VALUES ({', '.join(['%s'] * len(CAP_COLUMNS))})", CAP_ROWS)
        cur.executemany("INSERT INTO holidays (day, kind, name) VALUES (%s, %s, %s)", HOLIDAY_ROWS)
        at = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
        # the funds_balance_row trigger gives each fund its balance row, as on SQLite
        cur.executemany(
            "INSERT INTO funds (name, source, purpose, kind, restrict_projects, restrict_categories, earmark, ord, "
            "created_by, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", default_fund_rows(at))


def schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
    if row is None:
        raise DatabaseRefused("PostgreSQL 数据库缺少结构版本记录，不是完整的帮扶中心工作台数据库。")
    return int(row[0])


def pg_columns(conn: psycopg.Connection[Any]) -> dict[str, list[tuple[str, str]]]:
    """Our tables on PostgreSQL: table -> [(column, data type)] in column order (information_schema)."""
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in existing_tables(conn) if t != VERSION_TABLE}
    for table, column, dtype in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s) ORDER BY table_name, ordinal_position",
            [list(out)]):
        out[str(table)].append((str(column), str(dtype)))
    return out


def sqlite_columns(sqlite_conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The SQLite database's tables (its own internals and FTS tables left out) -> column names."""
    names = [str(r[0]) for r in sqlite_conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: [str(c[1]) for c in sqlite_conn.execute(f"PRAGMA table_info({_ident(n)})")]
            for n in names if not SQLITE_ONLY.match(n)}


def table_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Rows per table of ours on PostgreSQL."""
    return {t: int(conn.execute(f"SELECT count(*) FROM {_ident(t)}").fetchone()[0])  # type: ignore[index]
            for t in tables()}


def sqlite_counts(sqlite_conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table of ours on SQLite (the same keys as ``table_counts``), to verify a copy."""
    return {t: int(sqlite_conn.execute(f"SELECT count(*) FROM {_ident(t)}").fetchone()[0]) for t in tables()}


def reset_identities(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Move every identity sequence past its table's max(id): rows copied or inserted with explicit ids
    do not advance the sequence, and the next row without an id would otherwise collide.
    Returns table -> the id the next insert without one gets."""
    out: dict[str, int] = {}
    for (table,) in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'id' AND is_identity = 'YES' ORDER BY table_name").fetchall():
        t = str(table)
        row = conn.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {_ident(t)}",
            [t]).fetchone()
        assert row is not None
        out[t] = int(row[0])
    return out


# --- copy -----------------------------------------------------------------------------------------

#: SQLite storage classes a value may have to go into a column of that PostgreSQL type
_ALLOWED = {"bigint": ("integer", "null"), "integer": ("integer", "null"), "text": ("text", "null"),
            "double precision": ("real", "integer", "null")}


def _check_source(sqlite_conn: sqlite3.Connection, pg_cols: dict[str, list[tuple[str, str]]],
                  version: int) -> None:
    """Refuse an SQLite database that would not copy faithfully, before anything is written."""
    lite_version = int(sqlite_conn.execute("PRAGMA user_version").fetchone()[0])
    if lite_version != version:
        raise DatabaseRefused(
            f"SQLite 数据库的结构版本是 {lite_version}，PostgreSQL 数据库的结构版本是 {version}，两者不同，不能复制。"
            "请先用本版本的程序打开一次 SQLite 数据库（升级结构）后再复制。")
    lite_cols = sqlite_columns(sqlite_conn)
    for table, cols in pg_cols.items():
        missing = [c for c, _ in cols if c not in lite_cols.get(table, [])]
        if missing:
            raise DatabaseRefused(f"SQLite 数据库的表 {table} 缺少列 {'、'.join(missing)}，不能复制。")
    broken = sqlite_conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent = broken[0][0], broken[0][1], broken[0][2]
        raise DatabaseRefused(
            f"SQLite 数据库中有 {len(broken)} 行引用了不存在的记录（例如表 {table} 第 {rowid} 行引用的 {parent}），"
            "不能复制。请先运行“helpdesk check”检查数据库。")
    for table, cols in pg_cols.items():
        tests = [f"typeof({_ident(c)}) NOT IN ({', '.join(repr(k) for k in _ALLOWED[t])})"
                 for c, t in cols if t in _ALLOWED]
        if not tests:
            continue
        bad = sqlite_conn.execute(
            f"SELECT {', '.join(f'sum({t})' for t in tests)} FROM {_ident(table)}").fetchone()
        for (column, dtype), n in zip([(c, t) for c, t in cols if t in _ALLOWED], bad):
            if n:
                raise DatabaseRefused(
                    f"SQLite 数据库的表 {table} 列 {column} 有 {n} 个值不是{_TYPE_WORD[dtype]}，"
                    "不能原样复制到 PostgreSQL。")


_TYPE_WORD = {"bigint": "整数", "integer": "整数", "text": "文本", "double precision": "数值"}


def _check_target(conn: psycopg.Connection[Any]) -> None:
    """The PostgreSQL side must be as create_schema left it: only the seed tables hold rows."""
    for t in tables():
        if t in SEEDED:
            continue
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {_ident(t)})").fetchone() == (True,):
            raise DatabaseRefused(
                f"PostgreSQL 数据库的表 {t} 中已有数据，只能复制到新建的空数据库中；未做任何修改。")


def copy_from_sqlite(sqlite_conn: sqlite3.Connection, conn: psycopg.Connection[Any], *,
                     progress: Progress | None = None) -> dict[str, int]:
    """Copy every row of every table of ours from SQLite into a freshly created PostgreSQL schema.

    All or nothing (one transaction). The seed rows create_schema wrote are replaced by the SQLite
    database's own (a centre may have edited its code lists and funds). Values are copied as they
    are: integers (0/1 flags, money in fen) stay integers, dates and times stay ISO text.

    The user triggers of each table are disabled for the copy only (``ALTER TABLE … DISABLE TRIGGER
    USER`` inside the transaction: other sessions never see them off, and it needs only ownership of
    the tables, which the role that ran create_schema has, where ``session_replication_role`` needs
    a superuser). Off, they do not refuse copied rows (entries in closed periods, voucher numbers)
    nor alter them (fund balances and versions are copied, not recomputed). Foreign keys stay on,
    deferred until every table is in, so the order of rows does not matter, and then checked. Afterwards the identity sequences are moved past the copied ids.

    ``progress(done, total)`` is called with rows copied so far. Returns rows copied per table."""
    pg_cols = {t: c for t, c in pg_columns(conn).items()}
    order = tables()
    if [t for t in order if t not in pg_cols]:
        raise DatabaseRefused("PostgreSQL 数据库中没有完整的帮扶中心工作台数据表，请先创建数据库结构。")
    _check_source(sqlite_conn, {t: pg_cols[t] for t in order}, schema_version(conn))
    total = sum(sqlite_counts(sqlite_conn).values())
    done = 0
    counts: dict[str, int] = {}
    with conn.transaction():
        _check_target(conn)
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
        for t in order:
            conn.execute(f"ALTER TABLE {_ident(t)} DISABLE TRIGGER USER")
        for t in reversed(SEEDED):
            conn.execute(f"DELETE FROM {_ident(t)}")
        for t in order:
            cols = [c for c, _ in pg_cols[t]]
            col_sql = ", ".join(_ident(c) for c in cols)
            n = 0
            with conn.cursor() as cur, cur.copy(f"COPY {_ident(t)} ({col_sql}) FROM STDIN") as copy:
                for row in _rows(sqlite_conn, t, col_sql):
                    copy.write_row(row)
                    n += 1
                    if progress is not None and n % PROGRESS_EVERY == 0:
                        progress(done + n, total)
            counts[t] = n
            done += n
            if progress is not None:
                progress(done, total)
        # check every reference now: a table with pending checks cannot be altered
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for t in order:
            conn.execute(f"ALTER TABLE {_ident(t)} ENABLE TRIGGER USER")
        reset_identities(conn)
    return counts


def _rows(sqlite_conn: sqlite3.Connection, table: str, col_sql: str) -> Iterable[Sequence[Any]]:
    cur = sqlite_conn.execute(f"SELECT {col_sql} FROM {_ident(table)}")
    while batch := cur.fetchmany(1000):
        yield from batch
