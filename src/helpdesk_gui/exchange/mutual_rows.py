"""One row of a unit's 医疗互助 member list: the list's columns, each cell's check, the row as a member.

The list's columns (``LABELS``) and the other words units write for them (``SYNONYMS``) are the
targets of the column mapping (``MEMBER_LIST``, used by ``exchange.mapping``). ``RowReader`` reads
one data row after another as a member (``ListDraft``: a ``MemberDraft`` with its Excel row and
the unit to create, if any): the name (spaces that line a Chinese name up are dropped), the ID
number (GB 11643 check digit; the same person twice in the file), the bank account (8 to 30
digits), the phone, the starting year (2016, 2016年, 2016.3 …) and the unit written in the row.
Each problem names the sheet, row and column; reading the whole sheet is ``exchange.mutual_list``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk_gui.core.mutual.members import MemberDraft
from helpdesk_gui.exchange.cells import CellError, id_converter, text_converter
from helpdesk_gui.exchange.mapping import Targets, norm
from helpdesk_gui.exchange.problems import ERROR, Problems

NAME, ID, UNIT, PHONE, BANK, ACCOUNT, SINCE, NOTE = ("姓名", "公民身份号码", "所在单位", "联系电话", "开户银行", "银行账号",
                                                     "连续参加起始年度", "备注")
LABELS = (NAME, ID, UNIT, PHONE, BANK, ACCOUNT, SINCE, NOTE)
#: Other words units use for each column (compared after ``mapping.norm``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    NAME: ("职工姓名", "会员姓名", "参加人姓名", "参保人姓名", "名字", "员工姓名"),
    ID: ("身份证号", "身份证号码", "公民身份证号", "公民身份证号码", "身份证", "证件号码", "身份证件号码",
         "居民身份证号码", "身份号码", "身份证编号"),
    UNIT: ("单位", "工作单位", "单位名称", "参加单位", "所属单位", "基层工会", "所在工会"),
    PHONE: ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
    BANK: ("开户行", "银行", "开户银行名称", "开户网点", "开户行名称"),
    ACCOUNT: ("银行卡号", "卡号", "账号", "银行帐号", "帐号", "银行账户", "工资卡号", "银行卡账号"),
    SINCE: ("参加年份", "首次参加年度", "首次参加年份", "参加年度", "起始年度", "开始参加年份", "连续参加起始年份",
            "首次参加时间"),
    NOTE: ("说明",),
}
MEMBER_LIST = Targets(LABELS, (NAME, ID), SYNONYMS)
ACCOUNT_DIGITS = (8, 30)
FIRST_YEAR = 1990
_CJK_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•．.\s]+")
_YEAR = re.compile(r"(\d{4})\s*(?:年(?:度)?)?(?:[-./年]\s*\d{1,2}.*)?")
_NONE_WORDS = ("无", "/", "-", "—", "－", "暂无")


@dataclass(frozen=True)
class ListDraft(MemberDraft):
    """A member of the list: ``row`` is its Excel row; ``unit_name`` a unit to create on import (``unit_id`` 0)."""

    row: int = 0
    unit_name: str = ""


def _name(text: str) -> str:
    """``张  三`` (spaced to line up in the sheet) → ``张三``; other names keep single spaces."""
    if _CJK_NAME.fullmatch(text):
        return "".join(text.split())
    return " ".join(text.split())


def _account(text: str) -> str:
    digits = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")
    if not digits.isdigit():
        raise CellError("只能是数字（可以有空格）")
    lo, hi = ACCOUNT_DIGITS
    if not lo <= len(digits) <= hi:
        raise CellError(f"应为 {lo} 到 {hi} 位数字，实际 {len(digits)} 位")
    return digits


def _phone(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip()
    if s in _NONE_WORDS:
        return ""
    if not all(ch.isdigit() or ch in " -+()/、," for ch in s) or not any(ch.isdigit() for ch in s):
        raise CellError("只能是数字（手机或带区号的固定电话）")
    return s


def _year(value: Any, today: _dt.date) -> int | None:
    if value in ("", None):
        return None
    if isinstance(value, (_dt.datetime, _dt.date)):
        year = value.year
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise CellError("应为年份，如 2016")
        year = int(value)
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        if not s:
            return None
        m = _YEAR.fullmatch(s)
        if m is None:
            raise CellError("应为年份，如 2016")
        year = int(m.group(1))
    if not FIRST_YEAR <= year <= today.year:
        raise CellError(f"应在 {FIRST_YEAR} 到 {today.year} 之间")
    return year


class RowReader:
    """Checks one data row after another; each problem names the sheet, row and column."""

    def __init__(self, problems: Problems, sheet: str, where: dict[str, int], today: _dt.date) -> None:
        self.problems = problems
        self.sheet = sheet
        self.where = where
        self.today = today
        self.id_conv, self.text_conv = id_converter(today, lenient=True), text_converter()
        self.seen: dict[str, int] = {}
        self.rownum = 0
        self.cell: dict[str, Any] = {}

    def bad(self, label: str, reason: str, value: Any = "") -> None:
        self.problems.add(self.sheet, self.rownum, label, value, reason, ERROR, self.where.get(label))

    def text(self, label: str) -> str:
        try:
            value, _canonical = self.text_conv(self.cell.get(label, ""))
        except CellError as e:
            self.bad(label, e.reason, self.cell.get(label))
            return ""
        return str(value or "").strip()

    def checked(self, label: str, check: Callable[[str], str]) -> str:
        value = self.text(label)
        if not value:
            return ""
        try:
            return check(value)
        except CellError as e:
            self.bad(label, e.reason, value)
            return value

    def id_number(self) -> str:
        try:
            parsed, _c = self.id_conv(self.cell[ID])
        except CellError as e:
            self.bad(ID, e.reason, self.cell[ID])
            return ""
        idn = str(parsed or "")
        if not idn:
            self.bad(ID, "不能为空")
        elif idn in self.seen:
            self.bad(ID, f"与第 {self.seen[idn]} 行是同一人（身份证号码重复）", idn)
        else:
            self.seen[idn] = self.rownum
        return idn

    def since(self) -> int | None:
        if SINCE not in self.cell:
            return None
        try:
            return _year(self.cell[SINCE], self.today)
        except CellError as e:
            self.bad(SINCE, e.reason, self.cell[SINCE])
            return None

    def draft(self, rownum: int, cell: dict[str, Any], unit: tuple[int | None, str],
              units: dict[str, tuple[int, str]]) -> ListDraft | None:
        """The row as a member (None when it has an error)."""
        self.rownum, self.cell = rownum, cell
        before = self.problems.errors
        person = _name(self.text(NAME))
        if not person:
            self.bad(NAME, "不能为空")
        idn = self.id_number()
        account = self.checked(ACCOUNT, _account)
        phone = self.checked(PHONE, _phone)
        since = self.since()
        uid, new_unit = unit
        written = self.text(UNIT) if UNIT in cell else ""
        if written:
            hit = units.get(norm(written))
            uid, new_unit = (hit[0], "") if hit else (None, unicodedata.normalize("NFC", written))
        if uid is None and not new_unit:
            self.bad(UNIT, "没有填写单位（导入时也没有选择单位）")
        bank, note = self.text(BANK), self.text(NOTE)
        if self.problems.errors > before:
            return None
        return ListDraft(name=person, id_number=idn, unit_id=uid or 0, phone=phone, bank_name=bank,
                         bank_account=account, since_year=since, note=note, row=rownum, unit_name=new_unit)
