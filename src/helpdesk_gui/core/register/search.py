"""Search the register: name, pinyin (full or initials), ID digits, phone, employer, address.

Every branch uses an index: prefix ranges (``col >= 'x' AND col < 'x' || U+10FFFF``, the same on both
engines) on name, pinyin, initials, reversed ID and reversed phone (so "last digits" is a prefix too), a
trigram index on the address for 3+ characters (SQLite: the FTS5 table ``households_fts``; PostgreSQL: pg_trgm
on ``households.address``), and the small employer table. Filters and sorting are SQL, paging by limit.
"""

from __future__ import annotations

import math
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import on_server, rows
from helpdesk_gui.core.db.where import TOP, Where, like_pattern

#: Sort keys the screens offer → SQL expression (ties broken by id).
SORT_KEYS: dict[str, str] = {
    "archive_no": "h.archive_no",
    "name": "h.name_pinyin",
    "gender": "h.gender",
    "id_number": "h.id_number",
    "phone": "h.phone",
    "employer": "h.employer_id",
    "township": "h.township",
    "county": "h.sender_code",
    "category": "h.category",
    "status": "h.status",
    "cause_main": "h.cause_main",
    "family_size": "h.family_size",
    "per_capita": "h.per_capita_month_fen",
    "created_date": "h.created_date",
    "updated_at": "h.updated_at",
}

LIST_COLUMNS = ("h.id, h.archive_no, h.name, h.gender, h.id_number, h.birth_date, h.phone, h.township, "
                "h.category, h.status, h.cause_main, h.family_size, h.per_capita_month_fen, h.created_date, "
                "h.updated_at, h.sender_code, e.name AS employer_name")


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    category: str | None = None
    cause: str | None = None
    township: str | None = None
    year: int | None = None
    county: str | None = None      # 所属县区: the archive's sender (the city holds several counties' archives)


def normalise_query(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


#: Fewest candidates that make a query "broad" (walk the sort order and test each row instead of
#: sorting the candidates). The break-even grows with the register: sorting C candidates costs ~C,
#: walking costs ~50·N/C rows, so the threshold is max(BROAD, √(50·N)).
BROAD = 1000


@dataclass(frozen=True)
class _Branch:
    """One way a text can match: ids from an index, or the same test applied to a row ``h``."""

    ids_sql: str
    row_sql: str
    params: tuple[Any, ...]
    row_params: tuple[Any, ...] | None = None  # when the row test needs other parameters

    def params_for(self, broad: bool) -> tuple[Any, ...]:
        return self.row_params if broad and self.row_params is not None else self.params


def _address(q: str, server: bool) -> _Branch:
    """Households whose address contains ``q`` (3+ characters), ignoring ASCII case, from the trigram index.

    The engines differ here: SQLite's index is the FTS5 trigram table ``households_fts`` (a quoted phrase
    matches a substring), with a plain substring test per row when walking the sort order; PostgreSQL's is
    pg_trgm's GIN index on the column itself, which serves ``ILIKE '%q%'``."""
    if server:
        like = "address ILIKE ? ESCAPE '\\'"
        return _Branch(f"SELECT id FROM households WHERE {like}", f"h.{like}", (like_pattern(q),))
    fts = "SELECT rowid FROM households_fts WHERE households_fts MATCH ?"
    # per row, a plain substring test: cheaper than materialising every trigram match
    return _Branch(fts, "instr(h.address, ?) > 0", ('"' + q.replace('"', '""') + '"',), (q,))


def _branches(text: str, server: bool = False) -> list[_Branch]:
    q = normalise_query(text)
    if not q:
        return []
    out: list[_Branch] = []
    plus = "" if server else "+"   # SQLite's unary + on the row test keeps its planner on the sort index

    def col(column: str, value: str) -> None:
        out.append(_Branch(f"SELECT id FROM households WHERE {column} = ?", f"{plus}h.{column} = ?", (value,)))

    def starts(column: str, value: str) -> None:
        """``column`` starts with ``value``: an index range."""
        out.append(_Branch(f"SELECT id FROM households WHERE {column} >= ? AND {column} < ?",
                           f"({plus}h.{column} >= ? AND {plus}h.{column} < ?)", (value, value + TOP)))

    upper = q.upper()
    if upper.rstrip("X").isdigit():
        if len(upper) in (15, 18):
            col("id_number", upper)
            sub = "SELECT household_id FROM members WHERE id_number = ?"
            out.append(_Branch(sub, f"h.id IN ({sub})", (upper,)))
        starts("archive_no", upper)
        if len(upper) >= 4:
            starts("id_rev", upper[::-1])
        if upper.isdigit() and len(upper) >= 3:
            starts("phone", upper)
        if upper.isdigit() and len(upper) >= 4:
            starts("phone_rev", upper[::-1])
    elif "-" in q and q.replace("-", "").isdigit():  # a landline typed with its dash: 0871-
        starts("phone", q)
        if len(q) >= 4:
            starts("phone_rev", q[::-1])
    elif q.isascii() and q.isalpha():
        starts("name_initials", q.lower())
        starts("name_pinyin", q.lower())
    else:
        starts("name", q)
        starts("township", q)
        # ASCII case ignored on both engines (SQLite's LIKE does, PostgreSQL's does not)
        emp = "SELECT id FROM employers WHERE lower(name) LIKE ? ESCAPE '\\'"
        among = f"= ANY(ARRAY({emp}))" if server else f"IN ({emp})"   # the server's planner: as above
        out.append(_Branch(f"SELECT id FROM households WHERE employer_id {among}",
                           f"{plus}h.employer_id IN ({emp})", (like_pattern(q.lower()),)))
        if len(q) >= 3:
            out.append(_address(q, server))
    return out


def _where(text: str, filters: Filters, *, broad: bool = False, server: bool = False) -> tuple[str, list[Any]]:
    """WHERE clause. ``broad`` tests each row (unary ``+`` keeps SQLite on the sort index; PostgreSQL has no
    unary + for text and plans by itself: ``server`` leaves it out)."""
    w = Where()
    branches = _branches(text, server)
    if branches:
        params = [p for b in branches for p in b.params_for(broad)]
        if broad:
            w.add("(" + " OR ".join(b.row_sql for b in branches) + ")", *params)
        else:
            union = " UNION ".join(b.ids_sql for b in branches)
            # on a server the candidates first (an init plan), then each row by its key: PostgreSQL's
            # guesses for prefix ranges are too rough to let it choose the join
            w.add(f"h.id = ANY(ARRAY({union}))" if server else f"h.id IN ({union})", *params)
    # A unary + keeps SQLite off a filter's index: in the broad plan it walks the sort index, with a
    # text it starts from the few candidates. Only a filter alone is best served by its index.
    plus = "+" if (broad or branches) and not server else ""
    w.equal(f"{plus}h.status", filters.status)
    w.equal(f"{plus}h.category", filters.category)
    if filters.cause:
        w.add(f"({plus}h.cause_main = ? OR (',' || h.causes_secondary || ',') LIKE ?)", filters.cause,
              f"%,{filters.cause},%")
    w.equal(f"{plus}h.township", filters.township)
    w.equal(f"{plus}h.sender_code", filters.county)
    if filters.year:
        w.add(f"{plus}h.created_date >= ? AND {plus}h.created_date < ?", f"{filters.year:04d}-01-01",
              f"{filters.year + 1:04d}-01-01")
    return w.sql, w.args


def _is_broad(db: Database, text: str) -> bool:
    branches = _branches(text, on_server(db))
    if not branches:
        return False
    size = int(db.execute("SELECT coalesce(max(id), 0) FROM households").fetchone()[0])
    threshold = max(BROAD, math.isqrt(50 * size)) if BROAD >= 1000 else BROAD
    sql = ("SELECT count(*) FROM (SELECT 1 FROM (" + " UNION ALL ".join(b.ids_sql for b in branches)
           + f") AS c LIMIT {threshold + 1}) AS n")
    return int(db.execute(sql, [p for b in branches for p in b.params]).fetchone()[0]) > threshold


#: Sort keys that may be empty (NULL); the others are NOT NULL columns
NULLABLE_KEYS = frozenset({"h.gender", "h.employer_id", "h.category", "h.cause_main", "h.per_capita_month_fen"})


def _order(order_by: str, descending: bool) -> str:
    expr = SORT_KEYS.get(order_by, "h.archive_no")
    direction = "DESC" if descending else "ASC"
    if expr in NULLABLE_KEYS:
        # empty values first going up, last going down (SQLite's own order; PostgreSQL's is the other way
        # round). Only where a value may be empty: PostgreSQL walks a plain index only in its own NULLS order
        nulls = " NULLS LAST" if descending else " NULLS FIRST"
        return f" ORDER BY {expr} {direction}{nulls}, h.id {direction}"
    return f" ORDER BY {expr} {direction}, h.id {direction}"


#: SQLite VM steps a broad (walk-the-sort-order) query may take before the narrow plan is used.
BROAD_BUDGET = 60_000


def _budgeted(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]] | None:
    """Run ``sql`` but give up (None) after ``BROAD_BUDGET`` VM steps."""
    db.conn.set_progress_handler(lambda: 1, BROAD_BUDGET)
    try:
        return rows(db, sql, params)
    except sqlite3.OperationalError as e:
        if "interrupted" in str(e):
            return None
        raise
    finally:
        db.conn.set_progress_handler(None, 0)


def search(db: Database, text: str = "", filters: Filters = Filters(), *, order_by: str = "archive_no",
           descending: bool = False, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The first ``limit`` matching households as list rows (codes, not labels).

    A text matching many households walks the sort order testing each row and stops at
    ``limit`` hits; when that runs long (few rows also pass the filters) or the text is
    selective, the candidates come from the indexes and are sorted.
    """
    base = f"SELECT {LIST_COLUMNS} FROM households h LEFT JOIN employers e ON e.id = h.employer_id"
    tail = f"{_order(order_by, descending)} LIMIT ? OFFSET ?"
    server = on_server(db)
    if _is_broad(db, text):
        # many candidates: walk the sort order testing each row. On a server the planner walks the order
        # index and stops at ``limit`` hits; it needs no step budget (it estimates the filters itself)
        where, params = _where(text, filters, broad=True, server=server)
        if server:
            return rows(db, base + where + tail, [*params, limit, offset])
        found = _budgeted(db, base + where + tail, [*params, limit, offset])
        if found is not None:
            return found
    elif not server and not _branches(text) and filters != Filters():
        where, params = _where(text, filters, broad=True)
        found = _budgeted(db, base + where + tail, [*params, limit, offset])
        if found is not None:
            return found
    where, params = _where(text, filters, server=server)
    return rows(db, base + where + tail, [*params, limit, offset])


def search_ids(db: Database, text: str = "", filters: Filters = Filters(), *, order_by: str = "archive_no",
               descending: bool = False) -> list[int]:
    """All matching household ids in order (the lazy list model holds these and fetches rows on demand)."""
    where, params = _where(text, filters, server=on_server(db))
    return [r[0] for r in db.execute(f"SELECT h.id FROM households h{where}{_order(order_by, descending)}", params)]


def count(db: Database, text: str = "", filters: Filters = Filters()) -> int:
    where, params = _where(text, filters, server=on_server(db))
    return int(db.execute(f"SELECT count(*) FROM households h{where}", params).fetchone()[0])


def rows_by_ids(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """List rows for a block of ids (one query per block, not per row)."""
    if not ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids[start:start + 900])
        sql = (f"SELECT {LIST_COLUMNS} FROM households h LEFT JOIN employers e ON e.id = h.employer_id "
               f"WHERE h.id IN ({','.join('?' * len(chunk))})")
        for r in rows(db, sql, chunk):
            out[int(r["id"])] = r
    return out
