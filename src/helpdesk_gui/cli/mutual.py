"""``helpdesk mutual-...``: 职工医疗互助 on the command line (the same core functions as the window).

    helpdesk mutual-plans [--json]                                  plans and their rules
    helpdesk mutual-plan-new --year Y                               a plan with the rules of the settings
    helpdesk mutual-members --year Y [--unit U] [--unpaid] [--json] members, enrolment, consecutive years
    helpdesk mutual-contribute --year Y --unit U [--date D] [--ref R]   a unit's contributions received
    helpdesk mutual-claims --year Y [--status S] [--json]           claims
    helpdesk mutual-claim HZ2026-0001 [--json]                      one claim with its receipts and steps
    helpdesk mutual-approve HZ2026-0001 | mutual-reject HZ2026-0001 --reason R
    helpdesk mutual-settle --quarter 2026-Q4 [--post [--date D] [--batch B]] [--json]
    helpdesk mutual-bankfile JS2026Q4-01 --out 代发.xlsx                    the bank's transfer list (finance)
    helpdesk mutual-report members|contributions|claims|fund --year Y [--from D --to D] [--json | --out F.xlsx [--all]]

Every command runs as the user who logged in (``kit.session``: HELPDESK_USER and HELPDESK_PASSWORD), with
that user's permissions.
"""

from __future__ import annotations

import argparse
import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError
from helpdesk_gui.core.base.money import to_chinese_upper
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle


def _unit(db: Any, name: str) -> int:
    uid = next((u["id"] for u in mutual_members.list_units(db) if u["name"] == name.strip()), None)
    if uid is None:
        raise NotFoundError("参加单位", name)
    return int(uid)


def cmd_plans(args: argparse.Namespace) -> int:
    db = kit.session(args, may="mutual.view").db
    plans = mutual_plans.list_plans(db)
    if args.json:
        kit.print_json([{**p, "rehab_bands": list(mutual_plans.bands_of(p))} for p in plans])
        return 0
    if not plans:
        kit.out("还没有医疗互助方案。")
    for p in plans:
        kit.out(f"{p['period']} 年度（{'进行中' if p['status'] == 'open' else '已关闭'}）{p['name']}，资金“{p['fund_name']}”："
            f"参加 {p['enrolled']} 人，已缴费 {p['paid']} 人，收缴 {kit.yuan(p['received_fen'])} 元，批准报销 {p['claims']} 件")
        kit.out(f"  {mutual_plans.describe_rule(p)}")
    return 0


def cmd_plan_new(args: argparse.Namespace) -> int:
    s = kit.session(args, writes=True)
    db, actor = s.db, s.actor
    plan_id = mutual_plans.create_plan(db, actor, mutual_plans.default_draft(db, args.year))
    kit.out(f"已新建 {args.year} 年度医疗互助方案：{mutual_plans.describe_rule(mutual_plans.get_plan(db, plan_id))}")
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    db = kit.session(args, may="mutual.view").db
    plan = mutual_plans.plan_by_period(db, args.year)
    found = mutual_members.list_members(db, plan_id=plan["id"], unit_id=_unit(db, args.unit) if args.unit else None,
                                        unpaid_only=args.unpaid, enrolled_only=True, limit=args.limit)
    if args.json:
        kit.print_json([{"name": m["name"], "id_number": mask_id(m["id_number"]), "unit": m["unit_name"],
                         "years": m["years"], "paid": m["contribution_id"] is not None} for m in found])
        return 0
    for m in found:
        kit.out(f"{m['name']}\t{mask_id(m['id_number'])}\t{m['unit_name']}\t连续 {m['years']} 年\t"
            f"{'已缴费' if m['contribution_id'] else '待缴费'}")
    kit.out(f"共 {len(found)} 人")
    return 0


def cmd_contribute(args: argparse.Namespace) -> int:
    s = kit.session(args, writes=True)
    db, actor = s.db, s.actor
    plan = mutual_plans.plan_by_period(db, args.year)
    posted = mutual_contributions.receive_contribution(db, actor, plan["id"], _unit(db, args.unit),
                                                       on=kit.date_arg(args.date, "--date"), ref_no=args.ref or "")
    kit.out(f"已入账：凭证 {posted.voucher_no}")
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    db = kit.session(args, may="mutual.view").db
    book = codes.load(db)
    plan = mutual_plans.plan_by_period(db, args.year)
    found = mutual_claims.list_claims(db, plan_id=plan["id"], status=args.status, limit=args.limit)
    if args.json:
        kit.print_json([{**c, "id_number": mask_id(c["id_number"])} for c in found])
        return 0
    for c in found:
        pay = "" if c["payable_fen"] is None else f"应付 {kit.yuan(c['payable_fen'])} 元"
        kit.out(f"{c['claim_no']}\t{c['name']}\t{c['unit_name']}\t自付 {kit.yuan(c['self_fen'])} 元\t{pay}\t"
            f"{book.label('mutual_claim_status', c['status'])}")
    kit.out(f"共 {len(found)} 件")
    return 0


def _show_claim(db: Any, c: dict[str, Any], as_json: bool) -> None:
    book = codes.load(db)
    if as_json:
        kit.print_json({**c, "id_number": mask_id(c["id_number"]), "bank_account": mask_bank(c["bank_account"])})
        return
    kit.out(f"{c['claim_no']}　{c['name']}（{mask_id(c['id_number'])}，{c['unit_name']}）{c['period']} 年度　"
        f"{book.label('mutual_claim_status', c['status'])}")
    for r in c["receipts"]:
        kit.out(f"  {book.label('mutual_receipt_kind', r['kind'])} {r['receipt_no']} {r['hospital']} {r['receipt_date']}："
            f"总费用 {kit.yuan(r['total_fen'])}，统筹支付 {kit.yuan(r['insurance_fen'])}，统筹段自付 {kit.yuan(r['self_fen'])}")
    steps = c["steps"]
    if c["status"] == "draft":
        steps = ["（未审批，按现在的情况试算）", *mutual_claims.preview_claim(db, c["id"]).steps]
    for s in steps:
        kit.out(f"  · {s}")


def cmd_claim(args: argparse.Namespace) -> int:
    db = kit.session(args, may="mutual.view").db
    _show_claim(db, mutual_claims.claim_by_no(db, args.claim_no), args.json)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    s = kit.session(args, writes=True)
    db, actor = s.db, s.actor
    c = mutual_claims.claim_by_no(db, args.claim_no)
    r = mutual_claims.approve_claim(db, actor, c["id"])
    kit.out(f"已批准 {c['claim_no']}：补助 {kit.yuan(r.subsidy_fen)} 元，康复金 {kit.yuan(r.rehab_fen)} 元，冲抵预付 {kit.yuan(r.offset_fen)} 元，"
        f"结算应付 {kit.yuan(r.payable_fen)} 元")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    s = kit.session(args, writes=True)
    db, actor = s.db, s.actor
    c = mutual_claims.claim_by_no(db, args.claim_no)
    mutual_claims.reject_claim(db, actor, c["id"], args.reason)
    kit.out(f"{c['claim_no']} 不予报销：{args.reason}")
    return 0


def cmd_settle(args: argparse.Namespace) -> int:
    quarter = args.quarter or mutual_settle.quarter_of(_dt.date.today())
    session = kit.session(args, writes=args.post, may="mutual.view")
    db = session.db
    if not args.post:
        found = mutual_settle.pending(db, quarter)
        total = sum(int(c["payable_fen"]) for c in found)
        if args.json:
            kit.print_json({"quarter": quarter, "claims": len(found), "total_fen": total})
        else:
            kit.out(f"{mutual_settle.quarter_label(quarter)}待结算 {len(found)} 件，合计 {kit.yuan(total)} 元"
                "（加 --post 生成结算并记账支付）")
        return 0
    actor = session.actor
    sid = mutual_settle.create_settlement(db, actor, quarter)
    posted = mutual_settle.post_settlement(db, actor, sid, paid_date=kit.date_arg(args.date, "--date"),
                                           bank_batch=args.batch or "")
    s = mutual_settle.get_settlement(db, sid)
    if args.json:
        kit.print_json({"settle_no": s["settle_no"], "claims": s["claims"], "total_fen": s["total_fen"],
                        "voucher_no": posted.voucher_no if posted else None})
    else:
        kit.out(f"结算 {s['settle_no']}：{s['claims']} 件，合计 {kit.yuan(s['total_fen'])} 元（{to_chinese_upper(s['total_fen'])}），"
            f"凭证 {posted.voucher_no if posted else '无（全部冲抵预付）'}")
    return 0


def cmd_bankfile(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.mutual import xlsx as mutual_xlsx
    session = kit.session(args, writes=True)
    db, actor = session.db, session.actor
    s = mutual_settle.settlement_by_no(db, args.settle_no)
    n, total = mutual_xlsx.bank_file(db, actor, int(s["id"]), Path(args.out))
    kit.out(f"银行代发清单 {s['settle_no']}：{n} 笔，合计 {kit.yuan(total)} 元 → {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.mutual import xlsx as mutual_xlsx
    db = kit.session(args, may="mutual.view").db
    plan = mutual_plans.plan_by_period(db, args.year)
    first = kit.date_arg(args.date_from, "--from") or _dt.date.fromisoformat(plan["start_date"])
    last = kit.date_arg(args.date_to, "--to") or _dt.date.fromisoformat(plan["end_date"])
    if args.json:
        data: Any
        if args.kind == "members":
            data = mutual_settle.report_members(db, plan["id"])
        elif args.kind == "contributions":
            data = mutual_settle.report_contributions(db, plan["id"])
        elif args.kind == "claims":
            data = mutual_settle.report_claims_paid(db, first.isoformat(), last.isoformat())
        else:
            data = mutual_settle.fund_report(db, plan["id"])
        kit.print_json(data)
        return 0
    tables = [mutual_xlsx.build(db, args.kind, plan["id"], date_from=first.isoformat(), date_to=last.isoformat())]
    if args.out:
        if args.all:
            tables = mutual_xlsx.build_all(db, plan["id"], date_from=first.isoformat(), date_to=last.isoformat())
        mutual_xlsx.export(Path(args.out), tables)
        kit.out(f"已导出 {'、'.join(t.title for t in tables)} → {args.out}")
        return 0
    t = tables[0]
    kit.out(f"{t.title}　{t.subtitle}")
    kit.out("\t".join(t.headers))
    for r in (*t.rows, *([t.total] if t.total else [])):
        kit.out("\t".join(kit.yuan(v) if money and isinstance(v, int) else str(v) for v, money in zip(r, t.money, strict=False)))
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("mutual-plans", "医疗互助方案及其规则", cmd_plans)
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("mutual-plan-new", "按系统设置的规则新建一个年度的医疗互助方案", cmd_plan_new)
    sp.add_argument("--year", type=int, required=True, help="互助年度")
    sp = add("mutual-members", "医疗互助会员（参加、缴费、连续参加年限）", cmd_members)
    sp.add_argument("--year", type=int, required=True, help="互助年度")
    sp.add_argument("--unit", help="参加单位名称")
    sp.add_argument("--unpaid", action="store_true", help="只列待缴费的")
    sp.add_argument("--limit", type=int, default=100_000, help="最多列出多少人")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("mutual-contribute", "登记单位缴纳的互助金（记入互助金资金）", cmd_contribute)
    sp.add_argument("--year", type=int, required=True, help="互助年度")
    sp.add_argument("--unit", required=True, help="参加单位名称")
    sp.add_argument("--date", help="收款日期 YYYY-MM-DD（默认今天）")
    sp.add_argument("--ref", help="缴款单号")
    sp = add("mutual-claims", "医疗互助报销列表", cmd_claims)
    sp.add_argument("--year", type=int, required=True, help="互助年度")
    sp.add_argument("--status", choices=("draft", "approved", "rejected", "settled", "cancelled"), help="状态")
    sp.add_argument("--limit", type=int, default=100_000, help="最多列出多少件")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("mutual-claim", "一件医疗互助报销：单据和计算步骤", cmd_claim)
    sp.add_argument("claim_no", help="报销编号，如 HZ2026-0001")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("mutual-approve", "批准一件医疗互助报销（审批人）", cmd_approve)
    sp.add_argument("claim_no", help="报销编号")
    sp = add("mutual-reject", "不予报销（审批人）", cmd_reject)
    sp.add_argument("claim_no", help="报销编号")
    sp.add_argument("--reason", required=True, help="原因")
    sp = add("mutual-settle", "医疗互助季度结算（不加 --post 只显示待结算的件数和金额）", cmd_settle)
    sp.add_argument("--quarter", help="季度 YYYY-Qn（默认本季度）")
    sp.add_argument("--post", action="store_true", help="生成结算并记账支付（财务）")
    sp.add_argument("--date", help="支付日期 YYYY-MM-DD（默认今天）")
    sp.add_argument("--batch", help="银行批次号")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    sp = add("mutual-bankfile", "季度结算的银行代发清单（户名、完整账号、金额；财务，导出记入审计）", cmd_bankfile)
    sp.add_argument("settle_no", help="结算单号，如 JS2026Q4-01")
    sp.add_argument("--out", required=True, metavar="FILE.xlsx", help="写到哪个文件")
    sp = add("mutual-report", "医疗互助报表：members 会员、contributions 缴费、claims 报销支付、fund 资金收支", cmd_report)
    sp.add_argument("kind", choices=("members", "contributions", "claims", "fund"), help="报表")
    sp.add_argument("--year", type=int, required=True, help="互助年度")
    sp.add_argument("--from", dest="date_from", help="报销支付的起始日期（默认年度开始）")
    sp.add_argument("--to", dest="date_to", help="报销支付的截止日期（默认年度结束）")
    sp.add_argument("--out", metavar="FILE.xlsx", help="导出 Excel")
    sp.add_argument("--all", action="store_true", help="与 --out 一起：四张报表全部导出（每张一个工作表）")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
