"""Masking of sensitive personal information (PIPL): shown masked unless a role may reveal it."""

from __future__ import annotations


def mask_id(value: str | None) -> str:
    """``530122199001011234`` → ``530122********1234`` (region kept, birth date hidden)."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


#: how a hidden birth date reads, on screen and on paper
MASKED_DATE = "****-**-**"


def mask_birth_date(value: str | None) -> str:
    """``1990-01-01`` → ``****-**-**``. A birth date is the hidden middle of an 18-digit ID number, so it is
    hidden wherever that number is masked (the household editor, a print without the reveal right)."""
    if not value:
        return ""
    return MASKED_DATE


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    head = min(3, max(len(digits) - 8, 0))  # short landlines: hide the head, never show all
    return digits[:head] + "*" * (len(digits) - 4 - head) + digits[-4:]


def mask_bank(value: str | None) -> str:
    """``6222021234567890123`` → ``**** 0123``."""
    if not value:
        return ""
    digits = "".join(value.split())
    return "**** " + digits[-4:]


def mask_name(value: str | None) -> str:
    """For public lists where the full name must not appear: ``张三丰`` → ``张*丰``."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
