"""The ``helpdesk`` command line: the same core functions as the window (see CLI.md).

Exit status: 0 done, 1 data problem or refusal (with what and where), 2 usage error or
unreadable input. Messages are Chinese; unexpected errors are logged to the data folder.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from helpdesk_gui import __version__
from helpdesk_gui.cli import (
    admin,
    adopt,
    city,
    exchange,
    kit,
    ledger,
    mutual,
    mutual_import,
    printing,
    register,
    reports,
    server,
    workflow,
)

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, repl in _ARGPARSE_ZH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误：{message}\n")
        raise SystemExit(2)


# ------------------------------------------------------------------ parser

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}

#: One module per feature, each with ``add_commands(add)`` where ``add(name, help, fn) -> parser``
#: registers one command (see ``build_parser``).
FEATURES = (admin, register, adopt, printing, exchange, reports, ledger, workflow, mutual, mutual_import, city, server)


def build_parser() -> _Parser:
    p = _Parser(prog="helpdesk", description="帮扶中心工作台命令行（与窗口程序使用同一核心）。", add_help=False)
    p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    p.add_argument("--version", action="version", version=f"helpdesk {__version__}", help="显示版本号并退出")
    p.add_argument("--data-dir", metavar="DIR", help="数据文件夹（默认为系统用户数据目录，或环境变量 HELPDESK_DATA_DIR）")
    p.add_argument("--database", metavar="URL",
                   help="使用本中心的 PostgreSQL 服务器 postgresql://用户@服务器/数据库（或环境变量 HELPDESK_DATABASE_URL；"
                        "默认使用数据文件夹中的数据库或其中保存的服务器设置）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    def add(name: str, help_text: str, fn: Callable[[argparse.Namespace], int]) -> _Parser:
        sp: _Parser = sub.add_parser(name, help=help_text, description=help_text, add_help=False)
        sp.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        COMMANDS[name] = fn
        return sp

    for module in FEATURES:
        module.add_commands(add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from helpdesk_gui.core.base import logs, paths
    from helpdesk_gui.core.base.errors import HelpdeskError
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
        return _run(args)
    except kit.UsageError as e:
        kit.err(f"用法错误：{e}")
        return 2
    except HelpdeskError as e:
        kit.err(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        kit.err("已取消。")
        return 1
    except Exception:
        log.exception("unexpected error in command %s", args.command)
        kit.err(f"程序遇到意外错误，操作未完成，数据未被部分写入。详细信息已记录在 {log_file}，请联系技术支持。")
        return 1


def _run(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    finally:
        kit.close_all()     # connections closed and the data folder's lock released, whatever happened


if __name__ == "__main__":
    raise SystemExit(main())
