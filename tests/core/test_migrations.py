"""Migrations write frozen data, and the live code book still agrees with what a new database holds.

A shipped migration never calls live code (``codes.default_rows``, ``caps.seed`` …): editing those modules must
not change what an old migration writes. The other side of that rule: when the live code book or default cap
rules change, a NEW migration must bring existing databases along; these tests fail until it does.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.migrations import m0001_seed, m0002_seed
from helpdesk_gui.core.workflow import caps

MIGRATIONS = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "core" / "migrations"


def test_migrations_import_only_leaf_modules_and_earlier_migrations() -> None:
    for path in sorted(MIGRATIONS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpdesk_gui"):
                assert node.module.startswith(("helpdesk_gui.core.base", "helpdesk_gui.core.migrations")), (
                    f"{path.name} imports {node.module}")
            if isinstance(node, ast.FunctionDef):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not inner, f"{path.name}: {node.name} imports inside a function"


def test_a_new_database_holds_the_frozen_code_lists_which_match_the_live_code_book(database) -> None:
    stored = database.execute("SELECT list, code, label, ord, active FROM code_lists ORDER BY list, ord").fetchall()
    assert sorted(stored) == sorted(m0001_seed.CODE_ROWS)
    assert sorted(codes.default_rows()) == sorted(m0001_seed.CODE_ROWS), (
        "the code book changed: add a migration that brings existing databases along")
    aliases = database.execute("SELECT list, alias, code FROM code_aliases").fetchall()
    assert sorted(aliases) == sorted(m0001_seed.ALIAS_ROWS) == sorted(codes.default_alias_rows())


def test_default_cap_rules_and_holidays_are_the_frozen_rows(database) -> None:
    cols = ", ".join(m0002_seed.CAP_COLUMNS)
    stored = database.execute(f"SELECT {cols} FROM cap_rules").fetchall()
    assert sorted(stored, key=repr) == sorted(m0002_seed.CAP_ROWS, key=repr)
    live = [tuple(r.as_dict()[c] for c in m0002_seed.CAP_COLUMNS) for r in caps.DEFAULT_RULES]
    assert sorted(live, key=repr) == sorted(m0002_seed.CAP_ROWS, key=repr), (
        "the default cap rules changed: add a migration that brings existing databases along")
    holidays = database.execute("SELECT day, kind, name FROM holidays ORDER BY day").fetchall()
    assert holidays == sorted(m0002_seed.HOLIDAY_ROWS)
    assert ("2026-02-17", "off", "春节") in holidays
