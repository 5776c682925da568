"""The ledger reports as one Excel workbook: the fund statement (资金收支表) and payments by project,
category, cause, township, month and fund, each with a 合计 row. Sums are taken in fen, so every
total equals its column and the payments total equals the statement's 支出 (帮扶). Written beside
the target and renamed into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.db import get_meta, write
from helpdesk_gui.core.ledger import bank_list, payroll
from helpdesk_gui.core.ledger import reports as ledger_reports

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_TOTAL = PatternFill("solid", fgColor="F2F2F2")
YUAN = "#,##0.00"


def _sheet(wb: Workbook, name: str, title: str, subtitle: str, headers: Sequence[str], widths: Sequence[int],
           body: Sequence[Sequence[Any]], money: Sequence[bool], total: Sequence[Any]) -> Worksheet:
    ws = wb.create_sheet(name)
    n = len(headers)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.cell(2, 1).alignment = Alignment(horizontal="center")
    ws.append(list(headers))
    for c in range(1, n + 1):
        cell = ws.cell(3, c)
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for values, is_total in [*((b, False) for b in body), (total, True)]:
        ws.append([round(v / 100, 2) if m and isinstance(v, int) else v for v, m in zip(values, money)])
        r = ws.max_row
        for c in range(1, n + 1):
            cell = ws.cell(r, c)
            cell.border = _BORDER
            if money[c - 1]:
                cell.number_format = YUAN
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL
    ws.freeze_panes = "A4"
    return ws


def export(db: Database, path: Path, date_from: str, date_to: str) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    union = get_meta(db, "union_name")
    subtitle = f"{union}    {date_from} 至 {date_to}    单位：元"
    stmt = ledger_reports.statement(db, date_from, date_to)
    t = ledger_reports.total(stmt)
    cols = ("opening_fen", "receipts_fen", "payments_fen", "transfers_in_fen", "transfers_out_fen", "closing_fen")
    _sheet(wb, "资金收支表", "帮扶资金收支表", subtitle,
           ("资金", "资金来源", "期初余额", "本期收入", "本期支出", "调入", "调出", "期末余额"),
           (26, 14, 16, 16, 16, 14, 14, 16),
           [(r.name, r.source, *(getattr(r, c) for c in cols)) for r in stmt],
           (False, False, *([True] * 6)), ("合计", "", *(getattr(t, c) for c in cols)))
    total = ledger_reports.payments_summary(db, date_from, date_to)
    for key, (title, _expr, _list) in ledger_reports.DIMENSIONS.items():
        found = ledger_reports.payments_by(db, date_from, date_to, key)
        _sheet(wb, f"按{title}"[:31], f"帮扶资金发放统计（按{title}）", subtitle,
               (title, "发放笔数", "发放户数", "发放金额"), (26, 12, 12, 16),
               [(r["label"], int(r["payments"]), int(r["households"]), int(r["fen"])) for r in found],
               (False, False, False, True), ("合计", total["payments"], total["households"], total["fen"]))
    path = Path(path)
    with paths.replacing(path) as part:
        wb.save(part)
    return path


def roster_bank_file(db: Database, actor: Actor, roster_id: int, path: Path) -> tuple[int, int]:
    """银行代发清单 of a 发放花名册 (``core.bank_list``): the accounts the roster pays (as they will be or were
    paid), for who keeps the books (``ledger.post``); each export audited. Returns (lines, total fen)."""
    actor.require("ledger.post")
    r = payroll.get_roster(db, roster_id)
    if r["status"] == "cancelled":
        raise StateError(f"花名册 {r['roster_no']} 已作废。")
    payees = [bank_list.Payee(x["name"], x["bank_name"] or "", x["bank_account"] or "", int(x["amount_fen"]),
                              f"{x['app_no']} {x['archive_no']}")
              for x in payroll.roster_lines(db, roster_id) if not x.get("returned_entry")]
    with write(db):            # the audit row commits only when the file was written
        done = bank_list.write(Path(path), f"{r['roster_no']} {r['title']} 银行代发清单",
                               f"{get_meta(db, 'union_name')}　单位：元", payees)
        audit.record(db, actor.username, "export_bank", "payment_roster", r["roster_no"], None,
                     {"lines": done[0], "total_fen": done[1]})
    return done
