"""What the audit trail's fields are called in Chinese, and which hold money, times or codes.

An audit row keeps the record before and after a change as JSON, with the database's column names (and a few
summary keys of its own: counts, a reason, the file written). ``FIELD_LABELS`` names every column of the
tables a write can dump and every key the code writes (tests/core/test_audit_labels.py keeps it complete);
``audit_labels.describe`` uses it to show a row to people.
"""

from __future__ import annotations

#: key → what a person reads. Columns first (by table, first use wins), then the summary keys of the audit rows.
FIELD_LABELS: dict[str, str] = {
    # ---- common
    "id": "内部编号", "name": "名称", "status": "状态", "kind": "类别", "note": "备注", "notes": "备注",
    "remarks": "备注", "reason": "原因", "active": "在用", "ord": "排列顺序", "label": "名称", "code": "代码",
    "created_at": "创建时间", "created_by": "创建人", "updated_at": "修改时间", "created_date": "建档日期",
    "year": "年度", "period": "期间", "project": "帮扶项目", "category": "困难类别", "amount_fen": "金额",
    "household_id": "档案（内部编号）", "archive_no": "档案编号", "sender_code": "发送单位代码",
    "title": "标题", "file_name": "文件", "sha256": "文件校验值", "phone": "联系电话", "contact": "联系人",
    "start_date": "开始日期", "end_date": "结束日期", "region_code": "行政区划代码", "result": "结果",
    "opinion": "意见", "summary": "摘要", "source": "来源", "value": "值", "key": "键",
    # ---- the audit trail's own seals (core/access/chain.py)
    "audit_id": "审计行编号", "content_hash": "档案内容校验值", "mac": "签名", "missing_key": "缺失的审计密钥",
    "new_key": "新的审计密钥",
    # ---- households and members (core/register/draft.py FIELDS)
    "archive_type": "档案类型", "exit_reason": "注销原因", "status_note": "状态说明",
    "category_suggested": "系统建议的困难类别", "legacy_category_text": "原困难类别（旧口径）",
    "name_pinyin": "姓名拼音", "name_initials": "姓名首字母", "gender": "性别", "ethnicity": "民族",
    "political": "政治面貌", "id_number": "公民身份号码", "id_rev": "身份证号码（倒序）", "birth_date": "出生日期",
    "health": "健康状况", "disability_type": "残疾类别", "disability_grade": "残疾等级", "work_status": "工作状态",
    "model_worker": "劳模类型", "phone_rev": "手机号码（倒序）", "other_contact": "其他联系方式",
    "employer_id": "工作单位（内部编号）", "work_start_date": "参加工作时间", "marital": "婚姻状况",
    "hukou_type": "户口类型", "is_union_member": "是否工会会员", "is_migrant": "是否农民工",
    "contract_signed_date": "劳动合同签订时间", "contract_months": "合同期限（月）", "org_unit_id": "建档工会",
    "township": "乡镇（街道）", "address": "家庭住址", "hukou_region_code": "户口所在地行政区划",
    "housing_type": "住房类型", "housing_area_m2": "建筑面积（平方米）", "medical_insurance": "医保状况",
    "single_parent": "是否单亲", "zero_employment": "是否零就业家庭", "self_help_ability": "是否有一定自救能力",
    "bank_name": "开户银行", "bank_branch": "支行名称", "bank_account": "银行账号", "cause_main": "主要致困原因",
    "causes_secondary": "次要致困原因", "cause_other_text": "其他致困原因说明", "family_size": "家庭人口",
    "income_from": "收入计算起始日", "income_to": "收入计算截止日", "annual_income_fen": "家庭年收入",
    "rigid_expense_fen": "刚性支出", "per_capita_month_fen": "家庭月人均收入", "exit_date": "脱困日期",
    "last_review_date": "最近复核日期", "income_test_month_fen": "收入核算月人均收入",
    "relation": "与户主关系", "identity": "人员身份", "school_or_employer": "单位或学校",
    "monthly_income_fen": "月收入", "has_income_proof": "有收入证明", "evidence": "依据",
    "nature": "单位性质", "condition": "企业状况", "industry": "所属行业", "level": "层级", "parent_id": "上级单位",
    # ---- applications and their steps
    "app_no": "申请编号", "application_id": "申请（内部编号）", "campaign_id": "帮扶活动（内部编号）",
    "review_task_id": "复核任务（内部编号）", "beneficiary": "受助人", "school_level": "就读学段",
    "cost_fen": "费用", "requested_fen": "申请金额", "proposed_fen": "拟帮扶金额", "proposed_category": "拟定困难类别",
    "approved_fen": "批准金额", "override_reason": "超出上限的理由", "first_approver": "初审人", "details": "详细情况",
    "needs_visit": "需入户调查", "needs_civil_check": "需经济状况核对", "needs_publicity": "需公示",
    "needs_materials": "需补充材料", "publicity_id": "公示（内部编号）", "received_date": "受理日期",
    "visit_due_date": "入户调查期限", "last_step_date": "最近办理日期", "entered_by": "录入人", "entered_at": "录入时间",
    "action": "环节", "from_status": "原状态", "to_status": "新状态", "on_date": "日期", "at": "时间",
    "by_user": "办理人", "data": "办理内容", "material_type": "材料类型", "added_at": "添加时间", "added_by": "添加人",
    "requested_date": "申请核对日期", "requested_by": "申请人", "request_note": "申请说明",
    "answered_date": "回复日期", "answered_by": "回复人", "answer_note": "回复说明",
    "visit_date": "走访日期", "visitors": "参加人员", "findings": "调查情况", "recorded_by": "记录人",
    "recorded_at": "记录时间", "raised_date": "提出日期", "raised_by": "提出人", "content": "内容",
    "logged_by": "登记人", "logged_at": "登记时间", "handling": "处理情况", "handled_date": "处理日期",
    "handled_by": "处理人", "handled_at": "处理时间", "handled_note": "处理说明", "days": "天数",
    "working_days": "工作日数", "place": "公示地点", "outcome": "结论", "cap_fen": "上限金额", "cap_rule": "上限规则",
    "approved_by": "批准人", "decided_on": "决定日期", "decided_at": "决定时间", "decided_by": "决定人",
    "snapshot": "决定时的档案情况", "paid_at": "发放时间", "paid_by": "发放人", "paid_ref": "发放凭据",
    "decision_id": "帮扶决定（内部编号）", "rule": "规则", "filters": "筛选条件",
    # ---- caps, policy, holidays, settings
    "basis": "计算方式", "months": "月数", "percent": "比例（%）", "deductible_fen": "起付金额",
    "max_time_fen": "每次最多", "period_max_fen": "每期最多", "lifetime_max_fen": "累计最多",
    "bonus_per_5y": "每满五年增加", "effective_from": "执行日期", "dibao_month_fen": "低保标准（每月）",
    "min_wage_month_fen": "最低工资（每月）", "day": "日期",
    # ---- review, campaigns
    "category_before": "复核前困难类别", "per_capita_fen": "月人均收入", "flagged": "测算提示不符",
    "flag_reason": "提示原因", "sampled": "抽中入户核查", "checked_date": "核查日期", "checked_by": "核查人",
    "check_note": "核查情况", "new_category": "调整后的困难类别", "outcome_note": "复核说明",
    # ---- reception, visits, pairs, services
    "entry_no": "登记编号", "channel": "接待方式", "received_time": "接待时间", "visitor_name": "来访人",
    "visitor_id_number": "来访人身份证号码", "visitor_phone": "来访人电话", "visitor_unit": "来访人单位",
    "matter": "事项", "responsible": "负责人", "deadline": "办理期限", "deadline_rule": "期限规则",
    "closed_date": "办结日期", "closed_by": "办结人", "entry_id": "登记（内部编号）",
    "unit": "单位", "post": "职务", "cadre_id": "帮扶干部（内部编号）", "pair_id": "结对（内部编号）",
    "visit_every_days": "走访间隔（天）", "end_reason": "结束原因", "money_fen": "慰问金", "goods": "慰问品",
    "goods_fen": "慰问品折价", "case_no": "服务编号", "reception_id": "接待登记（内部编号）",
    "person_name": "当事人", "person_id_number": "当事人身份证号码", "people": "涉及人数", "opened_date": "立案日期",
    "counterpart": "对方", "claimed_fen": "主张金额",
    # ---- ledger
    "purpose": "用途", "account_name": "账户名称", "restrict_projects": "限用帮扶项目",
    "restrict_categories": "限用困难类别", "restrict_archive_types": "限用档案类型",
    "restrict_campaign_id": "限用帮扶活动", "earmark": "专款说明", "fund_id": "资金",
    "balance_fen": "余额", "voucher_id": "凭证（内部编号）", "line": "行号", "entry_date": "记账日期",
    "memo": "摘要", "counterparty": "对方单位或个人", "pay_method": "发放方式", "record_no": "帮扶记录编号",
    "roster_id": "花名册（内部编号）", "loan_id": "借款（内部编号）", "allocation_id": "下拨资金（内部编号）",
    "reverses_id": "冲销的分录", "start": "开始", "closed_at": "结账时间", "balances": "各资金余额",
    "by_fund": "各资金金额", "seq": "序号", "due_date": "应还日期", "loan_no": "借款编号",
    "principal_fen": "借款本金", "issued_date": "放款日期", "approval_ref": "批准文号", "guarantor": "担保人",
    "voucher_no": "凭证号", "ref_no": "文号/批次", "reverses_voucher_id": "冲销的凭证", "posted_by": "记账人",
    "posted_at": "记账时间", "roster_no": "花名册编号", "paid_date": "发放日期", "bank_batch": "银行批次号",
    "fund_source": "资金来源", "method": "发放方式", "approver": "审批人", "origin": "来源",
    # ---- mutual aid
    "advance_no": "预付编号", "plan_id": "互助方案（内部编号）", "member_id": "会员（内部编号）", "paid_on": "支付日期",
    "closed_reason": "关闭原因", "claim_no": "报销编号", "submitted_on": "申请日期", "total_fen": "合计金额",
    "insurance_fen": "医保报销", "self_fen": "个人自付", "years": "参加年数", "rate_pct": "补助比例（%）",
    "subsidy_fen": "补助金额", "rehab_fen": "康复补助", "offset_fen": "抵扣预付", "payable_fen": "应付金额",
    "steps": "计算过程", "settlement_id": "结算单（内部编号）", "unit_id": "参加单位（内部编号）",
    "members": "人数", "worker_fen": "个人缴费", "unit_fen": "单位缴费", "union_fen": "工会补助",
    "received_on": "收款日期", "enrolled_on": "参加日期", "contribution_id": "缴费（内部编号）",
    "since_year": "首次参加年度", "claim_id": "报销（内部编号）", "advance_id": "预付（内部编号）",
    "loyalty_years": "连续参加年数", "loyalty_points": "连续参加加点", "max_rate_pct": "最高补助比例（%）",
    "claim_cap_fen": "每次报销上限", "year_cap_fen": "年度报销上限", "rehab_bands": "康复补助档次",
    "advance_cap_fen": "预付上限", "receipt_no": "票据号", "hospital": "医院", "receipt_date": "票据日期",
    "live": "有效", "settle_no": "结算单号", "quarter": "季度", "claims": "报销单",
    # ---- exchange
    "batch_id": "批次号", "direction": "交换方向", "counterpart_code": "对方单位代码", "counterpart_name": "对方单位",
    "generated_at": "生成时间", "exchanged_at": "交换时间", "mode": "批次方式", "since": "起始时间",
    "rows_json": "各表行数", "summary_json": "处理摘要", "file_sha256": "文件校验值", "checksum": "校验和",
    "signed": "已签名", "record_id": "帮扶记录（内部编号）", "incoming_json": "对方内容", "local_json": "本地内容",
    "resolution_json": "处理结果", "resolved_at": "处理时间", "resolved_by": "处理人", "keep_archive_no": "保留的档案编号",
    "opening_fen": "期初余额", "income_fen": "本期收入", "expense_fen": "本期支出", "closing_fen": "期末余额",
    "received_at": "收到时间", "posted_ref": "入账凭证", "mapping_json": "列对应",
    "last_sent_at": "最近发出时间", "last_sent_batch": "最近发出的批次", "last_received_at": "最近收到时间",
    "last_received_batch": "最近收到的批次",
    # ---- the city's verdicts and allocations sent down to its counties (core/city)
    "keep_county_code": "保留的档案所属县区", "sent_batch": "下发批次", "sent_at": "下发时间",
    "verdicts": "核查结果", "allocations": "下拨资金",
    # ---- users
    "username": "用户名", "display_name": "姓名", "roles": "角色", "failed_logins": "连续登录失败次数",
    "locked_until": "锁定至",
    # ---- keys the audit rows write besides columns (counts, summaries)
    "already": "已有", "application": "帮扶申请", "approved": "已批准", "assistance_records": "帮扶记录",
    "by": "经办人", "cadre": "帮扶干部", "cadres": "帮扶干部", "care_visits": "走访慰问", "closed_months": "已结账月份",
    "county_code": "县级行政区划代码", "created": "新建", "date": "日期", "days_late": "逾期天数",
    "decisions_to_pay": "待发放的帮扶决定", "documents": "单据", "employers": "工作单位", "end": "结束",
    "enrolled": "参加人数", "entries": "分录", "exceptions": "例外", "fields": "内容", "file": "文件",
    "fingerprint": "密钥指纹", "from_fen": "原金额", "fund": "资金", "households": "档案", "ledger_entries": "记账分录",
    "lines": "分录数", "mutual_advance": "特殊救助预付", "mutual_claims": "互助报销", "mutual_entries": "互助分录",
    "mutual_members": "互助会员", "mutual_plan": "医疗互助方案", "mutual_settlement": "互助季度结算",
    "mutual_settlements": "互助季度结算", "mutual_vouchers": "互助凭证", "objection_id": "异议（内部编号）",
    "of": "共", "on": "日期", "pairs": "结对帮扶", "plan": "方案", "publicity_end": "公示结束日期",
    "publicity_start": "公示开始日期", "receipts": "票据", "reception_entries": "接待登记", "red_voucher": "红字凭证",
    "ref": "凭据", "rejected": "不予批准", "removed": "移出", "reverses": "冲销的凭证", "roster": "发放花名册",
    "rows": "行数", "schedule": "还款计划", "second": "上级审批", "seed": "随机种子", "service_cases": "服务事项",
    "sheet": "工作表", "skipped": "跳过", "tasks": "任务数", "text": "内容", "threshold_fen": "金额界限",
    "union_name": "工会名称", "units_created": "新建单位数", "updated": "更新", "voucher": "凭证",
    "vouchers": "凭证", "applications": "帮扶申请", "why": "原因", "warnings": "提示", "errors": "错误",
    "new": "新增", "unchanged": "未变", "older": "较旧未导入", "conflicts": "冲突", "records_new": "新增帮扶记录",
    "held": "预览后转为冲突", "added": "新增档案", "version": "版本号",
    "records_same": "相同帮扶记录", "record_conflicts": "帮扶记录冲突", "flags": "核查结果",
    "checksum_ok": "校验和正确", "signature": "签名", "first_error": "第一个错误",
    "family_members": "家庭成员", "numbered": "新编档案编号", "kept_numbers": "沿用原档案编号", "by_status": "各状态户数",
}

#: Keys whose value (or every value inside it) is an amount in fen, besides the keys ending in ``_fen``.
MONEY_KEYS = frozenset({"by_fund", "balances"})

#: Keys holding a code of a code list (``core.base.codes``), shown by its label.
CODED: dict[str, str] = {
    "gender": "gender", "ethnicity": "ethnicity", "political": "political", "health": "health",
    "disability_type": "disability_type", "disability_grade": "disability_grade", "work_status": "work_status",
    "model_worker": "model_worker", "marital": "marital", "hukou_type": "hukou_type",
    "is_union_member": "yes_no", "is_migrant": "yes_no", "single_parent": "yes_no", "zero_employment": "yes_no",
    "self_help_ability": "yes_no", "housing_type": "housing_type", "medical_insurance": "medical_insurance",
    "archive_type": "archive_type", "category": "category", "category_suggested": "category",
    "category_before": "category", "new_category": "category", "proposed_category": "category",
    "cause_main": "cause", "causes_secondary": "cause", "exit_reason": "exit_reason", "relation": "relation",
    "identity": "member_identity", "project": "project", "fund_source": "fund_source", "pay_method": "pay_method",
    "method": "pay_method", "material_type": "material_type", "nature": "employer_nature",
    "condition": "enterprise_condition", "industry": "industry", "channel": "reception_channel",
    "roles": "role", "restrict_projects": "project", "restrict_categories": "category",
    "restrict_archive_types": "archive_type", "basis": "cap_basis", "direction": "exchange_direction",
}
#: The same key means another list for some kinds of record (``entity`` of the audit row).
ENTITY_CODED: dict[tuple[str, str], str] = {
    ("household", "status"): "status", ("city_verdict", "result"): "verify_result", ("application", "status"): "application_status",
    ("application", "kind"): "application_kind", ("campaign", "status"): "campaign_status",
    ("reception", "status"): "reception_status", ("reception", "kind"): "reception_kind",
    ("payment_roster", "status"): "roster_status", ("mutual_claim", "status"): "mutual_claim_status",
    ("voucher", "kind"): "voucher_kind", ("fund", "kind"): "fund_kind", ("fund", "purpose"): "fund_purpose",
    ("service_case", "kind"): "service_kind", ("service_case", "outcome"): "service_outcome",
    ("care_visit", "kind"): "visit_kind", ("holiday", "kind"): "holiday_kind",
    ("cap_rule", "period"): "cap_period", ("review_year", "outcome"): "review_outcome",
    ("application", "action"): "workflow_action",
}
#: And for some actions (a reception entry becoming an application names the application's kind).
ACTION_CODED: dict[tuple[str, str], str] = {("application", "kind"): "application_kind"}
#: Inside a list of records under one of these keys, the key means this list (a voucher's entries).
NESTED_CODED: dict[tuple[str, str], str] = {("entries", "kind"): "ledger_entry_kind"}
#: Numbers that are names, not quantities: shown without thousands separators.
PLAIN_NUMBERS = frozenset({"id", "year", "since_year", "seq", "ord", "line", "quarter", "seed", "county_code",
                           "period", "region_code", "hukou_region_code"})
