"""The clerk's worklists on the home page (工作台): what needs doing, with counts and the archives.

Each worklist is a SQL condition over active archives; later parts of the program (workflow,
reception, ledger) add theirs here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import rows
from helpdesk_gui.core.workflow.base import OPEN


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    hint: str
    where: str  # condition on households h; parameters :year_ago, :today
    # A worklist of other things than archives (reception entries, pairs) gives its own queries: ``count_sql``
    # (SELECT count(*) …) and ``items_sql`` (rows id, archive_no, name, township, status, category, updated_at,
    # last_review_date … LIMIT :limit), with column ``headers`` for the home page, its ``unit``, what a
    # double-click ``opens`` (``household`` or a page key, with the row id) and ``alert`` (red when not empty).
    count_sql: str = ""
    items_sql: str = ""
    unit: str = "户"
    headers: tuple[str, ...] = ()
    opens: str = "household"
    alert: bool = False


# the assistance workflow's lists (core/workflow.py) select applications ``a`` with these pieces
_APP_JOIN = ("JOIN households h ON h.id = a.household_id LEFT JOIN code_lists pj ON pj.list = 'project' "
             "AND pj.code = a.project LEFT JOIN code_lists kd ON kd.list = 'application_kind' AND kd.code = a.kind")
_APP_WHAT = "coalesce(pj.label, kd.label) AS township"
_VISIT_DUE = ("a.status = 'accepted' AND a.needs_visit = 1 AND NOT EXISTS (SELECT 1 FROM home_visits v "
              "WHERE v.application_id = a.id)")
_CIVIL_OPEN = ("a.status IN ('accepted', 'reviewing') AND EXISTS (SELECT 1 FROM civil_checks c0 "
               "WHERE c0.application_id = a.id AND c0.answered_date IS NULL)")
_OPEN = f"a.status IN ({', '.join(repr(s) for s in OPEN)})"
_PUBLICITY_ENDING = "a.status = 'publicity' AND p.end_date <= :in_two_days"


def _yuan(fen: str) -> str:
    """SQL for a non-negative amount in fen as yuan with two decimals ('1234.50'), the same on both engines
    (SQLite's printf() is not PostgreSQL's)."""
    return (f"CAST({fen} / 100 AS TEXT) || '.' || CASE WHEN {fen} % 100 < 10 THEN '0' ELSE '' END "
            f"|| CAST({fen} % 100 AS TEXT)")

WORKLISTS: tuple[Worklist, ...] = (
    Worklist("stale", "一年未更新的档案", "在档档案最近一年没有任何修改，请核实家庭情况是否变化",
             "h.status = 'active' AND h.updated_at < :year_ago"),
    Worklist("never_assisted", "从未帮扶的在档户", "已建档但还没有任何帮扶记录",
             "h.status = 'active' AND NOT EXISTS (SELECT 1 FROM assistance_records a WHERE a.household_id = h.id)"),
    Worklist("review_due", "到期应复核", "在档满一年且一年内未复核（年度复核）",
             "h.status = 'active' AND coalesce(h.last_review_date, h.created_date) < :year_ago"),
    # the 帮扶申请 page's 办理中: every application not yet decided (workflow.OPEN), of any kind
    Worklist("applications_open", "办理中的申请", "已受理、尚未办结的帮扶申请（与“帮扶申请”页的“办理中”相同）", "",
             count_sql=f"SELECT count(*) FROM applications a WHERE {_OPEN}",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, coalesce(st.label, a.status) "
                       "AS status, NULL AS category, a.received_date AS updated_at, NULL AS last_review_date "
                       f"FROM applications a {_APP_JOIN} LEFT JOIN code_lists st ON st.list = 'application_status' "
                       f"AND st.code = a.status WHERE {_OPEN} ORDER BY a.received_date, a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "状态", "受理日期"), opens="applications"),
    # ---- the assistance workflow (core/workflow.py): applications; a double-click opens the application
    Worklist("visit_due", "待入户调查", "已受理、尚未入户调查的申请（受理后应在规定天数内完成，逾期的排在前面）", "",
             count_sql=f"SELECT count(*) FROM applications a WHERE {_VISIT_DUE}",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, CASE WHEN a.visit_due_date < :today "
                       "THEN '逾期 ' || CAST(julianday(:today) - julianday(a.visit_due_date) AS INTEGER) || ' 天' "
                       "ELSE '待调查' END AS status, NULL AS category, a.visit_due_date AS updated_at, "
                       f"NULL AS last_review_date FROM applications a {_APP_JOIN} WHERE {_VISIT_DUE} "
                       "ORDER BY a.visit_due_date, a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "入户调查", "应调查日期"), opens="applications"),
    Worklist("civil_unanswered", "经济状况核对未回复", "已向民政申请经济状况核对、尚未收到结果", "",
             count_sql=f"SELECT count(*) FROM applications a WHERE {_CIVIL_OPEN}",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, '已等待 ' || CAST(julianday(:today) "
                       "- julianday(c.requested_date) AS INTEGER) || ' 天' AS status, NULL AS category, "
                       f"c.requested_date AS updated_at, NULL AS last_review_date FROM applications a {_APP_JOIN} "
                       "JOIN civil_checks c ON c.application_id = a.id AND c.answered_date IS NULL "
                       f"WHERE {_CIVIL_OPEN} ORDER BY c.requested_date, a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "核对", "申请核对日期"), opens="applications"),
    Worklist("publicity_ending", "公示即将期满", "公示期两天内结束或已结束、等待提交审批的申请", "",
             count_sql=f"SELECT count(*) FROM applications a JOIN publicity_periods p ON p.id = a.publicity_id "
                       f"WHERE {_PUBLICITY_ENDING}",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, CASE WHEN p.end_date < :today "
                       "THEN '已期满，可提交审批' ELSE '还剩 ' || CAST(julianday(p.end_date) - julianday(:today) + 1 "
                       "AS INTEGER) || ' 天' END AS status, NULL AS category, p.end_date AS updated_at, "
                       f"NULL AS last_review_date FROM applications a {_APP_JOIN} JOIN publicity_periods p "
                       f"ON p.id = a.publicity_id WHERE {_PUBLICITY_ENDING} ORDER BY p.end_date, a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "公示", "公示截止"), opens="applications"),
    Worklist("objections_open", "未处理的异议", "公示期间收到、尚未处理的异议（处理后才能审批）", "",
             count_sql="SELECT count(DISTINCT o.application_id) FROM objections o WHERE o.result IS NULL",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, count(*) || ' 条异议' AS status, "
                       "NULL AS category, min(o.raised_date) AS updated_at, NULL AS last_review_date "
                       f"FROM objections o JOIN applications a ON a.id = o.application_id {_APP_JOIN} "
                       "WHERE o.result IS NULL GROUP BY a.id, a.app_no, h.name, pj.label, kd.label "
                       "ORDER BY min(o.raised_date), a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "异议", "最早提出日期"), opens="applications", alert=True),
    Worklist("approvals_waiting", "待审批的申请", "待审批或待上级审批的申请（录入人不能审批自己录入的申请）", "",
             count_sql="SELECT count(*) FROM applications a WHERE a.status IN ('pending', 'second')",
             items_sql=f"SELECT a.id, a.app_no AS archive_no, h.name, {_APP_WHAT}, CASE a.status WHEN 'second' "
                       "THEN '待上级审批' ELSE '待审批' END AS status, NULL AS category, a.last_step_date AS updated_at, "
                       f"NULL AS last_review_date FROM applications a {_APP_JOIN} WHERE a.status IN ('pending', 'second') "
                       "ORDER BY a.last_step_date, a.id LIMIT :limit",
             unit="件", headers=("申请编号", "姓名", "申请事项", "环节", "提交审批日期"), opens="applications"),
    Worklist("review_tasks_open", "年度复核待办", "已生成、尚未办结的年度复核任务（抽中入户核查的排在前面）", "",
             count_sql="SELECT count(*) FROM review_tasks WHERE status = 'open'",
             items_sql="SELECT h.id, h.archive_no, h.name, h.township, CASE WHEN t.sampled = 1 AND t.checked_date IS NULL "
                       "THEN '待入户核查' WHEN t.flagged = 1 THEN '测算提示不符' ELSE '待复核' END AS status, h.category, "
                       "t.year AS updated_at, h.last_review_date FROM review_tasks t JOIN households h "
                       "ON h.id = t.household_id WHERE t.status = 'open' ORDER BY t.sampled DESC, t.flagged DESC, "
                       "h.archive_no LIMIT :limit",
             headers=("档案编号", "姓名", "乡镇（街道）", "复核", "复核年度")),
    # ---- reception log and pairs (core/reception.py, core/visits.py)
    Worklist("reception_overdue", "逾期未办结的接待事项", "接待登记已过限期办理日期、尚未办结（首问负责人请尽快办理）", "",
             count_sql="SELECT count(*) FROM reception_entries WHERE status = 'open' AND deadline < :today",
             items_sql="SELECT r.id, r.entry_no AS archive_no, r.visitor_name AS name, "
                       "coalesce(k.label, r.kind) AS township, "
                       "'逾期 ' || CAST(julianday(:today) - julianday(r.deadline) AS INTEGER) || ' 天' AS status, "
                       "NULL AS category, r.deadline AS updated_at, NULL AS last_review_date "
                       "FROM reception_entries r LEFT JOIN code_lists k ON k.list = 'reception_kind' AND k.code = r.kind "
                       "WHERE r.status = 'open' AND r.deadline < :today ORDER BY r.deadline, r.id LIMIT :limit",
             unit="件", headers=("登记编号", "来访（来信、来电）人", "事项类别", "逾期", "限办日期"), opens="reception",
             alert=True),
    Worklist("visits_due", "结对走访到期", "结对干部应走访的家庭（距上次走访已满约定的间隔，或结对后尚未走访）", "",
             count_sql="SELECT count(*) FROM pairs p WHERE p.end_date IS NULL AND date(coalesce((SELECT max(v.visit_date) "
                       "FROM care_visits v WHERE v.pair_id = p.id), p.start_date), '+' || p.visit_every_days || ' days') "
                       "<= :today",
             items_sql="SELECT d.id, h.archive_no, h.name, c.name AS township, "
                       "CASE WHEN d.next_due < :today THEN '逾期 ' || CAST(julianday(:today) - julianday(d.next_due) "
                       "AS INTEGER) || ' 天' ELSE '今日到期' END AS status, h.category, d.next_due AS updated_at, "
                       "d.last_visit AS last_review_date FROM (SELECT p.*, (SELECT max(v.visit_date) FROM care_visits v "
                       "WHERE v.pair_id = p.id) AS last_visit, date(coalesce((SELECT max(v.visit_date) FROM care_visits v "
                       "WHERE v.pair_id = p.id), p.start_date), '+' || p.visit_every_days || ' days') AS next_due "
                       "FROM pairs p WHERE p.end_date IS NULL) d JOIN households h ON h.id = d.household_id "
                       "JOIN cadres c ON c.id = d.cadre_id WHERE d.next_due <= :today ORDER BY d.next_due, d.id "
                       "LIMIT :limit",
             unit="对", headers=("档案编号", "姓名", "结对干部", "走访", "应走访日期"), opens="visits"),
    # ---- the Excel exchange (exchange/, core/exchange_state.py)
    Worklist("exchange_returned", "市总工会核查退回", "核查结果为退回或跨县重复、尚未处理的档案（处理后在“数据交换”页标记）",
             "EXISTS (SELECT 1 FROM exchange_flags f WHERE f.household_id = h.id AND f.handled_at IS NULL "
             "AND f.result <> '1')", alert=True),
    Worklist("exchange_conflicts", "交换冲突待处理", "导入批次时双方都修改过或预览后本库又有变化的档案、与本库不同的帮扶记录，须逐项决定", "",
             count_sql="SELECT count(*) FROM exchange_conflicts WHERE status = 'open'",
             items_sql="SELECT c.id, c.key AS archive_no, coalesce(h.name, '') AS name, c.sender_code AS township, "
                       "CASE c.kind WHEN 'household' THEN '档案' ELSE '帮扶记录' END AS status, NULL AS category, "
                       "c.created_at AS updated_at, NULL AS last_review_date FROM exchange_conflicts c "
                       "LEFT JOIN households h ON h.id = c.household_id WHERE c.status = 'open' ORDER BY c.id LIMIT :limit",
             unit="项", headers=("档案或记录编号", "姓名", "发送单位", "类型", "发现时间"), opens="exchange", alert=True),
    # ---- 职工医疗互助 (core/mutual_claims.py, mutual_settle.py): a double-click opens the 医疗互助 page
    Worklist("mutual_claims_waiting", "医疗互助报销待审批", "经办人已登记、等待审批的医疗互助报销（登记人不能审批自己登记的）", "",
             count_sql="SELECT count(*) FROM mutual_claims WHERE status = 'draft'",
             items_sql="SELECT c.id, c.claim_no AS archive_no, m.name, u.name AS township, '自付 ' || "
                       f"{_yuan('c.self_fen')} || ' 元' AS status, NULL AS category, c.submitted_on AS "
                       "updated_at, NULL AS last_review_date FROM mutual_claims c JOIN mutual_members m "
                       "ON m.id = c.member_id JOIN mutual_units u ON u.id = m.unit_id WHERE c.status = 'draft' "
                       "ORDER BY c.submitted_on, c.id LIMIT :limit",
             unit="件", headers=("报销编号", "姓名", "单位", "金额", "登记日期"), opens="mutual"),
    Worklist("mutual_to_settle", "医疗互助待结算", "已批准、尚未列入季度结算支付的医疗互助报销", "",
             count_sql="SELECT count(*) FROM mutual_claims WHERE status = 'approved' AND settlement_id IS NULL",
             items_sql="SELECT c.id, c.claim_no AS archive_no, m.name, u.name AS township, '应付 ' || "
                       f"{_yuan('c.payable_fen')} || ' 元' AS status, NULL AS category, "
                       "substr(c.decided_at, 1, 10) AS updated_at, NULL AS last_review_date FROM mutual_claims c "
                       "JOIN mutual_members m ON m.id = c.member_id JOIN mutual_units u ON u.id = m.unit_id "
                       "WHERE c.status = 'approved' AND c.settlement_id IS NULL ORDER BY c.decided_at, c.id LIMIT :limit",
             unit="件", headers=("报销编号", "姓名", "单位", "金额", "批准日期"), opens="mutual"),
)
_BY_KEY = {w.key: w for w in WORKLISTS}


def _params(today: _dt.date) -> dict[str, Any]:
    return {"year_ago": (today - _dt.timedelta(days=365)).isoformat(), "today": today.isoformat(),
            "in_two_days": (today + _dt.timedelta(days=2)).isoformat()}


def counts(db: Database, today: _dt.date | None = None) -> dict[str, int]:
    p = _params(today or _dt.date.today())
    return {w.key: int(db.execute(w.count_sql or f"SELECT count(*) FROM households h WHERE {w.where}", p).fetchone()[0])
            for w in WORKLISTS}


def items(db: Database, key: str, *, limit: int = 200, today: _dt.date | None = None) -> list[dict[str, Any]]:
    w = _BY_KEY[key]
    p = {**_params(today or _dt.date.today()), "limit": limit}
    if w.items_sql:
        return rows(db, w.items_sql, p)
    return rows(db, f"SELECT h.id, h.archive_no, h.name, h.township, h.status, h.category, h.updated_at, "
                    f"h.last_review_date FROM households h WHERE {w.where} ORDER BY h.updated_at, h.id LIMIT :limit", p)
