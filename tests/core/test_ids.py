"""Tests of helpdesk_gui.core.base.ids (GB 11643-1999 公民身份号码)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import ValidationError

TODAY = dt.date(2024, 6, 15)

PUBLISHED = {
    # value: (birth date, sex)
    "11010519491231002X": (dt.date(1949, 12, 31), "2"),
    "440524188001010014": (dt.date(1880, 1, 1), "1"),
    "34052419800101001X": (dt.date(1980, 1, 1), "1"),
    "370101190102039973": (dt.date(1901, 2, 3), "1"),
}

VALID = "34052419800101001X"


def _parse(text: str, **kw: object) -> ids.IdNumber:
    kw.setdefault("today", TODAY)
    return ids.parse(text, **kw)  # type: ignore[arg-type]


def _reason(text: str, **kw: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _parse(text, **kw)
    assert info.value.field == ids.FIELD
    assert str(info.value).startswith(ids.FIELD + "：")
    return info.value


# --- published examples ------------------------------------------------------------------------


@pytest.mark.parametrize("value", sorted(PUBLISHED))
def test_published_examples_pass(value: str) -> None:
    result = _parse(value)
    assert result.value == value
    assert (result.birth_date, result.sex) == PUBLISHED[value]
    assert result.region == value[:6]
    assert ids.check_char(value[:17]) == value[17]
    assert ids.is_valid(value)


def test_published_example_born_before_1900_passes_with_warning() -> None:
    result = _parse("440524188001010014")
    assert any("1900" in w for w in result.warnings)


def test_normal_number_has_no_warnings() -> None:
    assert _parse("11010519491231002X").warnings == ()


# --- check digit -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", sorted(PUBLISHED))
def test_wrong_check_digit_names_check_digit(value: str) -> None:
    for ch in "0123456789X":
        if ch == value[17]:
            continue
        err = _reason(value[:17] + ch)
        assert "校验位" in str(err)
        assert "校验位" in err.reason


def test_check_char_table() -> None:
    # Sum of weighted digits mod 11 → check character (ISO 7064 MOD 11-2).
    weights = tuple(pow(2, 17 - i, 11) for i in range(17))
    # check value c makes (weighted sum + c) ≡ 1 (mod 11); 10 is written X
    chars = "".join("X" if (12 - r) % 11 == 10 else str((12 - r) % 11) for r in range(11))
    assert (weights, chars) == (ids.WEIGHTS, ids.CHECK_CHARS)
    assert ids.check_char("0" * 17) == "1"
    assert ids.check_char("11010519491231002") == "X"


def test_error_message_quotes_raw_input() -> None:
    err = _reason("340524198001010010")
    assert err.value == "340524198001010010"
    assert "340524198001010010" in str(err)


# --- normalisation -----------------------------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    "text",
    [
        VALID.translate(FULL_WIDTH),
        "34052419800101001x",
        "34052419800101001Ｘ",
        "３４０５２４１９８００１０１００１ｘ",
        "340524 19800101 001X",
        " 340524\u300019800101\u00a0001x\t",
        "3405 2419 8001 0100 1X\n",
    ],
)
def test_normalisation(text: str) -> None:
    result = _parse(text)
    assert result.value == VALID
    assert result.value.endswith("X")
    assert ids.normalise(text) == VALID


def test_normalise_only_uppercases_and_strips() -> None:
    assert ids.normalise("  ａｂ x\u3000") == "ABX"


# --- derived fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(("seq", "sex"), [(0, "2"), (1, "1"), (2, "2"), (3, "1"), (998, "2"), (999, "1")])
def test_sex_from_17th_digit(seq: int, sex: str) -> None:
    value = ids.make("110105", dt.date(1990, 5, 17), seq)
    result = _parse(value)
    assert result.sex == sex
    assert int(value[16]) % 2 == (1 if sex == "1" else 0)
    assert result.birth_date == dt.date(1990, 5, 17)


def test_region_property() -> None:
    assert _parse("370101190102039973").region == "370101"


# --- invalid input -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty(text: str) -> None:
    assert "不能为空" in str(_reason(text))


@pytest.mark.parametrize("text", ["1", "3405241980010100", "34052419800101001X1", "34052419800101001XX"])
def test_wrong_length(text: str) -> None:
    assert "18 位" in str(_reason(text))


@pytest.mark.parametrize("text", ["34052419800101001A", "3405241980010100X1", "34052A19800101001X", "X40524198001010010"])
def test_bad_characters(text: str) -> None:
    assert "前 17 位应为数字" in str(_reason(text))


@pytest.mark.parametrize("prefix", ["00", "10", "20", "30", "38", "47", "55", "60", "66", "70", "80", "83", "90", "99"])
def test_unknown_province_prefix(prefix: str) -> None:
    value = ids.make(prefix + "0101", dt.date(1980, 1, 1), 1)
    err = _reason(value)
    assert "省级行政区划代码" in str(err)
    assert prefix in str(err)


@pytest.mark.parametrize(
    "date_text",
    ["19990229", "19000229", "21000229", "19800230", "19800431", "19801301", "19800001", "19800100", "19801232"],
)
def test_invalid_birth_dates(date_text: str) -> None:
    body = "110105" + date_text + "001"
    err = _reason(body + ids.check_char(body))
    assert "出生日期" in str(err)
    assert date_text in str(err)


def test_leap_day_valid_in_leap_years() -> None:
    for year in (1960, 2000, 2004):
        assert _parse(ids.make("110105", dt.date(year, 2, 29), 5)).birth_date == dt.date(year, 2, 29)


def test_future_birth_date_refused() -> None:
    value = ids.make("110105", TODAY + dt.timedelta(days=1), 1)
    err = _reason(value)
    assert "晚于今天" in str(err)


def test_birth_today_accepted() -> None:
    assert _parse(ids.make("110105", TODAY, 1)).birth_date == TODAY


def test_future_relative_to_real_today_by_default() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        ids.parse(ids.make("110105", tomorrow, 1))
    assert not ids.is_valid(ids.make("110105", tomorrow, 1))


def test_is_valid() -> None:
    assert ids.is_valid(VALID)
    assert not ids.is_valid("340524198001010010")
    assert not ids.is_valid("")


# --- 15-digit legacy numbers -----------------------------------------------------------------


def test_15_digit_upgraded() -> None:
    result = _parse("440524800101001")
    body = "44052419800101001"
    assert result.value == body + ids.check_char(body)
    assert result.value == ids.upgrade_15("440524800101001")
    assert result.birth_date == dt.date(1980, 1, 1)
    assert result.sex == "1"


def test_15_digit_upgrade_roundtrip_with_18_digit() -> None:
    assert ids.upgrade_15("110105491231002") == "11010519491231002X"
    assert _parse("110105491231002").value == "11010519491231002X"
    assert _parse("110105491231002").sex == "2"


def test_15_digit_full_width_and_spaces() -> None:
    assert _parse(" ４４０５２４ 800101 001 ").value == ids.upgrade_15("440524800101001")


def test_15_digit_refused_when_not_allowed() -> None:
    err = _reason("440524800101001", allow_15=False)
    assert "15 位" in str(err)
    # an 18-digit number is unaffected by the switch
    assert _parse(VALID, allow_15=False).value == VALID


def test_15_digit_with_bad_date_refused() -> None:
    assert "出生日期" in str(_reason("440524800230001"))


def test_15_digit_with_letter_is_a_length_error() -> None:
    assert "18 位" in str(_reason("44052480010100X"))


# --- region warnings --------------------------------------------------------------------------


def test_unknown_region_is_only_a_warning() -> None:
    value = ids.make("110199", dt.date(1980, 1, 1), 11)
    result = _parse(value, known_regions={"110105", "110101"})
    assert result.value == value
    assert len(result.warnings) == 1
    assert "110199" in result.warnings[0]


def test_known_region_no_warning() -> None:
    value = ids.make("110105", dt.date(1980, 1, 1), 11)
    assert _parse(value, known_regions=frozenset({"110105"})).warnings == ()
    assert _parse(value, known_regions=["110105"]).warnings == ()


def test_region_not_checked_without_table() -> None:
    assert _parse(ids.make("119999", dt.date(1980, 1, 1), 11)).warnings == ()


@pytest.mark.parametrize("region", ["110000", "440500", "650000"])
def test_non_county_region_warns(region: str) -> None:
    result = _parse(ids.make(region, dt.date(1980, 1, 1), 11), known_regions={region})
    assert len(result.warnings) == 1
    assert "县级" in result.warnings[0]


def test_empty_known_regions_warns() -> None:
    assert len(_parse(VALID, known_regions=set()).warnings) == 1


# --- helpers ------------------------------------------------------------------------------------


def test_make() -> None:
    assert ids.make("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"
    assert ids.make("340524", dt.date(1980, 1, 1), 1) == VALID


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(1980, 6, 15), dt.date(2024, 6, 15), 44),
        (dt.date(1980, 6, 16), dt.date(2024, 6, 15), 43),
        (dt.date(1980, 2, 29), dt.date(2024, 2, 28), 43),
        (dt.date(1980, 2, 29), dt.date(2024, 2, 29), 44),
        (dt.date(2024, 6, 15), dt.date(2024, 6, 15), 0),
    ],
)
def test_age_on(birth: dt.date, on: dt.date, age: int) -> None:
    assert ids.age_on(birth, on) == age


# --- properties -------------------------------------------------------------------------------


@st.composite
def valid_parts(draw: st.DrawFn) -> tuple[str, dt.date, int]:
    province = draw(st.sampled_from(sorted(ids.PROVINCES)))
    city = draw(st.integers(1, 99))
    county = draw(st.integers(1, 99))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    return f"{province}{city:02d}{county:02d}", birth, seq


PROP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(valid_parts())
def test_make_parses_back(parts: tuple[str, dt.date, int]) -> None:
    region, birth, seq = parts
    value = ids.make(region, birth, seq)
    result = _parse(value, known_regions={region})
    assert result.value == value
    assert result.birth_date == birth
    assert result.sex == ("1" if seq % 2 else "2")
    assert result.region == region
    assert result.warnings == ()
    # and through the lower-case / full-width forms
    assert _parse(value.lower().translate(FULL_WIDTH)).value == value


@PROP
@given(valid_parts())
def test_every_single_substitution_fails(parts: tuple[str, dt.date, int]) -> None:
    value = ids.make(*parts)
    for pos in range(18):
        for ch in "0123456789X":
            if ch == value[pos]:
                continue
            changed = value[:pos] + ch + value[pos + 1:]
            with pytest.raises(ValidationError):
                _parse(changed)


@PROP
@given(valid_parts())
def test_every_adjacent_transposition_fails(parts: tuple[str, dt.date, int]) -> None:
    value = ids.make(*parts)
    for pos in range(17):
        a, b = value[pos], value[pos + 1]
        if a == b:
            continue
        changed = value[:pos] + b + a + value[pos + 2:]
        with pytest.raises(ValidationError):
            _parse(changed)


@PROP
@given(
    st.sampled_from(sorted(ids.PROVINCES)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    st.integers(0, 999),
)
def test_15_digit_upgrade_property(province: str, birth: dt.date, seq: int) -> None:
    region = province + "0102"
    old = f"{region}{birth:%y%m%d}{seq:03d}"
    result = _parse(old)
    assert result.value == ids.make(region, birth, seq)
    assert result.birth_date == birth
    assert result.sex == ("1" if seq % 2 else "2")
    with pytest.raises(ValidationError):
        _parse(old, allow_15=False)
