"""Numbered schema migrations. Each runs in one transaction and bumps ``PRAGMA user_version``.

Never edit a migration that has shipped; add the next number instead. A migration depends only on leaf
modules (``core.base``) and on the data of earlier migrations: seed rows are frozen inside the migration that
first wrote them, so editing live code never changes what a shipped migration writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpdesk_gui.core.migrations.m0001_initial import m0001_initial
from helpdesk_gui.core.migrations.m0002_workflow import m0002_workflow
from helpdesk_gui.core.migrations.m0003_exchange import m0003_exchange
from helpdesk_gui.core.migrations.m0005_ledger import m0005_ledger
from helpdesk_gui.core.migrations.m0006_reception import m0006_reception
from helpdesk_gui.core.migrations.m0007_mutual import m0007_mutual
from helpdesk_gui.core.migrations.m0008_derive import m0008_derive
from helpdesk_gui.core.migrations.m0009_audit import m0009_audit
from helpdesk_gui.core.migrations.m0010_versions import m0010_versions
from helpdesk_gui.core.migrations.m0011_city import m0011_city

#: The ordered migrations. The schema version is the number of migrations applied.
MIGRATIONS: list[tuple[str, Callable[[Any], None]]] = [
    ("0001_initial", m0001_initial),
    ("0002_workflow", m0002_workflow),
    ("0003_exchange", m0003_exchange),
    ("0005_ledger", m0005_ledger),
    ("0006_reception", m0006_reception),
    ("0007_mutual", m0007_mutual),
    ("0008_derive", m0008_derive),
    ("0009_audit", m0009_audit),
    ("0010_versions", m0010_versions),
    ("0011_city", m0011_city),
]

SCHEMA_VERSION = len(MIGRATIONS)
