"""Fonts, wrapping and the little template language: no Qt, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from helpdesk_gui.core.base import codes
from helpdesk_gui.printing import fonts
from helpdesk_gui.printing.expr import Env, Expr, ExprError

ENV = Env(codes.CodeBook.defaults(), dt.date(2026, 3, 15))


def test_bundled_fonts_registered_from_the_collections():
    metrics = fonts.ensure()
    assert set(metrics) == {fonts.SONG, fonts.HEI}
    assert b"UMingCN" in pdfmetrics.getFont(fonts.SONG).face.name       # the CN subfont of uming.ttc
    assert b"MicroHei" in pdfmetrics.getFont(fonts.HEI).face.name
    assert fonts.ensure() is metrics                                    # registered once


def test_wrap_keeps_punctuation_off_line_starts_and_numbers_whole():
    m = fonts.ensure()[fonts.SONG]
    text = "丈夫下岗多年，妻子患病长期住院，儿子在读大学，家庭收入微薄。" * 3
    size, lines = m.wrap(text, 10, 100)
    assert size == 10 and len(lines) > 3 and "".join(lines) == text
    assert not any(line[0] in fonts.NO_LINE_START for line in lines)
    assert all(m.width(line, 10) <= 100 for line in lines)
    # one unbreakable number too wide for its cell is set smaller, on one line
    size, lines = m.wrap("530122197505061234", 10, 80)
    assert lines == ["530122197505061234"] and size < 10 and m.width(lines[0], size) <= 80
    # ... unless that would be tiny: then it is cut
    size, lines = m.wrap("530122197505061234", 10, 30)
    assert size == 10 and "".join(lines) == "530122197505061234" and len(lines) > 1
    assert m.wrap("第一行\n第二行", 10, 500)[1] == ["第一行", "第二行"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="困难职工家庭帮扶资金，。、（）“”ABC abc0123456789-", max_size=120),
       st.floats(min_value=30, max_value=400))
def test_wrapped_lines_never_exceed_the_box(text, avail):
    m = fonts.ensure()[fonts.SONG]
    size, lines = m.wrap(text, 10.5, avail, shrink=1)
    assert all(m.width(line, size) <= avail + 0.01 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_missing_glyphs_fall_back_to_the_other_font():
    m = fonts.ensure()[fonts.SONG]
    assert m.runs("张三") == [(fonts.SONG, "张三")]
    assert "✓" not in m.covered and "✓" in m.fallback.covered
    assert m.runs("已核✓") == [(fonts.SONG, "已核"), (fonts.HEI, "✓")]


@pytest.mark.parametrize(("source", "data", "expected"), [
    ("档案编号：{archive_no}", {"archive_no": "53012220250001"}, "档案编号：53012220250001"),
    ("{amount|yuan}", {"amount": 123456789}, "1,234,567.89"),
    ("{amount|upper}", {"amount": 1640902}, "壹万陆仟肆佰零玖元零贰分"),
    ("{g|code:gender}", {"g": "2"}, "女"),
    ("{c|codes:cause}", {"c": "3,6"}, "下岗失业、患重特大疾病"),
    ("{c|check:category}", {"c": "2"}, "□深度困难  ■相对困难  □意外致困"),
    ("{d|date}", {"d": "2025-03-07"}, "2025年3月7日"),
    ("{d|date:dot}", {"d": "2025-03-07"}, "2025.03.07"),
    ("{b|age}", {"b": "1975-05-06"}, "50"),
    ("{i|mask_id}", {"i": "530122197505061234"}, "530122********1234"),
    ("{a|mask_bank}", {"a": "6228480123456789012"}, "**** 9012"),
    ("{x|default:无}", {"x": ""}, "无"),
    ("{x|suffix: 平方米}", {"x": 45.5}, "45.5 平方米"),
    ("{x|suffix: 平方米}", {"x": None}, ""),
    ("{x|yesno}", {"x": 1}, "是"),
    ("{x|num:1}", {"x": 3}, "3.0"),
    ("{a.b}", {"a": {"b": "嵌套"}}, "嵌套"),
    ("{{字面}}", {}, "{字面}"),
])
def test_expressions(source, data, expected):
    assert Expr(source).render(data, ENV) == expected


def test_row_items_fall_back_to_the_document():
    assert Expr("{name}/{union_name}").render({"name": "张三"}, ENV, {"union_name": "某县总工会"}) == "张三/某县总工会"
    with pytest.raises(KeyError):
        Expr("{nothing}").render({}, ENV)


@pytest.mark.parametrize(("source", "message"), [
    ("{name|nope}", "过滤器“nope”不存在"),
    ("{name|code}", "需要参数"),
    ("{name|yuan:2}", "不带参数"),
    ("{name|date:long}", "dot、ym 或 iso"),
    ("{}", "没有数据项名称"),
    ("a } b", "多了一个"),
    ("{x|code:nolist}", "代码表“nolist”不存在"),
])
def test_bad_expressions(source, message):
    with pytest.raises(ExprError, match=message):
        Expr(source)
