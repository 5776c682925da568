"""A short run of the kill -9 harness (the full 30-kill count: tests/core/crash_harness.py --runs 30)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crash_harness  # noqa: E402


def test_killed_writers_leave_whole_batches_and_a_clean_check(tmp_path):
    results = crash_harness.run(2, ["bulk", "edits", "ledger", "campaign", "mutual"], 20_000, tmp_path)
    summary = crash_harness.summary(results)
    assert all(summary[s]["runs"] == 2 for s in ("bulk", "edits", "ledger", "campaign", "mutual"))
    for r in results:
        assert r["failures"] == [], r
        assert not r["partial"], r
        assert not r["lost_acknowledged"], r
    assert summary["edits"]["acknowledged"] > 0


def test_a_killed_restore_leaves_the_old_or_the_restored_database_and_two_writers_never_fail_wrongly(tmp_path):
    results = crash_harness.run(2, ["restore"], 20_000, tmp_path)
    template = tmp_path / "template"
    crash_harness.prepare_batch(template, crash_harness.RACE_ROWS, name="race.xlsx")
    results.append(crash_harness.race_run(template, tmp_path / "race"))
    for r in results:
        assert r["failures"] == [] and not r["partial"] and not r["lost_acknowledged"], r
        assert not r.get("wrongly_failed"), r
    assert crash_harness.summary(results)["race"]["runs"] == 1
