"""Parse and validate a batch workbook (format 1.0) without touching the database.

Everything is read once with python-calamine, sheet by sheet: the manifest (批次信息, checked key
by key), then each data sheet in the contract's order (``exchange.parsed``: each cell converted
to its stored value and canonical text for the 校验值, the row counts compared with the manifest,
formula cells refused), then each sheet's rows and the references and duplicates across the
sheets (``exchange.checks``), and last the 校验值 and signature. The result keeps the stored values
as compact tuples for the plan and the write; every problem is listed with sheet, row, column and
value.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable
from pathlib import Path

from helpdesk_gui.core.base import codes
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.cells import _text
from helpdesk_gui.exchange.checks import (
    check_funds,
    check_households,
    check_members,
    check_people,
    check_policy,
    check_unique,
)
from helpdesk_gui.exchange.columns import column_converter
from helpdesk_gui.exchange.parsed import Manifest, ParsedBatch, SheetRows, file_digest, header_map, read_rows
from helpdesk_gui.exchange.problems import CONFIRM, ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import Workbook, is_empty
from helpdesk_gui.exchange.safety import Limits, formula_cell_address

Progress = Callable[[int, int], None]


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
    limits = limits or Limits()
    with Workbook.open(path, limits, cancelled) as wb:
        digest = file_digest(path)
        names = wb.sheet_names
        for name in names:
            if name not in (spec.MANIFEST, spec.AUDIT_SHEET) and name not in spec.SHEET_BY_NAME:
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
            households = sheet.name == spec.HOUSEHOLDS
            count = read_rows(it, 2, rows, convs, problems, canonical, cancelled=cancelled,
                              max_rows=limits.max_households if households else limits.max_sheet_rows,
                              what="户" if households else "行")
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
