"""建库导入: the columns of a centre's own archive list, the words it writes, and its column mapping.

An archive list is mapped like a station's sheet (``exchange.mapping``: the header row found below
merged title rows, each header matched by known words and similarity), with its own targets:

- ``ARCHIVE``: the archive sheet. One row per person: a household's head (与户主关系 empty, 户主 or
  本人) followed by the family members' rows (与户主关系 配偶, 子女 …), and past assistance written
  in the 帮扶日期 / 帮扶项目 / 帮扶金额 … columns of any of the household's rows, or of rows below it
  that repeat the head or leave the person's columns empty (one row per payment).
- ``HISTORY``: an optional second sheet of past assistance, one payment a row, keyed by the
  head's 公民身份号码 or the 档案编号.

The words old registers write are read too: statuses (已脱困, 撤档, 注销（死亡）…), categories of
older schemes (低保户, 特困, 一般困难 … kept beside the current code as the legacy text), causes and
projects in short (因病, 下岗, 春节慰问 …), and dates written ``2019-03-05``, ``2019年3月5日``,
``2019.3.5`` or as an Excel date serial number (a date column without date format).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.exchange.cells import CellError, Converter, date_converter
from helpdesk_gui.exchange.mapping import SYNONYMS as STATION_WORDS
from helpdesk_gui.exchange.mapping import Mapping, Targets, propose
from helpdesk_gui.exchange.reader import Workbook

# ---------------------------------------------------------------------------------------------- targets

HOUSEHOLD_LABELS = ("档案编号", "姓名", "与户主关系", "性别", "民族", "公民身份号码", "出生日期", "联系电话", "工作单位",
                    "单位性质", "工作状态", "是否农民工", "劳模类型", "健康状况", "家庭住址", "家庭人口", "家庭年收入",
                    "刚性支出", "家庭月人均收入", "困难类别", "主要致困原因", "次要致困原因", "档案状态", "建档日期",
                    "脱困日期", "开户银行", "银行账号", "备注")
MEMBER_LABELS = ("人员身份", "单位或学校", "月收入")
RECORD_LABELS = ("帮扶日期", "帮扶项目", "帮扶金额", "资金来源", "发放方式", "审批人")
DATE, PROJECT, AMOUNT, SOURCE, METHOD, APPROVER = RECORD_LABELS

_WORDS: dict[str, tuple[str, ...]] = {
    **STATION_WORDS,
    "档案编号": ("职工编号", "档案号", "困难职工编号", "档案编码", "职工档案编号"),
    "姓名": (*STATION_WORDS["姓名"], "成员姓名", "家庭成员姓名"),
    "与户主关系": ("关系", "与户主的关系", "家庭关系", "成员关系", "称谓", "户主关系"),
    "家庭年收入": (*STATION_WORDS["家庭年收入"], "家庭年度总收入", "家庭年总收入"),
    "困难类别": ("困难类型", "困难程度", "困难等级", "类别", "困难职工类别", "建档类别"),
    "档案状态": ("状态", "档案情况", "在档状态", "是否在档", "档案状况"),
    "建档日期": ("建档时间", "建档年月", "入档日期", "建档年月日", "建档日", "立档日期"),
    "脱困日期": ("脱困时间", "注销日期", "注销时间", "退出日期", "撤档日期", "撤档时间"),
    "健康状况": ("身体状况", "健康情况", "健康状态"),
    "人员身份": ("身份", "成员身份", "成员状况"),
    "单位或学校": ("单位/学校", "工作单位或学校", "就读学校", "学校", "工作或就读单位"),
    "月收入": ("个人月收入", "本人月收入", "成员月收入"),
    DATE: ("发放日期", "救助日期", "帮扶时间", "发放时间", "慰问日期", "救助时间"),
    PROJECT: ("救助项目", "帮扶类型", "救助类型", "帮扶内容", "帮扶项目名称", "慰问项目"),
    AMOUNT: ("金额", "发放金额", "救助金额", "帮扶资金", "慰问金额", "慰问金", "帮扶金"),
    SOURCE: ("资金渠道", "经费来源"),
    METHOD: ("方式", "发放形式"),
    APPROVER: ("批准人", "审批"),
}

ARCHIVE = Targets((*HOUSEHOLD_LABELS, *MEMBER_LABELS, *RECORD_LABELS), ("姓名", "公民身份号码", "建档日期"),
                  {k: v for k, v in _WORDS.items() if k in HOUSEHOLD_LABELS + MEMBER_LABELS + RECORD_LABELS})
HISTORY_LABELS = ("档案编号", "公民身份号码", "姓名", *RECORD_LABELS, "备注")
HISTORY = Targets(HISTORY_LABELS, (DATE, AMOUNT), {k: v for k, v in _WORDS.items() if k in HISTORY_LABELS})
#: columns of the archive sheet that say something about the household (not assistance, not a member's own)
_HOUSEHOLD_ONLY = frozenset(HOUSEHOLD_LABELS) - {"档案编号", "姓名", "公民身份号码", "备注"}


@dataclass
class AdoptMapping:
    """The archive sheet's mapping and, optionally, the assistance sheet's (the JSON of ``register map``)."""

    archive: Mapping
    history: Mapping | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.archive.to_json()
        out["history"] = self.history.to_json() if self.history is not None else None
        return out

    @classmethod
    def from_json(cls, data: Any) -> AdoptMapping:
        archive = Mapping.from_json(data, ARCHIVE)
        raw = data.get("history")
        history = None
        if raw:
            history = Mapping.from_json(raw, HISTORY)
            keys = {"公民身份号码", "档案编号"} & set(history.columns.values())
            if not keys:
                raise ValidationError("帮扶记录表的列对应", "必须有对应“公民身份号码”或“档案编号”的列（用来找到是哪一户）")
            if history.sheet and history.sheet == archive.sheet:
                raise ValidationError("帮扶记录表", "不能与档案表是同一张工作表", history.sheet)
        return cls(archive, history)


def propose_adopt(path: Path, *, sheet: str | None = None, history_sheet: str | None = None) -> AdoptMapping:
    """The archive sheet (the sheet whose header says most about households) and, when another sheet's header
    is a list of payments keyed by ID number or archive number, the assistance sheet, with their mappings."""
    with Workbook.open(Path(path), quick=True) as wb:
        names = list(wb.sheet_names)
    for wanted in (sheet, history_sheet):
        if wanted and wanted not in names:
            raise ValidationError("工作表", f"文件中没有这张表，可选：{'、'.join(names)}", wanted)
    candidates: list[tuple[int, Mapping]] = []
    for name in [sheet] if sheet else names:
        try:
            m = propose(Path(path), sheet=name, targets=ARCHIVE)
        except ValidationError:
            continue
        candidates.append((sum(1 for t in m.columns.values() if t in _HOUSEHOLD_ONLY), m))
    if not candidates:
        raise ValidationError("表头", "在各工作表的前 30 行中找不到档案表的表头（至少应有姓名、身份证号码、建档日期等列）")
    archive = max(candidates, key=lambda c: c[0])[1]
    history = None
    for name in [history_sheet] if history_sheet else [n for n in names if n != archive.sheet]:
        try:
            m = propose(Path(path), sheet=name, targets=HISTORY)
        except ValidationError:
            continue
        targets = set(m.columns.values())
        if {DATE, AMOUNT} <= targets and targets & {"公民身份号码", "档案编号"}:
            history = m
            break
    return AdoptMapping(archive, history)


# ---------------------------------------------------------------------------------------------- words

HEAD_WORDS = frozenset({"", "户主", "本人", "申请人", "职工本人", "职工", "户主本人"})
ACTIVE, EXITED, CANCELLED = "active", "exited", "cancelled"
STATUS_WORDS = {
    "在档": ACTIVE, "在册": ACTIVE, "已建档": ACTIVE, "建档": ACTIVE, "正常": ACTIVE, "有效": ACTIVE, "在档户": ACTIVE,
    "已入档": ACTIVE, "脱困": EXITED, "解困脱困": EXITED, "脱困户": EXITED, "解困": EXITED, "退出": EXITED,
    "脱困退出": EXITED, "注销": CANCELLED, "撤档": CANCELLED, "销档": CANCELLED, "注销档案": CANCELLED,
    "取消": CANCELLED,
}
#: 注销原因 written inside the status (注销（死亡）, 死亡注销, 已注销-退休)
EXIT_REASON_WORDS = {"退休": "retired", "调离": "transferred", "调出": "transferred", "死亡": "deceased",
                     "去世": "deceased", "病故": "deceased", "不符合条件": "ineligible", "不符合": "ineligible",
                     "弄虚作假": "fraud"}
CATEGORY_WORDS = {"低保": "1", "特困": "1", "深度": "1", "极困": "1", "一般困难": "2", "一般": "2", "相对": "2",
                  "边缘": "2", "低保边缘": "2", "意外": "3"}
CAUSE_WORDS = {"因病": "6", "大病": "6", "重病": "6", "患病": "6", "重大疾病": "6", "下岗": "3", "失业": "3",
               "因学": "9", "上学": "9", "子女上学": "9", "自然灾害": "7", "灾害": "7", "意外事故": "8",
               "事故": "8", "丧失劳动能力": "1"}
PROJECT_WORDS = {"慰问": "4", "春节慰问": "4", "节日慰问": "4", "元旦春节慰问": "4", "送温暖慰问": "4",
                 "金秋助学": "3", "助学": "3", "大病救助": "2", "医疗": "2", "生活": "1", "生活补助": "1",
                 "困难补助": "1", "临时": "5", "培训": "6", "技能培训": "6", "职业介绍": "7", "法律": "8",
                 "法律援助": "8", "互助": "9"}
_PUNCT = re.compile(r"[()（）\[\]【】\-—_/、，,。.:：\s]+")


def clean(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def status_of(text: str) -> tuple[str, str | None]:
    """(status code, 注销原因 or None) of what the list writes in 档案状态 (empty: 在档)."""
    s = clean(text)
    reason = next((code for word, code in EXIT_REASON_WORDS.items() if word in s), None)
    rest = _PUNCT.sub("", s)
    for word in EXIT_REASON_WORDS:
        rest = rest.replace(word, "")
    rest = rest.removeprefix("已").removesuffix("档案") or rest
    if not rest:
        if reason is None:
            return ACTIVE, None
        return CANCELLED, reason
    for candidate in (rest, "已" + rest, rest + "档"):
        found = STATUS_WORDS.get(candidate) or STATUS_WORDS.get(candidate.removeprefix("已"))
        if found:
            return found, reason if found == CANCELLED else None
    if rest in ("申请中", "申请", "入户调查", "公示中", "待审批", "临时", "临时档案"):
        raise CellError("建库导入只收在档、脱困、注销的档案；申请中的请用“导入基层报表”，经审批后入档")
    raise CellError("不是档案状态，可写：在档、脱困（已脱困）、注销（撤档，可注明原因如“注销（死亡）”）")


def coded(book: codes.CodeBook, list_name: str, text: str, words: dict[str, str] | None = None,
          suffixes: tuple[str, ...] = ()) -> tuple[str, bool]:
    """(code, written in an older or shorter word) of a label, an alias the code book knows, the label with a
    usual ending added or removed (特困 → 特困职工, 低保 → 低保户), or a word of ``words``."""
    s = clean(text)
    candidates = [s, *(s + x for x in suffixes), *(s.removesuffix(x) for x in suffixes if s.endswith(x))]
    for c in candidates:
        try:
            return book.map_legacy(list_name, c)
        except ValidationError:
            continue
    if words:
        for c in candidates:
            if c in words:
                return words[c], True
    title = codes.DEFAULT_LISTS.get(list_name, (list_name, []))[0]
    raise CellError(f"不是{title}的可选值，可选：{'、'.join(i.label for i in book.items(list_name))}")


#: Excel's serial day numbers of 1950-01-01 and 2100-12-31 (a date typed into a cell without date format)
SERIAL_RANGE = (18264, 73415)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def loose_date() -> Converter:
    """A date as the list writes it: ``2019-03-05``, ``2019年3月5日``, ``2019.3.5``, a date cell, or a serial number."""
    conv = date_converter(lenient=True)

    def run(value: Any) -> tuple[Any, str]:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            n = int(value)
            if SERIAL_RANGE[0] <= n <= SERIAL_RANGE[1]:
                iso = (_EXCEL_EPOCH + _dt.timedelta(days=n)).isoformat()
                return iso, iso
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 5:
            return run(int(value.strip()))
        return conv(value)
    return run


__all__ = ["AMOUNT", "APPROVER", "ARCHIVE", "DATE", "HEAD_WORDS", "HISTORY", "METHOD", "PROJECT", "SOURCE",
           "AdoptMapping", "clean", "coded", "loose_date", "propose_adopt", "status_of"]
