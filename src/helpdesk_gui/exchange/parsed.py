"""A batch workbook as read: the manifest, each data sheet's stored rows, and reading a data sheet.

``header_map`` matches a sheet's row 1 to the contract's labels (``exchange.spec``) and
``read_rows`` converts every data row, a chunk of rows at a time and column by column, to its
stored value (``SheetRows.values``, compact tuples in the contract's column order) and its
canonical text (for the 校验值); every refused cell is listed with sheet, row, column and value.
Memory stays bounded for a file of junk: once the problem list is full (``problems.MAX_SHOWN``)
and the file already has an error, so that nothing of it can be imported, every further row is
still converted and its problems counted, but it keeps no values (``DROPPED``, marked bad), and
the text of a refused cell is kept for the window's preview only in the first ``RAW_ROWS`` rows.
A valid file of any size is kept in bounded memory too: past ``rowstore.SPILL_AT`` rows, a sheet's
stored values wait for the write in a temporary file (``core.sync.rowstore``).
A batch (``exchange.validate``) and a station's own sheet (``exchange.foreign``) are both read
this way into a ``ParsedBatch``; its checks are in ``exchange.checks``.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from helpdesk_gui.core.sync.rowstore import RowStore
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.cells import _text
from helpdesk_gui.exchange.columns import ColumnConverter
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems
from helpdesk_gui.exchange.reader import is_empty
from helpdesk_gui.exchange.safety import Cancelled

CHUNK_ROWS = 4096
#: The refused cells' texts are kept for the first rows only (the window previews 200).
RAW_ROWS = 1_000


class RowFlags:
    """A set of row indexes in one byte per row (the rows of a sheet that have an error)."""

    def __init__(self) -> None:
        self._flags = bytearray()
        self._count = 0

    def add(self, n: int) -> None:
        if n >= len(self._flags):
            self._flags.extend(bytes(n + 1 - len(self._flags) + len(self._flags) // 2))
        if not self._flags[n]:
            self._flags[n] = 1
            self._count += 1

    def update(self, ns: Iterable[int]) -> None:
        for n in ns:
            self.add(n)

    def __contains__(self, n: object) -> bool:
        return isinstance(n, int) and 0 <= n < len(self._flags) and self._flags[n] == 1

    def __iter__(self) -> Iterator[int]:
        flags = self._flags
        return (n for n in range(len(flags)) if flags[n])

    def __len__(self) -> int:
        return self._count


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
    values: RowStore = field(default_factory=RowStore)         # past 40,000 rows, mostly on disk
    rownums: array[int] = field(default_factory=lambda: array("i"))
    bad: RowFlags = field(default_factory=RowFlags)            # indexes of rows with an error
    raw: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column) → text of a refused cell
    usable: bool = True                                        # false when a required column is missing

    def index(self, label: str) -> int:
        return self.sheet.labels.index(label)

    def has(self, label: str) -> bool:
        return label in self.positions

    def __len__(self) -> int:
        return len(self.values)


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
    #: a station's sheet: head row index → the indexes of its members' rows (heads with members only)
    members_of: dict[int, list[int]] = field(default_factory=dict)
    member_rows: set[int] = field(default_factory=set)

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


def _blank_rule(sheet: spec.Sheet, col: spec.Col, columns: list[list[Any] | None]) -> tuple[list[Any] | None, Any, str]:
    """A required cell left empty: (the stored values of the column that may allow it, the value that
    does, the reason given when it does not). ``spec.Col.blank_when``: 困难类别 of an archive 申请中."""
    if not col.blank_when or col.blank_when[0] not in sheet.labels:
        return None, None, "必填，不能为空"
    label, value, shown = col.blank_when
    return (columns[sheet.labels.index(label)], value,
            f"必填，不能为空（只有“{label}”为“{shown}”时可以不填）")


class _Dropped(dict[int, tuple[None, ...]]):
    """A row kept without values: ``DROPPED[width]`` is one shared tuple of ``width`` Nones."""

    def __missing__(self, width: int) -> tuple[None, ...]:
        self[width] = value = (None,) * width
        return value


DROPPED = _Dropped()


def read_rows(values: Iterator[list[Any]], first_row: int, rows: SheetRows, convs: dict[str, ColumnConverter],
              problems: Problems, canonical: spec.Canonical | None, *,
              skip: Callable[[int, list[Any]], str | None] | None = None,
              cancelled: Callable[[], bool] | None = None, max_rows: int | None = None, what: str = "行") -> int:
    """Convert every data row of a sheet, a chunk of rows at a time, column by column.

    ``values`` yields the rows' values from Excel row ``first_row`` on. Returns the number of data
    rows (empty and skipped rows are not counted). Past ``max_rows`` data rows the sheet is refused (one
    error at the first row too many, naming ``what`` the rows are) and the rest are only checked and counted.
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
    too_many: list[int] = []

    def flush() -> None:
        n = len(chunk)
        columns: list[list[Any] | None] = [None] * ncols
        texts: list[list[str]] = []
        bad: set[int] = set()
        base = len(rows.values)
        if max_rows is not None and base + n > max_rows and not too_many:
            too_many.append(numbers[max(max_rows - base, 0)])
            problems.add(sheet.name, too_many[0], "", "",
                         f"本表超过 {max_rows:,} {what}，一个文件最多导入这么多。请分成几个文件（例如按县区或乡镇）",
                         ERROR)
        drop = (problems.full and problems.errors > 0) or bool(too_many)   # nothing of this file can be imported
        by_column = list(zip(*chunk, strict=True))
        for pos, i, conv, col in plan:
            raw = by_column[pos]
            stored, text, found = conv(raw)
            for k, reason, warning in found:
                problems.add(sheet.name, numbers[k], col.label, raw[k], reason, WARNING if warning else ERROR, pos)
                if not warning:
                    bad.add(k)
                    if base + k < RAW_ROWS:
                        rows.raw[(base + k, i)] = _text(raw[k])[:200]
            columns[i] = stored
            texts.append(text)
        for i, col, pos in required:
            kept = columns[i]
            assert kept is not None
            if None in kept:
                other, unless, reason = _blank_rule(sheet, col, columns)
                for k, v in enumerate(kept):
                    if v is None and chunk[k][pos] in ("", None) and (other is None or other[k] != unless):
                        problems.add(sheet.name, numbers[k], col.label, "", reason, ERROR, pos)
                        bad.add(k)
        rows.rownums.extend(numbers)
        if drop:
            rows.values.extend([DROPPED[ncols]] * n)
            rows.bad.update(range(base, base + n))
        else:
            empty: list[Any] = [None] * n
            rows.values.extend(zip(*[c if c is not None else empty for c in columns], strict=True))
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
