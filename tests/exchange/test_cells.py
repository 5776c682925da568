"""Cell conversion rules (batch strict, stations lenient) and reading positions."""

from __future__ import annotations

import datetime as _dt

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from helpdesk_gui.core.base import codes
from helpdesk_gui.exchange import cells, spec
from helpdesk_gui.exchange.cells import CellError
from helpdesk_gui.exchange.columns import column_converter
from helpdesk_gui.exchange.reader import Workbook

BOOK = codes.CodeBook.defaults()
TODAY = _dt.date(2026, 11, 20)
COLS = {c.label: c for c in spec.SHEET_BY_NAME[spec.HOUSEHOLDS].columns}


def conv(label: str, lenient: bool = False):
    return cells.converter(COLS[label], BOOK, TODAY, lenient=lenient)


@pytest.mark.parametrize(("value", "fen", "text"), [
    (1234.5, 123450, "1234.50"), ("1,234.50", 123450, "1234.50"), ("1234.5元", 123450, "1234.50"),
    (0, 0, "0.00"), ("３６０００", 3600000, "36000.00"), ("", None, "")])
def test_money(value, fen, text):
    assert conv("家庭年收入")(value) == (fen, text)


@pytest.mark.parametrize("value", ["1.234", "abc", -5, "-1.00", True])
def test_money_refused(value):
    with pytest.raises(CellError):
        conv("家庭年收入")(value)


def test_dates_strict_for_batches_lenient_for_stations():
    strict, loose = conv("建档日期"), conv("建档日期", lenient=True)
    assert strict("2024-03-01") == ("2024-03-01", "2024-03-01")
    assert strict(_dt.date(2024, 3, 1)) == ("2024-03-01", "2024-03-01")
    assert strict(_dt.datetime(2024, 3, 1)) == ("2024-03-01", "2024-03-01")
    for bad in ("2024/03/01", "2024-02-30", 45352.0):
        with pytest.raises(CellError):
            strict(bad)
    for text in ("1975.03.12", "1975年3月12日", "1975/3/12", "19750312", "１９７５－０３－１２"):
        assert loose(text)[0] == "1975-03-12", text
    assert loose(19750312.0)[0] == "1975-03-12"


def test_labels_exact_in_batches_aliases_for_stations():
    assert conv("困难类别")("深度困难")[0] == "1"
    with pytest.raises(CellError, match="可选"):
        conv("困难类别")("低保户")
    code, text = conv("困难类别", lenient=True)("低保户")
    assert code == "1" and code.legacy == "低保户" and text == "低保户"
    assert conv("次要致困原因")("患重特大疾病、子女上学")[0] == "6,9"
    assert conv("次要致困原因", lenient=True)("患重特大疾病，子女上学")[0] == "6,9"
    with pytest.raises(CellError, match="最多 3 项"):
        conv("次要致困原因")("无劳动能力、下岗失业、患重特大疾病、子女上学")


def test_timestamps_need_an_offset():
    ts = conv("最后修改时间")
    assert ts(" 2026-11-22T10:30:00+08:00 ")[0] == "2026-11-22T10:30:00+08:00"
    for bad in ("2026-11-22T10:30:00", "2026-11-22", _dt.datetime(2026, 11, 22)):
        with pytest.raises(CellError):
            ts(bad)


def test_phone_number_cell_kept_long_numbers_refused():
    text = conv("联系电话")
    assert text(13812345678.0) == ("13812345678", "13812345678")
    with pytest.raises(CellError, match="15 位"):
        conv("银行账号")(6228480123456789012.0)


def test_column_fast_path_agrees_with_per_cell():
    col = column_converter(COLS["家庭年收入"], BOOK, TODAY)
    stored, texts, problems = col([1.5, "", 2, "x", 3.25])
    assert stored == [150, None, 200, None, 325] and texts[4] == "3.25"
    assert [(k, warning) for k, _r, warning in problems] == [(3, False)]
    dates = column_converter(COLS["建档日期"], BOOK, TODAY)
    assert dates(["2024-03-01", _dt.date(2024, 3, 2), ""])[0] == ["2024-03-01", "2024-03-02", None]


def test_reader_positions_from_a1_whatever_the_used_range(tmp_path):
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "s"
    ws["C3"] = "表头"
    ws["D5"] = "值"
    wb.save(tmp_path / "x.xlsx")
    with Workbook.open(tmp_path / "x.xlsx") as book:
        got = {(r, c): v for r, values in book.rows("s") for c, v in enumerate(values) if v != ""}
    assert got == {(3, 2): "表头", (5, 3): "值"}
