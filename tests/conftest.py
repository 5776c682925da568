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
    from helpdesk_gui.core import auth

    monkeypatch.setattr(auth, "SCRYPT_N", 2**8)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder, also set as HELPDESK_DATA_DIR."""
    path = tmp_path / "data"
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(path))
    return path


@pytest.fixture
def database(folder: Path):
    """A freshly initialised database (county 530122) with users for every role."""
    from helpdesk_gui.core import auth, paths, setup

    db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", ADMIN_PASSWORD)
    admin = auth.get_actor(db, "admin")
    for name, role in [("clerk", "clerk"), ("reviewer", "reviewer"), ("approver", "approver"),
                       ("finance", "finance")]:
        auth.create_user(db, admin, name, {"clerk": "张经办", "reviewer": "李审核", "approver": "王主任",
                                           "finance": "赵出纳"}[name], [role], "passw0rd!")
    yield db
    db.conn.close()


@pytest.fixture
def admin(database):
    from helpdesk_gui.core import auth
    return auth.get_actor(database, "admin")


@pytest.fixture
def clerk(database):
    from helpdesk_gui.core import auth
    return auth.get_actor(database, "clerk")


@pytest.fixture
def reviewer(database):
    from helpdesk_gui.core import auth
    return auth.get_actor(database, "reviewer")
