"""The city's desk (issue 18): three counties send full batches, the city holds them apart by sender, counts them
per county, finds a person active in two counties and sends its 核查结果 back down to the right county."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest

from helpdesk_gui.cli import main
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids, paths
from helpdesk_gui.core.db import rows
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.sync import state as exchange_state

CITY = "530100"
#: three counties of the city: code → (union name, demo seed)
COUNTIES = {"530102": ("五华区总工会", 11), "530111": ("官渡区总工会", 12), "530122": ("晋宁区总工会", 13)}
A, B, C = COUNTIES


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def stats(capsys, folder: Path) -> dict:
    code, text = run(capsys, "--data-dir", str(folder), "stats", "--json")
    assert code == 0, text
    return json.loads(text)


def open_db(folder: Path):
    return dbm.open_db(paths.db_path(folder))


def plant(folder: Path, fields: dict, members: list[dict] | None = None) -> str:
    """A new archive (申请中: active) in a county's own register; its archive number."""
    db = open_db(folder)
    try:
        hid = register.create_household(db, auth.SYSTEM, HouseholdDraft(fields=fields, members=members or []))
        return str(register.get_household(db, hid)["archive_no"])
    finally:
        dbm.close(db)


@pytest.fixture
def region(tmp_path, monkeypatch, capsys):
    """Three demo counties and the city's database, every county's full batch imported at the city."""
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    dirs = {code: tmp_path / code for code in COUNTIES}
    for code, (name, seed) in COUNTIES.items():
        assert run(capsys, "--data-dir", str(dirs[code]), "init", "--county-code", code, "--union-name", name)[0] == 0
        assert run(capsys, "--data-dir", str(dirs[code]), "demo", "--households", "40", "--seed", str(seed))[0] == 0
    # a head of county A, also the head of a new archive in county B; a member of county A, also a member in C
    db = open_db(dirs[A])
    head = rows(db, "SELECT archive_no, name, id_number FROM households WHERE status = 'active' ORDER BY id LIMIT 1")[0]
    member = rows(db, "SELECT h.archive_no, m.name, m.id_number, m.relation FROM members m JOIN households h "
                      "ON h.id = m.household_id WHERE h.status = 'active' AND m.id_number <> '' AND h.archive_no <> ? "
                      "ORDER BY m.id LIMIT 1", [head["archive_no"]])[0]
    dbm.close(db)
    in_b = plant(dirs[B], {"name": head["name"], "id_number": head["id_number"], "cause_main": "3"})
    newcomer = ids.make(C, _dt.date(1980, 2, 3), 901)
    in_c = plant(dirs[C], {"name": "赵新", "id_number": newcomer, "cause_main": "3"},
                 [{"name": member["name"], "relation": "2", "id_number": member["id_number"]}])
    batches = {}
    for code in COUNTIES:
        batches[code] = tmp_path / f"{code}_上报.xlsx"
        status, text = run(capsys, "--data-dir", str(dirs[code]), "batch", "export", str(batches[code]), "--full")
        assert status == 0 and "发往 530100" in text, text
    city = tmp_path / "city"
    assert run(capsys, "--data-dir", str(city), "init", "--county-code", CITY, "--union-name", "昆明市总工会")[0] == 0
    for code in COUNTIES:
        status, text = run(capsys, "--data-dir", str(city), "batch", "import", str(batches[code]))
        assert status == 0 and "已导入" in text, text
    return {"dirs": dirs, "city": city, "head": head, "member": member, "in_b": in_b, "in_c": in_c,
            "tmp": tmp_path}


def test_three_counties_at_the_city(region, capsys):
    dirs, city = region["dirs"], region["city"]
    # ---- per county at the city: the counts each county gives of itself
    at_city = stats(capsys, city)
    assert set(at_city["by_county"]) == set(COUNTIES)
    fold = {"申请中": "申请中", "入户调查": "申请中", "公示中": "申请中", "待审批": "申请中"}
    for code, (name, _seed) in COUNTIES.items():
        own = stats(capsys, dirs[code])
        assert "by_county" not in own            # one sender's archives: no breakdown
        mine = at_city["by_county"][code]
        assert mine["name"] == name
        assert mine["households"] == own["households"]["total"] >= 40
        assert mine["by_category"] == own["households"]["by_category"]
        folded: dict[str, int] = {}
        for label, n in own["households"]["by_status"].items():
            folded[fold.get(label, label)] = folded.get(fold.get(label, label), 0) + n
        assert mine["by_status"] == folded
        assert (mine["members"], mine["assistance_records"], mine["paid_total_fen"]) == (
            own["members"], own["assistance_records"], own["paid_total_fen"])
    assert at_city["households"]["total"] == sum(c["households"] for c in at_city["by_county"].values())
    # archive numbers are per county: the same number from two counties would be two archives (sender, number)
    db = open_db(city)
    assert rows(db, "SELECT count(*) AS n FROM households GROUP BY sender_code, archive_no HAVING n > 1") == []
    dbm.close(db)
    # the city's own checks pass: one person in two counties is the duplicate list's business
    code, text = run(capsys, "--data-dir", str(city), "check")
    assert code == 0, text

    # ---- the 跨县重复 list finds both planted people, as head and as member
    code, text = run(capsys, "--data-dir", str(city), "city", "duplicates", "--json")
    assert code == 0, text
    found = {(d["name"], tuple(d["counties"])): d for d in json.loads(text)}
    head, member = region["head"], region["member"]
    by_head = found[(head["name"], (A, B))]
    assert {(p["county_code"], p["archive_no"], p["role"]) for p in by_head["places"]} == {
        (A, head["archive_no"], "户主"), (B, region["in_b"], "户主")}
    assert by_head["id_number"] == head["id_number"][:6] + "********" + head["id_number"][-4:]
    by_member = found[(member["name"], (A, C))]
    assert {(p["county_code"], p["archive_no"], p["role"]) for p in by_member["places"]} == {
        (A, member["archive_no"], "家庭成员"), (C, region["in_c"], "家庭成员")}

    # ---- the city decides: B's archive is the duplicate (A's stays); C's archive goes back with a reason
    code, text = run(capsys, "--data-dir", str(city), "city", "verdict", region["in_b"], "--county", B,
                     "--result", "跨县重复", "--keep", head["archive_no"], "--keep-county", A)
    assert code == 0, text
    code, text = run(capsys, "--data-dir", str(city), "city", "verdict", region["in_c"], "--county", C,
                     "--result", "退回", "--note", "家庭成员已在五华区档案中登记，请核实")
    assert code == 0, text
    code, text = run(capsys, "--data-dir", str(city), "city", "verdicts", "--result", "退回")
    assert code == 0 and region["in_c"] in text and "待下发" in text and region["in_b"] not in text

    # ---- a city names the county it sends to; without one it is told which
    out = region["tmp"] / "down.xlsx"
    code, text = run(capsys, "--data-dir", str(city), "batch", "export", str(out))
    assert code == 2 and "--to" in text and all(c in text for c in COUNTIES) and "五华区总工会" in text, text
    assert "不能发给本单位自己" not in text and not out.exists()
    to_b, to_c = region["tmp"] / "530100_下发_B.xlsx", region["tmp"] / "530100_下发_C.xlsx"
    code, text = run(capsys, "--data-dir", str(city), "batch", "export", str(to_b), "--to", B)
    assert code == 0 and "核查结果 1 行" in text and "下发批次" in text, text
    code, text = run(capsys, "--data-dir", str(city), "batch", "export", str(to_c), "--to", C)
    assert code == 0 and "核查结果 1 行" in text, text
    code, text = run(capsys, "--data-dir", str(city), "batch", "export", str(region["tmp"] / "again.xlsx"), "--to", B)
    assert code == 1 and "没有要发给" in text, text     # each verdict goes down once

    # ---- the wrong county refuses the batch; the right one flags its archive
    code, text = run(capsys, "--data-dir", str(dirs[A]), "batch", "import", str(to_b))
    assert code == 1 and "接收单位" in text, text
    code, text = run(capsys, "--data-dir", str(dirs[B]), "batch", "import", str(to_b))
    assert code == 0 and "已导入" in text and "核查结果 1 条" in text, text
    db = open_db(dirs[B])
    [flag] = exchange_state.open_flags(db)
    assert (flag["archive_no"], flag["result"], flag["keep_archive_no"]) == (region["in_b"], "3", head["archive_no"])
    assert flag["household_name"] == head["name"] and "五华区总工会" in flag["note"]
    dbm.close(db)
    code, text = run(capsys, "--data-dir", str(dirs[C]), "batch", "import", str(to_c))
    assert code == 0, text
    db = open_db(dirs[C])
    [flag] = exchange_state.open_flags(db)
    assert (flag["archive_no"], flag["result"], flag["note"]) == (region["in_c"], "2", "家庭成员已在五华区档案中登记，请核实")
    dbm.close(db)
    code, text = run(capsys, "--data-dir", str(city), "city", "verdicts", "--result", "退回")
    assert code == 0 and "已下发" in text


# ---------------------------------------------------------------- the parts, on small batches

def _two_counties(city, city_clerk, builder):
    """530122 (A1 张三 ID1, A2 李梅) and 530121 (张三 again, as a member): one person in two counties."""
    from helpdesk_gui.exchange import importer, spec

    from .conftest import TODAY, household, member, person, table
    idn = person("1975-05-06", 11)
    first = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [
        household("530122202400001", "张三", idn), household("530122202400002", "李梅", person("1980-02-03", 22))])})
    other = builder.write({
        spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household("530121202400001", "王强", person("1970-01-01", 33,
                                                                                           "530121"))]),
        spec.MEMBERS: table(spec.MEMBERS, [member("530121202400001", "张三", "兄弟姐妹", idn)])},
        sender="530121", manifest={"发送单位名称": "某甲县总工会"})
    for path in (first, other):
        assert importer.import_batch(city, city_clerk, path, today=TODAY).status == importer.IMPORTED
    return idn


def test_verdicts_are_checked_and_replaced_until_sent(city, city_clerk, city_reviewer, builder, tmp_path):
    from helpdesk_gui.core.base.errors import StateError, ValidationError
    from helpdesk_gui.core.city import duplicates, region, verdicts
    from helpdesk_gui.exchange.export import export_batch
    _two_counties(city, city_clerk, builder)
    hid = {r["archive_no"]: r["id"] for r in rows(city, "SELECT id, archive_no FROM households")}
    dup_hid, keep_hid = hid["530121202400001"], hid["530122202400001"]
    with pytest.raises(ValidationError, match="退回须写明原因"):
        verdicts.record_verdict(city, city_clerk, dup_hid, "退回")
    with pytest.raises(ValidationError, match="保留哪个县"):
        verdicts.record_verdict(city, city_clerk, dup_hid, "跨县重复")
    with pytest.raises(ValidationError, match="没有相同的人员"):
        verdicts.record_verdict(city, city_clerk, dup_hid, "跨县重复", keep_household_id=hid["530122202400002"])
    with pytest.raises(ValidationError, match="另一个县"):
        verdicts.record_verdict(city, city_clerk, keep_hid, "跨县重复", keep_household_id=hid["530122202400002"])
    first = verdicts.record_verdict(city, city_clerk, dup_hid, "退回", "请核实家庭成员")
    again = verdicts.record_verdict(city, city_clerk, dup_hid, "跨县重复", keep_household_id=keep_hid)
    assert first == again                                     # not sent yet: the new decision replaces it
    [v] = verdicts.verdicts(city)
    assert (v["result"], v["keep_archive_no"]) == ("3", "530122202400001") and "530122202400001" in v["note"]
    [dup] = duplicates.cross_county(city)
    assert dup.settled and [p.role for p in dup.places] == ["家庭成员", "户主"]
    assert {c.code: c.name for c in region.counties(city)} == {"530121": "某甲县总工会", "530122": "某某县总工会"}
    result = export_batch(city, city_clerk, tmp_path / "down.xlsx", receiver_code="530121")
    assert result.counts == {"核查结果": 1} and result.receiver_name == "某甲县总工会"
    with pytest.raises(StateError, match="不能撤销"):
        verdicts.withdraw_verdict(city, city_clerk, first)
    with pytest.raises(Exception, match="不能修改"):
        city.execute("UPDATE city_verdicts SET note = 'x'")
    # a county is not the city: it gives no verdicts
    assert region.level("530122") == region.COUNTY and region.level("530100") == region.CITY
    assert region.level("530000") == region.PROVINCE


def test_allocations_go_down_with_the_standard(city, city_clerk, city_reviewer, builder, tmp_path, database,
                                               reviewer):
    from helpdesk_gui.core.admin import policy
    from helpdesk_gui.core.base.errors import PermissionDenied, ValidationError
    from helpdesk_gui.core.city import verdicts
    from helpdesk_gui.exchange import importer
    from helpdesk_gui.exchange.export import export_batch
    _two_counties(city, city_clerk, builder)
    with pytest.raises(PermissionDenied):
        verdicts.add_allocation(city, city_clerk, "530122", 2027, "上级工会拨付", 12_000_000)
    with pytest.raises(ValidationError, match="不是本市"):
        verdicts.add_allocation(city, city_reviewer, "530222", 2027, "上级工会拨付", 12_000_000)
    with pytest.raises(ValidationError, match="低保标准"):   # none registered for 2027 at the city
        verdicts.add_allocation(city, city_reviewer, "530122", 2027, "上级工会拨付", 12_000_000)
    policy.put_standard(city, city_reviewer, "530100", "2027-01-01", 80_000)       # the city's, for every county
    policy.put_standard(city, city_reviewer, "530122", "2027-01-01", 78_000)       # this county's own
    verdicts.add_allocation(city, city_reviewer, "530122", 2027, "上级工会拨付", 12_000_000, "市工发〔2027〕1号")
    verdicts.add_allocation(city, city_reviewer, "530122", 2027, "省财政", 0)
    out = tmp_path / "down.xlsx"
    result = export_batch(city, city_reviewer, out, receiver_code="530122")
    assert result.counts == {"政策参数": 2}
    # the county (the ``database`` fixture, 530122) takes it: the standard, and the one real allocation
    outcome = importer.import_batch(database, reviewer, out)
    assert outcome.status == importer.IMPORTED, outcome.analysis.problems.items
    assert policy.lookup(database, "530122", "2027-06-01").dibao_month_fen == 78_000
    from helpdesk_gui.core.sync import state as exchange_state
    [a] = exchange_state.allocations(database)
    assert (a["amount_fen"], a["fund_source"], a["year"], a["dibao_month_fen"]) == (12_000_000, "4", 2027, 78_000)


def test_a_city_names_its_receiver(city, city_clerk, builder, tmp_path):
    from helpdesk_gui.core.city import region
    from helpdesk_gui.exchange.export import default_receiver, export_batch
    _two_counties(city, city_clerk, builder)
    assert default_receiver(city) == ("", "")
    with pytest.raises(region.ReceiverRequired) as e:
        export_batch(city, city_clerk, tmp_path / "x.xlsx")
    assert e.value.exit_code == 2 and "530121 某甲县总工会" in str(e.value) and "530000" in str(e.value)
    for wrong, why in (("530100", "本单位自己"), ("530222", "只向本市各县"), ("520000", "只向本市各县")):
        with pytest.raises(region.ReceiverRefused, match=why):
            export_batch(city, city_clerk, tmp_path / "x.xlsx", receiver_code=wrong)
    # upward, to the province: the city's own register (none here), as an ordinary batch
    up = export_batch(city, city_clerk, tmp_path / "up.xlsx", receiver_code="530000", full=True)
    assert up.receiver_code == "530000" and up.counts["困难职工"] == 0


def test_register_statistics_and_reports_per_county(city, city_clerk, builder):
    import datetime as dt

    from helpdesk_gui.core import check
    from helpdesk_gui.core.register import search
    from helpdesk_gui.core.reports import figures, stats
    _two_counties(city, city_clerk, builder)
    assert search.count(city, "", search.Filters(county="530121")) == 1
    assert search.count(city, "", search.Filters(county="530122")) == 2
    assert search.count(city, "张", search.Filters(county="530122")) == 1
    by = stats.summary(city)["by_county"]
    assert by["530121"]["households"] == 1 and by["530121"]["members"] == 1 and by["530122"]["households"] == 2
    period = figures.Period(dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    whole, one = figures.figures(city, period), figures.figures(city, period, county="530121")
    assert whole["households_new"] == 3 and one["households_new"] == 1 and one["households_end"] == 1
    report = figures.build(city, period, county="530121", county_name="某甲县总工会")
    assert report.county == "530121" and report.now["households_end"] == 1
    assert check.run(city) == []     # the person in two counties is listed, not a fault at the city


def test_the_register_list_exported_at_the_city_names_the_county(city, city_clerk, builder, tmp_path):
    from openpyxl import load_workbook

    from helpdesk_gui.core.register import search
    from helpdesk_gui.exchange.listing import export_households
    _two_counties(city, city_clerk, builder)
    ids = search.search_ids(city, "", search.Filters(county="530121"))
    assert export_households(city, tmp_path / "list.xlsx", ids) == 1
    sheet = load_workbook(tmp_path / "list.xlsx").active
    head, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert head[:3] == ["档案编号", "所属县区", "姓名"] and first[:3] == ["530121202400001", "某甲县总工会", "王强"]


def test_a_county_imported_between_preview_and_commit_is_not_a_reason_to_hold(city, city_clerk, builder):
    """The commit's re-check (core.sync.recheck) keeps the city's rule: a person who arrived meanwhile in another
    county's archive makes the row 跨县重复, not a held conflict."""
    from helpdesk_gui.core.city import duplicates
    from helpdesk_gui.core.sync import state as exchange_state
    from helpdesk_gui.exchange import importer, spec

    from .conftest import TODAY, household, person, table
    idn = person("1975-05-06", 11)
    first = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household("530122202400001", "张三", idn)])})
    second = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household("530121202400001", "张三", idn)])},
                           sender="530121")
    analysis = importer.analyse(city, city_clerk, second, today=TODAY)
    assert importer.import_batch(city, city_clerk, first, today=TODAY).status == importer.IMPORTED
    out = importer.commit(city, city_clerk, analysis, today=TODAY)
    assert out.status == importer.IMPORTED and exchange_state.open_conflicts(city) == []
    [dup] = duplicates.cross_county(city)
    assert dup.counties == ["530121", "530122"]
