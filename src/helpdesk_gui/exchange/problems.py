"""Problems found in a workbook: where (sheet, row, column), what was written, and why, in plain Chinese.

Three levels: ``error`` rejects the batch; ``confirm`` (a 校验值 or 签名 that does not match)
needs the clerk's explicit agreement (``--accept-unsigned``); ``warning`` is only reported.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field

ERROR, CONFIRM, WARNING = "error", "confirm", "warning"
LEVEL_LABELS = {ERROR: "错误", CONFIRM: "需确认", WARNING: "提示"}
#: More problems than this are counted but not kept one by one (a totally broken file).
MAX_KEPT = 100_000


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

    def add(self, sheet: str, row: int | None, column: str, value: object, reason: str, level: str = ERROR,
            col_index: int | None = None) -> None:
        self.counts[level] += 1
        if len(self.items) < MAX_KEPT:
            self.items.append(Problem(sheet, row, column, shown(value), reason, level, col_index))

    def extend(self, other: Problems) -> None:
        for p in other.items:
            self.add(p.sheet, p.row, p.column, p.value, p.reason, p.level, p.col_index)

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

    def summary(self) -> str:
        parts = []
        if self.errors:
            parts.append(f"{self.errors} 个错误")
        if self.confirms:
            parts.append(f"{self.confirms} 项需确认")
        if self.warnings:
            parts.append(f"{self.warnings} 条提示")
        return "，".join(parts) if parts else "没有发现问题"
