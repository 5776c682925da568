"""Station sheets as stations write them: lines under the table skipped and listed, family members on
the rows under their head (a 与户主关系 column, or rows without a 序号) imported as the household's members."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.exchange import foreign, mapping
from helpdesk_gui.exchange.station_rows import note_row

from .conftest import TODAY, person


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then on a PostgreSQL server."""
    return engine_database

ID1, ID2, ID3 = person("1975-03-12", 11), person("1980-02-03", 22), person("1968-12-30", 35)
WIFE, SON, FATHER = person("1977-06-01", 42), person("2014-09-09", 51), person("1950-01-20", 63)


def sheet(path: Path, header: list[str], data: list[list], *, title: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请表"
    if title:
        ws.append(["龙泉街道帮扶站 2026 年困难职工帮扶申请汇总表"])
        ws.merge_cells("A1:J1")
        ws.append(["填报单位：龙泉街道帮扶站（盖章）", "", "", "", "", "", "填报日期：2026年11月3日"])
    ws.append(header)
    for r in data:
        ws.append(r)
    wb.save(path)
    return path


def imported(db) -> list[dict]:
    return rows(db, "SELECT id, name, id_number, family_size, status FROM households ORDER BY id")


def members(db, household_id: int) -> list[tuple]:
    return [(m["name"], m["relation"], m["id_number"], m["identity"]) for m in rows(
        db, "SELECT name, relation, id_number, identity FROM members WHERE household_id = ? ORDER BY ord",
        [household_id])]


def test_lines_under_the_table_are_skipped_and_listed(database, clerk, tmp_path):
    header = ["序号", "姓  名", "性别", "身份证号码", "家庭住址", "家庭人数", "年收入（元）", "刚性支出（元）",
              "困难类别", "致困原因"]
    path = sheet(tmp_path / "s.xlsx", header, [
        [1, "张三", "男", ID1, "龙泉路 1 号", 3, 36000, 6000, "深度困难", "下岗失业"],
        [2, "李梅", "女", ID2, "龙泉路 2 号", 2, 24000, 0, "相对困难", "患重特大疾病"],
        ["合计", "", "", "", "", 5, "=SUM(G4:G5)", "", "", ""],
        ["填表人：张三　审核人：李四　日期：2026年11月3日"],
        ["", "制表人：", "王五", "", "审核人：", "赵六"],
        ["说明：1. 家庭人数含户主；2. 收入为申请前 12 个月。"],
        ["（盖章）", "", "", "", "", "", "   年   月   日"],
        ["注：本表一式两份。"],
    ])
    m = mapping.propose(path)
    assert m.header_row == 3 and m.columns["身份证号码"] == "公民身份号码"
    out = foreign.import_sheet(database, clerk, path, m, today=TODAY)
    assert out.status == "imported", [p.text() for p in out.analysis.problems.items]
    assert [h["name"] for h in imported(database)] == ["张三", "李梅"]
    skipped = [(p.sheet, p.row, p.reason) for p in out.analysis.problems.items if "跳过" in p.reason]
    footer = "表格下方的落款或说明（填表人、审核人、盖章、日期、说明等），已跳过"
    assert skipped == [("申请表", 6, "合计行，已跳过")] + [("申请表", r, footer) for r in (7, 8, 9, 10, 11)]
    assert out.analysis.problems.errors == 0


def test_note_rows_are_one_rule():
    assert note_row(["合计", "", 5]) == note_row([7, "小计"]) == "合计行，已跳过"
    for row in (["填表人：张三　审核人：李四　日期：2026年11月3日"], ["", "审核人：", "李四"], ["单位盖章："],
                ["日期：2026.11.3"], ["  年  月  日"], ["说明：……"], ["注:"], ["（盖章）"]):
        assert note_row(row) is not None, row
    for row in ([1, "张三", "男", ID1], ["张三", "", "说明：家里有病人"], [3, "日月", "女"], ["", "", ""]):
        assert note_row(row) is None, row


RELATION_HEADER = ["序号", "姓名", "与户主关系", "身份证号", "健康状况", "工作状态", "工作单位", "家庭人口",
                   "家庭年收入", "刚性支出", "困难类别", "主要致困原因"]


def test_members_under_their_head_by_relation(database, clerk, tmp_path, capsys):
    path = sheet(tmp_path / "r.xlsx", RELATION_HEADER, [
        [1, "张三", "本人", ID1, "良好", "下岗", "金马纺织厂", 3, 36000, 6000, "深度困难", "下岗失业"],
        ["", "王芳", "妻子", WIFE, "恶性肿瘤", "无业", "", "", "", "", "", ""],
        ["", "张小明", "儿子", SON, "良好", "小学", "龙泉小学", "", "", "", "", ""],
        [2, "李梅", "户主", ID2, "良好", "失业", "", 1, 12000, 0, "相对困难", "下岗失业"],
        ["", "李父", "父亲", "", "一般疾病", "退休", "", "", "", "", "", ""],
        [3, "王五", "", ID3, "良好", "在岗", "", 1, 12000, 0, "相对困难", "其他"],
        ["合计", "", "", "", "", "", "", 5, 60000, 6000],
        ["填表人：赵站长　审核人：钱主任"],
    ])
    m = mapping.propose(path)
    assert m.columns["与户主关系"] == "与户主关系"      # proposed like any other column
    out = foreign.import_sheet(database, clerk, path, m, today=TODAY)
    assert out.status == "imported", [p.text() for p in out.analysis.problems.items]
    assert "家庭成员 3 人" in out.message()
    heads = imported(database)
    assert [(h["name"], h["family_size"]) for h in heads] == [("张三", 3), ("李梅", 2), ("王五", 1)]
    # the family of each application: name, relation (配偶 1, 子女 2, 父母 3), ID number, 人员身份 (小学 25)
    assert members(database, heads[0]["id"]) == [("王芳", "1", WIFE, "9"), ("张小明", "2", SON, "25")]
    assert members(database, heads[1]["id"]) == [("李父", "3", "", "4")]
    assert members(database, heads[2]["id"]) == []
    assert scalar(database, "SELECT count(*) FROM applications WHERE kind = 'new_archive'") == 3
    warned = [(p.row, p.column) for p in out.analysis.problems.of_level("warning") if p.column == "家庭人口"]
    assert warned == [(7, "家庭人口")]   # 李梅 wrote 1 and lists her father: 2 are imported


def test_members_under_their_head_by_empty_seq(database, clerk, tmp_path):
    header = ["序号", "姓名", "身份证号码", "家庭人口", "家庭年收入", "刚性支出", "困难类别", "主要致困原因"]
    path = sheet(tmp_path / "q.xlsx", header, [
        [1, "张三", ID1, 2, 36000, 6000, "深度困难", "下岗失业"],
        ["", "王芳", WIFE],
        [2, "李梅", ID2, 1, 12000, 0, "相对困难", "下岗失业"],
    ], title=False)
    m = mapping.propose(path)
    out = foreign.import_sheet(database, clerk, path, m, today=TODAY)
    assert out.status == "imported", [p.text() for p in out.analysis.problems.items]
    heads = imported(database)
    assert [h["name"] for h in heads] == ["张三", "李梅"]
    assert members(database, heads[0]["id"]) == [("王芳", "7", WIFE, None)]   # relation not written: 其他
    [w] = [p for p in out.analysis.problems.of_level("warning") if p.row == 3]
    assert "没有写与户主关系" in w.reason and "其他" in w.reason


def test_problems_in_member_rows_say_sheet_row_and_column(database, clerk, tmp_path):
    bad_id = ID3[:-1] + ("0" if ID3[-1] != "0" else "1")
    path = sheet(tmp_path / "bad.xlsx", RELATION_HEADER, [
        ["", "无头", "配偶", WIFE, "", "", "", "", "", "", "", ""],
        [1, "张三", "本人", ID1, "良好", "下岗", "", 2, 36000, 6000, "深度困难", "下岗失业"],
        ["", "王芳", "邻居", "", "", "", "", "", "", "", "", ""],
        ["", "张小明", "儿子", bad_id, "", "", "", "", "", "", "", ""],
        [2, "李梅", "本人", "", "", "小学", "", 1, 0, 0, "相对困难", "下岗失业"],
    ])
    out = foreign.import_sheet(database, clerk, path, mapping.propose(path), today=TODAY)
    assert out.status == "rejected" and out.exit_code == 1
    errors = {(p.sheet, p.row, p.column): p.reason for p in out.analysis.problems.of_level("error")}
    assert "上方没有户主" in errors[("申请表", 4, "与户主关系")]
    assert "不是可选值" in errors[("申请表", 6, "与户主关系")]
    assert "校验" in errors[("申请表", 7, "公民身份号码")]
    assert errors[("申请表", 8, "公民身份号码")].startswith("必填")
    assert "学生身份只用于家庭成员" in errors[("申请表", 8, "工作状态")]
    where = [p.text() for p in out.analysis.problems.of_level("error")]
    assert any("工作表“申请表”第 6 行“与户主关系”列（C 列）" in t for t in where), where
    assert scalar(database, "SELECT count(*) FROM households") == 0
    assert scalar(database, "SELECT count(*) FROM members") == 0


def test_cli_sheet_import_with_members(folder, database, capsys, tmp_path):
    import json
    path = sheet(tmp_path / "r.xlsx", RELATION_HEADER, [
        [1, "张三", "本人", ID1, "良好", "下岗", "", 2, 36000, 6000, "深度困难", "下岗失业"],
        ["", "王芳", "配偶", WIFE, "良好", "无业", "", "", "", "", "", ""],
        ["审核人：钱主任", "", "", "", "", "", "", "", "", "", "", ""],
    ])
    assert main(["sheet", "map", str(path)]) == 0
    proposal = json.loads(capsys.readouterr().out)
    assert proposal["header_row"] == 3 and proposal["columns"]["与户主关系"] == "与户主关系"
    mfile = tmp_path / "m.json"
    mfile.write_text(json.dumps(proposal, ensure_ascii=False), encoding="utf-8")
    assert main(["sheet", "import", str(path), "--mapping", str(mfile)]) == 0
    out = capsys.readouterr().out
    assert "新增“申请中”的档案 1 户" in out and "家庭成员 1 人" in out and "落款或说明" in out
