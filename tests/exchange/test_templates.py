"""Blank templates: a dropdown on every enumeration, text-formatted IDs, a notes sheet for each column."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from helpdesk_gui.exchange import mapping, spec, templates


def column_format(ws, index: int) -> str:
    """The number format of a column (openpyxl keeps runs of equal columns under their first letter)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return str(dim.number_format)
    return "General"


@pytest.mark.parametrize("name", spec.DATA_SHEETS)
def test_template_per_sheet(name, tmp_path):
    path = templates.write_template(tmp_path / f"{name}.xlsx", [name])
    wb = load_workbook(path)
    assert wb.sheetnames == [name, templates.NOTES_SHEET]
    ws = wb[name]
    sheet = spec.SHEET_BY_NAME[name]
    header = [c.value for c in ws[1]]
    assert header == [c.header for c in sheet.columns]
    assert ws.freeze_panes == "A2"
    lists = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            lists[str(dv.sqref).split(":")[0]] = dv.formula1.strip('"').split(",")
    for i, col in enumerate(sheet.columns):
        letter = chr(65 + i)
        if col.kind == spec.E:
            assert lists[f"{letter}2"] == list(col.choices), col.label
        if col.kind in (spec.T, spec.D):
            assert column_format(ws, i + 1) == "@", col.label
    notes = [[c.value for c in r] for r in wb[templates.NOTES_SHEET].iter_rows(min_row=5)]
    described = {(r[0], r[1]) for r in notes if r[1]}
    assert {(name, c.label) for c in sheet.columns} <= described
    required = {r[1] for r in notes if r[0] == name and r[2] == "是"}
    assert required == {c.label for c in sheet.columns if c.required}


def test_filled_household_template_maps_one_to_one(tmp_path):
    path = templates.write_template(tmp_path / "t.xlsx", [spec.HOUSEHOLDS])
    wb = load_workbook(path)
    wb[spec.HOUSEHOLDS].append(["530122202600001", "张三"])
    wb.save(path)
    m = mapping.propose(path, sheet=spec.HOUSEHOLDS)
    assert m.header_row == 1
    assert set(m.columns.values()) == set(mapping.TARGETS) - {"备注", "与户主关系"}   # a member's column
    assert m.unmapped == ["档案编号*", "档案状态*", "脱困日期", "最后修改时间*"]


def test_write_all(tmp_path):
    paths = templates.write_all(tmp_path)
    assert [p.name for p in paths] == [f"模板_{s}.xlsx" for s in spec.DATA_SHEETS]
