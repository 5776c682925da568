"""A household's content as one SHA-256: its business columns and its family members.

Every audit row that changes a household seals it with this hash (``core.access.chain``), and
``helpdesk check`` recomputes it for every household: a household changed by raw SQL, without the
program and so without an audit row, no longer matches its last seal.

The columns are listed here, not read from the schema: a new column (a later migration) is not
covered until it is added to ``HOUSEHOLD_COLUMNS`` or ``NOT_HASHED`` (a test fails until one of them
names it). Adding a column to the hash changes every household's hash: such a change needs the
stored seals brought along (a new seal of every household, recorded in the trail).
Computed in bulk: one pass over ``households`` and one over ``members`` in id order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlite_utils import Database

#: the household's business columns (what a clerk, a workflow step or an import decides)
HOUSEHOLD_COLUMNS = (
    "sender_code", "archive_no", "archive_type", "status", "exit_reason", "status_note", "category",
    "category_suggested", "legacy_category_text", "name", "gender", "ethnicity", "political", "id_number",
    "birth_date", "health", "disability_type", "disability_grade", "work_status", "model_worker", "phone",
    "other_contact", "employer_id", "work_start_date", "marital", "hukou_type", "is_union_member", "is_migrant",
    "contract_signed_date", "contract_months", "org_unit_id", "township", "address", "hukou_region_code",
    "housing_type", "housing_area_m2", "medical_insurance", "single_parent", "zero_employment",
    "self_help_ability", "bank_name", "bank_branch", "bank_account", "cause_main", "causes_secondary",
    "cause_other_text", "family_size", "income_from", "income_to", "annual_income_fen", "rigid_expense_fen",
    "per_capita_month_fen", "income_test_month_fen", "created_date", "exit_date", "last_review_date", "remarks",
)
#: columns left out: the key, search helpers derived from name / ID / phone, bookkeeping times and the version
NOT_HASHED = ("id", "name_pinyin", "name_initials", "id_rev", "phone_rev", "created_at", "updated_at", "version")
MEMBER_COLUMNS = ("ord", "name", "relation", "id_number", "birth_date", "gender", "health", "identity",
                  "school_or_employer", "monthly_income_fen", "has_income_proof")

_H_SQL = f"SELECT id, {', '.join(HOUSEHOLD_COLUMNS)} FROM households"
_M_SQL = f"SELECT household_id, {', '.join(MEMBER_COLUMNS)} FROM members"
_IN = " WHERE {{}} IN ({})"
_CHUNK = 900


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _digest(values: tuple[Any, ...], members: list[tuple[Any, ...]]) -> str:
    """SHA-256 of ``[[household values], [[member values], ...]]`` as compact JSON (UTF-8)."""
    return hashlib.sha256(_JSON.encode([values, members]).encode("utf-8")).hexdigest()


def content_hashes(db: Database, household_ids: Iterable[int] | None = None) -> dict[int, str]:
    """{household id: content hash} of these households (all of them when None); ids not found are absent."""
    return dict(iter_hashes(db, household_ids))


def iter_hashes(db: Database, household_ids: Iterable[int] | None = None) -> Iterator[tuple[int, str]]:
    if household_ids is None:
        yield from _merge(db.execute(_H_SQL + " ORDER BY id"),
                          db.execute(_M_SQL + " ORDER BY household_id, ord, id"))
        return
    wanted = sorted({int(h) for h in household_ids})
    # in id order, a list of parameters at a time (both engines take ``IN (?, ?, …)``; json_each is SQLite's)
    for lo in range(0, len(wanted), _CHUNK):
        chunk = wanted[lo:lo + _CHUNK]
        marks = _IN.format(", ".join("?" * len(chunk)))
        yield from _merge(db.execute(_H_SQL + marks.format("id") + " ORDER BY id", chunk),
                          db.execute(_M_SQL + marks.format("household_id") + " ORDER BY household_id, ord, id", chunk))


def _merge(h_cur: Any, m_cur: Any) -> Iterator[tuple[int, str]]:
    pending = m_cur.fetchone()
    for h in h_cur:
        hid = h[0]
        members: list[tuple[Any, ...]] = []
        while pending is not None and pending[0] <= hid:
            if pending[0] == hid:
                members.append(pending[1:])
            pending = m_cur.fetchone()
        yield hid, _digest(h[1:], members)
