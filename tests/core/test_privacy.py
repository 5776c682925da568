"""Tests of helpdesk_gui.core.base.privacy (masking of personal information)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.base.privacy import (
    MASKED_DATE,
    mask_bank,
    mask_birth_date,
    mask_id,
    mask_name,
    mask_phone,
)

PROP = settings(max_examples=150, deadline=None)
MASKS = [mask_id, mask_phone, mask_bank, mask_name, mask_birth_date]


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("value", [None, ""])
def test_empty_inputs_give_empty_string(mask: object, value: str | None) -> None:
    assert mask(value) == ""  # type: ignore[operator]


# --- mask_id -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("530122199001011234", "530122********1234"),
        ("11010519491231002X", "110105********002X"),
        ("530122900101123", "530122*****1123"),
        ("12345678901", "123456*8901"),
        ("1234567890", "12********"),
        ("12345", "12***"),
        ("12", "12"),
        ("1", "1"),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert mask_id(value) == masked


def test_mask_id_hides_birth_date() -> None:
    masked = mask_id("530122199001011234")
    assert "19900101" not in masked
    assert len(masked) == 18


def test_mask_birth_date_hides_every_digit() -> None:
    assert mask_birth_date("1990-01-01") == MASKED_DATE == "****-**-**"


@PROP
@given(st.text(alphabet="0123456789X", min_size=11, max_size=18))
def test_mask_id_shape(value: str) -> None:
    masked = mask_id(value)
    assert len(masked) == len(value)
    assert masked[:6] == value[:6]
    assert masked[-4:] == value[-4:]
    assert set(masked[6:-4]) <= {"*"}


@PROP
@given(st.text(alphabet="0123456789X", min_size=1, max_size=10))
def test_mask_id_short_keeps_two(value: str) -> None:
    masked = mask_id(value)
    assert len(masked) == len(value)
    assert masked[:2] == value[:2]
    assert set(masked[2:]) <= {"*"}


# --- mask_phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("0871-6123456", "087*****3456"),
        ("08716123456", "087****3456"),
        ("0871612345", "08****2345"),
        ("87123456", "****3456"),
        ("8712345", "***2345"),
        ("123456", "******"),
        ("1", "*"),
        ("   ", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@PROP
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_phone_mobile(value: str) -> None:
    assert mask_phone(value) == value[:3] + "****" + value[-4:]


@PROP
@given(st.text(alphabet="0123456789-", min_size=1, max_size=16))
def test_mask_phone_never_reveals_everything(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    hidden = masked.count("*")
    # a local landline (7–8 digits) must not come back in clear
    assert hidden >= min(len(value), 3)
    if len(value) >= 7:
        assert masked[-4:] == value[-4:]
        assert masked[:3].rstrip("*") == value[: len(masked[:3].rstrip("*"))]


# --- mask_bank -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222021234567890123", "**** 0123"),
        ("6222 0212 3456 7890 123", "**** 0123"),
        ("6217\u00a00000\u30001234 5678", "**** 5678"),
        (" 6228480012345678 ", "**** 5678"),
    ],
)
def test_mask_bank(value: str, masked: str) -> None:
    assert mask_bank(value) == masked


@PROP
@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_mask_bank_shape(value: str) -> None:
    masked = mask_bank(value)
    assert masked.startswith("**** ")
    assert masked == "**** " + value[-4:]


# --- mask_name -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三丰", "张*丰"),
        ("张三", "张*"),
        ("张", "张"),
        ("欧阳娜娜", "欧**娜"),
        ("阿依古丽·买买提", "阿******提"),
    ],
)
def test_mask_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked


@PROP
@given(st.text(alphabet="张王李赵欧阳娜丽买提·", min_size=2, max_size=12))
def test_mask_name_shape(value: str) -> None:
    masked = mask_name(value)
    assert len(masked) == len(value)
    assert masked[0] == value[0]
    assert "*" in masked
    if len(value) > 2:
        assert masked[-1] == value[-1]
        assert set(masked[1:-1]) == {"*"}
