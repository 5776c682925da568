"""``helpdesk register ...``: 建库导入, a centre's existing archive list brought in as in-register households.

    helpdesk register map FILE.xlsx [--sheet NAME] [--history-sheet NAME]
    helpdesk register import FILE.xlsx --mapping M.json [--dry-run] [--report R.xlsx]

``map`` finds the archive sheet's header row (titles and merged cells above it are skipped), and a
sheet of past payments if there is one, and prints the proposed mapping as JSON (the shape of
``helpdesk sheet map``, with a ``history`` part for the payments sheet, or null). ``import`` checks the
whole list with that mapping (possibly edited by hand) and writes all of it in one transaction, or
nothing. Only a system administrator may run either. Exit status: 0 imported (or, with --dry-run,
checked without errors; or imported before, said so), 1 the list has errors (each with sheet, row and
column; nothing written) or the user may not do it, 2 usage error, unreadable file or mapping.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.cli.exchange import _input, _output, _print_outcome

PERMISSION = "register.adopt"


def cmd_register(args: argparse.Namespace) -> int:
    return {"map": _map, "import": _import}[args.register_command](args)


def _map(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange.adopt_columns import propose_adopt
    path = _input(args.file)
    kit.session(args, may=PERMISSION)
    proposal = propose_adopt(path, sheet=args.sheet, history_sheet=args.history_sheet)
    kit.out(json.dumps(proposal.to_json(), ensure_ascii=False, indent=2))
    return 0


def _import(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.base.errors import ValidationError
    from helpdesk_gui.exchange import adopt
    from helpdesk_gui.exchange.adopt_columns import AdoptMapping
    path = _input(args.file)
    report = _output(args.report) if args.report else None
    source = Path(args.mapping)
    if not source.is_file():
        raise kit.UsageError(f"映射文件不存在：{source}（可先用 helpdesk register map 生成）")
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise kit.UsageError(f"映射文件 {source} 不是有效的 JSON：{e}") from None
    try:
        chosen = AdoptMapping.from_json(raw)
    except (ValidationError, AttributeError) as e:
        raise kit.UsageError(f"映射文件 {source} 不能使用：{e}") from None
    s = kit.session(args, writes=True, may=PERMISSION)
    outcome = adopt.import_register(s.db, s.actor, path, chosen, dry_run=args.dry_run, report=report,
                                    folder=None if args.dry_run else args.folder)
    kit.out(outcome.message())
    _print_outcome(outcome)
    return int(outcome.exit_code)


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    register = add("register", "建库导入：把本中心已有的档案花名册（Excel）导入为在册档案（系统管理员）", cmd_register)
    sub = register.add_subparsers(dest="register_command", metavar="子命令", parser_class=type(register))
    sub.required = True

    def sub_parser(name: str, text: str) -> Any:
        p = sub.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return p

    p = sub_parser("map", "找到档案表（和帮扶记录表）的表头行，按列名相似度提出列对应关系，输出 JSON")
    p.add_argument("file", metavar="FILE.xlsx", help="档案花名册")
    p.add_argument("--sheet", metavar="NAME", help="档案表的工作表名称（默认自动找）")
    p.add_argument("--history-sheet", metavar="NAME", help="帮扶记录表的工作表名称（默认自动找，没有则不导入）")
    p = sub_parser("import", "按列对应关系建库导入：先检查全部内容，再一次性写入（或什么也不写）")
    p.add_argument("file", metavar="FILE.xlsx", help="档案花名册")
    p.add_argument("--mapping", required=True, metavar="M.json", help="register map 输出的 JSON（可手工修改）")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--report", metavar="R.xlsx", help="写出标注了问题的工作簿副本（含“错误清单”）")
