"""``helpdesk city ...``: the city union's desk from the command line (a database initialised with a city code).

    helpdesk city counties [--json]                    the counties, what each sent, what waits to go down
    helpdesk city duplicates [--json]                  people active in two counties (跨县重复), ID numbers masked
    helpdesk city verdict ARCHIVE --county CODE --result 通过|退回|跨县重复 [--note TEXT]
                          [--keep ARCHIVE [--keep-county CODE]]
    helpdesk city verdicts [--county CODE] [--result 退回] [--json]
    helpdesk city allocate --county CODE --year YYYY --source 资金来源 --amount YUAN [--note TEXT]

The verdicts and allocations go to each county in its next batch (``helpdesk batch export OUT --to CODE``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from helpdesk_gui.cli import kit


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    city = add("city", "市总工会：各县上报情况、跨县重复、核查结果（退回、跨县重复）和下拨资金", cmd_city)
    sub = city.add_subparsers(dest="city_command", metavar="子命令", parser_class=type(city))
    sub.required = True

    def sub_parser(name: str, text: str) -> Any:
        p = sub.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return p

    p = sub_parser("counties", "本市各县：档案户数、最近收到和发出批次的时间、待下发的核查结果和下拨资金")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p = sub_parser("duplicates", "在两个以上县的有效档案中登记的人（按公民身份号码，户主或家庭成员）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p = sub_parser("verdict", "对一个县的一份档案下达核查结果（随下一个发给该县的批次下发）")
    p.add_argument("archive", metavar="ARCHIVE", help="档案编号")
    p.add_argument("--county", required=True, metavar="CODE", help="档案所属县区的代码")
    p.add_argument("--result", required=True, choices=("通过", "退回", "跨县重复"), help="核查结果")
    p.add_argument("--note", default="", help="说明（退回时必填：退回原因）")
    p.add_argument("--keep", metavar="ARCHIVE", help="跨县重复时保留的另一个县的档案编号")
    p.add_argument("--keep-county", metavar="CODE", help="保留的档案所属县区（档案编号在几个县重复时必填）")
    p = sub_parser("verdicts", "已下达的核查结果（--result 退回 即退回的档案）")
    p.add_argument("--county", metavar="CODE", help="只列这个县区的")
    p.add_argument("--result", choices=("通过", "退回", "跨县重复"), help="只列这种结果")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p = sub_parser("allocate", "登记下拨给一个县的资金（随该县的下一个批次在“政策参数”中下发，附该县的低保标准）")
    p.add_argument("--county", required=True, metavar="CODE", help="县区代码")
    p.add_argument("--year", required=True, type=int, metavar="YYYY", help="年度")
    p.add_argument("--source", required=True, help="资金来源（如 上级工会拨付）")
    p.add_argument("--amount", required=True, metavar="YUAN", help="金额（元）；0 表示只下发低保标准")
    p.add_argument("--note", default="", help="备注（如拨款文号）")


def cmd_city(args: argparse.Namespace) -> int:
    return {"counties": _counties, "duplicates": _duplicates, "verdict": _verdict, "verdicts": _verdicts,
            "allocate": _allocate}[args.city_command](args)


def _require_city(db: Any) -> None:
    from helpdesk_gui.core.city import region
    if not region.is_city(db):
        raise kit.UsageError(f"本数据库的单位代码是 {region.own_code(db)}，不是市总工会（代码以 00 结尾）；city 命令只用于市总工会。")


def _counties(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.base.timefmt import local_time
    from helpdesk_gui.core.city import region
    from helpdesk_gui.core.city import verdicts as city_verdicts
    db = kit.session(args, may="reports.view").db
    _require_city(db)
    waiting = city_verdicts.pending_counts(db)
    found: list[dict[str, Any]] = [{"code": c.code, "name": c.name, "households": c.households, "last_received_at": c.last_received_at,
              "last_sent_at": c.last_sent_at, "pending_verdicts": waiting.get(c.code, (0, 0))[0],
              "pending_allocations": waiting.get(c.code, (0, 0))[1]} for c in region.counties(db)]
    if args.json:
        kit.print_json(found)
        return 0
    if not found:
        kit.out("还没有收到过任何县的批次。")
    for c in found:
        kit.out(f"{c['code']} {c['name'] or '（名称未知）'}：档案 {c['households']:,} 户；最近收到 "
                f"{local_time(c['last_received_at']) if c['last_received_at'] else '—'}，最近发出 "
                f"{local_time(c['last_sent_at']) if c['last_sent_at'] else '—'}；待下发核查结果 {c['pending_verdicts']} 条、"
                f"下拨资金 {c['pending_allocations']} 笔")
    return 0


def _duplicates(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.base.privacy import mask_id
    from helpdesk_gui.core.city import duplicates
    db = kit.session(args, may="register.view").db
    _require_city(db)
    found = duplicates.cross_county(db)
    if args.json:
        kit.print_json([{"id_number": mask_id(d.id_number), "name": d.name, "counties": d.counties,
                         "settled": d.settled, "places": [
                             {"county_code": p.county_code, "archive_no": p.archive_no, "head_name": p.head_name,
                              "role": p.role, "status": p.status,
                              "verdict": p.verdict["result"] if p.verdict else None} for p in d.places]}
                        for d in found])
        return 0
    kit.out(f"跨县重复：{len(found)} 人" + ("。" if found else "（没有发现）。"))
    for d in found:
        places = "；".join(f"{p.county_code} 档案 {p.archive_no}（{p.role}，户主 {p.head_name}）" for p in d.places)
        kit.out(f"  {mask_id(d.id_number)} {d.name}：{places}" + ("　已下达核查结果" if d.settled else ""))
    return 0


def _household(db: Any, archive: str, county: str | None) -> int:
    from helpdesk_gui.core.register import households as register
    return register.household_id_by_archive(db, archive.strip(), county.strip() if county else None)


def _verdict(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.city import verdicts as city_verdicts
    s = kit.session(args, writes=True, may="exchange.import")
    _require_city(s.db)
    if args.result == "跨县重复" and not args.keep:
        raise kit.UsageError("跨县重复须用 --keep 指明保留的另一个县的档案编号。")
    hid = _household(s.db, args.archive, args.county)
    keep = _household(s.db, args.keep, args.keep_county) if args.keep else None
    city_verdicts.record_verdict(s.db, s.actor, hid, args.result, args.note, keep_household_id=keep)
    kit.out(f"已对 {args.county} 档案 {args.archive} 下达核查结果“{args.result}”，将随下一个发给 {args.county} 的批次下发"
            f"（helpdesk batch export OUT.xlsx --to {args.county}）。")
    return 0


def _verdicts(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.base import codes
    from helpdesk_gui.core.base.timefmt import local_time
    from helpdesk_gui.core.city import verdicts as city_verdicts
    db = kit.session(args, may="register.view").db
    _require_city(db)
    book = codes.load(db)
    result = book.code("verify_result", args.result) if args.result else None
    found = city_verdicts.verdicts(db, county=args.county, result=result)
    if args.json:
        kit.print_json([{"county_code": v["county_code"], "archive_no": v["archive_no"], "name": v["household_name"],
                         "result": book.label("verify_result", v["result"]), "note": v["note"],
                         "keep_archive_no": v["keep_archive_no"], "decided_at": v["decided_at"],
                         "sent_batch": v["sent_batch"]} for v in found])
        return 0
    kit.out(f"核查结果：{len(found)} 条。")
    for v in found:
        sent = f"已下发（{local_time(v['sent_at'])}）" if v["sent_batch"] else "待下发"
        kit.out(f"  {v['county_code']} 档案 {v['archive_no']} {v['household_name'] or ''}："
                f"{book.label('verify_result', v['result'])}　{v['note']}　{sent}")
    return 0


def _allocate(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.base.money import parse_yuan
    from helpdesk_gui.core.city import verdicts as city_verdicts
    s = kit.session(args, writes=True, may="policy.edit")
    _require_city(s.db)
    amount = parse_yuan(args.amount, "--amount")
    city_verdicts.add_allocation(s.db, s.actor, args.county, args.year, args.source, amount, args.note)
    kit.out(f"已登记下拨给 {args.county} 的 {args.year} 年资金 {kit.yuan(amount)} 元（{args.source}），"
            f"将随下一个发给 {args.county} 的批次下发。")
    return 0
