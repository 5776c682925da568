"""The workflow's invariants for ``helpdesk check``: each failure as a Chinese sentence."""

from __future__ import annotations

from sqlite_utils import Database

from helpdesk_gui.core.workflow.steps import HOUSEHOLD_STATUS, OPEN


def run(db: Database) -> list[str]:
    out: list[str] = []
    for app_no, by in db.execute(
            "SELECT a.app_no, s.by_user FROM application_steps s JOIN applications a ON a.id = s.application_id "
            "WHERE s.action IN ('approve', 'approve_first', 'reject') AND s.by_user = a.entered_by LIMIT 20"):
        out.append(f"申请 {app_no} 由录入人 {by} 本人审批")
    for app_no, decided, end in db.execute(
            "SELECT a.app_no, d.decided_on, p.end_date FROM decisions d JOIN applications a ON a.id = d.application_id "
            "LEFT JOIN publicity_periods p ON p.id = a.publicity_id WHERE d.outcome = 'approved' "
            "AND a.needs_publicity = 1 AND (p.id IS NULL OR d.decided_on <= p.end_date) LIMIT 20"):
        out.append(f"申请 {app_no} 在公示期结束前（{end or '未公示'}）于 {decided} 被批准")
    for (app_no,) in db.execute(
            "SELECT DISTINCT a.app_no FROM objections o JOIN applications a ON a.id = o.application_id "
            "WHERE o.result IS NULL AND a.status = 'approved' LIMIT 20"):
        out.append(f"申请 {app_no} 已批准，但仍有未处理的异议")
    for (app_no,) in db.execute(
            "SELECT a.app_no FROM decisions d JOIN applications a ON a.id = d.application_id "
            "WHERE d.amount_fen > d.cap_fen AND trim(d.override_reason) = '' LIMIT 20"):
        out.append(f"申请 {app_no} 的批准金额超过上限却没有超限理由")
    placeholders = ",".join("?" * len(OPEN))
    for app_no, app_status, archive_no, h_status in db.execute(
            f"SELECT a.app_no, a.status, h.archive_no, h.status FROM applications a JOIN households h "
            f"ON h.id = a.household_id WHERE a.kind = 'new_archive' AND a.status IN ({placeholders}) LIMIT 100000",
            list(OPEN)).fetchall():
        if HOUSEHOLD_STATUS[app_status] != h_status:
            out.append(f"档案 {archive_no} 的状态与其办理中的新建档申请 {app_no} 不一致")
            if len(out) > 40:
                break
    return out
