"""Reading cell values after ``safety.inspect``: python-calamine for the usual sheet, a streaming
reader (``exchange.stream``) for a big one, so that memory stays bounded whatever the file.

python-calamine is ten times faster than openpyxl but builds the whole sheet in memory (a dense
grid of 32 bytes a cell, plus its text: about 1.7 times the sheet's XML) and the whole shared-string
table when the workbook opens. It reads a sheet of at most ``FAST_CELLS`` cells (rows × columns,
columns A–Z counted as 26) and ``FAST_SHEET_BYTES`` of XML in a workbook whose shared-string table
is at most ``FAST_SHARED_BYTES``: a 100,000-household batch (困难职工 2.7 million cells and 144 MB,
家庭成员 219,000 rows) is read that way. Anything bigger is read row by row from the ZIP
(``exchange.stream``, about 2.5 times slower), as are the first rows wanted by ``head`` (``sheet
map`` needs 30). Both give the same values.

Rows come one at a time as lists of Python values (str, float, bool, date, datetime, time), the
first list being Excel row 1 and the first value column A, whatever the sheet's used range. Rows
may be of different lengths (a streamed row ends at its last cell).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from helpdesk_gui.exchange import stream
from helpdesk_gui.exchange.safety import Inspection, Limits, UnreadableWorkbook, inspect

#: The largest sheet python-calamine reads whole (rows × columns, A–Z counted as 26: ≤ 190 MB of grid) …
FAST_CELLS = 6_000_000
#: … and its largest XML (≤ about 270 MB in python-calamine).
FAST_SHEET_BYTES = 160 * 1024 * 1024
#: python-calamine loads the shared-string table whole: only when it is at most this big.
FAST_SHARED_BYTES = 32 * 1024 * 1024


class Workbook:
    """An inspected workbook open for reading values."""

    def __init__(self, path: Path, inspection: Inspection) -> None:
        self.path = path
        self.inspection = inspection
        self._book: CalamineWorkbook | None = None
        self._zip: zipfile.ZipFile | None = None
        self._shared: stream.SharedStrings | None = None
        self._kinds: list[int] | None = None
        self._1904 = False
        if not inspection.quick and inspection.shared_bytes <= FAST_SHARED_BYTES:
            try:
                self._book = CalamineWorkbook.from_path(str(path))
            except Exception as e:  # noqa: BLE001 - calamine's errors are all "cannot read this file"
                raise UnreadableWorkbook(path, f"文件无法解析为 Excel 工作簿（{type(e).__name__}）") from None
            self.sheet_names: list[str] = list(self._book.sheet_names)
        else:
            self.sheet_names = list(inspection.sheet_parts)

    @classmethod
    def open(cls, path: Path, limits: Limits | None = None, cancelled: Callable[[], bool] | None = None, *,
             quick: bool = False) -> Workbook:
        """``quick``: only the first rows will be read (``head``): the file's structure is checked, not all its parts."""
        return cls(Path(path), inspect(Path(path), limits, cancelled, quick=quick))

    def values(self, name: str) -> Iterator[list[Any]]:
        """The values of every row of sheet ``name`` from Excel row 1 (empty rows too), each from column A."""
        scan = self.inspection.scan_of(name)
        if self._book is None or (scan is not None and (scan.max_row * scan.max_col > FAST_CELLS
                                                         or scan.size > FAST_SHEET_BYTES)):
            return self.streamed(name)
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

    def streamed(self, name: str) -> Iterator[list[Any]]:
        """Like ``values``, read row by row from the file (memory does not grow with the sheet)."""
        part = self.inspection.sheet_parts.get(name)
        if part is None:
            raise UnreadableWorkbook(self.path, f"工作表“{name}”无法读取（找不到它的内容）")
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
                styles = self.inspection.styles_part
                self._kinds = stream.style_kinds(self._zip.read(styles)) if styles in self._zip.namelist() else []
                self._1904 = stream.date1904(self._zip.read("xl/workbook.xml"))
            except (OSError, zipfile.BadZipFile, KeyError, ValueError, RuntimeError):
                raise UnreadableWorkbook(self.path, "文件已损坏（无法解压）") from None
            shared = self.inspection.shared_part
            self._shared = stream.SharedStrings(self._zip, shared if shared in self._zip.namelist() else None)
        assert self._shared is not None and self._kinds is not None
        return self._guarded(stream.rows(self._zip, part, self._shared, self._kinds, self._1904), name)

    def _guarded(self, rows: Iterator[list[Any]], name: str) -> Iterator[list[Any]]:
        try:
            yield from rows
        except (OSError, zipfile.BadZipFile, EOFError, ValueError, UnicodeDecodeError, RuntimeError) as e:
            raise UnreadableWorkbook(self.path, f"工作表“{name}”无法读取（{type(e).__name__}）") from None

    def head(self, name: str, count: int) -> list[tuple[int, list[Any]]]:
        """(Excel row number, values) of the first ``count`` rows of sheet ``name``, read without the rest."""
        return list(islice(enumerate(self.streamed(name), start=1), count))

    def rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, values from column A) for every row of sheet ``name``, empty ones too."""
        return enumerate(self.values(name), start=1)

    def close(self) -> None:
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # noqa: BLE001 - closing twice is harmless
                pass
        if self._shared is not None:
            self._shared.close()
        if self._zip is not None:
            self._zip.close()

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
