"""Reading a worksheet row by row straight from the ZIP, in memory that does not grow with the sheet.

python-calamine (``exchange.reader``) is the fast reader, but it builds the whole sheet (and the
whole shared-string table) in memory before the first row comes: about 90 bytes a cell, so a
400,000-row sheet of junk takes gigabytes. This reader decompresses the sheet part a megabyte at
a time and cuts it into ``<row>`` elements with regular expressions; each row comes as the same
Python values python-calamine gives (str, float, bool, date, datetime, time, timedelta; ``""`` for
an empty cell), from column A, the first list being Excel row 1. Rows between two stored rows come
as empty lists. Shared strings are kept as UTF-8 in one buffer with an offset table (spilt to a
temporary file past ``SPILL_BYTES``), and read only as far as the rows read so far need them, so
looking at a sheet's first 30 rows reads only the first strings.

Only call it on a workbook ``safety.inspect`` passed: it assumes no DOCTYPE or entity declaration.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 20
SPILL_BYTES = 64 * 1024 * 1024

_P = rb"(?:[A-Za-z_][\w.-]*:)?"          # an optional namespace prefix (x:row)
_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"row>)", re.S)
#: A cell: (column letters, other attributes, <v> text, inline <t> text, any other content); the
#: usual forms are matched whole, anything else (prefixes, rich text, formulas) goes to the body.
_CELL = re.compile(rb'<' + _P + rb'c\b(?: r="([A-Z]+)\d+")?([^>]*?)(?:/>|>(?:<v>([^<]*)</v>'
                   rb'|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|(.*?))</' + _P + rb'c>)', re.S)
_COLUMNS: dict[bytes, int] = {}
_ATTR = re.compile(rb"""\b([rts])\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_S = re.compile(rb's="(\d+)"')
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)""")
_V = re.compile(rb"<" + _P + rb"v\b[^>]*>([^<]*)</" + _P + rb"v>")
_T = re.compile(rb"<" + _P + rb"t\b[^>]*?(?:/>|>([^<]*)</" + _P + rb"t>)")
_PHONETIC = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_SI = re.compile(rb"<" + _P + rb"si\b[^>]*?(?:/>|>(.*?)</" + _P + rb"si>)", re.S)
_SHEET_END = re.compile(rb"</" + _P + rb"sheetData>")
_XF = re.compile(rb"<" + _P + rb"cellXfs\b.*?</" + _P + rb"cellXfs>", re.S)
_XF_ITEM = re.compile(rb"<" + _P + rb"xf\b([^>]*)")
_NUM_FMT = re.compile(rb"<" + _P + rb"numFmt\b([^>]*)")
_FMT_ID = re.compile(rb"""\bnumFmtId\s*=\s*["'](\d+)""")
_FMT_CODE = re.compile(rb"""\bformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DATE1904 = re.compile(rb"""date1904\s*=\s*["'](1|true)""")
_EPOCH = _dt.datetime(1899, 12, 30)
_EPOCH_1904 = _dt.datetime(1904, 1, 1)
DATE, DURATION = 1, 2


def _text(raw: bytes) -> str:
    s = raw.decode("utf-8")
    return html.unescape(s) if "&" in s else s


def _rich(inner: bytes | None) -> str:
    """The text of an ``<is>`` or ``<si>``: its ``<t>`` runs joined, phonetic runs left out."""
    if not inner:
        return ""
    if b"<rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    parts = _T.findall(inner)
    if len(parts) == 1:
        return _text(parts[0])
    return "".join(_text(p) for p in parts)


def column_index(letters: bytes) -> int:
    """b'A' → 0, b'AB' → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def format_kind(code: str) -> int:
    """DATE, DURATION or 0 for a number format code (quoted text, escapes and [colours] skipped)."""
    kind, i, n = 0, 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            i = code.find('"', i + 1)
            if i < 0:
                break
        elif ch in "\\_*":
            i += 1
        elif ch == "[":
            end = code.find("]", i)
            inner = code[i + 1:end if end >= 0 else n].lower()
            if inner and set(inner) <= set("hms"):
                return DURATION
            if end < 0:
                break
            i = end
        elif ch in "dmyhsDMYHSeE":
            if ch in "eE" and (i == 0 or code[i - 1] not in "eE") and i + 1 < n and code[i + 1] in "+-":
                return 0  # scientific notation (0.00E+00)
            kind = DATE
        i += 1
    return kind


def _builtin_kind(fmt_id: int) -> int:
    if fmt_id in (46,):
        return DURATION
    if 14 <= fmt_id <= 22 or 27 <= fmt_id <= 36 or 45 <= fmt_id <= 47 or 50 <= fmt_id <= 58 or 71 <= fmt_id <= 81:
        return DATE
    return 0


def style_kinds(styles: bytes) -> list[int]:
    """For each cell format (the ``s`` of a cell), DATE, DURATION or 0."""
    custom: dict[int, int] = {}
    for m in _NUM_FMT.finditer(styles):
        fid, code = _FMT_ID.search(m.group(1)), _FMT_CODE.search(m.group(1))
        if fid and code:
            custom[int(fid.group(1))] = format_kind(_text(code.group(1) or code.group(2) or b""))
    block = _XF.search(styles)
    out: list[int] = []
    for m in _XF_ITEM.finditer(block.group(0) if block else b""):
        fid = _FMT_ID.search(m.group(1))
        n = int(fid.group(1)) if fid else 0
        out.append(custom[n] if n in custom else _builtin_kind(n))
    return out


def date1904(workbook_xml: bytes) -> bool:
    return _DATE1904.search(workbook_xml) is not None


def excel_date(value: float, kind: int, is_1904: bool) -> Any:
    """An Excel serial number as python-calamine gives it: time, date, datetime or timedelta."""
    if kind == DURATION:
        return _dt.timedelta(days=value)
    if value < 0:
        return value
    moment = (_EPOCH_1904 if is_1904 else _EPOCH) + _dt.timedelta(days=value)
    moment = moment.replace(microsecond=round(moment.microsecond / 1000) * 1000 % 1_000_000)
    if value < 1 and not is_1904:
        return moment.time()
    if moment.time() == _dt.time(0):
        return moment.date()
    return moment


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    with archive.open(part) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


class SharedStrings:
    """The shared-string table read as far as asked for: UTF-8 in one buffer (or a temporary file)."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None) -> None:
        self._source = _chunks(archive, part) if part else iter(())
        self._tail = b""
        self._blob = bytearray()
        self._file: IO[bytes] | None = None
        self._size = 0
        self._offsets = array("Q", [0])

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _more(self) -> bool:
        chunk = next(self._source, None)
        if chunk is None:
            return False
        data = self._tail + chunk
        end = 0
        for m in _SI.finditer(data):
            self._add(_rich(m.group(1)).encode("utf-8"))
            end = m.end()
        self._tail = data[end:]
        return True

    def _add(self, text: bytes) -> None:
        self._size += len(text)
        if self._file is None and self._size > SPILL_BYTES:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close(), with the workbook
            self._file.write(self._blob)
            self._blob = bytearray()
        if self._file is not None:
            self._file.write(text)
        else:
            self._blob += text
        self._offsets.append(self._size)

    def get(self, index: int) -> str:
        while index >= len(self) and self._more():
            pass
        if index >= len(self) or index < 0:
            return ""
        start, end = self._offsets[index], self._offsets[index + 1]
        if self._file is None:
            return self._blob[start:end].decode("utf-8")
        self._file.flush()
        return os.pread(self._file.fileno(), end - start, start).decode("utf-8")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def rows(archive: zipfile.ZipFile, part: str, shared: SharedStrings, kinds: list[int],
         is_1904: bool = False) -> Iterator[list[Any]]:
    """Every row of a sheet part from Excel row 1, as lists of values from column A."""
    number = 0
    tail = b""
    for chunk in _chunks(archive, part):
        data = tail + chunk
        end = 0
        for m in _ROW.finditer(data):
            end = m.end()
            attrs, inner = m.group(1), m.group(2)
            found = _ROW_NUMBER.search(attrs)
            r = int(found.group(1)) if found else number + 1
            while number < r - 1:
                number += 1
                yield []
            number = r
            yield _cells(inner, shared, kinds, is_1904) if inner else []
        tail = data[end:]
        if _SHEET_END.search(tail):
            return


def _cells(inner: bytes, shared: SharedStrings, kinds: list[int], is_1904: bool) -> list[Any]:
    out: list[Any] = []
    col = -1
    columns = _COLUMNS
    for letters, attrs, v, inline, body in _CELL.findall(inner):
        t = s = b""
        if attrs:
            if letters and b"'" not in attrs:
                t_at = attrs.find(b' t="')
                if t_at >= 0:
                    t = attrs[t_at + 4:attrs.index(b'"', t_at + 4)]
                if b's="' in attrs:
                    s = _S.search(attrs).group(1)  # type: ignore[union-attr]
            else:
                letters, t, s = _attrs(attrs, letters)
        if letters:
            col = columns.get(letters, -1)
            if col < 0:
                col = columns[letters] = column_index(letters)
        else:
            col += 1
        value: Any
        if t == b"inlineStr":
            if not inline:
                start = body.find(b"is")
                if start < 0:
                    continue
                value = _rich(body[start - 1:])
            else:
                value = _text(inline)
        else:
            if not v:
                found = _V.search(body) if body else None
                if found is None:
                    continue
                v = found.group(1)
            if t == b"s":
                value = shared.get(int(v))
            elif not t or t == b"n":
                try:
                    value = float(v)
                except ValueError:
                    continue
                if s and kinds:
                    kind = kinds[int(s)] if int(s) < len(kinds) else 0
                    if kind:
                        value = excel_date(value, kind, is_1904)
            elif t == b"str":
                value = _text(v)
            elif t == b"b":
                value = v.strip() in (b"1", b"true")
            elif t == b"d":
                value = _iso(_text(v))
            else:
                continue  # an error value (#DIV/0!): python-calamine gives an empty cell
        if col >= len(out):
            if col > len(out):
                out.extend([""] * (col - len(out)))
            out.append(value)
        else:
            out[col] = value
    return out


def _attrs(attrs: bytes, letters: bytes = b"") -> tuple[bytes, bytes, bytes]:
    """(column letters, t, s) of a cell's attributes in any order and quoting."""
    t = s = b""
    for name, v1, v2 in _ATTR.findall(attrs):
        v = v1 or v2
        if name == b"r":
            letters = v.rstrip(b"0123456789")
        elif name == b"t":
            t = v
        else:
            s = v
    return letters, t, s


def _iso(text: str) -> Any:
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if moment.time() == _dt.time(0) and "T" not in text else moment
