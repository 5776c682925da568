"""Grassroots stations' own sheets: header row found, mapping proposed, saved, imported as applications."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import foreign, mapping

from .conftest import TODAY, person

ID1, ID2, ID3 = person("1975-03-12", 11), person("1980-02-03", 22), person("1968-12-30", 35)


def station_sheet(path: Path, extra_rows: list[list] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请汇总"
    ws.append(["龙泉街道帮扶站 2026 年困难职工帮扶申请汇总表"])
    ws.merge_cells("A1:L1")
    ws.append(["", "基本情况", "", "", "", "", "", "家庭经济", "", "", "困难情况"])
    ws.append(["序号", "姓  名", "性别", "身份证号码", "出生日期", "联系电话", "家庭住址", "家庭人数",
               "年收入（元）", "刚性支出（元）", "困难类别", "致困原因", "申请日期", "经办人签字"])
    ws.append([1, "张三", "男", f"{ID1[:6]} {ID1[6:14]} {ID1[14:]}", "1975.03.12", "13812345678", "龙泉路 1 号",
               "３", "３６０００", "6,000元", "低保户", "下岗失业", "2026年11月3日", ""])
    ws.append([2, "李梅", "女", ID2.lower(), "1980年2月3日", 13912345678.0, "龙泉路 2 号", 2, 24000, 0,
               "相对困难", "患重特大疾病", "2026-11-04", ""])
    ws.append([3, "", "", "", "", "", "", "", "", "", "", "", "", ""])
    ws.append([4, "王五", "男", ID3, "", "", "龙泉路 3 号", 1, 12000.5, 0, "", "", "", ""])
    for r in extra_rows or []:
        ws.append(r)
    ws.append(["合计", "", "", "", "", "", "", "=SUM(H4:H7)", "=SUM(I4:I7)", "", "", "", "", ""])
    wb.save(path)
    return path


def test_header_row_found_and_mapping_proposed(tmp_path):
    m = mapping.propose(station_sheet(tmp_path / "s.xlsx"))
    assert (m.sheet, m.header_row) == ("申请汇总", 3)
    assert m.columns == {"姓  名": "姓名", "性别": "性别", "身份证号码": "公民身份号码", "出生日期": "出生日期",
                         "联系电话": "联系电话", "家庭住址": "家庭住址", "家庭人数": "家庭人口",
                         "年收入（元）": "家庭年收入", "刚性支出（元）": "刚性支出", "困难类别": "困难类别",
                         "致困原因": "主要致困原因", "申请日期": "建档日期"}
    assert m.unmapped == ["序号", "经办人签字"]


@pytest.mark.parametrize(("header", "target"), [("身份证号", "公民身份号码"), ("公民身份证号", "公民身份号码"),
                                                ("身份证号码", "公民身份号码"), ("月人均收入（元）", "家庭月人均收入"),
                                                ("户主姓名", "姓名"), ("家庭住址*", "家庭住址"), ("手机号", "联系电话")])
def test_known_headers(header, target):
    assert mapping.match(header)[0] == target


def test_mapping_json_is_checked():
    with pytest.raises(ValidationError, match="公民身份号码"):
        mapping.Mapping.from_json({"sheet": "x", "header_row": 1, "columns": {"姓名": "姓名"}})
    with pytest.raises(ValidationError, match="不是可导入的列"):
        mapping.Mapping.from_json({"header_row": 1, "columns": {"姓名": "姓名", "身份证": "公民身份号码", "x": "工资"}})


def test_rows_become_applications_and_skipped_rows_are_listed(database, clerk, tmp_path):
    path = station_sheet(tmp_path / "s.xlsx")
    m = mapping.propose(path)
    out = foreign.import_sheet(database, clerk, path, m, today=TODAY)
    assert out.status == "imported", [p.text() for p in out.analysis.problems.items]
    got = rows(database, "SELECT archive_no, name, status, id_number, birth_date, gender, phone, family_size, "
                         "annual_income_fen, rigid_expense_fen, per_capita_month_fen, category, legacy_category_text, "
                         "cause_main, created_date, sender_code FROM households ORDER BY id")
    assert [g["name"] for g in got] == ["张三", "李梅", "王五"]
    # applications, never straight into the register: the workflow has accepted them (入户调查 is next)
    assert {g["status"] for g in got} == {"visiting"} and {g["sender_code"] for g in got} == {"530122"}
    zs, lm, ww = got
    assert zs["id_number"] == ID1 and zs["birth_date"] == "1975-03-12" and zs["family_size"] == 3
    assert (zs["annual_income_fen"], zs["rigid_expense_fen"], zs["per_capita_month_fen"]) == (3_600_000, 600_000, 83_333)
    assert zs["category"] == "1" and zs["legacy_category_text"] == "低保户"     # mapped, original text kept
    assert lm["category"] == "2" and lm["legacy_category_text"] == ""
    assert zs["cause_main"] == "3" and zs["created_date"] == "2026-11-03"
    assert lm["id_number"] == ID2.upper() and lm["phone"] == "13912345678" and lm["created_date"] == "2026-11-04"
    assert ww["annual_income_fen"] == 1_200_050 and ww["created_date"] == TODAY.isoformat()
    assert [g["archive_no"][:10] for g in got] == ["5301222026"] * 3
    # each row is a 新建档 application of the workflow, entered by the clerk
    apps = rows(database, "SELECT a.kind, a.status, a.entered_by, a.received_date, h.name FROM applications a "
                          "JOIN households h ON h.id = a.household_id ORDER BY a.id")
    assert [(a["kind"], a["entered_by"], a["name"]) for a in apps] == [
        ("new_archive", "clerk", "张三"), ("new_archive", "clerk", "李梅"), ("new_archive", "clerk", "王五")]
    assert apps[0]["received_date"] == "2026-11-03"
    skipped = [(p.row, p.reason) for p in out.analysis.problems.items if "跳过" in p.reason]
    assert skipped == [(6, "只有序号，没有内容，已跳过"), (8, "合计行，已跳过")]
    # the same file again: said so, nothing changes
    again = foreign.import_sheet(database, clerk, path, m, today=TODAY)
    assert again.status == "already" and "导入过" in again.message()
    assert scalar(database, "SELECT count(*) FROM households") == 3
    assert exchange_state.history(database)[0]["kind"] == "sheet"


def test_same_validation_and_all_or_nothing(database, clerk, tmp_path):
    bad_row = [5, "赵六", "女", ID1, "", "", "", 1, 1000, 0, "", "", "", ""]     # ID1 is already in row 4
    path = station_sheet(tmp_path / "s.xlsx", [bad_row, [6, "钱七", "男", "530122197001011234", "", "", "", 1, 0, 0]])
    out = foreign.import_sheet(database, clerk, path, mapping.propose(path), today=TODAY, report=tmp_path / "r.xlsx")
    assert out.status == "rejected" and out.exit_code == 1
    errors = {(p.row, p.column): p.reason for p in out.analysis.problems.of_level("error")}
    assert "同一人" in errors[(8, "公民身份号码")] and "校验位" in errors[(9, "公民身份号码")]
    assert scalar(database, "SELECT count(*) FROM households") == 0
    assert (tmp_path / "r.xlsx").exists()


def test_person_already_in_the_register_is_refused(database, clerk, tmp_path):
    from helpdesk_gui.core.register import households as register
    register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "张三", "id_number": ID1, "cause_main": "3"}), today=TODAY)
    path = station_sheet(tmp_path / "s.xlsx")
    out = foreign.import_sheet(database, clerk, path, mapping.propose(path), today=TODAY)
    [p] = out.analysis.problems.of_level("error")
    assert p.row == 4 and "已是本库中有效档案" in p.reason


def test_cli_sheet_map_and_import_with_saved_mapping(folder, database, clerk, capsys, tmp_path):
    path = station_sheet(tmp_path / "s.xlsx")
    assert main(["sheet", "map", str(path)]) == 0
    proposal = json.loads(capsys.readouterr().out)
    assert proposal["sheet"] == "申请汇总" and proposal["header_row"] == 3
    assert proposal["columns"]["身份证号码"] == "公民身份号码" and "序号" in proposal["unmapped"]
    proposal["columns"]["联系电话"] = None      # the clerk drops a column
    mfile = tmp_path / "m.json"
    mfile.write_text(json.dumps(proposal, ensure_ascii=False), encoding="utf-8")
    assert main(["sheet", "import", str(path), "--mapping", str(mfile), "--dry-run"]) == 0
    assert "检查完毕（未写入）" in capsys.readouterr().out
    assert scalar(database, "SELECT count(*) FROM households") == 0
    exchange_state.save_mapping(database, clerk, "龙泉街道帮扶站", proposal)
    code = main(["sheet", "import", str(path), "--mapping", "龙泉街道帮扶站"])
    out = capsys.readouterr().out
    assert code == 0 and "已导入为申请" in out and "3 户" in out and "合计行" in out
    assert scalar(database, "SELECT count(*) FROM households WHERE phone <> ''") == 0
    assert main(["sheet", "import", str(path), "--mapping", "没有这个映射"]) == 2
