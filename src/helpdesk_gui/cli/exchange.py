"""``helpdesk batch ...`` and ``helpdesk sheet ...``: the exchange from the command line (CLI.md).

    helpdesk batch export OUT.xlsx [--full] [--to CODE]
    helpdesk batch import FILE.xlsx [--dry-run] [--report REPORT.xlsx] [--accept-unsigned]
    helpdesk batch template OUT.xlsx [--sheet NAME]
    helpdesk sheet map FILE.xlsx [--sheet NAME]
    helpdesk sheet import FILE.xlsx --mapping MAPPING.json [--dry-run] [--report REPORT.xlsx]

Exit status: 0 imported (or already imported; conflicts held and older rows skipped are listed),
1 rejected with a report, 2 usage error or unreadable file. Each command runs as the user who logged in
(``kit.session``), with that user's role.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit

SHOWN_PROBLEMS = 40



def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    batch = add("batch", "与市总工会交换的 Excel 批次（格式 1.0）：导出、导入、模板", cmd_batch)
    sub = batch.add_subparsers(dest="batch_command", metavar="子命令", parser_class=type(batch))
    sub.required = True

    def sub_parser(name: str, text: str) -> Any:
        p = sub.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return p

    p = sub_parser("export", "导出批次（默认只含上次发给该单位之后的变化；首次为完整批次）")
    p.add_argument("out", metavar="OUT.xlsx", help="导出的文件")
    p.add_argument("--full", action="store_true", help="导出全部档案（完整批次）")
    p.add_argument("--to", metavar="CODE", help="接收单位的 6 位代码（县：默认为设置中的市总工会；市总工会：必须写发给哪个县，或省总工会的代码）")
    p = sub_parser("import", "导入批次：先检查全部内容，再一次性写入（或什么也不写）")
    p.add_argument("file", metavar="FILE.xlsx", help="要导入的批次文件")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--report", metavar="REPORT.xlsx", help="写出标注了错误的工作簿副本（含“错误清单”）")
    p.add_argument("--accept-unsigned", action="store_true",
                   help="校验值或签名不符时，确认作为未签名的批次导入")
    p = sub_parser("template", "生成空白模板（下拉选项、文本格式的身份证号列、填写说明）")
    p.add_argument("out", metavar="OUT.xlsx", help="模板文件")
    p.add_argument("--sheet", default="困难职工", help="哪张表的模板（默认 困难职工；all 为全部表）")

    sheet = add("sheet", "基层帮扶站自己的表格：提出列对应关系、按对应关系导入为申请", cmd_sheet)
    sub2 = sheet.add_subparsers(dest="sheet_command", metavar="子命令", parser_class=type(sheet))
    sub2.required = True

    def sub_parser2(name: str, text: str) -> Any:
        p = sub2.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return p

    p = sub_parser2("map", "找到表头行，按列名相似度提出列对应关系，输出 JSON")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--sheet", metavar="NAME", help="工作表名称（默认第一张有数据的表）")
    p = sub_parser2("import", "按列对应关系导入为申请（申请中）；与批次同样检查、同样全部或全不写入")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--mapping", required=True, metavar="MAPPING.json", help="sheet map 输出的 JSON（可手工修改），或已保存的映射名称")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    p.add_argument("--report", metavar="REPORT.xlsx", help="写出标注了错误的工作簿副本（含“错误清单”）")

    p = add("exchange-key", "与市总工会共用的批次签名密钥：查看状态和指纹；--set 从标准输入读入新密钥（系统管理员）",
            cmd_exchange_key)
    p.add_argument("--set", action="store_true", help="设置新密钥（从标准输入读一行，至少 16 个字符；不回显）")


def _context(args: argparse.Namespace, may: str) -> tuple[Any, Any, Any]:
    from helpdesk_gui.exchange import keys
    s = kit.session(args, writes=True, may=may)
    return s.db, s.actor, keys.load_key(args.folder)


def _input(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise kit.UsageError(f"文件不存在：{p}")
    if p.is_dir():
        raise kit.UsageError(f"这是一个文件夹，不是文件：{p}")
    return p


def _output(path: str) -> Path:
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise kit.UsageError(f"输出文件的扩展名应为 .xlsx：{p}")
    if p.is_dir():
        raise kit.UsageError(f"这是一个文件夹，不是文件：{p}")
    return p


def cmd_exchange_key(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange import keys
    if args.set:
        s = kit.session(args, writes=True, may="settings.edit")
        db, actor = s.db, s.actor
        text = getpass.getpass("新的交换密钥：") if sys.stdin.isatty() else sys.stdin.readline()
        kit.out(f"已保存交换密钥，指纹 {keys.set_key(db, actor, args.folder, text)}。请与市总工会核对指纹。")
        return 0
    kit.session(args, may="exchange.export")
    kit.out(keys.status(args.folder))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    return {"export": _batch_export, "import": _batch_import, "template": _batch_template}[args.batch_command](args)


def cmd_sheet(args: argparse.Namespace) -> int:
    return {"map": _sheet_map, "import": _sheet_import}[args.sheet_command](args)


def _batch_export(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange.export import ExportRefused, export_batch
    out = _output(args.out)
    db, actor, key = _context(args, "exchange.export")
    try:
        result = export_batch(db, actor, out, receiver_code=args.to, full=args.full, key=key)
    except ExportRefused as refused:  # nothing written, nothing recorded: the households to fix, one a line
        kit.err(refused.headline())
        for line in refused.lines:
            kit.err("  " + line)
        return 1
    kit.out(result.summary())
    kit.out(f"文件：{result.path}；校验值 {result.checksum}" + ("；已签名。" if result.signed else "；未签名（没有配置交换密钥）。"))
    for w in result.warnings:
        kit.err(f"提示：{w}")
    return 0


def _print_outcome(outcome: Any) -> None:
    problems = outcome.analysis.problems
    shown = [p for p in problems.items if p.level != "warning"][:SHOWN_PROBLEMS]
    shown += [p for p in problems.items if p.level == "warning"][:max(0, SHOWN_PROBLEMS - len(shown))]
    for p in shown:
        kit.out("  " + p.text())
    rest = len(problems.items) + problems.dropped - len(shown)
    if rest > 0:
        listed = len(problems.items) - len(shown)
        where = f"其中 {listed:,} 个" if problems.dropped else ""
        kit.out(f"  ……另有 {rest:,} 个问题未列出，" + (f"{where}见报告。" if outcome.report else
                                                   f"加 --report REPORT.xlsx 可得到{where or '完整'}清单和标注副本。"))
    if outcome.report:
        kit.out(f"报告（标注了问题的工作簿副本，含“错误清单”）：{outcome.report}")


def _batch_import(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange.importer import import_batch
    path = _input(args.file)
    report = _output(args.report) if args.report else None
    db, actor, key = _context(args, "exchange.import")
    outcome = import_batch(db, actor, path, dry_run=args.dry_run, accept_unsigned=args.accept_unsigned, key=key,
                           report=report, folder=None if args.dry_run else args.folder)
    kit.out(outcome.message())
    _print_outcome(outcome)
    return int(outcome.exit_code)


def _batch_template(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange import spec
    from helpdesk_gui.exchange.templates import write_template
    out = _output(args.out)
    kit.session(args, may="exchange.import")
    names = list(spec.DATA_SHEETS) if args.sheet == "all" else [args.sheet]
    unknown = [n for n in names if n not in spec.SHEET_BY_NAME]
    if unknown:
        raise kit.UsageError(f"没有工作表“{unknown[0]}”，可选：{'、'.join(spec.DATA_SHEETS)}、all")
    write_template(out, names)
    kit.out(f"已生成模板：{out}（{'、'.join(names)}，含填写说明）")
    return 0


def _sheet_map(args: argparse.Namespace) -> int:
    from helpdesk_gui.exchange import mapping
    path = _input(args.file)
    kit.session(args, may="exchange.import")
    proposal = mapping.propose(path, sheet=args.sheet)
    kit.out(json.dumps(proposal.to_json(), ensure_ascii=False, indent=2))
    return 0


def _sheet_import(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.sync import state as exchange_state
    from helpdesk_gui.exchange import foreign, mapping
    path = _input(args.file)
    report = _output(args.report) if args.report else None
    db, actor, _key = _context(args, "exchange.import")
    source = Path(args.mapping)
    if source.exists():
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise kit.UsageError(f"映射文件 {source} 不是有效的 JSON：{e}") from None
    else:
        saved = exchange_state.get_mapping(db, args.mapping)
        if saved is None:
            raise kit.UsageError(f"映射文件不存在，也没有名为“{args.mapping}”的已保存映射。")
        raw = saved
    chosen = mapping.Mapping.from_json(raw)
    outcome = foreign.import_sheet(db, actor, path, chosen, dry_run=args.dry_run, report=report,
                                   folder=None if args.dry_run else args.folder)
    kit.out(outcome.message())
    _print_outcome(outcome)
    return int(outcome.exit_code)
