"""Edits are never silently undone by an import: the commit re-checks what the preview planned, inside its write
transaction. A household changed (or an archive created for the same person) between 预览 and 导入 is held as a
conflict, never overwritten or duplicated; the outcome says how many; ``helpdesk check`` stays green."""

from __future__ import annotations

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core.base.errors import ChangedMeanwhile, DuplicatePersonError
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from
from helpdesk_gui.core.sync import conflicts as exchange_conflicts
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import foreign, importer, mapping, spec
from helpdesk_gui.exchange.importer import ALREADY, IMPORTED

from .conftest import COUNTY, TODAY, household, member, person, record, table
from .test_foreign import ID2 as STATION_ID2
from .test_foreign import station_sheet
from .test_import import A1, A2, CHILD, ID1, ID2, SPOUSE, basic

A3 = "530122202400003"
ID3, ID3_SON = person("1968-12-30", 35), person("1995-04-01", 61)
NEWER = "2026-11-05T09:00:00+08:00"


def _hid(db, archive: str, sender: str = COUNTY) -> int:
    return int(scalar(db, "SELECT id FROM households WHERE sender_code = ? AND archive_no = ?", [sender, archive]))


def _second_batch(builder):
    return builder.write({
        spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [
            household(A1, "张三", ID1, 家庭住址="县里改的地址 1", 最后修改时间=NEWER),
            household(A2, "李梅", ID2, 家庭住址="县里改的地址 2", 最后修改时间=NEWER),
            household(A3, "王五", ID3, 家庭人口=2, 最后修改时间=NEWER, 家庭月人均收入="")]),
        spec.MEMBERS: table(spec.MEMBERS, [member(A1, "王芳", "配偶", SPOUSE), member(A1, "张小明", "子女", CHILD),
                                           member(A3, "王小五", "子女", ID3_SON)]),
        spec.RECORDS: table(spec.RECORDS, [record("530122P0101", A1), record("530122P0103", A3)]),
    })


def _register(db, actor, name: str, idn: str) -> int:
    return register.create_household(db, actor, HouseholdDraft(fields={
        "name": name, "id_number": idn, "cause_main": "3", "address": "市里登记的地址"}), today=TODAY)


def test_changes_made_after_the_preview_are_held_not_overwritten_or_duplicated(city, city_clerk, city_reviewer,
                                                                              builder):
    assert importer.import_batch(city, city_clerk, basic(builder), today=TODAY).status == IMPORTED
    analysis = importer.analyse(city, city_clerk, _second_batch(builder), today=TODAY)
    assert analysis.can_import
    assert (len(analysis.plan.update), len(analysis.plan.new)) == (2, 1)
    # between 预览 and 导入: 市审核 corrects A1 in the editor, a clerk registers 王五 (A3's head) here
    a1 = _hid(city, A1)
    edited = draft_from(register.get_household(city, a1))
    edited.fields["phone"] = "13900000000"
    register.update_household(city, city_reviewer, a1, edited, today=TODAY)
    local_wang = _register(city, city_clerk, "王五", ID3)

    out = importer.commit(city, city_clerk, analysis, today=TODAY)

    assert out.status == IMPORTED
    # A1: the local correction stands, the batch's version waits as a conflict
    h1 = register.get_household(city, a1)
    assert (h1["phone"], h1["address"]) == ("13900000000", "城关镇人民路 12 号")
    # A2 (not touched here) is updated as planned
    assert register.get_household(city, _hid(city, A2))["address"] == "县里改的地址 2"
    # A3 is not written: 王五 is in one active archive only, A3's payment record waits with it
    assert scalar(city, "SELECT count(*) FROM households WHERE archive_no = ?", [A3]) == 0
    assert scalar(city, "SELECT count(*) FROM households WHERE id_number = ?", [ID3]) == 1
    assert scalar(city, "SELECT count(*) FROM assistance_records WHERE record_no = '530122P0103'") == 0
    assert scalar(city, "SELECT count(*) FROM assistance_records WHERE record_no = '530122P0101'") == 1
    # the conflicts are listed, with why
    held = {c["key"]: c for c in exchange_state.open_conflicts(city)}
    assert set(held) == {A1, A3}
    assert held[A1]["incoming"]["reason"] == "预览后本地已修改" and held[A1]["household_id"] == a1
    assert held[A1]["local"]["values"]["phone"] == "13900000000"
    assert held[A1]["incoming"]["values"]["address"] == "县里改的地址 1"
    wang_archive = register.get_household(city, local_wang)["archive_no"]
    assert held[A3]["incoming"]["new"] and held[A3]["household_id"] == local_wang
    assert wang_archive in held[A3]["incoming"]["reason"] and "同一公民身份号码" in held[A3]["incoming"]["reason"]
    assert [m[0] for m in held[A3]["incoming"]["members"]] == ["王小五"]
    assert [r[0] for r in held[A3]["incoming"]["records"]] == ["530122P0103"]
    # the outcome says how many were held, and the history line counts what was written
    message = out.message()
    assert "更新 1 户" in message and "新增档案" not in message
    assert "2 户未写入，已转为待处理冲突" in message
    assert "1 户在预览后本地已修改" in message and "1 户的人员在预览后已登记在本库其他有效档案中" in message
    line = exchange_state.history(city)[0]
    assert (line["summary"]["updated"], line["summary"]["new"], line["summary"]["held"]) == (1, 0, 2)
    assert check.run(city) == []

    # taking the batch's A3 is refused while 王五 is in our active archive; once ours is closed, it is added
    with pytest.raises(DuplicatePersonError, match=wang_archive):
        exchange_conflicts.resolve_conflict(city, city_clerk, held[A3]["id"], "theirs")
    register.set_status(city, city_reviewer, local_wang, "cancelled", reason="ineligible", on=TODAY)
    exchange_conflicts.resolve_conflict(city, city_clerk, held[A3]["id"], "theirs")
    a3 = _hid(city, A3)
    assert [m["name"] for m in register.get_household(city, a3)["members"]] == ["王小五"]
    assert scalar(city, "SELECT household_id FROM assistance_records WHERE record_no = '530122P0103'") == a3
    # A1: the conflict screen's version is checked too
    seen = exchange_conflicts.household_snapshot(city, a1, ["address"])["version"]
    edited.fields["remarks"] = "又改了一次"
    register.update_household(city, city_reviewer, a1, edited, today=TODAY)
    with pytest.raises(ChangedMeanwhile, match="被 市审核 于 "):
        exchange_conflicts.resolve_conflict(city, city_clerk, held[A1]["id"], "theirs", expected_version=seen)
    exchange_conflicts.resolve_conflict(city, city_clerk, held[A1]["id"], "theirs",
                                        expected_version=register.household_version(city, a1))
    assert register.get_household(city, a1)["address"] == "县里改的地址 1"
    assert exchange_state.open_conflicts(city) == []
    assert check.run(city) == []


def test_an_update_whose_person_entered_another_archive_is_held_too(city, city_clerk, builder):
    assert importer.import_batch(city, city_clerk, basic(builder), today=TODAY).status == IMPORTED
    new_member = person("1999-09-09", 71)
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [
        household(A2, "李梅", ID2, 最后修改时间=NEWER)]),
        spec.MEMBERS: table(spec.MEMBERS, [member(A2, "李小红", "子女", new_member)])})
    analysis = importer.analyse(city, city_clerk, path, today=TODAY)
    _register(city, city_clerk, "李小红", new_member)
    out = importer.commit(city, city_clerk, analysis, today=TODAY)
    [c] = exchange_state.open_conflicts(city)
    assert c["key"] == A2 and not c["incoming"].get("new") and "同一公民身份号码" in c["incoming"]["reason"]
    assert scalar(city, "SELECT count(*) FROM members WHERE id_number = ?", [new_member]) == 0
    assert "1 户的人员在预览后已登记在本库其他有效档案中" in out.message()
    assert check.run(city) == []


def test_a_batch_imported_in_another_window_after_the_preview_is_not_applied_again(city, city_clerk, builder):
    path = basic(builder)
    first = importer.analyse(city, city_clerk, path, today=TODAY)
    second = importer.analyse(city, city_clerk, path, today=TODAY)
    assert importer.commit(city, city_clerk, first, today=TODAY).status == IMPORTED
    out = importer.commit(city, city_clerk, second, today=TODAY)
    assert out.status == ALREADY and "导入过" in out.message()
    assert scalar(city, "SELECT count(*) FROM households") == 2
    assert exchange_state.open_conflicts(city) == [] and check.run(city) == []


def test_overlapping_batches_previewed_together(city, city_clerk, builder):
    """Two batches of the same sender previewed before either is imported: the second finds the archive and
    the payment records the first wrote: held or skipped, never a failed import or a double payment."""
    assert importer.import_batch(city, city_clerk, basic(builder), today=TODAY).status == IMPORTED
    x = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A3, "王五", ID3, 最后修改时间=NEWER)]),
                       spec.RECORDS: table(spec.RECORDS, [record("530122P0201", A1), record("530122P0202", A1)])})
    y = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household(A3, "王五", ID3, 最后修改时间=NEWER,
                                                                          家庭住址="另一份")]),
                       spec.RECORDS: table(spec.RECORDS, [record("530122P0201", A1),
                                                          record("530122P0202", A1, 金额="999.00")])})
    ax, ay = (importer.analyse(city, city_clerk, p, today=TODAY) for p in (x, y))
    assert importer.commit(city, city_clerk, ax, today=TODAY).status == IMPORTED
    out = importer.commit(city, city_clerk, ay, today=TODAY)
    assert out.status == IMPORTED
    assert scalar(city, "SELECT count(*) FROM households WHERE archive_no = ?", [A3]) == 1
    assert scalar(city, "SELECT amount_fen FROM assistance_records WHERE record_no = '530122P0202'") == 150_000
    held = {(c["kind"], c["key"]): c for c in exchange_state.open_conflicts(city)}
    assert set(held) == {("household", A3), ("record", "530122P0202")}
    assert held[("household", A3)]["incoming"]["reason"] == "预览后本库已新建这个档案"
    assert "相同记录 1 条" in out.message() and "待处理的记录 1 条" in out.message()
    assert check.run(city) == []


def test_station_sheet_row_whose_person_was_registered_meanwhile_is_held(database, clerk, tmp_path):
    path = station_sheet(tmp_path / "s.xlsx")
    analysis = foreign.analyse_sheet(database, clerk, path, mapping.propose(path), today=TODAY)
    assert analysis.can_import and len(analysis.plan.new) == 3
    local = _register(database, clerk, "李梅", STATION_ID2)
    out = foreign.commit_sheet(database, clerk, analysis, today=TODAY)
    assert out.status == IMPORTED
    assert [r["name"] for r in rows(database, "SELECT name FROM households WHERE id <> ? ORDER BY id", [local])] == [
        "张三", "王五"]
    assert scalar(database, "SELECT count(*) FROM households WHERE id_number = ?", [STATION_ID2]) == 1
    [c] = exchange_state.open_conflicts(database)
    assert c["key"] == "李梅（第 5 行）" and c["incoming"]["new"] and c["incoming"]["sheet"]
    assert c["household_id"] == local
    message = out.message()
    assert "新增“申请中”的档案 2 户" in message and "1 户未写入，已转为待处理冲突" in message
    assert exchange_state.history(database)[0]["summary"]["applications"] == 2
    assert check.run(database) == []
    # once ours is closed, the station's row can still be taken: an application like the others
    register.set_status(database, clerk, local, "cancelled", reason="ineligible", on=TODAY)
    exchange_conflicts.resolve_conflict(database, clerk, c["id"], "theirs")
    added = rows(database, "SELECT id, status, archive_no FROM households WHERE id_number = ? AND id <> ?",
                 [STATION_ID2, local])
    assert len(added) == 1 and added[0]["status"] == "visiting"
    assert check.run(database) == []
