"""Batch import (format 1.0): every rule of EXCHANGE_FORMAT.md "Import rules", on small workbooks."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.db import on_server, rows, scalar
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import importer, spec
from helpdesk_gui.exchange.importer import ALREADY, IMPORTED, REJECTED, UNCONFIRMED

from .conftest import BOTH_ENGINES, CITY, COUNTY, TODAY, household, member, person, record, table

A1, A2, A3 = "530122202400001", "530122202400002", "530122202400003"
ID1, ID2, ID3 = person("1975-05-06", 11), person("1980-02-03", 22), person("1968-12-30", 35)
SPOUSE, CHILD = person("1977-08-09", 44), person("2005-01-02", 51)


def run(db, actor, path, **kw):
    return importer.import_batch(db, actor, path, today=TODAY, **kw)


def basic(builder, **kw):
    return builder.write({
        spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1), household(A2, "李梅", ID2)]),
        spec.MEMBERS: table(spec.MEMBERS, [member(A1, "王芳", "配偶", SPOUSE), member(A1, "张小明", "子女", CHILD,
                                                                                  人员身份="大学生", 月收入="")]),
        spec.RECORDS: table(spec.RECORDS, [record("530122P0001", A1), record("530122P0002", A2, 金额="800.5")]),
    }, **kw)


def hh(db, archive, sender=COUNTY):
    return rows(db, "SELECT * FROM households WHERE sender_code = ? AND archive_no = ?", [sender, archive])[0]


@BOTH_ENGINES
def test_import_writes_households_members_records(city, city_clerk, builder):
    out = run(city, city_clerk, basic(builder))
    assert out.status == IMPORTED and out.exit_code == 0
    h = hh(city, A1)
    assert (h["name"], h["gender"], h["ethnicity"], h["id_number"], h["birth_date"]) == ("张三", "1", "01", ID1, "1975-05-06")
    assert (h["status"], h["category"], h["cause_main"], h["causes_secondary"]) == ("active", "1", "3", "6,9")
    assert (h["annual_income_fen"], h["rigid_expense_fen"], h["per_capita_month_fen"], h["family_size"]) == (
        3_600_000, 600_000, 83_333, 3)
    assert (h["name_pinyin"], h["name_initials"], h["id_rev"], h["phone_rev"]) == (
        "zhangsan", "zs", ID1[::-1], "87654321831")
    assert h["updated_at"] == "2026-10-01T09:00:00+08:00" and h["is_migrant"] == 0
    assert scalar(city, "SELECT name FROM employers WHERE id = ?", [h["employer_id"]]) == "金马纺织厂"
    members = rows(city, "SELECT * FROM members WHERE household_id = ? ORDER BY ord", [h["id"]])
    assert [(m["name"], m["relation"], m["identity"], m["gender"]) for m in members] == [
        ("王芳", "1", "1", "2"), ("张小明", "2", "21", "1")]
    assert members[1]["birth_date"] == "2005-01-02" and members[1]["monthly_income_fen"] == 0
    recs = rows(city, "SELECT * FROM assistance_records ORDER BY record_no")
    assert [(r["sender_code"], r["record_no"], r["amount_fen"], r["origin"]) for r in recs] == [
        (COUNTY, "530122P0001", 150_000, "batch"), (COUNTY, "530122P0002", 80_050, "batch")]
    # the address index knows the new households (on a server PostgreSQL keeps its own, pg_trgm's)
    if not on_server(city):
        assert scalar(city, "SELECT count(*) FROM households_fts WHERE households_fts MATCH '人民路'") == 2
    line = exchange_state.history(city)[0]
    assert (line["direction"], line["counterpart_code"], line["result"]) == ("in", COUNTY, "imported")
    assert line["rows"] == {spec.HOUSEHOLDS: 2, spec.MEMBERS: 2, spec.RECORDS: 2}
    assert exchange_state.counterpart(city, COUNTY)["last_received_batch"] == line["batch_id"]


@BOTH_ENGINES
def test_reimport_changes_nothing_and_says_when(city, city_clerk, builder):
    path = basic(builder)
    assert run(city, city_clerk, path).status == IMPORTED
    before = scalar(city, "SELECT count(*) FROM audit_log")
    again = run(city, city_clerk, path)
    assert again.status == ALREADY and again.exit_code == 0
    assert "已于" in again.message() and "导入过" in again.message()
    assert scalar(city, "SELECT count(*) FROM households") == 2
    assert scalar(city, "SELECT count(*) FROM audit_log") == before


def test_dry_run_writes_nothing(city, city_clerk, builder):
    out = run(city, city_clerk, basic(builder), dry_run=True)
    assert out.status == "dry_run" and out.exit_code == 0 and "可以导入" in out.message()
    assert scalar(city, "SELECT count(*) FROM households") == 0
    assert scalar(city, "SELECT count(*) FROM exchange_batches") == 0


def test_any_error_rejects_the_whole_batch(city, city_clerk, builder):
    bad = household(A2, "李梅", ID2, 家庭人口="三")
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1), bad])})
    out = run(city, city_clerk, path)
    assert out.status == REJECTED and out.exit_code == 1
    assert scalar(city, "SELECT count(*) FROM households") == 0
    [p] = out.analysis.problems.of_level("error")
    assert (p.sheet, p.row, p.column, p.value) == (spec.HOUSEHOLDS, 3, "家庭人口", "三")
    assert "整数" in p.reason
    assert exchange_state.history(city)[0]["result"] == "rejected"


def test_a_failure_while_writing_leaves_nothing(city, city_clerk, builder, monkeypatch):
    from helpdesk_gui.core.sync import apply as exchange_apply

    def boom(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(exchange_apply, "write_members", boom)
    tables = ("households", "members", "assistance_records", "exchange_batches", "audit_log", "employers")
    before = {t: scalar(city, f"SELECT count(*) FROM {t}") for t in tables}
    with pytest.raises(RuntimeError):
        run(city, city_clerk, basic(builder))
    assert {t: scalar(city, f"SELECT count(*) FROM {t}") for t in tables} == before
    assert scalar(city, "SELECT count(*) FROM sqlite_master WHERE name = 'households_fts_ai'") == 1


def test_cell_rules_report_sheet_row_column_value(city, city_clerk, builder):
    rows_ = [
        household(A1, "张三", ID1, 出生日期="1975-05-07"),                     # birth date disagrees with the ID
        household(A2, "李梅", ID2[:-1] + ("0" if ID2[-1] != "0" else "1")),    # check digit wrong
        household(A3, "赵六", ID3, 性别="女", 家庭月人均收入="900.00", 困难类别="低保户", 建档日期="2024/03/01",
                  家庭年收入="1.234"),
    ]
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, rows_)}))
    found = {(p.row, p.column): p.reason for p in out.analysis.problems.of_level("error")}
    assert "出生日期" in found[(2, "出生日期")] and "1975-05-06" in found[(2, "出生日期")]
    assert "校验位" in found[(3, "公民身份号码")]
    assert "第 17 位" in found[(4, "性别")]
    assert "可选" in found[(4, "困难类别")] and "深度困难" in found[(4, "困难类别")]   # legacy labels are not a batch's
    assert "YYYY-MM-DD" in found[(4, "建档日期")]
    assert "两位小数" in found[(4, "家庭年收入")]
    assert out.status == REJECTED


def test_per_capita_must_match_the_formula(city, city_clerk, builder):
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1, 家庭月人均收入="833.35")])})
    [p] = run(city, city_clerk, path).analysis.problems.of_level("error")
    assert p.column == "家庭月人均收入" and "833.33" in p.reason
    ok = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1, 家庭月人均收入="833.34")])})
    assert run(city, city_clerk, ok).status == IMPORTED      # within 0.01


def test_money_and_lower_case_x_are_normalised(city, city_clerk, builder):
    idx = next(person("1970-01-01", s) for s in range(1, 999, 2) if person("1970-01-01", s).endswith("X"))
    row = household(A1, "张三", idx.lower(), 家庭年收入="36,000.00元", 刚性支出=6000, 家庭月人均收入=833.33)
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [row])}))
    assert out.status == IMPORTED, out.analysis.problems.items
    h = hh(city, A1)
    assert h["id_number"] == idx and h["annual_income_fen"] == 3_600_000 and h["rigid_expense_fen"] == 600_000


def test_id_that_arrived_as_a_number_is_rejected_never_guessed(city, city_clerk, builder):
    row = household(A1, "张三", ID1)
    row["公民身份号码"] = int(ID1) if ID1[-1] != "X" else 530122197505060000
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [row])}))
    [p] = out.analysis.problems.of_level("error")
    assert p.column == "公民身份号码" and "15 位" in p.reason and "不会猜测" in p.reason
    assert scalar(city, "SELECT count(*) FROM households") == 0


def test_missing_required_column_rejects_unknown_column_warns(city, city_clerk, builder):
    labels = [x for x in spec.SHEET_BY_NAME[spec.HOUSEHOLDS].labels if x != "困难类别"] + ["备注说明"]
    row = {**household(A1, "张三", ID1), "备注说明": "x"}
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [row], labels)}))
    errors = out.analysis.problems.of_level("error")
    assert any(p.column == "困难类别" and "缺少必填列" in p.reason for p in errors)
    assert any(p.column == "备注说明" and p.level == "warning" for p in out.analysis.problems.items)
    assert out.status == REJECTED


def test_headers_tolerate_spaces_and_star_and_order(city, city_clerk, builder):
    labels = list(reversed(spec.SHEET_BY_NAME[spec.HOUSEHOLDS].labels))
    data = table(spec.HOUSEHOLDS, [household(A1, "张三", ID1)], labels)
    data[0] = [f" {x}* " if i % 2 else x for i, x in enumerate(data[0])]
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: data}))
    assert out.status == IMPORTED, out.analysis.problems.items


def test_row_counts_must_match_the_manifest(city, city_clerk, builder):
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1)])},
                         manifest={f"{spec.K_ROWS}{spec.HOUSEHOLDS}": "2"})
    out = run(city, city_clerk, path)
    assert any("行数" in p.column and "1 行" in p.reason for p in out.analysis.problems.of_level("error"))


def test_receiver_must_be_us(city, city_clerk, builder):
    out = run(city, city_clerk, basic(builder, receiver="530200"))
    assert any(p.column == spec.K_RECEIVER for p in out.analysis.problems.of_level("error"))


def test_hand_edited_batch_needs_confirmation(city, city_clerk, builder):
    path = basic(builder, checksum="0" * 64)
    out = run(city, city_clerk, path)
    assert out.status == UNCONFIRMED and out.exit_code == 1
    assert scalar(city, "SELECT count(*) FROM households") == 0
    assert "被修改过" in out.analysis.problems.of_level("confirm")[0].reason
    out = run(city, city_clerk, path, accept_unsigned=True)
    assert out.status == IMPORTED
    line = exchange_state.history(city)[0]
    assert line["signed"] == 0 and line["summary"]["accepted_unsigned"] is True


def test_signature_checked_with_the_shared_key(city, city_clerk, builder):
    key = b"a shared secret of the two unions"
    good = basic(builder, key=key)
    out = run(city, city_clerk, good, key=key)
    assert out.status == IMPORTED and out.analysis.batch.signature == "ok"
    forged = basic(builder, key=b"another key entirely!!")
    out = run(city, city_clerk, forged, key=key)
    assert out.status == UNCONFIRMED and "签名不符" in out.analysis.problems.of_level("confirm")[0].reason


@BOTH_ENGINES
def test_newer_updates_older_skipped_and_members_replaced(city, city_clerk, builder):
    run(city, city_clerk, basic(builder))
    newer = household(A1, "张三", ID1, 家庭住址="新地址 8 号", 最后修改时间="2026-11-05T09:00:00+08:00")
    older = household(A2, "李梅", ID2, 家庭住址="旧地址", 最后修改时间="2026-01-01T09:00:00+08:00")
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [newer, older]),
                          spec.MEMBERS: table(spec.MEMBERS, [member(A1, "王芳", "配偶", SPOUSE),
                                                             member(A2, "李小红", "子女", "")])})
    out = run(city, city_clerk, path)
    assert out.status == IMPORTED and out.exit_code == 0
    assert hh(city, A1)["address"] == "新地址 8 号"
    assert hh(city, A2)["address"] == "城关镇人民路 12 号"
    assert [o[1] for o in out.analysis.plan.older] == ["2026-01-01T09:00:00+08:00"]
    assert any("已跳过" in p.reason and p.row == 3 for p in out.analysis.problems.of_level("warning"))
    # A1's members are exactly the batch's; A2 (skipped) keeps none added
    names = [r[0] for r in city.execute("SELECT m.name FROM members m JOIN households h ON h.id = m.household_id "
                                        "WHERE h.archive_no = ? ORDER BY m.ord", [A1])]
    assert names == ["王芳"]
    assert scalar(city, "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
                        "WHERE h.archive_no = ?", [A2]) == 0


def test_fine_local_status_is_kept_for_applying(city, city_clerk, builder):
    run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1,
                                                                                             档案状态="申请中")])}))
    city.execute("UPDATE households SET status = 'publicity'")
    city.execute("UPDATE exchange_sync SET remote_updated_at = (SELECT updated_at FROM households)")
    later = household(A1, "张三", ID1, 档案状态="申请中", 联系电话="13900000000",
                      最后修改时间="2026-11-05T09:00:00+08:00")
    run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [later])}))
    h = hh(city, A1)
    assert h["phone"] == "13900000000" and h["status"] == "publicity"


@BOTH_ENGINES
def test_changed_on_both_sides_is_held_as_a_conflict(city, city_clerk, builder):
    from helpdesk_gui.core.sync import conflicts as exchange_conflicts
    run(city, city_clerk, basic(builder))
    # a clerk at the city corrects the address locally
    city.execute("UPDATE households SET address = '市里改的地址', updated_at = '2026-11-02T10:00:00+08:00' "
                 "WHERE archive_no = ?", [A1])
    changed = household(A1, "张三", ID1, 家庭住址="县里改的地址", 最后修改时间="2026-11-03T09:00:00+08:00")
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [changed, household(A2, "李梅", ID2)]),
                          spec.MEMBERS: table(spec.MEMBERS, [member(A1, "新成员", "父母", "")])})
    out = run(city, city_clerk, path)
    assert out.status == IMPORTED and out.exit_code == 0
    assert hh(city, A1)["address"] == "市里改的地址"          # held, not applied
    [c] = exchange_state.open_conflicts(city)
    assert (c["kind"], c["key"], c["sender_code"]) == ("household", A1, COUNTY)
    assert c["incoming"]["values"]["address"] == "县里改的地址" and c["local"]["values"]["address"] == "市里改的地址"
    assert [m[0] for m in c["incoming"]["members"]] == ["新成员"]
    # members of a held household are ignored
    assert scalar(city, "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
                        "WHERE h.archive_no = ?", [A1]) == 2
    # take theirs: the batch's version with its members
    exchange_conflicts.resolve_conflict(city, city_clerk, c["id"], "theirs")
    h = hh(city, A1)
    assert h["address"] == "县里改的地址" and h["updated_at"] == "2026-11-03T09:00:00+08:00"
    assert [r[0] for r in city.execute("SELECT name FROM members WHERE household_id = ?", [h["id"]])] == ["新成员"]
    assert exchange_state.open_conflicts(city) == []
    assert scalar(city, "SELECT status FROM exchange_conflicts") == "theirs"


@BOTH_ENGINES
def test_conflict_keep_ours_and_edit(city, city_clerk, builder):
    from helpdesk_gui.core.sync import conflicts as exchange_conflicts
    run(city, city_clerk, basic(builder))
    city.execute("UPDATE households SET address = '市里', phone = '13000000000', updated_at = '2026-11-02T10:00:00+08:00'")
    v2 = [household(A1, "张三", ID1, 家庭住址="县里", 最后修改时间="2026-11-03T09:00:00+08:00"),
          household(A2, "李梅", ID2, 家庭住址="县里2", 最后修改时间="2026-11-03T09:00:00+08:00")]
    run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, v2)}))
    c1, c2 = exchange_state.open_conflicts(city)
    exchange_conflicts.resolve_conflict(city, city_clerk, c1["id"], "ours")
    assert hh(city, A1)["address"] == "市里"
    merged = dict(c2["incoming"]["values"], phone="13000000000")     # their address, our phone
    exchange_conflicts.resolve_conflict(city, city_clerk, c2["id"], "edited", merged)
    h2 = hh(city, A2)
    assert (h2["address"], h2["phone"]) == ("县里2", "13000000000")
    # the same version again is not a new conflict; a newer one is (we still differ from them)
    run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, v2)}))
    assert exchange_state.open_conflicts(city) == []
    v3 = [household(A1, "张三", ID1, 家庭住址="县里3", 最后修改时间="2026-11-04T09:00:00+08:00")]
    run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, v3)}))
    assert [c["key"] for c in exchange_state.open_conflicts(city)] == [A1]


@BOTH_ENGINES
def test_records_identical_skipped_different_held(city, city_clerk, builder):
    run(city, city_clerk, basic(builder))
    path = builder.write({spec.RECORDS: table(spec.RECORDS, [record("530122P0001", A1),
                                                             record("530122P0002", A2, 金额="900.00"),
                                                             record("530122P0003", A2)])})
    out = run(city, city_clerk, path)
    assert out.status == IMPORTED
    assert out.analysis.plan.records_same == 1 and len(out.analysis.plan.records_new) == 1
    assert scalar(city, "SELECT amount_fen FROM assistance_records WHERE record_no = '530122P0002'") == 80_050
    [c] = exchange_state.open_conflicts(city)
    assert (c["kind"], c["key"], c["incoming"]["values"]["amount_fen"]) == ("record", "530122P0002", 90_000)


def test_records_must_reference_a_known_archive(city, city_clerk, builder):
    path = builder.write({spec.RECORDS: table(spec.RECORDS, [record("530122P0009", "530122209900009")])})
    [p] = run(city, city_clerk, path).analysis.problems.of_level("error")
    assert p.column == "档案编号" and "都没有" in p.reason


def test_members_must_reference_the_batch(city, city_clerk, builder):
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1)]),
                          spec.MEMBERS: table(spec.MEMBERS, [member(A2, "王芳", "配偶", SPOUSE)])})
    [p] = run(city, city_clerk, path).analysis.problems.of_level("error")
    assert (p.sheet, p.row, p.column) == (spec.MEMBERS, 2, "档案编号")


def test_same_person_twice_in_the_batch_is_an_error(city, city_clerk, builder):
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1),
                                                                   household(A2, "李梅", ID2)]),
                          spec.MEMBERS: table(spec.MEMBERS, [member(A2, "张三", "配偶", ID1)])})
    [p] = run(city, city_clerk, path).analysis.problems.of_level("error")
    assert (p.sheet, p.column) == (spec.MEMBERS, "公民身份号码") and A1 in p.reason
    # an exited archive is not active: no clash
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1, 档案状态="脱困",
                                                                             脱困日期="2026-01-01"),
                                                                   household(A2, "李梅", ID2)]),
                          spec.MEMBERS: table(spec.MEMBERS, [member(A2, "张三", "配偶", ID1)])})
    assert run(city, city_clerk, path).status == IMPORTED


def test_same_person_in_the_database_is_an_error(database, clerk, builder):
    """A county: a batch from another county holding a person of an active archive here is refused (rule 4)."""
    from helpdesk_gui.core.register import households as register
    register.create_household(database, clerk, HouseholdDraft(fields={"name": "张三", "id_number": ID1,
                                                                      "cause_main": "3"}), today=TODAY)
    other = household("530121202400001", "张三", ID1)
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [other])}, sender="530121", receiver=COUNTY)
    [p] = run(database, clerk, path).analysis.problems.of_level("error")
    assert p.column == "公民身份号码" and "本单位" in p.reason


@BOTH_ENGINES
def test_at_the_city_a_person_in_two_counties_is_listed_not_refused(city, city_clerk, builder):
    """The city holds every county: the second county's archive comes in with a warning and is on the 跨县重复
    list; a second archive of the same county holding the person is still that county's error."""
    from helpdesk_gui.core.city import duplicates
    run(city, city_clerk, basic(builder))
    other = household("530121202400001", "张三", ID1)
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [other])}, sender="530121"))
    assert out.status == IMPORTED
    [w] = [p for p in out.analysis.problems.of_level("warning") if p.column == "公民身份号码"]
    assert A1 in w.reason and COUNTY in w.reason and "跨县重复" in w.reason
    [dup] = duplicates.cross_county(city)
    assert dup.id_number == ID1 and dup.counties == ["530121", COUNTY]
    same_county = household(A3, "张三", ID1)
    [p] = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [same_county])})
              ).analysis.problems.of_level("error")
    assert p.column == "公民身份号码" and A1 in p.reason


def test_cross_county_duplicate_allowed_when_verification_says_so(database, clerk, reviewer, builder):
    """The city tells the county: its archive duplicates one in another county, which stays."""
    from helpdesk_gui.core.register import households as register
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "张三", "id_number": ID1, "cause_main": "3"}), today=TODAY)
    ours = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [hid])
    city_hh = household("530100202400001", "张三", ID1)
    verdict = [{"档案编号": ours, "结果": "跨县重复", "说明": "与 530121202400007 重复，保留 530121202400007"}]
    sheets = {spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [city_hh])}
    path = builder.write(sheets, sender=CITY, receiver=COUNTY)
    assert run(database, clerk, path).status == REJECTED
    path = builder.write({**sheets, spec.VERIFY: table(spec.VERIFY, verdict)}, sender=CITY, receiver=COUNTY)
    out = run(database, clerk, path)
    assert out.status == IMPORTED, out.analysis.problems.items
    [flag] = exchange_state.open_flags(database)
    assert (flag["archive_no"], flag["result"], flag["keep_archive_no"]) == (ours, "3", "530121202400007")


def test_verification_results_flag_archives_for_the_clerk(database, clerk, builder):
    from helpdesk_gui.core.register import households as register
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "张三", "id_number": ID1, "cause_main": "3"}), today=TODAY)
    ours = scalar(database, "SELECT archive_no FROM households WHERE id = ?", [hid])
    verdict = [{"档案编号": ours, "结果": "退回", "说明": "收入证明缺失"},
               {"档案编号": "530122209999999", "结果": "通过"}]
    out = run(database, clerk, builder.write({spec.VERIFY: table(spec.VERIFY, verdict)}, sender=CITY,
                                             receiver=COUNTY))
    [p] = out.analysis.problems.of_level("error")
    assert p.value == "530122209999999" and "没有" in p.reason
    out = run(database, clerk, builder.write({spec.VERIFY: table(spec.VERIFY, verdict[:1])}, sender=CITY,
                                             receiver=COUNTY))
    assert out.status == IMPORTED
    [flag] = exchange_state.open_flags(database)
    assert (flag["household_id"], flag["result"], flag["note"], flag["household_name"]) == (hid, "2", "收入证明缺失", "张三")
    exchange_state.handle_flag(database, clerk, flag["id"], "已补交收入证明")
    assert exchange_state.open_flags(database) == []


def test_policy_parameters_apply_standards_and_keep_allocations(database, clerk, reviewer, builder):
    params = [{"地区代码": COUNTY, "年度": 2027, "低保标准(元/月)": "780", "下拨资金": "120000.00", "资金来源": "上级工会拨付"},
              {"地区代码": COUNTY, "年度": 2027, "低保标准(元/月)": "780", "下拨资金": "30000", "资金来源": "省财政"}]
    path = builder.write({spec.POLICY: table(spec.POLICY, params)}, sender=CITY, receiver=COUNTY)
    out = run(database, clerk, path)
    assert out.status == REJECTED        # a clerk may not change policy standards
    assert "审核人" in out.analysis.problems.of_level("error")[0].reason
    out = run(database, reviewer, path)
    assert out.status == IMPORTED
    assert policy.lookup(database, COUNTY, "2027-03-01").dibao_month_fen == 78_000
    allocations = exchange_state.allocations(database, unposted_only=True)
    assert sorted((a["fund_source"], a["amount_fen"], a["year"]) for a in allocations) == [
        ("2", 3_000_000, 2027), ("4", 12_000_000, 2027)]
    with pytest.raises(Exception, match="不能修改"):
        database.execute("UPDATE exchange_allocations SET amount_fen = 1")
    exchange_state.mark_allocation_posted(database, reviewer, allocations[0]["id"], "2027-收-0001")
    assert len(exchange_state.allocations(database, unposted_only=True)) == 1


def test_fund_summary_must_balance(city, city_clerk, builder):
    funds = [{"资金来源": "本级工会经费", "期初余额": "100", "本期收入": "50", "本期支出": "30", "期末余额": "120"},
             {"资金来源": "社会捐助", "期初余额": "100", "本期收入": "50", "本期支出": "30", "期末余额": "125"}]
    out = run(city, city_clerk, builder.write({spec.FUNDS: table(spec.FUNDS, funds)}))
    [p] = out.analysis.problems.of_level("error")
    assert (p.row, p.column) == (3, "期末余额") and "120.00" in p.reason
    out = run(city, city_clerk, builder.write({spec.FUNDS: table(spec.FUNDS, funds[:1])}))
    assert out.status == IMPORTED
    assert [(r["fund_source"], r["closing_fen"]) for r in exchange_state.fund_reports(city)] == [("5", 12_000)]


def test_formula_cells_are_refused(city, city_clerk, builder):
    data = table(spec.HOUSEHOLDS, [household(A1, "张三", ID1)])
    data[1][data[0].index("家庭住址")] = '=HYPERLINK("http://x","点我")'
    path = builder.write({spec.HOUSEHOLDS: data})
    errors = run(city, city_clerk, path).analysis.problems.of_level("error")
    assert any("公式" in p.reason and p.row == 2 for p in errors)


def test_report_is_an_annotated_copy(city, city_clerk, builder, tmp_path):
    bad = household(A2, "李梅", ID2, 家庭人口="三")
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A1, "张三", ID1), bad])})
    report = tmp_path / "report.xlsx"
    out = run(city, city_clerk, path, report=report)
    assert out.report == report
    wb = load_workbook(report)
    assert wb.sheetnames[0] == spec.ERRORS_SHEET and spec.HOUSEHOLDS in wb.sheetnames
    listing = [[c.value for c in r] for r in wb[spec.ERRORS_SHEET].iter_rows(min_row=2)]
    assert [r[1:8] for r in listing if r[1] == "错误"] == [
        ["错误", spec.HOUSEHOLDS, 3, "O", "家庭人口", "三", listing[0][7]]]
    cell = wb[spec.HOUSEHOLDS]["O3"]
    assert cell.value == "三" and cell.fill.fgColor.rgb.endswith("FFC7CE") and "整数" in cell.comment.text
    assert wb[spec.HOUSEHOLDS]["E2"].value == ID1 and wb[spec.HOUSEHOLDS]["E2"].data_type == "s"
    assert wb[spec.HOUSEHOLDS]["O2"].comment is None


def test_category_may_be_empty_only_while_applying(city, city_clerk, builder):
    """困难类别 is required, except when 档案状态 is 申请中 (not decided yet)."""
    undecided = household(A1, "张三", ID1, 困难类别="", 档案状态="申请中")
    out = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [undecided])}))
    assert out.status == IMPORTED, out.analysis.problems.items
    assert hh(city, A1)["category"] is None
    active = household(A2, "李梅", ID2, 困难类别="")
    [p] = run(city, city_clerk, builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [active])})
              ).analysis.problems.of_level("error")
    assert p.column == "困难类别" and p.reason.startswith("必填，不能为空") and "申请中" in p.reason
