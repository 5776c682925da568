"""Every batch we write, we can read: the export reads what it wrote back with the import's own checks.

``export.export_batch`` hands its finished ``.part`` file to ``validate.parse_batch``, the very reading
a receiver runs before its database is involved (cells, required columns, code lists, ID numbers,
birth dates and sex against the ID, per-capita income, duplicates, the same person in two active
archives, row counts, the 校验值 and 签名). A batch the receiver would refuse, or could only import
after confirming it, is not sent: ``refusal`` turns the problems into ``ExportRefused``, which names
each household to fix (档案编号, 姓名, and what is wrong where) in plain Chinese.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.parsed import ParsedBatch, SheetRows
from helpdesk_gui.exchange.problems import WARNING, Problem

#: Households named in the message itself (all of them are in ``ExportRefused.fixes``).
SHOWN_IN_MESSAGE = 30


@dataclass
class Fix:
    """One household whose archive must be corrected before the batch can leave."""

    archive_no: str
    name: str
    reasons: list[str] = field(default_factory=list)

    def text(self) -> str:
        who = f"档案编号 {self.archive_no or '（空）'}" + (f" {self.name}" if self.name else "")
        return f"{who}：" + "；".join(self.reasons)


class ExportRefused(HelpdeskError):
    """The batch written would be refused by its receiver: it was removed, nothing was recorded as sent."""

    def __init__(self, fixes: list[Fix], others: list[str], unlisted: int) -> None:
        self.fixes = fixes
        self.others = others
        self.unlisted = unlisted
        lines = [fix.text() for fix in fixes[:SHOWN_IN_MESSAGE]]
        if len(fixes) > SHOWN_IN_MESSAGE:
            lines.append(f"……另有 {len(fixes) - SHOWN_IN_MESSAGE:,} 户")
        lines += others
        if unlisted:
            lines.append(f"……另有 {unlisted:,} 个问题未列出")
        self.lines = lines
        super().__init__(self.headline() + "\n" + "\n".join(lines))

    def headline(self) -> str:
        who = f"下面 {len(self.fixes):,} 户的档案" if self.fixes else "下面的问题"
        return (f"批次没有导出：按交换格式检查，接收单位会整批拒收这个批次。请先在档案中改正{who}，"
                "再重新导出（本次没有生成文件，也没有记为已发送）。")


def _index(rows: SheetRows) -> dict[int, int]:
    nums: array[int] = rows.rownums
    return {r: n for n, r in enumerate(nums)}


def refusal(batch: ParsedBatch) -> ExportRefused | None:
    """``ExportRefused`` when the batch has an error or needs confirming (a 校验值 or 签名 that does not
    match what was written), else None."""
    if not batch.problems.errors and not batch.problems.confirms:
        return None
    found = [p for p in batch.problems.items if p.level != WARNING]
    hh = batch.rows(spec.HOUSEHOLDS)
    names: dict[str, str] = {}
    if hh is not None:
        ia, iname = hh.index("档案编号"), hh.index("姓名")
        names = {v[ia]: v[iname] or "" for v in hh.values if v[ia]}
    fixes: dict[str, Fix] = {}
    others: list[str] = []
    indexes: dict[str, dict[int, int]] = {}
    for p in found:
        rows = batch.rows(p.sheet) if p.row is not None else None
        where = f"（工作表“{p.sheet}”第 {p.row} 行）"
        what = f"{p.column}：{p.reason}" if p.column else p.reason
        shown = f"（导出的是“{p.value}”）" if p.value else ""
        archive = None
        if rows is not None and p.sheet in (spec.HOUSEHOLDS, spec.MEMBERS, spec.RECORDS):
            n = indexes.setdefault(p.sheet, _index(rows)).get(p.row or 0)
            if n is not None:
                values = rows.values[n]
                archive = values[rows.index("档案编号")]
                if p.sheet == spec.MEMBERS:
                    what = f"家庭成员“{values[rows.index('姓名')] or ''}”的{what}"
                elif p.sheet == spec.RECORDS:
                    what = f"帮扶记录 {values[rows.index('记录编号')] or ''} 的{what}"
        if archive is None:
            others.append(_other(p))
            continue
        fix = fixes.get(archive)
        if fix is None:
            fix = fixes[archive] = Fix(archive, names.get(archive, ""))
        fix.reasons.append(what + shown + where)
    unlisted = batch.problems.errors + batch.problems.confirms - len(found)
    return ExportRefused(list(fixes.values()), others, max(0, unlisted))


def _other(p: Problem) -> str:
    value = f"（导出的是“{p.value}”）" if p.value else ""
    return f"{p.where}：{p.reason}{value}"
