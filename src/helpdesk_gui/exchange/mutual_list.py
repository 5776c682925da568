"""A unit's list of workers joining 职工医疗互助, sent as the unit's own spreadsheet.

Units write their lists in their own words (职工姓名, 公民身份号码, 卡号, 首次参加年度 …) under a
title row (often merged), with a 序号 column and a 合计 row. The header row is found and the
columns proposed by the exchange's column mapping (``exchange.mapping`` with this sheet's
``MEMBER_LIST`` targets); the clerk confirms or corrects the proposal. Every row is then checked
(name, ID number, bank account, the starting year, the same person twice in the file:
``exchange.mutual_rows``) and each problem names the sheet, row and column. The import is all or nothing: one bad row and nothing is
written; otherwise members are created or updated by ID number and enrolled in the plan in ONE
transaction (``core.mutual.enrolment.enrol_list``). A unit named in the list but not yet registered is
created in that same transaction (the preview says so). The rows are read one at a time; once the
problem list is full (``problems.MAX_SHOWN``) and the list has an error, further rows are checked
and counted but not kept, so a list of junk takes bounded memory.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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
from helpdesk_gui.exchange.mapping import IGNORED, Mapping, header_texts, norm
from helpdesk_gui.exchange.mapping import propose as propose_mapping
from helpdesk_gui.exchange.mutual_rows import ID, LABELS, MEMBER_LIST, NAME, UNIT, ListDraft, RowReader
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook, is_empty
from helpdesk_gui.exchange.station_rows import note_row


def propose(path: Path, sheet: str | None = None) -> Mapping:
    """Find the header row of a unit's list and propose which column is which (no database needed)."""
    return propose_mapping(Path(path), sheet=sheet, targets=MEMBER_LIST)


def mapping_from_json(data: Any) -> Mapping:
    """A member-list mapping as edited by hand (or in the dialog); refuses unknown targets."""
    return Mapping.from_json(data, MEMBER_LIST)


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
    rows: list[ListRow] = field(default_factory=list)   # every row; only the first ones once nothing can be imported
    problems: Problems = field(default_factory=Problems)
    new_units: dict[str, list[int]] = field(default_factory=dict)   # unit name → rows (the first ten)
    states: Counter[str] = field(default_factory=Counter)           # of every row read: 新会员 … / "" bad
    where: dict[str, int] = field(default_factory=dict)             # mapped label → 0-based column

    @property
    def drafts(self) -> list[ListDraft]:
        return [r.draft for r in self.rows if r.draft is not None]

    @property
    def ok(self) -> bool:
        return not self.problems.errors and bool(self.drafts)

    def counts(self) -> dict[str, int]:
        return {"rows": sum(self.states.values()), "bad": self.states[""], "new": self.states["新会员"],
                "known": self.states["已登记"], "already": self.states["已参加"], "new_units": len(self.new_units)}

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

def _fill_merged(rows: Iterator[tuple[int, list[Any]]], merges: list[tuple[tuple[int, int], tuple[int, int]]],
                 header_row: int) -> Iterator[tuple[int, list[Any]]]:
    """A unit or bank written once in a merged cell spanning several rows counts for each of them."""
    spans = sorted(((r0 + 1, r1 + 1, c0, c1) for (r0, c0), (r1, c1) in merges
                    if r1 + 1 > header_row and not (r0 == r1 and c0 == c1)), reverse=True)
    active: list[tuple[int, int, int, Any]] = []      # (last row, first col, last col, value)
    for rownum, values in rows:
        while spans and spans[-1][0] == rownum:
            top, last, c0, c1 = spans.pop()
            value = values[c0] if c0 < len(values) else ""
            if value not in ("", None):
                active.append((last, c0, c1, value))
        while spans and spans[-1][0] < rownum:
            spans.pop()  # a merge whose top row is not in the sheet
        active = [a for a in active if a[0] >= rownum]
        if rownum > header_row:
            for _last, c0, c1, value in active:
                if len(values) <= c1:
                    values = values + [""] * (c1 + 1 - len(values))
                for c in range(c0, c1 + 1):
                    if values[c] in ("", None):
                        values[c] = value
        yield rownum, values


def _skip_reason(values: list[Any], header: list[str], ignored: set[int]) -> str | None:
    texts = [norm(v) for v in values if v not in ("", None)]
    note = note_row(values)
    if note is not None:
        return note
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
        scan = wb.inspection.scan_of(name)
        formulas = len(scan.formulas) if scan else 0
        rows = _fill_merged(wb.rows(name), scan.merges if scan else [], mapping.header_row)
        header_values: list[Any] = []
        for rownum, values in rows:
            if rownum == mapping.header_row:
                header_values = values
                break
        preview = _preview(name, mapping, header_values, problems)
        _read(db, preview, rows, header_values, formulas, unit_id, unit_name, plan_id, today)
    return preview


def _preview(name: str, mapping: Mapping, header_values: list[Any], problems: Problems) -> ListPreview:
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
    preview.where = where
    for label in (NAME, ID):
        if label not in where:
            problems.add(name, mapping.header_row, label, "", "没有对应这一列的表头，请在列对应中选择", ERROR)
    return preview


def _read(db: Database, preview: ListPreview, data: Iterator[tuple[int, list[Any]]], header_values: list[Any],
          formulas: int, unit_id: int | None, unit_name: str, plan_id: int | None, today: _dt.date) -> None:
    problems, name = preview.problems, preview.sheet
    if problems.errors:
        return
    if formulas:
        problems.add(name, None, "", "", f"表中有 {formulas} 个公式单元格：按 Excel 保存的计算结果导入", WARNING)
    header_norm = [norm(v) for v in header_values]
    ignored = {pos for pos, text in header_texts(header_values) if norm(text.split("#")[0]) in IGNORED}
    _read_rows(db, preview, data, preview.where, header_norm, ignored, unit_id, unit_name, plan_id, today)
    if not preview.rows and not problems.errors:
        problems.add(name, None, "", "", f"表头（第 {preview.header_row} 行）下面没有会员名单的数据行", ERROR)


def _read_rows(db: Database, preview: ListPreview, data: Iterator[tuple[int, list[Any]]], where: dict[str, int],
               header_norm: list[str], ignored: set[int], unit_id: int | None, unit_name: str,
               plan_id: int | None, today: _dt.date) -> None:
    problems, sheet = preview.problems, preview.sheet
    units = {norm(u["name"]): (int(u["id"]), str(u["name"])) for u in mutual_members.list_units(db)}
    if unit_id is not None and not any(uid == unit_id for uid, _n in units.values()):
        raise ValidationError("所在单位", "请选择参加单位", unit_id)
    default = (unit_id, "" if unit_id is not None else unit_name.strip())
    known = {str(m["id_number"]): m for m in mutual_members.list_members(db, plan_id=plan_id, limit=10_000_000)}
    reader = RowReader(preview.problems, preview.sheet, where, today)
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
        if not (problems.full and problems.errors):  # else nothing of the list can be imported: counted, not kept
            preview.rows.append(row)
        draft = reader.draft(rownum, cell, default, units)
        if draft is None:
            preview.states[""] += 1
            continue
        if draft.unit_name:
            at = preview.new_units.setdefault(draft.unit_name, [])
            if len(at) <= 10:  # ten are named, the eleventh says "等"
                at.append(rownum)
        row.draft = draft
        found = known.get(draft.id_number)
        row.state = "新会员" if found is None else ("已参加" if found.get("enrolment_id") else "已登记")
        preview.states[row.state] += 1
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
