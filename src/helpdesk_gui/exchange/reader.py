"""Reading cell values with python-calamine (ten times faster than openpyxl), after ``safety.inspect``.

Rows come one at a time as lists of Python values (str, float, int, bool, date, datetime), the
first list being Excel row 1 and the first value column A, whatever the sheet's used range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from helpdesk_gui.exchange.safety import Inspection, Limits, UnreadableWorkbook, inspect


class Workbook:
    """An inspected workbook open for reading values."""

    def __init__(self, path: Path, inspection: Inspection) -> None:
        self.path = path
        self.inspection = inspection
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as e:  # noqa: BLE001 - calamine's errors are all "cannot read this file"
            raise UnreadableWorkbook(path, f"文件无法解析为 Excel 工作簿（{type(e).__name__}）") from None
        self.sheet_names: list[str] = list(self._book.sheet_names)

    @classmethod
    def open(cls, path: Path, limits: Limits | None = None, cancelled: Callable[[], bool] | None = None) -> Workbook:
        return cls(Path(path), inspect(Path(path), limits, cancelled))

    def values(self, name: str) -> Iterator[list[Any]]:
        """The values of every row of sheet ``name`` from Excel row 1 (empty rows too), each from column A."""
        try:
            sheet = self._book.get_sheet_by_name(name)
            col0 = int(sheet.start[1]) if sheet.start else 0
            it = iter(sheet.iter_rows())
        except Exception as e:  # noqa: BLE001 - calamine's errors are all "cannot read this sheet"
            raise UnreadableWorkbook(self.path, f"工作表“{name}”无法读取（{type(e).__name__}）") from None
        if not col0:
            return it
        pad = [""] * col0
        return (pad + values for values in it)

    def rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, values from column A) for every row of sheet ``name``, empty ones too."""
        return enumerate(self.values(name), start=1)

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # noqa: BLE001 - closing twice is harmless
            pass

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_empty(values: list[Any]) -> bool:
    """No cell of the row holds anything but blanks."""
    if values:
        first = values[0]
        if type(first) is str and first and not first.isspace():
            return False  # the usual data row: its first cell is filled
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
