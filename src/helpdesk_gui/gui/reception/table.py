"""What the reception, visits and services lists add to the kit's ``RecordModel``: their tones (overdue
items in red, finished ones grey) and small column formatters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.gui.kit.models import Record, Tone

#: the reception lists' row tones
TONES: dict[str, Tone] = {
    "alert": Tone("#9b1c1c", "#fbe4e4", bold=True),     # overdue: red
    "warn": Tone("#8a5a00", "#fff4d6"),                 # due soon
    "done": Tone("#555555", "#f3f3f3"),                 # finished
}


def done(fn: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    """Run a core write for ``guarded``: True when it went through (``guarded`` gives None on an error)."""
    fn(*args, **kwargs)
    return True


def amount(key: str) -> Callable[[Record], str]:
    """A column of the amount under ``key`` (blank for none or 0)."""
    def fmt(r: Record) -> str:
        return yuan(r.get(key), blank_zero=True)
    return fmt


def label(book: Any, list_name: str, key: str) -> Callable[[Record], str]:
    def fmt(r: Record) -> str:
        return str(book.label(list_name, r.get(key)))
    return fmt
