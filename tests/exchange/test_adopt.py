"""建库导入: a centre's existing, messy archive list becomes in-register households, members and 帮扶记录."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core import check
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.base.errors import PermissionDenied
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.reports import stats
from helpdesk_gui.exchange import adopt
from helpdesk_gui.exchange.adopt_columns import AdoptMapping, propose_adopt

from .conftest import TODAY, person


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then on a PostgreSQL server."""
    return engine_database

ID1, ID_WIFE, ID_SON = person("1975-03-12", 11), person("1977-08-09", 22), person("2003-05-01", 31)
ID2, ID3, ID4 = person("1980-02-03", 42), person("1968-12-30", 53), person("1982-07-07", 64)
HEADER = ["序号", "档案编号", "姓  名", "与户主关系", "身份证号码", "性别", "出生日期", "联系电话", "工作单位", "家庭住址",
          "家庭人口", "家庭年收入（元）", "困难类别", "致困原因", "档案状态", "建档时间", "脱困时间", "帮扶日期", "帮扶项目",
          "金额（元）", "备注"]
#: what the list says was paid: 3,000 + 800 + 5,000 + 1,000 + 1,200
PAID_FEN, PAID_COUNT = 1_100_000, 5


def row(**cells) -> list:
    out = [""] * len(HEADER)
    for label, value in cells.items():
        out[HEADER.index(label)] = value
    return out


def archive_list(path: Path, *, bad_id: bool = False, total: float = 11000, extra: list[list] | None = None) -> Path:
    """A county centre's register as kept in Excel for years: merged title rows, dates written three ways and as
    date cells and serial numbers, old category names, member rows under the head, payments on the household's
    rows and on rows of their own, a 合计 row and the signature line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "困难职工档案花名册"
    ws.append(["某某县总工会困难职工档案花名册"])
    ws.merge_cells("A1:U1")
    ws.append(["填报单位：某某县困难职工帮扶中心", "", "", "", "", "", "", "", "", "", "", "", "截至 2024年12月31日"])
    ws.merge_cells("A2:L2")
    ws.append(HEADER)
    ws.append(row(序号=1, 档案编号="530122201900001", **{"姓  名": "张三"}, 与户主关系="户主", 身份证号码=ID1, 性别="男",
                  出生日期="1975.03.12", 联系电话="13812345678", 工作单位="金马纺织厂", 家庭住址="城关镇人民路 12 号",
                  家庭人口=3, **{"家庭年收入（元）": 24000}, 困难类别="低保户", 致困原因="下岗失业", 档案状态="在档",
                  建档时间="2019-03-05", 帮扶日期="2019年9月10日", 帮扶项目="金秋助学", **{"金额（元）": 3000}))
    ws.append(row(**{"姓  名": "王芳"}, 与户主关系="妻子", 身份证号码=ID_WIFE, 工作单位="城关镇环卫所"))
    ws.append(row(**{"姓  名": "张小明"}, 与户主关系="儿子", 身份证号码=ID_SON, 工作单位="县第一中学"))
    ws.append(row(帮扶日期=dt.datetime(2020, 1, 15), 帮扶项目="春节慰问", **{"金额（元）": 800}))
    ws.append(row(序号=2, **{"姓  名": "李  梅"}, 与户主关系="本人", 身份证号码=f"{ID2[:6]} {ID2[6:14]} {ID2[14:]}",
                  性别="女", 出生日期="1980年2月3日", 家庭人口=1, **{"家庭年收入（元）": "18,000元"}, 困难类别="特困",
                  致困原因="患重特大疾病", 档案状态="已脱困", 建档时间=43891, 脱困时间="2023.12.31",
                  帮扶日期="2021.1.20", 帮扶项目="医疗救助", **{"金额（元）": 5000}))
    ws.append(row(**{"姓  名": "李梅"}, 身份证号码=ID2, 帮扶日期="2022-01-10", 帮扶项目="送温暖",
                  **{"金额（元）": "1,000"}))
    ws.append(row(序号=3, **{"姓  名": "王五"}, 身份证号码=ID3, 家庭人口=1, **{"家庭年收入（元）": 12000},
                  困难类别="一般困难", 致困原因="因病", 档案状态="注销（死亡）", 建档时间="2018年5月6日",
                  脱困时间=dt.datetime(2024, 6, 30)))
    bad = ID4[:17] + ("0" if ID4[17] != "0" else "1")
    ws.append(row(序号=4, **{"姓  名": "赵六"}, 与户主关系="户主", 身份证号码=bad if bad_id else ID4, 家庭人口=1,
                  **{"家庭年收入（元）": 9000}, 困难类别="深度困难", 致困原因="下岗", 档案状态="在册",
                  建档时间=dt.datetime(2021, 7, 1), 帮扶日期="2024-02-01", 帮扶项目="临时救助", **{"金额（元）": 1200}))
    for r in extra or []:
        ws.append(r)
    ws.append(row(序号="合计", **{"金额（元）": total}))
    ws.append(["填表人：刘会计", "", "", "", "", "审核人：陈主任"])
    wb.save(path)
    return path


def mapping_of(path: Path) -> AdoptMapping:
    return propose_adopt(path)


def test_header_found_below_merged_titles_and_columns_proposed(tmp_path):
    m = mapping_of(archive_list(tmp_path / "档案.xlsx"))
    assert (m.archive.sheet, m.archive.header_row) == ("困难职工档案花名册", 3)
    assert m.archive.columns["姓  名"] == "姓名" and m.archive.columns["与户主关系"] == "与户主关系"
    assert m.archive.columns["建档时间"] == "建档日期" and m.archive.columns["脱困时间"] == "脱困日期"
    assert m.archive.columns["金额（元）"] == "帮扶金额" and m.archive.columns["致困原因"] == "主要致困原因"
    assert m.archive.unmapped == ["序号"] and m.history is None
    assert AdoptMapping.from_json(json.loads(json.dumps(m.to_json()))).archive.columns == m.archive.columns


def test_messy_archive_list_becomes_the_register(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    out = adopt.import_register(database, admin, path, mapping_of(path), today=TODAY)
    assert out.status == adopt.IMPORTED, [p.text() for p in out.analysis.problems.items]
    got = {r["name"]: r for r in rows(database, "SELECT * FROM households ORDER BY id")}
    assert list(got) == ["张三", "李梅", "王五", "赵六"]
    zs, lm, ww, zl = got.values()
    assert [h["status"] for h in got.values()] == ["active", "exited", "cancelled", "active"]
    assert ww["exit_reason"] == "deceased" and ww["exit_date"] == "2024-06-30" and lm["exit_date"] == "2023-12-31"
    # old category names map to today's list; the words the centre wrote are kept beside them
    assert [(h["category"], h["legacy_category_text"]) for h in got.values()] == [
        ("1", "低保户"), ("1", "特困"), ("2", "一般困难"), ("1", "")]
    assert [h["cause_main"] for h in got.values()] == ["3", "6", "6", "3"]
    # the dates, however they were written
    assert [h["created_date"] for h in got.values()] == ["2019-03-05", "2020-03-01", "2018-05-06", "2021-07-01"]
    # the list's own number is kept; the others are numbered as usual, by the year of 建档
    assert [h["archive_no"] for h in got.values()] == ["530122201900001", "530122202000001", "530122201800001",
                                                       "530122202100001"]
    assert zs["id_number"] == ID1 and lm["id_number"] == ID2 and lm["name"] == "李梅" and zs["family_size"] == 3
    assert lm["annual_income_fen"] == 1_800_000 and zs["per_capita_month_fen"] == 66_667
    members = rows(database, "SELECT name, relation, id_number, gender, school_or_employer FROM members "
                             "WHERE household_id = ? ORDER BY ord", [zs["id"]])
    assert [(m["name"], m["relation"], m["gender"]) for m in members] == [("王芳", "1", "2"), ("张小明", "2", "1")]
    assert members[1]["school_or_employer"] == "县第一中学"
    assert scalar(database, "SELECT count(*) FROM members") == 2
    paid = rows(database, "SELECT h.name, a.paid_date, a.project, a.amount_fen, a.record_no, a.origin FROM "
                          "assistance_records a JOIN households h ON h.id = a.household_id ORDER BY a.id")
    assert [(p["name"], p["paid_date"], p["project"], p["amount_fen"]) for p in paid] == [
        ("张三", "2019-09-10", "3", 300_000), ("张三", "2020-01-15", "4", 80_000), ("李梅", "2021-01-20", "2", 500_000),
        ("李梅", "2022-01-10", "4", 100_000), ("赵六", "2024-02-01", "5", 120_000)]
    assert paid[0]["record_no"] == "530122201900001-J001" and {p["origin"] for p in paid} == {"adopt"}
    # the totals equal the sheet's 合计
    summary = stats.summary(database)
    assert summary["assistance_records"] == PAID_COUNT and summary["paid_total_fen"] == PAID_FEN
    assert summary["households"]["by_status"] == {"在档": 2, "脱困": 1, "注销": 1}
    # the skipped rows are said; the register's invariants hold; one audit row seals every household
    skipped = [(p.row, p.reason) for p in out.analysis.problems.items if p.level == "warning"]
    assert (12, "合计行，已跳过") in skipped and any(r == 13 and "表尾" in why for r, why in skipped)
    assert check.run(database) == []
    trail = audit.query(database, audit.AuditFilter(action="adopt_import"))
    assert len(trail) == 1 and json.loads(trail[0]["after"])["assistance_records"] == PAID_COUNT
    history = rows(database, "SELECT note FROM status_history WHERE household_id = ?", [zs["id"]])
    assert history[0]["note"] == "建库导入《档案.xlsx》（困难职工档案花名册 第 4 行）"
    assert "已建库导入：档案 4 户（在档 2 户、脱困 1 户、注销 1 户）" in out.message()
    again = adopt.import_register(database, admin, path, mapping_of(path), today=TODAY)
    assert again.status == adopt.ALREADY and scalar(database, "SELECT count(*) FROM households") == 4


def test_a_payment_row_may_repeat_the_head_by_name_only(database, admin, tmp_path):
    again = row(**{"姓  名": "赵 六"}, 帮扶日期="2024.3.1", 帮扶项目="送温暖", **{"金额（元）": 200})
    path = archive_list(tmp_path / "档案.xlsx", total=11200, extra=[again])
    out = adopt.import_register(database, admin, path, mapping_of(path), today=TODAY)
    assert out.status == adopt.IMPORTED, [p.text() for p in out.analysis.problems.items]
    assert scalar(database, "SELECT count(*) FROM households") == 4
    assert scalar(database, "SELECT count(*) FROM assistance_records a JOIN households h ON h.id = a.household_id "
                            "WHERE h.name = '赵六'") == 2


def test_dry_run_writes_nothing(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    before = scalar(database, "SELECT count(*) FROM audit_log")
    out = adopt.import_register(database, admin, path, mapping_of(path), dry_run=True, today=TODAY)
    assert out.status == adopt.DRY_RUN and out.exit_code == 0 and out.analysis.can_import
    assert "可以导入" in out.message() and "帮扶记录 5 条共 11,000.00 元" in out.message()
    assert scalar(database, "SELECT count(*) FROM households") == 0
    assert scalar(database, "SELECT count(*) FROM audit_log") == before


def test_one_bad_row_imports_nothing_and_the_report_names_it(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx", bad_id=True)
    report = tmp_path / "错误.xlsx"
    out = adopt.import_register(database, admin, path, mapping_of(path), report=report, today=TODAY)
    assert out.status == adopt.REJECTED and out.exit_code == 1
    errors = out.analysis.problems.of_level("error")
    assert [(p.sheet, p.row, p.column) for p in errors] == [("困难职工档案花名册", 11, "公民身份号码")]
    assert scalar(database, "SELECT count(*) FROM households") == 0
    assert scalar(database, "SELECT count(*) FROM assistance_records") == 0
    listing = load_workbook(report)["错误清单"]
    assert [c.value for c in listing[2]][1:6] == ["错误", "困难职工档案花名册", 11, "E", "公民身份号码"]


def test_a_total_that_disagrees_with_the_rows_is_an_error(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx", total=12000)
    out = adopt.import_register(database, admin, path, mapping_of(path), today=TODAY)
    assert out.status == adopt.REJECTED
    [p] = out.analysis.problems.of_level("error")
    assert (p.row, p.column) == (12, "帮扶金额") and "11,000.00" in p.reason


def test_people_already_in_the_register_and_numbers_already_used_are_refused(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    first = adopt.import_register(database, admin, path, mapping_of(path), today=TODAY)
    assert first.status == adopt.IMPORTED
    wb = load_workbook(path)
    wb.active["U4"] = "再次导入"   # a different file, the same people
    wb.save(tmp_path / "再次.xlsx")
    out = adopt.import_register(database, admin, tmp_path / "再次.xlsx", mapping_of(path), today=TODAY)
    reasons = [(p.row, p.reason) for p in out.analysis.problems.of_level("error")]
    assert (4, "本库中已有这个档案编号") in reasons
    assert any(r == 4 and "530122201900001" in why and "有效档案" in why for r, why in reasons)
    assert any(r == 11 for r, _ in reasons) and not any(r == 10 for r, _ in reasons)   # 王五's archive is closed


def test_payments_on_a_sheet_of_their_own(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    wb = load_workbook(path)
    ws = wb.create_sheet("历年帮扶记录")
    ws.append(["历年帮扶发放明细"])
    ws.append(["序号", "姓名", "身份证号", "发放日期", "帮扶项目", "资金来源", "发放金额", "发放方式"])
    ws.append([1, "王五", ID3, "2019.1.25", "送温暖", "本级工会经费", 600, "现金"])
    ws.append([2, "张三", ID1, 44197, "生活救助", "上级工会拨付", "2,400.50", "银行转账"])
    ws.append(["合计", "", "", "", "", "", 3000.5, ""])
    wb.save(path)
    m = propose_adopt(path)
    assert m.history is not None and (m.history.sheet, m.history.header_row) == ("历年帮扶记录", 2)
    assert m.history.columns["身份证号"] == "公民身份号码" and m.history.columns["发放金额"] == "帮扶金额"
    out = adopt.import_register(database, admin, path, m, today=TODAY)
    assert out.status == adopt.IMPORTED, [p.text() for p in out.analysis.problems.items]
    paid = rows(database, "SELECT h.name, a.paid_date, a.amount_fen, a.fund_source, a.method FROM assistance_records a "
                          "JOIN households h ON h.id = a.household_id WHERE a.paid_date IN ('2019-01-25', '2021-01-01') ORDER BY a.id")
    assert [(p["name"], p["paid_date"], p["amount_fen"], p["fund_source"], p["method"]) for p in paid] == [
        ("张三", "2021-01-01", 240_050, "4", "2"), ("王五", "2019-01-25", 60_000, "5", "1")]
    assert stats.summary(database)["paid_total_fen"] == PAID_FEN + 300_050


def test_payments_sheet_for_someone_not_in_the_list(database, admin, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    wb = load_workbook(path)
    ws = wb.create_sheet("帮扶记录")
    ws.append(["身份证号", "发放日期", "帮扶项目", "金额"])
    ws.append([person("1990-01-01", 77), "2020-01-01", "送温暖", 500])
    wb.save(path)
    out = adopt.import_register(database, admin, path, propose_adopt(path), today=TODAY)
    assert out.status == adopt.REJECTED
    [p] = out.analysis.problems.of_level("error")
    assert (p.sheet, p.row, p.column) == ("帮扶记录", 2, "公民身份号码") and "没有" in p.reason


def test_a_clerk_is_refused(database, clerk, tmp_path):
    path = archive_list(tmp_path / "档案.xlsx")
    with pytest.raises(PermissionDenied, match="建库导入"):
        adopt.import_register(database, clerk, path, mapping_of(path), today=TODAY)


# ------------------------------------------------------------------------------------------ command line

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_map_then_import_exit_codes(folder, database, capsys, tmp_path, monkeypatch):
    path = archive_list(tmp_path / "档案.xlsx")
    code, text, _ = run(capsys, "register", "map", str(path))
    assert code == 0
    proposal = json.loads(text)
    assert proposal["sheet"] == "困难职工档案花名册" and proposal["header_row"] == 3
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(json.dumps(proposal, ensure_ascii=False), encoding="utf-8")
    code, text, _ = run(capsys, "register", "import", str(path), "--mapping", str(mapping_file), "--dry-run")
    assert code == 0 and "检查完毕（未写入）：可以导入" in text
    assert scalar(database, "SELECT count(*) FROM households") == 0
    bad = archive_list(tmp_path / "有错.xlsx", bad_id=True)
    code, text, _ = run(capsys, "register", "import", str(bad), "--mapping", str(mapping_file),
                        "--report", str(tmp_path / "r.xlsx"))
    assert code == 1 and "第 11 行" in text and (tmp_path / "r.xlsx").exists()
    code, _, err = run(capsys, "register", "import", str(tmp_path / "没有.xlsx"), "--mapping", str(mapping_file))
    assert code == 2 and "不存在" in err
    code, _, err = run(capsys, "register", "import", str(path), "--mapping", str(tmp_path / "没有.json"))
    assert code == 2
    monkeypatch.setenv("HELPDESK_USER", "clerk")
    monkeypatch.setenv("HELPDESK_PASSWORD", "passw0rd!")
    code, _, err = run(capsys, "register", "import", str(path), "--mapping", str(mapping_file))
    assert code == 1 and "无权建库导入" in err
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", "admin1234")
    code, text, _ = run(capsys, "register", "import", str(path), "--mapping", str(mapping_file))
    assert code == 0 and "已建库导入：档案 4 户" in text
    assert scalar(database, "SELECT count(*) FROM households") == 4
