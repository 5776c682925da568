"""Commands of the centre itself: create the database, check it, back it up and restore it."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpdesk_gui.cli import kit
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.db import server


def cmd_init(args: argparse.Namespace) -> int:
    """A new register: in the data folder's file, or with ``--database`` (HELPDESK_DATABASE_URL) on the
    centre's server, as ``helpdesk server init``."""
    if args.database or os.environ.get(server.ENV):
        from helpdesk_gui.cli.server import cmd_server_init
        return cmd_server_init(args)
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.base import paths
    db = setup.initialise(paths.db_path(args.folder), args.county_code, args.union_name, kit.admin_password())
    dbm.close(db)
    kit.out(f"已创建数据库：{paths.db_path(args.folder)}（{args.union_name.strip()}，区划代码 {args.county_code.strip()}）。"
         "管理员用户名为 admin。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from helpdesk_gui.core import check
    db = kit.session(args, may="audit.view").db
    failures = check.run(db)
    for f in failures:
        kit.out(f"✗ {f}")
    if failures:
        kit.out(f"检查未通过：{len(failures)} 项问题。")
        return 1
    kit.out("检查通过：数据库完整，外键、身份证唯一性和审计链均正常。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.admin import backup
    db = kit.session(args, writes=True, may="backup.manage").db
    if args.out:
        target = Path(args.out)
        if target.exists():
            raise kit.UsageError(f"文件 {target} 已存在，请换一个文件名。")
        backup.write_copy(db, target)
        kit.out(f"已备份到 {target}（已校验完整）。")
    else:
        made = backup.create(db, args.folder, "manual")
        kit.out(f"已备份到 {made.path}（已校验完整）。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from helpdesk_gui.core.admin import backup
    source = Path(args.source)
    if not source.is_file():
        raise kit.UsageError(f"备份文件不存在：{source}")
    s = kit.session(args, writes=True, may="backup.manage")   # proves who restores; holds the folder's lock
    dbm.close(s.db)                                           # the file is about to be replaced
    safety = backup.restore(args.folder, source)
    if safety:
        kit.out(f"恢复前的数据库已备份到 {safety.path}。")
    kit.out(f"已从 {args.source} 恢复数据库。")
    return 0


def add_commands(add: Callable[[str, str, Callable[[argparse.Namespace], int]], Any]) -> None:
    sp = add("init", "创建数据库（管理员密码取自 HELPDESK_ADMIN_PASSWORD 或终端输入）", cmd_init)
    sp.add_argument("--county-code", required=True, help="本县 6 位行政区划代码，如 530122")
    sp.add_argument("--union-name", required=True, help="工会名称，如 某某县总工会")
    add("check", "检查数据库完整性和业务规则", cmd_check)
    sp = add("backup", "备份数据库（联机备份并校验）；不给文件名时存入数据文件夹的 backups/", cmd_backup)
    sp.add_argument("out", nargs="?", metavar="OUT.db", help="备份文件")
    sp = add("restore", "从备份恢复（先把当前数据库备份到 backups/）", cmd_restore)
    sp.add_argument("source", metavar="IN.db", help="备份文件")
