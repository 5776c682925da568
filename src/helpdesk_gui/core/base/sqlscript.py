"""Running an SQL script statement by statement (migrations, and anything else that ships DDL)."""

from __future__ import annotations

import sqlite3
from typing import Any


def split_sql(script: str) -> list[str]:
    """Split a script into statements (trigger bodies keep their inner semicolons)."""
    statements: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.strip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError("incomplete SQL statement at end of migration script")
    return statements


def run_script(db: Any, script: str) -> None:
    """Execute every statement of ``script`` on ``db`` (a ``sqlite_utils.Database``), in the caller's transaction."""
    for stmt in split_sql(script):
        db.execute(stmt)
