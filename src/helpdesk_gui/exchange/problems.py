"""Problems found in a workbook: where (sheet, row, column), what was written, and why, in plain Chinese.

Three levels: ``error`` rejects the batch; ``confirm`` (a 校验值 or 签名 that does not match)
needs the clerk's explicit agreement (``--accept-unsigned``); ``warning`` is only reported.
Only the first ``MAX_SHOWN`` problems are kept one by one (errors before warnings); the rest are
counted, and the report, the annotated copy and the summary say “另有 N 个问题未列出”.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field

ERROR, CONFIRM, WARNING = "error", "confirm", "warning"
LEVEL_LABELS = {ERROR: "错误", CONFIRM: "需确认", WARNING: "提示"}
#: More problems than this are counted but not kept one by one (a totally broken file): the one cap
#: on what the report, the annotated copy and the window list.
MAX_SHOWN = 1_000


def shown(value: object, limit: int = 60) -> str:
    """A cell value as the clerk would read it in the report."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        text = f"{value:.15g}" if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    elif isinstance(value, (_dt.date, _dt.datetime)):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def column_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None          # Excel row number (1-based); None for a sheet or the whole batch
    column: str              # column label; "" when the problem is not about one cell
    value: str               # what was written, as shown
    reason: str
    level: str = ERROR
    col_index: int | None = None   # 0-based Excel column of the cell, for the annotated copy

    @property
    def where(self) -> str:
        parts = [f"工作表“{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            letter = f"（{column_letter(self.col_index)} 列）" if self.col_index is not None else ""
            parts.append(f"“{self.column}”列{letter}")
        return "".join(parts) or "整个文件"

    def text(self) -> str:
        value = f"（填写的是“{self.value}”）" if self.value else ""
        return f"[{LEVEL_LABELS[self.level]}] {self.where}：{self.reason}{value}"


@dataclass
class Problems:
    """Every problem of one workbook, in the order found."""

    items: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    kept_warnings: int = 0

    def add(self, sheet: str, row: int | None, column: str, value: object, reason: str, level: str = ERROR,
            col_index: int | None = None) -> None:
        self.counts[level] += 1
        if len(self.items) >= MAX_SHOWN:
            if level == WARNING or not self.kept_warnings:
                return  # counted, not listed
            self._drop_last_warning()  # an error or a confirmation is listed before any warning
        if level == WARNING:
            self.kept_warnings += 1
        self.items.append(Problem(sheet, row, column, shown(value), reason, level, col_index))

    def _drop_last_warning(self) -> None:
        for i in range(len(self.items) - 1, -1, -1):
            if self.items[i].level == WARNING:
                del self.items[i]
                self.kept_warnings -= 1
                return

    def extend(self, other: Problems) -> None:
        for p in other.items:
            self.add(p.sheet, p.row, p.column, p.value, p.reason, p.level, p.col_index)
        for level, n in (other.counts - Counter(p.level for p in other.items)).items():
            self.counts[level] += n

    @property
    def full(self) -> bool:
        """No more problems are listed one by one (they are still counted)."""
        return len(self.items) >= MAX_SHOWN

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

    @property
    def confirms(self) -> int:
        return self.counts[CONFIRM]

    @property
    def warnings(self) -> int:
        return self.counts[WARNING]

    @property
    def dropped(self) -> int:
        return sum(self.counts.values()) - len(self.items)

    def of_level(self, level: str) -> list[Problem]:
        return [p for p in self.items if p.level == level]

    def rest_text(self) -> str:
        """“另有 N 个问题未列出” when some were only counted, else ""."""
        return f"另有 {self.dropped:,} 个问题未列出（只列出前 {len(self.items):,} 个）" if self.dropped else ""

    def summary(self) -> str:
        parts = []
        if self.errors:
            parts.append(f"{self.errors:,} 个错误")
        if self.confirms:
            parts.append(f"{self.confirms:,} 项需确认")
        if self.warnings:
            parts.append(f"{self.warnings:,} 条提示")
        if self.dropped:
            parts.append(self.rest_text())
        return "，".join(parts) if parts else "没有发现问题"
