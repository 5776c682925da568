"""``helpdesk ledger ...``: the fund ledger on the command line (read-only: posting needs a 财务 user
in the window). The same core functions as the window.

    helpdesk ledger overview [--year Y] [--json]
    helpdesk ledger statement --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE.xlsx] [--json]
    helpdesk ledger payable [--json]
    helpdesk ledger loans [--overdue] [--json]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.ledger import loans, payroll
from helpdesk_gui.core.ledger import reports as ledger_reports
from helpdesk_gui.core.ledger import xlsx as ledger_xlsx


def _date(text: str, field: str) -> str:
    return str(kit.date_arg(text, field))


def cmd_overview(args: argparse.Namespace) -> int:
    db = kit.session(args, may="ledger.view").db
    ov = ledger_reports.overview(db, args.year or _dt.date.today().year)
    if args.json:
        kit.out(json.dumps({"year": ov.year, "balance_fen": ov.balance_fen, "receipts_fen": ov.year_receipts_fen,
                         "payments_fen": ov.year_payments_fen, "funds": ov.funds,
                         "months": [{"month": m, "receipts_fen": r, "payments_fen": p} for m, r, p in ov.months]},
                        ensure_ascii=False, indent=2))
        return 0
    kit.out(f"{ov.year} 年　资金余额合计 {kit.yuan(ov.balance_fen)} 元，本年收入 {kit.yuan(ov.year_receipts_fen)} 元，"
         f"支出 {kit.yuan(ov.year_payments_fen)} 元")
    for f in ov.funds:
        kit.out(f"  {f['name']}（{f['source']}）余额 {kit.yuan(f['balance_fen'])} 元　收入 {kit.yuan(f['receipts_fen'])}　"
             f"支出 {kit.yuan(f['payments_fen'])}")
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    a, b = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    if b < a:
        raise ValidationError("--to", "早于 --from", b)
    db = kit.session(args, may="ledger.view").db
    if args.out:
        path = ledger_xlsx.export(db, Path(args.out), a, b)
        kit.out(f"已导出资金收支表和发放统计：{path}")
        return 0
    rows = ledger_reports.statement(db, a, b)
    total = ledger_reports.total(rows)
    cols = ("opening_fen", "receipts_fen", "payments_fen", "transfers_in_fen", "transfers_out_fen", "closing_fen")
    if args.json:
        kit.out(json.dumps({"from": a, "to": b, "funds": [{"fund": r.name, "source": r.source,
                                                         **{c: getattr(r, c) for c in cols}} for r in rows],
                         "total": {c: getattr(total, c) for c in cols}}, ensure_ascii=False, indent=2))
        return 0
    kit.out(f"资金收支表 {a} 至 {b}（元）：资金 / 期初 / 收入 / 支出 / 调入 / 调出 / 期末")
    for r in [*rows, total]:
        kit.out(f"  {r.name}  " + "  ".join(kit.yuan(getattr(r, c)) for c in cols))
    return 0


def cmd_payable(args: argparse.Namespace) -> int:
    items = payroll.payable(kit.session(args, may="decisions.pay").db)
    if args.json:
        kit.out(json.dumps([{k: v for k, v in i.items() if k not in ("bank_account", "approved_bank_account")}
                         for i in items], ensure_ascii=False, indent=2))
        return 0
    kit.out(f"待发放的审批决定：{payroll.describe_total(items)}")
    for i in items:
        kit.out(f"  {i['app_no']}  {i['archive_no']} {i['name']}  {kit.yuan(i['amount_fen'])} 元" +
             ("（退回待重发）" if i["returned"] else ""))
    return 0


def cmd_loans(args: argparse.Namespace) -> int:
    found = loans.list_loans(kit.session(args, may="ledger.view").db, overdue_only=args.overdue)
    if args.json:
        kit.out(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return 0
    kit.out(f"{'逾期的' if args.overdue else ''}周转金借款 {len(found)} 笔")
    for x in found:
        late = f"，逾期 {kit.yuan(x['overdue_fen'])} 元（{x['overdue_since']} 起）" if x["overdue_fen"] else ""
        kit.out(f"  {x['loan_no']} {x['household_name']}（{x['archive_no']}）借 {kit.yuan(x['principal_fen'])} 元，"
             f"尚欠 {kit.yuan(x['outstanding_fen'])} 元{late}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    fn: Callable[[argparse.Namespace], int] = args.ledger_fn
    return fn(args)


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("ledger", "资金台账（只读）：资金概览、收支表、待发放、周转金借款", _dispatch)
    sub = sp.add_subparsers(dest="ledger_command", metavar="子命令", parser_class=type(sp))
    sub.required = True

    def child(name: str, text: str, fn: Callable[[argparse.Namespace], int]) -> Any:
        c = sub.add_parser(name, help=text, description=text, add_help=False)
        c.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        c.set_defaults(ledger_fn=fn)
        c.add_argument("--json", action="store_true", help="输出 JSON")
        return c

    c = child("overview", "资金概览：各资金余额、本年收入和支出", cmd_overview)
    c.add_argument("--year", type=int, help="年度（默认今年）")
    c = child("statement", "资金收支表（期初、收入、支出、调入、调出、期末）", cmd_statement)
    c.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--out", metavar="FILE.xlsx", help="导出 Excel（收支表和按项目、类别、原因、乡镇、月份的发放统计）")
    child("payable", "已批准待发放的审批决定", cmd_payable)
    c = child("loans", "创业周转金借款", cmd_loans)
    c.add_argument("--overdue", action="store_true", help="只列逾期的")
