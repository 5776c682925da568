"""医疗互助 reports as tables, and those tables as an Excel workbook (openpyxl).

Four reports for one plan year: 会员情况 (members per unit), 缴费情况 (contributions per unit),
报销支付 (claims and advances paid per unit in a date range), 资金收支 (the fund over the plan year).
``build`` makes a :class:`Table` with amounts in fen and a 合计 row summed in fen, so the screen
and the workbook show the same numbers and every total equals its column. ``export`` writes any of
them, one sheet each, beside the target and renames it into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.db import get_meta, write
from helpdesk_gui.core.ledger import bank_list
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle

REPORTS: dict[str, str] = {"members": "会员情况", "contributions": "缴费情况", "claims": "报销支付", "fund": "资金收支"}

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_TOTAL = PatternFill("solid", fgColor="F2F2F2")
YUAN = "#,##0.00"
COUNT = "#,##0"


@dataclass(frozen=True)
class Table:
    """One report: headers, body rows and a total row; ``money`` marks columns in fen."""

    key: str
    title: str
    subtitle: str
    headers: tuple[str, ...]
    money: tuple[bool, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: tuple[Any, ...] | None

    @property
    def sheet_name(self) -> str:
        return REPORTS[self.key]


def _sum(rows: Sequence[dict[str, Any]], key: str) -> int:
    return sum(int(r[key] or 0) for r in rows)


def build(db: Database, key: str, plan_id: int, *, date_from: str | None = None, date_to: str | None = None) -> Table:
    """The report ``key`` (one of ``REPORTS``) for the plan; 报销支付 covers ``date_from``..``date_to``
    (the plan year when not given)."""
    if key not in REPORTS:
        raise ValueError(key)
    plan = mutual_plans.get_plan(db, plan_id)
    union = get_meta(db, "union_name")
    year = f"{plan['period']} 年度"
    if key == "members":
        found = mutual_settle.report_members(db, plan_id)
        cols: tuple[str, ...] = ("enrolled", "paid", "unpaid", "claims")
        return Table(key, f"{year}职工医疗互助会员情况", f"{union}　{plan['start_date']} 至 {plan['end_date']}",
                     ("单位", "参加人数", "已缴费", "未缴费", "获批报销（件）"), (False,) * 5, (30, 12, 12, 12, 14),
                     tuple((r["unit_name"], *(int(r[c]) for c in cols)) for r in found),
                     ("合计", *(_sum(found, c) for c in cols)))
    if key == "contributions":
        found = mutual_settle.report_contributions(db, plan_id)
        cols = ("members", "worker_fen", "unit_fen", "union_fen", "amount_fen", "receipts")
        return Table(key, f"{year}职工医疗互助金缴费情况", f"{union}　{plan['start_date']} 至 {plan['end_date']}　单位：元",
                     ("单位", "缴费人数", "职工缴纳", "单位补贴", "工会补贴", "合计金额", "缴款笔数"),
                     (False, False, True, True, True, True, False), (30, 10, 14, 14, 14, 16, 10),
                     tuple((r["unit_name"], *(int(r[c]) for c in cols)) for r in found),
                     ("合计", *(_sum(found, c) for c in cols)))
    if key == "claims":
        a, b = date_from or plan["start_date"], date_to or plan["end_date"]
        found = mutual_settle.report_claims_paid(db, a, b)
        cols = ("claims", "claims_fen", "advances_fen", "paid_fen")
        return Table(key, "职工医疗互助报销支付情况", f"{union}　支付日期 {a} 至 {b}　单位：元",
                     ("单位", "报销件数", "报销支付", "特殊救助预付", "支付合计"), (False, False, True, True, True),
                     (30, 10, 16, 16, 16),
                     tuple((r["unit_name"], *(int(r[c]) for c in cols)) for r in found),
                     ("合计", *(_sum(found, c) for c in cols)))
    f = mutual_settle.fund_report(db, plan_id)
    items = (("期初余额", f["opening_fen"]), ("互助金缴费收入", f["contributions_fen"]),
             ("报销支付", -int(f["claims_fen"])), ("特殊救助预付", -int(f["advances_fen"])),
             ("其他收支（净额）", f["other_fen"]), ("期末余额", f["closing_fen"]),
             ("已批准待结算（应付未付）", f["owed_fen"]))
    return Table(key, f"{year}职工医疗互助金收支情况",
                 f"{union}　{f['fund_name']}　{f['date_from']} 至 {f['date_to']}　单位：元",
                 ("项目", "金额"), (False, True), (30, 18), tuple((k, int(v)) for k, v in items), None)


def build_all(db: Database, plan_id: int, *, date_from: str | None = None, date_to: str | None = None) -> list[Table]:
    return [build(db, k, plan_id, date_from=date_from, date_to=date_to) for k in REPORTS]


def _sheet(wb: Workbook, t: Table) -> None:
    ws = wb.create_sheet(t.sheet_name)
    n = len(t.headers)
    ws.append([t.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append([t.subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.cell(2, 1).alignment = Alignment(horizontal="center")
    ws.append(list(t.headers))
    for c in range(1, n + 1):
        cell = ws.cell(3, c)
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, w in enumerate(t.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    body: list[tuple[tuple[Any, ...], bool]] = [(r, False) for r in t.rows]
    if t.total is not None:
        body.append((t.total, True))
    for values, is_total in body:
        ws.append([round(v / 100, 2) if m and isinstance(v, int) else v for v, m in zip(values, t.money, strict=True)])
        r = ws.max_row
        for c in range(1, n + 1):
            cell = ws.cell(r, c)
            cell.border = _BORDER
            if isinstance(cell.value, (int, float)):
                cell.number_format = YUAN if t.money[c - 1] else COUNT
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL
    ws.freeze_panes = "A4"


def export(path: Path, tables: Sequence[Table]) -> Path:
    """Write the tables, one sheet each, to ``path``; returns the path."""
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for t in tables:
        _sheet(wb, t)
    path = Path(path)
    with paths.replacing(path) as part:
        wb.save(part)
    return path


def bank_file(db: Database, actor: Actor, settlement_id: int, path: Path) -> tuple[int, int]:
    """银行代发清单 of a settlement (``core.bank_list``): only who pays (``mutual.pay``), each export audited.
    Returns (lines, total fen)."""
    actor.require("mutual.pay")
    s = mutual_settle.get_settlement(db, settlement_id)
    payees = [bank_list.Payee(c["name"], c["bank_name"], c["bank_account"], int(c["payable_fen"]),
                              f"医疗互助报销 {c['claim_no']}")
              for c in mutual_settle.settlement_lines(db, settlement_id) if int(c["payable_fen"]) > 0]
    with write(db):            # the audit row commits only when the file was written
        done = bank_list.write(Path(path), f"{s['settle_no']} 医疗互助报销银行代发清单",
                               f"{mutual_settle.quarter_label(s['quarter'])}　{s['fund_name']}　单位：元", payees)
        audit.record(db, actor.username, "export_bank", "mutual_settlement", s["settle_no"], None,
                     {"lines": done[0], "total_fen": done[1]})
    return done
