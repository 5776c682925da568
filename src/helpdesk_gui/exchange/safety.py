"""Refuse hostile and broken files before any parser sees them, quickly and in bounded memory.

An .xlsx is a ZIP archive of XML parts. Before python-calamine or openpyxl open it, this module
checks: the file is not empty, not a legacy .xls or an encrypted workbook (both OLE compound
files), not a CSV or web page renamed to .xlsx, a ZIP whose central directory promises sane
sizes (entry count, each part's and the total uncompressed size, compression ratio), no
encrypted entries, no macros or binary workbook, no XML DOCTYPE/ENTITY declarations (entity
expansion), and worksheets whose cells and claimed dimensions stay inside the limits (a sheet
"claiming a million columns" would make a reader allocate a dense grid of that size). Every part
is decompressed once, in chunks, by Python's zipfile, which stops at the size the directory
promises and checks the CRC, so a directory that lies about sizes is caught too.

Everything here raises ``UnreadableWorkbook`` (exit status 2) with a Chinese message.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.exchange.problems import column_letter

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
CHUNK = 1 << 20


class UnreadableWorkbook(HelpdeskError):
    """The file cannot be read as a workbook (or must not be): nothing was imported."""

    exit_code = 2

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"无法读取文件 {Path(path).name}：{reason}。未导入任何数据。")


class Cancelled(HelpdeskError):
    """The clerk cancelled reading or writing a workbook: nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，没有写入任何数据。")


@dataclass(frozen=True)
class Limits:
    """Bounds a workbook must stay inside (far above any real batch; a 100,000-household batch
    is about 60 MB on disk and 400 MB of XML)."""

    max_file_bytes: int = 400 * 1024 * 1024
    max_entries: int = 2_000
    max_part_bytes: int = 1_200 * 1024 * 1024
    max_total_bytes: int = 2_500 * 1024 * 1024
    max_ratio: float = 120.0           # uncompressed / compressed, for parts over ratio_floor
    ratio_floor: int = 4 * 1024 * 1024
    max_rows: int = 1_048_576          # Excel's own limits
    max_columns: int = 16_384
    max_cells: int = 12_000_000        # dense rows × columns a reader would allocate for one sheet
    max_shared_strings: int = 12_000_000   # entries of the shared-string table (one per cell at most)
    max_formulas_listed: int = 200
    max_merges: int = 100_000          # merged ranges kept per sheet (the member list fills them down)
    #: rows one import takes: households (a batch's 困难职工, a station's sheet) and any other sheet. Far above
    #: any real file (a whole province), and what keeps a valid import under 500 MB (README: 导入的内存);
    #: a sheet of max_sheet_rows rows × 26 columns stays inside max_cells
    max_households: int = 200_000
    max_sheet_rows: int = 460_000


@dataclass
class SheetScan:
    part: str
    max_row: int = 0
    max_col: int = 0                   # 1-based (26 when no cell lies beyond column Z)
    size: int = 0                      # uncompressed bytes of the part
    formulas: list[str] = field(default_factory=list)   # cell references holding a formula
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based (row, col) corners


@dataclass
class Inspection:
    """What the pre-check learnt: sheet parts with their extent and formula cells."""

    path: Path
    sheets: dict[str, SheetScan] = field(default_factory=dict)   # part name → scan
    size: int = 0
    sheet_parts: dict[str, str] = field(default_factory=dict)    # sheet name → part name
    shared_part: str = ""              # the shared-string table's part ("" when there is none)
    styles_part: str = ""
    shared_bytes: int = 0              # its uncompressed size
    quick: bool = False                # only the structure was checked (``inspect(quick=True)``)

    def scan_of(self, sheet_name: str) -> SheetScan | None:
        part = self.sheet_parts.get(sheet_name)
        return self.sheets.get(part) if part else None


_ENTITY = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
_CELL_START = re.compile(rb'<c r="([A-Z]+\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_COLS = re.compile(rb'<col [^>]*max="(\d+)"')
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si[ >/]")


def column_number(letters: bytes | str) -> int:
    """A → 1, AB → 28."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _looks_like_text(head: bytes) -> str | None:
    """'csv', 'html' or None for a file head that is not a ZIP."""
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        lowered = text.lower().lstrip()
        if lowered.startswith(("<html", "<!doctype html", "<table", "<?xml")) or "<table" in lowered[:2000]:
            return "html"
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if text and printable / len(text) > 0.95:
            return "csv"
    return None


def _ole_kind(path: Path, size: int) -> str:
    """'encrypted' for an encrypted OOXML package, else 'xls' (a legacy or other OLE file)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    info = "EncryptionInfo".encode("utf-16-le")
    with open(path, "rb") as fh:
        if size <= 64 * 1024 * 1024:
            data = fh.read()
        else:  # the directory of a big file is near its start or end
            data = fh.read(4 * 1024 * 1024)
            fh.seek(max(size - 4 * 1024 * 1024, 0))
            data += fh.read()
    return "encrypted" if marker in data or info in data else "xls"


def inspect(path: Path, limits: Limits | None = None,
            cancelled: Callable[[], bool] | None = None, *, quick: bool = False) -> Inspection:
    """Check ``path`` thoroughly; raise ``UnreadableWorkbook`` saying what is wrong.

    ``quick``: the ZIP directory, the structure and the content types only, not every part's
    content: enough before ``exchange.stream`` reads a few rows (it allocates nothing a part's
    content could inflate, expands no entity, and ZIP reading stops at the promised sizes).
    """
    limits = limits or Limits()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UnreadableWorkbook(path, f"文件不存在或无法打开（{e.strerror or e}）") from None
    if not path.is_file():
        raise UnreadableWorkbook(path, "这不是一个文件")
    if size == 0:
        raise UnreadableWorkbook(path, "文件是空的（0 字节），可能没有保存完整或复制失败")
    if size > limits.max_file_bytes:
        raise UnreadableWorkbook(path, f"文件太大（{size / 1048576:.0f} MB），超过上限 "
                                       f"{limits.max_file_bytes / 1048576:.0f} MB")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(OLE_MAGIC):
        if _ole_kind(path, size) == "encrypted":
            raise UnreadableWorkbook(path, "工作簿设置了打开密码（已加密）。请在 Excel 中打开，"
                                           "在“文件 → 信息 → 保护工作簿”中删除密码，另存为 .xlsx 后再导入")
        raise UnreadableWorkbook(path, "这是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 或 WPS 中打开，"
                                       "“另存为” Excel 工作簿（.xlsx）后再导入")
    if not head.startswith(ZIP_MAGIC):
        kind = _looks_like_text(head)
        if kind == "csv":
            raise UnreadableWorkbook(path, "文件内容是 CSV 或纯文本，不是 Excel 工作簿（扩展名被改成了 .xlsx）。"
                                           "请在 Excel 中打开后“另存为” .xlsx")
        if kind == "html":
            raise UnreadableWorkbook(path, "文件内容是网页（HTML/XML），不是 Excel 工作簿。"
                                           "请在 Excel 中打开后“另存为” .xlsx")
        raise UnreadableWorkbook(path, "不是 Excel 工作簿（.xlsx）文件")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableWorkbook(path, "文件已损坏（压缩包结构不完整），可能没有下载或复制完整") from None
    with archive:
        infos = archive.infolist()
        _check_directory(path, infos, limits)
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names:
            if "mimetype" in names or "content.xml" in names:
                raise UnreadableWorkbook(path, "这是 OpenDocument 表格（.ods），不是 Excel 工作簿。"
                                               "请“另存为” Excel 工作簿（.xlsx）后再导入")
            raise UnreadableWorkbook(path, "不是 Excel 工作簿（压缩包中没有工作簿的结构文件）")
        result = Inspection(path, size=size)
        for info in infos:  # the small structural parts first, for sheet names in the messages
            if info.filename in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                _scan_part(path, archive, info, limits, result)
        types = _read_small(path, archive, "[Content_Types].xml")
        if XLSM_MAIN.encode() in types or b"vbaProject" in types or any(n.endswith("vbaProject.bin") for n in names):
            raise UnreadableWorkbook(path, "工作簿含有宏（.xlsm）。交换文件只接受不含宏的 .xlsx，"
                                           "请“另存为” Excel 工作簿（.xlsx）")
        if XLSB_MAIN.encode() in types:
            raise UnreadableWorkbook(path, "这是二进制工作簿（.xlsb），请“另存为” Excel 工作簿（.xlsx）")
        if XLSX_MAIN.encode() not in types and TEMPLATE_MAIN.encode() not in types:
            raise UnreadableWorkbook(path, "不是 Excel 工作簿（缺少工作簿主体）")
        if "xl/workbook.xml" not in names:
            raise UnreadableWorkbook(path, "不是 Excel 工作簿（缺少 xl/workbook.xml）")
        result.sheet_parts, others = _sheet_parts(path, archive)
        result.shared_part, result.styles_part = others.get("sharedStrings", ""), others.get("styles", "")
        result.shared_bytes = next((i.file_size for i in infos if i.filename == result.shared_part), 0)
        result.quick = quick
        titles = {part: title for title, part in result.sheet_parts.items()}
        for info in [] if quick else infos:
            if cancelled is not None and cancelled():
                raise Cancelled()
            if info.is_dir() or info.filename in ("[Content_Types].xml", "xl/workbook.xml",
                                                  "xl/_rels/workbook.xml.rels"):
                continue
            _scan_part(path, archive, info, limits, result, titles.get(info.filename))
    return result


def _sheet_parts(path: Path, archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """Sheet name → its part (``xl/worksheets/sheet1.xml``), from the workbook and its relationships;
    and the shared strings' and styles' parts (``sharedStrings``, ``styles`` → part)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(_read_small(path, archive, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_read_small(path, archive, "xl/_rels/workbook.xml.rels") or b"<r/>")
    except Exception:  # noqa: BLE001 - any parse failure of these small parts means a broken file
        raise UnreadableWorkbook(path, "文件已损坏（工作簿结构无法解析）") from None
    targets: dict[str, str] = {}
    others: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id", "")] = target
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("sharedStrings", "styles"):
            others[kind] = target
    out: dict[str, str] = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
            if el.get("name") and rid in targets:
                out[el.get("name", "")] = targets[rid]
    return out, others


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise UnreadableWorkbook(path, f"压缩包中有 {len(infos)} 个文件，超过上限 {limits.max_entries} 个（疑似恶意文件）")
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise UnreadableWorkbook(path, f"压缩包中有重名的文件 {info.filename}（疑似恶意文件）")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(path, "压缩包中的文件已加密，请去掉密码后另存为 .xlsx")
        if info.file_size > limits.max_part_bytes:
            raise UnreadableWorkbook(path, f"其中的 {info.filename} 解压后有 {info.file_size / 1048576:.0f} MB，"
                                           f"超过上限（疑似“压缩炸弹”）")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnreadableWorkbook(path, f"其中的 {info.filename} 压缩比异常（{info.compress_size} 字节解压为 "
                                           f"{info.file_size / 1048576:.0f} MB，疑似“压缩炸弹”）")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise UnreadableWorkbook(path, f"解压后共 {total / 1048576:.0f} MB，超过上限 "
                                       f"{limits.max_total_bytes / 1048576:.0f} MB（疑似“压缩炸弹”）")


def _read_small(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > 4 * 1024 * 1024:
        raise UnreadableWorkbook(path, f"{name} 过大（疑似恶意文件）")
    return archive.read(name)


def _scan_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
               result: Inspection, title: str | None = None) -> None:
    """Decompress one part in chunks: no entity declarations; for worksheets, their extent and formulas."""
    name = info.filename
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
    scan = SheetScan(f"“{title}”" if title else name, size=info.file_size) if is_sheet else None
    strings = 0 if name == result.shared_part else -1
    prolog_done = not is_xml
    tail = b""
    got = 0
    try:
        with archive.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > info.file_size:
                    raise UnreadableWorkbook(path, f"{name} 的实际大小与目录不符（疑似恶意文件）")
                data = tail + chunk
                if not prolog_done:
                    root = _ROOT.search(data)
                    prolog = data if root is None else data[:root.start()]
                    if _ENTITY.search(prolog):
                        raise UnreadableWorkbook(path, f"{name} 含有 XML 实体声明（DOCTYPE/ENTITY），"
                                                       "可能用于“实体膨胀”攻击，已拒绝")
                    prolog_done = root is not None
                    if not prolog_done and len(data) > 4 * CHUNK:
                        raise UnreadableWorkbook(path, f"{name} 的 XML 开头异常（疑似恶意文件）")
                if strings >= 0:
                    strings += len(_SHARED_ITEM.findall(chunk))
                    if strings > limits.max_shared_strings:
                        raise UnreadableWorkbook(path, f"共享字符串表超过 {limits.max_shared_strings:,} 项的上限（疑似恶意文件）")
                if scan is not None:
                    if got <= len(chunk):
                        _check_dimension(path, data, limits, scan.part)
                    _scan_sheet_chunk(path, data, scan, limits)
                tail = data[-256:]
    except zipfile.BadZipFile:
        raise UnreadableWorkbook(path, f"文件已损坏（{name} 校验失败），可能没有下载或复制完整") from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise UnreadableWorkbook(path, f"文件已损坏（{name} 无法解压）") from None
    if scan is not None:
        # single-letter columns are not tracked one by one (too slow): 26 is their upper bound
        scan.max_col = max(scan.max_col, 26 if scan.max_row else 0)
        if scan.max_row * scan.max_col > limits.max_cells:
            raise UnreadableWorkbook(path, f"工作表 {scan.part} 的数据区域为 {scan.max_row} 行 × {scan.max_col} 列，"
                                           f"超过 {limits.max_cells:,} 个单元格的上限")
        result.sheets[name] = scan


def _check_dimension(path: Path, head: bytes, limits: Limits, name: str) -> None:
    m = _DIMENSION.search(head[:8192])
    if m:
        last_col = m.group(3) or m.group(1)
        last_row = m.group(4) or m.group(2)
        cols = column_number(last_col) if last_col else 0
        rows_ = int(last_row) if last_row else 0
        if cols > limits.max_columns or rows_ > limits.max_rows:
            raise UnreadableWorkbook(path, f"工作表 {name} 声称有 {rows_:,} 行 × {cols:,} 列，"
                                           f"超出 Excel 的上限（{limits.max_rows:,} 行 × {limits.max_columns:,} 列），"
                                           "疑似恶意文件")
        if rows_ * max(cols, 1) > limits.max_cells * 4:
            raise UnreadableWorkbook(path, f"工作表 {name} 声称有 {rows_:,} 行 × {cols:,} 列，数据区域过大")
    for m2 in _COLS.finditer(head[:65536]):
        if int(m2.group(1)) > limits.max_columns:
            raise UnreadableWorkbook(path, f"工作表 {name} 声称有 {int(m2.group(1)):,} 列，"
                                           f"超出 Excel 的上限 {limits.max_columns:,} 列，疑似恶意文件")


_SCAN = re.compile(rb'<row r="(\d{7,})"|<c r="([A-Z]{2,})(\d+)"[^>]*>|<f[ >/]')
_LAST_ROW = re.compile(rb'<row r="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"')


def _scan_sheet_chunk(path: Path, data: bytes, scan: SheetScan, limits: Limits) -> None:
    """One pass over a chunk: rows beyond a million, cells beyond column Z, formulas; the last row."""
    # references may straddle chunks: the 256-byte tail is scanned twice, max() makes that harmless
    last = data.rfind(b'<row r="')
    if last >= 0:
        m = _LAST_ROW.match(data, last)
        if m and int(m.group(1)) > scan.max_row:
            scan.max_row = int(m.group(1))
    if b"mergeCell " in data and len(scan.merges) < limits.max_merges:
        for m in _MERGE.finditer(data):
            (r0, c0), (r1, c1) = formula_cell_address(m.group(1).decode()), formula_cell_address(m.group(2).decode())
            corners = ((r0 - 1, c0), (r1 - 1, c1))
            if r0 and r1 and corners not in scan.merges[-8:]:   # the tail is scanned twice
                scan.merges.append(corners)
    for m in _SCAN.finditer(data):
        big_row, letters, number = m.group(1), m.group(2), m.group(3)
        if big_row is not None:
            scan.max_row = max(scan.max_row, int(big_row))
            if scan.max_row > limits.max_rows:
                raise UnreadableWorkbook(path, f"工作表 {scan.part} 声称有 {scan.max_row:,} 行，超出 Excel 的上限")
        elif letters is not None:
            if m.group(0).endswith(b"/>"):
                continue  # an empty, only formatted cell: readers allocate nothing for it
            c = column_number(letters)
            if c > scan.max_col:
                scan.max_col = c
                if c > limits.max_columns:
                    raise UnreadableWorkbook(path, f"工作表 {scan.part} 的单元格 {letters.decode()}{number.decode()} "
                                                   f"位于第 {c:,} 列，超出 Excel 的上限 {limits.max_columns:,} 列（疑似恶意文件）")
            r = int(number)
            if r > scan.max_row:
                scan.max_row = r
        elif len(scan.formulas) < limits.max_formulas_listed:
            start = data.rfind(b'<c r="', 0, m.start())
            cell = _CELL_START.match(data, start) if start >= 0 else None
            ref = cell.group(1).decode() if cell else "?"
            if ref not in scan.formulas:
                scan.formulas.append(ref)
    if scan.max_row > limits.max_rows:
        raise UnreadableWorkbook(path, f"工作表 {scan.part} 声称有 {scan.max_row:,} 行，超出 Excel 的上限")


def formula_cell_address(ref: str) -> tuple[int, int]:
    """'B12' → (12, 1): Excel row number and 0-based column."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not m:
        return 0, 0
    return int(m.group(2)), column_number(m.group(1)) - 1


__all__ = ["Inspection", "Limits", "UnreadableWorkbook", "column_letter", "formula_cell_address", "inspect"]
