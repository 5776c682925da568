"""Edits are never silently undone: a household carries a version every write raises, and a form's save over a
household changed since the form loaded it is refused with who changed it and when (nothing saved)."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import ChangedMeanwhile
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from

TODAY = dt.date(2026, 12, 5)
HEAD = ids.make("530122", dt.date(1975, 5, 6), 123)


def _new(db, actor) -> int:
    return register.create_household(db, actor, HouseholdDraft(fields={
        "name": "张三", "id_number": HEAD, "phone": "13812345678", "township": "城关镇", "address": "人民路 12 号",
        "cause_main": "3", "hukou_region_code": "530122"}), today=TODAY)


def test_every_write_raises_the_version_even_one_that_forgets(database, clerk, admin):
    hid = _new(database, clerk)
    v1 = register.household_version(database, hid)
    assert v1 == 1
    register.update_household(database, clerk, hid, draft_from(register.get_household(database, hid)), today=TODAY)
    assert register.household_version(database, hid) == 2
    register.set_status(database, admin, hid, "cancelled", reason="ineligible", on=TODAY)
    assert register.household_version(database, hid) == 3
    # a writer that does not name the version (any UPDATE): the trigger raises it
    database.execute("UPDATE households SET remarks = remarks WHERE id = ?", [hid])
    assert register.household_version(database, hid) == 4
    # one that raises it itself is not raised twice
    database.execute("UPDATE households SET version = version + 1 WHERE id = ?", [hid])
    assert register.household_version(database, hid) == 5


def test_second_save_over_a_household_changed_since_it_was_opened_is_refused_with_the_name(
        database, clerk, reviewer):
    hid = _new(database, clerk)
    # two people open the same archive
    mine, theirs = (register.get_household(database, hid) for _ in range(2))
    assert mine["version"] == theirs["version"] == 1
    first = draft_from(theirs)
    first.fields["address"] = "李审核改的地址"
    register.update_household(database, reviewer, hid, first, today=TODAY, expected_version=theirs["version"])
    second = draft_from(mine)
    second.fields["phone"] = "13900000000"
    with pytest.raises(ChangedMeanwhile) as info:
        register.update_household(database, clerk, hid, second, today=TODAY, expected_version=mine["version"])
    message = str(info.value)
    assert message.startswith(f"档案 {mine['archive_no']} 已在您打开之后被 李审核 于 ")
    assert "修改。本次没有保存" in message
    assert info.value.by == "李审核" and len(info.value.at) == len("2026-12-05 14:03")
    # nothing of the refused save was written: the first save stands whole
    h = register.get_household(database, hid)
    assert (h["address"], h["phone"], h["version"]) == ("李审核改的地址", "13812345678", 2)
    # after reloading, the clerk's save goes through
    again = draft_from(h)
    again.fields["phone"] = "13900000000"
    register.update_household(database, clerk, hid, again, today=TODAY, expected_version=h["version"])
    assert register.get_household(database, hid)["phone"] == "13900000000"
    assert check.run(database) == []


def test_status_change_from_a_form_opened_earlier_is_refused_too(database, clerk, reviewer, admin):
    hid = _new(database, clerk)
    seen = register.household_version(database, hid)
    changed = draft_from(register.get_household(database, hid))
    changed.fields["remarks"] = "入户核实"
    register.update_household(database, reviewer, hid, changed, today=TODAY)
    with pytest.raises(ChangedMeanwhile, match="被 李审核 于 .* 修改。"):
        register.set_status(database, admin, hid, "cancelled", reason="ineligible", on=TODAY, expected_version=seen)
    assert scalar(database, "SELECT status FROM households WHERE id = ?", [hid]) == "applying"
    # the action is named when it is not a plain edit
    register.set_status(database, admin, hid, "cancelled", reason="ineligible", on=TODAY,
                        expected_version=register.household_version(database, hid))
    with pytest.raises(ChangedMeanwhile, match="被 系统管理员 于 .* 修改（状态变更）"):
        register.update_household(database, clerk, hid, changed, today=TODAY, expected_version=seen)
