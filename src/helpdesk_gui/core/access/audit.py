"""The audit trail: append-only, each row chained to the previous one and signed with a key kept outside
the database.

Every write of the core calls ``record`` inside its own transaction, so the audit row exists
exactly when the change does. A write that changes households names them (``households=``): the
content of each, as committed, is sealed with the row, so ``helpdesk check`` can tell a household
changed without the program. How rows are chained, signed and anchored: ``core.access.chain`` and
``keyring``; how they are verified: ``core.access.verify``. Rows are never updated or deleted (triggers
refuse both), not even by the retention purge: what a row holds stays as written.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import chain, verify
from helpdesk_gui.core.db import row, rows
from helpdesk_gui.core.db.where import Where

GENESIS = chain.GENESIS
_digest = chain.digest


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(db: Database, username: str, action: str, entity: str, entity_id: object = "",
           before: Any = None, after: Any = None, *, households: Iterable[int] = ()) -> None:
    """Append one audit row. Must run inside the caller's write transaction.

    ``households``: the ids of the households this write changed; their content as committed is sealed
    with the row (``core.access.fingerprint``). Every writer of ``households`` or ``members`` names them."""
    eid = "" if entity_id is None else str(entity_id)
    chain.append(db, username, action, entity, eid, _dump(before), _dump(after), households)


def verify_chain(db: Database) -> str | None:
    """None when the chain is intact, else a Chinese sentence naming the first broken row (or the
    anchor or key that disagrees). ``verify.chain_problems`` lists them all."""
    problems = verify.chain_problems(db)
    return problems[0] if problems else None


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str | tuple[str, ...] = ""   # one action, or any of several (a label of audit_labels.action_choices)
    entity: str = ""
    entity_id: str = ""
    date_from: str = ""   # YYYY-MM-DD
    date_to: str = ""


def _day_after(day: str) -> str | None:
    """The day after an ISO date (None, matching nothing, for text that is not a date)."""
    try:
        return (_dt.date.fromisoformat(day) + _dt.timedelta(days=1)).isoformat()
    except ValueError:
        return None


def _where(f: AuditFilter) -> tuple[str, list[Any]]:
    w = Where()
    for column, value in (("username", f.username), ("entity", f.entity)):
        w.equal(column, value)
    if isinstance(f.action, tuple):
        w.one_of("action", f.action)
    else:
        w.equal("action", f.action)
    w.prefix("entity_id", f.entity_id)
    w.at_least("at", f.date_from)
    if f.date_to:
        w.add("at < ?", _day_after(f.date_to))
    return w.sql, w.args


def query(db: Database, f: AuditFilter = AuditFilter(), *, limit: int = 2000, offset: int = 0) -> list[dict[str, Any]]:
    """Audit rows, newest first."""
    where, params = _where(f)
    return rows(db, f"SELECT id, at, username, action, entity, entity_id, before, after FROM audit_log{where} "
                    "ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset])


def trail(db: Database, entity: str, entity_id: object) -> list[dict[str, Any]]:
    """Every audited change of one thing (``entity``, ``entity_id`` exactly), newest first."""
    return rows(db, "SELECT at, username, action, before, after FROM audit_log WHERE entity = ? AND entity_id = ? "
                    "ORDER BY id DESC", [entity, str(entity_id)])


@dataclass(frozen=True)
class LastChange:
    """Who last changed a household, and when: its newest audit row that seals it."""

    username: str
    display_name: str
    at: str
    action: str


def last_change(db: Database, household_id: int) -> LastChange | None:
    """The newest audit row that changed this household (a ``seal`` or ``rekey`` of the whole trail is no
    one's change), with the user's display name; None when the trail holds none."""
    r = row(db, "SELECT a.username, coalesce(u.display_name, a.username) AS who, a.at, a.action "
                "FROM audit_households s JOIN audit_log a ON a.id = s.audit_id "
                "LEFT JOIN users u ON u.username = a.username "
                "WHERE s.household_id = ? AND a.action NOT IN ('seal', 'rekey') ORDER BY s.audit_id DESC LIMIT 1",
            [household_id])
    if r is None:
        return None
    return LastChange(str(r["username"]), str(r["who"]), str(r["at"]), str(r["action"]))


def count(db: Database, f: AuditFilter = AuditFilter()) -> int:
    where, params = _where(f)
    return int(db.execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()[0])


def actions(db: Database) -> list[str]:
    """The actions the trail holds (an older database may hold some the code no longer writes)."""
    return [r[0] for r in db.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def usernames(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT username FROM audit_log ORDER BY username")]
