"""Commands for the centre's PostgreSQL server (for its IT): create the register on the server, move a
desk's register up to it, and see what is there. See the README, 服务器（多台电脑共用一个档案库）."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core.db import server


def _server(args: argparse.Namespace) -> server.Server:
    """The server named by ``--database`` or HELPDESK_DATABASE_URL (never silently the folder's saved one)."""
    if not (args.database or os.environ.get(server.ENV)):
        raise kit.UsageError("请用 --database postgresql://用户@服务器/数据库 指明服务器"
                             f"（或在环境变量 {server.ENV} 中给出）。")
    srv = server.chosen(args.folder, args.database)
    assert srv is not None
    return srv


def cmd_server_init(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.admin import server_move
    srv = _server(args)
    moved = server_move.init_server(args.folder, srv, args.county_code, args.union_name, kit.admin_password())
    kit.out(f"已在服务器 {srv.shown} 上建立档案库（{args.union_name.strip()}，区划代码 {args.county_code.strip()}），"
            f"共 {len(moved.counts)} 张表，代码表等 {moved.rows:,} 行。管理员用户名为 admin。")
    return 0


def cmd_server_upload(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import check
    from helpdesk_gui.core.admin import server_move
    srv = _server(args)
    # the folder's own file, under the folder's lock: nobody writes while it moves
    s = kit.session(args, writes=True, may="settings.edit", own_file=True)
    failures = check.run(s.db)
    if failures:
        for f in failures:
            kit.out(f"✗ {f}")
        kit.err(f"本机数据库检查未通过（{len(failures)} 项问题），没有上传。请先处理这些问题。")
        return 1
    moved = server_move.upload(s.db, srv)
    kit.out(f"已把本机档案库上传到服务器 {srv.shown}：{len(moved.counts)} 张表共 {moved.rows:,} 行，逐表核对行数和内容一致；"
            f"审计日志 {moved.audit_rows:,} 条，链尾 {moved.audit_head[:12]}… 两边相同。")
    return 0


def cmd_server_status(args: argparse.Namespace) -> int:
    srv = _server(args)
    found = server.status(srv)
    kit.out(f"服务器 {srv.shown}：PostgreSQL {found.version}")
    if not found.counts:
        kit.out("服务器上还没有档案库（可用 helpdesk server init 或 helpdesk server upload 建立）。")
        return 0
    c = found.counts
    kit.out(f"档案库结构版本 {found.schema}；困难职工档案 {c.get('households', 0):,} 户，"
            f"家庭成员 {c.get('members', 0):,} 人，审计日志 {c.get('audit_log', 0):,} 条。")
    return 0


def cmd_server_use(args: argparse.Namespace) -> int:
    """Point this desk's data folder at the server (checked first: reachable, our register, this version),
    or with ``--off`` back at its own file."""
    from helpdesk_gui.core import db as dbm
    if args.off:
        if server.forget(args.folder):
            kit.out("本机已改回使用数据文件夹中自己的数据库（服务器上的档案库没有改动）。")
        else:
            kit.out("本机原本就使用数据文件夹中自己的数据库。")
        return 0
    srv = _server(args)
    db, where = dbm.use_server(args.folder, srv)
    dbm.close(db)
    kit.out(f"本机今后使用服务器 {srv.shown} 上的档案库（窗口程序和命令行都是）。密码保存在：{where}。")
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    return {"init": cmd_server_init, "upload": cmd_server_upload, "status": cmd_server_status,
            "use": cmd_server_use}[args.server_command](args)


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    top = add("server", "本中心的 PostgreSQL 服务器（多台电脑共用一个档案库）：建库、上传、查看", cmd_server)
    sub = top.add_subparsers(dest="server_command", metavar="子命令", parser_class=type(top))
    sub.required = True

    def sub_parser(name: str, text: str) -> Any:
        p = sub.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        p.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                       help=f"服务器地址 postgresql://用户[:密码]@服务器[:端口]/数据库（或环境变量 {server.ENV}）")
        return p
    sp = sub_parser("init", "在服务器上建立新的空档案库（管理员密码取自 HELPDESK_ADMIN_PASSWORD 或终端输入）")
    sp.add_argument("--county-code", required=True, help="本县 6 位行政区划代码，如 530122")
    sp.add_argument("--union-name", required=True, help="工会名称，如 某某县总工会")
    sub_parser("upload", "把本机的档案库整库上传到服务器（先检查本机数据库，再逐表核对行数和内容）")
    sub_parser("status", "查看服务器上的档案库")
    sp = sub_parser("use", "让本机使用服务器上的档案库（保存在数据文件夹中；密码存入系统密钥环或仅本用户可读的文件）")
    sp.add_argument("--off", action="store_true", help="改回使用数据文件夹中自己的数据库")
