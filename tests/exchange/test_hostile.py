"""Hostile and broken files: each refused quickly, with a clear Chinese message, nothing written."""

from __future__ import annotations

import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core.db import scalar
from helpdesk_gui.exchange import importer, safety
from helpdesk_gui.exchange.safety import UnreadableWorkbook

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def good_xlsx(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "困难职工"
    wb.active.append(["档案编号", "姓名"])
    wb.active.append(["530122202400001", "张三"])
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, part: str, fn) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = fn(data)
            zout.writestr(info.filename, data)
    return dst


def make_zero(tmp: Path) -> Path:
    p = tmp / "empty.xlsx"
    p.write_bytes(b"")
    return p


def make_csv(tmp: Path) -> Path:
    p = tmp / "renamed.xlsx"
    p.write_bytes("档案编号,姓名,公民身份号码\n530122202400001,张三,530122197505060011\n".encode("gb18030"))
    return p


def make_xls(tmp: Path) -> Path:
    p = tmp / "old.xlsx"
    p.write_bytes(OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 4096)
    return p


def make_encrypted(tmp: Path) -> Path:
    p = tmp / "locked.xlsx"
    p.write_bytes(OLE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
                  + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 8192)
    return p


def make_bomb(tmp: Path) -> Path:
    """200 MB of zeros in 200 KB: the directory's ratio gives it away before anything is inflated."""
    p = tmp / "bomb.xlsx"
    src = good_xlsx(tmp / "base.xlsx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    block = b"\x00" * (1 << 20)
                    for _ in range(200):
                        fh.write(block)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return p


def make_lying_directory(tmp: Path) -> Path:
    """A part whose directory entry claims 2 KB while its data inflates to 20 MB."""
    src = tmp / "lie-src.xlsx"
    base = good_xlsx(tmp / "base2.xlsx")
    rewrite(base, src, "xl/worksheets/sheet1.xml", lambda d: d + b"<!--" + b" " * 20_000_000 + b"-->")
    data = bytearray(src.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            start = m.start()
            name_len_at = 26 if sig == b"PK\x03\x04" else 28
            name_len = struct.unpack_from("<H", data, start + name_len_at)[0]
            header_len = 30 if sig == b"PK\x03\x04" else 46
            if bytes(data[start + header_len:start + header_len + name_len]) == name:
                struct.pack_into("<I", data, start + size_at, 2048)
    p = tmp / "lie.xlsx"
    p.write_bytes(bytes(data))
    return p


def make_entities(tmp: Path) -> Path:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                         for i in range(1, 10)) + b"]>")
    return rewrite(good_xlsx(tmp / "base3.xlsx"), tmp / "laughs.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: laughs + d[d.index(b"?>") + 2:] if d.startswith(b"<?xml") else laughs + d)


def make_million_columns(tmp: Path) -> Path:
    def widen(d: bytes) -> bytes:
        d = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:BDWGN2"/>', d)
        return d.replace(b"</row>", b'<c r="BDWGN1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    return rewrite(good_xlsx(tmp / "base4.xlsx"), tmp / "wide.xlsx", "xl/worksheets/sheet1.xml", widen)


def make_far_cell(tmp: Path) -> Path:
    """No dimension claim, but one cell far away at XFD1048576: a dense grid of 17 billion cells."""
    def far(d: bytes) -> bytes:
        d = re.sub(rb'<dimension ref="[^"]*"/>', b"", d)
        return d.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                          b"</row></sheetData>")
    return rewrite(good_xlsx(tmp / "base5.xlsx"), tmp / "far.xlsx", "xl/worksheets/sheet1.xml", far)


def make_not_workbook_zip(tmp: Path) -> Path:
    p = tmp / "photos.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("photo1.jpg", b"\xff\xd8\xff" + b"0" * 100)
    return p


def make_random(tmp: Path) -> Path:
    p = tmp / "noise.xlsx"
    p.write_bytes(bytes(range(256)) * 40)
    return p


def make_macro(tmp: Path) -> Path:
    return rewrite(good_xlsx(tmp / "base6.xlsx"), tmp / "macro.xlsx", "[Content_Types].xml",
                   lambda d: d.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                       b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"))


def make_truncated(tmp: Path) -> Path:
    data = good_xlsx(tmp / "base7.xlsx").read_bytes()
    p = tmp / "truncated.xlsx"
    p.write_bytes(data[: len(data) // 2])
    return p


CASES = {
    "zero bytes": (make_zero, "空的"),
    "CSV renamed": (make_csv, "CSV"),
    "legacy xls": (make_xls, ".xls"),
    "encrypted": (make_encrypted, "加密"),
    "zip bomb": (make_bomb, "压缩炸弹"),
    "lying zip directory": (make_lying_directory, "损坏"),
    "XML entity expansion": (make_entities, "实体"),
    "a million columns claimed": (make_million_columns, "列"),
    "one cell far away": (make_far_cell, "列"),
    "zip but not a workbook": (make_not_workbook_zip, "不是 Excel 工作簿"),
    "random bytes": (make_random, "不是 Excel 工作簿"),
    "macros": (make_macro, "宏"),
    "truncated download": (make_truncated, "损坏"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_hostile_file_is_refused_quickly(kind, tmp_path, city, city_clerk):
    make, words = CASES[kind]
    path = make(tmp_path)
    started = time.perf_counter()
    with pytest.raises(UnreadableWorkbook) as info:
        importer.import_batch(city, city_clerk, path)
    took = time.perf_counter() - started
    assert took < 5, f"{kind} took {took:.1f} s"
    message = str(info.value)
    assert words in message and "未导入任何数据" in message and path.name in message
    assert info.value.exit_code == 2
    assert scalar(city, "SELECT count(*) FROM households") == 0
    assert scalar(city, "SELECT count(*) FROM exchange_batches") == 0


@pytest.mark.parametrize("kind", ["zero bytes", "encrypted", "zip bomb", "a million columns claimed"])
def test_cli_exit_status_2_for_unreadable_files(kind, tmp_path, folder, database, capsys):
    path = CASES[kind][0](tmp_path)
    code = main(["batch", "import", str(path)])
    _out, err = capsys.readouterr()
    assert code == 2 and "无法读取文件" in err and "Traceback" not in err


def test_a_good_file_passes_the_checks(tmp_path):
    result = safety.inspect(good_xlsx(tmp_path / "fine.xlsx"))
    assert result.sheet_parts == {"困难职工": "xl/worksheets/sheet1.xml"}
    scan = result.scan_of("困难职工")
    assert scan is not None and scan.max_row == 2 and scan.formulas == []


def test_openpyxl_is_protected_by_defusedxml():
    import openpyxl.xml
    assert openpyxl.xml.DEFUSEDXML is True
