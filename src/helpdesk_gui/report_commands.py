"""The monthly / yearly report at its edges: ``helpdesk report --from --to --out FILE.xlsx|FILE.pdf``
(CLI.md), and printing through the printed-forms templates (``forms/monthly.toml`` and
``forms/reception.toml``), whose sources take the figures of ``core.reports`` and the rows of
``core.reception``.

This module sits beside ``cli.py`` rather than in ``core/``: a PDF goes through ``printing.render``,
and the layers contract forbids ``core`` to import ``printing``. The window calls the same functions.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import auth, report_xlsx, reports
from helpdesk_gui.core.auth import Actor
from helpdesk_gui.core.money import format_yuan
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

MONTHLY_FORM = "monthly"
RECEPTION_FORM = "reception"


def print_report(db: Database, period: reports.Period, out: Path, *, actor: Actor, user_dir: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> render.Printed:
    """The 统计月报 form (``forms/monthly.toml``): its source builds the figures with ``core.reports``."""
    actor.require("reports.view")
    form = template.find(MONTHLY_FORM, user_dir)
    return render.render(db, form, Selection(date_from=period.start, date_to=period.end), Path(out), actor=actor,
                         progress=progress)


def print_reception_sheet(db: Database, period: reports.Period, out: Path, *, actor: Actor, reveal: bool = False,
                          user_dir: Path | None = None) -> render.Printed:
    """The 接待登记表 (``forms/reception.toml``) of the entries received in ``period`` (rows from
    ``core.reception.sheet_rows``; numbers masked unless ``reveal``)."""
    form = template.find(RECEPTION_FORM, user_dir)
    return render.render(db, form, Selection(date_from=period.start, date_to=period.end), Path(out), actor=actor,
                         reveal=reveal)


def export(db: Database, period: reports.Period, out: Path, *, actor: Actor,
           user_dir: Path | None = None) -> tuple[Path, reports.Report]:
    """The report to ``out``: ``.xlsx`` (the workbook) or ``.pdf`` (the printed monthly form)."""
    actor.require("reports.view")
    report = reports.build(db, period)
    if out.suffix.lower() == ".pdf":
        print_report(db, period, out, actor=actor, user_dir=user_dir)
    else:
        report_xlsx.write(report, out)
    return out, report


# ---------------------------------------------------------------- the command

def _date(text: str, option: str) -> _dt.date:
    from helpdesk_gui.cli import UsageError
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} 的日期应写成 YYYY-MM-DD（填写的是“{text}”）。") from None


def cmd_report(args: argparse.Namespace) -> int:
    from helpdesk_gui.cli import UsageError, _out, open_database
    out = Path(args.out).expanduser()
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UsageError(f"--out 应为 .xlsx（Excel）或 .pdf（打印的统计月报）文件（填写的是“{args.out}”）。")
    if not out.parent.exists():
        raise UsageError(f"输出文件夹 {out.parent} 不存在。")
    period = reports.Period.parse(_date(args.date_from, "--from"), _date(args.date_to, "--to"))
    db = open_database(args)
    try:
        name = args.operator or os.environ.get("HELPDESK_USER")
        actor = auth.get_actor(db, name) if name else auth.SYSTEM
        _path, report = export(db, period, out, actor=actor, user_dir=Path(args.folder) / "forms")
    finally:
        db.conn.close()
    fig = report.now
    _out(f"已导出 {period.text()} 的统计报表 → {out}\n"
         f"接待来信来电来访 {fig['reception_total']:,} 件次；帮扶困难职工 {fig['assisted_households']:,} 户、"
         f"{fig['assistance_count']:,} 户次、{format_yuan(fig['assistance_fen'], grouping=True)} 元；"
         f"依法维权 {fig['rights_cases']:,} 件次；追回拖欠工资 {format_yuan(fig['wages_recovered_fen'], grouping=True)} 元。")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("report", "统计报表（接待、帮扶、应保未保、结对、就业、维权、追回欠薪）：导出 Excel 或打印统计月报 PDF",
             cmd_report)
    sp.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="统计期间的第一天")
    sp.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="统计期间的最后一天")
    sp.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pdf", help="输出文件：.xlsx 或 .pdf")
    sp.add_argument("--operator", metavar="USER", help="填表人（用户名，印在报表上；默认 HELPDESK_USER 或“系统”）")
