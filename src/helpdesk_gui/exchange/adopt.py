"""建库导入: bring a centre's existing archive list in as in-register households (在档, 脱困, 注销).

``analyse`` reads the list with its confirmed column mapping (``exchange.adopt_columns``: the archive
sheet with member rows and payments, and optionally a sheet of past payments), checks every cell as a
batch is checked (each problem with sheet, row and column), then against itself (one 档案编号 once,
one person in one 在档 archive) and against the register (numbers already used, people already in an
active archive). ``commit`` writes it through ``core.sync.adopt`` in one transaction, or nothing when
anything is wrong; ``import_register`` does both, as ``helpdesk register import`` does, and writes
the annotated copy with its 错误清单 on request. Only a system administrator may do it.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.register.households import ACTIVE_STATUSES
from helpdesk_gui.core.sync import adopt as core_adopt
from helpdesk_gui.core.sync import state
from helpdesk_gui.exchange.adopt_columns import AdoptMapping
from helpdesk_gui.exchange.adopt_rows import ArchiveReader, HistoryReader, Listed, Rows
from helpdesk_gui.exchange.importer import backup_before_import
from helpdesk_gui.exchange.mapping import Mapping, header_texts
from helpdesk_gui.exchange.parsed import file_digest
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook, is_empty
from helpdesk_gui.exchange.safety import Limits

IMPORTED, ALREADY, REJECTED, DRY_RUN = "imported", "already", "rejected", "dry_run"
STATUS_LABELS = {"active": "在档", "exited": "脱困", "cancelled": "注销"}


@dataclass
class AdoptAnalysis:
    """The list as read and checked (nothing written): its households in the list's order and every problem."""

    path: Path
    mapping: AdoptMapping
    sha256: str
    households: list[Listed] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    rows: dict[str, int] = field(default_factory=dict)
    already: dict[str, Any] | None = None

    @property
    def can_import(self) -> bool:
        return self.already is None and not self.problems.errors and bool(self.households)

    def counts(self) -> dict[str, Any]:
        hh = self.households
        return {"households": len(hh),
                "by_status": dict(Counter(STATUS_LABELS.get(str(h.values.get("status")), "?") for h in hh)),
                "members": sum(len(h.members) for h in hh), "records": sum(len(h.records) for h in hh),
                "amount_fen": sum(int(r[2]) for h in hh for r in h.records),
                "kept_numbers": sum(1 for h in hh if h.values.get("archive_no")),
                "numbered": sum(1 for h in hh if not h.values.get("archive_no"))}

    def summary(self) -> str:
        c = self.counts()
        statuses = "、".join(f"{k} {v:,} 户" for k, v in c["by_status"].items())
        text = f"档案 {c['households']:,} 户（{statuses}），家庭成员 {c['members']:,} 人，" if c["households"] else "档案 0 户，"
        text += f"帮扶记录 {c['records']:,} 条共 {yuan(c['amount_fen'])} 元"
        if c["households"]:
            text += f"；沿用原档案编号 {c['kept_numbers']:,} 户，新编档案编号 {c['numbered']:,} 户"
        return text

    def to_write(self) -> core_adopt.AdoptWrite:
        good = self.households
        return core_adopt.AdoptWrite(
            file_name=str(self.path), file_sha256=self.sha256, rows=dict(self.rows),
            households=[h.row_tuple() for h in good], members=[list(h.members) for h in good],
            records=[list(h.records) for h in good],
            source_rows=[f"（{self.mapping.archive.sheet} 第 {h.row} 行）" for h in good])


@dataclass
class AdoptOutcome:
    status: str
    analysis: AdoptAnalysis
    result: core_adopt.AdoptResult | None = None
    report: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 imported, checked without errors (dry run) or imported before; 1 the list has errors."""
        if self.status == REJECTED or (self.status == DRY_RUN and not self.analysis.can_import):
            return 1
        return 0

    def message(self) -> str:
        a = self.analysis
        head = f"档案花名册《{a.path.name}》"
        if self.status == ALREADY and a.already is not None:
            return f"{head}已于 {local_time(a.already['exchanged_at'])} 建库导入过，本次没有做任何修改。"
        if self.status == REJECTED:
            return f"{head}未导入：{a.problems.summary()}。有错误的花名册一行也不导入，请按错误清单修改后重新导入。"
        if self.status == DRY_RUN:
            verdict = "可以导入" if a.can_import else "不能导入"
            return f"{head}检查完毕（未写入）：{verdict}。{a.summary()}；{a.problems.summary()}。"
        r = self.result
        assert r is not None
        statuses = "、".join(f"{STATUS_LABELS.get(k, k)} {v:,} 户" for k, v in r.by_status.items())
        notes = f"；{a.problems.summary()}" if a.problems.items else ""
        return (f"{head}已建库导入：档案 {r.households:,} 户（{statuses}），家庭成员 {r.members:,} 人，"
                f"帮扶记录 {r.records:,} 条共 {yuan(r.amount_fen)} 元；沿用原档案编号 {r.kept_numbers:,} 户，"
                f"新编档案编号 {r.numbered:,} 户{notes}。")


# ------------------------------------------------------------------------------------------ reading

def _sheet(wb: Workbook, m: Mapping) -> tuple[str, Rows, list[Any], dict[str, int], list[str]]:
    """(sheet name, the rows under the header, the header, label → column, headers the mapping names but the
    sheet lacks)."""
    name = m.sheet or wb.sheet_names[0]
    if name not in wb.sheet_names:
        raise ValidationError("工作表", f"文件中没有这张表，可选：{'、'.join(wb.sheet_names)}", name)
    rows = wb.rows(name)
    header: list[Any] = []
    for rownum, values in rows:
        if rownum == m.header_row:
            header = values
            break
    positions = {text: pos for pos, text in header_texts(header)}
    where = {target: positions[text] for text, target in m.columns.items() if text in positions}
    missing = [text for text in m.columns if text not in positions]
    return name, rows, header, where, missing


def _counted(rows: Rows, counts: dict[str, int], name: str) -> Rows:
    for rownum, values in rows:
        if not is_empty(values):
            counts[name] = counts.get(name, 0) + 1
        yield rownum, values


def analyse(db: Database, actor: Actor, path: Path, mapping: AdoptMapping, *, today: _dt.date | None = None,
            limits: Limits | None = None, cancelled: Callable[[], bool] | None = None) -> AdoptAnalysis:
    """Read and check the whole list (nothing is written). Raises ``UnreadableWorkbook`` for what is not a workbook."""
    actor.require("register.adopt")
    today = today or _dt.date.today()
    path = Path(path)
    a = AdoptAnalysis(path, mapping, file_digest(path))
    a.already = core_adopt.already(db, a.sha256)
    if a.already is not None:
        return a
    book = codes.load(db)
    problems = a.problems
    with Workbook.open(path, limits, cancelled) as wb:
        name, rows, header, where, missing = _sheet(wb, mapping.archive)
        for text in missing:
            problems.add(name, mapping.archive.header_row, text, "", f"表头（第 {mapping.archive.header_row} 行）中没有这一列")
        reader = ArchiveReader(book, problems, name, where, today)
        if not missing:
            reader.read(_counted(rows, a.rows, name), header)
        _formulas(wb, name, problems)
        a.households = reader.households
        if mapping.history is not None:
            hname, hrows, hheader, hwhere, hmissing = _sheet(wb, mapping.history)
            for text in hmissing:
                problems.add(hname, mapping.history.header_row, text, "",
                             f"表头（第 {mapping.history.header_row} 行）中没有这一列")
            if not hmissing:
                HistoryReader(book, problems, hname, hwhere, today).read(_counted(hrows, a.rows, hname), hheader,
                                                                         a.households)
            _formulas(wb, hname, problems)
    if not a.households and not problems.errors:
        problems.add(name, None, "", "", f"表头（第 {mapping.archive.header_row} 行）下面没有档案", ERROR)
    _check_list(a, where)
    _check_register(db, a, where)
    return a


def _formulas(wb: Workbook, name: str, problems: Problems) -> None:
    scan = wb.inspection.scan_of(name)
    if scan and scan.formulas:
        problems.add(name, None, "", "", f"表中有 {len(scan.formulas)} 个公式单元格：按 Excel 保存的计算结果导入", WARNING)


def _check_list(a: AdoptAnalysis, where: dict[str, int]) -> None:
    """One 档案编号 once; one person in one 在档 archive of the list."""
    sheet = a.mapping.archive.sheet
    numbers: dict[str, int] = {}
    people: dict[str, int] = {}
    for h in a.households:
        number = h.values.get("archive_no")
        if number:
            if number in numbers:
                a.problems.add(sheet, h.row, "档案编号", number, f"与第 {numbers[number]} 行的档案编号相同", ERROR,
                               where.get("档案编号"))
                h.bad = True
            numbers.setdefault(number, h.row)
        if not h.active:
            continue
        for idn, role in [(h.values.get("id_number"), "户主"), *((m[2], f"家庭成员{m[0]}") for m in h.members)]:
            if not idn:
                continue
            if idn in people:
                a.problems.add(sheet, h.row, "公民身份号码", idn,
                               f"{role}与第 {people[idn]} 行是同一人：同一人不能同时在两个在档档案中", ERROR,
                               where.get("公民身份号码"))
                h.bad = True
            people.setdefault(idn, h.row)


def _check_register(db: Database, a: AdoptAnalysis, where: dict[str, int]) -> None:
    """Numbers the register already uses; people already in one of its active archives."""
    sheet = a.mapping.archive.sheet
    taken = core_adopt.taken_archive_numbers(db, [str(h.values["archive_no"]) for h in a.households
                                                  if h.values.get("archive_no")])
    wanted: dict[str, Listed] = {}
    for h in a.households:
        if h.values.get("archive_no") in taken:
            a.problems.add(sheet, h.row, "档案编号", h.values["archive_no"], "本库中已有这个档案编号", ERROR,
                           where.get("档案编号"))
            h.bad = True
        if h.active:
            for idn in (h.values.get("id_number"), *(m[2] for m in h.members)):
                if idn:
                    wanted[idn] = h
    for hit in state.active_people(db, wanted, ACTIVE_STATUSES):
        h = wanted[hit.id_number]
        a.problems.add(sheet, h.row, "公民身份号码", hit.id_number,
                       f"已是本库中有效档案 {hit.archive_no} 的{hit.role}，同一人不能同时在两个有效档案中", ERROR,
                       where.get("公民身份号码"))
        h.bad = True


# ------------------------------------------------------------------------------------------ writing

def commit(db: Database, actor: Actor, analysis: AdoptAnalysis, *, dry_run: bool = False, folder: Path | None = None,
           today: _dt.date | None = None) -> AdoptOutcome:
    """Write an analysed list (one transaction), or say why not. An automatic backup is taken first."""
    if analysis.already is not None:
        return AdoptOutcome(ALREADY, analysis)
    if dry_run:
        return AdoptOutcome(DRY_RUN, analysis)
    if not analysis.can_import:
        return AdoptOutcome(REJECTED, analysis)
    actor.require("register.adopt")
    backup_before_import(db, folder)
    result = core_adopt.adopt(db, actor, analysis.to_write(), today=today)
    return AdoptOutcome(IMPORTED, analysis, result)


def import_register(db: Database, actor: Actor, path: Path, mapping: AdoptMapping, *, dry_run: bool = False,
                    report: Path | None = None, folder: Path | None = None, today: _dt.date | None = None,
                    limits: Limits | None = None) -> AdoptOutcome:
    """``helpdesk register import``: analyse, then (unless ``dry_run``) write everything or nothing."""
    analysis = analyse(db, actor, path, mapping, today=today, limits=limits)
    outcome = commit(db, actor, analysis, dry_run=dry_run, folder=folder, today=today)
    if report is not None:
        from helpdesk_gui.exchange.annotate import write_report
        write_report(path, analysis.problems, report, title=outcome.message())
        outcome.report = report
    return outcome


__all__ = ["ALREADY", "DRY_RUN", "IMPORTED", "REJECTED", "AdoptAnalysis", "AdoptOutcome", "analyse", "commit",
           "import_register"]
