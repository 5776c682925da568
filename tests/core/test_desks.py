"""Four desks, four processes, one server: a mixed stretch of a centre's work at once (issue 19's must-show).

Each desk searches, registers new households, saves households with the version it loaded, files
applications and takes them to 待审批, approves what waits and pays what is approved, for ``HELPDESK_DESK_SECONDS`` (15 here; the
benchmark runs the full minute with the same desks). Afterwards: no lost update, no duplicate or gap in
archive, application, roster or voucher numbers, nothing approved or paid twice, ``check`` green, and
every refused operation told the clerk why in Chinese."""

from __future__ import annotations

import os
import re

import desk_kit


def test_four_desks_at_once_lose_nothing_and_explain_every_refusal(pg_url, tmp_path):
    centre = tmp_path / "centre"
    desk_kit.prepare(pg_url, centre)
    seconds = float(os.environ.get("HELPDESK_DESK_SECONDS", "15"))
    reports, _took = desk_kit.run_desks(pg_url, centre, 4, seconds)
    assert desk_kit.verify(pg_url, centre, reports) == []
    done = {op: sum(r["done"][op] for r in reports) for op in desk_kit.OPS}
    assert all(done[op] > 0 for op in desk_kit.OPS), done        # every kind of work got through
    refused = [m for r in reports for m in r["refused"]]
    for op, message in refused:
        assert re.search(r"[\u4e00-\u9fff]", message) and "Traceback" not in message, (op, message)
    # two desks on one household: the later save is refused, naming who changed it and when
    stale = [m for op, m in refused if op == "save"]
    assert stale, "the desks never met on a household"
    assert all("修改" in m for m in stale), stale[:3]
