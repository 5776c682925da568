"""Stored timestamps shown as local time, to the minute, without ISO's ``T`` and offset."""

from __future__ import annotations

import datetime as _dt

from helpdesk_gui.core.base.timefmt import local_time


def test_utc_becomes_local_time(beijing):
    assert local_time("2026-12-04T13:24:59+00:00") == "2026-12-04 21:24"
    assert local_time("2026-12-04T21:24:00+08:00") == "2026-12-04 21:24"
    assert local_time("2026-12-31T17:00:00Z") == "2027-01-01 01:00"


def test_other_shapes():
    assert local_time("2026-12-04 09:05:33") == "2026-12-04 09:05"      # no offset: local already
    assert local_time(_dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04"
    assert local_time("2026-12-04") == "2026-12-04"
    assert local_time(None) == "" and local_time("") == ""
    assert local_time("不是时间") == "不是时间"
