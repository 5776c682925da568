"""Typed errors of the core. Every message a clerk reads is Simplified Chinese and built here.

The GUI and the CLI show ``str(error)``; they never show a traceback.
"""

from __future__ import annotations


class HelpdeskError(Exception):
    """Base of every error the core raises on purpose. ``str()`` is a Chinese sentence."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(HelpdeskError):
    """Bad input: says which field and what is wrong with it."""

    def __init__(self, field: str, reason: str, value: object = None) -> None:
        self.field = field
        self.reason = reason
        self.value = value
        shown = "" if value in (None, "") else f"（填写的是“{value}”）"
        super().__init__(f"{field}：{reason}{shown}")


class ValidationErrors(HelpdeskError):
    """Several field problems found at once (a form or a row is checked as a whole)."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__("；".join(e.message for e in errors))


class NotFoundError(HelpdeskError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"找不到{what}“{key}”。")


class PermissionDenied(HelpdeskError):
    def __init__(self, action: str) -> None:
        super().__init__(f"您的角色无权{action}。")


class StateError(HelpdeskError):
    """An operation the current state does not allow (e.g. an illegal status change)."""


class ChangedMeanwhile(StateError):
    """A save from a form over a household that someone changed after the form loaded it (the optimistic
    version check): nothing was saved. ``by`` and ``at`` come from the household's last audit row."""

    def __init__(self, archive_no: str, by: str = "", at: str = "", what: str = "") -> None:
        self.archive_no, self.by, self.at, self.what = archive_no, by, at, what
        who = f"被 {by}" if by else "被其他用户"
        when = f" 于 {at} " if at else ""
        how = f"（{what}）" if what and what != "修改" else ""
        super().__init__(f"档案 {archive_no} 已在您打开之后{who}{when}修改{how}。本次没有保存，以免覆盖这些修改。")


class DuplicatePersonError(HelpdeskError):
    """A person would be in two active archives at once."""

    def __init__(self, id_number_masked: str, other_archive_no: str, role: str) -> None:
        self.other_archive_no = other_archive_no
        super().__init__(
            f"公民身份号码 {id_number_masked} 已在有效档案 {other_archive_no} 中登记为{role}，"
            "同一人不能同时在两个有效档案中。"
        )


class DatabaseRefused(HelpdeskError):
    """The file cannot be used: not our database, or made by a newer program. Never modified."""

    exit_code = 2


class AuthError(HelpdeskError):
    pass


class DatabaseBusy(HelpdeskError):
    """Another program holds the database's write lock longer than the busy timeout."""
