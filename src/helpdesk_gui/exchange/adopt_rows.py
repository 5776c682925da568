"""建库导入: an archive list read row by row into households, their members and their past 帮扶记录.

``ArchiveReader`` reads the archive sheet (the layout in ``exchange.adopt_columns``): a row whose
与户主关系 is empty, 户主 or 本人 and that names a person starts a household; a row with another
relation is a member of the household above; the 帮扶日期 / 帮扶项目 / 帮扶金额 … cells of any row
are a payment of the household above, and a row that only repeats the head (same ID number) or leaves
the person's columns empty carries one more payment. ``HistoryReader`` reads the optional sheet of
payments keyed by the head's ID number or the 档案编号. Title rows, 合计 rows (whose 帮扶金额, when
written, must equal the sum of the payments above it), repeated headers and the signature lines under
the table are skipped and listed. Every problem names the sheet, row and column.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import format_yuan, yuan
from helpdesk_gui.core.register.eligibility import per_capita_month
from helpdesk_gui.core.sync.adopt import FIELDS
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.adopt_columns import (
    ACTIVE,
    AMOUNT,
    APPROVER,
    CATEGORY_WORDS,
    CAUSE_WORDS,
    DATE,
    HEAD_WORDS,
    METHOD,
    PROJECT,
    PROJECT_WORDS,
    RECORD_LABELS,
    SOURCE,
    clean,
    coded,
    loose_date,
    status_of,
)
from helpdesk_gui.exchange.cells import (
    CellError,
    CellWarning,
    Converter,
    converter,
    money_converter,
    text_converter,
)
from helpdesk_gui.exchange.foreign import TOTAL_WORDS
from helpdesk_gui.exchange.mapping import IGNORED, header_texts, norm
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import is_empty

Rows = Iterator[tuple[int, list[Any]]]
_HH = spec.SHEET_BY_NAME[spec.HOUSEHOLDS]
_MM = spec.SHEET_BY_NAME[spec.MEMBERS]
#: columns read with the batch format's own (lenient) converters: label → stored field
PLAIN = {c.label: c.field for c in _HH.columns if c.label in (
    "性别", "民族", "联系电话", "工作单位", "单位性质", "工作状态", "是否农民工", "劳模类型", "健康状况", "家庭住址", "家庭人口",
    "家庭年收入", "刚性支出", "家庭月人均收入", "次要致困原因", "开户银行", "银行账号")}
FOOTER = re.compile(r"^(填表|制表|填报|审核|审批|负责|经办|联系|统计)(人|日期|时间|单位)|^(注|说明)[:：]|盖章|签字[:：]")
FIRST_YEAR = 1950
_CJK_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•．.\s]+")


@dataclass
class Listed:
    """One household of the list: its row, stored values (``core.sync.adopt.FIELDS``), members and payments."""

    row: int
    values: dict[str, Any]
    members: list[tuple[Any, ...]] = field(default_factory=list)      # core.sync.household_rows.MEMBER_FIELDS
    records: list[tuple[Any, ...]] = field(default_factory=list)      # core.sync.household_rows.RECORD_FIELDS
    record_rows: list[str] = field(default_factory=list)
    bad: bool = False
    family_size_given: bool = False

    @property
    def active(self) -> bool:
        return self.values.get("status") == ACTIVE

    def row_tuple(self) -> tuple[Any, ...]:
        return tuple(self.values.get(f) for f in FIELDS)


def person_name(text: str) -> str:
    """``张  三`` (spaced to line up in the sheet) → ``张三``."""
    return "".join(text.split()) if _CJK_NAME.fullmatch(text) else " ".join(text.split())


class _Cells:
    """One sheet's reading: converts the cells of the current row, each problem with sheet, row and column."""

    def __init__(self, book: codes.CodeBook, problems: Problems, sheet: str, where: dict[str, int],
                 today: _dt.date) -> None:
        self.book, self.problems, self.sheet, self.where, self.today = book, problems, sheet, where, today
        self.rownum = 0
        self.cell: dict[str, Any] = {}
        self.errors = 0
        self.convs: dict[str, Converter] = {}
        self.date, self.text, self.money = loose_date(), text_converter(), money_converter(minimum=0)
        self.id = converter(_HH.col("公民身份号码"), book, today, lenient=True)
        self.amount = money_converter(minimum=0, positive=True)

    def bad(self, label: str, reason: str, value: Any = "", level: str = ERROR) -> None:
        if level == ERROR:
            self.errors += 1
        self.problems.add(self.sheet, self.rownum, label, value, reason, level, self.where.get(label))

    def filled(self, label: str) -> bool:
        v = self.cell.get(label)
        return v not in ("", None) and not (isinstance(v, str) and not v.strip())

    def get(self, label: str, conv: Converter) -> Any:
        if not self.filled(label):
            return None
        try:
            value, _ = conv(self.cell[label])
        except CellWarning as e:
            self.bad(label, e.reason, self.cell[label], WARNING)
            return None
        except CellError as e:
            self.bad(label, e.reason, self.cell[label])
            return None
        return value

    def words(self, label: str, read: Callable[[str], Any]) -> Any:
        """A cell read as words (a code of a list, a status); None when empty or refused."""
        return self.get(label, lambda v: (read(str(v) if not isinstance(v, float) else f"{v:g}"), ""))

    def code(self, label: str, list_name: str, words: dict[str, str] | None = None,
             suffixes: tuple[str, ...] = ()) -> tuple[str | None, str]:
        """(code, the text as written when it is an older word) of a coded cell."""
        hit = self.words(label, lambda s: coded(self.book, list_name, s, words, suffixes))
        if hit is None:
            return None, ""
        code, legacy = hit
        return code, unicodedata.normalize("NFC", str(self.cell[label]).strip()) if legacy else ""

    def plain(self, label: str, col: spec.Col) -> Any:
        conv = self.convs.get(label)
        if conv is None:
            conv = self.convs[label] = converter(col, self.book, self.today, lenient=True)
        value = self.get(label, conv)
        return str(value) if isinstance(value, str) else value

    def day(self, label: str) -> str | None:
        value = self.get(label, self.date)
        if value is not None and not (f"{FIRST_YEAR}-01-01" <= value <= self.today.isoformat()):
            self.bad(label, f"日期应在 {FIRST_YEAR} 年以后、不晚于今天（{self.today.isoformat()}）", value)
            return None
        return str(value) if value is not None else None

    def id_number(self, label: str = "公民身份号码") -> str | None:
        value = self.get(label, self.id)
        return str(value) if value else None

    def record(self, where: str) -> tuple[Any, ...] | None:
        """A payment from the 帮扶 cells of the row (None when it has an error)."""
        before = self.errors
        paid = self.day(DATE)
        project, _ = self.code(PROJECT, "project", PROJECT_WORDS, ("救助", "项目"))
        amount = self.get(AMOUNT, self.amount)
        source, _ = self.code(SOURCE, "fund_source", None, ("经费",))
        method, _ = self.code(METHOD, "pay_method")
        approver = self.get(APPROVER, self.text)
        for label, value in ((DATE, paid), (PROJECT, project), (AMOUNT, amount)):
            if value is None and not self.filled(label):
                self.bad(label, "帮扶记录必须有帮扶日期、帮扶项目和帮扶金额")
        if self.errors > before:
            return None
        return (project, source or "9", int(amount), paid, method or "2", approver or "", f"建库导入：{where}")

    def check_total(self, values: list[Any], records: list[tuple[Any, ...]]) -> None:
        """A 合计 row: skipped; its 帮扶金额, when written, must equal the payments above it."""
        self.problems.add(self.sheet, self.rownum, "", "", "合计行，已跳过", WARNING)
        pos = self.where.get(AMOUNT)
        if pos is None or pos >= len(values) or values[pos] in ("", None):
            return
        try:
            total, _ = self.money(values[pos])
        except CellError:
            return
        paid = sum(int(r[2]) for r in records)
        if total is not None and total != paid:
            self.bad(AMOUNT, f"合计行的帮扶金额与上面各笔之和（{yuan(paid)} 元）不一致，请核对是否漏行或错行",
                     yuan(total))


class ArchiveReader(_Cells):
    """The archive sheet: ``households`` in the order of the list."""

    def __init__(self, book: codes.CodeBook, problems: Problems, sheet: str, where: dict[str, int],
                 today: _dt.date) -> None:
        super().__init__(book, problems, sheet, where, today)
        self.households: list[Listed] = []
        self.current: Listed | None = None
        self.defaults_used = 0

    # ---- rows
    def read(self, rows: Rows, header: list[Any]) -> None:
        header_norm = [norm(v) for v in header]
        ignored = {pos for pos, text in header_texts(header) if norm(text.split("#")[0]) in IGNORED}
        for rownum, values in rows:
            if is_empty(values):
                continue
            self.rownum = rownum
            reason = skip_reason(values, header_norm, ignored, self.where)
            if reason == TOTAL:
                self.check_total(values, [r for h in self.households for r in h.records])
                continue
            if reason is not None:
                self.problems.add(self.sheet, rownum, "", "", reason, WARNING)
                continue
            self.cell = {label: (values[pos] if pos < len(values) else "") for label, pos in self.where.items()}
            if not any(self.filled(label) for label in self.where):
                continue   # only columns nobody mapped are filled (a 序号, a signature)
            self.one_row()
        for h in self.households:
            self.finish(h)

    def one_row(self) -> None:
        relation = clean(self.cell.get("与户主关系", ""))
        person = self.filled("姓名") or self.filled("公民身份号码")
        pays = any(self.filled(label) for label in RECORD_LABELS)
        h = self.current
        if relation not in HEAD_WORDS:
            if h is None:
                self.bad("与户主关系", "上面没有户主行，不知道是哪一户的家庭成员", self.cell.get("与户主关系"))
                return
            self.member(h, relation)
        elif person and h is not None and self.same_head(h):
            if not pays:
                self.bad("公民身份号码", f"与第 {h.row} 行是同一户主，本行没有帮扶记录，已跳过", "", WARNING)
        elif person:
            h = self.head()
        elif not pays:
            self.bad("姓名", "这一行没有姓名和公民身份号码，不知道是哪一户")
            return
        elif h is None:
            self.bad(DATE if self.filled(DATE) else AMOUNT, "上面没有户主行，不知道是哪一户的帮扶记录")
            return
        if pays and h is not None:
            before = self.errors
            r = self.record(f"{self.sheet} 第 {self.rownum} 行")
            if r is not None:
                h.records.append(r)
                h.record_rows.append(f"{self.sheet} 第 {self.rownum} 行")
            h.bad |= self.errors > before

    def same_head(self, h: Listed) -> bool:
        """The row repeats the head above: the same ID number, or (no ID written) the same name."""
        if not self.filled("公民身份号码"):
            return person_name(clean(self.cell.get("姓名", ""))) == h.values.get("name")
        try:
            idn, _ = self.id(self.cell["公民身份号码"])
        except CellError:
            return False
        return bool(idn) and idn == h.values.get("id_number")

    # ---- a household's head
    def head(self) -> Listed:
        before = self.errors
        v: dict[str, Any] = {}
        number = self.get("档案编号", self.text)
        if number is not None:
            number = unicodedata.normalize("NFKC", str(number)).strip()
            if len(number) > 30 or any(ch.isspace() for ch in number):
                self.bad("档案编号", "档案编号不能有空格，最长 30 个字符", number)
        v["archive_no"] = number or None
        name = person_name(str(self.get("姓名", self.text) or ""))
        if not name:
            self.bad("姓名", "户主的姓名不能为空")
        v["name"] = name
        v["id_number"] = self.id_number()
        if v["id_number"] is None and not self.filled("公民身份号码"):
            self.bad("公民身份号码", "户主的公民身份号码不能为空")
        for label, f in PLAIN.items():
            if label in self.where:
                v[f] = self.plain(label, _HH.col(label))
        v["birth_date"] = self.day("出生日期")
        status = self.words("档案状态", status_of) if self.filled("档案状态") else (ACTIVE, None)
        v["status"], v["exit_reason"] = status if status is not None else (None, None)
        v["category"], v["legacy_category_text"] = self.code("困难类别", "category", CATEGORY_WORDS, ("职工", "户", "家庭"))
        v["cause_main"], _ = self.code("主要致困原因", "cause", CAUSE_WORDS)
        v["created_date"] = self.day("建档日期")
        v["exit_date"] = self.day("脱困日期")
        v["remarks"] = self.get("备注", self.text) or ""
        h = Listed(self.rownum, v, family_size_given=v.get("family_size") is not None)
        self.check_head(h)
        h.bad = self.errors > before
        self.households.append(h)
        self.current = h
        return h

    def check_head(self, h: Listed) -> None:
        v = h.values
        idn = v.get("id_number")
        if idn:
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            if v.get("birth_date") and v["birth_date"] != birth:
                self.bad("出生日期", f"与身份证号码中的出生日期 {birth} 不一致", v["birth_date"])
            sex = "1" if int(idn[16]) % 2 else "2"
            if v.get("gender") and v["gender"] != sex:
                self.bad("性别", "与身份证号码第 17 位不一致", self.cell.get("性别"))
        if v.get("created_date") is None and not self.filled("建档日期"):
            self.bad("建档日期", "建档日期不能为空（决定档案编号的年度）")
        if v["status"] == ACTIVE and v.get("category") is None and not self.filled("困难类别"):
            self.bad("困难类别", "在档的档案必须有困难类别")
        if v["status"] == ACTIVE and v.get("cause_main") is None and not self.filled("主要致困原因"):
            self.bad("主要致困原因", "在档的档案应有主要致困原因：导入后请在档案中补填", "", WARNING)
        if v["status"] == ACTIVE and v.get("exit_date"):
            self.bad("脱困日期", "在档的档案不应有脱困日期，该日期未导入", v["exit_date"], WARNING)
            v["exit_date"] = None
        if v.get("exit_date") and v.get("created_date") and v["exit_date"] < v["created_date"]:
            self.bad("脱困日期", f"早于建档日期 {v['created_date']}", v["exit_date"])

    # ---- a family member
    def member(self, h: Listed, relation_text: str) -> None:
        before = self.errors
        relation, _ = self.code("与户主关系", "relation")
        name = person_name(str(self.get("姓名", self.text) or ""))
        if not name:
            self.bad("姓名", "家庭成员的姓名不能为空")
        idn = self.id_number()
        birth = self.day("出生日期")
        if idn and birth and birth != f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}":
            self.bad("出生日期", f"与身份证号码中的出生日期 {idn[6:10]}-{idn[10:12]}-{idn[12:14]} 不一致", birth)
        health = self.plain("健康状况", _HH.col("健康状况")) if "健康状况" in self.where else None
        identity_col = "人员身份" if self.filled("人员身份") else "工作状态"
        identity = self.plain(identity_col, spec.Col(identity_col, spec.E, False, "identity", "member_identity",
                                                     _MM.col("人员身份").choices)) if identity_col in self.where else None
        school_col = "单位或学校" if self.filled("单位或学校") else "工作单位"
        school = self.get(school_col, self.text) if school_col in self.where else None
        income = self.get("月收入", self.money) if "月收入" in self.where else None
        if self.errors > before or relation is None:
            h.bad = True
            return
        h.members.append((name, relation, idn or "", birth, health, identity, school or "", income or 0))

    # ---- after the whole sheet
    def finish(self, h: Listed) -> None:
        v = h.values
        people = 1 + len(h.members)
        self.rownum = h.row
        if not h.family_size_given:
            v["family_size"] = people
        elif v["family_size"] < people:
            self.bad("家庭人口", f"少于表中的户主和家庭成员人数 {people}", v["family_size"], WARNING)
        v.setdefault("annual_income_fen", None)
        v.setdefault("rigid_expense_fen", None)
        income, rigid = v["annual_income_fen"] or 0, v["rigid_expense_fen"] or 0
        v["annual_income_fen"], v["rigid_expense_fen"] = income, rigid
        given = v.pop("per_capita_month_fen", None)
        computed = per_capita_month(income, rigid, v["family_size"])
        if given is not None and abs(computed - given) > 1:
            self.bad("家庭月人均收入", f"按（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12 应为 {format_yuan(computed)}，"
                     "导入时按计算值保存", format_yuan(given), WARNING)

class HistoryReader(_Cells):
    """The sheet of past payments: each row joins a household of the archive sheet by ID number or 档案编号."""

    def read(self, rows: Rows, header: list[Any], households: list[Listed]) -> list[tuple[Any, ...]]:
        by_id = {h.values["id_number"]: h for h in households if h.values.get("id_number")}
        by_no = {h.values["archive_no"]: h for h in households if h.values.get("archive_no")}
        header_norm = [norm(v) for v in header]
        ignored = {pos for pos, text in header_texts(header) if norm(text.split("#")[0]) in IGNORED}
        read: list[tuple[Any, ...]] = []
        for rownum, values in rows:
            if is_empty(values):
                continue
            self.rownum = rownum
            reason = skip_reason(values, header_norm, ignored, self.where)
            if reason == TOTAL:
                self.check_total(values, read)
                continue
            if reason is not None:
                self.problems.add(self.sheet, rownum, "", "", reason, WARNING)
                continue
            self.cell = {label: (values[pos] if pos < len(values) else "") for label, pos in self.where.items()}
            if not any(self.filled(label) for label in self.where):
                continue
            h = self.household(by_id, by_no)
            r = self.record(f"{self.sheet} 第 {rownum} 行")
            if r is not None:
                read.append(r)
            if h is not None and r is not None:
                h.records.append(r)
                h.record_rows.append(f"{self.sheet} 第 {rownum} 行")
            elif h is not None:
                h.bad = True
        return read

    def household(self, by_id: dict[str, Listed], by_no: dict[str, Listed]) -> Listed | None:
        h = None
        if "公民身份号码" in self.where and self.filled("公民身份号码"):
            idn = self.id_number()
            h = by_id.get(idn) if idn else None
            if idn and h is None:
                self.bad("公民身份号码", "档案表中没有以此身份证号码为户主的档案", idn)
        elif "档案编号" in self.where and self.filled("档案编号"):
            number = unicodedata.normalize("NFKC", str(self.get("档案编号", self.text) or "")).strip()
            h = by_no.get(number)
            if h is None:
                self.bad("档案编号", "档案表中没有这个档案编号", number)
        else:
            self.bad("公民身份号码" if "公民身份号码" in self.where else "档案编号", "不能为空：要靠它找到是哪一户")
        if h is not None and self.filled("姓名"):
            name = person_name(str(self.get("姓名", self.text) or ""))
            if name and name != h.values.get("name"):
                self.bad("姓名", f"与档案表第 {h.row} 行的户主“{h.values.get('name')}”不一致", name)
                h.bad = True
        return h


TOTAL = "合计行"


def skip_reason(values: list[Any], header: list[str], ignored: set[int], where: dict[str, int]) -> str | None:
    """Why a row is not data (a 合计 row: ``TOTAL``), or None."""
    texts = [norm(v) for v in values if v not in ("", None)]
    if any(t.startswith(TOTAL_WORDS) for t in texts):
        return TOTAL
    if texts and [norm(v) for v in values[:len(header)]] == header[:len(values)]:
        return "重复的表头行，已跳过"
    filled = [p for p, v in enumerate(values) if v not in ("", None) and str(v).strip()]
    if filled and all(p in ignored for p in filled):
        return "只有序号，没有内容，已跳过"
    pos = where.get("公民身份号码")
    no_id = pos is None or pos >= len(values) or values[pos] in ("", None)
    if no_id and any(isinstance(v, str) and FOOTER.search(clean(v)) for v in values):
        return "表尾（填表人、审核人、日期等），已跳过"
    return None
