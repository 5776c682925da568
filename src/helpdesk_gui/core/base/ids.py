"""Resident identity numbers (公民身份号码, GB 11643-1999).

18 characters: 6-digit region code, 8-digit birth date, 3-digit sequence (odd = male), and an
ISO 7064 MOD 11-2 check character. Input from IMEs and Excel arrives with full-width digits,
lower-case ``x`` and spaces; it is normalised first. 15-digit numbers of GB 11643-1989 are
upgraded by inserting the century ``19`` and computing the check character.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field

from helpdesk_gui.core.base.errors import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

#: GB/T 2260 province-level codes (first two digits).
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门",
}

FIELD = "公民身份号码"


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: _dt.date
    sex: str  # "1" 男, "2" 女 (GB/T 2261.1 codes, as the 性别 code list)
    warnings: tuple[str, ...] = field(default=())

    @property
    def region(self) -> str:
        return self.value[:6]


def normalise(text: str) -> str:
    """NFKC (full-width digits and Ｘ), remove every kind of space, upper-case x."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace()).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade_15(old: str) -> str:
    """A 15-digit GB 11643-1989 number to its 18-digit form (born 19xx)."""
    body = old[:6] + "19" + old[6:]
    return body + check_char(body)


def parse(
    text: str,
    *,
    today: _dt.date | None = None,
    known_regions: Container[str] | None = None,
    allow_15: bool = True,
) -> IdNumber:
    """Validate and normalise an ID number; raise ``ValidationError`` naming what is wrong."""
    raw = text
    value = normalise(text)
    if not value:
        raise ValidationError(FIELD, "不能为空")
    if len(value) == 15 and value.isdigit():
        if not allow_15:
            raise ValidationError(FIELD, "15 位旧号码不再接受，请填写 18 位号码", raw)
        value = upgrade_15(value)
    if len(value) != 18:
        raise ValidationError(FIELD, f"应为 18 位，实际 {len(value)} 位", raw)
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(FIELD, "前 17 位应为数字，最后一位为数字或 X", raw)
    if value[:2] not in PROVINCES:
        raise ValidationError(FIELD, f"前两位“{value[:2]}”不是有效的省级行政区划代码", raw)
    try:
        birth = _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(FIELD, f"第 7–14 位“{value[6:14]}”不是有效的出生日期", raw) from None
    today = today or _dt.date.today()
    if birth > today:
        raise ValidationError(FIELD, f"出生日期 {birth.isoformat()} 晚于今天", raw)
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(FIELD, "校验位不正确，请逐位核对号码", raw)
    warnings: list[str] = []
    if birth.year < 1900:
        warnings.append(f"出生日期 {birth.isoformat()} 早于 1900 年，请核对")
    region = value[:6]
    if region[2:] == "0000" or region[4:] == "00":
        warnings.append(f"行政区划代码 {region} 不是县级代码，请核对")
    elif known_regions is not None and region not in known_regions:
        warnings.append(f"行政区划代码 {region} 不在本地代码表中（可能已撤销），请核对")
    sex = "1" if int(value[16]) % 2 == 1 else "2"
    return IdNumber(value, birth, sex, tuple(warnings))


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except ValidationError:
        return False
    return True


def make(region: str, birth: _dt.date, sequence: int) -> str:
    """Build a valid number (demo data and tests). ``sequence`` 0–999; odd = male."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def age_on(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
