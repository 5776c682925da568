"""``helpdesk`` commands of the assistance workflow (the same core functions as the window).

    helpdesk applications [--status S] [--kind K] [--text T] [--json]     list (S: a state, or open)
    helpdesk application SQ2026000001 [--json]                            one application and its timeline
    helpdesk decisions [--payable] [--year Y] [--json]                    decisions (待发放 ones for the ledger)
    helpdesk caps [--json]                                                the cap rule of every project × category
    helpdesk review-tasks --year Y [--seed S]                             create the yearly review tasks
    helpdesk holidays [--year Y] [--add YYYY-MM-DD --name N [--work]]     the calendar for 公示 working days

Every command runs as the user who logged in (``kit.session``: HELPDESK_USER and HELPDESK_PASSWORD), with
that user's permissions.
"""

from __future__ import annotations

import argparse
import datetime as _dt
from collections.abc import Callable
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core.admin import workdays
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.workflow import applications, approval, caps, review


def cmd_list(args: argparse.Namespace) -> int:
    db = kit.session(args, may="register.view").db
    book = codes.load(db)
    found = applications.list_applications(db, applications.Query(status=args.status, kind=args.kind, text=args.text),
                                           limit=args.limit)
    if args.json:
        kit.print_json(found)
        return 0
    for a in found:
        what = book.label("project", a["project"]) if a["kind"] == "project" else book.label("application_kind", a["kind"])
        amount = a["approved_fen"] or a["proposed_fen"] or a["requested_fen"]
        kit.out(f"{a['app_no']}  {a['name']}  {what}  {book.label('application_status', a['status'])}"
             + (f"  {kit.yuan(amount)} 元" if amount else ""))
    kit.out(f"共 {len(found)} 件")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    db = kit.session(args, may="register.view").db
    d = applications.detail(db, applications.id_by_app_no(db, args.app_no))
    if args.json:
        kit.print_json(d)
        return 0
    book = codes.load(db)
    kit.out(f"{d['app_no']}  {d['household']['archive_no']} {d['household']['name']}  "
         f"{book.label('application_status', d['status'])}")
    for s in d["steps"]:
        kit.out(f"  {s['on_date']}  {book.label('workflow_action', s['action'])}  {s['by_user']}  {s['opinion']}")
    for b in d["blockers"]:
        kit.out(f"  尚待办理：{b}")
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    db = kit.session(args, may="decisions.pay" if args.payable else "register.view").db
    if args.payable:
        found = approval.payable_decisions(db, year=args.year)
    else:
        found = approval.list_decisions(db, year=args.year)
    if args.json:
        kit.print_json(found)
        return 0
    total = sum(int(d["amount_fen"] or 0) for d in found)
    for d in found:
        amount = kit.yuan(d["amount_fen"]) + " 元" if d["amount_fen"] else ""
        kit.out(f"{d['app_no']}  {d['name']}  {amount}  {d['decided_on']}")
    kit.out(f"共 {len(found)} 项，合计 {kit.yuan(total)} 元")
    return 0


def cmd_caps(args: argparse.Namespace) -> int:
    db = kit.session(args, may="register.view").db
    book = codes.load(db)
    table = caps.rules_table(db)
    if args.json:
        kit.print_json([r.as_dict() | {"text": r.describe(book)} for r in table])
        return 0
    for r in table:
        cat = book.label("category", r.category) if r.category != caps.ANY_CATEGORY else "未定类别"
        kit.out(f"{book.label('project', r.project)} / {cat}：{r.describe(book)}" + (f"（{r.note}）" if r.note else ""))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    s = kit.session(args, writes=True, may="review.manage")
    counts = review.create_tasks(s.db, s.actor, args.year, seed=args.seed)
    kit.out(f"{args.year} 年复核任务：新建 {counts['tasks']} 户，测算提示不符 {counts['flagged']} 户，"
         f"抽中入户核查 {counts['sampled']} 户。")
    return 0


def cmd_holidays(args: argparse.Namespace) -> int:
    if args.add:
        s = kit.session(args, writes=True, may="settings.edit")
        try:
            day = _dt.date.fromisoformat(args.add)
        except ValueError:
            raise ValidationError("--add", "日期应写成 YYYY-MM-DD", args.add) from None
        workdays.put_holidays(s.db, s.actor, [(day, "work" if args.work else "off", args.name or "")])
        kit.out(f"已登记 {day}：{'调休上班' if args.work else '放假'} {args.name or ''}")
        return 0
    db = kit.session(args, may="register.view").db
    for h in workdays.list_holidays(db, args.year):
        kit.out(f"{h['day']}  {'放假' if h['kind'] == 'off' else '调休上班'}  {h['name']}")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("applications", "帮扶申请列表（按状态、类别筛选）", cmd_list)
    sp.add_argument("--status", help="状态代码（accepted、publicity、pending …）或 open（办理中）")
    sp.add_argument("--kind", help="申请类别代码（new_archive、project、review、change、exit）")
    sp.add_argument("--text", default="", help="申请编号、档案编号或姓名")
    sp.add_argument("--limit", type=int, default=2000, help="最多列出多少件")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("application", "一份帮扶申请及其办理记录", cmd_show)
    sp.add_argument("app_no", help="申请编号，如 SQ2026000001")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("decisions", "审批决定（--payable：已批准待发放的，供资金台账发放）", cmd_decisions)
    sp.add_argument("--payable", action="store_true", help="只列待发放的")
    sp.add_argument("--year", type=int, help="审批年度")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("caps", "帮扶上限规则（每个项目 × 困难类别）", cmd_caps)
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("review-tasks", "生成年度复核任务（重新测算收入、随机抽查）", cmd_review)
    sp.add_argument("--year", type=int, required=True, help="复核年度")
    sp.add_argument("--seed", type=int, help="随机抽查的种子（相同种子抽中相同的户）")
    sp = add("holidays", "节假日与调休（公示按工作日计算时使用）", cmd_holidays)
    sp.add_argument("--year", type=int, help="只列某一年")
    sp.add_argument("--add", metavar="YYYY-MM-DD", help="登记一天")
    sp.add_argument("--name", help="节日名称")
    sp.add_argument("--work", action="store_true", help="这一天调休上班（默认为放假）")
