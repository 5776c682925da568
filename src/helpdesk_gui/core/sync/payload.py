"""What an import hands to ``core.sync.apply``: the rows to write, the conflicts to hold, and what the
preview saw (``Seen``, re-checked at the commit by ``core.sync.recheck``); and what the write did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpdesk_gui.core.sync.state import BatchEntry


@dataclass
class ConflictIn:
    kind: str                        # household | record
    key: str                         # 档案编号 or 记录编号 (a station's row: 姓名 and row)
    household_id: int | None
    record_id: int | None
    incoming: dict[str, Any]         # {"values": {...stored...}, "members": [...], "row": n, "reason": ..., ...}
    local: dict[str, Any]


@dataclass(frozen=True)
class Seen:
    """What an import preview saw of the register: its stamp (``recheck.register_stamp``) and the version
    of each household the preview planned to update (household id → version)."""

    stamp: tuple[int, int, int]
    versions: Mapping[int, int] = field(default_factory=dict)


@dataclass
class ImportWrite:
    entry: BatchEntry
    sender_code: str
    #: the field of each value of a household row; "" for a column the batch does not carry (left alone)
    household_fields: Sequence[str] = ()
    #: the rows may be views read on demand (``core.sync.rowstore``): a big batch is never all in memory
    new_households: Sequence[tuple[Any, ...]] = field(default_factory=list)
    updates: Sequence[tuple[int, tuple[Any, ...]]] = field(default_factory=list)     # (household id, values)
    #: archive no → member rows (archive_no, *MEMBER_FIELDS) of the households written
    members: Mapping[str, Sequence[tuple[Any, ...]]] = field(default_factory=dict)
    #: record rows (record_no, archive_no, *RECORD_FIELDS)
    new_records: Sequence[tuple[Any, ...]] = field(default_factory=list)
    conflicts: list[ConflictIn] = field(default_factory=list)
    flags: list[tuple[int | None, str, str, str, str]] = field(default_factory=list)  # (hid, archive, result, note, keep)
    standards: list[tuple[str, str, int]] = field(default_factory=list)          # (region, effective_from, 低保 fen)
    allocations: list[tuple[str, int, str, int, int]] = field(default_factory=list)  # (region, year, source, fen, 低保)
    fund_reports: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    allocate_archive_numbers: bool = False   # a station's sheet: new archives get numbers here
    history_note: str = ""
    sync: bool = True                        # record the applied version (batches; not stations' sheets)
    record_origin: str = "batch"             # assistance_records.origin of the records written
    add_history: bool = True                 # write the history line and its audit row (not for a resolved conflict)
    #: what the preview saw: given, the commit re-checks the rows against the register (``core.sync.recheck``)
    seen: Seen | None = None
    #: archives the city's 核查结果 marks 跨县重复: exempt from the one-active-archive rule, as in the preview
    allowed_duplicates: frozenset[str] = frozenset()
    #: the sheet row of each new household, update and new record (same order), for held conflicts
    new_rownums: list[int] = field(default_factory=list)
    update_rownums: list[int] = field(default_factory=list)
    record_rownums: list[int] = field(default_factory=list)


@dataclass
class Held:
    """What the commit's re-check held back because the register changed after the preview."""

    changed: int = 0         # households changed here since (or an archive created here since): held
    people: int = 0          # rows whose person entered another active archive since: held, not duplicated
    new: int = 0             # of the households held, the ones that were to be new archives
    records: int = 0         # payment records that arrived here since, different: held
    records_same: int = 0    # ... identical: skipped
    records_moved: int = 0   # records of a held new archive: kept with its conflict

    @property
    def households(self) -> int:
        return self.changed + self.people

    def __bool__(self) -> bool:
        return bool(self.households or self.records or self.records_same)

    def adjust(self, counts: Mapping[str, Any]) -> dict[str, Any]:
        """A preview's counts (a batch's plan, a sheet's summary) brought to what was written."""
        out = dict(counts)
        if not self:
            return out
        for key, less in (("new", self.new), ("applications", self.new), ("updated", self.households - self.new),
                          ("records_new", self.records + self.records_same + self.records_moved)):
            if isinstance(out.get(key), int):
                out[key] = max(out[key] - less, 0)
        for key, more in (("records_same", self.records_same), ("record_conflicts", self.records)):
            if isinstance(out.get(key), int):
                out[key] += more
        out["held"] = self.households
        return out


@dataclass
class ImportResult:
    new_households: int = 0
    updated_households: int = 0
    members: int = 0
    records: int = 0
    conflicts: int = 0
    flags: int = 0
    standards: int = 0
    allocations: int = 0
    archive_numbers: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    held: Held = field(default_factory=Held)
