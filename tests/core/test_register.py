"""The register: creating and editing archives, archive numbers, one active archive per person, the lifecycle."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.core.base.errors import (
    DuplicatePersonError,
    NotFoundError,
    PermissionDenied,
    StateError,
    ValidationError,
    ValidationErrors,
)
from helpdesk_gui.core.db import row, rows, scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from, validate

TODAY = dt.date(2025, 3, 10)
COUNTY = "530122"
HEAD_ID = ids.make(COUNTY, dt.date(1975, 5, 6), 123)      # male (odd sequence)
SPOUSE_ID = ids.make(COUNTY, dt.date(1977, 8, 9), 124)    # female
CHILD_ID = ids.make(COUNTY, dt.date(2006, 1, 15), 211)    # male
BOOK = codes.CodeBook.defaults()



def person(seq: int, birth: dt.date = dt.date(1980, 1, 1), region: str = COUNTY) -> str:
    return ids.make(region, birth, seq)


def draft(name: str = "张三", id_number: str = HEAD_ID, *, members: list | None = None, income=None,
          expenses=None, exclusions=None, **fields) -> HouseholdDraft:
    base = {"name": name, "id_number": id_number, "phone": "13812345678", "township": "城关镇",
            "address": "城关镇人民路社区12号", "cause_main": "3", "causes_secondary": ["6", "9"],
            "hukou_region_code": COUNTY}
    base.update(fields)
    return HouseholdDraft(fields=base, members=list(members or []), income_items=list(income or []),
                          expenses=list(expenses or []), exclusions=list(exclusions or []))


def full_draft() -> HouseholdDraft:
    return draft(
        gender="男", ethnicity="汉族", political="群众", health="良好", work_status="下岗", marital="已婚",
        is_union_member="是", housing_type="租房", housing_area_m2="45.5", bank_name="中国农业银行",
        bank_account="6228 4801 2345 6789 012", remarks="  首问：张经办  ",
        members=[
            {"name": "李四", "relation": "配偶", "id_number": SPOUSE_ID, "identity": "在岗", "health": "良好",
             "monthly_income_fen": 150000, "has_income_proof": True, "school_or_employer": "金马纺织厂"},
            {"name": "张小明", "relation": "儿子", "id_number": CHILD_ID.lower(), "identity": "大学生",
             "school_or_employer": "云南大学"},
        ],
        income=[{"kind": "wages", "amount_fen": 1_800_000, "note": "配偶工资"},
                {"kind": "union_aid", "amount_fen": 100_000}],
        expenses=[{"kind": "illness", "amount_fen": 600_000, "note": "住院自付"},
                  {"kind": "schooling", "amount_fen": 300_000}],
    )


def counts(db) -> dict[str, int]:
    return {t: scalar(db, f"SELECT count(*) FROM {t}") for t in
            ("households", "members", "income_items", "rigid_expenses", "status_history", "audit_log",
             "archive_serials")}


def household(db, hid: int) -> dict:
    return register.get_household(db, hid)


# ---------------------------------------------------------------- creating

def test_create_household_stores_everything(database, clerk):
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    h = household(database, hid)
    assert h["archive_no"] == "530122202500001"
    assert h["sender_code"] == COUNTY
    assert h["status"] == "applying"
    assert h["archive_type"] == "1"
    assert h["created_date"] == "2025-03-10"
    # derived from the ID number
    assert h["birth_date"] == "1975-05-06" and h["gender"] == "1"
    assert h["id_rev"] == HEAD_ID[::-1]
    assert h["phone_rev"] == "87654321831"
    assert (h["name_pinyin"], h["name_initials"]) == ("zhangsan", "zs")
    # labels typed by the clerk are stored as codes
    assert (h["ethnicity"], h["political"], h["health"], h["work_status"], h["marital"]) == ("01", "4", "1", "2", "2")
    assert h["is_union_member"] == 1 and h["housing_type"] == "7" and h["housing_area_m2"] == 45.5
    assert h["bank_account"] == "6228480123456789012"
    assert h["remarks"] == "首问：张经办"
    assert h["cause_main"] == "3" and h["causes_secondary"] == "6,9"
    # members, in order, with derived fields
    assert [(m["ord"], m["name"], m["relation"], m["identity"]) for m in h["members"]] == [
        (0, "李四", "1", "1"), (1, "张小明", "2", "21")]
    spouse, child = h["members"]
    assert spouse["id_number"] == SPOUSE_ID and spouse["birth_date"] == "1977-08-09" and spouse["gender"] == "2"
    assert spouse["monthly_income_fen"] == 150000 and spouse["has_income_proof"] == 1
    assert child["id_number"] == CHILD_ID.upper() and child["gender"] == "1" and child["has_income_proof"] == 0
    assert [(i["kind"], i["amount_fen"], i["note"]) for i in h["income_items"]] == [
        ("wages", 1_800_000, "配偶工资"), ("union_aid", 100_000, "")]
    assert [(e["kind"], e["amount_fen"]) for e in h["expenses"]] == [("illness", 600_000), ("schooling", 300_000)]
    # the income test: (1,900,000 − 900,000) ÷ 3 ÷ 12 = 27,777.78 → 27,778 fen
    assert h["family_size"] == 3
    assert h["annual_income_fen"] == 1_900_000
    assert h["rigid_expense_fen"] == 900_000
    assert h["per_capita_month_fen"] == 27_778
    assert h["category_suggested"] == "1"          # below the default 低保 line of 700 yuan
    assert h["category"] is None                    # a person decides
    assert [(s["from_status"], s["to_status"], s["by_user"]) for s in h["history"]] == [(None, "applying", "clerk")]
    for column in ("annual_income_fen", "rigid_expense_fen", "per_capita_month_fen"):
        assert scalar(database, f"SELECT typeof({column}) FROM households WHERE id = ?", [hid]) == "integer"


def test_create_writes_audit_row(database, clerk):
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    a = row(database, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (a["username"], a["action"], a["entity"], a["entity_id"]) == ("clerk", "create", "household",
                                                                        "530122202500001")
    after = json.loads(a["after"])
    assert after["name"] == "张三" and after["members"] == 2 and after["status"] == "applying"
    assert "name_pinyin" not in after and "id_rev" not in after
    assert a["before"] is None
    assert audit.verify_chain(database) is None
    assert household(database, hid)["archive_no"] == a["entity_id"]


def test_audit_row_is_in_the_same_transaction(database, clerk, monkeypatch):
    """If writing the audit row fails, the household, its members and its number are not written either."""
    before = counts(database)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        register.create_household(database, clerk, full_draft(), today=TODAY)
    assert counts(database) == before
    monkeypatch.undo()
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    assert household(database, hid)["archive_no"] == "530122202500001"


def test_archive_numbers_consecutive_and_never_reused(database, clerk, admin):
    hids = [register.create_household(database, clerk, draft(f"王{n}", person(100 + 2 * n + 1)), today=TODAY)
            for n in range(3)]
    numbers = [household(database, h)["archive_no"] for h in hids]
    assert numbers == ["530122202500001", "530122202500002", "530122202500003"]
    # cancel the last one and delete it outright: its number is still not handed out again
    register.set_status(database, admin, hids[-1], "cancelled", reason="ineligible")
    h4 = register.create_household(database, clerk, draft("王四", person(201)), today=TODAY)
    assert household(database, h4)["archive_no"] == "530122202500004"
    database.execute("DELETE FROM households WHERE id = ?", [h4])
    h5 = register.create_household(database, clerk, draft("王五", person(203)), today=TODAY)
    assert household(database, h5)["archive_no"] == "530122202500005"
    # a new year starts its own serial; the old year's serial is kept
    h6 = register.create_household(database, clerk, draft("王六", person(205)), today=dt.date(2026, 1, 2))
    assert household(database, h6)["archive_no"] == "530122202600001"
    assert dict(database.execute("SELECT prefix, last_serial FROM archive_serials").fetchall()) == {
        "5301222025": 5, "5301222026": 1}


def test_archive_number_skips_numbers_taken_by_other_rows(database, clerk):
    # e.g. a household received in a city batch whose number happens to use our prefix
    for serial in (1, 2, 4):
        database.execute(
            "INSERT INTO households (sender_code, archive_no, name, id_number, created_date, created_at, updated_at) "
            "VALUES ('530123', ?, '外县', ?, '2025-01-01', 'x', 'x')",
            [f"5301222025{serial:05d}", person(600 + 2 * serial + 1, region="530123")])
    got = [household(database, register.create_household(database, clerk, draft(f"赵{n}", person(301 + 2 * n)),
                                                          today=TODAY))["archive_no"] for n in range(3)]
    assert got == ["530122202500003", "530122202500005", "530122202500006"]


def test_failed_create_does_not_consume_a_number(database, clerk):
    register.create_household(database, clerk, draft(), today=TODAY)
    with pytest.raises(DuplicatePersonError):
        register.create_household(database, clerk, draft("张三", HEAD_ID), today=TODAY)
    hid = register.create_household(database, clerk, draft("李五", person(401)), today=TODAY)
    assert household(database, hid)["archive_no"] == "530122202500002"


# ---------------------------------------------------------------- validation

def _errors_of(database, actor, d: HouseholdDraft) -> str:
    before = counts(database)
    with pytest.raises(ValidationErrors) as info:
        register.create_household(database, actor, d, today=TODAY)
    assert counts(database) == before, "nothing is written when validation fails"
    for e in info.value.errors:
        assert isinstance(e, ValidationError)
        assert e.message.startswith(e.field)
    return str(info.value)


def test_validation_names_the_fields(database, clerk):
    bad_check = HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1")
    msg = _errors_of(database, clerk, draft("", bad_check, phone="12345", cause_main="",
                                            causes_secondary=["1", "2", "4", "5"]))
    assert "姓名：不能为空" in msg
    assert "公民身份号码" in msg and "校验位" in msg
    assert "手机号码" in msg
    assert "主要致困原因" in msg and "必须" in msg
    assert "次要致困原因" in msg and "最多" in msg and "三项" in msg


def test_birth_date_and_gender_must_agree_with_id(database, clerk):
    msg = _errors_of(database, clerk, draft(birth_date="1976-05-06", gender="女"))
    assert "出生日期" in msg and "与身份证号码" in msg and "不一致" in msg and "1975-05-06" in msg
    assert "性别" in msg


def test_member_errors_name_the_member(database, clerk):
    bad = SPOUSE_ID[:17] + ("0" if SPOUSE_ID[17] != "0" else "1")
    msg = _errors_of(database, clerk, draft(members=[
        {"name": "李四", "relation": "配偶", "id_number": SPOUSE_ID},
        {"name": "张小明", "relation": "子女", "id_number": bad},
        {"name": "", "relation": ""},
        {"name": "张小红", "relation": "子女", "id_number": CHILD_ID, "birth_date": "2007-01-15"},
    ]))
    assert "第 2 位家庭成员“张小明”的公民身份号码" in msg and "校验位" in msg
    assert "第 3 位家庭成员的姓名：不能为空" in msg
    assert "第 3 位家庭成员的与户主关系" in msg
    assert "第 4 位家庭成员“张小红”的出生日期" in msg and "不一致" in msg
    assert "第 1 位" not in msg


def test_member_with_head_id_is_refused(database, clerk):
    msg = _errors_of(database, clerk, draft(members=[{"name": "张三", "relation": "其他", "id_number": HEAD_ID}]))
    assert "家庭成员“张三”的公民身份号码" in msg and "与户主重复" in msg
    assert HEAD_ID not in msg  # shown masked


@pytest.mark.parametrize(("fields", "needle"), [
    ({"phone": "1381234567"}, "手机号码"),
    ({"phone": "23812345678"}, "手机号码"),
    ({"bank_account": "6228-abc"}, "银行账号"),
    ({"gender": "未知"}, "性别"),
    ({"ethnicity": "火星族"}, "民族"),
    ({"work_start_date": "2020/01/01"}, "参加工作时间"),
    ({"cause_main": "11"}, "主要致困原因"),
    ({"cause_main": "3", "causes_secondary": ["3"]}, "不能与主要致困原因相同"),
    ({"cause_main": "10", "cause_other_text": ""}, "其他致困原因说明"),
    ({"contract_months": "十二"}, "合同期限"),
    ({"housing_area_m2": "大约五十"}, "建筑面积"),
    ({"name": "张" * 31}, "不能超过 30 个字"),
    ({"id_number": ""}, "公民身份号码：不能为空"),
    ({"id_number": "5301221975050612"}, "应为 18 位"),
])
def test_single_field_errors(database, clerk, fields, needle):
    assert needle in _errors_of(database, clerk, draft(**fields))


def test_amount_item_errors(database, clerk):
    msg = _errors_of(database, clerk, draft(expenses=[{"kind": "illness", "amount_fen": -5}],
                                            income=[{"kind": "lottery", "amount_fen": 5}]))
    assert "刚性支出项目" in msg and "不能为负数" in msg
    assert "收入项目" in msg and "不是可选值" in msg


@given(st.integers(0, 16), st.integers(1, 9))
@settings(max_examples=60, deadline=None)
def test_any_single_digit_typo_in_an_id_is_caught(position, delta):
    """MOD 11-2 catches every single-digit error; the message names the ID field."""
    digits = list(HEAD_ID)
    digits[position] = str((int(digits[position]) + delta) % 10)
    typo = "".join(digits)
    with pytest.raises(ValidationErrors) as info:
        validate(BOOK, draft(id_number=typo), today=TODAY)
    assert any(e.field == "公民身份号码" for e in info.value.errors)


@given(st.lists(st.sampled_from([str(i) for i in range(1, 10)]), max_size=6))
@settings(max_examples=60, deadline=None)
def test_secondary_causes_at_most_three(secondary):
    d = draft(cause_main="10", cause_other_text="说明", causes_secondary=secondary)
    distinct = list(dict.fromkeys(secondary))
    if len(distinct) <= 3:
        clean = validate(BOOK, d, today=TODAY)
        assert clean.fields["causes_secondary"] == ",".join(distinct)
    else:
        with pytest.raises(ValidationErrors) as info:
            validate(BOOK, d, today=TODAY)
        assert [e.field for e in info.value.errors] == ["次要致困原因"]
        assert "最多选择三项" in str(info.value)


def test_secondary_causes_as_text_and_labels():
    clean = validate(BOOK, draft(cause_main="下岗失业", causes_secondary="患重特大疾病、9"), today=TODAY)
    assert clean.fields["cause_main"] == "3" and clean.fields["causes_secondary"] == "6,9"


# ---------------------------------------------------------------- one person, one active archive

def test_head_already_in_active_archive(database, clerk):
    register.create_household(database, clerk, draft(), today=TODAY)
    before = counts(database)
    with pytest.raises(DuplicatePersonError) as info:
        register.create_household(database, clerk, draft("张三", HEAD_ID), today=TODAY)
    assert info.value.other_archive_no == "530122202500001"
    assert "530122202500001" in str(info.value) and "户主" in str(info.value)
    assert HEAD_ID not in str(info.value)
    assert counts(database) == before


def test_member_already_in_active_archive(database, clerk):
    register.create_household(database, clerk, draft(members=[{"name": "李四", "relation": "1",
                                                               "id_number": SPOUSE_ID}]), today=TODAY)
    # the spouse applies as a head herself
    with pytest.raises(DuplicatePersonError) as info:
        register.create_household(database, clerk, draft("李四", SPOUSE_ID), today=TODAY)
    assert "530122202500001" in str(info.value) and "家庭成员" in str(info.value)
    # the head appears as a member of another household
    with pytest.raises(DuplicatePersonError) as info:
        register.create_household(database, clerk, draft("王五", person(501), members=[
            {"name": "张三", "relation": "6", "id_number": HEAD_ID}]), today=TODAY)
    assert info.value.other_archive_no == "530122202500001"


@pytest.mark.parametrize("closing", ["exited", "cancelled"])
def test_person_allowed_again_once_archive_closed(database, clerk, admin, closing, make_active):
    first = register.create_household(database, clerk, draft(members=[{"name": "李四", "relation": "1",
                                                                       "id_number": SPOUSE_ID}]), today=TODAY)
    if closing == "exited":
        make_active(first)
        register.set_status(database, admin, first, "exited")
    else:
        register.set_status(database, admin, first, "cancelled", reason="transferred")
    second = register.create_household(database, clerk, draft("李四", SPOUSE_ID, members=[
        {"name": "张三", "relation": "1", "id_number": HEAD_ID}]), today=TODAY)
    assert household(database, second)["archive_no"] == "530122202500002"


def test_update_into_a_duplicate_is_refused(database, clerk):
    register.create_household(database, clerk, draft(), today=TODAY)
    other = register.create_household(database, clerk, draft("王五", person(501)), today=TODAY)
    with pytest.raises(DuplicatePersonError):
        register.update_household(database, clerk, other, draft("王五", person(501), members=[
            {"name": "张三", "relation": "6", "id_number": HEAD_ID}]), today=TODAY)
    assert household(database, other)["members"] == []
    # updating a household with its own people is fine (it does not collide with itself)
    register.update_household(database, clerk, other, draft("王五", person(501), phone="13900000000"), today=TODAY)
    assert household(database, other)["phone"] == "13900000000"


# ---------------------------------------------------------------- the lifecycle

STATUSES = ["applying", "visiting", "publicity", "pending", "active", "exited", "cancelled"]
LABELS = dict(codes.DEFAULT_LISTS["status"][1])


def test_normal_lifecycle(database, clerk, reviewer, admin):
    # the in-process statuses are driven by the 新建档 application (core.workflow)
    from helpdesk_gui.core.workflow import approval
    from helpdesk_gui.core.workflow import steps as workflow
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    app = workflow.file_application(database, clerk, hid, "new_archive", today=TODAY)
    for material in ("1", "2", "3", "4", "10"):
        workflow.add_material(database, clerk, app, material, today=TODAY)
    workflow.record_visit(database, reviewer, app, TODAY, "李审核", "属实", today=TODAY)
    workflow.request_civil_check(database, reviewer, app, today=TODAY)
    workflow.answer_civil_check(database, reviewer, app, "pass", today=TODAY)
    workflow.evaluate(database, reviewer, app, "同意公示", category="2", today=TODAY)
    workflow.close_publicity(database, clerk, app, today=TODAY + dt.timedelta(days=7))
    approver = auth.get_actor(database, "approver")
    approval.approve(database, approver, app, "同意建档", today=TODAY + dt.timedelta(days=7))
    register.set_status(database, admin, hid, "exited", on=dt.date(2025, 12, 31))
    h = household(database, hid)
    assert h["status"] == "exited" and h["exit_date"] == "2025-12-31"
    assert [(s["from_status"], s["to_status"]) for s in h["history"]] == [
        (None, "applying"), ("applying", "visiting"), ("visiting", "publicity"), ("publicity", "pending"),
        ("pending", "active"), ("active", "exited")]
    assert [s["by_user"] for s in h["history"]] == ["clerk", "clerk", "reviewer", "clerk", "approver", "admin"]
    status_audit = rows(database, "SELECT before, after FROM audit_log WHERE action = 'status' ORDER BY id")
    assert len(status_audit) == 5
    assert json.loads(status_audit[3]["after"])["note"] == "同意建档"
    # 返困 reopens it
    register.set_status(database, admin, hid, "applying", note="返困")
    h = household(database, hid)
    assert h["status"] == "applying" and h["exit_date"] is None and h["exit_reason"] is None


def test_every_transition_follows_the_table(database, admin):
    hid = register.create_household(database, admin, draft(), today=TODAY)
    for frm in STATUSES:
        for to in STATUSES:
            if to == "active":
                continue  # only through an approved 新建档 application: test_active_only_through_an_approval
            database.execute("UPDATE households SET status = ? WHERE id = ?", [frm, hid])
            if to in register.TRANSITIONS[frm]:
                register.set_status(database, admin, hid, to, reason="retired" if to == "cancelled" else None)
                assert scalar(database, "SELECT status FROM households WHERE id = ?", [hid]) == to
            else:
                history = scalar(database, "SELECT count(*) FROM status_history")
                with pytest.raises(StateError) as info:
                    register.set_status(database, admin, hid, to, reason="retired")
                assert f"当前为“{LABELS[frm]}”" in str(info.value)
                assert f"不能改为“{LABELS[to]}”" in str(info.value)
                assert "530122202500001" in str(info.value)
                assert scalar(database, "SELECT status FROM households WHERE id = ?", [hid]) == frm
                assert scalar(database, "SELECT count(*) FROM status_history") == history


def test_active_only_through_an_approval(database, clerk, reviewer, admin):
    """在档 is never set by hand, not even by the admin: only an approved 新建档 application does it."""
    approver = auth.get_actor(database, "approver")
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    for s in ("visiting", "publicity", "pending"):
        register.set_status(database, reviewer, hid, s)
    for who in (clerk, reviewer, approver, admin):
        with pytest.raises(StateError) as info:
            register.set_status(database, who, hid, "active")
        assert "只能经新建档申请审批后进入“在档”" in str(info.value)
        with pytest.raises(StateError):
            register.set_status(database, who, hid, "active", application_id=12345)
    assert household(database, hid)["status"] == "pending"


def test_open_application_drives_the_archive(database, clerk, reviewer, admin):
    from helpdesk_gui.core.workflow import steps as workflow
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    app = workflow.file_application(database, clerk, hid, "new_archive", today=TODAY)
    assert household(database, hid)["status"] == "visiting"
    for to in ("publicity", "applying", "cancelled"):
        with pytest.raises(StateError) as info:
            register.set_status(database, admin, hid, to, reason="ineligible")
        assert "有办理中的新建档申请" in str(info.value) and "撤回" in str(info.value)
    workflow.withdraw(database, clerk, app, "申请人放弃", today=TODAY)
    assert household(database, hid)["status"] == "applying"
    register.set_status(database, admin, hid, "cancelled", reason="ineligible")


def test_cancel_requires_an_exit_reason(database, clerk, admin):
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    for reason in (None, "", "搬家了"):
        with pytest.raises(ValidationError) as info:
            register.set_status(database, admin, hid, "cancelled", reason=reason)
        assert "注销原因" in str(info.value)
        assert household(database, hid)["status"] == "applying"
    register.set_status(database, admin, hid, "cancelled", reason="deceased", on=dt.date(2025, 4, 1))
    h = household(database, hid)
    assert (h["status"], h["exit_reason"], h["exit_date"]) == ("cancelled", "deceased", "2025-04-01")
    assert h["history"][-1]["reason"] == "deceased"


def test_return_to_hardship_rechecks_uniqueness(database, clerk, admin, make_active):
    first = register.create_household(database, clerk, draft(members=[{"name": "李四", "relation": "1",
                                                                       "id_number": SPOUSE_ID}]), today=TODAY)
    make_active(first)
    register.set_status(database, admin, first, "exited")
    # meanwhile the spouse got her own active archive
    register.create_household(database, clerk, draft("李四", SPOUSE_ID), today=TODAY)
    with pytest.raises(DuplicatePersonError) as info:
        register.set_status(database, admin, first, "applying")
    assert info.value.other_archive_no == "530122202500002"
    assert household(database, first)["status"] == "exited"


def test_closed_archives_cannot_be_updated(database, clerk, admin):
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    register.set_status(database, admin, hid, "cancelled", reason="fraud")
    audit_rows = scalar(database, "SELECT count(*) FROM audit_log")
    with pytest.raises(StateError) as info:
        register.update_household(database, clerk, hid, draft(phone="13900000000"), today=TODAY)
    assert "530122202500001" in str(info.value) and "注销" in str(info.value) and "不能修改" in str(info.value)
    assert household(database, hid)["phone"] == "13812345678"
    assert scalar(database, "SELECT count(*) FROM audit_log") == audit_rows


# ---------------------------------------------------------------- permissions

def test_finance_cannot_edit_the_register(database, clerk):
    finance = auth.get_actor(database, "finance")
    before = counts(database)
    with pytest.raises(PermissionDenied) as info:
        register.create_household(database, finance, draft(), today=TODAY)
    assert "录入或修改档案" in str(info.value)
    assert counts(database) == before
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    with pytest.raises(PermissionDenied):
        register.update_household(database, finance, hid, draft(phone="13900000000"), today=TODAY)
    with pytest.raises(PermissionDenied, match="变更档案状态"):
        register.set_status(database, finance, hid, "visiting")
    with pytest.raises(PermissionDenied):
        register.add_attachment(database, finance, hid, "1", "申请书")
    h = household(database, hid)
    assert h["phone"] == "13812345678" and h["status"] == "applying" and h["attachments"] == []


def test_approver_changes_status_but_does_not_edit(database, clerk):
    approver = auth.get_actor(database, "approver")
    with pytest.raises(PermissionDenied):
        register.create_household(database, approver, draft(), today=TODAY)
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    register.set_status(database, approver, hid, "visiting")
    assert household(database, hid)["status"] == "visiting"


# ---------------------------------------------------------------- updating

def test_update_records_a_diff(database, clerk, reviewer):
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    d = draft_from(household(database, hid))
    d.fields["phone"] = "13900001111"
    d.fields["address"] = "城关镇建设路小区3号"
    d.fields["category"] = "深度困难"
    d.members = d.members[:1]
    register.update_household(database, reviewer, hid, d, today=TODAY)
    h = household(database, hid)
    assert h["phone"] == "13900001111" and h["phone_rev"] == "11110000931"
    assert h["category"] == "1"
    assert [m["name"] for m in h["members"]] == ["李四"]
    assert h["family_size"] == 2
    # (1,900,000 − 900,000) ÷ 2 ÷ 12 = 41,666.67 → 41,667
    assert h["per_capita_month_fen"] == 41_667
    a = row(database, "SELECT * FROM audit_log WHERE action = 'update'")
    assert (a["username"], a["entity_id"]) == ("reviewer", "530122202500001")
    before, after = json.loads(a["before"]), json.loads(a["after"])
    assert set(after) == {"phone", "address", "category", "family_size", "per_capita_month_fen",
                          "income_test_month_fen"}
    assert (before["income_test_month_fen"], after["income_test_month_fen"]) == (27_778, 41_667)  # no credit here
    # the append-only trail keeps personal numbers masked only (it outlives the archive's retention purge)
    assert before["phone"] == "138****5678" and after["phone"] == "139****1111"
    assert before["address"] == "城关镇人民路社区12号" and after["address"] == "城关镇建设路小区3号"
    assert before["category"] is None and after["category"] == "1"
    assert (before["family_size"], after["family_size"]) == (3, 2)
    assert h["updated_at"] >= h["created_at"]
    assert h["archive_no"] == "530122202500001" and h["status"] == "applying"


def test_update_without_changes_records_an_empty_diff(database, clerk):
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    register.update_household(database, clerk, hid, draft_from(household(database, hid)), today=TODAY)
    a = row(database, "SELECT before, after FROM audit_log WHERE action = 'update'")
    assert json.loads(a["before"]) == {} and json.loads(a["after"]) == {}


def test_update_keeps_required_columns_when_cleared(database, clerk):
    hid = register.create_household(database, clerk, draft(archive_type="困难农民工"), today=TODAY)
    assert household(database, hid)["archive_type"] == "2"
    register.update_household(database, clerk, hid, draft(archive_type="", created_date=""), today=TODAY)
    h = household(database, hid)
    assert h["archive_type"] == "2" and h["created_date"] == "2025-03-10"


def test_create_with_empty_archive_type_defaults(database, clerk):
    hid = register.create_household(database, clerk, draft(archive_type=""), today=TODAY)
    assert household(database, hid)["archive_type"] == "1"


def test_update_failure_changes_nothing(database, clerk):
    hid = register.create_household(database, clerk, full_draft(), today=TODAY)
    snapshot = household(database, hid)
    with pytest.raises(ValidationErrors):
        register.update_household(database, clerk, hid, draft(phone="1"), today=TODAY)
    assert household(database, hid) == snapshot


# ---------------------------------------------------------------- suggestion

@pytest.mark.parametrize(("income", "rigid", "size", "per_capita", "suggested"), [
    (0, 0, 1, 0, "1"),
    (8_400_00 - 12, 0, 1, 69_999, "1"),          # just below the 700-yuan line
    (8_400_00, 0, 1, 70_000, "2"),               # on the line: no longer 深度困难
    (16_800_00 - 12, 0, 1, 139_999, "2"),
    (16_800_00, 0, 1, 140_000, None),            # 2 × 低保: not eligible
    (5_000_000, 1_000_000, 2, 166_667, None),
])
def test_category_suggested(database, clerk, income, rigid, size, per_capita, suggested):
    members = [{"name": f"成员{i}", "relation": "其他"} for i in range(size - 1)]
    hid = register.create_household(database, clerk, draft(
        members=members, income=[{"kind": "wages", "amount_fen": income}],
        expenses=[{"kind": "housing", "amount_fen": rigid}] if rigid else []), today=TODAY)
    h = household(database, hid)
    assert (h["per_capita_month_fen"], h["category_suggested"], h["family_size"]) == (per_capita, suggested, size)


def test_exclusion_blocks_the_suggestion(database, clerk):
    hid = register.create_household(database, clerk, draft(
        income=[{"kind": "wages", "amount_fen": 100_000}],
        exclusions=[{"kind": "vehicle", "evidence": "车管所查询"}]), today=TODAY)
    h = household(database, hid)
    assert h["category_suggested"] is None
    assert [(e["kind"], e["evidence"]) for e in h["exclusions"]] == [("vehicle", "车管所查询")]


def test_totals_without_items_come_from_the_fields(database, clerk):
    hid = register.create_household(database, clerk, draft(annual_income_fen=2_400_000, rigid_expense_fen=0,
                                                           family_size=4), today=TODAY)
    h = household(database, hid)
    assert (h["family_size"], h["annual_income_fen"], h["per_capita_month_fen"]) == (4, 2_400_000, 50_000)
    assert h["category_suggested"] == "1"


def test_attachment_and_lookups(database, clerk):
    hid = register.create_household(database, clerk, draft(), today=TODAY)
    with pytest.raises(ValidationError, match="材料类型"):
        register.add_attachment(database, clerk, hid, "99", "x")
    register.add_attachment(database, clerk, hid, "1", "申请书", "scan.pdf", "ab" * 32)
    h = household(database, hid)
    assert [(a["material_type"], a["title"], a["added_by"]) for a in h["attachments"]] == [("1", "申请书", "clerk")]
    assert register.household_id_by_archive(database, "530122202500001") == hid
    assert register.household_id_by_archive(database, "530122202500001", COUNTY) == hid
    assert register.townships(database) == ["城关镇"]
    assert register.count_by(database, "status") == {"applying": 1}
    assert register.find_active_person(database, HEAD_ID) == ("530122202500001", "户主")
    assert register.find_active_person(database, HEAD_ID, exclude_household=hid) is None


def test_the_windows_reads_of_one_household(database, clerk, admin):
    """What the editor's tabs, the loan dialog and the 评议 step read (core.register.lookup)."""
    from helpdesk_gui.core.admin import centre
    from helpdesk_gui.core.register import lookup

    emp = register.get_or_create_employer(database, "金马纺织厂", nature="2", condition="3")
    hid = register.create_household(database, clerk, draft(employer_id=emp), today=TODAY)
    other = register.create_household(database, clerk, draft("王五", person(301)), today=TODAY)
    assert lookup.attachments_of(database, hid) == []
    register.add_attachment(database, clerk, hid, "1", "申请书", "scan.pdf", "ab" * 32)
    register.add_attachment(database, clerk, hid, "2", "身份证", "id.jpg", "cd" * 32)
    assert [a["title"] for a in lookup.attachments_of(database, hid)] == ["申请书", "身份证"]
    assert lookup.attachments_of(database, other) == []
    for no, day, fen, owner in (("R1", "2025-01-05", 50_000, hid), ("R2", "2025-02-05", 80_000, hid),
                                ("R3", "2025-03-01", 10_000, other)):
        database.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                         "amount_fen, paid_date, method, created_at) VALUES (?, ?, ?, '1', '5', ?, ?, '1', ?)",
                         [COUNTY, no, owner, fen, day, day])
    assert [(r["record_no"], r["amount_fen"]) for r in lookup.assistance_of(database, hid)] == [("R2", 80_000),
                                                                                                   ("R1", 50_000)]
    archive_no = household(database, hid)["archive_no"]
    changes = lookup.changes_of(database, archive_no)
    assert [c["action"] for c in changes] == ["attach", "attach", "create"]
    assert changes[0]["username"] == "clerk" and json.loads(changes[0]["after"])["title"] == "身份证"
    assert changes == audit.trail(database, "household", archive_no)
    assert lookup.name_and_number(database, hid) == ("张三", archive_no)
    with pytest.raises(NotFoundError):
        lookup.name_and_number(database, 9999)
    assert lookup.category_or_suggested(database, hid) == household(database, hid)["category_suggested"]
    database.execute("UPDATE households SET category = '2' WHERE id = ?", [hid])
    assert lookup.category_or_suggested(database, hid) == "2"
    register.get_or_create_employer(database, "城关供销社")
    assert lookup.employer_names(database) == ["城关供销社", "金马纺织厂"]
    assert lookup.employer_names(database, limit=1) == ["城关供销社"]
    found = lookup.employer_by_name(database, " 金马纺织厂 ")
    assert found is not None and (found["id"], found["nature"], found["condition"]) == (emp, "2", "3")
    assert lookup.employer_by_name(database, "没有这家") is None
    assert centre.org_units(database) == [(int(r["id"]), r["name"]) for r in rows(
        database, "SELECT id, name FROM org_units WHERE active = 1 ORDER BY id")]
    assert centre.org_units(database), "initialisation makes the county's own unit"


@given(name=st.text(alphabet="张王李赵单曾解欧阳司马小明红军", min_size=1, max_size=5))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_names_round_trip_with_pinyin(database, clerk, name):
    database.execute("DELETE FROM households")
    hid = register.create_household(database, clerk, draft(name), today=TODAY)
    h = household(database, hid)
    assert h["name"] == name
    assert h["name_pinyin"] and h["name_pinyin"].isascii() and h["name_pinyin"].islower()
    assert len(h["name_initials"]) <= len(h["name"])


def test_full_width_digits_are_normalised(database, clerk):
    """IMEs type full-width digits; they are stored as ASCII so search by phone finds them."""
    from helpdesk_gui.core.register import search

    hid = register.create_household(database, clerk, draft(phone="１３８ ００１１ ２２３３",
                                                           bank_account="６２２８ ４８０１ ２３４５ ６７８９"),
                                    today=TODAY)
    h = household(database, hid)
    assert (h["phone"], h["phone_rev"]) == ("13800112233", "33221100831")
    assert h["bank_account"] == "6228480123456789"
    assert search.search_ids(database, "138001") == [hid]
    assert search.search_ids(database, "2233") == [hid]


@pytest.mark.parametrize(("fields", "needle"), [
    ({"phone": "٠١٢٣٤٥٦٧"}, "手机号码"),            # Arabic-Indic digits are not a Chinese phone number
    ({"bank_account": "٦٢٢٨٤٨٠١٢٣٤٥٦٧٨٩"}, "银行账号"),
])
def test_non_ascii_digits_refused(database, clerk, fields, needle):
    assert needle in _errors_of(database, clerk, draft(**fields))


def test_update_without_a_field_keeps_it(database, clerk):
    hid = register.create_household(database, clerk, draft(bank_name="中国农业银行", bank_account="6228480123456789"),
                                    today=TODAY)
    partial = HouseholdDraft(fields={"name": "张三", "id_number": HEAD_ID, "remarks": "已电话核实"})
    register.update_household(database, clerk, hid, partial, today=TODAY)
    h = household(database, hid)
    assert h["remarks"] == "已电话核实"
    assert (h["bank_name"], h["bank_account"], h["phone"], h["address"]) == (
        "中国农业银行", "6228480123456789", "13812345678", "城关镇人民路社区12号")
    assert (h["cause_main"], h["causes_secondary"]) == ("3", "6,9")


def test_archive_serials_run_out(database, clerk):
    database.execute("INSERT INTO archive_serials (prefix, last_serial) VALUES ('5301222025', 99999)")
    before = counts(database)
    with pytest.raises(StateError, match="档案编号已用完"):
        register.create_household(database, clerk, draft(), today=TODAY)
    assert counts(database) == before


def test_bulk_insert_fills_the_address_index_and_restores_its_trigger(database, clerk):
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.core.register import search
    demo.generate(database, auth.SYSTEM, 60, seed=11)
    indexed = database.execute("SELECT count(*) FROM households_fts").fetchone()[0]
    assert indexed == database.execute("SELECT count(*) FROM households").fetchone()[0] == 60
    hid = register.create_household(database, clerk, HouseholdDraft(fields={
        "name": "测试人", "id_number": ids.make(COUNTY, dt.date(1980, 2, 3), 77), "cause_main": "3",
        "address": "石门乡青龙村委会八组"}))
    assert hid in search.search_ids(database, "青龙村委")
