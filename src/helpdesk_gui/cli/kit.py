"""What every ``helpdesk`` command shares: usage errors, output, the one way to open the database of
``--data-dir``, the acting user of a writing command (HELPDESK_USER / HELPDESK_PASSWORD) and date arguments."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from typing import Any, overload

from helpdesk_gui.core import db
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import yuan as yuan  # kit.yuan is the one formatter, core.base.money.yuan


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class NeedUser(HelpdeskError):
    exit_code = 2


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")


def print_json(value: Any) -> None:
    out(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def open_db(args: argparse.Namespace, *, readonly: bool = True) -> Any:
    """The database of ``--data-dir``: read-only unless the command writes (``readonly=False``)."""
    return db.open_db(paths.db_path(args.folder), readonly=readonly)


def acting_user(db: Any) -> auth.Actor:
    """The user a writing command acts as, logged in with the password from the environment."""
    user = os.environ.get("HELPDESK_USER", "")
    if not user:
        raise NeedUser("此命令会修改数据：请在环境变量 HELPDESK_USER 和 HELPDESK_PASSWORD 中给出办理人的用户名和密码。")
    return auth.login(db, user, os.environ.get("HELPDESK_PASSWORD", ""))


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

