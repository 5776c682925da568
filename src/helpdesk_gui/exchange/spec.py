"""Batch exchange format 1.0 (帮扶数据交换批次): the contract of ``shared/EXCHANGE_FORMAT.md`` as data.

Sheets and their columns (label, type, required, the database field, the code list), the manifest
keys, the exact enumeration labels of a batch, the canonical content and its SHA-256 校验值, and
the HMAC-SHA256 签名. Reading, validating, exporting and templates all work from these tables.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

FORMAT_VERSION = "1.0"

MANIFEST = "批次信息"
HOUSEHOLDS = "困难职工"
MEMBERS = "家庭成员"
RECORDS = "帮扶记录"
FUNDS = "资金收支"
VERIFY = "核查结果"
POLICY = "政策参数"
ERRORS_SHEET = "错误清单"
#: the sender's audit anchor at export time (rows, last row, its SHA-256). Not a contract sheet: the
#: contract lists the manifest's keys and allows no others, but allows extra sheets (ignored by a
#: receiver, with a warning there; this program reads past it silently). Not in the 校验值.
AUDIT_SHEET = "审计锚点"
K_AUDIT_ROWS = "审计行数"
K_AUDIT_LAST = "审计末行编号"
K_AUDIT_HEAD = "审计链尾"

# manifest keys
K_VERSION = "格式版本"
K_BATCH = "批次编号"
K_SENDER = "发送单位代码"
K_SENDER_NAME = "发送单位名称"
K_RECEIVER = "接收单位代码"
K_GENERATED = "生成时间"
K_ROWS = "行数:"
K_CHECKSUM = "校验值"
K_SIGNATURE = "签名"
MANIFEST_KEYS = (K_VERSION, K_BATCH, K_SENDER, K_SENDER_NAME, K_RECEIVER, K_GENERATED, K_CHECKSUM, K_SIGNATURE)

# Column types of the contract.
T, D, M, INT, E, L, TS = "T", "D", "M", "I", "E", "L", "TS"
TYPE_NAMES = {T: "文本", D: "日期（YYYY-MM-DD）", M: "金额（元，最多两位小数）", INT: "整数", E: "代码（从下拉列表选择）",
              L: "多个代码，用“、”分隔", TS: "时间（ISO 8601，带时区，如 2026-11-22T10:30:00+08:00）"}

# The enumerations of a batch, labels exactly as the contract writes them.
GENDER = ("男", "女")
EMPLOYER_NATURE = ("机关事业单位", "国有企业", "集体企业", "民营企业", "个体工商户", "港澳台投资企业", "外商投资企业", "其他")
WORK_STATUS = ("在岗", "下岗", "失业", "退休", "病休", "内退", "灵活就业", "农民工", "无业")
MEMBER_IDENTITY = WORK_STATUS + ("研究生", "大学生", "中职中技", "高中", "初中", "小学", "学龄前")
YES_NO = ("是", "否")
MODEL_WORKER = ("非劳模", "全国劳模", "省部级劳模", "地市级劳模", "其他")
HEALTH = ("良好", "一般疾病", "恶性肿瘤", "心血管病", "脑血管病", "终末期肾病", "精神病", "肝病", "血液病", "糖尿病",
          "腰颈椎病", "高血压病", "肺病", "深度昏迷", "永久瘫痪", "严重阿尔茨海默病", "严重帕金森病", "严重运动神经元病", "残疾")
CATEGORY = ("深度困难", "相对困难", "意外致困")
CAUSE = ("无劳动能力", "有劳动能力而未就业", "下岗失业", "未参加社会保险", "社会保险待遇落实不到位", "患重特大疾病",
         "遭受自然灾害", "遭受意外事故", "子女上学", "其他")
BATCH_STATUS = ("申请中", "在档", "脱困", "注销")
RELATION = ("配偶", "子女", "父母", "配偶父母", "孙子女", "兄弟姐妹", "其他")
PROJECT = ("生活救助", "医疗救助", "子女助学", "送温暖", "临时救助", "职业培训", "职业介绍", "法律援助", "医疗互助", "其他")
FUND_SOURCE = ("中央财政", "省财政", "地方财政配套", "上级工会拨付", "本级工会经费", "社会捐助", "专户利息", "行政拨付", "其他")
PAY_METHOD = ("现金", "银行转账", "实物")
VERIFY_RESULT = ("通过", "退回", "跨县重复")

#: 档案状态 of a batch ↔ the county's finer workflow states.
STATUS_TO_CODE = {"申请中": "applying", "在档": "active", "脱困": "exited", "注销": "cancelled"}
CODE_TO_STATUS = {"applying": "申请中", "visiting": "申请中", "publicity": "申请中", "pending": "申请中",
                  "active": "在档", "exited": "脱困", "cancelled": "注销"}
APPLYING_CODES = frozenset({"applying", "visiting", "publicity", "pending"})
ACTIVE_BATCH_STATUSES = frozenset({"申请中", "在档"})


@dataclass(frozen=True)
class Col:
    """One column of a data sheet."""

    label: str
    kind: str
    required: bool
    field: str                       # database field (or a key of the importer)
    codes: str | None = None         # code list in the database (E and L columns)
    choices: tuple[str, ...] = ()    # the contract's labels (E and L columns)
    width: int = 12                  # column width in exported workbooks and templates
    note: str = ""                   # explanation on the notes sheet of a template
    #: a required column whose cell may still be empty when another column of the row holds one value:
    #: (that column's label, its stored value, the value as the clerk reads it)
    blank_when: tuple[str, str, str] | tuple[()] = ()

    @property
    def header(self) -> str:
        return self.label + ("*" if self.required else "")


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Col, ...]
    note: str = ""

    def col(self, label: str) -> Col:
        return next(c for c in self.columns if c.label == label)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)


def _archive(required: bool = True) -> Col:
    return Col("档案编号", T, required, "archive_no", width=18, note="发送单位的档案编号（同一发送单位内唯一）")


SHEETS: tuple[Sheet, ...] = (
    Sheet(HOUSEHOLDS, (
        _archive(),
        Col("姓名", T, True, "name", width=10),
        Col("性别", E, True, "gender", "gender", GENDER, 6, "须与公民身份号码第 17 位一致"),
        Col("民族", T, False, "ethnicity", width=8, note="如 汉族、彝族"),
        Col("公民身份号码", T, True, "id_number", width=21,
            note="18 位，末位校验码正确；必须是文本单元格（数字格式会丢失后几位）"),
        Col("出生日期", D, False, "birth_date", note="须与身份证号码中的出生日期一致，可不填"),
        Col("联系电话", T, False, "phone", width=14),
        Col("工作单位", T, False, "employer_name", width=26),
        Col("单位性质", E, False, "employer_nature", "employer_nature", EMPLOYER_NATURE, 14),
        Col("工作状态", E, False, "work_status", "work_status", WORK_STATUS, 10),
        Col("是否农民工", E, False, "is_migrant", "yes_no", YES_NO, 8),
        Col("劳模类型", E, False, "model_worker", "model_worker", MODEL_WORKER, 10),
        Col("健康状况", E, False, "health", "health", HEALTH, 12),
        Col("家庭住址", T, False, "address", width=30),
        Col("家庭人口", INT, True, "family_size", width=8, note="含户主"),
        Col("家庭年收入", M, True, "annual_income_fen", note="申请前 12 个月，元"),
        Col("刚性支出", M, True, "rigid_expense_fen", note="申请前 12 个月，元"),
        Col("家庭月人均收入", M, False, "per_capita_month_fen", width=14,
            note="=（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12；填写时须与计算值相差不超过 0.01 元"),
        Col("困难类别", E, True, "category", "category", CATEGORY, 10, "档案状态为“申请中”（尚未认定）时可以为空",
            blank_when=("档案状态", "applying", "申请中")),
        Col("主要致困原因", E, True, "cause_main", "cause", CAUSE, 18),
        Col("次要致困原因", L, False, "causes_secondary", "cause", CAUSE, 24, "最多三项，用“、”分隔"),
        Col("档案状态", E, True, "status", None, BATCH_STATUS, 8),
        Col("建档日期", D, True, "created_date"),
        Col("脱困日期", D, False, "exit_date"),
        Col("开户银行", T, False, "bank_name", width=18),
        Col("银行账号", T, False, "bank_account", width=24, note="必须是文本单元格"),
        Col("最后修改时间", TS, True, "updated_at", width=26, note="带时区，如 2026-11-22T10:30:00+08:00"),
    ), "一户一行：困难职工档案（户主）"),
    Sheet(MEMBERS, (
        _archive(),
        Col("姓名", T, True, "name", width=10),
        Col("与户主关系", E, True, "relation", "relation", RELATION, 10),
        Col("公民身份号码", T, False, "id_number", width=21, note="必须是文本单元格"),
        Col("出生日期", D, False, "birth_date", note="须与身份证号码一致"),
        Col("健康状况", E, False, "health", "health", HEALTH, 12),
        Col("人员身份", E, False, "identity", "member_identity", MEMBER_IDENTITY, 10),
        Col("单位或学校", T, False, "school_or_employer", width=24),
        Col("月收入", M, False, "monthly_income_fen", note="元"),
    ), "一人一行：家庭成员（不含户主）；一户的全部成员，导入时替换该户原有成员"),
    Sheet(RECORDS, (
        Col("记录编号", T, True, "record_no", width=22, note="同一发送单位内唯一"),
        _archive(),
        Col("帮扶项目", E, True, "project", "project", PROJECT, 10),
        Col("资金来源", E, True, "fund_source", "fund_source", FUND_SOURCE, 14),
        Col("金额", M, True, "amount_fen", note="元"),
        Col("发放日期", D, True, "paid_date"),
        Col("发放方式", E, True, "method", "pay_method", PAY_METHOD, 10),
        Col("审批人", T, False, "approver", width=10),
        Col("备注", T, False, "remarks", width=24),
    ), "一次发放一行：帮扶记录"),
    Sheet(FUNDS, (
        Col("资金来源", E, True, "fund_source", "fund_source", FUND_SOURCE, 14),
        Col("期初余额", M, True, "opening_fen", width=14),
        Col("本期收入", M, True, "income_fen", width=14),
        Col("本期支出", M, True, "expense_fen", width=14),
        Col("期末余额", M, True, "closing_fen", width=14, note="须等于 期初余额 + 本期收入 − 本期支出"),
    ), "本期资金收支汇总，每个资金来源一行"),
    Sheet(VERIFY, (
        _archive(),
        Col("结果", E, True, "result", "verify_result", VERIFY_RESULT, 10),
        Col("说明", T, False, "note", width=40, note="跨县重复时写明保留哪一个档案编号"),
    ), "市总工会下发：县里上报档案的核查结果"),
    Sheet(POLICY, (
        Col("地区代码", T, True, "region_code", width=10, note="6 位行政区划代码"),
        Col("年度", INT, True, "year", width=8),
        Col("低保标准(元/月)", M, True, "dibao_month_fen", width=16),
        Col("下拨资金", M, True, "allocation_fen", width=14, note="元"),
        Col("资金来源", E, True, "fund_source", "fund_source", FUND_SOURCE, 14),
    ), "市总工会下发：低保标准和下拨资金"),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
DATA_SHEETS = tuple(s.name for s in SHEETS)


def clean_header(text: object) -> str:
    """A header cell as compared with the contract's labels: NFKC, surrounding spaces and a trailing ``*`` removed."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    while s.endswith("*"):
        s = s[:-1].rstrip()
    return s


# ------------------------------------------------------------------------------------------ checksum

class Canonical:
    """Builds the canonical content of a batch line by line and hashes it as it goes.

    Sheets must be added in the contract's order (``DATA_SHEETS``); the caller writes the cell
    texts already in canonical form (see ``EXCHANGE_FORMAT.md``).
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._first = True

    def line(self, text: str) -> None:
        if not self._first:
            self._hash.update(b"\n")
        self._first = False
        self._hash.update(text.encode("utf-8"))

    def sheet(self, name: str, labels: list[str]) -> None:
        self.line("#" + name)
        self.line("\t".join(labels))

    def row(self, cells: list[str]) -> None:
        self.line("\t".join(cells))

    def lines(self, texts: list[str]) -> None:
        """Several lines at once (a chunk of rows, each already joined by TAB)."""
        if not texts:
            return
        if not self._first:
            self._hash.update(b"\n")
        self._first = False
        self._hash.update("\n".join(texts).encode("utf-8"))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def signature(checksum: str, key: bytes) -> str:
    """签名: HMAC-SHA256 of the 校验值 (its hex text) with the key the two unions share."""
    return hmac.new(key, checksum.encode("ascii"), hashlib.sha256).hexdigest()


def signature_ok(checksum: str, signed: str, key: bytes) -> bool:
    return hmac.compare_digest(signature(checksum, key), signed.strip().lower())


def nfc(text: str) -> str:
    """T/E/L canonical text: trimmed and NFC-normalised."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)
