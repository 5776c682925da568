"""PIPL in the archive editor: existing numbers are masked; clerks may retype them, reviewers reveal (audited)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.privacy import mask_bank, mask_id, mask_phone
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.editor import HouseholdEditor

HEAD = ids.make("530122", dt.date(1978, 3, 12), 13)
SPOUSE = ids.make("530122", dt.date(1980, 1, 2), 24)
PHONE = "13812345678"
BANK = "6228480000000012345"


@pytest.fixture
def archive(database, clerk):
    draft = HouseholdDraft(
        fields={"name": "王建国", "id_number": HEAD, "phone": PHONE, "bank_name": "农业银行", "bank_account": BANK,
                "cause_main": "3", "township": "城关镇"},
        members=[{"name": "李秀英", "relation": "1", "id_number": SPOUSE, "identity": "3"}],
        income_items=[{"kind": "wages", "amount_fen": 1_800_000, "note": ""}])
    return register.create_household(database, clerk, draft)


def _editor(qtbot, folder, database, actor, hid):
    editor = HouseholdEditor(AppContext(folder=folder, db=database, actor=actor), hid)
    qtbot.addWidget(editor)
    return editor


def _stored(database, hid):
    return database.execute("SELECT id_number, phone, bank_account FROM households WHERE id = ?", [hid]).fetchone()


def _updates(database):
    return audit.query(database, audit.AuditFilter(action="update"))  # newest first


def test_clerk_sees_masked_numbers_and_saving_keeps_them(qtbot, folder, database, clerk, archive):
    editor = _editor(qtbot, folder, database, clerk, archive)
    b = editor.basic
    assert b.id_number.text() == mask_id(HEAD) and b.id_number.isReadOnly()
    assert b.phone.text() == mask_phone(PHONE) and b.phone.isReadOnly()
    assert editor.bank.bank_account.text() == mask_bank(BANK) and editor.bank.bank_account.isReadOnly()
    assert editor.members.cell(0, 2).text() == mask_id(SPOUSE) and editor.members.cell(0, 2).isReadOnly()
    assert b.birth.text() == "****-**-**" and b.gender.text() == "男" and b.id_hint.text() == ""
    assert editor.reveal_button.isHidden()                     # a clerk may not reveal
    assert not editor.dirty
    assert "月人均" in editor.summary.text()                   # the live income test still runs
    b.remarks.insert("复核时补充")
    assert editor.dirty and editor.save()
    assert _stored(database, archive) == (HEAD, PHONE, BANK)
    assert register.get_household(database, archive)["members"][0]["id_number"] == SPOUSE
    changes = _updates(database)
    assert len(changes) == 1
    after = json.loads(changes[0]["after"])
    assert "remarks" in after                                  # no diff, no audit noise for the masked numbers
    assert not {"id_number", "phone", "bank_account", "id_rev", "phone_rev"} & set(after)
    assert editor.basic.id_number.text() == mask_id(HEAD)     # still masked after the save


def test_clerk_retypes_the_phone_and_it_is_saved_and_validated(qtbot, folder, database, clerk, archive,
                                                               message_boxes):
    editor = _editor(qtbot, folder, database, clerk, archive)
    phone = editor.basic.phone
    phone.change_action.trigger()                               # 更改…
    assert phone.text() == "" and not phone.isReadOnly()
    qtbot.keyClicks(phone, "138123")
    assert "手机号" in editor.basic.phone_hint.text()
    assert not editor.save()                                    # validated exactly as before
    assert _stored(database, archive)[1] == PHONE
    phone.clear()
    qtbot.keyClicks(phone, "13900001111")
    assert editor.save()
    assert _stored(database, archive) == (HEAD, "13900001111", BANK)
    changes = _updates(database)
    assert changes and json.loads(changes[0]["after"])["phone"] == "139****1111"        # the trail keeps it masked


def test_clerk_retypes_the_id_number_with_live_checks(qtbot, folder, database, clerk, archive):
    other = ids.make("530122", dt.date(1970, 1, 1), 1)
    register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "甲", "id_number": other, "cause_main": "1"}))
    editor = _editor(qtbot, folder, database, clerk, archive)
    edit = editor.basic.id_number
    edit.change_action.trigger()
    qtbot.keyClicks(edit, other)                                # duplicate detection still works
    assert "已在有效档案" in editor.basic.id_hint.text()
    edit.clear()
    new = ids.make("530122", dt.date(1979, 4, 5), 17)
    qtbot.keyClicks(edit, new)
    assert editor.basic.birth.text() == "1979-04-05" and editor.basic.id_hint.text() == ""
    r = 0
    editor.members.table.setCurrentCell(r, 0)
    editor.members.change_selected_id()
    assert editor.members.cell(r, 2).text() == "" and not editor.members.cell(r, 2).isReadOnly()
    spouse = ids.make("530122", dt.date(1980, 1, 2), 31)      # a wrong sequence number corrected
    qtbot.keyClicks(editor.members.cell(r, 2), spouse)
    assert editor.save()
    assert _stored(database, archive)[0] == new
    assert register.get_household(database, archive)["members"][0]["id_number"] == spouse


def test_reviewer_reveals_full_numbers_with_an_audit_row(qtbot, folder, database, reviewer, archive):
    editor = _editor(qtbot, folder, database, reviewer, archive)
    assert editor.basic.id_number.text() == mask_id(HEAD)       # masked by default for reviewers too
    assert not editor.reveal_button.isHidden()
    assert audit.query(database, audit.AuditFilter(action="reveal")) == []
    assert editor.reveal()
    assert editor.basic.id_number.text() == HEAD and not editor.basic.id_number.isReadOnly()
    assert editor.basic.phone.text() == PHONE and editor.bank.bank_account.text() == BANK
    assert editor.members.cell(0, 2).text() == SPOUSE and editor.basic.birth.text() == "1978-03-12"
    assert not editor.dirty and editor.reveal_button.isHidden()
    rows = audit.query(database, audit.AuditFilter(action="reveal"))
    assert len(rows) == 1 and rows[0]["username"] == "reviewer"
    assert "members.id_number" in str(rows[0])


def test_new_archive_takes_typed_numbers(qtbot, folder, database, clerk):
    editor = _editor(qtbot, folder, database, clerk, None)
    b = editor.basic
    assert not b.id_number.isReadOnly() and b.id_number.text() == "" and b.phone.text() == ""
    assert b.id_number.change_action.isEnabled() and editor.reveal_button.isHidden()
    b.name.insert("赵六")
    qtbot.keyClicks(b.id_number, HEAD)
    qtbot.keyClicks(b.phone, PHONE)
    qtbot.keyClicks(editor.bank.bank_account, BANK)
    editor.causes.cause_main.set_code("3")
    assert editor.save()
    assert _stored(database, editor.household_id) == (HEAD, PHONE, BANK)
    assert b.id_number.text() == mask_id(HEAD)                  # reopened after saving: masked



def test_member_birth_date_is_hidden_with_the_masked_id(qtbot, folder, database, clerk, reviewer, archive):
    """A member's birth date is the hidden middle of the ID number: masked with it, shown on reveal, cleared
    (to be typed with the new number) on 更改, and saved unchanged when nothing was touched."""
    editor = _editor(qtbot, folder, database, clerk, archive)
    born = editor.members.cell(0, 3)
    assert born.text() == "****-**-**" and born.isReadOnly()
    assert editor.members.members()[0]["birth_date"] == "1980-01-02"
    editor.members.cell(0, 2).change()
    assert born.text() == "" and not born.isReadOnly()
    shown = _editor(qtbot, folder, database, reviewer, archive)
    shown.reveal()
    assert shown.members.cell(0, 3).text() == "1980-01-02" and shown.members.cell(0, 2).text() == SPOUSE
