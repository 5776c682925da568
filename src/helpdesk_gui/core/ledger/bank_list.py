"""银行代发清单: the list a bank needs to make the transfers of a payment run — name, bank, the FULL account
number (as text, so Excel keeps every digit), amount and a payment note — with the total. The callers
(``mutual_xlsx.bank_file`` for a 医疗互助 settlement, ``ledger_xlsx.roster_bank_file`` for a 发放花名册)
check who may export full account numbers and write the audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from helpdesk_gui.core.base import paths
from helpdesk_gui.core.base.errors import ValidationError

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADERS = ("序号", "户名", "开户银行", "银行账号", "金额", "附言")
WIDTHS = (6, 12, 24, 26, 14, 22)


@dataclass(frozen=True)
class Payee:
    name: str
    bank_name: str
    bank_account: str
    amount_fen: int
    note: str


def write(path: Path, title: str, subtitle: str, payees: Sequence[Payee]) -> tuple[int, int]:
    """Write the list (refused when someone has no account); returns (lines, total fen)."""
    missing = [p.name for p in payees if not p.bank_account.strip()]
    if missing:
        raise ValidationError("银行账号", f"{'、'.join(missing[:10])} 没有登记银行账号，请先补上")
    total = sum(p.amount_fen for p in payees)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "银行代发清单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.append(list(HEADERS))
    for i, w in enumerate(WIDTHS, start=1):
        ws.cell(3, i).font = Font(bold=True)
        ws.cell(3, i).fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[ws.cell(3, i).column_letter].width = w
    for n, p in enumerate(payees, start=1):
        ws.append([n, p.name, p.bank_name, p.bank_account.strip(), round(p.amount_fen / 100, 2), p.note])
        ws.cell(ws.max_row, 4).number_format = "@"
    ws.append(["合计", "", "", "", round(total / 100, 2), f"{len(payees)} 笔"])
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in row:
            cell.border = _BORDER
        row[4].number_format = "#,##0.00"
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A4"
    with paths.replacing(Path(path)) as part:
        wb.save(part)
    return len(payees), total
