"""Unexpected errors: logged to the data folder and shown as a polite Chinese dialog, never a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from helpdesk_gui.core.base.errors import HelpdeskError

log = logging.getLogger("helpdesk_gui.gui")


def show_error(parent: QWidget | None, error: BaseException, title: str = "无法完成") -> None:
    if isinstance(error, HelpdeskError):
        QMessageBox.warning(parent, title, str(error))
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    QMessageBox.critical(parent, "程序遇到意外错误",
                         "操作未完成，已输入的数据没有被部分保存。\n详细信息已记录在数据文件夹的 logs/helpdesk.log 中，"
                         "请联系技术支持。")


def guarded(parent: QWidget | None, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn``; show any error as a dialog and return None instead of raising."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - every error becomes a dialog
        show_error(parent, e)
        return None


def install_excepthook() -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        value.__traceback__ = tb
        show_error(None, value)

    sys.excepthook = hook
