"""``helpdesk demo`` makes applications in every state, consistent with the archives; stats and check see them."""

from __future__ import annotations

import datetime as dt
import json

from helpdesk_gui import cli
from helpdesk_gui.core import check
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.db import rows, scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.reports import stats
from helpdesk_gui.core.workflow.steps import HOUSEHOLD_STATUS, OPEN

TODAY = dt.date(2026, 11, 20)


def test_demo_has_every_state_and_stays_consistent(database):
    demo.generate(database, auth.SYSTEM, 400, seed=3, today=TODAY)
    by_status = dict(database.execute("SELECT status, count(*) FROM applications GROUP BY status").fetchall())
    assert set(by_status) == set(HOUSEHOLD_STATUS)          # every state of the state machine
    for app_status, h_status in database.execute(
            f"SELECT a.status, h.status FROM applications a JOIN households h ON h.id = a.household_id "
            f"WHERE a.kind = 'new_archive' AND a.status IN ({','.join('?' * len(OPEN))})", OPEN):
        assert HOUSEHOLD_STATUS[app_status] == h_status
    in_process = scalar(database, "SELECT count(*) FROM households WHERE status IN ('visiting', 'publicity', 'pending')")
    with_app = scalar(database, "SELECT count(DISTINCT household_id) FROM applications WHERE kind = 'new_archive'")
    assert with_app >= in_process
    # approvals were after 公示, by someone else, within the cap or with a reason
    assert check.run(database) == []
    second = rows(database, "SELECT entered_by, first_approver FROM applications WHERE status = 'second'")
    assert second and all(r["first_approver"] and r["first_approver"] != r["entered_by"] for r in second)
    unpaid = scalar(database, "SELECT count(*) FROM decisions WHERE status = 'unpaid'")
    assert unpaid > 0
    summary = stats.summary(database)["applications"]
    assert summary["total"] == sum(by_status.values())
    assert summary["by_status"]["待上级审批"] == by_status["second"] and "公示中" in summary["by_status"]


def test_demo_is_deterministic(tmp_path):
    def make(folder):
        db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", "admin1234")
        demo.generate(db, auth.SYSTEM, 300, seed=5, today=TODAY)
        out = rows(db, "SELECT app_no, household_id, kind, project, status, requested_fen, received_date "
                       "FROM applications ORDER BY id")
        db.conn.close()
        return out
    assert make(tmp_path / "a") == make(tmp_path / "b")


def test_stats_json_reports_applications(folder, database, capsys):
    demo.generate(database, auth.SYSTEM, 200, seed=2)
    assert cli.main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applications"]["total"] == scalar(database, "SELECT count(*) FROM applications") > 0
    assert "已批准" in data["applications"]["by_status"]
