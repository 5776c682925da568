"""Small pieces the applications screens share: today's date, what an application is for, the row tones."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from helpdesk_gui.core.base import codes
from helpdesk_gui.gui.kit.models import Tone

Row = dict[str, Any]


def today() -> _dt.date:
    """The business date of every step taken in the window (tests replace it to let a 公示 run)."""
    return _dt.date.today()


def what(book: codes.CodeBook, app: Row) -> str:
    """申请事项: the project for a project application, else the kind."""
    if app.get("kind") == "project":
        text = book.label("project", app.get("project"))
        return f"{text}（{app['beneficiary']}）" if app.get("beneficiary") else text
    return book.label("application_kind", app.get("kind"))


#: row colours by application state
TONES: dict[str, Tone] = {
    "returned": Tone("#8a5a00", "#fff4d6"), "rejected": Tone("#555555", "#f3f3f3"),
    "withdrawn": Tone("#777777", "#f3f3f3"), "approved": Tone("#1d5e20", "#eaf6ea"),
    "second": Tone("#1f4f8a", "#e6eefb"), "pending": Tone("#1f4f8a", "#f0f5fd"),
}
