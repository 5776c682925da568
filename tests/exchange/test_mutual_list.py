"""A unit's 医疗互助 member list from its own spreadsheet: header found and columns proposed, every bad row
named by sheet, row and column, nothing written while any row is bad, members created and enrolled in one go,
a second import of the same list duplicates nothing; and ``helpdesk mutual-import`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core.base.errors import PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.exchange import mapping, mutual_list, mutual_rows
from helpdesk_gui.exchange.mutual_list import ListRejected
from mutual_kit import idn

UNIT = "县煤业公司工会"



def member_list(path: Path, rows: list[list], *, title: str = "县煤业公司2026年职工医疗互助参加人员名单",
                header: list[str] | None = None) -> Path:
    """A unit's list as units write it: merged title, its own header words, a 序号 column, a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "参加名单"
    ws.append([title])
    ws.merge_cells("A1:I1")
    ws.append(header or ["序号", "职工姓名", "身份证号", "单位", "手机", "开户行", "银行卡号", "首次参加年度", "备注"])
    for r in rows:
        ws.append(r)
    ws.append(["合计", f"{len(rows)} 人"])
    for r in range(3, 3 + len(rows)):
        ws.cell(r, 3).number_format = "@"
    wb.save(path)
    return path


GOOD = [
    [1, "张  三", idn(1), UNIT, "13812345678", "中国农业银行", "6228 4800 0000 0001 234", "2016", ""],
    [2, "李四", idn(2), "", 13912345678.0, "中国农业银行", "6228480000000002345", 2018, "新入职"],
    [3, "王五", idn(3).lower() if idn(3).endswith("X") else idn(3), "县运输公司工会", "", "", "", "", ""],
]


@pytest.fixture
def plan(database, finance) -> int:
    return mutual_plans.create_plan(database, finance, mutual_plans.default_draft(database, 2026))


@pytest.fixture
def unit(database, clerk) -> int:
    return mutual_members.save_unit(database, clerk, UNIT)


def counts(db) -> tuple[int, int, int]:
    return (scalar(db, "SELECT count(*) FROM mutual_members"), scalar(db, "SELECT count(*) FROM mutual_enrolments"),
            scalar(db, "SELECT count(*) FROM mutual_units"))


def test_header_found_and_columns_proposed_in_the_units_words(tmp_path):
    m = mutual_list.propose(member_list(tmp_path / "l.xlsx", GOOD))
    assert (m.sheet, m.header_row) == ("参加名单", 2)
    assert m.columns == {"职工姓名": "姓名", "身份证号": "公民身份号码", "单位": "所在单位", "手机": "联系电话",
                         "开户行": "开户银行", "银行卡号": "银行账号", "首次参加年度": "连续参加起始年度", "备注": "备注"}
    assert m.unmapped == ["序号"]
    # other words units use
    for header, target in (("姓  名", "姓名"), ("公民身份号码", "公民身份号码"), ("所在单位", "所在单位"),
                           ("联系电话", "联系电话"), ("开户银行", "开户银行"), ("卡号", "银行账号"),
                           ("银行账号", "银行账号"), ("参加年份", "连续参加起始年度"),
                           ("连续参加起始年度", "连续参加起始年度")):
        assert mapping.match(header, mutual_rows.MEMBER_LIST)[0] == target, header
    # the station sheets keep their own columns
    assert mapping.match("首次参加年度")[0] != "连续参加起始年度"
    with pytest.raises(ValidationError, match="不是可导入的列"):
        mutual_list.mapping_from_json({"header_row": 2, "columns": {"职工姓名": "姓名", "身份证号": "公民身份号码",
                                                                     "家庭住址": "家庭住址"}})


def test_bad_rows_are_named_and_nothing_is_written(database, clerk, plan, unit, tmp_path):
    bad_id = idn(4)[:-1] + ("0" if idn(4)[-1] != "0" else "1")
    rows = [*GOOD,
            [4, "赵六", bad_id, "", "", "", "", "", ""],
            [5, "", idn(5), "", "", "", "", "", ""],
            [6, "钱七", idn(1), "", "", "", "62284800ab", "", ""],
            [7, "孙八", idn(7), "", "", "", 6228480000000002345.0, "1985", ""]]
    path = member_list(tmp_path / "bad.xlsx", rows)
    m = mutual_list.propose(path)
    drafts, problems = mutual_list.parse(database, path, m, unit)
    assert [d.name for d in drafts] == ["张三", "李四", "王五"]
    errors = {(p.row, p.column): p for p in problems.of_level("error")}
    assert set(errors) == {(6, "公民身份号码"), (7, "姓名"), (8, "公民身份号码"), (8, "银行账号"), (9, "银行账号"),
                           (9, "连续参加起始年度")}
    text = errors[(6, "公民身份号码")].text()
    assert "工作表“参加名单”第 6 行“公民身份号码”列（C 列）" in text and "校验位不正确" in text and bad_id in text
    assert "与第 3 行是同一人" in errors[(8, "公民身份号码")].reason
    assert "只能是数字" in errors[(8, "银行账号")].reason
    assert "15 位有效数字" in errors[(9, "银行账号")].reason        # an account typed as a number lost digits
    assert "1990" in errors[(9, "连续参加起始年度")].reason
    warnings = [p.text() for p in problems.of_level("warning")]
    assert any("合计行" in w and "第 10 行" in w for w in warnings)
    assert any("县运输公司工会" in w and "将新建" in w for w in warnings)
    before = counts(database)
    with pytest.raises(ListRejected) as e:
        mutual_list.import_list(database, clerk, plan, unit, path, m)
    assert "第 6 行" in str(e.value) and e.value.exit_code == 1
    assert counts(database) == before


def test_good_list_creates_enrols_and_a_second_import_duplicates_nothing(database, clerk, plan, unit, tmp_path):
    path = member_list(tmp_path / "good.xlsx", GOOD)
    m = mutual_list.propose(path)
    preview = mutual_list.read(database, path, m, unit, plan_id=plan)
    assert preview.ok and [r.state for r in preview.rows] == ["新会员"] * 3
    assert "新会员 3 人" in preview.summary() and "将新建单位 县运输公司工会" in preview.summary()
    result = mutual_list.import_list(database, clerk, plan, unit, path, m)
    assert (result.created, result.updated, result.enrolled, result.already) == (3, 0, 3, 0)
    assert mutual_list.result_text(result) == "新增会员 3 人，更新 0 人，登记参加 3 人（已参加 0 人）"
    zhang = mutual_members.member_by_id_number(database, idn(1))
    assert zhang is not None
    assert (zhang["name"], zhang["unit_name"], zhang["phone"], zhang["bank_name"], zhang["bank_account"],
            zhang["since_year"]) == ("张三", UNIT, "13812345678", "中国农业银行", "6228480000000001234", 2016)
    li = mutual_members.member_by_id_number(database, idn(2))
    assert li is not None
    assert (li["unit_name"], li["phone"], li["since_year"], li["note"]) == (UNIT, "13912345678", 2018, "新入职")
    wang = mutual_members.member_by_id_number(database, idn(3))
    assert wang is not None and wang["unit_name"] == "县运输公司工会"      # the unit named in the list, created
    enrolled = mutual_members.list_members(database, plan_id=plan, enrolled_only=True)
    assert len(enrolled) == 3
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'import_list'") == 1

    # the same list again: everybody is already in, nothing is duplicated
    again = mutual_list.read(database, path, m, unit, plan_id=plan)
    assert [r.state for r in again.rows] == ["已参加"] * 3 and not again.new_units
    before = counts(database)
    result = mutual_list.import_list(database, clerk, plan, unit, path, m)
    assert (result.created, result.updated, result.enrolled, result.already) == (0, 0, 0, 3)
    assert counts(database) == before

    # a corrected phone updates the member, still no duplicate
    fixed = [list(r) for r in GOOD]
    fixed[2][4] = "13700001111"
    path2 = member_list(tmp_path / "fixed.xlsx", fixed)
    result = mutual_list.import_list(database, clerk, plan, unit, path2, mutual_list.propose(path2))
    assert (result.created, result.updated, result.enrolled, result.already) == (0, 1, 0, 3)
    assert counts(database) == before


def test_merged_unit_cells_and_rows_without_a_unit(database, clerk, plan, tmp_path):
    """A unit written once in a merged cell counts for every row it spans; with no unit at all a row is bad."""
    wb = Workbook()
    ws = wb.active
    ws.append(["医疗互助参加名单"])
    ws.append(["序号", "姓名", "公民身份号码", "所在单位"])
    ws.append([1, "张三", idn(1), "县供销社工会"])
    ws.append([2, "李四", idn(2), None])
    ws.merge_cells("D3:D4")
    ws.append([3, "王五", idn(3), None])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    m = mutual_list.propose(path)
    drafts, problems = mutual_list.parse(database, path, m, None)
    assert [p.row for p in problems.of_level("error")] == [5]
    assert "没有填写单位" in problems.of_level("error")[0].reason
    assert [d.unit_name for d in drafts] == ["县供销社工会", "县供销社工会"]
    # with a unit chosen for the rows that name none (here one that is created on import)
    result = mutual_list.import_list(database, clerk, plan, None, path, m, unit_name="县商务局工会")
    assert (result.created, result.enrolled) == (3, 3)
    assert {r["unit_name"] for r in mutual_members.list_members(database, plan_id=plan)} == {"县供销社工会", "县商务局工会"}


def test_only_enrolling_roles_import_and_a_closed_plan_refuses(database, clerk, finance, plan, unit, tmp_path):
    path = member_list(tmp_path / "l.xlsx", GOOD[:1])
    with pytest.raises(PermissionDenied):
        mutual_list.import_list(database, finance, plan, unit, path, mutual_list.propose(path))
    mutual_plans.set_plan_status(database, finance, plan, "closed")
    with pytest.raises(StateError, match="已关闭"):
        mutual_list.import_list(database, clerk, plan, unit, path, mutual_list.propose(path))
    assert counts(database)[0] == 0


# ----------------------------------------------------------------------------- the command line

@pytest.fixture
def cli():
    """``helpdesk`` has the mutual-import command (one module of the cli package)."""
    from helpdesk_gui.cli import app as cli_app
    from helpdesk_gui.cli import mutual_import
    assert mutual_import in cli_app.FEATURES


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_checks_imports_and_refuses_a_bad_file(database, plan, unit, tmp_path, capsys, monkeypatch, cli):
    bad = member_list(tmp_path / "bad.xlsx", [*GOOD, [4, "赵六", "5301221975", "", "", "", "", "", ""]])
    good = member_list(tmp_path / "good.xlsx", GOOD)
    monkeypatch.delenv("HELPDESK_USER", raising=False)
    # the list holds personal data: even a dry run needs a user who proved it
    code, out, err = run(capsys, "mutual-import", str(good), "--year", "2026", "--unit", UNIT, "--dry-run")
    assert code == 2 and "HELPDESK_USER" in err and not out
    monkeypatch.setenv("HELPDESK_USER", "clerk")
    monkeypatch.setenv("HELPDESK_PASSWORD", "passw0rd!")
    # a dry run writes nothing
    code, out, err = run(capsys, "mutual-import", str(good), "--year", "2026", "--unit", UNIT, "--dry-run")
    assert code == 0, err
    assert "新会员 3 人" in out and "将新建单位 县运输公司工会" in out and "没有写入" in out
    assert counts(database)[0] == 0
    code, out, err = run(capsys, "mutual-import", str(bad), "--year", "2026", "--unit", UNIT)
    assert code == 1
    assert "第 6 行“公民身份号码”列（C 列）" in out and "应为 18 位" in out and "没有导入" in out
    assert counts(database)[0] == 0
    code, out, err = run(capsys, "mutual-import", str(good), "--year", "2026", "--unit", UNIT, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["status"] == "imported" and got["result"] == {"created": 3, "updated": 0, "enrolled": 3, "already": 0}
    code, out, err = run(capsys, "mutual-import", str(good), "--year", "2026", "--unit", UNIT)
    assert code == 0 and "新增会员 0 人，更新 0 人，登记参加 0 人（已参加 3 人）" in out
    code, out, err = run(capsys, "mutual-import", str(bad), "--year", "2026", "--unit", UNIT, "--json")
    got = json.loads(out)
    assert code == 1 and got["status"] == "rejected"
    assert {"sheet": "参加名单", "row": 6, "column": "公民身份号码"}.items() <= got["problems"][0].items()
    code, _out, err = run(capsys, "mutual-import", str(good), "--year", "2031", "--unit", UNIT)
    assert code == 1 and "2031" in err
    code, _out, err = run(capsys, "mutual-import", str(tmp_path / "missing.xlsx"), "--year", "2026")
    assert code == 2 and "文件不存在" in err
