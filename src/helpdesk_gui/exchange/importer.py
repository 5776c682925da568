"""Import a batch: check the file, validate everything, compare with the database, then write it
all in one transaction (or nothing), and tell the clerk exactly what happened.

``analyse`` does the reading, validation and planning (the GUI shows it as a preview);
``commit`` writes an analysed batch; ``import_batch`` does both, as ``helpdesk batch import`` does.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.db import get_meta, on_server
from helpdesk_gui.core.sync import state
from helpdesk_gui.core.sync.apply import ConflictIn, ImportResult, ImportWrite, apply_import
from helpdesk_gui.core.sync.household_rows import household_snapshot, record_snapshot
from helpdesk_gui.core.sync.recheck import AlreadyImported
from helpdesk_gui.core.sync.rowstore import Picked, grouped
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.checks import duplicate_cross_county
from helpdesk_gui.exchange.parsed import ParsedBatch
from helpdesk_gui.exchange.plan import Plan, make_plan
from helpdesk_gui.exchange.problems import Problems
from helpdesk_gui.exchange.safety import Limits
from helpdesk_gui.exchange.validate import parse_batch

Progress = Callable[[int, int], None]

IMPORTED, ALREADY, REJECTED, UNCONFIRMED, DRY_RUN = "imported", "already", "rejected", "unconfirmed", "dry_run"


@dataclass
class Analysis:
    batch: ParsedBatch
    plan: Plan

    @property
    def problems(self) -> Problems:
        return self.batch.problems

    @property
    def already(self) -> dict[str, Any] | None:
        return self.plan.already

    @property
    def needs_confirmation(self) -> bool:
        return self.problems.confirms > 0

    @property
    def can_import(self) -> bool:
        return self.plan.already is None and self.problems.errors == 0


@dataclass
class Outcome:
    status: str
    analysis: Analysis
    result: ImportResult | None = None
    report: Path | None = None

    #: a dry run: whether the real import would accept a batch that needs confirming (``--accept-unsigned``)
    accept_unsigned: bool = False

    @property
    def exit_code(self) -> int:
        """0 imported or already imported; a dry run 0 only when the real import would import; else 1."""
        if self.status == DRY_RUN:
            a = self.analysis
            return 0 if a.can_import and (self.accept_unsigned or not a.needs_confirmation) else 1
        return 0 if self.status in (IMPORTED, ALREADY) else 1

    def message(self) -> str:
        a = self.analysis
        b = a.batch
        if b.kind == "sheet":
            head = f"基层报表《{b.path.name}》"
        else:
            head = f"批次 {b.manifest.batch_id or '（无编号）'}（{b.manifest.sender_name or b.manifest.sender}）"
        if self.status == ALREADY and a.already is not None:
            return f"{head}已于 {local_time(a.already['exchanged_at'])} 导入过，本次没有做任何修改。"
        if self.status == REJECTED:
            return f"{head}未导入：{a.problems.summary()}。请按错误清单修改后重新发送。"
        if self.status == UNCONFIRMED:
            return (f"{head}未导入：校验值或签名不符，文件可能在生成后被修改过。确认内容无误后，"
                    "可以作为未签名的批次导入（命令行加 --accept-unsigned）。")
        if self.status == DRY_RUN:
            verdict = "可以导入" if self.exit_code == 0 else "不能导入" if not a.can_import else \
                "校验值或签名不符，须确认后才能导入（命令行加 --accept-unsigned）"
            what = f"申请 {len(a.plan.new)} 户" if b.kind == "sheet" else a.plan.summary()
            return f"{head}检查完毕（未写入）：{verdict}。{what}；{a.problems.summary()}。"
        r = self.result
        assert r is not None
        notes = f"；{a.problems.summary()}" if a.problems.items else ""
        held = held_text(r)
        if b.kind == "sheet":
            numbers = f"（档案编号 {r.archive_numbers[0]} 起）" if r.archive_numbers else ""
            members = f"，家庭成员 {r.members:,} 人" if r.members else ""
            return f"{head}已导入为申请：新增“申请中”的档案 {r.new_households:,} 户{numbers}{members}{held}{notes}。"
        members = f"；家庭成员 {r.members:,} 人" if r.members else ""
        extra = "".join(f"；{t}" for t in (f"低保标准 {r.standards} 条" if r.standards else "",
                                           f"下拨资金 {r.allocations} 笔（待资金台账入账）" if r.allocations else "") if t)
        summary = a.plan.summary(r.held.adjust(a.plan.counts()) if r.held else None)
        return f"{head}已导入：{summary}{members}{extra}{held}{notes}。"


def held_text(r: ImportResult) -> str:
    """What the commit held back because the register changed after the preview ('' when nothing)."""
    h = r.held
    if not h.households:
        return ""
    why = "，".join(t for t in (f"{h.changed:,} 户在预览后本地已修改或已建档" if h.changed else "",
                                 f"{h.people:,} 户的人员在预览后已登记在本库其他有效档案中" if h.people else "") if t)
    return f"；预览之后本库有变化：{h.households:,} 户未写入，已转为待处理冲突（{why}），请在“待处理冲突”中处理"


def analyse(db: Database, actor: Actor, path: Path, *, key: bytes | None = None, today: _dt.date | None = None,
            limits: Limits | None = None, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None) -> Analysis:
    """Read, validate and plan a batch. Raises ``UnreadableWorkbook`` for files that are not workbooks."""
    actor.require("exchange.import")
    batch = parse_batch(Path(path), codes.load(db), receiver_code=get_meta(db, "county_code"), key=key,
                        today=today, limits=limits, progress=progress, cancelled=cancelled)
    return Analysis(batch, make_plan(db, actor, batch))


def build_write(db: Database, analysis: Analysis, result: str = "imported") -> ImportWrite:
    """The rows to write, in the shapes ``core.sync.apply`` takes."""
    b, plan = analysis.batch, analysis.plan
    m = b.manifest
    entry = state.BatchEntry(
        batch_id=m.batch_id, direction="in", result=result, counterpart_code=m.sender, counterpart_name=m.sender_name,
        generated_at=m.get(spec.K_GENERATED), rows=b.counts(), file_name=str(b.path), file_sha256=b.file_sha256,
        checksum=m.get(spec.K_CHECKSUM), signed=b.signature == "ok",
        summary={**plan.counts(), "errors": b.problems.errors, "warnings": b.problems.warnings,
                 "checksum_ok": b.checksum_ok, "signature": b.signature})
    w = ImportWrite(entry, m.sender, history_note=f"批次 {m.batch_id[:8]} 导入（{m.sender_name or m.sender}）",
                    seen=plan.seen, allowed_duplicates=frozenset(duplicate_cross_county(b)))
    hh = b.rows(spec.HOUSEHOLDS)
    if hh is not None:
        fields = [c.field if c.label in hh.positions else "" for c in hh.sheet.columns]
        w.household_fields = fields
        status_pos = fields.index("status")
        w.new_households = Picked(hh.values, plan.new)
        w.new_rownums = [hh.rownums[n] for n in plan.new]
        w.update_rownums = [hh.rownums[n] for n, _ in plan.update]
        hids = [hid for _, hid in plan.update]
        keep_status = {k: plan.keep_status[n] for k, (n, _) in enumerate(plan.update) if n in plan.keep_status}

        def update(k: int, values: tuple[Any, ...]) -> tuple[int, tuple[Any, ...]]:
            if k in keep_status:
                values = (*values[:status_pos], keep_status[k], *values[status_pos + 1:])
            return hids[k], values
        w.updates = Picked(hh.values, [n for n, _ in plan.update], update)
        mm = b.rows(spec.MEMBERS)
        if mm is not None and (plan.new or plan.update):
            w.members = grouped(mm.values, (hh.values[n][0] for n in chain(plan.new, (n for n, _ in plan.update))))
        carried = [f for f in fields if f]
        held = grouped(mm.values, (hh.values[n][0] for n, _ in plan.conflicts)) if mm is not None else {}
        for n, hid in plan.conflicts:
            values = hh.values[n]
            archive = values[0]
            incoming = {f: v for f, v in zip(fields, values, strict=True) if f}
            w.conflicts.append(ConflictIn("household", archive, hid, None,
                                          {"values": incoming, "members": [list(v[1:]) for v in held.get(archive, ())],
                                           "row": hh.rownums[n]},
                                          household_snapshot(db, hid, carried)))
    rr = b.rows(spec.RECORDS)
    if rr is not None:
        w.new_records = Picked(rr.values, plan.records_new)
        w.record_rownums = [rr.rownums[n] for n in plan.records_new]
        for n, rid in plan.record_conflicts:
            v = rr.values[n]
            w.conflicts.append(ConflictIn("record", v[0], None, rid,
                                          {"values": dict(zip([c.field for c in rr.sheet.columns[2:]], v[2:],
                                                              strict=True)), "archive_no": v[1], "row": rr.rownums[n]},
                                          record_snapshot(db, rid)))
    vr = b.rows(spec.VERIFY)
    if vr is not None:
        for n, hid in plan.flags:
            archive, res, note = vr.values[n]
            w.flags.append((hid, archive, res, note or "", _kept_archive(note or "", archive)))
    pp = b.rows(spec.POLICY)
    if pp is not None:
        seen: set[tuple[str, int]] = set()
        for n, (region, year, dibao, allocation, source) in enumerate(pp.values):
            if n in pp.bad:
                continue
            if (region, year) not in seen:
                seen.add((region, year))
                w.standards.append((region, f"{year}-01-01", dibao))
            if allocation:  # a row of 0 yuan carries the 低保 standard alone (README: 交换格式中的约定)
                w.allocations.append((region, year, source, allocation, dibao))
    ff = b.rows(spec.FUNDS)
    if ff is not None:
        w.fund_reports = [tuple(v) for v in ff.values]
    return w


def _kept_archive(note: str, archive: str) -> str:
    """跨县重复: the archive number the city says stays, when the 说明 names one."""
    import re
    for candidate in re.findall(r"\d{6}\d{4}\d{5}", note):
        if candidate != archive:
            return str(candidate)
    return ""


def backup_before_import(db: Database, folder: Path | None) -> None:
    """Every import that writes is preceded by an automatic backup (``core.backup``, kind ``before_import``);
    on the centre's server, by the server's own backups (its import is one transaction all the same)."""
    if folder is None or on_server(db):
        return
    backup.create(db, folder, "before_import")


def commit(db: Database, actor: Actor, analysis: Analysis, *, accept_unsigned: bool = False,
           folder: Path | None = None, progress: Progress | None = None, today: _dt.date | None = None) -> Outcome:
    """Write an analysed batch (one transaction), or record why it was refused. ``today``: the day of
    the income test run on each household written."""
    if analysis.already is not None:
        return Outcome(ALREADY, analysis)
    if analysis.problems.errors:
        record_rejection(db, actor, analysis)
        return Outcome(REJECTED, analysis)
    if analysis.needs_confirmation and not accept_unsigned:
        return Outcome(UNCONFIRMED, analysis)
    backup_before_import(db, folder)
    w = build_write(db, analysis)
    if analysis.needs_confirmation:
        w.entry = state.BatchEntry(**{**w.entry.__dict__, "signed": False,
                                      "summary": {**(w.entry.summary or {}), "accepted_unsigned": True}})
    try:
        result = apply_import(db, actor, w, progress=progress, today=today)
    except AlreadyImported as e:   # in another window, after this preview
        analysis.plan.already = e.line
        return Outcome(ALREADY, analysis)
    return Outcome(IMPORTED, analysis, result)


def record_rejection(db: Database, actor: Actor, analysis: Analysis) -> None:
    """A refused batch is part of the exchange history too (without any of its data)."""
    m = analysis.batch.manifest
    b = analysis.batch
    state.add_batch(db, actor, state.BatchEntry(
        batch_id=m.batch_id or f"file:{b.file_sha256}", direction="in", result="rejected", kind=b.kind,
        counterpart_code=m.sender, counterpart_name=m.sender_name, generated_at=m.get(spec.K_GENERATED),
        rows=b.counts(), file_name=str(b.path), file_sha256=b.file_sha256, checksum=m.get(spec.K_CHECKSUM),
        summary={"errors": b.problems.errors, "warnings": b.problems.warnings,
                 "first_error": next((p.text() for p in b.problems.items if p.level == "error"), "")}))


def import_batch(db: Database, actor: Actor, path: Path, *, dry_run: bool = False, accept_unsigned: bool = False,
                 key: bytes | None = None, report: Path | None = None, folder: Path | None = None,
                 today: _dt.date | None = None, limits: Limits | None = None,
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> Outcome:
    """The whole import, as ``helpdesk batch import`` runs it."""
    analysis = analyse(db, actor, path, key=key, today=today, limits=limits, progress=progress, cancelled=cancelled)
    if dry_run:
        outcome = Outcome(ALREADY if analysis.already is not None else DRY_RUN, analysis,
                          accept_unsigned=accept_unsigned)
    else:
        outcome = commit(db, actor, analysis, accept_unsigned=accept_unsigned, folder=folder, today=today)
    if report is not None:
        from helpdesk_gui.exchange.annotate import write_report
        write_report(path, analysis.problems, report)
        outcome.report = report
    return outcome


__all__ = ["ALREADY", "DRY_RUN", "IMPORTED", "REJECTED", "UNCONFIRMED", "Analysis", "Outcome",
           "analyse", "backup_before_import", "build_write", "commit", "import_batch", "record_rejection"]
