"""Export a list of households (the register view a clerk is looking at) to an Excel workbook.

Sensitive numbers stay masked unless the caller may reveal them. Text that Excel would treat as
a formula (``=``, ``+``, ``-``, ``@``) is written as text. openpyxl write-only mode streams rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from sqlite_utils import Database

from helpdesk_gui.core.access import audit, audit_labels
from helpdesk_gui.core.base import codes, paths
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.base.privacy import mask_id, mask_phone
from helpdesk_gui.core.city import region
from helpdesk_gui.core.register import search

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("archive_no", "档案编号", 18), ("name", "姓名", 10), ("gender", "性别", 6), ("id_number", "公民身份号码", 21),
    ("phone", "手机号码", 14), ("employer_name", "工作单位", 28), ("township", "乡镇（街道）", 12),
    ("category", "困难类别", 10), ("cause_main", "主要致困原因", 18), ("family_size", "家庭人口", 8),
    ("per_capita_month_fen", "家庭月人均收入（元）", 16), ("status", "状态", 8), ("created_date", "建档日期", 12),
)
_CODED = {"gender": "gender", "category": "category", "cause_main": "cause", "status": "status"}
_FORMULA_START = ("=", "+", "-", "@")


def safe_text(ws: Any, value: str) -> WriteOnlyCell:
    """A text cell Excel will never evaluate (data starting with = + - @ stays data)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if value.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def export_households(db: Database, path: Path, ids: Sequence[int], *, reveal: bool = False,
                      progress: Callable[[int, int], None] | None = None, title: str = "档案列表") -> int:
    """Write the households ``ids`` (in this order) to ``path``. Returns the number of rows. Where the database
    holds several counties' archives (the city), a 所属县区 column follows the 档案编号."""
    book = codes.load(db)
    counties = region.names(db) if region.shows_counties(db) else None
    columns = COLUMNS if counties is None else (COLUMNS[0], ("sender_code", "所属县区", 16), *COLUMNS[1:])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for i, (_k, _t, width) in enumerate(columns):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for _k, label, _w in columns:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    ws.append(header)
    total = len(ids)
    done = 0
    for start in range(0, total, 2000):
        chunk = list(ids[start:start + 2000])
        found = search.rows_by_ids(db, chunk)
        for hid in chunk:
            r = found.get(hid)
            if r is None:
                continue
            out: list[Any] = []
            for key, _label, _w in columns:
                v = r.get(key)
                if key == "sender_code" and counties is not None:
                    out.append(safe_text(ws, counties.get(str(v)) or str(v or "")))
                elif key in _CODED:
                    out.append(book.label(_CODED[key], v))
                elif key == "id_number":
                    out.append(safe_text(ws, str(v or "") if reveal else mask_id(v)))
                elif key == "phone":
                    out.append(safe_text(ws, str(v or "") if reveal else mask_phone(v)))
                elif key == "per_capita_month_fen":
                    out.append(float(format_yuan(int(v or 0))))
                elif isinstance(v, str):
                    out.append(safe_text(ws, v))
                else:
                    out.append(v)
            ws.append(out)
            done += 1
        if progress:
            progress(min(start + len(chunk), total), total)
    with paths.replacing(path) as part:
        wb.save(part)
    return done


def export_audit(db: Database, path: Path, flt: Any, *, progress: Callable[[int, int], None] | None = None) -> int:
    """The audit rows matching ``flt`` (an ``audit.AuditFilter``) to a workbook, newest first."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    widths = (8, 22, 12, 14, 10, 20, 60, 60)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.append(["序号", "时间", "操作人", "操作", "对象", "对象编号", "修改前", "修改后"])
    total = audit.count(db, flt)
    done = 0
    while done < total:
        chunk = audit.query(db, flt, limit=5000, offset=done)
        if not chunk:
            break
        for r in chunk:
            ws.append([r["id"], r["at"], safe_text(ws, r["username"]),
                       audit_labels.action_label(r["action"]),
                       audit_labels.entity_label(r["entity"]), safe_text(ws, r["entity_id"]),
                       safe_text(ws, r["before"] or ""), safe_text(ws, r["after"] or "")])
        done += len(chunk)
        if progress:
            progress(done, total)
    with paths.replacing(path) as part:
        wb.save(part)
    return done
