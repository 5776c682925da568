"""A unit's list of workers joining 职工医疗互助, sent as the unit's own spreadsheet.

Units write their lists in their own words (职工姓名, 公民身份号码, 卡号, 首次参加年度 …) under a
title row (often merged), with a 序号 column and a 合计 row. The header row is found and the
columns proposed by the exchange's column mapping (``exchange.mapping`` with this sheet's
``MEMBER_LIST`` targets); the clerk confirms or corrects the proposal. Every row is then checked
(name, ID number, bank account, the starting year, the same person twice in the file) and each
problem names the sheet, row and column. The import is all or nothing: one bad row and nothing is
written; otherwise members are created or updated by ID number and enrolled in the plan in ONE
transaction (``core.mutual.enrolment.enrol_list``). A unit named in the list but not yet registered is
created in that same transaction (the preview says so).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook
from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base.errors import HelpdeskError, ValidationError
from helpdesk_gui.core.db import write
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.enrolment import ListResult
from helpdesk_gui.core.mutual.members import MemberDraft
from helpdesk_gui.exchange.cells import CellError, id_converter, text_converter
from helpdesk_gui.exchange.foreign import TOTAL_WORDS
from helpdesk_gui.exchange.mapping import IGNORED, Mapping, Targets, header_texts, norm
from helpdesk_gui.exchange.mapping import propose as propose_mapping
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook, is_empty

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


def propose(path: Path, sheet: str | None = None) -> Mapping:
    """Find the header row of a unit's list and propose which column is which (no database needed)."""
    return propose_mapping(Path(path), sheet=sheet, targets=MEMBER_LIST)


def mapping_from_json(data: Any) -> Mapping:
    """A member-list mapping as edited by hand (or in the dialog); refuses unknown targets."""
    return Mapping.from_json(data, MEMBER_LIST)


@dataclass(frozen=True)
class ListDraft(MemberDraft):
    """A member of the list: ``row`` is its Excel row; ``unit_name`` a unit to create on import (``unit_id`` 0)."""

    row: int = 0
    unit_name: str = ""


@dataclass
class ListRow:
    """One data row as read: the text of each mapped column, its draft (None when bad) and what import does."""

    row: int
    cells: dict[str, str]
    draft: ListDraft | None = None
    state: str = ""                # 新会员 / 已登记 / 已参加 (with a plan) / "" for a bad row


@dataclass
class ListPreview:
    sheet: str
    header_row: int
    columns: list[str]                                   # the mapped targets, in LABELS order
    rows: list[ListRow] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    new_units: dict[str, list[int]] = field(default_factory=dict)   # unit name → rows

    @property
    def drafts(self) -> list[ListDraft]:
        return [r.draft for r in self.rows if r.draft is not None]

    @property
    def ok(self) -> bool:
        return not self.problems.errors and bool(self.drafts)

    def counts(self) -> dict[str, int]:
        states = [r.state for r in self.rows]
        return {"rows": len(self.rows), "bad": sum(1 for r in self.rows if r.draft is None),
                "new": states.count("新会员"), "known": states.count("已登记"), "already": states.count("已参加"),
                "new_units": len(self.new_units)}

    def summary(self) -> str:
        c = self.counts()
        text = f"共 {c['rows']} 行：新会员 {c['new']} 人"
        if c["known"] or c["already"]:
            text += f"，已登记的会员 {c['known'] + c['already']} 人" + (
                f"（其中已参加本年度 {c['already']} 人）" if c["already"] else "")
        if c["bad"]:
            text += f"，有错误的 {c['bad']} 行"
        if self.new_units:
            text += f"；将新建单位 {'、'.join(self.new_units)}"
        if self.problems.errors:
            text += f"；有 {self.problems.errors} 个错误，改正后才能导入"
        return text + "。"


class ListRejected(HelpdeskError):
    """The list has bad rows: nothing was written (``problems`` says where and what)."""

    exit_code = 1

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        first = [p.text() for p in problems.of_level(ERROR)[:5]]
        more = f"\n……共 {problems.errors} 个错误" if problems.errors > len(first) else ""
        super().__init__("名单中有错误，没有导入任何数据：\n" + "\n".join(first) + more)


# ----------------------------------------------------------------------------- reading

def _merged(path: Path, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges of a sheet, 0-based ((row, col), (row, col)); none when the reader cannot say."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - the workbook was already read once; merges are a nicety
        return []
    try:
        return list(book.get_sheet_by_name(sheet).merged_cell_ranges or [])
    except Exception:  # noqa: BLE001
        return []
    finally:
        book.close()


def _fill_merged(rows: list[tuple[int, list[Any]]], merges: list[tuple[tuple[int, int], tuple[int, int]]],
                 header_row: int) -> None:
    """A unit or bank written once in a merged cell spanning several rows counts for each of them."""
    by_row = {rownum: values for rownum, values in rows}
    for (r0, c0), (r1, c1) in merges:
        if r1 + 1 <= header_row or (r0 == r1 and c0 == c1):
            continue
        top = by_row.get(r0 + 1)
        value = top[c0] if top is not None and c0 < len(top) else ""
        if value in ("", None):
            continue
        for r in range(max(r0 + 1, header_row + 1), r1 + 2):
            values = by_row.get(r)
            if values is None:
                continue
            for c in range(c0, c1 + 1):
                if c < len(values) and values[c] in ("", None):
                    values[c] = value


def _skip_reason(values: list[Any], header: list[str], ignored: set[int]) -> str | None:
    texts = [norm(v) for v in values if v not in ("", None)]
    if any(t.startswith(TOTAL_WORDS) for t in texts):
        return "合计行，已跳过"
    if texts and [norm(v) for v in values[:len(header)]] == header[:len(values)]:
        return "重复的表头行，已跳过"
    filled = [p for p, v in enumerate(values) if v not in ("", None) and str(v).strip()]
    if filled and all(p in ignored for p in filled):
        return "只有序号，没有内容，已跳过"
    return None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


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


def read(db: Database, path: Path, mapping: Mapping, unit_id: int | None, *, unit_name: str = "",
         plan_id: int | None = None, today: _dt.date | None = None,
         cancelled: Callable[[], bool] | None = None) -> ListPreview:
    """Every row of the list checked, as the preview shows it (nothing is written).

    A row without a unit of its own belongs to ``unit_id`` (or, when that is None, to the unit
    ``unit_name`` that the import will create). With ``plan_id`` a member already enrolled in that
    plan is marked 已参加.
    """
    today = today or _dt.date.today()
    path = Path(path)
    problems = Problems()
    with Workbook.open(path, cancelled=cancelled) as wb:
        name = mapping.sheet or wb.sheet_names[0]
        if name not in wb.sheet_names:
            raise ValidationError("工作表", f"文件中没有这张表，可选：{'、'.join(wb.sheet_names)}", name)
        raw = [(rownum, list(values)) for rownum, values in wb.rows(name)]
        scan = wb.inspection.scan_of(name)
        formulas = len(scan.formulas) if scan else 0
    header_values = next((v for r, v in raw if r == mapping.header_row), [])
    positions = {text: pos for pos, text in header_texts(header_values)}
    where: dict[str, int] = {}
    for text, target in mapping.columns.items():
        if target not in LABELS:
            raise ValidationError(f"列映射中“{text}”对应的列", f"不是会员名单的列，可选：{'、'.join(LABELS)}", target)
        pos = positions.get(text)
        if pos is None:
            problems.add(name, mapping.header_row, text, "", f"表头（第 {mapping.header_row} 行）中没有这一列", ERROR)
            continue
        where[target] = pos
    preview = ListPreview(name, mapping.header_row, [label for label in LABELS if label in where], problems=problems)
    for label in (NAME, ID):
        if label not in where:
            problems.add(name, mapping.header_row, label, "", "没有对应这一列的表头，请在列对应中选择", ERROR)
    if problems.errors:
        return preview
    if formulas:
        problems.add(name, None, "", "", f"表中有 {formulas} 个公式单元格：按 Excel 保存的计算结果导入", WARNING)
    data = [(r, v) for r, v in raw if r > mapping.header_row]
    _fill_merged(data, _merged(path, name), mapping.header_row)
    header_norm = [norm(v) for v in header_values]
    ignored = {pos for pos, text in header_texts(header_values) if norm(text.split("#")[0]) in IGNORED}
    _read_rows(db, preview, data, where, header_norm, ignored, unit_id, unit_name, plan_id, today)
    if not preview.rows and not problems.errors:
        problems.add(name, None, "", "", f"表头（第 {mapping.header_row} 行）下面没有会员名单的数据行", ERROR)
    return preview


class _RowReader:
    """Checks one data row after another; each problem names the sheet, row and column."""

    def __init__(self, preview: ListPreview, where: dict[str, int], today: _dt.date) -> None:
        self.preview = preview
        self.problems = preview.problems
        self.sheet = preview.sheet
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


def _read_rows(db: Database, preview: ListPreview, data: list[tuple[int, list[Any]]], where: dict[str, int],
               header_norm: list[str], ignored: set[int], unit_id: int | None, unit_name: str,
               plan_id: int | None, today: _dt.date) -> None:
    problems, sheet = preview.problems, preview.sheet
    units = {norm(u["name"]): (int(u["id"]), str(u["name"])) for u in mutual_members.list_units(db)}
    if unit_id is not None and not any(uid == unit_id for uid, _n in units.values()):
        raise ValidationError("所在单位", "请选择参加单位", unit_id)
    default = (unit_id, "" if unit_id is not None else unit_name.strip())
    known = {str(m["id_number"]): m for m in mutual_members.list_members(db, plan_id=plan_id, limit=10_000_000)}
    reader = _RowReader(preview, where, today)
    for rownum, values in data:
        if is_empty(values):
            continue
        reason = _skip_reason(values, header_norm, ignored)
        if reason is not None:
            problems.add(sheet, rownum, "", "", reason, WARNING)
            continue
        cell = {label: (values[pos] if pos < len(values) else "") for label, pos in where.items()}
        if all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in cell.values()):
            continue  # only columns nobody mapped are filled (a signature, a 序号)
        row = ListRow(rownum, {label: _shown(v) for label, v in cell.items()})
        preview.rows.append(row)
        draft = reader.draft(rownum, cell, default, units)
        if draft is None:
            continue
        if draft.unit_name:
            preview.new_units.setdefault(draft.unit_name, []).append(rownum)
        row.draft = draft
        found = known.get(draft.id_number)
        row.state = "新会员" if found is None else ("已参加" if found.get("enrolment_id") else "已登记")
        if found is not None:
            _compare(preview, row, found, units, where)
    for unit, at in preview.new_units.items():
        rows_text = "、".join(str(r) for r in at[:10]) + ("等" if len(at) > 10 else "")
        problems.add(sheet, None, UNIT, unit, f"单位尚未登记，导入时将新建（第 {rows_text} 行）", WARNING,
                     where.get(UNIT))


def _compare(preview: ListPreview, row: ListRow, found: dict[str, Any], units: dict[str, tuple[int, str]],
             where: dict[str, int]) -> None:
    """Tell the clerk what importing the row changes in an existing member (a warning, not an error)."""
    d = row.draft
    assert d is not None
    sheet, problems = preview.sheet, preview.problems
    if found["name"] != d.name:
        problems.add(sheet, row.row, NAME, d.name, f"该身份证号码已登记为会员“{found['name']}”，导入后姓名改为“{d.name}”",
                     WARNING, where.get(NAME))
    target = d.unit_name or next((n for uid, n in units.values() if uid == d.unit_id), "")
    if int(found["unit_id"]) != d.unit_id and target:
        problems.add(sheet, row.row, UNIT, target, f"该会员原属“{found['unit_name']}”，导入后改为“{target}”", WARNING,
                     where.get(UNIT))


def parse(db: Database, path: Path, mapping: Mapping, unit_id: int | None, *, unit_name: str = "",
          today: _dt.date | None = None) -> tuple[list[MemberDraft], Problems]:
    """The members of the list (``ListDraft``: a ``MemberDraft`` with its row) and every problem found."""
    preview = read(db, path, mapping, unit_id, unit_name=unit_name, today=today)
    return list(preview.drafts), preview.problems


# ----------------------------------------------------------------------------- importing

def import_list(db: Database, actor: Actor, plan_id: int, unit_id: int | None, path: Path, mapping: Mapping, *,
                unit_name: str = "", today: _dt.date | None = None, on: _dt.date | None = None) -> ListResult:
    """Create or update the list's members and enrol them in the plan: all in one transaction, or
    nothing at all when any row has an error (``ListRejected`` carries the problems)."""
    actor.require("mutual.enrol")
    plan = mutual_plans.get_plan(db, plan_id)
    mutual_plans.require_open(plan, "登记参加")
    preview = read(db, path, mapping, unit_id, unit_name=unit_name, plan_id=plan_id, today=today)
    if preview.problems.errors:
        raise ListRejected(preview.problems)
    drafts = preview.drafts
    if not drafts:
        raise ValidationError("会员名单", "没有可导入的行")
    with write(db):
        created_units: dict[str, int] = {}
        ready: list[MemberDraft] = []
        for d in drafts:
            if d.unit_name:
                if d.unit_name not in created_units:
                    created_units[d.unit_name] = mutual_members.unit_id_for(db, actor, d.unit_name)
                d = replace(d, unit_id=created_units[d.unit_name], unit_name="")
            ready.append(d)
        result = mutual_enrolment.enrol_list(db, actor, plan_id, ready, on=on)
        audit.record(db, actor.username, "import_list", "mutual_plan", plan["period"], None,
                     {"file": Path(path).name, "sheet": preview.sheet, "rows": len(drafts),
                      "units_created": sorted(created_units), "created": result.created, "updated": result.updated,
                      "enrolled": result.enrolled, "already": result.already})
    return result


def result_text(result: ListResult) -> str:
    """What the clerk reads after an import."""
    return (f"新增会员 {result.created} 人，更新 {result.updated} 人，登记参加 {result.enrolled} 人"
            f"（已参加 {result.already} 人）")
