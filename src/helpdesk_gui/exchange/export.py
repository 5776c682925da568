"""Export a batch (format 1.0) for the city union: full, or what changed since the last batch sent there.

Written with xlsxwriter in ``constant_memory`` mode (rows stream to disk; memory stays flat at
100,000 households). IDs, bank accounts and phone numbers are text cells, text beginning with
``=``, ``+``, ``-`` or ``@`` is written as text with a quote prefix so Excel never runs it,
columns are sized, the header frozen, enumeration columns get dropdowns. The 校验值 is computed
over the canonical content while the rows are written; with a shared key, the 签名 too. Only the
columns the city needs leave the county (setting ``exchange_omit_columns``). Before the file is
renamed into place and recorded as sent, it is read back with the import's own checks
(``export_check``): a batch its receiver would refuse is removed and ``ExportRefused`` names the
households to fix.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlite_utils import Database

from helpdesk_gui.core.access import chain
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import get_meta, now_iso
from helpdesk_gui.core.register.eligibility import per_capita_month
from helpdesk_gui.core.sync import state
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.export_check import ExportRefused, refusal
from helpdesk_gui.exchange.safety import Cancelled, Limits
from helpdesk_gui.exchange.validate import parse_batch

FORMULA_START = ("=", "+", "-", "@")
DATA_ROWS_VALIDATED = 1_048_575   # dropdowns cover the whole column below the header
Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    path: Path
    batch_id: str
    receiver_code: str
    receiver_name: str
    mode: str                        # full | incremental
    since: str | None
    counts: dict[str, int]
    checksum: str
    signed: bool
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        what = "完整批次" if self.mode == "full" else f"增量批次（{self.since} 之后的变化）"
        parts = "，".join(f"{name} {n} 行" for name, n in self.counts.items())
        return f"已导出{what}，批次编号 {self.batch_id}，发往 {self.receiver_code}：{parts}。"


def default_receiver(db: Database) -> tuple[str, str]:
    """The configured receiver (the city union), else the county's own city code. A city has none: it names
    the county each time (``core.city.region.check_receiver``)."""
    county = get_meta(db, "county_code")
    if region.level(county) == region.CITY:
        return "", ""
    code = str(settings.get(db, "exchange_receiver_code") or "").strip()
    if not code:
        code = county[:4] + "00" if len(county) == 6 else ""
    return code, str(settings.get(db, "exchange_receiver_name") or "")


class _Writer:
    """One workbook being written: formats shared by every sheet."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        b = self.book
        self.header = b.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                    "valign": "vcenter", "num_format": "@"})
        self.required_header = b.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                             "valign": "vcenter", "num_format": "@"})
        self.text = b.add_format({"num_format": "@"})
        self.quoted = b.add_format({"num_format": "@", "quote_prefix": True})
        self.money = b.add_format({"num_format": "0.00"})
        self.integer = b.add_format({"num_format": "0"})

    def sheet(self, s: spec.Sheet, present: list[spec.Col], *, mark_required: bool = False,
              validate_rows: int = DATA_ROWS_VALIDATED) -> Any:
        ws = self.book.add_worksheet(s.name)
        for i, col in enumerate(present):
            fmt = self.money if col.kind == spec.M else self.integer if col.kind == spec.INT else self.text
            ws.set_column(i, i, col.width, fmt)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        for i, col in enumerate(present):
            label = col.header if mark_required else col.label
            ws.write_string(0, i, label, self.required_header if (mark_required and col.required) else self.header)
            if col.kind == spec.E and col.choices:
                ws.data_validation(1, i, validate_rows, i, {
                    "validate": "list", "source": list(col.choices), "error_type": "stop",
                    "error_title": col.label, "error_message": "请从下拉列表中选择：" + "、".join(col.choices)[:200]})
            elif col.kind == spec.D:
                ws.data_validation(1, i, validate_rows, i, {
                    "validate": "any", "input_title": col.label, "input_message": "格式 YYYY-MM-DD，如 1975-03-12"})
        return ws


def _labels(book: codes.CodeBook, col: spec.Col) -> dict[Any, str]:
    if col.field == "status":
        return dict(spec.CODE_TO_STATUS)
    if col.field == "is_migrant":
        return {1: "是", 0: "否", "1": "是", "0": "否"}
    if col.field == "ethnicity":
        return {i.code: i.label for i in book.items("ethnicity", active_only=False)}
    if not col.codes:
        return {}
    return {i.code: i.label for i in book.items(col.codes, active_only=False)}


def _cells(book: codes.CodeBook, present: list[spec.Col], positions: list[int],
           warnings: list[str]) -> Callable[[Any, int, tuple[Any, ...], Any, list[str]], None]:
    """A function writing one row of stored values as cells and appending their canonical texts."""
    plan: list[tuple[int, str, dict[Any, str], spec.Col]] = []
    for col, pos in zip(present, positions, strict=True):
        plan.append((pos, col.kind, _labels(book, col), col))

    def write(ws: Any, r: int, values: tuple[Any, ...], w: _Writer, texts: list[str]) -> None:
        for c, (pos, kind, labels, col) in enumerate(plan):
            v = values[pos]
            if v is None or v == "":
                texts.append("")
                continue
            if kind == spec.M:
                ws.write_number(r, c, v / 100, w.money)
                texts.append(format_yuan(v))
            elif kind == spec.INT:
                ws.write_number(r, c, v, w.integer)
                texts.append(str(v))
            elif kind == spec.E:
                label = labels.get(v)
                if label is None or label not in col.choices:
                    label = labels.get(v, str(v))
                    if len(warnings) < 50:
                        warnings.append(f"“{col.label}”的值“{label}”不在交换格式的代码表中（第 {r + 1} 行）")
                ws.write_string(r, c, label)
                texts.append(label)
            elif kind == spec.L:
                text = "、".join(labels.get(x, x) for x in str(v).split(",") if x)
                if text:
                    ws.write_string(r, c, text)
                texts.append(text)
            else:
                if labels:
                    v = labels.get(v, v)
                text = spec.nfc(v) if type(v) is str else str(v)
                ws.write_string(r, c, text, w.quoted if text.startswith(FORMULA_START) else None)
                texts.append(text)
    return write


def too_big(counts: dict[str, int], limits: Limits | None = None) -> None:
    """A batch the other end could not import (``Limits.max_households``, ``max_sheet_rows``) is not written."""
    limits = limits or Limits()
    over = [f"{label} {counts[key]:,} {unit}（最多 {cap:,}）" for key, label, unit, cap in (
        ("households", "困难职工", "户", limits.max_households), ("members", "家庭成员", "行", limits.max_sheet_rows),
        ("records", "帮扶记录", "行", limits.max_sheet_rows)) if counts.get(key, 0) > cap]
    if over:
        raise ValidationError("导出", "一个批次装不下：" + "，".join(over) + "。请改用增量批次，或按县区分开导出", "")


def export_batch(db: Database, actor: Actor, out: Path, *, receiver_code: str | None = None,
                 receiver_name: str | None = None, full: bool = False, key: bytes | None = None,
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write the batch to ``out`` (via a ``.part`` file, read back with the import's checks, renamed when it
    passes) and record it as sent. Raises ``ExportRefused`` (the file removed, nothing recorded) otherwise."""
    actor.require("exchange.export")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValidationError("导出文件", "扩展名应为 .xlsx", out.name)
    county = get_meta(db, "county_code")
    union = get_meta(db, "union_name")
    default_code, default_name = default_receiver(db)
    receiver = (receiver_code or default_code).strip()
    if region.level(county) == region.CITY:
        receiver = region.check_receiver(db, receiver)
        if region.level(receiver) == region.COUNTY:  # the 下发 batch: 核查结果 and 政策参数 (exchange.downward)
            from helpdesk_gui.exchange.downward import export_to_county
            return export_to_county(db, actor, out, receiver, receiver_name=receiver_name, key=key,
                                    progress=progress, cancelled=cancelled)
    if len(receiver) != 6 or not receiver.isdigit():
        raise ValidationError("接收单位代码", "应为 6 位行政区划代码", receiver)
    if receiver == county:
        raise ValidationError("接收单位代码", "不能发给本单位自己", receiver)
    name = receiver_name if receiver_name is not None else (
        (state.counterpart(db, receiver) or {}).get("name") or (default_name if receiver == default_code else ""))
    previous = state.counterpart(db, receiver)
    since = None if full or previous is None else previous.get("last_sent_at")
    mode = "incremental" if since else "full"
    snapshot = now_iso()
    book = codes.load(db)
    omit = set(settings.get(db, "exchange_omit_columns") or [])
    counts_expected = state.export_counts(db, county, since)
    too_big(counts_expected)
    total = sum(counts_expected.values()) + 1
    checking = max(1, total // 3)   # reading the file back: about a third of the time of writing it
    done = 0
    warnings: list[str] = []
    canonical = spec.Canonical()
    counts: dict[str, int] = {}
    batch_id = str(uuid.uuid4())
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    w = _Writer(part)
    try:
        manifest = w.book.add_worksheet(spec.MANIFEST)
        sources: list[tuple[spec.Sheet, tuple[str, ...], Iterable[tuple[Any, ...]]]] = [
            (spec.SHEET_BY_NAME[spec.HOUSEHOLDS], state.EXPORT_HOUSEHOLD_COLUMNS, state.export_households(db, county, since)),
            (spec.SHEET_BY_NAME[spec.MEMBERS], state.EXPORT_MEMBER_COLUMNS, state.export_members(db, county, since)),
            (spec.SHEET_BY_NAME[spec.RECORDS], state.EXPORT_RECORD_COLUMNS, state.export_records(db, county, since)),
        ]
        today = _dt.date.today()
        funds = state.export_fund_summary(db, f"{today.year}-01-01", today.isoformat())
        if funds:  # the year to date, by 资金来源, in every batch (full or incremental)
            sources.append((spec.SHEET_BY_NAME[spec.FUNDS], ("fund_source", "opening_fen", "income_fen",
                                                              "expense_fen", "closing_fen"), funds))
        for sheet, columns, source in sources:
            present = [c for c in sheet.columns if c.required or c.label not in omit]
            positions = [columns.index(c.field) for c in present]
            ws = w.sheet(sheet, present)
            canonical.sheet(sheet.name, [c.label for c in present])
            write_row = _cells(book, present, positions, warnings)
            pc_col = next((i for i, c in enumerate(present) if c.field == "per_capita_month_fen"), None)
            ix = {f: i for i, f in enumerate(columns)}
            r = 0
            for values in source:
                if pc_col is not None:  # always the value the contract's formula gives for the figures sent
                    values = list(values)  # type: ignore[assignment]
                    values[ix["per_capita_month_fen"]] = per_capita_month(  # type: ignore[index]
                        values[ix["annual_income_fen"]], values[ix["rigid_expense_fen"]],
                        values[ix["family_size"]] or 1)
                r += 1
                texts: list[str] = []
                write_row(ws, r, values, w, texts)
                canonical.row(texts)
                if r % 5000 == 0:
                    if cancelled is not None and cancelled():
                        raise Cancelled()
                    if progress:
                        progress(done + r, total + checking)
            counts[sheet.name] = r
            done += r
        checksum = canonical.hexdigest()
        finish_book(db, w, manifest, [(spec.K_BATCH, batch_id), (spec.K_SENDER, county), (spec.K_SENDER_NAME, union),
                                      (spec.K_RECEIVER, receiver), (spec.K_GENERATED, snapshot)],
                    counts, checksum, key)
        _check_written(part, book, receiver, key, total, checking, progress, cancelled)
    except BaseException:
        try:
            if not w.book.fileclosed:
                w.book.close()
        except Exception:  # noqa: BLE001 - the half-written file is removed below
            pass
        part.unlink(missing_ok=True)
        raise
    part.replace(out)
    state.add_batch(db, actor, state.BatchEntry(
        batch_id=batch_id, direction="out", result="sent", counterpart_code=receiver, counterpart_name=name or "",
        generated_at=snapshot, mode=mode, since=since, rows=counts, file_name=str(out), checksum=checksum,
        signed=bool(key), summary={"warnings": len(warnings)}), at=snapshot)
    if progress:
        progress(total + checking, total + checking)
    return ExportResult(out, batch_id, receiver, name or "", mode, since, counts, checksum, bool(key), warnings)


def _check_written(part: Path, book: codes.CodeBook, receiver: str, key: bytes | None, done: int, share: int,
                   progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
    """Read the written file back as its receiver will (``validate.parse_batch``); raise
    ``export_check.ExportRefused`` naming the households to fix when it would be refused."""
    def step(k: int, steps: int) -> None:
        if progress:
            progress(done + share * k // max(steps, 1), done + share)
    parsed = parse_batch(part, book, receiver_code=receiver, key=key, progress=step, cancelled=cancelled)
    refused = refusal(parsed)
    if refused is not None:
        raise refused


def finish_book(db: Database, w: _Writer, manifest: Any, head: list[tuple[str, str]], counts: dict[str, int],
                checksum: str, key: bytes | None) -> None:
    """Write 批次信息 (``head`` after 格式版本, the row counts, 校验值 and, with a key, 签名), the audit anchor's
    sheet, and close the workbook: the end of every batch we write, upward or downward."""
    entries = [(spec.K_VERSION, spec.FORMAT_VERSION), *head,
               *((f"{spec.K_ROWS}{n}", str(c)) for n, c in counts.items()), (spec.K_CHECKSUM, checksum)]
    if key:
        entries.append((spec.K_SIGNATURE, spec.signature(checksum, key)))
    manifest.set_column(0, 0, 22, w.text)
    manifest.set_column(1, 1, 70, w.text)
    for i, (k, v) in enumerate(entries):
        manifest.write_string(i, 0, k, w.header)
        manifest.write_string(i, 1, v)
    _audit_sheet(db, w)
    w.book.close()


def _audit_sheet(db: Database, w: _Writer) -> None:
    """The audit trail's head at export time, for the receiver to keep (``spec.AUDIT_SHEET``): rows, the
    last row's id and SHA-256. The export's own audit row comes after it."""
    top = chain.head(db)
    rows_, last_id, last_hash = (top[0], str(top[1]), top[2]) if top else (0, "", "")
    ws = w.book.add_worksheet(spec.AUDIT_SHEET)
    ws.set_column(0, 0, 22, w.text)
    ws.set_column(1, 1, 70, w.text)
    for i, (k, v) in enumerate(((spec.K_AUDIT_ROWS, str(rows_)), (spec.K_AUDIT_LAST, last_id),
                                (spec.K_AUDIT_HEAD, last_hash))):
        ws.write_string(i, 0, k, w.header)
        ws.write_string(i, 1, v)


def suggested_name(db: Database, *, direction: str = "上报", seq: int = 1, on: _dt.date | None = None) -> str:
    """``<sender code>_<上报|下发>_<YYYYMMDD>_<seq>.xlsx`` as the contract suggests."""
    on = on or _dt.date.today()
    return f"{get_meta(db, 'county_code')}_{direction}_{on:%Y%m%d}_{seq}.xlsx"


__all__ = ["ExportRefused", "ExportResult", "default_receiver", "export_batch", "suggested_name"]
