"""Business settings kept in the database (``settings`` table, JSON values) with defaults.

Every amount, threshold and period of the domain is a setting, never a constant in code.
Money values are integer fen; ratios are strings of decimals to keep them exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import rows, scalar


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any


DEFAULTS: list[Setting] = [
    Setting("relative_multiplier", "相对困难线（低保标准的倍数）", "2"),
    Setting("accident_ratio", "意外致困：年度致困费用超过家庭年收入的比例", "0.8"),
    Setting("working_age_min", "劳动年龄下限（岁）", 16),
    Setting("working_age_max_male", "劳动年龄上限（男，岁）", 60),
    Setting("working_age_max_female", "劳动年龄上限（女，岁）", 55),
    Setting("visit_due_days", "受理后入户调查期限（天）", 5),
    Setting("publicity_days", "公示期（天）", 7),
    Setting("publicity_working_days", "公示期按工作日计算", False),
    Setting("lock_minutes", "无操作自动锁屏（分钟）", 15),
    Setting("retention_years", "脱困或注销后档案保存年限", 10),
    Setting("second_approval_fen", "需上一级审批的金额（分）", 2_000_000),
    Setting("review_random_ratio", "年度复核随机抽查比例", "0.3"),
    Setting("default_region_code", "本县行政区划代码", ""),
    Setting("default_dibao_month_fen", "本县低保标准（分/月，无地区标准时使用）", 70_000),
    Setting("default_min_wage_month_fen", "本县最低工资标准（分/月）", 169_000),
    Setting("backup_copy_dir", "备份同时复制到（如 U 盘或移动硬盘上的文件夹，留空不复制）", ""),
    # ---- the assistance workflow (core/workflow.py, core/caps.py)
    Setting("required_materials", "各类申请的必备材料（申请类别或“project:项目代码” → 材料类型代码）", {
        "new_archive": ["1", "2", "3", "4", "10"], "project:1": ["1"], "project:2": ["1", "5", "6"],
        "project:3": ["1", "8"], "project:4": [], "project:5": ["1"], "project:6": ["1"], "project:7": ["1"],
        "project:8": ["1"], "project:9": ["6"], "project:10": ["1"], "review": [], "change": ["1"], "exit": []}),
    Setting("relative_one_project_a_year", "相对困难家庭每年只享受一个帮扶项目（超出须审批人说明理由）", True),
    Setting("one_project_exempt", "不计入“每年一个项目”的帮扶项目代码", ["4"]),
    Setting("temporary_aid_any_status", "临时救助可批给尚未在档的申请家庭", True),
    # ---- printed forms (printing/)
    Setting("publicity_place", "公示地点（打印在公示名单上）", "县总工会公示栏、困难职工帮扶中心服务窗口"),
    Setting("centre_phone", "帮扶中心联系电话（打印在公示名单等表格上）", ""),
    # ---- the Excel exchange (exchange/)
    Setting("exchange_receiver_code", "交换批次的默认接收单位代码（市总工会，留空则为本县所属市的代码）", ""),
    Setting("exchange_receiver_name", "交换批次的默认接收单位名称", "市总工会"),
    Setting("exchange_omit_columns", "导出批次时不发送的可选列（只发送市里需要的字段）", ["开户银行", "银行账号"]),
    # ---- reception log, pairing and visits (core/reception.py, core/visits.py)
    Setting("reception_deadlines", "接待登记限期办理（事项类别 → 天数，及是否按工作日计算；0 天为当日办结）", {
        "help": {"days": 5, "working": True}, "consult": {"days": 1, "working": True},
        "rights": {"days": 15, "working": True}, "complaint": {"days": 15, "working": True},
        "other": {"days": 10, "working": False}}),
    Setting("pair_visit_every_days", "结对干部走访间隔（天，新结对的默认值）", 90),
    Setting("visit_due_soon_days", "结对走访提前提醒（天）", 7),
    # ---- the fund ledger (core/ledger.py, payroll.py, loans.py); the temporary-aid exception for paying a
    # household that is not 在档 is the workflow's ``temporary_aid_any_status``
    Setting("loan_max_fen", "创业周转金单笔借款上限（分）", 5_000_000),
    Setting("loan_max_months", "创业周转金最长借款期限（月）", 36),
    Setting("loan_grace_days", "周转金还款宽限期（天，超过即列为逾期）", 30),
    # ---- 职工医疗互助 (core/mutual_*.py): the rules a new plan starts from (each plan keeps its own copy)
    Setting("mutual_worker_fen", "医疗互助：职工个人每年缴纳（分）", 2_000),
    Setting("mutual_unit_fen", "医疗互助：单位每人每年补贴（分）", 500),
    Setting("mutual_union_fen", "医疗互助：工会每人每年补贴（分）", 1_000),
    Setting("mutual_deductible_fen", "医疗互助：每次报销起付线（统筹段自付，分）", 100_000),
    Setting("mutual_rate_pct", "医疗互助：超过起付线部分的补助比例（%）", 50),
    Setting("mutual_loyalty_years", "医疗互助：每连续参加几年提高比例", 5),
    Setting("mutual_loyalty_points", "医疗互助：每次提高几个百分点", 5),
    Setting("mutual_max_rate_pct", "医疗互助：补助比例最高（%）", 80),
    Setting("mutual_claim_cap_fen", "医疗互助：每次补助最高（分）", 2_000_000),
    Setting("mutual_year_cap_fen", "医疗互助：每人每年补助和康复金合计最高（分）", 5_000_000),
    Setting("mutual_rehab_bands", "医疗互助：康复金档次（本年统筹支付超过多少分，康复金多少分）",
            [[12_000_000, 500_000], [20_000_000, 800_000], [30_000_000, 1_000_000]]),
    Setting("mutual_advance_cap_fen", "医疗互助：大病特殊救助每笔预付最高（分）", 2_000_000),
]
_BY_KEY = {s.key: s for s in DEFAULTS}


def get(db: Database, key: str) -> Any:
    raw = scalar(db, "SELECT value FROM settings WHERE key = ?", [key])
    if raw is None:
        return _BY_KEY[key].default
    return json.loads(raw)


def get_all(db: Database) -> dict[str, Any]:
    stored = {r["key"]: json.loads(r["value"]) for r in rows(db, "SELECT key, value FROM settings")}
    return {s.key: stored.get(s.key, s.default) for s in DEFAULTS}


def put(db: Database, key: str, value: Any) -> None:
    """Store a setting. The caller holds the write transaction and writes the audit row."""
    if key not in _BY_KEY:
        raise KeyError(key)
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               [key, json.dumps(value, ensure_ascii=False)])


def label(key: str) -> str:
    return _BY_KEY[key].label
