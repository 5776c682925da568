"""The audit trail in Chinese: what each action and each kind of record is called, and a row's before/after
shown field by field (Chinese names, amounts in yuan, local times, code labels).

One catalogue for the audit page, its export and anything else that shows audit rows. Every action the code
writes has a label here (tests/core/test_audit_labels.py reads the source to make sure), so a new action
cannot reach a person as ``workflow.file`` or ``exchange_out_sent``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from helpdesk_gui.core.access.audit_fields import (
    ACTION_CODED,
    CODED,
    ENTITY_CODED,
    FIELD_LABELS,
    MONEY_KEYS,
    NESTED_CODED,
    PLAIN_NUMBERS,
)
from helpdesk_gui.core.base.codes import DEFAULT_LISTS, CodeBook
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.timefmt import local_time

_BASE_ACTIONS: dict[str, str] = {
    # the register
    "create": "新建", "update": "修改", "status": "状态变更", "attach": "添加附件", "reveal": "查看完整信息",
    "print_reveal": "打印完整信息", "purge": "清除个人信息", "delete": "删除",
    # applications (the steps themselves: workflow.*, below), annual review, campaigns
    "review.create": "生成年度复核任务", "review.check": "复核入户核查", "review.keep": "复核后保留类别",
    "campaign.create": "新建帮扶活动", "campaign.publicise": "活动名单公示", "campaign.approve": "活动名单审批",
    # the ledger and the mutual-aid scheme
    "post": "记账", "reverse": "冲销", "export_bank": "导出银行代发清单", "close": "关闭", "reopen": "重新打开",
    "approve": "批准", "reject": "不予批准", "revoke": "撤销批准", "cancel": "作废", "return": "退回",
    "remove": "移出", "enrol": "登记参加", "withdraw": "撤销参加", "import_list": "导入名单",
    # reception, visits, services
    "note": "记录办理情况", "reassign": "更换负责人", "link": "关联档案", "application": "转为帮扶申请",
    "end": "结束结对",
    # the exchange (exchange_<direction>_<result>: below)
    "resolve_conflict": "处理交换冲突", "handle_flag": "处理核查结果", "post_allocation": "下拨资金入账",
    "save_mapping": "保存列对应", "delete_mapping": "删除列对应",
    "adopt_import": "建库导入",
    # the city: verdicts and allocations sent down to its counties
    "city_verdict": "下达核查结果", "withdraw_verdict": "撤销核查结果", "city_allocation": "登记下拨资金",
    # users, settings, the database
    "login": "登录", "logout": "退出登录", "seal": "封存审计日志", "rekey": "启用新的审计密钥", "login_failed": "登录失败", "change_password": "修改密码", "enable": "启用用户",
    "disable": "停用用户", "set_roles": "修改角色", "put": "设置", "set": "设置", "init": "初始化数据库",
    "demo": "生成演示数据",
}
#: (direction, result) of an exchange batch → the action's label; other pairs are named from the code lists.
_EXCHANGE: dict[tuple[str, str], str] = {("out", "sent"): "发出交换批次", ("in", "imported"): "导入交换批次",
                                         ("in", "rejected"): "拒收交换批次"}


def _catalogue() -> dict[str, str]:
    out = dict(_BASE_ACTIONS)
    out.update({f"workflow.{code}": label for code, label in DEFAULT_LISTS["workflow_action"][1]})
    out.update({f"exchange_{d}_{r}": label for (d, r), label in _EXCHANGE.items()})
    return out


#: action code → label, every action the code writes (the filter of the audit page lists these).
ACTION_LABELS: dict[str, str] = _catalogue()
#: entity (kind of record) → label
ENTITY_LABELS: dict[str, str] = {
    "household": "档案", "audit_log": "审计日志", "assistance_record": "帮扶记录", "application": "帮扶申请", "campaign": "帮扶活动",
    "review_year": "年度复核", "cap_rule": "帮扶上限规则", "policy_standard": "低保标准", "holiday": "节假日调整",
    "voucher": "凭证", "fund": "资金", "payment_roster": "发放花名册", "loan": "周转金借款", "ledger_period": "会计期间",
    "mutual_plan": "医疗互助方案", "mutual_unit": "互助参加单位", "mutual_member": "互助会员",
    "mutual_claim": "互助报销", "mutual_advance": "特殊救助预付", "mutual_settlement": "互助季度结算",
    "mutual_contribution": "互助金缴费", "reception": "接待登记", "service_case": "服务事项", "cadre": "帮扶干部",
    "pair": "结对帮扶", "care_visit": "走访慰问", "exchange_batch": "交换批次", "exchange_conflict": "交换冲突",
    "exchange_mapping": "列对应方案", "exchange_allocation": "下拨资金", "exchange_key": "交换密钥",
    "city_verdict": "市总核查结果", "city_allocation": "下拨各县资金",
    "form": "打印表格", "user": "用户", "setting": "系统设置", "centre": "帮扶中心", "townships": "乡镇（街道）",
    "database": "数据库",
}
_DEFAULTS = CodeBook.defaults()
#: Fields in the catalogue's order (related fields together, as a form lists them), not the JSON's A to Z
_ORDER = {key: i for i, key in enumerate(FIELD_LABELS)}
#: The first part of a dotted field name (``members.id_number``)
_PARTS = {"members": "家庭成员"}


def action_label(code: str) -> str:
    """The label of an action; one the catalogue does not know is named as well as can be, never raw when its
    parts are known (``exchange_in_sent`` → 交换批次：接收已发出)."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    if code.startswith("workflow."):
        return _DEFAULTS.label("workflow_action", code.removeprefix("workflow."))
    parts = code.split("_")
    if len(parts) == 3 and parts[0] == "exchange":
        return f"交换批次：{_DEFAULTS.label('exchange_direction', parts[1])}{_DEFAULTS.label('exchange_result', parts[2])}"
    return code


def entity_label(code: str) -> str:
    return ENTITY_LABELS.get(code, code)


def action_choices(extra: Iterable[str] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """(label, action codes) for a filter: each label once, in the catalogue's order, with every code it stands
    for (设置 is ``put`` and ``set``); ``extra`` codes (those found in an older database, say) join in."""
    groups: dict[str, list[str]] = {}
    for code in [*ACTION_LABELS, *extra]:
        codes = groups.setdefault(action_label(code), [])
        if code not in codes:
            codes.append(code)
    return [(label, tuple(codes)) for label, codes in groups.items()]


def field_label(key: str) -> str:
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    if "." in key:   # members.id_number: a field of the family members
        head, _, rest = key.partition(".")
        return f"{_PARTS.get(head, field_label(head))}·{field_label(rest)}"
    if key.endswith("_fen") and key.removesuffix("_fen") in FIELD_LABELS:
        return FIELD_LABELS[key.removesuffix("_fen")]
    return key


# ------------------------------------------------------------------------------------- one row, shown

class _Shown:
    """How one audit row's values read: the code book of the database, the row's entity and action."""

    def __init__(self, book: CodeBook, entity: str, action: str, funds: Mapping[str, str]) -> None:
        self.book, self.entity, self.action, self.funds = book, entity, action, funds

    def fund(self, fund_id: object) -> str:
        return self.funds.get(str(fund_id)) or f"资金 {fund_id}"

    def code_list(self, key: str, parent: str) -> str | None:
        return (NESTED_CODED.get((parent, key)) or ACTION_CODED.get((self.action, key))
                or ENTITY_CODED.get((self.entity, key)) or CODED.get(key))

    def scalar(self, key: str, value: Any, parent: str = "") -> str:
        if value is None or value == "":
            return "—"
        money = key.endswith("_fen") or key in MONEY_KEYS or parent in MONEY_KEYS
        if isinstance(value, bool):
            return "是" if value else "否"
        if money and isinstance(value, int | float | str) and str(value).lstrip("-").isdigit():
            return f"{yuan(int(value))} 元"
        if key == "fund_id":
            return self.fund(value)
        if key == "fields" and isinstance(value, str):
            return field_label(value)
        listed = self.code_list(key, parent)
        if listed and isinstance(value, str | int):
            text = str(value)
            return self.book.labels(listed, text) if "," in text else self.book.label(listed, text)
        if isinstance(value, int) and not (key in PLAIN_NUMBERS or key.endswith("_id") or parent in PLAIN_NUMBERS):
            return f"{value:,}"
        if isinstance(value, str) and (key == "at" or key.endswith("_at")):
            return local_time(value)
        return str(value)

    def lines(self, key: str, value: Any, depth: int, parent: str = "") -> list[str]:
        pad = "  " * depth
        label = self.fund(key) if parent in MONEY_KEYS and key.isdigit() else field_label(key)
        if isinstance(value, dict):
            if not value:
                return [f"{pad}{label}：—"]
            out = [f"{pad}{label}："]
            for k, v in _ordered(value):
                out += self.lines(str(k), v, depth + 1, key)
            return out
        if isinstance(value, list):
            if any(isinstance(v, dict | list) for v in value):
                out = [f"{pad}{label}："]
                for i, v in enumerate(value, 1):
                    if isinstance(v, dict):
                        out.append(f"{pad}  第 {i} 项：")
                        for k, x in _ordered(v):
                            out += self.lines(str(k), x, depth + 2, key)
                    else:
                        out += self.lines(f"第 {i} 项", v, depth + 1, key)
                return out
            return [f"{pad}{label}：" + ("、".join(self.scalar(key, v, parent) for v in value) or "—")]
        return [f"{pad}{label}：{self.scalar(key, value, parent)}"]


def _ordered(value: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(value.items(), key=lambda kv: _ORDER.get(str(kv[0]), len(_ORDER)))


def describe(raw: str | None, *, entity: str = "", action: str = "", book: CodeBook | None = None,
             funds: Mapping[str, str] | None = None) -> list[str]:
    """The before or after of an audit row (its JSON text) as lines people read: ``状态：已记账``,
    ``合计金额：1,234.00 元``; nested parts indented. Empty: no lines. Text that is not JSON stays as it is.
    ``funds`` (fund id as text → name) names the funds a voucher or a closing lists by id."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [raw]
    shown = _Shown(book or _DEFAULTS, entity, action, funds or {})
    if isinstance(value, dict):
        return [ln for k, v in _ordered(value) for ln in shown.lines(str(k), v, 0)]
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return shown.lines("内容", value, 0)[1:]
    return [shown.scalar("", value) if not isinstance(value, list) else "、".join(map(str, value))]
