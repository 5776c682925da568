"""What the layers promise and import-linter cannot see: only ``core/`` talks SQL, and nothing below the
window and the command line writes to a terminal.

The source is read, not run: SQL keywords in string literals (f-strings included), cursor calls
(``.execute``, ``.executemany``, ``.executescript``), the raw connection (``.conn``) and the core's query
helpers (``row``, ``rows``, ``scalar``) are looked for under ``gui/``, ``cli/``, ``exchange/`` and ``printing/``;
``print(...)`` and ``sys.stdout`` / ``sys.stderr`` under ``core/``, ``exchange/`` and ``printing/``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui"

#: SQL as a statement starts (keywords in capitals, as every statement in this code base is written)
SQL = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW|TRIGGER)\b|\bPRAGMA\s+\w+|\bWHERE\b.+(=|\bIN\b|\bIS\b|\bLIKE\b|\bGLOB\b)"
    r"|\bBEGIN\s+(IMMEDIATE|DEFERRED|EXCLUSIVE)\b|\bROLLBACK\b|\bSAVEPOINT\b|\bcount\(\*\)",
    re.DOTALL,
)
CURSOR_CALLS = {"execute", "executemany", "executescript"}
QUERY_HELPERS = {"row", "rows", "scalar"}
DB_MODULE = "helpdesk_gui.core.db"


def _modules(*folders: str) -> Iterator[tuple[str, ast.Module]]:
    for folder in folders:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _strings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every string literal with its line; an f-string as its literal parts joined (the holes as ``?``)."""
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = ""
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    inside_fstrings.add(id(part))
                    text += part.value
                else:
                    text += "?"
            yield node.lineno, text
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings:
            yield node.lineno, node.value


def sql_uses(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, what) for every sign of SQL in a module."""
    found: list[tuple[int, str]] = []
    for line, text in _strings(tree):
        m = SQL.search(text)
        if m:
            found.append((line, f"SQL in a string: {m.group(0)[:60]!r}"))
    db_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == DB_MODULE:
            for alias in node.names:
                if alias.name in QUERY_HELPERS:
                    found.append((node.lineno, f"imports the query helper {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "helpdesk_gui.core":
            db_aliases |= {a.asname or a.name for a in node.names if a.name == "db"}
        elif isinstance(node, ast.Import):
            db_aliases |= {a.asname for a in node.names if a.name == DB_MODULE and a.asname}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CURSOR_CALLS:
            found.append((node.lineno, f".{node.func.attr}(…)"))
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append((node.lineno, "the raw connection (.conn)"))
        elif (isinstance(node, ast.Attribute) and node.attr in QUERY_HELPERS and isinstance(node.value, ast.Name)
              and node.value.id in db_aliases):
            found.append((node.lineno, f"the query helper {node.value.id}.{node.attr}"))
    return sorted(found)


def terminal_uses(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, what) for every ``print(...)`` and every use of ``sys.stdout`` / ``sys.stderr``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found.append((node.lineno, "print(…)"))
        elif (isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr", "__stdout__", "__stderr__")
              and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            found.append((node.lineno, f"sys.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "sys":
            found += [(node.lineno, f"from sys import {a.name}") for a in node.names
                      if a.name in ("stdout", "stderr", "__stdout__", "__stderr__")]
    return sorted(found)


def _report(found: dict[str, list[tuple[int, str]]]) -> str:
    return "\n".join(f"{name}:{line}: {what}" for name, hits in found.items() for line, what in hits)


def test_only_the_core_talks_sql() -> None:
    found = {name: hits for name, tree in _modules("gui", "cli", "exchange", "printing")
             if (hits := sql_uses(tree))}
    assert not found, "SQL outside core/ (make it a core function):\n" + _report(found)


def test_the_window_opens_no_transaction() -> None:
    """A write and its audit row belong together in one core function, not in a ``with write(db)`` of a page."""
    found = {name: [(n.lineno, "imports write") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                    and n.module == DB_MODULE and any(a.name == "write" for a in n.names)]
             for name, tree in _modules("gui")}
    found = {name: hits for name, hits in found.items() if hits}
    assert not found, "transactions in the window (make it a core function):\n" + _report(found)


def test_the_windows_kit_imports_no_page() -> None:
    """Pages build on ``gui.kit``; the kit knows no page (the context it is handed is only a type)."""
    pages = {p.name for p in (PACKAGE / "gui").iterdir() if p.name not in ("kit", "__init__.py", "__pycache__")
             and p.name not in ("context.py", "fonts.py")}
    found: dict[str, list[tuple[int, str]]] = {}
    for name, tree in _modules("gui/kit"):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpdesk_gui.gui."):
                first = node.module.split(".")[2]
                if first in pages or f"{first}.py" in pages:
                    found.setdefault(name, []).append((node.lineno, f"imports {node.module}"))
    assert not found, "the kit imports a page:\n" + _report(found)


def test_core_exchange_and_printing_write_nothing_to_a_terminal() -> None:
    found = {name: hits for name, tree in _modules("core", "exchange", "printing") if (hits := terminal_uses(tree))}
    assert not found, "terminal output below the window and the command line:\n" + _report(found)


@pytest.mark.parametrize("source, expected", [
    ('db.execute("SELECT name FROM employers ORDER BY name")', 2),          # the call and the statement
    ('rows(db, f"SELECT * FROM t WHERE id = {x}")', 1),
    ('from helpdesk_gui.core.db import rows, write', 1),
    ('from helpdesk_gui.core import db as dbm\nn = dbm.scalar(d, q)', 1),
    ('db.conn.close()', 1),
    ('cur.executemany(sql, data)', 1),
    ('sql = "UPDATE households SET name = ?"', 1),
    ('x = "DELETE FROM attachments"', 1),
    ('label = "选择要导入的批次文件"', 0),
    ('label = "Select the rows you want from the list"', 0),
    ('from helpdesk_gui.core.db import write, get_meta', 0),
    ('dialog.exec()', 0),
])
def test_the_sql_scan_sees_what_it_should(source: str, expected: int) -> None:
    assert len(sql_uses(ast.parse(source))) == expected


@pytest.mark.parametrize("source, expected", [
    ('print("done")', 1),
    ('import sys\nsys.stdout.write("x")', 1),
    ('logging.StreamHandler(sys.stderr)', 1),
    ('from sys import stderr', 1),
    ('log_revealed_print(db, actor)', 0),
    ('sys.exit(1)', 0),
])
def test_the_terminal_scan_sees_what_it_should(source: str, expected: int) -> None:
    assert len(terminal_uses(ast.parse(source))) == expected


def test_every_module_imports() -> None:
    """A module moved or removed leaves no importer behind (a checker that also sees an installed copy of the
    package would not notice)."""
    import importlib
    import pkgutil

    import helpdesk_gui

    failed = []
    for module in pkgutil.walk_packages(helpdesk_gui.__path__, "helpdesk_gui."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failed.append(f"{module.name}: {e!r}")
    assert not failed, "\n".join(failed)
