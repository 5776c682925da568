"""Import a grassroots station's own sheet with a confirmed column mapping: rows become applications.

The same validation, report and all-or-nothing rule as a batch, read leniently (dates written
``1975.03.12`` or ``1975年3月12日``, full-width digits, IDs typed with spaces, legacy labels).
Title rows above the header, a 序号 column, 合计 rows and lines under the table (填表人, 审核人, 盖章,
日期, 说明) and repeated header rows are skipped and listed. Rows of family members under their head
(``station_rows``) become the members of that household. Every head's row enters the register as a
new archive of this county in 申请中 with a 新建档 application filed in the workflow
(``core.workflow``), in the same transaction, never straight into 在档. The same file is never
imported twice.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import get_meta, now_iso, write
from helpdesk_gui.core.register.eligibility import per_capita_month
from helpdesk_gui.core.register.households import ACTIVE_STATUSES
from helpdesk_gui.core.sync import state
from helpdesk_gui.core.sync.apply import ImportResult, ImportWrite, Seen, apply_import
from helpdesk_gui.core.sync.recheck import AlreadyImported, register_stamp
from helpdesk_gui.core.sync.rowstore import Lazy, Picked
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.exchange import spec, station_rows
from helpdesk_gui.exchange.cells import labels_to_codes
from helpdesk_gui.exchange.columns import column_converter
from helpdesk_gui.exchange.importer import (
    ALREADY,
    DRY_RUN,
    IMPORTED,
    REJECTED,
    Analysis,
    Outcome,
    backup_before_import,
    record_rejection,
)
from helpdesk_gui.exchange.mapping import FOREIGN_SHEET, IGNORED, Mapping, header_texts, norm
from helpdesk_gui.exchange.parsed import Manifest, ParsedBatch, SheetRows, file_digest, read_rows
from helpdesk_gui.exchange.plan import Plan
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook
from helpdesk_gui.exchange.safety import Limits

Progress = Callable[[int, int], None]
TOTAL_WORDS = station_rows.TOTAL_WORDS


def _skipper(header: list[Any], ignored_positions: list[int], roles: station_rows.Roles
             ) -> Callable[[int, list[Any]], str | None]:
    """Why a row is not data (``station_rows.note_row``, a repeated header, only a 序号), else None; each
    data row is noted in ``roles`` (head or member) as it is kept."""
    header_norm = [norm(v) for v in header]

    def skip(_rownum: int, values: list[Any]) -> str | None:
        note = station_rows.note_row(values)
        if note is not None:
            return note
        texts = [norm(v) for v in values if v not in ("", None)]
        if texts and [norm(v) for v in values[:len(header_norm)]] == header_norm[:len(values)]:
            return "重复的表头行，已跳过"
        filled = [p for p, v in enumerate(values) if v not in ("", None) and str(v).strip()]
        if filled and all(p in ignored_positions for p in filled):
            return "只有序号，没有内容，已跳过"
        roles.add(values)
        return None
    return skip


def _reading_sheet(name: str) -> spec.Sheet:
    """The columns as read: a member's row may leave 公民身份号码 empty (a head's may not: ``station_rows``),
    and 工作状态 takes the members' 人员身份 too (students; a head's is checked)."""
    cols = []
    for c in FOREIGN_SHEET.columns:
        if c.field == "id_number":
            c = replace(c, required=False)
        elif c.field == "work_status":
            c = replace(c, codes="member_identity", choices=spec.MEMBER_IDENTITY)
        cols.append(c)
    return spec.Sheet(name, tuple(cols), FOREIGN_SHEET.note)


def parse_sheet(path: Path, mapping: Mapping, book: codes.CodeBook, *, county: str, station: str = "",
                today: _dt.date | None = None, limits: Limits | None = None,
                cancelled: Callable[[], bool] | None = None) -> ParsedBatch:
    today = today or _dt.date.today()
    path = Path(path)
    problems = Problems()
    limits = limits or Limits()
    with Workbook.open(path, limits, cancelled) as wb:
        name = mapping.sheet or wb.sheet_names[0]
        if name not in wb.sheet_names:
            raise ValidationError("工作表", f"文件中没有这张表，可选：{'、'.join(wb.sheet_names)}", name)
        sheet = _reading_sheet(name)
        header: list[Any] = []
        it = wb.values(name)
        for rownum, values in enumerate(it, start=1):
            if rownum == mapping.header_row:
                header = values
                break
        positions = {text: pos for pos, text in header_texts(header)}
        rows = SheetRows(sheet)
        for text, target in mapping.columns.items():
            pos = positions.get(text)
            if pos is None:
                problems.add(name, mapping.header_row, text, "", f"表头（第 {mapping.header_row} 行）中没有这一列", ERROR)
                rows.usable = False
                continue
            rows.positions[target] = pos
        rows.present = [c for c in sheet.columns if c.label in rows.positions]
        for label in ("姓名", "公民身份号码"):
            if label not in rows.positions:
                rows.usable = False
        ignored = [pos for pos, text in header_texts(header) if norm(text.split("#")[0]) in IGNORED]
        roles = station_rows.Roles(
            seq=next((pos for pos, text in header_texts(header) if norm(text) in station_rows.SEQ_HEADERS), None),
            relation=rows.positions.get(station_rows.RELATION), id_number=rows.positions.get("公民身份号码"))
        convs = {c.label: column_converter(c, book, today, lenient=True) for c in rows.present}
        if station_rows.RELATION in convs:
            convs[station_rows.RELATION] = station_rows.relation_column(convs[station_rows.RELATION])
        if rows.usable:
            read_rows(it, mapping.header_row + 1, rows, convs, problems, None,
                      skip=_skipper(header, ignored, roles), cancelled=cancelled, max_rows=limits.max_households)
        del it
        scan = wb.inspection.scan_of(name)
        formulas = len(scan.formulas) if scan else 0
    if formulas:
        problems.add(name, None, "", "", f"表中有 {formulas} 个公式单元格：按 Excel 保存的计算结果导入", WARNING)
    _check_rows(rows, problems)
    students = {code for label, code in labels_to_codes(book, sheet.col("工作状态")).items()
                if label in station_rows.STUDENT_LABELS}
    families = station_rows.families(rows, roles, problems, students)
    manifest = Manifest(values={spec.K_BATCH: "", spec.K_SENDER: county, spec.K_SENDER_NAME: station or path.stem})
    digest = file_digest(path)
    manifest.values[spec.K_BATCH] = f"sheet:{digest}"
    return ParsedBatch(path, manifest, {name: rows}, problems, "", True, "absent", digest, kind="sheet",
                       members_of=families.members_of, member_rows=families.member_rows)


def _check_rows(rows: SheetRows, problems: Problems) -> None:
    ix = {c.field: i for i, c in enumerate(rows.sheet.columns)}
    pos = rows.positions
    name = rows.sheet.name
    seen: dict[str, int] = {}
    for n, v in enumerate(rows.values):
        rownum = rows.rownums[n]
        idn = v[ix["id_number"]]
        if idn is None:
            continue
        if idn in seen:
            problems.add(name, rownum, "公民身份号码", idn, f"与第 {seen[idn]} 行是同一人", ERROR, pos.get("公民身份号码"))
            rows.bad.add(n)
        else:
            seen[idn] = rownum
        birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
        if v[ix["birth_date"]] is not None and v[ix["birth_date"]] != birth:
            problems.add(name, rownum, "出生日期", v[ix["birth_date"]], f"与身份证号码中的出生日期 {birth} 不一致",
                         ERROR, pos.get("出生日期"))
            rows.bad.add(n)
        sex = "1" if int(idn[16]) % 2 else "2"
        if v[ix["gender"]] is not None and v[ix["gender"]] != sex:
            problems.add(name, rownum, "性别", "男" if v[ix["gender"]] == "1" else "女", "与身份证号码第 17 位不一致",
                         ERROR, pos.get("性别"))
            rows.bad.add(n)
        pc = v[ix["per_capita_month_fen"]]
        income, rigid = v[ix["annual_income_fen"]] or 0, v[ix["rigid_expense_fen"]] or 0
        size = v[ix["family_size"]] or 1
        if pc is not None and abs(per_capita_month(income, rigid, size) - pc) > 1:
            problems.add(name, rownum, "家庭月人均收入", format_yuan(pc),
                         f"按（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12 应为 {format_yuan(per_capita_month(income, rigid, size))}，"
                         "导入时按计算值保存", WARNING, pos.get("家庭月人均收入"))


def analyse_sheet(db: Database, actor: Actor, path: Path, mapping: Mapping, *, station: str = "",
                  today: _dt.date | None = None, limits: Limits | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Analysis:
    actor.require("exchange.import")
    county = get_meta(db, "county_code")
    batch = parse_sheet(path, mapping, codes.load(db), county=county, station=station, today=today, limits=limits,
                        cancelled=cancelled)
    plan = Plan(county)
    plan.already = state.applied_batch(db, batch.manifest.batch_id)
    if plan.already is not None:
        return Analysis(batch, plan)
    plan.seen = Seen(register_stamp(db))  # before the check of the people: the commit checks them again
    rows = next(iter(batch.sheets.values()))
    ii = rows.index("公民身份号码")
    good = [n for n in range(len(rows.values)) if n not in rows.bad]
    wanted = {rows.values[n][ii]: n for n in good if rows.values[n][ii]}
    for hit in state.active_people(db, wanted, ACTIVE_STATUSES):
        n = wanted[hit.id_number]
        batch.problems.add(rows.sheet.name, rows.rownums[n], "公民身份号码", hit.id_number,
                           f"已是本库中有效档案 {hit.archive_no} 的{hit.role}，同一人不能同时在两个有效档案中",
                           ERROR, rows.positions.get("公民身份号码"))
        rows.bad.add(n)
    plan.new = [n for n in good if n not in rows.bad and n not in batch.member_rows]   # heads: the applications
    return Analysis(batch, plan)


def build_sheet_write(analysis: Analysis, today: _dt.date) -> ImportWrite:
    b = analysis.batch
    rows = next(iter(b.sheets.values()))
    present = [c.field for c in rows.present]
    positions = [rows.index(c.label) for c in rows.present]
    extra: list[tuple[str, Callable[[tuple[Any, ...]], Any]]] = []
    ix = {c.field: rows.index(c.label) for c in rows.sheet.columns}
    stamp = now_iso()

    def take(f: str) -> int | None:
        """Move a mapped field from the plain columns to the computed ones; its position or None."""
        if f not in present:
            return None
        i = ix[f]
        present.remove(f)
        positions.remove(i)
        return i

    def value_or(i: int | None, default: Any) -> Callable[[tuple[Any, ...]], Any]:
        if i is None:
            return lambda _v: default
        return lambda v: default if v[i] is None or v[i] == "" else v[i]

    take("relation")  # a member's column, not the household's
    for f, default in (("family_size", 1), ("annual_income_fen", 0), ("rigid_expense_fen", 0),
                       ("created_date", today.isoformat())):
        extra.append((f, value_or(take(f), default)))
    cat = take("category")
    if cat is not None:  # 低保户 is stored as 深度困难, the text as written is kept beside it

        def category(v: tuple[Any, ...]) -> Any:
            return None if v[cat] is None else str(v[cat])

        def legacy(v: tuple[Any, ...]) -> str:
            return str(getattr(v[cat], "legacy", "") or "")
        extra += [("category", category), ("legacy_category_text", legacy)]
    extra += [("status", value_or(None, "applying")), ("updated_at", value_or(None, stamp))]
    fields = ["archive_no", *present, *(f for f, _ in extra)]   # archive_no: a key until numbers are given
    size_at = fields.index("family_size")
    m = b.manifest
    entry = state.BatchEntry(
        batch_id=m.batch_id, direction="in", result="imported", kind="sheet", counterpart_code="",
        counterpart_name=m.sender_name, rows={rows.sheet.name: len(rows.values)}, file_name=str(b.path),
        file_sha256=b.file_sha256, summary={"applications": len(analysis.plan.new), "warnings": b.problems.warnings})
    w = ImportWrite(entry, m.sender, household_fields=fields, allocate_archive_numbers=True, sync=False,
                    history_note=f"基层报表《{b.path.name}》导入（{m.sender_name}）", seen=analysis.plan.seen)
    heads = analysis.plan.new

    def household(k: int, v: tuple[Any, ...]) -> tuple[Any, ...]:
        n = heads[k]
        out = [f"#{rows.rownums[n]}", *(v[p] for p in positions), *(fn(v) for _f, fn in extra)]
        family = b.members_of.get(n)
        if family:  # 家庭人口 as the editor counts it: the head and the members listed
            out[size_at] = 1 + len(family)
        return tuple(out)
    w.new_households = Picked(rows.values, heads, household)
    w.new_rownums = [rows.rownums[n] for n in heads]
    w.members = Lazy({f"#{rows.rownums[n]}": b.members_of[n] for n in heads if b.members_of.get(n)},
                     lambda key, family: [station_rows.member_tuple(rows.values[k], key, ix) for k in family])
    return w


def import_sheet(db: Database, actor: Actor, path: Path, mapping: Mapping, *, dry_run: bool = False,
                 report: Path | None = None, folder: Path | None = None, station: str = "",
                 today: _dt.date | None = None, limits: Limits | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Outcome:
    """``helpdesk sheet import``: analyse, then (unless ``dry_run``) write the applications in one transaction."""
    analysis = analyse_sheet(db, actor, path, mapping, station=station, today=today, limits=limits,
                             cancelled=cancelled)
    outcome = commit_sheet(db, actor, analysis, dry_run=dry_run, folder=folder, today=today, progress=progress)
    if report is not None:
        from helpdesk_gui.exchange.annotate import write_report
        write_report(path, analysis.problems, report)
        outcome.report = report
    return outcome


def commit_sheet(db: Database, actor: Actor, analysis: Analysis, *, dry_run: bool = False,
                 folder: Path | None = None, today: _dt.date | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Outcome:
    if analysis.already is not None:
        return Outcome(ALREADY, analysis)
    if dry_run:
        return Outcome(DRY_RUN, analysis)
    if analysis.problems.errors:
        record_rejection(db, actor, analysis)
        return Outcome(REJECTED, analysis)
    backup_before_import(db, folder)
    today = today or _dt.date.today()
    w = build_sheet_write(analysis, today)
    try:
        with write(db):  # the archives and their 新建档 applications: one transaction
            result = _write_applications(db, actor, analysis, w, today, progress)
    except AlreadyImported as e:   # in another window, after this preview
        analysis.plan.already = e.line
        return Outcome(ALREADY, analysis)
    return Outcome(IMPORTED, analysis, result)


def _write_applications(db: Database, actor: Actor, analysis: Analysis, w: ImportWrite, today: _dt.date,
                        progress: Callable[[int, int], None] | None) -> ImportResult:
    """The archives (rows held at the commit are no longer in ``w.new_households``) and their applications."""
    result = apply_import(db, actor, w, progress=progress, today=today)
    received = {f: i for i, f in enumerate(w.household_fields)}["created_date"]
    note = f"基层报表《{analysis.batch.path.name}》（{analysis.batch.manifest.sender_name}）"
    for hid, values in zip(result.new_ids, w.new_households, strict=True):
        day = min(_dt.date.fromisoformat(str(values[received])), today)
        workflow.file_application(db, actor, hid, "new_archive", reason=note, received=day, today=today)
    return result
