"""The workflow's ``helpdesk`` commands: lists, one application, payable decisions, caps, review tasks, holidays."""

from __future__ import annotations

import datetime as dt
import json

from test_workflow_kit import active_household, grant, team

from helpdesk_gui import cli
from helpdesk_gui.core.db import scalar


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_workflow_commands(folder, database, capsys, monkeypatch):
    t = team(database)
    hid = active_household(database, t, category="1")
    grant(database, t, hid, "4", 200_000, on=dt.date(2026, 4, 1))
    code, out, _ = run(capsys, "applications", "--kind", "project")
    assert code == 0 and "SQ2026000002" in out and "送温暖" in out and "已批准" in out and "2,000.00 元" in out
    code, out, _ = run(capsys, "application", "sq2026000002")
    assert code == 0 and "受理" in out and "审批通过" in out and "approver" in out
    code, out, err = run(capsys, "application", "SQ1999000001")
    assert code == 1 and "找不到申请" in err
    code, out, _ = run(capsys, "decisions", "--payable", "--json")
    assert code == 0 and [d["amount_fen"] for d in json.loads(out)] == [200_000]
    code, out, _ = run(capsys, "decisions", "--json")
    every = json.loads(out)
    assert code == 0 and [(d["app_no"], d["outcome"], d["amount_fen"]) for d in every][-1] == ("SQ2026000002", "approved",
                                                                                             200_000)
    assert [d["decision_id"] for d in every] == sorted(d["decision_id"] for d in every)
    code, out, _ = run(capsys, "decisions", "--year", "2025", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "decisions", "--year", "2026")
    assert code == 0 and f"共 {len(every)} 项，合计 2,000.00 元" in out
    code, out, _ = run(capsys, "caps")
    assert code == 0 and "送温暖 / 深度困难：每次不超过 3,000.00 元，每人每年合计不超过 6,000.00 元" in out
    monkeypatch.delenv("HELPDESK_USER")
    code, out, err = run(capsys, "review-tasks", "--year", "2026")
    assert code == 2 and "HELPDESK_USER" in err
    monkeypatch.setenv("HELPDESK_USER", "reviewer")
    monkeypatch.setenv("HELPDESK_PASSWORD", "passw0rd!")
    code, out, _ = run(capsys, "review-tasks", "--year", "2026", "--seed", "1")
    assert code == 0 and "新建 1 户" in out and scalar(database, "SELECT count(*) FROM review_tasks") == 1
    code, out, err = run(capsys, "holidays", "--add", "2027-01-01", "--name", "元旦")
    assert code == 1 and "无权" in err                      # the reviewer may not edit the calendar
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", "admin1234")
    assert run(capsys, "holidays", "--add", "2027-01-01", "--name", "元旦")[0] == 0
    code, out, _ = run(capsys, "holidays", "--year", "2027")
    assert out.strip() == "2027-01-01  放假  元旦"
