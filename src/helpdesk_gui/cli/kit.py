"""What every ``helpdesk`` command shares: usage errors, output, date arguments, and the one way into the
core: ``session(args)`` logs in the user who runs the command (HELPDESK_USER / HELPDESK_PASSWORD, or asked
on a terminal) with the window's lockout rules, and a writing command also takes the data folder's lock
(the window's ``helpdesk.lock``), waiting a few seconds for it. Only ``init`` runs without a session."""

from __future__ import annotations

import argparse
import datetime as _dt
import getpass
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, overload

from helpdesk_gui.core import db
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.base.errors import AuthError, HelpdeskError
from helpdesk_gui.core.base.instance import InstanceLock
from helpdesk_gui.core.base.money import yuan as yuan  # kit.yuan is the one formatter, core.base.money.yuan


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class NeedUser(HelpdeskError):
    """No user, or a wrong password: exit 2 (CLI.md)."""

    exit_code = 2


class FolderBusy(HelpdeskError):
    """Another program writes in the data folder."""


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")


def print_json(value: Any) -> None:
    out(json.dumps(value, ensure_ascii=False, indent=2, default=str))


#: how long a writing command waits for the data folder's lock before it refuses
LOCK_WAIT_SECONDS = 5.0


@dataclass
class Session:
    """The database of ``--data-dir`` and the user who proved who they are; ``lock`` while writing."""

    db: Any
    actor: auth.Actor
    lock: InstanceLock | None = None

    def close(self) -> None:
        db.close(self.db)
        if self.lock is not None:
            self.lock.release()
            self.lock = None


_OPEN: list[Session] = []


def credentials() -> tuple[str, str]:
    """HELPDESK_USER and HELPDESK_PASSWORD; what is missing is asked on a terminal, never guessed."""
    user = os.environ.get("HELPDESK_USER", "").strip()
    password = os.environ.get("HELPDESK_PASSWORD")
    terminal = sys.stdin is not None and sys.stdin.isatty()
    if not user and terminal:
        user = input("用户名：").strip()
    if password is None and user and terminal:
        password = getpass.getpass(f"用户 {user} 的密码：")
    if not user or password is None:
        raise NeedUser("请以本系统的用户运行此命令：在环境变量 HELPDESK_USER 和 HELPDESK_PASSWORD 中给出用户名和密码，"
                       "或在终端中运行以便输入。")
    return user, password


def admin_password() -> str:
    """The new register's admin password (``init``, ``server init``): HELPDESK_ADMIN_PASSWORD, or typed twice."""
    password = os.environ.get("HELPDESK_ADMIN_PASSWORD")
    if not password:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UsageError("请在环境变量 HELPDESK_ADMIN_PASSWORD 中给出管理员密码，或在终端中运行以便输入。")
        password = getpass.getpass("管理员 admin 的密码：")
        if getpass.getpass("再输入一次：") != password:
            raise UsageError("两次输入的密码不一致。")
    return password


def session(args: argparse.Namespace, *, writes: bool = False, may: str | None = None,
            own_file: bool = False) -> Session:
    """Log in the user who runs the command, then open the database (read-only unless ``writes``); a writing
    command first takes the data folder's lock. ``may``: the permission the command needs (exit 1 if the
    user's role lacks it). Closed when the command ends (``close_all``)."""
    user, password = credentials()
    lock: InstanceLock | None = None
    if writes:
        lock = InstanceLock(args.folder)
        if not lock.acquire(LOCK_WAIT_SECONDS):
            holder = lock.holder()
            raise FolderBusy("数据文件夹正被另一个程序使用" + (f"：{holder.describe()}" if holder else "")
                             + "。请等它结束（或关闭窗口程序）后再运行此命令。")
        backup.remove_stale_parts(args.folder)
    try:
        conn = (db.open_db(paths.db_path(args.folder), readonly=not writes) if own_file   # server upload
                else db.open_register(args.folder, getattr(args, "database", None), readonly=not writes))
        try:
            actor = auth.login(conn, user, password)   # on a read-only connection it counts on one of its own
            if may is not None:
                actor.require(may)
        except BaseException:
            db.close(conn)
            raise
    except AuthError as e:
        if lock is not None:
            lock.release()
        raise NeedUser(str(e)) from None
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    opened = Session(conn, actor, lock)
    _OPEN.append(opened)
    return opened


def close_all() -> None:
    """Every session of this command: connections closed, the folder's lock released."""
    while _OPEN:
        _OPEN.pop().close()


@overload
def date_arg(text: str, option: str) -> _dt.date: ...
@overload
def date_arg(text: None, option: str) -> None: ...
@overload
def date_arg(text: str | None, option: str) -> _dt.date | None: ...
def date_arg(text: str | None, option: str) -> _dt.date | None:
    """A date option of the command line (``None`` when not given); a malformed date is a usage error."""
    if text is None:
        return None
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} 的日期应写成 YYYY-MM-DD（填写的是“{text}”）。") from None

