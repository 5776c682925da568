"""The WHERE clause of a list query, built from the list's filters one condition at a time.

Every list the window shows (the register, reception, visits, services, applications, ledger entries, the
audit trail, mutual-aid claims) narrows its rows by the filters the clerk set: a condition for each filter
that has a value, all of which must hold. ``Where`` collects them with their parameters, positional
(``?``) or named (``:name``; one style per query), and gives back `` WHERE a AND b`` (or nothing)::

    w = Where()
    w.equal("e.fund_id", f.fund_id)                 # skipped when the filter is empty (None or '')
    w.at_least("e.entry_date", f.date_from)
    w.add("e.memo LIKE ? ESCAPE '\\'", like_pattern(text))
    db.execute(f"SELECT ... FROM ledger_entries e{w.sql} ORDER BY ...", w.args)

``prefix``/``starts_with`` match values starting with what the clerk typed (an index range, the same SQL on
SQLite and PostgreSQL); ``like_pattern`` turns it into a LIKE substring pattern that matches it literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def glob_escape(text: str) -> str:
    """``text`` matched literally by GLOB (``*``, ``?`` and ``[`` in brackets)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def glob_prefix(text: str) -> str:
    """A GLOB pattern for values starting with ``text`` (an index can serve it)."""
    return glob_escape(text) + "*"


#: The largest character. Every value that starts with ``p`` sorts in [p, p + TOP) in binary order, which
#: both engines use for our text (SQLite's BINARY collation, PostgreSQL's ``COLLATE "C"`` columns): so a
#: prefix search is a range both serve from a plain index, written the same on both (GLOB is SQLite's only).
TOP = "\U0010ffff"


def starts_with(column: str, name: str) -> str:
    """``column`` starts with the named parameters ``:{name}_lo`` (see ``prefix_args``): an index range."""
    return f"({column} >= :{name}_lo AND {column} < :{name}_hi)"


def prefix_args(name: str, text: str) -> dict[str, str]:
    """The parameters of ``starts_with(column, name)`` for values starting with ``text``."""
    return {f"{name}_lo": text, f"{name}_hi": text + TOP}


def like_pattern(text: str) -> str:
    """A LIKE pattern for values containing ``text``, with ``\\`` as the escape (``LIKE ? ESCAPE '\\'``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _empty(value: Any) -> bool:
    return value is None or value == ""


class Where:
    """Conditions that must all hold, and their parameters.

    ``named`` starts the named parameters with values the rest of the query uses (today's date, a limit).
    """

    def __init__(self, **named: Any) -> None:
        self.conds: list[str] = []
        self.args: list[Any] = []
        self.named: dict[str, Any] = dict(named)

    def add(self, cond: str, *args: Any, **named: Any) -> Where:
        """A condition as it stands, with its positional or named parameters."""
        self.conds.append(cond)
        self.args.extend(args)
        self.named.update(named)
        return self

    def _compare(self, column: str, op: str, value: Any, name: str | None) -> Where:
        if _empty(value):
            return self
        if name is not None:
            return self.add(f"{column} {op} :{name}", **{name: value})
        return self.add(f"{column} {op} ?", value)

    def equal(self, column: str, value: Any, name: str | None = None) -> Where:
        """``column = value`` when the filter has a value (None and '' mean no filter); ``name``: as ``:name``."""
        return self._compare(column, "=", value, name)

    def at_least(self, column: str, value: Any, name: str | None = None) -> Where:
        """``column >= value`` (a date from, inclusive) when given."""
        return self._compare(column, ">=", value, name)

    def at_most(self, column: str, value: Any, name: str | None = None) -> Where:
        """``column <= value`` (a date to, inclusive) when given."""
        return self._compare(column, "<=", value, name)

    def prefix(self, column: str, text: Any) -> Where:
        """``column`` starts with ``text`` (positional parameters; an index range on both engines), when given."""
        if _empty(text):
            return self
        return self.add(f"({column} >= ? AND {column} < ?)", str(text), f"{text}{TOP}")

    def one_of(self, column: str, values: Sequence[Any]) -> Where:
        """``column IN (…)`` with positional parameters."""
        return self.add(f"{column} IN ({','.join('?' * len(values))})", *values)

    @property
    def sql(self) -> str:
        """`` WHERE a AND b`` (a leading space, to follow a table), or '' without conditions."""
        return (" WHERE " + " AND ".join(self.conds)) if self.conds else ""

    def __bool__(self) -> bool:
        return bool(self.conds)
