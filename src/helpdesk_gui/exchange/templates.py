"""Blank templates of the batch sheets: dropdowns for every enumeration, text-formatted ID columns,
required columns marked, and a ``填写说明`` sheet explaining each column.

A grassroots station can fill the 困难职工 template and send it back; its headers then map one to
one in the column-mapping step. The city can fill 核查结果 or 政策参数 the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from helpdesk_gui.exchange import spec

NOTES_SHEET = "填写说明"
TEMPLATE_ROWS = 5000   # rows below the header that carry the dropdowns and formats


def _kind_note(col: spec.Col) -> str:
    if col.kind in (spec.E, spec.L) and col.choices:
        head = "从下拉列表选择：" if col.kind == spec.E else "可多选，用“、”分隔，可选："
        return head + "、".join(col.choices)
    return spec.TYPE_NAMES[col.kind]


def write_template(path: Path, sheets: Sequence[str] = (spec.HOUSEHOLDS,)) -> Path:
    """Write a template with the given data sheets (names of ``spec.SHEETS``) and the notes sheet."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    book = xlsxwriter.Workbook(str(part), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "valign": "vcenter", "align": "center"})
        required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                    "valign": "vcenter", "align": "center", "font_color": "#C00000"})
        text = book.add_format({"num_format": "@"})
        money = book.add_format({"num_format": "0.00"})
        integer = book.add_format({"num_format": "0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        bold = book.add_format({"bold": True})
        for name in sheets:
            sheet = spec.SHEET_BY_NAME[name]
            ws = book.add_worksheet(sheet.name)
            ws.freeze_panes(1, 0)
            ws.set_row(0, 32)
            for i, col in enumerate(sheet.columns):
                fmt = money if col.kind == spec.M else integer if col.kind == spec.INT else text
                ws.set_column(i, i, max(col.width, len(col.header) * 2 + 2), fmt)
                ws.write_string(0, i, col.header, required if col.required else header)
                if col.kind == spec.E and col.choices:
                    ws.data_validation(1, i, TEMPLATE_ROWS, i, {
                        "validate": "list", "source": list(col.choices), "error_type": "stop",
                        "error_title": col.label, "error_message": ("请从下拉列表中选择：" + "、".join(col.choices))[:250],
                        "input_title": col.label[:32], "input_message": ("必填。" if col.required else "") + "从下拉列表选择"})
                elif col.kind in (spec.D, spec.TS, spec.M, spec.INT) or col.field == "id_number":
                    message = {"D": "格式 YYYY-MM-DD，如 1975-03-12", "TS": "如 2026-11-22T10:30:00+08:00",
                               "M": "金额（元），最多两位小数", "I": "整数"}.get(col.kind, "18 位，按文本录入")
                    ws.data_validation(1, i, TEMPLATE_ROWS, i, {
                        "validate": "any", "input_title": col.label[:32],
                        "input_message": (("必填。" if col.required else "") + message)[:250]})
                if col.note:
                    ws.write_comment(0, i, col.note, {"x_scale": 2})
        notes = book.add_worksheet(NOTES_SHEET)
        notes.set_column(0, 0, 12)
        notes.set_column(1, 1, 18)
        notes.set_column(2, 2, 6)
        notes.set_column(3, 3, 60, wrap)
        notes.set_column(4, 4, 50, wrap)
        notes.write_string(0, 0, "帮扶数据交换批次（格式 1.0）模板", bold)
        notes.write_string(1, 0, "带 * 的列必须填写；列按名称识别，可以调换顺序；第 1 行是表头，数据从第 2 行开始。"
                                 "公民身份号码、银行账号等请保持“文本”格式（否则 Excel 会丢失后几位）。"
                                 "作为交换批次发送时，程序导出会自动加上“批次信息”工作表和校验值。")
        r = 3
        for i, label in enumerate(("工作表", "列名", "必填", "类型与可选值", "说明")):
            notes.write_string(r, i, label, header)
        for name in sheets:
            sheet = spec.SHEET_BY_NAME[name]
            r += 1
            notes.write_string(r, 0, sheet.name, bold)
            notes.write_string(r, 4, sheet.note)
            for col in sheet.columns:
                r += 1
                notes.write_string(r, 0, sheet.name)
                notes.write_string(r, 1, col.label)
                notes.write_string(r, 2, "是" if col.required else "")
                notes.write_string(r, 3, _kind_note(col))
                notes.write_string(r, 4, col.note)
        book.close()
    except BaseException:
        try:
            book.close()
        except Exception:  # noqa: BLE001 - the half-written file is removed below
            pass
        part.unlink(missing_ok=True)
        raise
    part.replace(path)
    return path


def write_all(folder: Path) -> list[Path]:
    """One template file per data sheet in ``folder`` (``模板_困难职工.xlsx`` ...)."""
    return [write_template(Path(folder) / f"模板_{s.name}.xlsx", [s.name]) for s in spec.SHEETS]
