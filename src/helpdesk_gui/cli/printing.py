"""``helpdesk print``: list the forms, or print one into a PDF (see CLI.md).

    helpdesk print --list
    helpdesk print FORM (--household ARCHIVE_NO ... | --project ID | --from DATE --to DATE) --out FILE.pdf
                   [--reveal] [--place TEXT]
    helpdesk print mutual_roster --settlement JS2026Q4-01 --out FILE.pdf      (职工医疗互助)
    helpdesk print mutual_claim --claim HZ2026-0001[,HZ2026-0002 ...] --out FILE.pdf

FORM is a form's key (its file name in ``forms/`` without ``.toml``) or its name. ``--project``
is ``PROJECT[:PERIOD]`` (``送温暖:2026-01``, ``3:2026``, ``2:2026-Q3``,
``1:2026-01-01..2026-03-31``) or ``records:NO,NO,...`` (帮扶记录编号). The operator printed on the form is
the user who logged in; ``--reveal`` needs that user's right to see full numbers.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.core.register import households as register


def _usage(text: str) -> Exception:
    return kit.UsageError(text)


def user_forms_dir(args: argparse.Namespace) -> Path:
    return Path(args.folder) / "forms"


def cmd_print(args: argparse.Namespace) -> int:
    from helpdesk_gui.printing import render, template
    from helpdesk_gui.printing.sources import Selection

    user_dir = user_forms_dir(args)
    if args.list:
        kit.session(args, may="register.view")
        broken = 0
        forms = template.list_forms(user_dir)
        kit.out(f"可打印的表格（模板目录 {template.bundled_dir()}；本单位修改的模板放在 {user_dir}）：")
        for f in forms:
            if isinstance(f, template.TemplateError):
                broken += 1
                kit.out(f"  {f.path.stem:<12} ✗ {f}")
            else:
                kit.out(f"  {f.key:<12} {f.name}　— {f.source.title}")
        return 1 if broken else 0
    if not args.form:
        raise _usage("请给出要打印的表格（FORM），或用 --list 查看可打印的表格。")
    if not args.out:
        raise _usage("请用 --out FILE.pdf 指定输出文件。")
    if args.household and args.project:
        raise _usage("--household 与 --project 只能选一个。")
    if bool(args.date_from) != bool(args.date_to) and not args.project and not args.household:
        raise _usage("--from 与 --to 要一起给出。")
    form = template.find(args.form, user_dir)
    s = kit.session(args, writes=True, may="register.view")
    db, actor = s.db, s.actor
    try:
        book = codes.load(db)
        household_ids: tuple[int, ...] = ()
        if args.household:
            numbers = [n.strip() for item in args.household for n in item.replace("，", ",").split(",") if n.strip()]
            household_ids = tuple(register.household_id_by_archive(db, n) for n in numbers)
        roster = rosters.parse_project_id(book, args.project) if args.project else None
        if roster is not None and (args.date_from or args.date_to):
            start, end = kit.date_arg(args.date_from, "--from"), kit.date_arg(args.date_to, "--to")
            roster = rosters.RosterQuery(roster.project, start.isoformat() if start else roster.date_from,
                                         end.isoformat() if end else roster.date_to, roster.record_ids,
                                         roster.record_nos)
        mutual_settlement, mutual_claims = _mutual_selection(db, form, args)
        selection = Selection(household_ids=household_ids, roster=roster, date_from=kit.date_arg(args.date_from, "--from"),
                              date_to=kit.date_arg(args.date_to, "--to"), place=args.place or "",
                              mutual_settlement=mutual_settlement, mutual_claims=mutual_claims)
        try:
            render.check_selection(form, selection)
        except ValidationError as e:
            raise _usage(e.reason) from None
        out = Path(args.out).expanduser()
        if out.parent and not out.parent.exists():
            raise _usage(f"输出文件夹 {out.parent} 不存在。")
        printed = render.render(db, form, selection, out, actor=actor, reveal=args.reveal)
    finally:
        dbm.close(db)
    note = "（含完整身份证号和银行账号，已记入审计日志）" if printed.revealed else ""
    kit.out(f"已打印“{form.name}”：{printed.documents} 份，共 {printed.pages} 页 → {printed.path}{note}")
    return 0


def _mutual_selection(db: Any, form: Any, args: argparse.Namespace) -> tuple[int | None, tuple[int, ...]]:
    """``--settlement JS2026Q4-01`` and ``--claim HZ2026-0001,...`` (职工医疗互助) as ids."""
    from helpdesk_gui.core.mutual import claims as mutual_claims
    from helpdesk_gui.core.mutual import settle as mutual_settle
    settlement: int | None = None
    if args.settlement:
        settlement = int(mutual_settle.settlement_by_no(db, args.settlement)["id"])
    elif form.source.needs == "mutual_settlement":
        raise _usage(f"“{form.name}”按结算单打印，请指定结算单（--settlement 结算单号，如 JS2026Q4-01）。")
    numbers = [n.strip() for item in args.claim or [] for n in item.replace("，", ",").split(",") if n.strip()]
    claims = tuple(int(mutual_claims.claim_by_no(db, n)["id"]) for n in numbers)
    return settlement, claims


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("print", "打印表格到 PDF（档案表、审批表、入户调查表、公示名单、发放花名册、统计月报……）", cmd_print)
    sp.add_argument("form", nargs="?", metavar="FORM", help="表格名（forms/ 中的文件名，不含 .toml）或表格标题")
    sp.add_argument("--list", action="store_true", help="列出可打印的表格")
    sp.add_argument("--household", action="append", metavar="ARCHIVE_NO",
                    help="档案编号（可重复，或用逗号分隔多个：一次打印多户，合成一个 PDF）")
    sp.add_argument("--project", metavar="ID",
                    help="花名册的项目：项目[:期间]，如 送温暖:2026-01、3:2026、2:2026-Q3；或 records:编号,编号")
    sp.add_argument("--from", dest="date_from", metavar="DATE", help="起始日期 YYYY-MM-DD（统计期间、发放日期、公示期）")
    sp.add_argument("--to", dest="date_to", metavar="DATE", help="截止日期 YYYY-MM-DD")
    sp.add_argument("--out", metavar="FILE.pdf", help="输出的 PDF 文件")
    sp.add_argument("--reveal", action="store_true",
                    help="打印完整的身份证号、电话和银行账号（须有查看权限，记入审计日志；公示名单始终遮蔽）")
    sp.add_argument("--place", metavar="TEXT", help="公示地点（默认取系统设置）")
    sp.add_argument("--settlement", metavar="JS2026Q4-01", help="医疗互助季度结算的结算单号（结算花名册）")
    sp.add_argument("--claim", action="append", metavar="HZ2026-0001",
                    help="医疗互助报销编号（报销审批表；可重复，或用逗号分隔多个；不给时打印空白表）")
