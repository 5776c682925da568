"""The ``helpdesk`` command line: the same core functions as the window (see CLI.md).

Exit status: 0 done, 1 data problem or refusal (with what and where), 2 usage error or
unreadable input. Messages are Chinese; unexpected errors are logged to the data folder.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from helpdesk_gui import __version__

log = logging.getLogger("helpdesk_gui.cli")

_ARGPARSE_ZH: list[tuple[str, str]] = [
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"参数 \1 的值 \3 格式不正确"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
    (r"one of the arguments (.*) is required", r"必须给出以下参数之一：\1"),
]


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, repl in _ARGPARSE_ZH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误：{message}\n")
        raise SystemExit(2)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def open_database(args: argparse.Namespace, *, readonly: bool = False) -> Any:
    """The database of ``--data-dir`` (extension commands use this too)."""
    from helpdesk_gui.core import db, paths
    return db.open_db(paths.db_path(args.folder), readonly=readonly)


# ------------------------------------------------------------------ commands

def cmd_init(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import paths, setup
    password = os.environ.get("HELPDESK_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise UsageError("请在环境变量 HELPDESK_ADMIN_PASSWORD 中给出管理员密码，或在终端中运行以便输入。")
        password = getpass.getpass("管理员 admin 的密码：")
        if getpass.getpass("再输入一次：") != password:
            raise UsageError("两次输入的密码不一致。")
    db = setup.initialise(paths.db_path(args.folder), args.county_code, args.union_name, password)
    db.conn.close()
    _out(f"已创建数据库：{paths.db_path(args.folder)}（{args.union_name.strip()}，区划代码 {args.county_code.strip()}）。"
         "管理员用户名为 admin。")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import auth, demo
    if args.households < 1:
        raise UsageError("--households 应为正整数。")
    db = open_database(args)
    started = time.perf_counter()
    counts = demo.generate(db, auth.SYSTEM, args.households, seed=args.seed)
    took = time.perf_counter() - started
    _out(f"已生成演示数据：{counts['households']} 户档案，{counts['members']} 名家庭成员，"
         f"{counts['assistance_records']} 条帮扶记录，用时 {took:.1f} 秒。")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import stats
    from helpdesk_gui.core.money import format_yuan
    db = open_database(args, readonly=True)
    summary = stats.summary(db)
    if args.json:
        _out(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    hh = summary["households"]
    _out(f"档案总数：{hh['total']} 户（家庭成员 {summary['members']} 人）")
    _out("按状态：" + "，".join(f"{k} {v}" for k, v in hh["by_status"].items()))
    _out("按困难类别：" + "，".join(f"{k} {v}" for k, v in hh["by_category"].items()))
    _out(f"帮扶记录：{summary['assistance_records']} 条，合计 {format_yuan(summary['paid_total_fen'], grouping=True)} 元")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import check
    db = open_database(args, readonly=True)
    failures = check.run(db)
    for f in failures:
        _out(f"✗ {f}")
    if failures:
        _out(f"检查未通过：{len(failures)} 项问题。")
        return 1
    _out("检查通过：数据库完整，外键、身份证唯一性和审计链均正常。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import backup
    db = open_database(args)
    if args.out:
        target = Path(args.out)
        if target.exists():
            raise UsageError(f"文件 {target} 已存在，请换一个文件名。")
        backup.write_copy(db, target)
        _out(f"已备份到 {target}（已校验完整）。")
    else:
        made = backup.create(db, args.folder, "manual")
        _out(f"已备份到 {made.path}（已校验完整）。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import backup
    from helpdesk_gui.core.instance import InstanceLock
    lock = InstanceLock(args.folder)
    if not lock.acquire():
        holder = lock.holder()
        _err("数据文件夹正被使用" + (f"：{holder.describe()}" if holder else "") + "。请先关闭程序再恢复。")
        return 1
    try:
        safety = backup.restore(args.folder, Path(args.source))
    finally:
        lock.release()
    if safety:
        _out(f"恢复前的数据库已备份到 {safety.path}。")
    _out(f"已从 {args.source} 恢复数据库。")
    return 0


# ------------------------------------------------------------------ parser

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}

#: Modules that add their own sub-commands: each has ``add_commands(add)`` where
#: ``add(name, help, fn) -> parser`` registers one command (see ``build_parser``).
EXTENSIONS: tuple[str, ...] = ("helpdesk_gui.printing.commands", "helpdesk_gui.exchange.commands",
                               "helpdesk_gui.report_commands", "helpdesk_gui.core.ledger_commands",
                               "helpdesk_gui.core.workflow_commands", "helpdesk_gui.core.mutual_commands",
                               "helpdesk_gui.exchange.mutual_commands")


def build_parser() -> _Parser:
    p = _Parser(prog="helpdesk", description="帮扶中心工作台命令行（与窗口程序使用同一核心）。", add_help=False)
    p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    p.add_argument("--version", action="version", version=f"helpdesk {__version__}", help="显示版本号并退出")
    p.add_argument("--data-dir", metavar="DIR", help="数据文件夹（默认为系统用户数据目录，或环境变量 HELPDESK_DATA_DIR）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    def add(name: str, help_text: str, fn: Callable[[argparse.Namespace], int]) -> _Parser:
        sp: _Parser = sub.add_parser(name, help=help_text, description=help_text, add_help=False)
        sp.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        COMMANDS[name] = fn
        return sp

    sp = add("init", "创建数据库（管理员密码取自 HELPDESK_ADMIN_PASSWORD 或终端输入）", cmd_init)
    sp.add_argument("--county-code", required=True, help="本县 6 位行政区划代码，如 530122")
    sp.add_argument("--union-name", required=True, help="工会名称，如 某某县总工会")
    sp = add("demo", "生成演示数据（合成的县级档案）", cmd_demo)
    sp.add_argument("--households", type=int, required=True, help="户数")
    sp.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    sp = add("stats", "统计数字", cmd_stats)
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    add("check", "检查数据库完整性和业务规则", cmd_check)
    sp = add("backup", "备份数据库（联机备份并校验）；不给文件名时存入数据文件夹的 backups/", cmd_backup)
    sp.add_argument("out", nargs="?", metavar="OUT.db", help="备份文件")
    sp = add("restore", "从备份恢复（先把当前数据库备份到 backups/）", cmd_restore)
    sp.add_argument("source", metavar="IN.db", help="备份文件")
    import importlib
    for module in EXTENSIONS:
        importlib.import_module(module).add_commands(add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from helpdesk_gui.core import logs, paths
    from helpdesk_gui.core.errors import HelpdeskError
    if hasattr(sys.stdout, "reconfigure"):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(encoding="utf-8")
            except (OSError, ValueError):
                pass
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    args.folder = paths.data_dir(args.data_dir)
    log_file = logs.configure(args.folder)
    try:
        return COMMANDS[args.command](args)
    except UsageError as e:
        _err(f"用法错误：{e}")
        return 2
    except HelpdeskError as e:
        _err(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        _err("已取消。")
        return 1
    except Exception:
        log.exception("unexpected error in command %s", args.command)
        _err(f"程序遇到意外错误，操作未完成，数据未被部分写入。详细信息已记录在 {log_file}，请联系技术支持。")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
