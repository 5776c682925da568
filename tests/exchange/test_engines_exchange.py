"""The same batch export and import on both engines: a county's demo register sent to the city."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import server_move, setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.db import server
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.exchange import export, importer

HOUSEHOLDS = ("SELECT sender_code, archive_no, name, id_number, status, category, annual_income_fen, "
              "per_capita_month_fen, updated_at FROM households ORDER BY archive_no")
MEMBERS = ("SELECT h.archive_no, m.ord, m.name, m.relation, m.id_number, m.monthly_income_fen FROM members m "
           "JOIN households h ON h.id = m.household_id ORDER BY h.archive_no, m.ord")
RECORDS = ("SELECT a.record_no, h.archive_no, a.project, a.fund_source, a.amount_fen, a.paid_date FROM "
           "assistance_records a JOIN households h ON h.id = a.household_id ORDER BY a.record_no")


def _register(engine: str, folder: Path, code: str, name: str, url: str | None, lite: Any = None) -> Any:
    if engine == "sqlite":
        return setup.initialise(paths.db_path(folder), code, name, "admin1234")
    srv = server.parse(url)
    if lite is not None:
        server_move.upload(lite, srv)
    else:
        server_move.init_server(folder, srv, code, name, "admin1234")
    return dbm.open_server(srv, folder)


def _run(engine: str, tmp: Path, county_url: str | None, city_url: str | None) -> dict[str, Any]:
    """Demo county register (made in SQLite, uploaded for the server) → full batch → a fresh city register."""
    lite = setup.initialise(paths.db_path(tmp / "county"), "530122", "某某县总工会", "admin1234")
    demo.generate(lite, auth.SYSTEM, 200, seed=1)
    county = lite if engine == "sqlite" else _register(engine, tmp / "county", "530122", "", county_url, lite)
    out = tmp / "batch.xlsx"
    sent = export.export_batch(county, auth.get_actor(county, "admin"), out, receiver_code="530100", full=True)
    city = _register(engine, tmp / "city", "530100", "某某市总工会", city_url)
    auth.create_user(city, auth.get_actor(city, "admin"), "clerk", "市经办", ["clerk"], "passw0rd!")
    clerk = auth.get_actor(city, "clerk")
    first = importer.import_batch(city, clerk, out, accept_unsigned=True)
    again = importer.import_batch(city, clerk, out, accept_unsigned=True)
    got = {"sent": (sent.counts, sent.checksum),
           "outcomes": [(o.status, o.result and (o.result.new_households, o.result.updated_households, o.result.members,
                                                 o.result.records, o.result.conflicts),
                         [(p.sheet, p.row, p.column, p.value, p.reason, p.level) for p in o.analysis.problems.items])
                        for o in (first, again)],
           **{k: [tuple(r) for r in city.execute(sql).fetchall()]
              for k, sql in (("households", HOUSEHOLDS), ("members", MEMBERS), ("records", RECORDS))}}
    if engine != "sqlite":
        dbm.close(county)
        dbm.close(city)
    return got


def test_batch_export_and_import_give_the_same_on_both_engines(tmp_path, pg_server):
    pytest.importorskip("psycopg")
    import pg
    lite = _run("sqlite", tmp_path / "lite", None, None)
    with pg.fresh_database(pg_server) as county_url, pg.fresh_database(pg_server) as city_url:
        on_server = _run("postgresql", tmp_path / "pg", county_url, city_url)
    assert len(lite["households"]) == 200 and lite["members"] and lite["records"]
    assert lite["outcomes"][0][0] == importer.IMPORTED and lite["outcomes"][1][0] == importer.ALREADY
    for key in lite:
        assert on_server[key] == lite[key], key
