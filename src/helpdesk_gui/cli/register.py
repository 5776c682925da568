"""Commands over the register: a demo register, and its figures."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from helpdesk_gui.cli import kit


def cmd_demo(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.demo import households as demo
    if args.households < 1:
        raise kit.UsageError("--households 应为正整数。")
    db = kit.session(args, writes=True, may="settings.edit").db
    started = time.perf_counter()
    counts = demo.generate(db, auth.SYSTEM, args.households, seed=args.seed)
    took = time.perf_counter() - started
    kit.out(f"已生成演示数据：{counts['households']} 户档案，{counts['members']} 名家庭成员，"
         f"{counts['assistance_records']} 条帮扶记录，用时 {took:.1f} 秒。")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.reports import stats
    db = kit.session(args, may="reports.view").db
    summary = stats.summary(db)
    if args.json:
        kit.out(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    hh = summary["households"]
    kit.out(f"档案总数：{hh['total']} 户（家庭成员 {summary['members']} 人）")
    kit.out("按状态：" + "，".join(f"{k} {v}" for k, v in hh["by_status"].items()))
    kit.out("按困难类别：" + "，".join(f"{k} {v}" for k, v in hh["by_category"].items()))
    kit.out(f"帮扶记录：{summary['assistance_records']} 条，合计 {kit.yuan(summary['paid_total_fen'])} 元")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("demo", "生成演示数据（合成的县级档案）", cmd_demo)
    sp.add_argument("--households", type=int, required=True, help="户数")
    sp.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    sp = add("stats", "统计数字", cmd_stats)
    sp.add_argument("--json", action="store_true", help="输出 JSON")
