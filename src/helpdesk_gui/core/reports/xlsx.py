"""The monthly / yearly report as an Excel workbook (openpyxl): the city's figures and the breakdowns,
every table with a 合计 row (and column) that adds up. Amounts are yuan with two decimals at this
edge; they are summed in fen first so the totals are exact. Written beside the target and renamed
into place, so a failure leaves no half-written file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from helpdesk_gui.core.base import paths
from helpdesk_gui.core.reports.figures import Report

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_TOTAL = PatternFill("solid", fgColor="F2F2F2")
_SECTION = PatternFill("solid", fgColor="FFF2CC")
YUAN = "#,##0.00"
COUNT = "#,##0"


def _unit(report: Report) -> str:
    """Whose figures: the desk's union, or one county's at the city (``市总工会 · 县总工会``)."""
    return f"{report.union_name}·{report.county_name}" if report.county else report.union_name


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


class _Sheet:
    """A titled table: header, rows, a total row; each column either counts or money (fen)."""

    def __init__(self, ws: Worksheet, title: str, subtitle: str, headers: Sequence[str], widths: Sequence[int]) -> None:
        self.ws = ws
        self.n = len(headers)
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.n)
        ws.cell(1, 1).font = Font(bold=True, size=14)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.append([subtitle])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=self.n)
        ws.cell(2, 1).alignment = Alignment(horizontal="center")
        ws.append(list(headers))
        for c in range(1, self.n + 1):
            cell = ws.cell(3, c)
            cell.font = Font(bold=True)
            cell.fill = _HEAD
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A4"

    def row(self, values: Sequence[Any], money: Sequence[bool] = (), *, fill: PatternFill | None = None,
            bold: bool = False) -> None:
        out: list[Any] = []
        for i, v in enumerate(values):
            out.append(_yuan(int(v)) if i < len(money) and money[i] and v is not None and v != "" else v)
        self.ws.append(out)
        r = self.ws.max_row
        for c in range(1, self.n + 1):
            cell = self.ws.cell(r, c)
            cell.border = _BORDER
            if isinstance(cell.value, (int, float)):
                is_money = c - 1 < len(money) and money[c - 1]
                cell.number_format = YUAN if is_money else COUNT
            if fill is not None:
                cell.fill = fill
            if bold:
                cell.font = Font(bold=True)


def _table(wb: Workbook, name: str, report: Report, title: str, headers: Sequence[str], widths: Sequence[int],
           body: list[list[Any]], money: Sequence[bool], *, total_label: str = "合计",
           given: Mapping[int, int] | None = None, note: str = "") -> None:
    """A breakdown: label column(s), numeric columns, and a 合计 row of the numeric columns (fen summed; a
    column whose rows do not add up, such as 户数, takes its total from ``given``)."""
    sheet = _Sheet(wb.create_sheet(name), title, f"{_unit(report)}　统计期间：{report.period.text()}", headers, widths)
    first_num = next((i for i, v in enumerate(body[0]) if isinstance(v, int)), len(headers)) if body else 1
    totals: list[Any] = [total_label] + [""] * (first_num - 1)
    for c in range(first_num, len(headers)):
        totals.append((given or {}).get(c, sum(int(r[c] or 0) for r in body)))
    for r in body:
        sheet.row(r, money)
    sheet.row(totals, money, fill=_TOTAL, bold=True)
    if note:
        sheet.ws.append([note])


def write(report: Report, path: Path) -> Path:
    """Write the workbook; returns the path."""
    book = report.book
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "统计报表"
    main = _Sheet(ws, f"{_unit(report)}困难职工帮扶工作统计报表",
                  f"统计期间：{report.period.text()}　　本年累计：{report.period.year_to_date().text()}　　"
                  f"上年同期：{report.period.previous_year().text()}",
                  ["序号", "指标", "单位", "本期", "本年累计", "上年同期"], [6, 30, 8, 16, 16, 16])
    section = ""
    for n, r in enumerate(report.rows(), start=1):
        if r["section"] != section:
            section = str(r["section"])
            main.row([section, "", "", "", "", ""], fill=_SECTION, bold=True)
            main.ws.merge_cells(start_row=main.ws.max_row, start_column=1, end_row=main.ws.max_row, end_column=6)
        money = [False, False, False] + [bool(r["money"])] * 3
        main.row([n, r["label"], r["unit"], r["period"], r["ytd"], r["last_year"]], money)
    main.ws.append([])
    main.ws.append(["说明：接待、服务事项按登记或办结日期统计；帮扶按发放日期统计；期末数为统计期间最后一天的时点数；"
                    "慰问金与帮扶资金分别统计，不重复计算。"])

    fig = report.now
    # reception: channel × kind, totals both ways
    kinds = book.items("reception_kind", active_only=False)
    channels = book.items("reception_channel", active_only=False)
    body = []
    for ch in channels:
        counts = [int(fig["reception_matrix"].get(ch.code, {}).get(k.code, 0)) for k in kinds]
        body.append([ch.label, *counts, sum(counts)])
    _table(wb, "接待登记", report, "接待来信来电来访分类统计（件次）", ["接待方式", *[k.label for k in kinds], "合计"],
           [14] + [10] * (len(kinds) + 1), body, [])

    # assistance by project: 户次 and 金额 add up; 户数 is distinct per project (not summed)
    body = []
    for item in book.items("project", active_only=False):
        a = fig["by_project"].get(item.code)
        if a:
            body.append([item.label, int(a["count"]), int(a["households"]), int(a["fen"])])
    for code, a in fig["by_project"].items():
        if not book.has_code("project", code):
            body.append([code or "未填", int(a["count"]), int(a["households"]), int(a["fen"])])
    if not body:
        body = [["（本期无帮扶记录）", 0, 0, 0]]
    _table(wb, "帮扶项目", report, "帮扶项目统计", ["帮扶项目", "户次", "户数", "金额（元）"], [18, 10, 10, 16], body,
           [False, False, False, True], given={2: int(fig["assisted_households"])},
           note="同一户可享受多个项目，户数不相加：合计的户数是本期帮扶的困难职工户数（不重复计）。")

    # by fund source
    body = []
    for item in book.items("fund_source", active_only=False):
        if item.code in fig["by_fund_source"]:
            body.append([item.label, int(fig["by_fund_source"][item.code])])
    for code, fen in fig["by_fund_source"].items():
        if not book.has_code("fund_source", code):
            body.append([code or "未填", int(fen)])
    if not body:
        body = [["（本期无帮扶记录）", 0]]
    _table(wb, "资金来源", report, "帮扶资金按来源统计", ["资金来源", "金额（元）"], [18, 16], body, [False, True])

    # by category: households at the end, 户次 and 金额 in the period
    body = []
    codes_seen = set()
    for item in book.items("category", active_only=False):
        codes_seen.add(item.code)
        a = fig["by_category"].get(item.code, {})
        body.append([item.label, int(fig["end_by_category"].get(item.code, 0)), int(a.get("count", 0)),
                     int(a.get("fen", 0))])
    rest_end = sum(v for k, v in fig["end_by_category"].items() if k not in codes_seen)
    rest = [a for k, a in fig["by_category"].items() if k not in codes_seen]
    if rest_end or rest:
        body.append(["未定类别", rest_end, sum(int(a["count"]) for a in rest), sum(int(a["fen"]) for a in rest)])
    _table(wb, "困难类别", report, "按困难类别统计", ["困难类别", "期末在档（户）", "帮扶户次", "帮扶金额（元）"],
           [14, 14, 12, 16], body, [False, False, False, True])

    # service cases by kind
    body = []
    for item in book.items("service_kind", active_only=False):
        s = fig["services"].get(item.code, {})
        body.append([item.label, int(s.get("opened", 0)), int(s.get("people", 0)), int(s.get("closed", 0)),
                     int(s.get("success", 0)), int(s.get("amount_fen", 0))])
    _table(wb, "服务事项", report, "维权、就业、培训和应保未保事项", ["类别", "登记（件）", "涉及人数", "办结（件）",
                                                           "办成（件）", "追回金额（元）"],
           [16, 12, 12, 12, 12, 16], body, [False, False, False, False, False, True])

    # visits by kind
    body = [[item.label, int(fig["visits_by_kind"].get(item.code, 0))] for item in book.items("visit_kind", active_only=False)]
    _table(wb, "走访慰问", report, "走访慰问按类别统计（户次）", ["走访类别", "户次"], [18, 10], body, [])

    path = Path(path)
    with paths.replacing(path) as part:
        wb.save(part)
    return path
