"""Chinese names of the audit trail's actions and of the things they act on (the audit page, exports, ``check``)."""

from __future__ import annotations

ACTION_LABELS = {
    "init": "初始化", "create": "新建", "update": "修改", "status": "状态变更", "attach": "添加附件",
    "login": "登录", "login_failed": "登录失败", "change_password": "修改密码", "put": "设置", "delete": "删除",
    "demo": "生成演示数据", "reveal": "查看完整信息", "purge": "清除个人信息",
    "print_reveal": "打印完整信息",
    "post": "记账", "approve": "批准", "reject": "不予批准", "revoke": "撤销批准", "cancel": "作废", "close": "关闭",
    "reopen": "重新打开", "seal": "封存审计日志", "rekey": "启用新的审计密钥", "enrol": "登记参加", "withdraw": "撤销参加", "return": "退回", "reverse": "冲销",
    "remove": "移出", "set": "设置", "export_bank": "导出银行代发清单",
}
ENTITY_LABELS = {"household": "档案", "audit_log": "审计日志", "user": "用户", "database": "数据库", "policy_standard": "低保标准",
                 "setting": "系统设置", "form": "打印表格", "voucher": "凭证", "exchange_key": "交换密钥", "payment_roster": "发放花名册",
                 "mutual_plan": "医疗互助方案", "mutual_unit": "互助参加单位", "mutual_member": "互助会员",
                 "mutual_claim": "互助报销", "mutual_advance": "特殊救助预付", "mutual_settlement": "互助季度结算",
                 "mutual_contribution": "互助金缴费"}
