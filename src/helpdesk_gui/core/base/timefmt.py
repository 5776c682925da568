"""Stored times as people read them: local time, minutes, ``2026-12-04 21:24``.

Timestamps are stored as ISO 8601 with their offset (``core.db.now_iso``; older rows and other machines may
have written ``+00:00``). The window, the exports and the command line show them through ``local_time`` only,
never as ISO with ``T`` and an offset.
"""

from __future__ import annotations

import datetime as _dt

FORMAT = "%Y-%m-%d %H:%M"


def local_time(value: str | _dt.datetime | None) -> str:
    """An ISO timestamp (or a datetime) in this computer's local time, ``YYYY-MM-DD HH:MM``. A time without an
    offset is taken as local already; a bare date stays a date; empty gives ''; anything else is returned as
    it is (never an exception: this only formats)."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        if len(text) == 10:
            return text
        try:
            moment = _dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime(FORMAT)
