"""Parse and validate a batch workbook (format 1.0) without touching the database.

Everything is read once with python-calamine, sheet by sheet: the manifest, then each data sheet
in the contract's order, each cell converted to its stored value and canonical text (for the
校验值), each row checked (ID check digit and birth date, per-capita income, fund balances ...),
then the references between sheets and the duplicates inside the batch. The result keeps the
stored values as compact tuples for the plan and the write; every problem is listed with sheet,
row, column and value.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import uuid
from array import array
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.register.eligibility import per_capita_month
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.cells import _text
from helpdesk_gui.exchange.columns import ColumnConverter, column_converter
from helpdesk_gui.exchange.problems import CONFIRM, ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook, is_empty
from helpdesk_gui.exchange.safety import Cancelled, Limits, formula_cell_address

Progress = Callable[[int, int], None]
CHUNK_ROWS = 4096


@dataclass
class Manifest:
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)          # key → Excel row, for the report
    row_counts: dict[str, int] = field(default_factory=dict)    # sheet → 行数

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def batch_id(self) -> str:
        return self.get(spec.K_BATCH)

    @property
    def sender(self) -> str:
        return self.get(spec.K_SENDER)

    @property
    def sender_name(self) -> str:
        return self.get(spec.K_SENDER_NAME)

    @property
    def receiver(self) -> str:
        return self.get(spec.K_RECEIVER)


@dataclass
class SheetRows:
    """The rows of one data sheet: stored values in the sheet's column order (None when absent or bad)."""

    sheet: spec.Sheet
    present: list[spec.Col] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)    # label → 0-based Excel column
    values: list[tuple[Any, ...]] = field(default_factory=list)
    rownums: array[int] = field(default_factory=lambda: array("i"))
    bad: set[int] = field(default_factory=set)                 # indexes of rows with an error
    raw: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column) → text of a refused cell
    usable: bool = True                                        # false when a required column is missing

    def index(self, label: str) -> int:
        return self.sheet.labels.index(label)

    def has(self, label: str) -> bool:
        return label in self.positions

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True, slots=True)
class PersonAt:
    sheet: str
    row: int
    archive: str
    col: int | None


@dataclass
class ParsedBatch:
    path: Path
    manifest: Manifest
    sheets: dict[str, SheetRows]
    problems: Problems
    checksum: str                      # computed over the content
    checksum_ok: bool
    signature: str                     # ok | bad | absent | unverified
    file_sha256: str
    kind: str = "batch"

    def rows(self, name: str) -> SheetRows | None:
        return self.sheets.get(name)

    def counts(self) -> dict[str, int]:
        return {name: len(s) for name, s in self.sheets.items()}


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ------------------------------------------------------------------------------------------ manifest

def _manifest(wb: Workbook, problems: Problems) -> Manifest:
    m = Manifest()
    known = set(spec.MANIFEST_KEYS)
    for rownum, values in wb.rows(spec.MANIFEST):
        if is_empty(values):
            continue
        key = spec.clean_header(values[0] if values else "").replace("：", ":")
        value = _text(values[1]) if len(values) > 1 else ""
        if key.startswith("行数:"):
            sheet = key[3:].strip()
            if sheet in m.row_counts:
                problems.add(spec.MANIFEST, rownum, "A", key, "重复的项目", ERROR, 0)
                continue
            try:
                m.row_counts[sheet] = int(value)
            except ValueError:
                problems.add(spec.MANIFEST, rownum, "B", value, "行数应为整数", ERROR, 1)
            m.rows[key] = rownum
            continue
        if key not in known:
            if rownum == 1 and key in ("项目", "键", "key", "名称", "项"):
                continue
            problems.add(spec.MANIFEST, rownum, "A", key, "不是批次信息的项目，已忽略", WARNING, 0)
            continue
        if key in m.values:
            problems.add(spec.MANIFEST, rownum, "A", key, "重复的项目", ERROR, 0)
            continue
        m.values[key] = value
        m.rows[key] = rownum
    return m


def _check_manifest(m: Manifest, problems: Problems, receiver_code: str | None) -> None:
    def bad(key: str, reason: str, level: str = ERROR) -> None:
        problems.add(spec.MANIFEST, m.rows.get(key), key, m.get(key), reason, level, 1 if key in m.rows else None)

    version = m.get(spec.K_VERSION)
    if not version:
        bad(spec.K_VERSION, "缺少格式版本")
    elif version not in (spec.FORMAT_VERSION, "1"):
        bad(spec.K_VERSION, f"本程序只支持格式版本 {spec.FORMAT_VERSION}")
    if not m.batch_id:
        bad(spec.K_BATCH, "缺少批次编号")
    else:
        try:
            uuid.UUID(m.batch_id)
        except ValueError:
            bad(spec.K_BATCH, "批次编号应为 UUID（如 1b4e28ba-2fa1-11d2-883f-0016d3cca427）")
    for key in (spec.K_SENDER, spec.K_RECEIVER):
        value = m.get(key)
        if not value:
            bad(key, "缺少" + key)
        elif len(value) != 6 or not value.isdigit():
            bad(key, "应为 6 位行政区划代码")
    if receiver_code and m.receiver and m.receiver != receiver_code:
        bad(spec.K_RECEIVER, f"本批次发给 {m.receiver}，不是本单位（{receiver_code}），不能导入")
    if receiver_code and m.sender == receiver_code:
        bad(spec.K_SENDER, "这是本单位自己发出的批次，不能导入本单位")
    generated = m.get(spec.K_GENERATED)
    if not generated:
        bad(spec.K_GENERATED, "缺少生成时间")
    else:
        try:
            parsed = _dt.datetime.fromisoformat(generated)
            if parsed.tzinfo is None:
                raise ValueError
        except ValueError:
            bad(spec.K_GENERATED, "应为带时区的 ISO 8601 时间，如 2026-11-22T10:30:00+08:00")


# ------------------------------------------------------------------------------------------ data sheets

def header_map(sheet: spec.Sheet, header: list[Any], problems: Problems, *, level: str = ERROR) -> SheetRows:
    """Match row 1 to the contract's labels: missing required columns, unknown and repeated ones."""
    out = SheetRows(sheet)
    seen: dict[str, int] = {}
    labels = set(sheet.labels)
    for pos, raw in enumerate(header):
        text = spec.clean_header(raw) if raw not in (None, "") else ""
        if not text:
            continue
        if text not in labels:
            problems.add(sheet.name, 1, text, raw, "不是本表的列，已忽略", WARNING, pos)
            continue
        if text in seen:
            problems.add(sheet.name, 1, text, raw, f"与第 {seen[text] + 1} 列重复", ERROR, pos)
            out.usable = False
            continue
        seen[text] = pos
    for col in sheet.columns:
        if col.label in seen:
            out.present.append(col)
            out.positions[col.label] = seen[col.label]
        elif col.required:
            problems.add(sheet.name, 1, col.label, "", "缺少必填列，整张表无法导入", level)
            out.usable = False
    return out


def read_rows(values: Iterator[list[Any]], first_row: int, rows: SheetRows, convs: dict[str, ColumnConverter],
              problems: Problems, canonical: spec.Canonical | None, *,
              skip: Callable[[int, list[Any]], str | None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> int:
    """Convert every data row of a sheet, a chunk of rows at a time, column by column.

    ``values`` yields the rows' values from Excel row ``first_row`` on. Returns the number of data
    rows (empty and skipped rows are not counted).
    """
    sheet = rows.sheet
    ncols = len(sheet.columns)
    plan = [(rows.positions[c.label], sheet.labels.index(c.label), convs[c.label], c) for c in rows.present]
    required = [(i, c, pos) for pos, i, _, c in plan if c.required]
    if canonical is not None:
        canonical.sheet(sheet.name, [c.label for c in rows.present])
    width = max((p for p, _, _, _ in plan), default=-1) + 1
    chunk: list[list[Any]] = []
    numbers: list[int] = []
    count = 0

    def flush() -> None:
        n = len(chunk)
        columns: list[list[Any] | None] = [None] * ncols
        texts: list[list[str]] = []
        bad: set[int] = set()
        base = len(rows.values)
        by_column = list(zip(*chunk, strict=True))
        for pos, i, conv, col in plan:
            raw = by_column[pos]
            stored, text, found = conv(raw)
            for k, reason, warning in found:
                problems.add(sheet.name, numbers[k], col.label, raw[k], reason, WARNING if warning else ERROR, pos)
                if not warning:
                    bad.add(k)
                    rows.raw[(base + k, i)] = _text(raw[k])[:200]
            columns[i] = stored
            texts.append(text)
        for i, col, pos in required:
            kept = columns[i]
            assert kept is not None
            if None in kept:
                for k, v in enumerate(kept):
                    if v is None and chunk[k][pos] in ("", None):
                        problems.add(sheet.name, numbers[k], col.label, "", "必填，不能为空", ERROR, pos)
                        bad.add(k)
        empty: list[Any] = [None] * n
        rows.values.extend(zip(*[c if c is not None else empty for c in columns], strict=True))
        rows.rownums.extend(numbers)
        rows.bad.update(base + k for k in bad)
        if canonical is not None:
            canonical.lines(["\t".join(t) for t in zip(*texts, strict=True)] if texts else [""] * n)
        chunk.clear()
        numbers.clear()

    number = first_row
    while True:
        block = list(islice(values, CHUNK_ROWS))
        if not block:
            break
        base, number = number, number + len(block)
        before = len(chunk)
        if skip is None and min(map(len, block)) >= width:  # the usual block: no padding, no skipping
            kept = [k for k, row in enumerate(block)
                    if (row and type(row[0]) is str and row[0] and not row[0].isspace()) or not is_empty(row)]
            chunk.extend(block[k] for k in kept)
            numbers.extend(base + k for k in kept)
            block = []
        for k, row in enumerate(block):
            first = row[0] if row else ""
            if not (type(first) is str and first and not first.isspace()) and is_empty(row):
                continue
            if skip is not None:
                reason = skip(base + k, row)
                if reason is not None:
                    if reason:
                        problems.add(sheet.name, base + k, "", "", reason, WARNING)
                    continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            chunk.append(row)
            numbers.append(base + k)
        count += len(chunk) - before
        if len(chunk) >= CHUNK_ROWS // 2:
            flush()
        if cancelled is not None and cancelled():
            raise Cancelled()
    if chunk:
        flush()
    return count


# ------------------------------------------------------------------------------------------ row checks

def check_households(rows: SheetRows, problems: Problems) -> None:
    """ID agreement (birth date, sex), per-capita income, causes, duplicate archive numbers."""
    sheet = rows.sheet
    ix = {c.field: sheet.columns.index(c) for c in sheet.columns}
    pos = rows.positions
    seen: dict[str, int] = {}
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        archive = values[ix["archive_no"]]
        if archive is not None:
            if archive in seen:
                problems.add(sheet.name, rownum, "档案编号", archive, f"与第 {seen[archive]} 行重复（同一批次中档案编号须唯一）",
                             ERROR, pos.get("档案编号"))
                rows.bad.add(n)
            else:
                seen[archive] = rownum
        idn = values[ix["id_number"]]
        if idn is not None:
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            given = values[ix["birth_date"]]
            if given is not None and given != birth:
                problems.add(sheet.name, rownum, "出生日期", given, f"与公民身份号码中的出生日期 {birth} 不一致",
                             ERROR, pos.get("出生日期"))
                rows.bad.add(n)
            sex = "1" if int(idn[16]) % 2 else "2"
            gender = values[ix["gender"]]
            if gender is not None and gender != sex:
                problems.add(sheet.name, rownum, "性别", "男" if gender == "1" else "女",
                             "与公民身份号码第 17 位不一致", ERROR, pos.get("性别"))
                rows.bad.add(n)
        size, income, rigid = values[ix["family_size"]], values[ix["annual_income_fen"]], values[ix["rigid_expense_fen"]]
        pc = values[ix["per_capita_month_fen"]]
        if pc is not None and size and income is not None and rigid is not None:
            computed = per_capita_month(income, rigid, size)
            if abs(computed - pc) > 1:
                problems.add(sheet.name, rownum, "家庭月人均收入", format_yuan(pc),
                             f"应为 {format_yuan(computed)}（=（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12）",
                             ERROR, pos.get("家庭月人均收入"))
                rows.bad.add(n)
        main, secondary = values[ix["cause_main"]], values[ix["causes_secondary"]]
        if main and secondary and main in secondary.split(","):
            problems.add(sheet.name, rownum, "次要致困原因", "", "包含了主要致困原因", WARNING,
                         pos.get("次要致困原因"))


def check_unique(rows: SheetRows, label: str, problems: Problems, what: str) -> None:
    i = rows.index(label)
    seen: dict[Any, int] = {}
    for n, values in enumerate(rows.values):
        key = values[i]
        if key is None:
            continue
        if key in seen:
            problems.add(rows.sheet.name, rows.rownums[n], label, key, f"与第 {seen[key]} 行重复（{what}）",
                         ERROR, rows.positions.get(label))
            rows.bad.add(n)
        else:
            seen[key] = rows.rownums[n]


def check_members(rows: SheetRows, archives: set[str], problems: Problems) -> None:
    sheet = rows.sheet
    ia, ii, ib = rows.index("档案编号"), rows.index("公民身份号码"), rows.index("出生日期")
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        archive = values[ia]
        if archive is not None and archive not in archives:
            problems.add(sheet.name, rownum, "档案编号", archive, "本批次的“困难职工”表中没有这个档案编号",
                         ERROR, rows.positions.get("档案编号"))
            rows.bad.add(n)
        idn, given = values[ii], values[ib]
        if idn is not None and given is not None:
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            if given != birth:
                problems.add(sheet.name, rownum, "出生日期", given, f"与公民身份号码中的出生日期 {birth} 不一致",
                             ERROR, rows.positions.get("出生日期"))
                rows.bad.add(n)


def check_funds(rows: SheetRows, problems: Problems) -> None:
    check_unique(rows, "资金来源", problems, "每个资金来源只能有一行")
    io, ii, ie, ic = (rows.index(x) for x in ("期初余额", "本期收入", "本期支出", "期末余额"))
    for n, values in enumerate(rows.values):
        o, i, e, c = values[io], values[ii], values[ie], values[ic]
        if None in (o, i, e, c):
            continue
        if o + i - e != c:
            problems.add(rows.sheet.name, rows.rownums[n], "期末余额", format_yuan(c),
                         f"应为 {format_yuan(o + i - e)}（= 期初余额 + 本期收入 − 本期支出）", ERROR,
                         rows.positions.get("期末余额"))
            rows.bad.add(n)


def check_policy(rows: SheetRows, problems: Problems) -> None:
    ir, iy, id_, isrc = rows.index("地区代码"), rows.index("年度"), rows.index("低保标准(元/月)"), rows.index("资金来源")
    dibao: dict[tuple[str, int], tuple[int, int]] = {}
    seen: dict[tuple[str, int, str], int] = {}
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        region = values[ir]
        if region is not None and (len(region) != 6 or not region.isdigit()):
            problems.add(rows.sheet.name, rownum, "地区代码", region, "应为 6 位行政区划代码", ERROR,
                         rows.positions.get("地区代码"))
            rows.bad.add(n)
            continue
        key = (region, values[iy])
        if None in key or values[id_] is None:
            continue
        if key in dibao and dibao[key][0] != values[id_]:
            problems.add(rows.sheet.name, rownum, "低保标准(元/月)", format_yuan(values[id_]),
                         f"与第 {dibao[key][1]} 行同一地区、同一年度的低保标准不一致", ERROR,
                         rows.positions.get("低保标准(元/月)"))
            rows.bad.add(n)
        dibao.setdefault(key, (values[id_], rownum))
        full = (region, values[iy], values[isrc])
        if full in seen:
            problems.add(rows.sheet.name, rownum, "资金来源", "", f"与第 {seen[full]} 行重复（同一地区、年度和资金来源）",
                         ERROR, rows.positions.get("资金来源"))
            rows.bad.add(n)
        else:
            seen[full] = rownum


def duplicate_cross_county(batch: ParsedBatch) -> set[str]:
    """Archive numbers the city's 核查结果 in this batch marks 跨县重复."""
    vr = batch.rows(spec.VERIFY)
    if vr is None:
        return set()
    ia, ir = vr.index("档案编号"), vr.index("结果")
    return {v[ia] for v in vr.values if v[ir] == "3" and v[ia]}


def active_archives(batch: ParsedBatch) -> dict[str, bool]:
    """档案编号 → whether the batch gives it an active status (申请中, 在档)."""
    hh = batch.rows(spec.HOUSEHOLDS)
    if hh is None:
        return {}
    ia, ist = hh.index("档案编号"), hh.index("档案状态")
    return {v[ia]: v[ist] in ("applying", "active") for v in hh.values}


def person_places(batch: ParsedBatch, id_numbers: Collection[str]) -> dict[str, list[PersonAt]]:
    """Where each of ``id_numbers`` appears among the batch's active archives (for the few that clash)."""
    active = active_archives(batch)
    out: dict[str, list[PersonAt]] = {}
    for name in (spec.HOUSEHOLDS, spec.MEMBERS):
        rows = batch.rows(name)
        if rows is None:
            continue
        ia, ii = rows.index("档案编号"), rows.index("公民身份号码")
        col = rows.positions.get("公民身份号码")
        for n, v in enumerate(rows.values):
            if v[ii] in id_numbers and active.get(v[ia], False):
                out.setdefault(v[ii], []).append(PersonAt(name, rows.rownums[n], v[ia], col))
    return out


def active_ids(batch: ParsedBatch, archives: Collection[str] | None = None) -> list[str]:
    """ID numbers of heads and members of the batch's active archives (of ``archives`` only, when given)."""
    active = active_archives(batch)
    keep = {a for a, on in active.items() if on and (archives is None or a in archives)}
    out: list[str] = []
    for name in (spec.HOUSEHOLDS, spec.MEMBERS):
        rows = batch.rows(name)
        if rows is not None:
            ia, ii = rows.index("档案编号"), rows.index("公民身份号码")
            out += [v[ii] for v in rows.values if v[ii] is not None and v[ia] in keep]
    return out


def check_people(batch: ParsedBatch) -> None:
    """The same ID number twice among the batch's active archives is an error (rule 4)."""
    ids = active_ids(batch)
    if len(set(ids)) == len(ids):
        return  # the usual case, found in one pass of C loops
    counts: dict[str, int] = {}
    for idn in ids:
        counts[idn] = counts.get(idn, 0) + 1
    allowed = duplicate_cross_county(batch)
    for idn, places in person_places(batch, {i for i, c in counts.items() if c > 1}).items():
        first = places[0]
        for at in places[1:]:
            if first.archive in allowed or at.archive in allowed:
                continue
            where = f"“{first.sheet}”表第 {first.row} 行（档案 {first.archive}）"
            batch.problems.add(at.sheet, at.row, "公民身份号码", idn,
                               f"与{where}是同一人，同一人不能同时在两个有效档案中", ERROR, at.col)
            _mark_bad(batch, at)


def _mark_bad(batch: ParsedBatch, at: PersonAt) -> None:
    rows = batch.rows(at.sheet)
    if rows is None:
        return
    for n, r in enumerate(rows.rownums):
        if r == at.row:
            rows.bad.add(n)
            return


# ------------------------------------------------------------------------------------------ the whole batch

def parse_batch(path: Path, book: codes.CodeBook, *, receiver_code: str | None, key: bytes | None = None,
                today: _dt.date | None = None, limits: Limits | None = None, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None) -> ParsedBatch:
    """Read and validate a batch; raise ``UnreadableWorkbook`` only for files that are not readable workbooks."""
    today = today or _dt.date.today()
    path = Path(path)
    problems = Problems()
    canonical = spec.Canonical()
    steps = len(spec.SHEETS) + 2
    if progress:
        progress(0, steps)
    with Workbook.open(path, limits, cancelled) as wb:
        digest = file_digest(path)
        names = wb.sheet_names
        for name in names:
            if name != spec.MANIFEST and name not in spec.SHEET_BY_NAME:
                level = WARNING
                problems.add(name, None, "", "", "不是交换批次的工作表，已忽略" if name != spec.ERRORS_SHEET
                             else "是错误报告的清单，已忽略", level)
        if spec.MANIFEST not in names:
            problems.add(spec.MANIFEST, None, "", "", "缺少“批次信息”工作表：这不是交换批次文件。"
                         "基层帮扶站自己的表格请用“导入基层报表”（helpdesk sheet import）", ERROR)
            manifest = Manifest()
        else:
            manifest = _manifest(wb, problems)
            _check_manifest(manifest, problems, receiver_code)
        if progress:
            progress(1, steps)
        sheets: dict[str, SheetRows] = {}
        for step, sheet in enumerate(spec.SHEETS, start=2):
            if sheet.name not in names:
                continue
            it = wb.values(sheet.name)
            rows = header_map(sheet, next(it, []), problems)
            convs = {c.label: column_converter(c, book, today) for c in rows.present}
            count = read_rows(it, 2, rows, convs, problems, canonical, cancelled=cancelled)
            del it  # frees the sheet's cells before the next sheet is read
            expected = manifest.row_counts.get(sheet.name)
            if spec.MANIFEST in names:
                key_name = f"{spec.K_ROWS}{sheet.name}"
                if expected is None:
                    problems.add(spec.MANIFEST, None, key_name, "", f"缺少“{key_name}”", ERROR)
                elif expected != count:
                    problems.add(spec.MANIFEST, manifest.rows.get(key_name), key_name, str(expected),
                                 f"与工作表中的 {count} 行数据不符（文件可能不完整或被修改过）", ERROR, 1)
            scan = wb.inspection.scan_of(sheet.name)
            if scan is not None:
                for ref in scan.formulas:
                    r, c = formula_cell_address(ref)
                    problems.add(sheet.name, r, ref, "", "单元格含有公式：交换文件只接受数据，不接受公式", ERROR, c)
            sheets[sheet.name] = rows
            if progress:
                progress(step, steps)
        for name in manifest.row_counts:
            if name not in names:
                problems.add(spec.MANIFEST, manifest.rows.get(f"{spec.K_ROWS}{name}"), f"{spec.K_ROWS}{name}", "",
                             f"批次信息列出了工作表“{name}”，但文件中没有这张表", ERROR, 0)
    batch = ParsedBatch(path, manifest, sheets, problems, canonical.hexdigest(), False, "absent", digest)
    _cross_checks(batch)
    _check_checksum(batch, key)
    if progress:
        progress(steps, steps)
    return batch


def _cross_checks(batch: ParsedBatch) -> None:
    hh = batch.rows(spec.HOUSEHOLDS)
    if hh is not None:
        check_households(hh, batch.problems)
    archives = {v[0] for v in hh.values if v[0]} if hh is not None else set()
    mm = batch.rows(spec.MEMBERS)
    if mm is not None:
        check_members(mm, archives, batch.problems)
    rr = batch.rows(spec.RECORDS)
    if rr is not None:
        check_unique(rr, "记录编号", batch.problems, "同一批次中记录编号须唯一")
    ff = batch.rows(spec.FUNDS)
    if ff is not None:
        check_funds(ff, batch.problems)
    vv = batch.rows(spec.VERIFY)
    if vv is not None:
        check_unique(vv, "档案编号", batch.problems, "每个档案只能有一条核查结果")
    pp = batch.rows(spec.POLICY)
    if pp is not None:
        check_policy(pp, batch.problems)
    check_people(batch)


def _check_checksum(batch: ParsedBatch, key: bytes | None) -> None:
    m = batch.manifest
    written = m.get(spec.K_CHECKSUM).lower()
    signed = m.get(spec.K_SIGNATURE)
    row = m.rows.get(spec.K_CHECKSUM)
    if not written:
        batch.problems.add(spec.MANIFEST, row, spec.K_CHECKSUM, "", "批次没有校验值，无法确认内容完整；"
                           "确认后可作为未签名的批次导入", CONFIRM)
        return
    if written != batch.checksum:
        batch.problems.add(spec.MANIFEST, row, spec.K_CHECKSUM, written[:16] + "…",
                           "与文件内容不符：文件在生成后被修改过（例如在 Excel 中手工编辑过）。"
                           "确认后可作为未签名的批次导入", CONFIRM, 1)
        return
    batch.checksum_ok = True
    if not signed:
        batch.signature = "absent"
        if key:
            batch.problems.add(spec.MANIFEST, None, spec.K_SIGNATURE, "", "批次没有签名", WARNING)
        return
    if not key:
        batch.signature = "unverified"
        batch.problems.add(spec.MANIFEST, m.rows.get(spec.K_SIGNATURE), spec.K_SIGNATURE, "",
                           "本单位没有配置交换密钥，无法核对签名", WARNING, 1)
        return
    if spec.signature_ok(batch.checksum, signed, key):
        batch.signature = "ok"
    else:
        batch.signature = "bad"
        batch.problems.add(spec.MANIFEST, m.rows.get(spec.K_SIGNATURE), spec.K_SIGNATURE, signed[:16] + "…",
                           "签名不符：文件不是用双方约定的密钥签发的（密钥不同或文件被伪造）。"
                           "确认后可作为未签名的批次导入", CONFIRM, 1)
