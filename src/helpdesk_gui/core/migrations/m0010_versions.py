"""Migration 0010_versions: every household carries a version number that every write raises.

1. ``households.version`` (版本号), 1 for the rows already stored.
2. Trigger ``households_version``: an UPDATE of a household that does not raise ``version`` itself
   raises it by one, so no writer (the editor, a status change, a workflow step, a batch import, a
   resolved conflict, the retention purge, or one written later) can change a household and leave
   its version as it was. Writers that update many rows at once raise it in their own statement
   (``version = version + 1``) and the trigger then does nothing.

A form opened on a household (the editor, the status dialog, the conflict screen) and an import
preview remember the version they saw; the write compares it with the stored one in its
transaction and refuses, or holds the row, when they differ (``core.register.households``,
``core.sync.recheck``). The version is bookkeeping, not content: the audit seal leaves it out.
"""

from __future__ import annotations

from typing import Any

from helpdesk_gui.core.base.sqlscript import run_script

MIGRATION_0010 = r"""
ALTER TABLE households ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (typeof(version) = 'integer');
CREATE TRIGGER households_version AFTER UPDATE ON households WHEN new.version IS old.version BEGIN
    UPDATE households SET version = old.version + 1 WHERE id = new.id;
END;
"""


def m0010_versions(db: Any) -> None:
    run_script(db, MIGRATION_0010)
