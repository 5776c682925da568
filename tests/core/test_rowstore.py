"""The checked rows of a big sheet wait for the write on disk, and read back exactly as kept."""

from __future__ import annotations

import pytest

from helpdesk_gui.core.sync import rowstore
from helpdesk_gui.core.sync.rowstore import Picked, RowStore, grouped, keep_only, renamed


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(rowstore, "SPILL_AT", 10)
    monkeypatch.setattr(rowstore, "BLOCK", 4)
    monkeypatch.setattr(rowstore, "CACHED", 2)


def test_rows_past_the_limit_go_to_disk_and_read_back_the_same(small):
    rows = [(n, f"张{n}", None, 1.5 * n) for n in range(37)]
    store = RowStore()
    store.extend(rows[:20])
    for r in rows[20:]:
        store.append(r)
    assert store.spilled and len(store) == 37
    assert len(store._tail) < 4                          # only the last, unfinished block stays in memory
    assert list(store) == rows
    assert [store[n] for n in (36, 0, 17, 3, -1)] == [rows[36], rows[0], rows[17], rows[3], rows[-1]]
    assert store[5:9] == rows[5:9]
    with pytest.raises(IndexError):
        store[37]
    store.close()


def test_a_small_sheet_stays_in_memory():
    store = RowStore((n,) for n in range(100))
    assert not store.spilled and list(store) == [(n,) for n in range(100)]


def test_views_pick_filter_group_and_rename(small):
    store = RowStore((f"A{n % 5}", n) for n in range(30))
    picked = Picked(store, [29, 3, 12], lambda k, row: (k, row[1]))
    assert list(picked) == [(0, 29), (1, 3), (2, 12)] and picked[1] == (1, 3) and len(picked) == 3
    kept = keep_only(picked, [True, False, True])
    assert list(kept) == [(0, 29), (2, 12)] and kept[1] == (2, 12)   # made with the index it had
    assert keep_only([1, 2, 3], [False, True, True]) == [2, 3]
    groups = grouped(store, ["A1", "A4", "A9"])
    assert sorted(groups) == ["A1", "A4"] and [r[1] for r in groups["A4"]] == [4, 9, 14, 19, 24, 29]
    assert groups.get("A9", ()) == ()
    again = renamed(groups, {"A1": "530100202600001"})
    assert sorted(again) == ["530100202600001", "A4"] and [r[1] for r in again["530100202600001"]][:2] == [1, 6]
