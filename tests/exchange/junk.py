"""Large junk workbooks inside every safety limit, written in constant memory (xlsxwriter).

A junk batch has a manifest and a 困难职工 sheet with the contract's header and ``rows`` rows of 28
cells where nearly every cell is refused (text in number and date columns, made-up labels, IDs
typed as numbers); a junk station sheet and a junk member list have a title row, a header in the
sender's own words and the same kind of rows. Every text is different, so nothing is shared.
Used by ``test_bounded`` and by ``benchmarks/bounded.py`` (200,000 and 400,000 rows).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import xlsxwriter

from helpdesk_gui.exchange import spec

STATION_HEADER = ("序号", "姓  名", "性别", "身份证号码", "出生日期", "联系电话", "工作单位", "家庭住址",
                  "家庭人口", "家庭年收入（元）", "刚性支出（元）", "困难类别", "主要致困原因", "申请日期", "备注")
MEMBER_HEADER = ("序号", "职工姓名", "身份证号", "单位", "手机", "开户行", "银行卡号", "首次参加年度", "备注")


def _book(path: Path) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})


def _junk(ws: xlsxwriter.worksheet.Worksheet, first: int, rows: int, width: int) -> None:
    for r in range(rows):
        row = first + r
        for c in range(width):
            k = c % 4
            if k == 0:
                ws.write_string(row, c, f"垃圾{r}x{c}")
            elif k == 1:
                ws.write_number(row, c, 110101198001011234 + r * 7 + c)
            elif k == 2:
                ws.write_string(row, c, f"=SUM(A{r})#{c}")
            else:
                ws.write_string(row, c, f"{r}.{c}元元")


def batch(path: Path, rows: int) -> Path:
    """A batch (manifest + 困难职工) with ``rows`` junk rows."""
    book = _book(path)
    ws = book.add_worksheet(spec.MANIFEST)
    manifest = {spec.K_VERSION: "1.0", spec.K_BATCH: str(uuid.uuid4()), spec.K_SENDER: "530122",
                spec.K_SENDER_NAME: "某某县总工会", spec.K_RECEIVER: "530100",
                spec.K_GENERATED: "2026-11-01T10:30:00+08:00", f"{spec.K_ROWS}{spec.HOUSEHOLDS}": str(rows),
                spec.K_CHECKSUM: "0" * 64}
    for r, (k, v) in enumerate(manifest.items()):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    ws = book.add_worksheet(spec.HOUSEHOLDS)
    labels = spec.SHEET_BY_NAME[spec.HOUSEHOLDS].labels
    for c, label in enumerate(labels):
        ws.write_string(0, c, label)
    _junk(ws, 1, rows, len(labels))
    book.close()
    return path


def station(path: Path, rows: int) -> Path:
    """A station's own sheet: a title row, its header in row 2, ``rows`` junk rows."""
    book = _book(path)
    ws = book.add_worksheet("困难职工花名册")
    ws.write_string(0, 0, "某某镇困难职工申请花名册")
    for c, label in enumerate(STATION_HEADER):
        ws.write_string(1, c, label)
    _junk(ws, 2, rows, len(STATION_HEADER))
    book.close()
    return path


def member_list(path: Path, rows: int) -> Path:
    """A unit's 医疗互助 member list: a title row, its header in row 2, ``rows`` junk rows."""
    book = _book(path)
    ws = book.add_worksheet("参加名单")
    ws.write_string(0, 0, "2026 年度职工医疗互助参加名单")
    for c, label in enumerate(MEMBER_HEADER):
        ws.write_string(1, c, label)
    _junk(ws, 2, rows, len(MEMBER_HEADER))
    book.close()
    return path
