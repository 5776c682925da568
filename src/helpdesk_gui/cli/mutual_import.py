"""``helpdesk mutual-import``: a unit's 医疗互助 member list from its own spreadsheet (``exchange.mutual_list``).

    helpdesk mutual-import FILE.xlsx --year 2026 [--unit 单位名] [--sheet NAME] [--mapping MAPPING.json]
                           [--dry-run] [--json]

The header row is found and the columns proposed as in the window (``--mapping`` gives a mapping
as JSON instead, the same shape ``helpdesk sheet map`` prints, with this list's column names).
Rows without a unit of their own belong to ``--unit`` (created on import when it is new). The
command runs as the user who logged in (``kit.session``); ``--dry-run`` only checks and writes
nothing. Exit status: 0 imported (or checked without errors), 1 the list has errors (each printed
with sheet, row and column; nothing written) or the import was refused, 2 usage error or
unreadable file.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.exchange.problems import ERROR, Problems

SHOWN_PROBLEMS = 60


def _problems_json(problems: Problems) -> list[dict[str, Any]]:
    return [{"sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value, "reason": p.reason,
             "level": p.level, "text": p.text()} for p in sorted(problems.items, key=lambda p: p.level != ERROR)]


def _print_problems(problems: Problems) -> None:
    shown = sorted(problems.items, key=lambda p: p.level != ERROR)[:SHOWN_PROBLEMS]
    for p in shown:
        kit.out("  " + p.text())
    rest = len(problems.items) - len(shown)
    if rest > 0:
        kit.out(f"  ……另有 {rest} 条")


def cmd_import(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange import mutual_list

    path = Path(args.file)
    if not path.exists():
        raise kit.UsageError(f"文件不存在：{path}")
    if path.is_dir():
        raise kit.UsageError(f"这是一个文件夹，不是文件：{path}")
    session = kit.session(args, writes=not args.dry_run, may="mutual.view" if args.dry_run else "mutual.enrol")
    db = session.db
    try:
        plan = mutual_plans.plan_by_period(db, args.year)
        unit_id: int | None = None
        unit_name = (args.unit or "").strip()
        if unit_name:
            unit_id = next((int(u["id"]) for u in mutual_members.list_units(db) if u["name"] == unit_name), None)
        if args.mapping:
            try:
                raw = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise kit.UsageError(f"映射文件 {args.mapping} 不是有效的 JSON：{e}") from None
            chosen = mutual_list.mapping_from_json(raw)
        else:
            chosen = mutual_list.propose(path, sheet=args.sheet)
        preview = mutual_list.read(db, path, chosen, unit_id, unit_name=unit_name, plan_id=int(plan["id"]))
        status = "rejected" if preview.problems.errors else ("checked" if args.dry_run else "imported")
        result = None
        if status == "imported":
            actor = session.actor
            result = mutual_list.import_list(db, actor, int(plan["id"]), unit_id, path, chosen, unit_name=unit_name)
    finally:
        dbm.close(db)
    if args.json:
        kit.print_json({"status": status, "file": str(path), "year": plan["period"], "mapping": chosen.to_json(),
                        "counts": preview.counts(), "new_units": list(preview.new_units),
                        "result": asdict(result) if result else None,
                        "problems": _problems_json(preview.problems)})
        return 1 if status == "rejected" else 0
    kit.out(f"《{path.name}》工作表“{preview.sheet}”，第 {preview.header_row} 行是表头；"
            f"列对应：{'，'.join(f'{h}→{t}' for h, t in chosen.columns.items())}")
    kit.out(preview.summary())
    _print_problems(preview.problems)
    if status == "rejected":
        kit.out("名单中有错误，没有导入任何数据。请改正上面列出的行后重新导入。")
        return 1
    if result is None:
        kit.out("检查完毕（--dry-run），没有写入任何数据。")
        return 0
    kit.out(f"已导入 {plan['period']} 年度医疗互助：{mutual_list.result_text(result)}。")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("mutual-import", "导入单位报来的职工医疗互助参加名单（Excel）：建立或更新会员并登记参加本年度", cmd_import)
    sp.add_argument("file", metavar="FILE.xlsx", help="单位报来的名单")
    sp.add_argument("--year", required=True, help="互助年度，如 2026")
    sp.add_argument("--unit", metavar="单位名", help="名单中没有写单位的行归入此单位（新单位在导入时建立）")
    sp.add_argument("--sheet", metavar="NAME", help="工作表名称（默认第一张有数据的表）")
    sp.add_argument("--mapping", metavar="MAPPING.json", help="列对应关系（JSON，默认按表头自动对应）")
    sp.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
