"""core.register.reveal as used by the archive editor: the audit row names the members' ID numbers too."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import PermissionDenied
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft


def test_reveal_with_members_is_audited_and_needs_the_permission(database, clerk, reviewer):
    head = ids.make("530122", dt.date(1978, 3, 12), 13)
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "王建国", "id_number": head, "phone": "13812345678", "cause_main": "3"},
        members=[{"name": "李秀英", "relation": "1", "id_number": ids.make("530122", dt.date(1980, 1, 2), 24)}]))
    with pytest.raises(PermissionDenied):
        register.reveal(database, clerk, hid, members=True)
    shown = register.reveal(database, reviewer, hid, members=True)
    assert shown["id_number"] == head and shown["phone"] == "13812345678"
    rows = audit.query(database, audit.AuditFilter(action="reveal"))
    assert len(rows) == 1 and rows[0]["username"] == "reviewer"
    assert "members.id_number" in json.loads(rows[0]["after"])["fields"]
    register.reveal(database, reviewer, hid)               # the register list: head only, as before
    latest = audit.query(database, audit.AuditFilter(action="reveal"))[0]
    assert json.loads(latest["after"])["fields"] == ["id_number", "phone", "bank_account"]
