"""Code lists (enumerations) as data.

The default lists below seed the ``code_lists`` table at database creation; from then on the
database is the source of truth (a county may deactivate or reorder items). The database stores
codes; screens, forms and Excel show labels. Legacy labels (older schemes, other spellings) are
aliases that resolve to current codes, so imports keep working; callers keep the original text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from helpdesk_gui.core.base.errors import ValidationError

# list name -> (Chinese title, [(code, label), ...])
DEFAULT_LISTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "gender": ("性别", [("1", "男"), ("2", "女")]),
    "yes_no": ("是否", [("1", "是"), ("0", "否")]),
    "ethnicity": ("民族", [(f"{i + 1:02d}", n) for i, n in enumerate(
        ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"])] + [("97", "其他"), ("98", "外国血统中国籍人士")]),
    "political": ("政治面貌", [("1", "中共党员"), ("2", "共青团员"), ("3", "民主党派"), ("4", "群众"),
                               ("5", "其他")]),
    "health": ("健康状况", [(str(i + 1), n) for i, n in enumerate(
        ["良好", "一般疾病", "恶性肿瘤", "心血管病", "脑血管病", "终末期肾病", "精神病", "肝病", "血液病", "糖尿病", "腰颈椎病", "高血压病", "肺病", "深度昏迷", "永久瘫痪", "严重阿尔茨海默病", "严重帕金森病", "严重运动神经元病", "残疾"])]),
    "disability_type": ("残疾类别", [("0", "无"), ("1", "视力残疾"), ("2", "听力残疾"), ("3", "言语残疾"),
                                    ("4", "肢体残疾"), ("5", "智力残疾"), ("6", "精神残疾"), ("7", "多重残疾")]),
    "disability_grade": ("残疾等级", [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")]),
    "work_status": ("工作状态", [(str(i + 1), n) for i, n in enumerate(
        ["在岗", "下岗", "失业", "退休", "病休", "内退", "灵活就业", "农民工", "无业"])]),
    "member_identity": ("人员身份", [(str(i + 1), n) for i, n in enumerate(
        ["在岗", "下岗", "失业", "退休", "病休", "内退", "灵活就业", "农民工", "无业"])]
        + [(str(i + 20), n) for i, n in enumerate(["研究生", "大学生", "中职中技", "高中", "初中", "小学", "学龄前"])]),
    "model_worker": ("劳模类型", [("0", "非劳模"), ("1", "全国劳模"), ("2", "省部级劳模"),
                                 ("3", "地市级劳模"), ("9", "其他")]),
    "housing_type": ("住房类型", [(str(i + 1), n) for i, n in enumerate(
        ["自建房", "商品房", "经济适用房", "两限房", "承租单位公房", "政府廉租房", "租房", "无房", "其他"])]),
    "employer_nature": ("单位性质", [(str(i + 1), n) for i, n in enumerate(
        ["机关事业单位", "国有企业", "集体企业", "民营企业", "个体工商户", "港澳台投资企业", "外商投资企业", "其他"])]),
    "enterprise_condition": ("企业状况", [(str(i + 1), n) for i, n in enumerate(
        ["正常", "亏损", "停产半停产", "改制", "关闭破产"])]),
    "industry": ("所属行业", [(c, n) for c, n in zip("ABCDEFGHIJKLMNOPQRST", [
        "农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业",
        "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业", "金融业",
        "房地产业", "租赁和商务服务业", "科学研究和技术服务业", "水利、环境和公共设施管理业",
        "居民服务、修理和其他服务业", "教育", "卫生和社会工作", "文化、体育和娱乐业",
        "公共管理、社会保障和社会组织", "国际组织"])]),
    "marital": ("婚姻状况", [("1", "未婚"), ("2", "已婚"), ("3", "离异"), ("4", "丧偶")]),
    "hukou_type": ("户口类型", [("1", "非农业"), ("2", "农业"), ("3", "农转居")]),
    "medical_insurance": ("医保状况", [("1", "职工基本医疗保险"), ("2", "城乡居民基本医疗保险"),
                                      ("3", "未参保"), ("9", "其他")]),
    "relation": ("与户主关系", [(str(i + 1), n) for i, n in enumerate(
        ["配偶", "子女", "父母", "配偶父母", "孙子女", "兄弟姐妹", "其他"])]),
    "category": ("困难类别", [("1", "深度困难"), ("2", "相对困难"), ("3", "意外致困")]),
    "archive_type": ("档案类型", [("1", "城镇困难职工"), ("2", "困难农民工"), ("3", "新就业形态劳动者")]),
    "cause": ("致困原因", [(str(i + 1), n) for i, n in enumerate(
        ["无劳动能力", "有劳动能力而未就业", "下岗失业", "未参加社会保险", "社会保险待遇落实不到位", "患重特大疾病", "遭受自然灾害", "遭受意外事故", "子女上学", "其他"])]),
    "status": ("档案状态", [("applying", "申请中"), ("visiting", "入户调查"), ("publicity", "公示中"),
                           ("pending", "待审批"), ("active", "在档"), ("exited", "脱困"),
                           ("cancelled", "注销")]),
    "exit_reason": ("注销原因", [("retired", "退休"), ("transferred", "调离"), ("deceased", "死亡"),
                                ("ineligible", "不符合条件"), ("fraud", "弄虚作假")]),
    "project": ("帮扶项目", [(str(i + 1), n) for i, n in enumerate(
        ["生活救助", "医疗救助", "子女助学", "送温暖", "临时救助", "职业培训", "职业介绍", "法律援助", "医疗互助", "其他"])]),
    "fund_source": ("资金来源", [(str(i + 1), n) for i, n in enumerate(
        ["中央财政", "省财政", "地方财政配套", "上级工会拨付", "本级工会经费", "社会捐助", "专户利息", "行政拨付", "其他"])]),
    "pay_method": ("发放方式", [("1", "现金"), ("2", "银行转账"), ("3", "实物")]),
    "verify_result": ("核查结果", [("1", "通过"), ("2", "退回"), ("3", "跨县重复")]),
    "org_level": ("建档单位层级", [("county", "县级帮扶中心"), ("township", "乡镇（街道）帮扶站"),
                                  ("enterprise", "企业工会"), ("nonpublic", "非公企业帮扶站")]),
    "role": ("角色", [("clerk", "经办人"), ("reviewer", "审核人"), ("approver", "审批人"),
                     ("finance", "财务"), ("admin", "系统管理员")]),
    "income_kind": ("收入项目", [("wages", "工资性收入"), ("business", "经营净收入"), ("property", "财产净收入"),
                                ("transfer", "转移净收入"), ("pension", "养老金"), ("unemployment", "失业保险金"),
                                ("support", "赡养抚养扶养费"), ("union_aid", "工会帮扶救助金"), ("other", "其他收入")]),
    "expense_kind": ("刚性支出项目", [("illness", "因病（自付医疗费）"), ("disability", "因残"),
                                     ("schooling", "因学（非义务教育）"), ("housing", "住房"),
                                     ("care", "长期照料"), ("job_cost", "必要就业成本"),
                                     ("accident", "意外事故损失"), ("other", "其他刚性支出")]),
    "exclusion": ("排除条件", [("multi_home", "拥有两套以上住房且超过当地人均标准"),
                              ("vehicle", "拥有或经常使用机动车（残疾代步车除外）"),
                              ("business_owner", "控股股东、实际控制人、经营店铺工厂或雇工"),
                              ("private_school", "子女就读高收费私立学校或自费出国留学"),
                              ("refuses_check", "拒不配合经济状况核查")]),
    "material_type": ("材料类型", [(str(i + 1), n) for i, n in enumerate(
        ["申请书", "身份证", "户口簿", "收入证明", "诊断证明", "医疗票据", "残疾证", "学籍证明", "银行卡", "家庭经济状况核对授权书", "低保证", "失业证明", "事故证明", "其他"])]),
    # ---- the assistance workflow (core/workflow.py; migration 0002_workflow inserts these too)
    "application_kind": ("申请类别", [("new_archive", "新建档"), ("project", "帮扶项目"), ("review", "年度复核"),
                                     ("change", "变更"), ("exit", "脱困/注销")]),
    "application_status": ("申请状态", [("returned", "退回补正"), ("accepted", "已受理"), ("reviewing", "待评议"),
                                       ("publicity", "公示中"), ("pending", "待审批"), ("second", "待上级审批"),
                                       ("approved", "已批准"), ("rejected", "不予批准"), ("withdrawn", "已撤回")]),
    "workflow_action": ("办理环节", [
        ("file", "受理"), ("material", "补充材料"), ("visit", "入户调查"), ("civil_request", "申请经济状况核对"),
        ("civil_answer", "经济状况核对结果"), ("advance", "调查完毕"), ("propose", "调整拟帮扶金额"),
        ("evaluate", "评议"), ("publicise", "公示"), ("objection", "异议登记"), ("objection_handled", "异议处理"),
        ("close_publicity", "公示期满"), ("approve_first", "审批通过（待上级审批）"), ("approve", "审批通过"),
        ("reject", "不予批准"), ("return", "退回补正"), ("resubmit", "补正后重新提交"), ("withdraw", "撤回"),
        ("paid", "已发放")]),
    "civil_check_result": ("经济状况核对结果", [("pass", "核对相符"), ("partial", "部分不符（已说明）"),
                                               ("fail", "核对不符")]),
    "objection_result": ("异议处理结果", [("dismissed", "异议不成立"), ("upheld", "异议成立")]),
    "decision_status": ("决定状态", [("none", "无需发放"), ("unpaid", "待发放"), ("paid", "已发放")]),
    "cap_basis": ("上限计算方式", [("months_dibao", "低保标准月数"), ("fixed", "固定金额"),
                                  ("percent", "自付费用比例"), ("none", "本类别不享受")]),
    "cap_period": ("上限计算周期", [("time", "每次"), ("household_year", "每户每年"), ("student_year", "每生每年"),
                                   ("person_year", "每人每年")]),
    "campaign_status": ("帮扶活动状态", [("draft", "拟定名单"), ("publicity", "公示中"), ("pending", "待审批"),
                                        ("approved", "已审批")]),
    "review_outcome": ("复核结论", [("keep", "保留"), ("change", "调整困难类别"), ("exit", "脱困退出")]),
    "holiday_kind": ("日历调整", [("off", "放假"), ("work", "调休上班")]),
    # ---- the Excel exchange (exchange/, core/exchange_state.py)
    "exchange_direction": ("交换方向", [("in", "接收"), ("out", "发出")]),
    "exchange_result": ("交换结果", [("imported", "已导入"), ("sent", "已发出"), ("rejected", "已拒收")]),
    "conflict_status": ("冲突处理", [("open", "待处理"), ("ours", "保留本地"), ("theirs", "采用对方"),
                                    ("edited", "手工合并")]),
    # ---- reception, visits and pairing, services (core/reception.py, visits.py, services.py; migration 0006)
    "reception_channel": ("接待方式", [("visit", "来访"), ("letter", "来信"), ("phone", "来电"), ("online", "网上来信")]),
    "reception_kind": ("接待事项类别", [("help", "求助"), ("consult", "咨询"), ("rights", "维权"), ("complaint", "投诉"),
                                       ("other", "其他")]),
    "reception_status": ("接待办理状态", [("open", "办理中"), ("closed", "已办结")]),
    "visit_kind": ("走访类别", [("routine", "日常走访"), ("pair", "结对帮扶走访"), ("festival", "节日慰问"),
                               ("emergency", "突发困难慰问")]),
    "service_kind": ("服务类别", [("legal", "维权/法律援助"), ("wages", "追回欠薪"), ("job", "就业介绍"),
                                 ("training", "技能培训"), ("dibao", "应保未保")]),
    "service_outcome": ("办理结果", [("success", "办成"), ("partial", "部分办成"), ("failed", "未办成"),
                                    ("withdrawn", "终止办理")]),
    # ---- the fund ledger (core/ledger.py, payroll.py, loans.py; migration 0005_ledger inserts these too)
    "ledger_entry_kind": ("收支类别", [("allocation", "拨款收入"), ("donation", "捐赠收入"), ("interest", "利息收入"),
                                      ("other_in", "其他收入"), ("repayment", "周转金还款"), ("transfer_in", "调入"),
                                      ("payment", "帮扶支出"), ("loan", "周转金借出"), ("transfer_out", "调出"),
                                      ("contribution", "互助金缴费"), ("mutual_aid", "互助金支付")]),
    "voucher_kind": ("凭证类别", [("receipt", "收款"), ("payment", "付款"), ("transfer", "调拨"), ("reversal", "红字冲销"),
                                 ("loan", "借款"), ("repayment", "还款")]),
    "fund_purpose": ("资金用途", [(str(i + 1), n) for i, n in enumerate(
        ["在职职工生活困难救助金", "退休职工生活困难救助金", "大病救助金", "职工医疗互助金", "中小学助学金", "大学助学金",
         "残疾困难救助金", "法律援助金", "创业周转金", "租赁住房救助金", "冬季取暖费救助"])]),
    "fund_kind": ("资金性质", [("grant", "救助资金"), ("revolving", "周转金（借出须归还）")]),
    "roster_status": ("花名册状态", [("draft", "待发放"), ("paid", "已发放"), ("cancelled", "已作废")]),
    "mutual_receipt_kind": ("医疗互助单据种类", [("1", "特检费用报销单"), ("2", "慢性病门诊收据"), ("3", "住院费用结算单"),
                                                ("4", "医保费用结算单")]),
    "mutual_claim_status": ("互助报销状态", [("draft", "待审批"), ("approved", "已批准待结算"), ("rejected", "不予报销"),
                                             ("settled", "已结算"), ("cancelled", "已作废")]),
}

# list name -> {legacy or alternative label: current code}
DEFAULT_ALIASES: dict[str, dict[str, str]] = {
    "category": {"低保户": "1", "享受低保": "1", "特困职工": "1", "极困职工": "1", "全国档特困职工": "1",
                 "低保边缘户": "2", "低保线以上": "2", "一般困难职工": "2", "重困职工": "1",
                 "意外致困户": "3", "深度困难职工": "1", "相对困难职工": "2", "意外致困职工": "3"},
    "health": {"癌症": "3", "肿瘤病": "3", "尿毒症": "6", "健康": "1"},
    "work_status": {"下(待)岗": "2", "下待岗": "2", "失(无)业": "3", "离休": "4", "在职": "1"},
    "member_identity": {"下(待)岗": "2", "失(无)业": "3", "离休": "4", "在职": "1", "中专": "22", "中技": "22",
                        "职高": "22", "大专": "21", "本科": "21", "幼儿": "26", "学前": "26"},
    "relation": {"丈夫": "1", "妻子": "1", "夫": "1", "妻": "1", "儿子": "2", "女儿": "2", "子": "2", "女": "2",
                 "父亲": "3", "母亲": "3", "父": "3", "母": "3", "岳父": "4", "岳母": "4", "公公": "4",
                 "婆婆": "4", "孙子": "5", "孙女": "5", "外孙": "5", "外孙女": "5", "兄": "6", "弟": "6",
                 "姐": "6", "妹": "6"},
    "employer_nature": {"国有机关/事业单位": "1", "机关": "1", "事业单位": "1", "民营/私营/个体企业": "4",
                        "私营企业": "4", "个体": "5", "与港澳台合资/合作": "6", "中外合资/合作": "7",
                        "外资企业": "7"},
    "enterprise_condition": {"亏损企业": "2", "改制企业": "4", "关闭破产企业": "5", "停产": "3", "半停产": "3"},
    "housing_type": {"自购房": "2", "租赁": "7"},
    "project": {"金秋助学": "3", "大病救助": "2", "助学": "3", "生活困难救助": "1"},
    "fund_source": {"一日捐": "6", "捐赠": "6", "利息": "7"},
    "model_worker": {"否": "0", "无": "0"},
    "gender": {"男性": "1", "女性": "2"},
    "yes_no": {"Y": "1", "N": "0", "√": "1", "×": "0"},
    "status": {"已建档": "active", "在册": "active", "退出": "exited", "解困脱困": "exited"},
}


def clean_label(text: str) -> str:
    """Labels compare after NFKC, trimming and removing inner spaces (``深度 困难``)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class CodeItem:
    code: str
    label: str
    order: int
    active: bool


class CodeBook:
    """All code lists, loaded once from the database (or from the defaults in tests)."""

    def __init__(self, items: Iterable[tuple[str, str, str, int, int]],
                 aliases: Iterable[tuple[str, str, str]]) -> None:
        self._items: dict[str, list[CodeItem]] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self._by_label: dict[str, dict[str, str]] = {}
        for list_name, code, label, order, active in items:
            self._items.setdefault(list_name, []).append(CodeItem(code, label, order, bool(active)))
            self._labels.setdefault(list_name, {})[code] = label
            self._by_label.setdefault(list_name, {})[clean_label(label)] = code
        for lst in self._items.values():
            lst.sort(key=lambda i: i.order)
        for list_name, alias, code in aliases:
            self._by_label.setdefault(list_name, {}).setdefault(clean_label(alias), code)

    @classmethod
    def defaults(cls) -> CodeBook:
        return cls(default_rows(), default_alias_rows())

    def lists(self) -> list[str]:
        return list(self._items)

    def items(self, list_name: str, *, active_only: bool = True) -> list[CodeItem]:
        return [i for i in self._items.get(list_name, []) if i.active or not active_only]

    def label(self, list_name: str, code: str | None) -> str:
        if code is None or code == "":
            return ""
        return self._labels.get(list_name, {}).get(code, code)

    def labels(self, list_name: str, codes: str | None, sep: str = "、") -> str:
        """A comma-separated code field (``"3,6"``) shown as labels."""
        if not codes:
            return ""
        return sep.join(self.label(list_name, c) for c in codes.split(","))

    def has_code(self, list_name: str, code: str) -> bool:
        return code in self._labels.get(list_name, {})

    def code(self, list_name: str, label: str, *, field: str | None = None, strict: bool = False) -> str:
        """Label (current or legacy alias, or the code itself) → code; ``ValidationError`` if unknown.

        ``strict`` accepts only current labels written exactly (the batch format's rule).
        """
        key = clean_label(label)
        if strict:
            for item in self._items.get(list_name, []):
                if item.label == label.strip():
                    return item.code
        else:
            found = self._by_label.get(list_name, {}).get(key)
            if found is not None:
                return found
            if key in self._labels.get(list_name, {}):
                return key
        title = DEFAULT_LISTS.get(list_name, (list_name, []))[0]
        allowed = "、".join(i.label for i in self.items(list_name))
        raise ValidationError(field or title, f"不是可选值，可选：{allowed}", label)

    def map_legacy(self, list_name: str, label: str) -> tuple[str, bool]:
        """(code, was_legacy): legacy labels map to current codes; the caller keeps the text."""
        code = self.code(list_name, label)
        return code, clean_label(label) not in {clean_label(i.label) for i in self._items.get(list_name, [])}


def default_rows() -> list[tuple[str, str, str, int, int]]:
    return [(name, code, label, order, 1)
            for name, (_title, items) in DEFAULT_LISTS.items()
            for order, (code, label) in enumerate(items)]


def default_alias_rows() -> list[tuple[str, str, str]]:
    return [(name, alias, code) for name, table in DEFAULT_ALIASES.items() for alias, code in table.items()]


def load(db: Any) -> CodeBook:
    """The code book of an open database (``sqlite_utils.Database``)."""
    items = db.execute("SELECT list, code, label, ord, active FROM code_lists").fetchall()
    aliases = db.execute("SELECT list, alias, code FROM code_aliases").fetchall()
    return CodeBook(items, aliases)
