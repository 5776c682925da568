"""Tests of helpdesk_gui.core.base.money (integer fen, parsing, formatting, 人民币大写)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import format_yuan, parse_yuan, round_fen, to_chinese_upper, yuan

PROP = settings(max_examples=300, deadline=None)

# --- parse_yuan --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("1,234.5元", 123450),
        ("￥1 234.50", 123450),
        ("¥1,234.50", 123450),
        ("１２３.４５", 12345),
        ("１，２３４．５０元", 123450),
        ("￥１２３", 12300),
        ("人民币100元", 10000),
        ("人民币 100.00 元", 10000),
        ("-12.50", -1250),
        ("－12.5", -1250),
        ("+3", 300),
        ("0", 0),
        ("0.00", 0),
        ("-0.00", 0),
        (".5", 50),
        ("5.", 500),
        ("0.01", 1),
        ("  12.30  ", 1230),
        ("12\u00a0345.67", 1234567),
        ("1.230", 123),  # trailing zeros are not extra precision
        ("1e2", 10000),
        ("99999999999.99", 9999999999999),
        (0, 0),
        (7, 700),
        (-7, -700),
        (10**12, 10**14),
        (12.3, 1230),
        (0.1, 10),
        (-12.5, -1250),
        (1e-2, 1),
        (100.0, 10000),
        (Decimal("12.34"), 1234),
        (Decimal("-0.05"), -5),
    ],
)
def test_parse_yuan_accepts(value: object, fen: int) -> None:
    result = parse_yuan(value)
    assert result == fen
    assert type(result) is int


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1.234", "最多两位小数"),
        ("0.001", "最多两位小数"),
        ("-12.505", "最多两位小数"),
        (12.345, "最多两位小数"),
        (0.1 + 0.2, "最多两位小数"),
        (Decimal("1.005"), "最多两位小数"),
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("元", "不能为空"),
        ("人民币", "不能为空"),
        ("￥", "不能为空"),
        ("abc", "不是金额"),
        ("12元5角", "不是金额"),
        ("1.2.3", "不是金额"),
        ("NaN", "不是金额"),
        ("Infinity", "不是金额"),
        ("-inf", "不是金额"),
        (True, "不是金额"),
        (False, "不是金额"),
        (None, "不是金额"),
        ([1], "不是金额"),
        (float("inf"), "不是金额"),
        (float("-inf"), "不是金额"),
        (Decimal("Infinity"), "不是金额"),
    ],
)
def test_parse_yuan_refuses(value: object, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan(value, field="补助金额")
    err = info.value
    assert err.field == "补助金额"
    assert str(err).startswith("补助金额：")
    assert reason in err.reason


@pytest.mark.parametrize("value", [float("nan"), Decimal("NaN"), Decimal("sNaN")])
def test_parse_yuan_refuses_nan(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan(value, field="补助金额")
    assert info.value.field == "补助金额"


def test_parse_yuan_default_field_name() -> None:
    with pytest.raises(ValidationError) as info:
        parse_yuan("abc")
    assert info.value.field == "金额"
    assert "abc" in str(info.value)


def test_parse_yuan_bool_is_not_int() -> None:
    with pytest.raises(ValidationError):
        parse_yuan(True)


# --- round_fen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("0", 0),
        ("0.4999", 0),
        ("0.5", 1),
        ("1.5", 2),
        ("2.5", 3),
        ("2.4999999", 2),
        ("2.5000001", 3),
        ("-0.5", -1),
        ("-2.5", -3),
        ("-2.4", -2),
        ("123456.5", 123457),
        ("7", 7),
    ],
)
def test_round_fen_half_up(value: str, fen: int) -> None:
    result = round_fen(Decimal(value))
    assert result == fen
    assert type(result) is int


def test_round_fen_per_capita() -> None:
    # 1000.00 yuan shared by 3 people → 333.33 yuan each
    assert round_fen(Decimal(100000) / 3) == 33333
    assert round_fen(Decimal(200000) / 3) == 66667


# --- format_yuan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "plain", "grouped"),
    [
        (0, "0.00", "0.00"),
        (1, "0.01", "0.01"),
        (10, "0.10", "0.10"),
        (100, "1.00", "1.00"),
        (123456, "1234.56", "1,234.56"),
        (99999, "999.99", "999.99"),
        (100000, "1000.00", "1,000.00"),
        (123456789, "1234567.89", "1,234,567.89"),
        (-5, "-0.05", "-0.05"),
        (-123456, "-1234.56", "-1,234.56"),
        (-100000000, "-1000000.00", "-1,000,000.00"),
    ],
)
def test_format_yuan(fen: int, plain: str, grouped: str) -> None:
    assert format_yuan(fen) == plain
    assert format_yuan(fen, grouping=True) == grouped
    assert yuan(fen) == yuan(str(fen)) == grouped
    assert yuan(fen, blank_zero=True) == ("" if fen == 0 else grouped)


def test_yuan_is_blank_for_no_amount() -> None:
    assert yuan(None) == yuan("") == yuan(None, blank_zero=True) == yuan(0, blank_zero=True) == ""
    assert yuan(0) == "0.00" and yuan(-5) == "-0.05" and yuan(123456789) == "1,234,567.89"


@PROP
@given(st.integers(-(10**15), 10**15))
def test_parse_format_roundtrip(fen: int) -> None:
    assert parse_yuan(format_yuan(fen)) == fen
    assert parse_yuan(format_yuan(fen, grouping=True)) == fen
    assert parse_yuan(format_yuan(fen, grouping=True) + "元") == fen
    assert parse_yuan("￥" + format_yuan(fen)) == fen


@PROP
@given(st.integers(-(10**12), 10**12))
def test_format_shape(fen: int) -> None:
    text = format_yuan(fen)
    assert text.startswith("-") == (fen < 0)
    whole, _, frac = text.lstrip("-").partition(".")
    assert len(frac) == 2
    assert whole.isdigit()
    assert whole == "0" or not whole.startswith("0")
    assert format_yuan(fen, grouping=True).replace(",", "") == text


@PROP
@given(st.integers(-(10**9), 10**9))
def test_parse_int_and_float(yuan: int) -> None:
    assert parse_yuan(yuan) == yuan * 100
    assert parse_yuan(float(yuan)) == yuan * 100
    assert parse_yuan(str(yuan)) == yuan * 100


# --- to_chinese_upper: golden vectors -----------------------------------------------------------

GOLDEN = [
    (140950, "壹仟肆佰零玖元伍角"),
    (600714, "陆仟零柒元壹角肆分"),
    (168032, "壹仟陆佰捌拾元零叁角贰分"),
    (10700053, "壹拾万零柒仟元零伍角叁分"),
    (1640902, "壹万陆仟肆佰零玖元零贰分"),
    (32504, "叁佰贰拾伍元零肆分"),
    (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (5, "伍分"),
    (10, "壹角"),
    (15, "壹角伍分"),
    (100, "壹元整"),
    (105, "壹元零伍分"),
    (110, "壹元壹角"),
    (1000, "壹拾元整"),
    (1010, "壹拾元零壹角"),
    (1001, "壹拾元零壹分"),
    (1100, "壹拾壹元整"),
    (100500, "壹仟零伍元整"),
    (100100, "壹仟零壹元整"),
    (101000, "壹仟零壹拾元整"),
    (100010, "壹仟元零壹角"),
    (0, "零元整"),
    (1000000, "壹万元整"),
    (1000100, "壹万零壹元整"),
    (1001000, "壹万零壹拾元整"),
    (20000000, "贰拾万元整"),
    (100000100, "壹佰万零壹元整"),
    (100010000, "壹佰万零壹佰元整"),
    (1000100000, "壹仟万零壹仟元整"),
    (1010000000, "壹仟零壹拾万元整"),
    (10000000000, "壹亿元整"),
    (10000000100, "壹亿零壹元整"),
    (10001000000, "壹亿零壹万元整"),
    (10100000000, "壹亿零壹佰万元整"),
    (10000010000, "壹亿零壹佰元整"),
    (10010000000, "壹亿零壹拾万元整"),
    (12345678900, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
    (1000000000000, "壹佰亿元整"),
    (1000000010000, "壹佰亿零壹佰元整"),
    (1000010000001, "壹佰亿零壹拾万元零壹分"),
    (1010101010101, "壹佰零壹亿零壹佰零壹万零壹佰零壹元零壹分"),
    (-5, "负伍分"),
    (-140950, "负壹仟肆佰零玖元伍角"),
    (-1000, "负壹拾元整"),
]


@pytest.mark.parametrize(("fen", "text"), GOLDEN)
def test_chinese_upper_golden(fen: int, text: str) -> None:
    assert to_chinese_upper(fen) == text


# --- to_chinese_upper: properties with a reference reader --------------------------------------

ALLOWED = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负")
DIGITS = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 1, "佰": 2, "仟": 3}
ZERO = ("零", 0)

Token = tuple[str | int, int]


def _section_tokens(text: str, base: int) -> list[Token]:
    """A 0–9999 section (``壹仟零伍``) as (digit, power of ten) tokens and 零 markers."""
    out: list[Token] = []
    pending: int | None = None
    for ch in text:
        if ch == "零":
            assert pending is None, text
            out.append(ZERO)
        elif ch in DIGITS:
            assert pending is None, text
            pending = DIGITS[ch]
        elif ch in SMALL:
            assert pending is not None, f"unit without digit in {text!r}"
            out.append((pending, base + SMALL[ch]))
            pending = None
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    if pending is not None:
        out.append((pending, base))
    return out


def _yuan_tokens(text: str, base: int = 0) -> list[Token]:
    yi_part, _, rest = text.rpartition("亿")
    wan_part, _, low = rest.rpartition("万")
    out: list[Token] = []
    if yi_part:
        out += _yuan_tokens(yi_part, base + 8)
    if wan_part:
        out += _section_tokens(wan_part, base + 4)
    return out + _section_tokens(low, base)


def read_upper(text: str) -> int:
    """Reference reader: 人民币大写 back to fen.

    Besides the value it checks the shape: a digit is never 零, powers of ten strictly decrease,
    and a single 零 stands between two digits exactly when a zero digit lies between them
    (the PBOC rules with every optional 零 written). Powers: 元 = 0, 角 = -1, 分 = -2.
    """
    sign = 1
    if text.startswith("负"):
        sign, text = -1, text[1:]
    if text == "零元整":
        return 0
    tokens: list[Token] = []
    if "元" in text:
        yuan_text, _, text = text.partition("元")
        tokens += _yuan_tokens(yuan_text)
        assert tokens and tokens[-1] != ZERO
    if text == "整":
        assert tokens
    else:
        assert "整" not in text
        rest = text
        if rest.startswith("零"):
            tokens.append(ZERO)
            rest = rest[1:]
        for unit, power in (("角", -1), ("分", -2)):
            if len(rest) >= 2 and rest[1] == unit:
                tokens.append((DIGITS[rest[0]], power))
                rest = rest[2:]
        assert rest == "", text
    digits = [t for t in tokens if t != ZERO]
    assert digits and tokens[0] != ZERO and tokens[-1] != ZERO
    assert all(isinstance(d, int) and d > 0 for d, _ in digits)
    powers = [p for _, p in digits]
    assert powers == sorted(powers, reverse=True) and len(set(powers)) == len(powers)
    # a 零 between neighbours exactly when a power of ten is skipped
    idx = 0
    for prev, nxt in zip(digits, digits[1:]):
        idx = tokens.index(prev, idx) + 1
        between = tokens[idx:tokens.index(nxt, idx)]
        assert between == ([ZERO] if prev[1] - nxt[1] > 1 else []), (text, prev, nxt)
    return sign * sum(int(d) * 10 ** (p + 2) for d, p in digits)


@pytest.mark.parametrize(("fen", "text"), GOLDEN)
def test_reference_reader_on_golden(fen: int, text: str) -> None:
    assert read_upper(text) == fen


AMOUNTS = st.one_of(
    st.integers(0, 10**12),
    st.integers(0, 10**6),
    # amounts with many zero digits exercise the 零 rules
    st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=12).map(
        lambda ds: int("".join(map(str, ds)))
    ),
)


@PROP
@given(AMOUNTS)
def test_upper_properties(fen: int) -> None:
    text = to_chinese_upper(fen)
    assert set(text) <= ALLOWED
    assert "零零" not in text
    assert not text.endswith("零")
    assert text.endswith("整") == (fen % 100 == 0)
    assert text.count("元") == (1 if fen >= 100 or fen == 0 else 0)
    assert "负" not in text
    assert read_upper(text) == fen


@PROP
@given(AMOUNTS.filter(lambda n: n > 0))
def test_upper_negative(fen: int) -> None:
    assert to_chinese_upper(-fen) == "负" + to_chinese_upper(fen)
    assert read_upper(to_chinese_upper(-fen)) == -fen


@PROP
@given(st.integers(1, 10**12))
def test_upper_zero_after_yuan_rules(fen: int) -> None:
    """PBOC: a 零 after 元 when the units digit is 0 (before 角) or the 角 is 0 (before 分)."""
    text = to_chinese_upper(fen)
    yuan, jiao, fen_d = fen // 100, fen // 10 % 10, fen % 10
    if yuan and jiao and yuan % 10 == 0:
        assert "元零" + "零壹贰叁肆伍陆柒捌玖"[jiao] + "角" in text
    if yuan and not jiao and fen_d:
        assert text.endswith("元零" + "零壹贰叁肆伍陆柒捌玖"[fen_d] + "分")
