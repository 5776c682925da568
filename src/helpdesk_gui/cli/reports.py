"""``helpdesk report --from --to --out FILE.xlsx|FILE.pdf`` (CLI.md): the city's report as a workbook or the
printed monthly form (``printing.reports``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core.city import region
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.printing.reports import export

# ---------------------------------------------------------------- the command

def cmd_report(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise kit.UsageError(f"--out 应为 .xlsx（Excel）或 .pdf（打印的统计月报）文件（填写的是“{args.out}”）。")
    if not out.parent.exists():
        raise kit.UsageError(f"输出文件夹 {out.parent} 不存在。")
    period = reports.Period.parse(kit.date_arg(args.date_from, "--from"), kit.date_arg(args.date_to, "--to"))
    s = kit.session(args, writes=True, may="reports.view")
    county = (args.county or "").strip() or None
    if county and county not in {code for code, _ in region.sender_choices(s.db)}:
        raise kit.UsageError(f"--county {county}：本库没有这个县区的档案（可选：" +
                             "、".join(text for _, text in region.sender_choices(s.db)) + "）。")
    _path, report = export(s.db, period, out, actor=s.actor, user_dir=Path(args.folder) / "forms", county=county)
    fig = report.now
    whose = f"{report.county_name}（{county}）" if county else ""
    kit.out(f"已导出{whose} {period.text()} 的统计报表 → {out}\n"
         f"接待来信来电来访 {fig['reception_total']:,} 件次；帮扶困难职工 {fig['assisted_households']:,} 户、"
         f"{fig['assistance_count']:,} 户次、{kit.yuan(fig['assistance_fen'])} 元；"
         f"依法维权 {fig['rights_cases']:,} 件次；追回拖欠工资 {kit.yuan(fig['wages_recovered_fen'])} 元。")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("report", "统计报表（接待、帮扶、应保未保、结对、就业、维权、追回欠薪）：导出 Excel 或打印统计月报 PDF",
             cmd_report)
    sp.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="统计期间的第一天")
    sp.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="统计期间的最后一天")
    sp.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf", help="输出文件：.xlsx 或 .pdf")
    sp.add_argument("--county", metavar="CODE", help="市总工会：只统计这个县区的档案和帮扶（默认全市）")
