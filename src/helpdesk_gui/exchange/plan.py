"""Compare a validated batch with the database: what would be new, updated, skipped or held.

Households are matched by (发送单位代码, 档案编号). A household the batch did not change (its
最后修改时间 is the version last applied here) is left alone; one changed in the batch and also
changed here since (its ``updated_at`` is no longer the applied version) is a conflict, held for
the clerk; otherwise a newer 最后修改时间 updates and an older one is skipped and listed.
帮扶记录 are matched by (发送单位代码, 记录编号): identical ones are skipped, different ones held.
The same ID number in an active archive of the database is an error unless 核查结果 says 跨县重复; at the
city, a person already active in another county's archive is a warning (the city's 跨县重复 list).
What the preview saw (``Plan.seen``) is checked again when the batch is written (``core.sync.recheck``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import get_meta
from helpdesk_gui.core.register.households import ACTIVE_STATUSES
from helpdesk_gui.core.sync import state
from helpdesk_gui.core.sync.payload import Seen
from helpdesk_gui.core.sync.recheck import register_stamp
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.checks import active_ids, duplicate_cross_county, person_places
from helpdesk_gui.exchange.parsed import ParsedBatch
from helpdesk_gui.exchange.problems import ERROR, WARNING


@dataclass
class Plan:
    sender: str
    already: dict[str, Any] | None = None
    new: list[int] = field(default_factory=list)                       # household row indexes
    update: list[tuple[int, int]] = field(default_factory=list)        # (row index, household id)
    unchanged: list[int] = field(default_factory=list)
    older: list[tuple[int, str, str]] = field(default_factory=list)    # (row index, incoming, local 最后修改时间)
    conflicts: list[tuple[int, int]] = field(default_factory=list)     # (row index, household id)
    keep_status: dict[int, str] = field(default_factory=dict)          # row index → finer local status kept
    records_new: list[int] = field(default_factory=list)
    records_same: int = 0
    record_conflicts: list[tuple[int, int]] = field(default_factory=list)  # (row index, record id)
    flags: list[tuple[int, int]] = field(default_factory=list)         # (核查结果 row index, household id)
    #: what the preview saw of the register (re-checked at the commit: ``core.sync.recheck``)
    seen: Seen | None = None

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "updated": len(self.update), "unchanged": len(self.unchanged),
                "older": len(self.older), "conflicts": len(self.conflicts), "records_new": len(self.records_new),
                "records_same": self.records_same, "record_conflicts": len(self.record_conflicts),
                "flags": len(self.flags)}

    def summary(self, counts: dict[str, int] | None = None) -> str:
        """The plan in a sentence; ``counts``: what was written instead (a commit that held rows back)."""
        c = counts if counts is not None else self.counts()
        parts = []
        for key, text in (("new", "新增档案 {} 户"), ("updated", "更新 {} 户"), ("unchanged", "未变化 {} 户"),
                          ("older", "比本库旧而跳过 {} 户"), ("conflicts", "双方都修改、待处理冲突 {} 户"),
                          ("records_new", "新增帮扶记录 {} 条"), ("records_same", "已有相同记录 {} 条"),
                          ("record_conflicts", "与本库不同、待处理的记录 {} 条"), ("flags", "核查结果 {} 条")):
            if c.get(key):
                parts.append(text.format(f"{c[key]:,}"))
        return "，".join(parts) if parts else "没有要写入的档案或帮扶记录"


_parsed: dict[str, _dt.datetime] = {}


def instant(ts: str) -> _dt.datetime:
    """An ISO 8601 time as an aware datetime (local offset assumed when missing)."""
    hit = _parsed.get(ts)
    if hit is None:
        hit = _dt.datetime.fromisoformat(ts)
        if hit.tzinfo is None:
            hit = hit.astimezone()
        if len(_parsed) > 500_000:
            _parsed.clear()
        _parsed[ts] = hit
    return hit


def make_plan(db: Database, actor: Actor, batch: ParsedBatch) -> Plan:
    """Decide every household and record; database-level problems are added to ``batch.problems``."""
    sender = batch.manifest.sender
    plan = Plan(sender)
    if batch.manifest.batch_id:
        plan.already = state.applied_batch(db, batch.manifest.batch_id)
        if plan.already is not None:
            return plan
    problems = batch.problems
    hh = batch.rows(spec.HOUSEHOLDS)
    stamp = register_stamp(db)  # before the reads: a write after it changes it, and the commit checks all
    local = state.households_of_sender(db, sender) if sender else {}
    last_exchange = state.last_exchange_at(db, sender) if sender else None
    applied: set[str] = set()
    versions: dict[int, int] = {}
    if hh is not None and hh.usable:
        ia, its, ist = hh.index("档案编号"), hh.index("最后修改时间"), hh.index("档案状态")
        for n, values in enumerate(hh.values):
            if n in hh.bad:
                continue
            archive, incoming = values[ia], values[its]
            mine = local.get(archive)
            if mine is None:
                plan.new.append(n)
                applied.add(archive)
                continue
            if mine.remote_updated_at is not None:
                changed_there = instant(incoming) != instant(mine.remote_updated_at)
                changed_here = mine.updated_at != mine.remote_updated_at
            else:
                changed_there = True
                changed_here = last_exchange is None or instant(mine.updated_at) > instant(last_exchange)
            if not changed_there or instant(incoming) == instant(mine.updated_at):
                plan.unchanged.append(n)
            elif changed_here:
                plan.conflicts.append((n, mine.id))
            elif instant(incoming) < instant(mine.updated_at):
                plan.older.append((n, incoming, mine.updated_at))
                problems.add(spec.HOUSEHOLDS, hh.rownums[n], "最后修改时间", incoming,
                             f"比本库中的版本（{mine.updated_at}）旧，已跳过", WARNING, hh.positions.get("最后修改时间"))
            else:
                plan.update.append((n, mine.id))
                versions[mine.id] = mine.version
                applied.add(archive)
                if values[ist] == "applying" and mine.status in spec.APPLYING_CODES:
                    plan.keep_status[n] = mine.status
    plan.seen = Seen(stamp, versions)
    _check_people_against_db(db, batch, applied)
    _plan_records(db, batch, plan, local)
    _plan_verify(db, batch, plan)
    pp = batch.rows(spec.POLICY)
    if pp is not None and pp.values and not actor.can("policy.edit"):
        problems.add(spec.POLICY, None, "", "", "本批次含低保标准等政策参数，须由审核人或系统管理员导入", ERROR)
    return plan


def _check_people_against_db(db: Database, batch: ParsedBatch, applied: set[str]) -> None:
    """Rule 4 against the database: people of the archives this batch applies, vs other active archives."""
    allowed = duplicate_cross_county(batch)
    wanted = set(active_ids(batch, applied - allowed))
    if not wanted:
        return
    sender = batch.manifest.sender
    ours = get_meta(db, "county_code")
    hits = [h for h in state.active_people(db, wanted, ACTIVE_STATUSES)
            if not (h.sender_code == sender and h.archive_no in applied) and h.archive_no not in allowed]
    if not hits:
        return  # (an archive this batch replaces was checked within the batch)
    places = person_places(batch, {h.id_number for h in hits})
    city = region.is_city(db)  # the city holds every county: a person in two counties is listed, not refused
    for hit in hits:
        owner = "本单位" if hit.sender_code == ours else hit.sender_code
        across = city and hit.sender_code not in (sender, ours)   # two counties; the city's own archives still block
        for at in places.get(hit.id_number, []):
            if at.archive not in applied or at.archive in allowed:
                continue
            if across:
                batch.problems.add(at.sheet, at.row, "公民身份号码", hit.id_number,
                                   f"已是本库中 {owner} 有效档案 {hit.archive_no} 的{hit.role}：跨县重复，已列入“跨县重复”"
                                   "清单，待市总工会核查后向有关县下发核查结果", WARNING, at.col)
                continue
            batch.problems.add(at.sheet, at.row, "公民身份号码", hit.id_number,
                               f"已是本库中有效档案 {hit.archive_no}（{owner}）的{hit.role}，同一人不能同时在两个有效档案中",
                               ERROR, at.col)


def _plan_records(db: Database, batch: ParsedBatch, plan: Plan, local: dict[str, state.LocalHousehold]) -> None:
    rr = batch.rows(spec.RECORDS)
    if rr is None or not rr.usable or not rr.values:
        return
    hh = batch.rows(spec.HOUSEHOLDS)
    in_batch = {v[0] for v in hh.values if v[0]} if hh is not None else set()
    existing = state.records_of_sender(db, plan.sender)
    for n, values in enumerate(rr.values):
        if n in rr.bad:
            continue
        number, archive = values[0], values[1]
        have = existing.get(number)
        if have is None:
            if archive not in in_batch and archive not in local:
                batch.problems.add(spec.RECORDS, rr.rownums[n], "档案编号", archive,
                                   "本批次和本库中都没有这个档案编号", ERROR, rr.positions.get("档案编号"))
                rr.bad.add(n)
                continue
            plan.records_new.append(n)
            continue
        ours = (have[1], *have[2:])
        theirs = (archive, *(("" if v is None else v) for v in values[2:]))
        if tuple("" if v is None else v for v in ours) == theirs:
            plan.records_same += 1
        else:
            plan.record_conflicts.append((n, int(have[0])))
            batch.problems.add(spec.RECORDS, rr.rownums[n], "记录编号", number,
                               "本库中已有这条记录但内容不同：发放记录不会被自动修改，已留待经办人处理", WARNING,
                               rr.positions.get("记录编号"))


def _plan_verify(db: Database, batch: ParsedBatch, plan: Plan) -> None:
    vr = batch.rows(spec.VERIFY)
    if vr is None or not vr.usable or not vr.values:
        return
    ours = get_meta(db, "county_code")
    known = state.household_ids(db, ours, (v[0] for v in vr.values if v[0]))
    for n, values in enumerate(vr.values):
        if n in vr.bad:
            continue
        hid = known.get(values[0])
        if hid is None:
            batch.problems.add(spec.VERIFY, vr.rownums[n], "档案编号", values[0], "本单位没有这个档案编号", ERROR,
                               vr.positions.get("档案编号"))
            vr.bad.add(n)
            continue
        plan.flags.append((n, hid))
