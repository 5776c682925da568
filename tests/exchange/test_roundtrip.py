"""Every batch we write, we can read: the demo county's batches import cleanly at the city, an archive
still 申请中 may leave without a 困难类别, and a batch the city would refuse never leaves the county."""

from __future__ import annotations

import datetime as _dt

import pytest

from helpdesk_gui.cli import main
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import scalar, write
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import importer, spec
from helpdesk_gui.exchange.export import ExportRefused, export_batch

from .conftest import CITY, COUNTY, TODAY, household, person, table

NEW_ID, LATER_ID = person("1979-04-05", 71), person("1983-09-10", 72)


def counts(db, sender: str) -> tuple[int, int, int]:
    return (scalar(db, "SELECT count(*) FROM households WHERE sender_code = ?", [sender]),
            scalar(db, "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
                       "WHERE h.sender_code = ?", [sender]),
            scalar(db, "SELECT count(*) FROM assistance_records WHERE sender_code = ?", [sender]))


def import_clean(city, city_clerk, path) -> importer.Outcome:
    out = importer.import_batch(city, city_clerk, path, today=_dt.date.today())
    assert out.status == importer.IMPORTED, [p.text() for p in out.analysis.problems.items[:5]]
    assert out.analysis.problems.errors == 0 and out.analysis.problems.confirms == 0
    return out


def test_every_batch_of_the_demo_county_imports_cleanly_at_the_city(database, clerk, city, city_clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 160, seed=11, today=TODAY)
    states = {s for (s,) in database.execute("SELECT DISTINCT status FROM households")}
    assert states >= {"applying", "visiting", "publicity", "pending", "active", "exited", "cancelled"}
    # entered in the editor today: 申请中, 困难类别 not decided yet
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "新申请", "id_number": NEW_ID, "cause_main": "3", "address": "城关镇 8 号"}), today=TODAY)
    assert scalar(database, "SELECT status || '/' || coalesce(category, '空') FROM households WHERE id = ?",
                  [hid]) == "applying/空"
    full = export_batch(database, clerk, tmp_path / "1.xlsx", full=True)
    assert full.mode == "full"
    import_clean(city, city_clerk, full.path)
    assert counts(city, COUNTY) == counts(database, COUNTY)
    assert scalar(city, "SELECT status || '/' || coalesce(category, '空') FROM households WHERE archive_no = "
                        "(SELECT archive_no FROM households WHERE name = '新申请')") == "applying/空"
    # the county goes on working: one more application, one archive edited, one payment; then a change batch
    register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "后申请", "id_number": LATER_ID, "cause_main": "1"}), today=TODAY)
    edited = int(scalar(database, "SELECT id FROM households WHERE status = 'active' ORDER BY id LIMIT 1"))
    draft = draft_from(register.get_household(database, edited))
    draft.fields["address"] = "改过的地址 3 号"
    register.update_household(database, clerk, edited, draft)
    with write(database):
        database.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                         "amount_fen, paid_date, method, created_at) VALUES (?, 'R-LATER', ?, '1', '5', 20000, "
                         "'2026-11-20', '2', '2999-01-01T00:00:00+08:00')", [COUNTY, edited])
    change = export_batch(database, clerk, tmp_path / "2.xlsx")
    assert change.mode == "incremental" and change.counts[spec.HOUSEHOLDS] >= 2
    import_clean(city, city_clerk, change.path)
    assert counts(city, COUNTY) == counts(database, COUNTY)
    assert scalar(city, "SELECT address FROM households WHERE archive_no = (SELECT archive_no FROM households "
                        "WHERE id = ?)", [edited]) == "改过的地址 3 号"
    # and the full batch once more: everything the city holds is unchanged
    again = export_batch(database, clerk, tmp_path / "3.xlsx", full=True)
    out = import_clean(city, city_clerk, again.path)
    assert out.analysis.plan.counts()["unchanged"] == counts(database, COUNTY)[0]
    assert counts(city, COUNTY) == counts(database, COUNTY)


def test_empty_category_is_accepted_only_while_applying(city, city_clerk, builder):
    a1, a2 = "530122202600001", "530122202600002"
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [
        household(a1, "张三", person("1975-05-06", 11), 困难类别="", 档案状态="申请中"),
        household(a2, "李梅", person("1980-02-03", 22), 困难类别="", 档案状态="在档")])})
    out = importer.import_batch(city, city_clerk, path, today=TODAY)
    [p] = out.analysis.problems.of_level("error")
    assert (p.sheet, p.row, p.column) == ("困难职工", 3, "困难类别")
    assert p.reason == "必填，不能为空（只有“档案状态”为“申请中”时可以不填）"
    fixed = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [
        household(a1, "张三", person("1975-05-06", 11), 困难类别="", 档案状态="申请中")])})
    out = importer.import_batch(city, city_clerk, fixed, today=TODAY)
    assert out.status == importer.IMPORTED and out.analysis.problems.errors == 0
    assert scalar(city, "SELECT coalesce(category, '空') FROM households WHERE archive_no = ?", [a1]) == "空"


@pytest.fixture
def unsendable(database, clerk):
    """A demo county with two archives the city would refuse: an application without its 主要致困原因 and an
    archive 在档 without a 困难类别. Returns their (档案编号, 姓名)."""
    demo.generate(database, auth.SYSTEM, 30, seed=5, today=TODAY)
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "缺原因", "id_number": NEW_ID}), today=TODAY)
    active = int(scalar(database, "SELECT id FROM households WHERE status = 'active' ORDER BY id LIMIT 1"))
    with write(database):
        database.execute("UPDATE households SET category = NULL WHERE id = ?", [active])
    return [(str(scalar(database, "SELECT archive_no FROM households WHERE id = ?", [h])),
             str(scalar(database, "SELECT name FROM households WHERE id = ?", [h]))) for h in (hid, active)]


def test_a_batch_the_city_would_refuse_is_not_sent(database, clerk, unsendable, tmp_path):
    out = tmp_path / "up.xlsx"
    with pytest.raises(ExportRefused) as caught:
        export_batch(database, clerk, out)
    refused = caught.value
    (no_cause, no_cause_name), (no_category, no_category_name) = unsendable
    assert [(f.archive_no, f.name) for f in refused.fixes] == [(no_category, no_category_name),
                                                              (no_cause, no_cause_name)]
    text = str(refused)
    assert "批次没有导出" in text and "接收单位会整批拒收" in text and "下面 2 户" in text
    assert f"档案编号 {no_cause} 缺原因：主要致困原因：必填，不能为空（工作表“困难职工”第" in text
    assert f"档案编号 {no_category} {no_category_name}：困难类别：必填，不能为空（只有“档案状态”为“申请中”时可以不填）" in text
    # nothing left behind, nothing recorded as sent: the next export is again a full one
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert exchange_state.history(database) == [] and exchange_state.counterpart(database, CITY) is None


def test_cli_export_names_the_households_to_fix(folder, database, unsendable, capsys, tmp_path):
    out = tmp_path / "up.xlsx"
    code = main(["batch", "export", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 1 and not out.exists() and "已导出" not in stdout
    assert "批次没有导出" in err
    for archive, name in unsendable:
        assert f"  档案编号 {archive} {name}：" in err


def test_dry_run_exits_1_when_the_import_would_refuse(folder, database, capsys, builder):
    bad = household("530100202400001", "张三", person("1975-05-06", 11), 家庭人口=0)
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [bad])}, sender=CITY, receiver=COUNTY)
    assert main(["batch", "import", str(path), "--dry-run"]) == 1
    assert "不能导入" in capsys.readouterr().out
    edited = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household("530100202400001", "张三", person(
        "1975-05-06", 11))])}, sender=CITY, receiver=COUNTY, checksum="f" * 64)
    assert main(["batch", "import", str(edited), "--dry-run"]) == 1
    assert "--accept-unsigned" in capsys.readouterr().out
    assert main(["batch", "import", str(edited), "--dry-run", "--accept-unsigned"]) == 0
    assert scalar(database, "SELECT count(*) FROM households") == 0
