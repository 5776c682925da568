#!/usr/bin/env python
"""The register on the folder's SQLite file beside the same register on a PostgreSQL server, in one run.

    .venv/bin/python benchmarks/server.py --households 100000 [--url postgresql://…] [--desks 4 --seconds 60]
                                          [--json out.json] [--workdir DIR] [--skip demo,exchange,desks]

Both registers are made by the program itself with the same seed (``demo``): on SQLite in a data folder,
on the server in a fresh database (``helpdesk server init`` then ``demo``). Without ``--url`` a throw-away
PostgreSQL cluster (fsync on, as a centre runs it) is started on a Unix socket (``tests/pg.py``; loopback, as the issue asks). Measured on
each engine: making the register, ``stats`` (and that both give the same figures), search p50/p95 over
the same 200 queries as ``benchmarks/run.py``, start to a usable list (every id in name order and the first
block of rows), full export, import of that batch into a fresh city register on the same engine, the
yearly fund statement; then on the server only, ``--desks`` processes working at once for ``--seconds``
doing the multi-desk test's mixed work (``tests/core/desk_kit.py``: search, save with the version loaded,
file and approve applications, pay): operations per second and p95, then the same checks as the test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "tests" / "core"), str(REPO)]

from benchmarks.run import draw_queries, percentile  # noqa: E402

COUNTY, CITY = "530122", "530100"
PASSWORD = "bench-Passw0rd"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def make_register(kind: str, folder: Path, url: str | None, county: str = COUNTY) -> Any:
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import server_move, setup
    from helpdesk_gui.core.db import server
    if kind == "sqlite":
        return setup.initialise(folder / "helpdesk.db", county, "某某县总工会", PASSWORD)
    assert url is not None
    srv = server.parse(url)
    server_move.init_server(folder, srv, county, "某某县总工会", PASSWORD)
    return dbm.open_server(srv, folder)


def engine_run(kind: str, work: Path, url: str | None, city_url: str | None, n: int, seed: int,
               queries: list[Any] | None) -> dict[str, Any]:
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.core.ledger import reports as ledger_reports
    from helpdesk_gui.core.register import search
    from helpdesk_gui.core.reports import stats
    from helpdesk_gui.exchange import importer
    from helpdesk_gui.exchange.export import export_batch

    out: dict[str, Any] = {"engine": kind}
    db = make_register(kind, work / kind / "county", url)
    out["demo_s"], _ = timed(lambda: demo.generate(db, auth.SYSTEM, n, seed=seed))
    out["stats_s"], summary = timed(lambda: stats.summary(db))
    out["stats"] = summary
    if queries is None and kind == "sqlite":
        raw = sqlite3.connect(str(work / kind / "county" / "helpdesk.db"))
        queries = draw_queries(raw, seed)
        raw.close()
    assert queries is not None
    out["queries"] = queries
    filters = [search.Filters(**q.filters) for q in queries]
    for q, f in zip(queries, filters, strict=True):      # warm-up
        search.search(db, q.text, f)
    runs = []
    for _ in range(3):
        runs.append([timed(lambda q=q, f=f: search.search(db, q.text, f))[0] * 1000
                     for q, f in zip(queries, filters, strict=True)])
    per_q = [sorted(r[i] for r in runs)[1] for i in range(len(queries))]
    out["search_p50_ms"], out["search_p95_ms"] = percentile(per_q, 50), percentile(per_q, 95)

    def usable() -> int:
        ids = search.search_ids(db, order_by="name")
        return len(search.rows_for(db, ids[:100])) if hasattr(search, "rows_for") else len(ids)
    out["list_s"], _ = timed(usable)
    batch = work / kind / "batch.xlsx"
    out["export_s"], _ = timed(lambda: export_batch(db, auth.SYSTEM, batch, receiver_code=CITY, full=True))
    year = _dt.date.today().year
    out["statement_s"], _ = timed(lambda: ledger_reports.statement(db, f"{year}-01-01", f"{year}-12-31"))
    city = make_register(kind, work / kind / "city", city_url, CITY)
    actor = auth.login(city, "admin", PASSWORD)
    out["import_s"], outcome = timed(lambda: importer.import_batch(city, actor, batch))
    out["import_status"] = outcome.status
    dbm.close(city)
    dbm.close(db)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--url", help="a PostgreSQL server where a role may CREATE DATABASE (default: a throw-away one)")
    ap.add_argument("--desks", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    import pg
    work = a.workdir or Path(tempfile.mkdtemp(prefix="bench-server-"))
    result: dict[str, Any] = {"households": a.households}
    with pg.server(durable=True) if a.url is None else _given(a.url) as base, \
            pg.fresh_database(base) as county_url, pg.fresh_database(base) as city_url:
        lite = engine_run("sqlite", work, None, None, a.households, a.seed, None)
        post = engine_run("postgresql", work, county_url, city_url, a.households, a.seed, lite["queries"])
        result["same_stats"] = lite["stats"] == post["stats"]
        for r in (lite, post):
            r.pop("queries")
            r.pop("stats")
        result["sqlite"], result["postgresql"] = lite, post
        # the desks: the multi-desk test's mixed work (tests/core/desk_kit.py) on the 100k register
        import desk_kit

        from helpdesk_gui.core import db as dbm
        from helpdesk_gui.core.db import server
        centre = work / "postgresql" / "county"
        db = dbm.open_server(server.parse(county_url), centre)
        day = desk_kit.ready(db)
        dbm.close(db)
        desks, took = desk_kit.run_desks(county_url, centre, a.desks, a.seconds, pool=500, day=day)
        lat = [ms for d in desks for _, ms in d["lat"]]
        by_op = {op: [ms for d in desks for o, ms in d["lat"] if o == op] for op in desk_kit.OPS}
        result["desks"] = {"n": a.desks, "seconds": took, "ops": len(lat), "ops_per_s": len(lat) / took,
                           "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
                           "per_op_p50_p95_ms": {op: (percentile(v, 50), percentile(v, 95))
                                                 for op, v in by_op.items() if v},
                           "done": {op: sum(d["done"][op] for d in desks) for op in desk_kit.OPS},
                           "refused": sum(len(d["refused"]) for d in desks),
                           "refused_examples": sorted({m for d in desks for _, m in d["refused"]})[:5],
                           "problems": desk_kit.verify(county_url, centre, desks)}
    print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    if a.json:
        a.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


class _given:
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
