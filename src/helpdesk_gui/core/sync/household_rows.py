"""Rows of an exchange batch (or a station's sheet) as the register stores them.

The exchange layer hands over plain tuples of stored values (codes, fen, ISO dates) in the order of
the fields a batch carries; this module turns a household's tuple into the columns written, with
every derived column from ``core.register.derive`` (the one derivation the editor uses too),
resolves employers by name, and writes the members of the households applied.
"""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base.errors import NotFoundError
from helpdesk_gui.core.db import row, rows
from helpdesk_gui.core.register.derive import DERIVED_COLUMNS, INPUT_FIELDS, RulesOf, derive

#: Household fields a batch may carry besides the plain columns (resolved to ``employer_id``).
EMPLOYER_FIELDS = ("employer_name", "employer_nature")
MEMBER_FIELDS = ("name", "relation", "id_number", "birth_date", "health", "identity", "school_or_employer",
                 "monthly_income_fen")
RECORD_FIELDS = ("project", "fund_source", "amount_fen", "paid_date", "method", "approver", "remarks")
TEXT_DEFAULTS = {"phone": "", "address": "", "bank_name": "", "bank_account": "", "causes_secondary": "",
                 "school_or_employer": "", "approver": "", "remarks": "", "id_number": "", "monthly_income_fen": 0}


@dataclass(frozen=True)
class Known:
    """What the register already holds of a household a batch updates and the batch does not carry:
    its stored ``INPUT_FIELDS`` (e.g. 户口所在地), exclusion flags and accident losses."""

    fields: dict[str, Any]
    exclusions: tuple[str, ...] = ()
    accident_loss_fen: int = 0


def known_households(db: Database, household_ids: Iterable[int]) -> dict[int, Known]:
    """``Known`` of each household, three queries per 900 households (never one per row)."""
    wanted = sorted(set(household_ids))
    fields: dict[int, dict[str, Any]] = {}
    exclusions: dict[int, list[str]] = {}
    accident: dict[int, int] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for r in db.execute(f"SELECT id, {', '.join(INPUT_FIELDS)} FROM households WHERE id IN ({marks})", chunk):
            fields[int(r[0])] = dict(zip(INPUT_FIELDS, r[1:], strict=True))
        for hid, kind in db.execute(f"SELECT household_id, kind FROM exclusions WHERE household_id IN ({marks}) "
                                    "ORDER BY id", chunk):
            exclusions.setdefault(int(hid), []).append(str(kind))
        for hid, amount in db.execute("SELECT household_id, sum(amount_fen) FROM rigid_expenses WHERE kind = "
                                      f"'accident' AND household_id IN ({marks}) GROUP BY household_id", chunk):
            accident[int(hid)] = int(amount)
    return {hid: Known(f, tuple(exclusions.get(hid, ())), accident.get(hid, 0)) for hid, f in fields.items()}


def member_dicts(members: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Member tuples ``(archive_no, *MEMBER_FIELDS)`` as the mappings ``derive`` reads."""
    return [dict(zip(MEMBER_FIELDS, m[1:], strict=True)) for m in members]


def employers(db: Database, wanted: dict[str, str | None]) -> dict[str, int]:
    """Employer name → id, creating the missing ones (with their 单位性质)."""
    known = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM employers")}
    missing = [(n, nat) for n, nat in wanted.items() if n not in known]
    if missing:
        db.conn.executemany("INSERT INTO employers (name, nature) VALUES (?, ?)", missing)
        known = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM employers")}
    nature_updates = [(nat, known[n]) for n, nat in wanted.items() if nat]
    if nature_updates:
        db.conn.executemany("UPDATE employers SET nature = ? WHERE id = ? AND coalesce(nature, '') <> ?",
                            [(nat, i, nat) for nat, i in nature_updates])
    return known


class Build:
    """Builds the values of ``columns`` for one household tuple (see ``household_columns``)."""

    def __init__(self, fields: Sequence[str], rules: RulesOf, on: _dt.date) -> None:
        ix = {f: i for i, f in enumerate(fields) if f}
        plain = [f for f in fields if f and f not in EMPLOYER_FIELDS and f not in DERIVED_COLUMNS]
        self.columns: list[str] = [*plain, *DERIVED_COLUMNS]
        self.has_employer = "employer_name" in ix
        if self.has_employer:
            self.columns.append("employer_id")
        plain_ix = [ix[f] for f in plain]
        self._take: Callable[[Sequence[Any]], Sequence[Any]] = (
            operator.itemgetter(*plain_ix) if len(plain_ix) > 1 else (lambda v: (v[plain_ix[0]],)))
        self._defaults = [(k, TEXT_DEFAULTS[f]) for k, f in enumerate(plain) if f in TEXT_DEFAULTS]
        self._yes_no = [k for k, f in enumerate(plain) if f == "is_migrant"]
        self._inputs = [(f, ix[f]) for f in INPUT_FIELDS if f in ix]
        self._employer = ix.get("employer_name")
        self._rules, self._on = rules, on

    def __call__(self, values: Sequence[Any], employer_ids: Mapping[str, int] | None = None,
                 members: Sequence[Mapping[str, Any]] = (), known: Known | None = None) -> list[Any]:
        """``members``: the household's complete member list as applied; ``known``: the stored
        household a batch updates (for what the batch does not carry)."""
        out = list(self._take(values))
        for k, default in self._defaults:
            if out[k] is None:
                out[k] = default
        for k in self._yes_no:
            if out[k] is not None:
                out[k] = int(out[k])
        given = dict(known.fields) if known is not None else {}
        for f, i in self._inputs:
            given[f] = values[i] if values[i] is not None else TEXT_DEFAULTS.get(f)
        d = derive(given, members, self._rules, on=self._on,
                   exclusions=known.exclusions if known is not None else (),
                   accident_loss_fen=known.accident_loss_fen if known is not None else 0)
        out += [getattr(d, c) for c in DERIVED_COLUMNS]
        if self.has_employer:
            name = values[self._employer]  # type: ignore[index]
            out.append(employer_ids.get(name) if (employer_ids is not None and name) else None)
        return out


def write_members(db: Database, members: Mapping[str, Sequence[Sequence[Any]]], archive_of: Mapping[str, int]) -> None:
    """Insert the member rows ``(archive_no, *MEMBER_FIELDS)`` of each household written (sex and, when
    missing, birth date from the ID number)."""
    sql = (f"INSERT INTO members (household_id, ord, gender, {', '.join(MEMBER_FIELDS)}) "
           f"VALUES (?, ?, ?, {', '.join('?' * len(MEMBER_FIELDS))})")
    id_pos = 1 + MEMBER_FIELDS.index("id_number")
    birth_pos = 1 + MEMBER_FIELDS.index("birth_date")
    defaults = [(2 + k, TEXT_DEFAULTS[f]) for k, f in enumerate(MEMBER_FIELDS, start=1) if f in TEXT_DEFAULTS]

    def member_rows() -> Iterator[list[Any]]:
        for archive, hid in archive_of.items():
            for order, m in enumerate(members.get(archive, ())):
                idn = m[id_pos]
                out = [hid, order, ("1" if int(idn[16]) % 2 else "2") if idn and len(idn) == 18 else None, *m[1:]]
                for k, default in defaults:
                    if out[k] is None:
                        out[k] = default
                if m[birth_pos] is None and idn and len(idn) == 18:
                    out[2 + birth_pos] = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
                yield out
    db.conn.executemany(sql, member_rows())


def _household_values(household: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    out = {f: household.get(f) for f in fields if f not in EMPLOYER_FIELDS}
    if "employer_name" in fields:
        out["employer_name"] = household.get("employer_name")
    if "employer_nature" in fields:
        out["employer_nature"] = household.get("employer_nature")
    return out


def household_snapshot(db: Database, household_id: int, fields: Sequence[str]) -> dict[str, Any]:
    """Stored values of a household for the fields a batch carries, its members and its version (conflicts)."""
    h = row(db, "SELECT h.*, e.name AS employer_name, e.nature AS employer_nature FROM households h "
                "LEFT JOIN employers e ON e.id = h.employer_id WHERE h.id = ?", [household_id])
    if h is None:
        raise NotFoundError("档案", household_id)
    members = [tuple(m[f] for f in MEMBER_FIELDS) for m in rows(
        db, f"SELECT {', '.join(MEMBER_FIELDS)} FROM members WHERE household_id = ? ORDER BY ord, id", [household_id])]
    values = _household_values(h, fields)
    if "is_migrant" in values and values["is_migrant"] is not None:
        values["is_migrant"] = str(values["is_migrant"])
    return {"values": values, "members": members, "version": int(h["version"])}


def record_snapshot(db: Database, record_id: int) -> dict[str, Any]:
    r = row(db, f"SELECT {', '.join(RECORD_FIELDS)} FROM assistance_records WHERE id = ?", [record_id])
    if r is None:
        raise NotFoundError("帮扶记录", record_id)
    return {"values": r}
