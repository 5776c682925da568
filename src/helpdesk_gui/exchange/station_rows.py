"""A station's sheet row by row: which rows are not data, and which rows are family members.

Not data (``note_row``, one rule for every loose spreadsheet the program reads): a row whose leading
text (its first filled cell that is not a bare 序号 number) begins with a totals word (合计, 总计 ...)
or with what stations write under a table (填表人：…, 审核人：…, 盖章, 日期：…, 说明, 注：…, a blank
“年 月 日”), several of them on one row or not. Such rows are skipped and listed.

Family members (``Roles`` while the rows are read, ``families`` after): with a 与户主关系 column,
a row whose relation is written and is not 本人/户主 is a member of the nearest head above; a row
with an empty 序号 under a numbered head row is one too (also when the relation cell is left
empty). Every other row is a head: an application of its own. A member needs only its name;
its relation, ID number, birth date, health, work status (as 人员身份, students allowed) and
employer (as 单位或学校) are taken from the columns the heads use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.columns import ColumnConverter
from helpdesk_gui.exchange.parsed import SheetRows
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems

TOTAL_WORDS = ("合计", "总计", "小计", "累计")
#: What stations write under a table: signatures, seals, dates and notes (compared without spaces, NFKC).
FOOTER_WORDS = ("填表人", "填报人", "制表人", "统计人", "审核人", "审批人", "复核人", "负责人", "经办人", "联系人",
                "联系电话", "填报单位", "单位盖章", "盖章", "签章", "(盖章)", "日期", "填表日期", "填报日期", "报送日期",
                "制表日期", "说明", "填表说明", "注:", "备注:", "附注")
_BLANK_DATE = re.compile(r"\d{0,4}年\d{0,2}月\d{0,2}日")
TOTAL_SKIPPED = "合计行，已跳过"
FOOTER_SKIPPED = "表格下方的落款或说明（填表人、审核人、盖章、日期、说明等），已跳过"

#: 与户主关系 of a head row.
HEAD_WORDS = frozenset({"本人", "户主", "申请人", "职工本人", "户主本人"})
RELATION = "与户主关系"
OTHER_RELATION = "7"          # 其他: a member whose relation the sheet does not say
SEQ_HEADERS = ("序号",)
#: 人员身份 codes that only a member may have (students): a head's 工作状态 is one of the work statuses.
STUDENT_LABELS = frozenset(spec.MEMBER_IDENTITY) - frozenset(spec.WORK_STATUS)

NUMBERED, MEMBER, HEAD, NO_ID = 1, 2, 4, 8


def _squeeze(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and _squeeze(value).rstrip(".、").isdigit()


def note_row(values: Sequence[Any]) -> str | None:
    """Why a row under the header is not data (a totals row, a footer line), or None when it may be."""
    lead = ""
    for v in values:
        if v in ("", None) or _is_number(v):
            continue
        lead = _squeeze(v)
        if lead:
            break
    if not lead:
        return None
    if lead.startswith(TOTAL_WORDS):
        return TOTAL_SKIPPED
    if lead.startswith(FOOTER_WORDS) or _BLANK_DATE.fullmatch(lead):
        return FOOTER_SKIPPED
    return None


def _blank(values: Sequence[Any], pos: int | None) -> bool:
    if pos is None or pos >= len(values):
        return True
    v = values[pos]
    return v is None or (isinstance(v, str) and not v.strip())


@dataclass
class Roles:
    """What each data row (in the order kept) says about itself: numbered, a member's or a head's relation
    written, no ID number. One byte a row."""

    seq: int | None = None          # the 序号 column
    relation: int | None = None     # the mapped 与户主关系 column
    id_number: int | None = None    # the mapped 公民身份号码 column
    flags: bytearray = field(default_factory=bytearray)

    def add(self, values: Sequence[Any]) -> None:
        f = 0 if _blank(values, self.seq) else NUMBERED
        if not _blank(values, self.relation):
            f |= HEAD if _squeeze(values[self.relation]) in HEAD_WORDS else MEMBER  # type: ignore[index]
        if _blank(values, self.id_number):
            f |= NO_ID
        self.flags.append(f)


def relation_column(inner: ColumnConverter) -> ColumnConverter:
    """与户主关系 of a station: 本人/户主 (a head) is kept as no relation, anything else as the members' list."""
    def run(values: Sequence[Any]) -> tuple[list[Any], list[str], list[tuple[int, str, bool]]]:
        heads = [k for k, v in enumerate(values) if isinstance(v, str) and _squeeze(v) in HEAD_WORDS]
        if not heads:
            return inner(values)
        cleared = list(values)
        for k in heads:
            cleared[k] = ""
        return inner(cleared)
    return run


@dataclass
class Families:
    """Head row index → its member row indexes (only heads with members), and every member row."""

    members_of: dict[int, list[int]] = field(default_factory=dict)
    member_rows: set[int] = field(default_factory=set)


def families(rows: SheetRows, roles: Roles, problems: Problems, students: Collection[str] = ()) -> Families:
    """Group the rows into households and check what only a head or only a member must have
    (``students``: the 人员身份 codes a head's 工作状态 may not be)."""
    out = Families()
    name = rows.sheet.name
    labels = rows.sheet.labels
    i_status = labels.index("工作状态") if "工作状态" in labels else None
    head: int | None = None
    head_numbered = False
    for n, f in enumerate(roles.flags[:len(rows.values)]):
        by_number = (roles.seq is not None and not f & (NUMBERED | HEAD) and head is not None and head_numbered)
        if f & MEMBER or by_number:
            if head is None:
                problems.add(name, rows.rownums[n], RELATION, "", "这一行是家庭成员，但上方没有户主的行"
                             "（与户主关系为“本人”或“户主”的行）", ERROR, rows.positions.get(RELATION))
                rows.bad.add(n)
                continue
            out.members_of.setdefault(head, []).append(n)
            out.member_rows.add(n)
            if roles.relation is None or not f & MEMBER:
                problems.add(name, rows.rownums[n], RELATION, "", "家庭成员没有写与户主关系，按“其他”导入，"
                             "请在档案中核实", WARNING, rows.positions.get(RELATION))
            continue
        head, head_numbered = n, bool(f & NUMBERED)
        if f & NO_ID and "公民身份号码" in rows.positions:
            problems.add(name, rows.rownums[n], "公民身份号码", "", "必填，不能为空（家庭成员的行可以不填）", ERROR,
                         rows.positions.get("公民身份号码"))
            rows.bad.add(n)
        if i_status is not None and rows.values[n][i_status] in students:
            problems.add(name, rows.rownums[n], "工作状态", "", "学生身份只用于家庭成员，户主应填写工作状态"
                         f"（可选：{'、'.join(spec.WORK_STATUS)}）", ERROR, rows.positions.get("工作状态"))
            rows.bad.add(n)
    if "家庭人口" in rows.positions:
        i_size = labels.index("家庭人口")
        for h, members in out.members_of.items():
            given = rows.values[h][i_size]
            if given is not None and given != 1 + len(members):
                problems.add(name, rows.rownums[h], "家庭人口", given, f"本表在这一户下列出了 {len(members)} 名家庭成员，"
                             f"按户主和成员共 {1 + len(members)} 人导入（与档案中按成员计算人口的办法一致）", WARNING,
                             rows.positions.get("家庭人口"))
    return out


def member_tuple(values: tuple[Any, ...], key: str, ix: dict[str, int]) -> tuple[Any, ...]:
    """A member row as ``core.sync`` writes it: (key, *household_rows.MEMBER_FIELDS)."""
    def get(f: str) -> Any:
        i = ix.get(f)
        return None if i is None else values[i]
    return (key, get("name"), get("relation") or OTHER_RELATION, get("id_number"), get("birth_date"), get("health"),
            get("work_status"), get("employer_name"), None)

