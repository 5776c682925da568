"""Shared test setup: ``src/`` importable without install, Qt offscreen, a fresh database per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_SRC = Path(__file__).resolve().parents[1] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

ADMIN_PASSWORD = "admin1234"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap scrypt for test users (the cost is stored in each hash, so they still verify)."""
    from helpdesk_gui.core.access import auth

    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)


@pytest.fixture(autouse=True)
def command_line_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run as a user who proved it (CLI.md): the test database's admin, unless a test says otherwise."""
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", ADMIN_PASSWORD)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder, also set as HELPDESK_DATA_DIR."""
    path = tmp_path / "data"
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(path))
    return path


@pytest.fixture
def database(folder: Path):
    """A freshly initialised database (county 530122) with users for every role."""
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.base import paths

    db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", ADMIN_PASSWORD)
    _add_users(db)
    # Not closed here: pytest-qt closes the test's widgets after this fixture is torn down, and a
    # window closing may still read the database. The connection goes with the test's garbage.
    yield db


def _add_users(db) -> None:
    from helpdesk_gui.core.access import auth
    admin = auth.get_actor(db, "admin")
    for name, role in [("clerk", "clerk"), ("reviewer", "reviewer"), ("approver", "approver"),
                       ("finance", "finance")]:
        auth.create_user(db, admin, name, {"clerk": "张经办", "reviewer": "李审核", "approver": "王主任",
                                           "finance": "赵出纳"}[name], [role], "passw0rd!")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_database(request, folder: Path, monkeypatch: pytest.MonkeyPatch):
    """``database`` on each engine in turn: the folder's SQLite file, then a fresh PostgreSQL database made by
    ``helpdesk server init`` (the same county, admin and users), also set as HELPDESK_DATABASE_URL so the
    commands a test runs use it. Core tests that take it run on both; a module whose every test should
    has a ``database`` fixture of its own that returns it."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import server_move, setup
    from helpdesk_gui.core.base import paths
    from helpdesk_gui.core.db import server

    if request.param == "sqlite":
        db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", ADMIN_PASSWORD)
    else:
        url = request.getfixturevalue("pg_url")
        srv = server.parse(url)
        server_move.init_server(folder, srv, "530122", "某某县总工会", ADMIN_PASSWORD)
        db = dbm.open_server(srv, folder)
        monkeypatch.setenv(server.ENV, url)
    _add_users(db)
    # Not closed here, as ``database``: the test's windows close after this (the server's test database
    # goes when the next test asks for one, ``pg_url``)
    yield db

def _actor_fixture(username: str):
    @pytest.fixture
    def fixture(database):
        from helpdesk_gui.core.access import auth
        return auth.get_actor(database, username)
    fixture.__doc__ = f"The {username} user of the test database."
    return fixture


admin = _actor_fixture("admin")
clerk = _actor_fixture("clerk")
reviewer = _actor_fixture("reviewer")
approver = _actor_fixture("approver")
finance = _actor_fixture("finance")


@pytest.fixture
def make_active(database):
    """``make_active(household_id)``: the one way an archive becomes 在档 — a 新建档 application filed by
    the clerk, visited and checked by the reviewer, publicised, approved by the approver (core.workflow)."""
    import datetime as dt

    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.workflow import approval
    from helpdesk_gui.core.workflow import steps as workflow

    def run(household_id: int, *, today: dt.date | None = None, category: str | None = None) -> int:
        day = (today or dt.date.today()) - dt.timedelta(days=30)
        clerk, reviewer, approver = (auth.get_actor(database, n) for n in ("clerk", "reviewer", "approver"))
        app = workflow.file_application(database, clerk, household_id, "new_archive", today=day)
        for material in workflow.required_materials(database, workflow.load(database, app)):
            workflow.add_material(database, clerk, app, material, today=day)
        workflow.record_visit(database, reviewer, app, day, "李审核", "入户核实", today=day)
        workflow.request_civil_check(database, reviewer, app, today=day)
        workflow.answer_civil_check(database, reviewer, app, "pass", today=day)
        workflow.evaluate(database, reviewer, app, "同意公示", category=category or "1", today=day)
        workflow.close_publicity(database, clerk, app, today=day + dt.timedelta(days=20))
        approval.approve(database, approver, app, "同意建档", today=day + dt.timedelta(days=20))
        return app

    return run


@pytest.fixture
def mutual_scheme(database):
    """医疗互助: plans 2025/2026, a unit with three paid members and money in the fund (tests/mutual_kit.py)."""
    from mutual_kit import build_scheme
    return build_scheme(database)


@pytest.fixture
def beijing(monkeypatch: pytest.MonkeyPatch):
    """This computer's clock in China's time zone (the local time shown to people)."""
    import time
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


#: the test databases still to drop: a test's windows close after its fixtures end (pytest-qt), and may
#: still read, so each is dropped when the next test asks for one (and the last at the session's end)
_PG_LEFT: list[str] = []


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server URL for the session: HELPDESK_TEST_PG_URL, else a throw-away cluster when
    initdb is found, else the test is skipped (tests/pg.py)."""
    import pg
    with pg.server() as url:
        yield url
        pg.drop_databases(url, _PG_LEFT)


@pytest.fixture
def pg_url(pg_server: str):
    """A fresh empty PostgreSQL database for one test; its URL (dropped at the next test's start)."""
    pytest.importorskip("psycopg")
    import pg
    pg.drop_databases(pg_server, _PG_LEFT)
    _PG_LEFT.clear()
    url, name = pg.create_database(pg_server)
    _PG_LEFT.append(name)
    yield url
