"""The city's batch to one county (EXCHANGE_FORMAT.md, "City to county only"): 核查结果 and 政策参数.

核查结果 carries the verdicts the city made on that county's archives and has not sent yet (档案编号, 结果,
说明; 跨县重复 names the archive that stays in its 说明); 政策参数 carries each 下拨资金 not sent yet as one row
(地区代码 = the county, 年度, the county's 低保 standard for that year from the city's standards, 下拨资金,
资金来源). Nothing else: the county's own archives are the county's. Written like every batch (manifest,
canonical 校验值, optional 签名, the audit anchor sheet); the rows are marked sent with the batch's history
line, in one transaction, after the file is complete.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import StateError
from helpdesk_gui.core.city import region
from helpdesk_gui.core.city import verdicts as city_verdicts
from helpdesk_gui.core.db import get_meta, now_iso, write
from helpdesk_gui.core.sync import state
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.export import ExportResult, _cells, _Writer, finish_book
from helpdesk_gui.exchange.safety import Cancelled


@dataclass
class DownwardResult(ExportResult):
    def summary(self) -> str:
        parts = "，".join(f"{name} {n} 行" for name, n in self.counts.items())
        return f"已导出下发批次，批次编号 {self.batch_id}，发往 {self.receiver_code} {self.receiver_name}：{parts}。"


def preview(db: Database, county: str) -> city_verdicts.Pending:
    """What a batch to ``county`` would carry now."""
    return city_verdicts.pending(db, county)


def export_to_county(db: Database, actor: Actor, out: Path, county: str, *, receiver_name: str | None = None,
                     key: bytes | None = None, progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> DownwardResult:
    """Write the batch for ``county`` to ``out`` (via ``.part``) and mark its rows sent."""
    actor.require("exchange.export")
    own, union = get_meta(db, "county_code"), get_meta(db, "union_name")
    p = city_verdicts.pending(db, county)
    name = receiver_name if receiver_name is not None else region.names(db).get(county, "")
    if p.empty:
        raise StateError(f"没有要发给 {region.label(county, region.names(db))} 的内容：核查结果和下拨资金都已发过。"
                         "先在“数据交换—跨县重复 / 核查结论 / 下拨各县”中下达核查结果或登记下拨资金。")
    if cancelled is not None and cancelled():
        raise Cancelled()
    book = codes.load(db)
    warnings: list[str] = []
    canonical = spec.Canonical()
    counts: dict[str, int] = {}
    batch_id = str(uuid.uuid4())
    snapshot = now_iso()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    w = _Writer(part)
    sources: list[tuple[str, list[tuple[Any, ...]]]] = [(spec.VERIFY, list(p.verify_rows)),
                                                        (spec.POLICY, list(p.policy_rows))]
    try:
        manifest = w.book.add_worksheet(spec.MANIFEST)
        for sheet_name, values in sources:
            if not values:
                continue
            sheet = spec.SHEET_BY_NAME[sheet_name]
            present = list(sheet.columns)
            ws = w.sheet(sheet, present, validate_rows=max(len(values), 1))
            canonical.sheet(sheet.name, [c.label for c in present])
            write_row = _cells(book, present, list(range(len(present))), warnings)
            for r, cells in enumerate(values, start=1):
                texts: list[str] = []
                write_row(ws, r, cells, w, texts)
                canonical.row(texts)
            counts[sheet.name] = len(values)
        checksum = canonical.hexdigest()
        finish_book(db, w, manifest, [(spec.K_BATCH, batch_id), (spec.K_SENDER, own), (spec.K_SENDER_NAME, union),
                                      (spec.K_RECEIVER, county), (spec.K_GENERATED, snapshot)],
                    counts, checksum, key)
    except BaseException:
        try:
            w.book.close()
        except Exception:  # noqa: BLE001 - the half-written file is removed below
            pass
        part.unlink(missing_ok=True)
        raise
    part.replace(out)
    with write(db):
        state.add_batch(db, actor, state.BatchEntry(
            batch_id=batch_id, direction="out", result="sent", counterpart_code=county, counterpart_name=name,
            generated_at=snapshot, mode="full", rows=counts, file_name=str(out), checksum=checksum, signed=bool(key),
            summary={"verdicts": len(p.verify_rows), "allocations": len(p.policy_rows)}), at=snapshot)
        city_verdicts.mark_sent(db, p, batch_id, snapshot)
    if progress:
        progress(1, 1)
    return DownwardResult(out, batch_id, county, name, "full", None, counts, checksum, bool(key), warnings)
