"""The report a sender can fix and send back: an annotated copy of the workbook.

Every sheet of the original is copied cell by cell (values and types; text stays text, an ID that
arrived as a number stays a number so the sender sees it), each cell with a problem is filled red
and carries a comment with the reason, and a first sheet ``错误清单`` lists every problem with its
sheet, row, column, value and reason (the first ``problems.MAX_SHOWN``; the count of the rest is
said under the list, and only the listed problems are marked). Written with xlsxwriter in
constant-memory mode, reading the original row by row.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter

from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.problems import ERROR, LEVEL_LABELS, WARNING, Problems, column_letter
from helpdesk_gui.exchange.reader import Workbook

MAX_COMMENTS = 20_000
FORMULA_START = ("=", "+", "-", "@")


def write_report(source: Path, problems: Problems, out: Path, *, title: str = "") -> Path:
    """Write the annotated copy of ``source`` to ``out`` (``.xlsx``); returns ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    marks: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    row_marks: dict[tuple[str, int], list[str]] = defaultdict(list)
    levels: dict[tuple[str, int, int], str] = {}
    for p in problems.items:
        if p.row is None:
            continue
        if p.col_index is not None:
            key = (p.sheet, p.row, p.col_index)
            marks[key].append(p.reason)
            if levels.get(key) != ERROR:
                levels[key] = p.level
        else:
            row_marks[(p.sheet, p.row)].append(p.reason)
    book = xlsxwriter.Workbook(str(part), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "valign": "vcenter"})
        bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "@"})
        bad_number = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        warn = book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700", "num_format": "@"})
        quoted = book.add_format({"quote_prefix": True, "num_format": "@"})
        text = book.add_format({"num_format": "@"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        listing = book.add_worksheet(spec.ERRORS_SHEET)
        listing.freeze_panes(1, 0)
        widths = (6, 8, 12, 8, 8, 16, 26, 70)
        for i, label in enumerate(("序号", "级别", "工作表", "行", "列", "列名", "填写的内容", "问题说明")):
            listing.set_column(i, i, widths[i], wrap if i == 7 else text)
            listing.write_string(0, i, label, header)
        r = 0
        for r, p in enumerate(problems.items, start=1):
            listing.write_number(r, 0, r)
            listing.write_string(r, 1, LEVEL_LABELS[p.level], bad if p.level == ERROR else warn)
            listing.write_string(r, 2, p.sheet)
            if p.row is not None:
                listing.write_number(r, 3, p.row)
            if p.col_index is not None:
                listing.write_string(r, 4, column_letter(p.col_index))
            listing.write_string(r, 5, p.column)
            listing.write_string(r, 6, p.value, quoted if p.value.startswith(FORMULA_START) else None)
            listing.write_string(r, 7, p.reason)
        if problems.dropped:
            listing.write_string(r + 1, 7, f"{problems.rest_text()}（问题太多），请先修改以上问题。")
        if not problems.items:
            listing.write_string(1, 7, "没有发现问题。")
        if title:
            listing.write_string(r + 3, 7, title)
        comments = 0
        with Workbook.open(source) as wb:
            for name in wb.sheet_names:
                if name == spec.ERRORS_SHEET:
                    continue
                ws = book.add_worksheet(name[:31])
                ws.freeze_panes(1, 0)
                ws.set_column(0, 40, 14)
                for rownum, values in wb.rows(name):
                    r0 = rownum - 1
                    for c, v in enumerate(values):
                        key = (name, rownum, c)
                        reasons = marks.get(key)
                        fmt: Any = None
                        if reasons:
                            fmt = (bad if levels.get(key) == ERROR else warn) if isinstance(v, str) or v in ("", None) \
                                else bad_number
                        _write(ws, r0, c, v, fmt, quoted, date)
                        if reasons and comments < MAX_COMMENTS:
                            ws.write_comment(r0, c, "\n".join(dict.fromkeys(reasons)), {"x_scale": 2, "y_scale": 1.5})
                            comments += 1
                    row_reasons = row_marks.get((name, rownum))
                    if row_reasons and comments < MAX_COMMENTS:
                        ws.write_comment(r0, 0, "\n".join(dict.fromkeys(row_reasons)), {"x_scale": 2, "y_scale": 1.5})
                        comments += 1
        listing.activate()
        book.close()
    except BaseException:
        try:
            book.close()
        except Exception:  # noqa: BLE001 - the half-written file is removed below
            pass
        part.unlink(missing_ok=True)
        raise
    part.replace(out)
    return out


def _write(ws: Any, r: int, c: int, v: Any, fmt: Any, quoted: Any, date: Any) -> None:
    if isinstance(v, str):
        if v == "":
            if fmt is not None:
                ws.write_blank(r, c, None, fmt)
            return
        ws.write_string(r, c, v, fmt if fmt is not None else (quoted if v.startswith(FORMULA_START) else None))
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    elif isinstance(v, _dt.datetime):
        ws.write_datetime(r, c, v, fmt or date)
    elif isinstance(v, _dt.date):
        ws.write_datetime(r, c, _dt.datetime(v.year, v.month, v.day), fmt or date)
    elif isinstance(v, _dt.timedelta) or v is not None:
        ws.write_string(r, c, str(v), fmt)
    elif fmt is not None:
        ws.write_blank(r, c, None, fmt)


__all__ = ["WARNING", "write_report"]
