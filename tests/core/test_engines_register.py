"""The register on both engines: the same demo county on the folder's file and on the centre's server gives the
same statistics, the same check, the same search results and the same lists."""
# ruff: noqa: B023  (each lambda runs at once, inside its loop turn, on both registers)

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.admin import server_move, setup
from helpdesk_gui.core.casework import reception, services, visits
from helpdesk_gui.core.db import server
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register import search
from helpdesk_gui.core.reports import figures, stats, worklists

TODAY = dt.date(2026, 6, 15)
PASSWORD = "admin1234"


@pytest.fixture
def both(tmp_path: Path, pg_url: str):
    """The same demo county (300 households, seed 1) in an SQLite file and on a PostgreSQL server."""
    lite = setup.initialise(tmp_path / "a" / "helpdesk.db", "530122", "某某县总工会", PASSWORD)
    srv = server.parse(pg_url)
    server_move.init_server(tmp_path / "b", srv, "530122", "某某县总工会", PASSWORD)
    pg = dbm.open_server(srv, tmp_path / "b")
    for db in (lite, pg):
        demo.generate(db, auth.SYSTEM, 300, seed=1, today=TODAY)
    yield lite, pg
    dbm.close(pg)


def _same(lite: Any, pg: Any, fn: Any) -> Any:
    """``fn`` on both registers, without the times each wrote its rows at (the one thing that differs)."""
    def plain(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items() if not str(k).endswith("_at")}
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        return x
    a, b = plain(fn(lite)), plain(fn(pg))
    assert a == b
    return a


def test_the_same_demo_gives_the_same_register_on_both_engines(both):
    lite, pg = both
    summary = _same(lite, pg, stats.summary)
    assert summary["households"]["total"] == 300 and summary["applications"]["total"] > 0
    assert summary["mutual_aid"]["members"] > 0 and summary["paid_total_fen"] > 0
    assert check.run(lite) == [] and check.run(pg) == []
    _same(lite, pg, lambda db: stats.period_figures(db, "2025-01-01", "2025-12-31"))
    _same(lite, pg, lambda db: figures.dashboard(db, 2025).__dict__)
    _same(lite, pg, lambda db: {k: v for k, v in figures.build(db, figures.Period(dt.date(2025, 1, 1), dt.date(
        2025, 12, 31))).__dict__.items() if k != "book"})
    _same(lite, pg, lambda db: worklists.counts(db, TODAY))
    for w in worklists.WORKLISTS:
        _same(lite, pg, lambda db: worklists.items(db, w.key, today=TODAY))
    # and a household changed behind the program's back is found on the server too
    pg.execute("UPDATE households SET bank_account = '6217000000000000000' WHERE id = 7")
    archive_no = dbm.scalar(pg, "SELECT archive_no FROM households WHERE id = 7")
    assert check.run(pg) == [f"档案 {archive_no} 的内容与审计日志最后一次记录不一致（可能被绕过程序修改）"]


def test_search_finds_the_same_households_on_both_engines(both):
    lite, pg = both
    h = dbm.row(lite, "SELECT * FROM households WHERE id = 11")
    assert h is not None
    texts = [h["name"][:1], h["name"], h["name_pinyin"][:3], h["name_initials"][:2], h["id_number"][-4:],
             h["id_number"], h["phone"][:5], h["phone"][-4:], h["address"][2:6], h["township"][:2],
             h["archive_no"][:9], "zhang", "WANG", "号", "公司", "0871-", "13"]
    filters = [search.Filters(), search.Filters(status="active"), search.Filters(category="1", year=2024)]
    for text in texts:
        for f in filters:
            found = _same(lite, pg, lambda db: ([r["id"] for r in search.search(db, text, f, limit=30)],
                                                search.search_ids(db, text, f), search.count(db, text, f)))
            if f == filters[0] and text in (h["name"], h["id_number"], h["address"][2:6]):
                assert 11 in found[1]
    for key in search.SORT_KEYS:
        _same(lite, pg, lambda db: search.search_ids(db, "", search.Filters(status="active"), order_by=key,
                                                     descending=True))
        _same(lite, pg, lambda db: search.search(db, "", order_by=key, limit=20, offset=40))
    _same(lite, pg, lambda db: search.rows_by_ids(db, list(range(1, 60))))
    _same(lite, pg, register.townships)
    _same(lite, pg, lambda db: register.count_by(db, "category", ["active"]))


def test_casework_and_audit_lists_are_the_same_on_both_engines(both):
    lite, pg = both
    for state in (None, "open", "overdue", "closed", "late"):
        for text in ("", "JD2025", "张", "工资"):
            f = reception.EntryFilter(text=text, state=state)
            _same(lite, pg, lambda db: (reception.list_entries(db, f, today=TODAY),
                                        reception.count(db, f, today=TODAY)))
    for key in reception.SORT_KEYS:
        _same(lite, pg, lambda db: reception.entry_ids(db, today=TODAY, order_by=key))
    _same(lite, pg, lambda db: reception.get_entry(db, 3, today=TODAY))
    for text in ("", "FW", "李", "工"):
        _same(lite, pg, lambda db: services.list_cases(db, services.CaseFilter(text=text)))
        _same(lite, pg, lambda db: visits.list_visits(db, visits.VisitFilter(text=text)))
        for state in (None, "standing", "due", "ended"):
            _same(lite, pg, lambda db: visits.list_pairs(db, visits.PairFilter(text=text, state=state),
                                                         today=TODAY))
    _same(lite, pg, lambda db: (visits.list_cadres(db, today=TODAY), visits.due_pairs_count(db, TODAY)))
    f = audit.AuditFilter(entity_id="5301", date_from="2020-01-01", date_to="2099-12-31")
    _same(lite, pg, lambda db: ([(r["action"], r["entity"], r["entity_id"]) for r in audit.query(db, f)],
                                audit.count(db, f), audit.actions(db)))
