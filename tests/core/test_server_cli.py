"""Issue 19's must-show, from the command line: ``helpdesk --database URL init / demo / stats --json / check /
batch export / batch import`` on a server gives what the same commands give on the folder's SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from test_server_move import helpdesk


def run_all(work: Path, county_url: str | None, city_url: str | None) -> dict[str, object]:
    """The whole round on one engine: a county register with the demo households, its stats and check, its
    full batch, imported by a city register on the same engine."""
    county, city = work / "county", work / "city"

    def on(url: str | None) -> list[str]:
        return ["--database", url] if url else []
    out: dict[str, object] = {}
    r = helpdesk(county, *on(county_url), "init", "--county-code", "530122", "--union-name", "某某县总工会")
    assert r.returncode == 0, r.stderr
    for args in (["demo", "--households", "150", "--seed", "7"], ["check"]):
        r = helpdesk(county, *on(county_url), *args)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    r = helpdesk(county, *on(county_url), "stats", "--json")
    assert r.returncode == 0, r.stderr
    out["stats"] = json.loads(r.stdout)
    batch = work / "batch.xlsx"
    r = helpdesk(county, *on(county_url), "batch", "export", str(batch), "--full", "--to", "530100")
    assert r.returncode == 0, r.stderr
    wb = load_workbook(batch, read_only=True)
    out["sheets"] = {ws.title: sorted(tuple("" if v is None else str(v) for v in row)
                                      for row in ws.iter_rows(min_row=2, values_only=True))
                     for ws in wb.worksheets if ws.title not in ("说明", "批次信息", "审计锚点")}   # times and hashes differ
    wb.close()
    r = helpdesk(city, *on(city_url), "init", "--county-code", "530100", "--union-name", "某某市总工会")
    assert r.returncode == 0, r.stderr
    r = helpdesk(city, *on(city_url), "batch", "import", str(batch), "--accept-unsigned")
    assert r.returncode == 0, (r.stdout, r.stderr)
    r = helpdesk(city, *on(city_url), "stats", "--json")
    out["city"] = json.loads(r.stdout)
    r = helpdesk(city, *on(city_url), "check")
    assert r.returncode == 0, r.stdout
    return out


def test_the_commands_give_the_same_on_a_server_as_on_the_file(tmp_path, pg_server):
    import pg
    with pg.fresh_database(pg_server) as county_url, pg.fresh_database(pg_server) as city_url:
        lite = run_all(tmp_path / "sqlite", None, None)
        post = run_all(tmp_path / "postgresql", county_url, city_url)
    assert lite["stats"]["households"]["total"] == 150          # type: ignore[index]
    assert post["stats"] == lite["stats"]
    assert post["sheets"] == lite["sheets"]
    assert post["city"] == lite["city"]
