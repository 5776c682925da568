"""Migration 0009_audit: an audit trail that cannot shrink or be rewritten unseen.

1. ``audit_log`` refuses DELETE as well as UPDATE (trigger ``audit_log_no_delete``; the update
   trigger of 0001 stays).
2. ``audit_log.mac``: the row's HMAC-SHA256 under a key kept outside the database (``audit.key``
   in the data folder), written as ``<key id>:<hex>``. A migration cannot know that key, so the
   rows already stored keep ``mac`` NULL; the program seals them the first time it opens the
   database for writing (``core.access.seal``): one keyed ``seal`` row that commits to all of them.
3. ``audit_log.sealed``: how many households the row seals, i.e. for how many households it
   records the content after the change (covered by ``mac``, so a seal cannot be removed unseen).
4. ``audit_households``: those seals, one row per (audit row, household): the household's content
   hash and a MAC binding it to its audit row. Append-only like the trail itself.

Only DDL: nothing here reads the rows, so what an older program stored is left exactly as it was.
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script

MIGRATION_0009 = r"""
ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE audit_log ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;
CREATE TABLE audit_households (
    audit_id INTEGER NOT NULL,
    household_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (audit_id, household_id)
) WITHOUT ROWID;
CREATE INDEX ix_audit_households_household ON audit_households (household_id, audit_id);
CREATE TRIGGER audit_households_no_update BEFORE UPDATE ON audit_households BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
CREATE TRIGGER audit_households_no_delete BEFORE DELETE ON audit_households BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;
"""


def m0009_audit(db: Any) -> None:
    run_script(db, MIGRATION_0009)
