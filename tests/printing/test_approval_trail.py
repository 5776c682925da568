"""The 建档申请审批表 fills its opinion boxes from what was done in the program: the review opinion, the
publicity period and objections, the approval — each with the user's name and date; a step not yet taken
stays blank for handwriting."""

from __future__ import annotations

import datetime as dt

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

from .conftest import pdf_text, squash


def printed(db, actor, hid, out) -> str:
    render.render(db, template.find("approval"), Selection(household_ids=(hid,)), out, actor=actor)
    return squash("".join(pdf_text(out)))


def test_opinions_come_from_the_workflow(database, clerk, make_active, tmp_path):
    hid = register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "周建国", "id_number": ids.make("530122", dt.date(1970, 5, 5), 11), "cause_main": "3"}))
    blank = printed(database, clerk, hid, tmp_path / "before.pdf")
    assert "公示时间：年月日至年月日" in blank and "王主任" not in blank
    make_active(hid)
    text = printed(database, clerk, hid, tmp_path / "after.pdf")
    assert "同意公示" in text and "审核人（签字）：李审核" in text
    assert "同意建档" in text and "审批人（签字）：王主任" in text
    assert "公示期间无异议" in text and "公示时间：20" in text
