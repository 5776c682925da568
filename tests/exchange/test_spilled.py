"""A batch (or a station's sheet) big enough to wait for the write on disk imports exactly as a small one.

Every real county batch stays in memory (``rowstore.SPILL_AT`` rows a sheet); these run the import
tests a clerk depends on with the limit at a few rows, so that every sheet of them goes to disk.
"""

from __future__ import annotations

import pytest

from exchange import test_import, test_import_recheck, test_station_sheets
from helpdesk_gui.core.sync import rowstore
from helpdesk_gui.exchange import parsed


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    monkeypatch.setattr(rowstore, "SPILL_AT", 0)
    monkeypatch.setattr(rowstore, "BLOCK", 1)
    monkeypatch.setattr(rowstore, "CACHED", 1)
    made: list[rowstore.RowStore] = []
    real = parsed.SheetRows.__init__

    def watched(self, *a, **k):
        real(self, *a, **k)
        made.append(self.values)
    monkeypatch.setattr(parsed.SheetRows, "__init__", watched)
    yield
    assert any(s.spilled for s in made)      # the rows did go through the disk


def test_households_members_records(city, city_clerk, builder):
    test_import.test_import_writes_households_members_records(city, city_clerk, builder)


def test_updates_replace_members(city, city_clerk, builder):
    test_import.test_newer_updates_older_skipped_and_members_replaced(city, city_clerk, builder)


def test_local_status_kept(city, city_clerk, builder):
    test_import.test_fine_local_status_is_kept_for_applying(city, city_clerk, builder)


def test_conflicts_held(city, city_clerk, builder):
    test_import.test_changed_on_both_sides_is_held_as_a_conflict(city, city_clerk, builder)


def test_records_same_and_different(city, city_clerk, builder):
    test_import.test_records_identical_skipped_different_held(city, city_clerk, builder)


def test_changes_after_the_preview_held(city, city_clerk, city_reviewer, builder):
    test_import_recheck.test_changes_made_after_the_preview_are_held_not_overwritten_or_duplicated(
        city, city_clerk, city_reviewer, builder)


def test_station_sheet_with_members(database, clerk, tmp_path, capsys):
    test_station_sheets.test_members_under_their_head_by_relation(database, clerk, tmp_path, capsys)


def test_station_row_registered_meanwhile_held(database, clerk, tmp_path):
    test_import_recheck.test_station_sheet_row_whose_person_was_registered_meanwhile_is_held(database, clerk, tmp_path)


def test_a_batch_over_the_household_limit_is_refused_naming_the_row(city, city_clerk, builder):
    from exchange.test_import import basic
    from helpdesk_gui.core.db import scalar
    from helpdesk_gui.exchange import importer
    from helpdesk_gui.exchange.safety import Limits
    out = importer.import_batch(city, city_clerk, basic(builder), limits=Limits(max_households=1))
    assert out.status == importer.REJECTED and out.exit_code == 1
    said = [p for p in out.analysis.problems.items if "超过 1 户" in p.reason]
    assert [(p.sheet, p.row) for p in said] == [("困难职工", 3)]       # the first row too many
    assert "请分成几个文件" in said[0].reason
    assert scalar(city, "SELECT count(*) FROM households") == 0

